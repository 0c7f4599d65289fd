import { sql } from 'drizzle-orm';
import { audit, type Actor } from '../audit/index.ts';
import { rowsOf, type Queryable } from '../db/index.ts';
import { uuidArray } from '../db/types.ts';
import { installedModules } from '../manifest.ts';
import { recordLinks } from './tables.ts';

export { recordLinks, type RecordLinkRow } from './tables.ts';

/**
 * A kind of record that links may join, declared by the module that owns it,
 * like `participation.activity`. Its table gets the trigger that removes a
 * row's links when the row is deleted (the migration that creates the kind's
 * table adds it; the links catalogue test checks every declared kind has it).
 */
export interface LinkKind {
  kind: string;
  /** The table the kind's records live in. */
  table: string;
  /** i18n key of the kind's name, e.g. "Activity". */
  labelKey: string;
  /** Where staff see a record of this kind. */
  href?: (id: string) => string;
}

/** A link name a module uses, with the kinds it may join, e.g. "led-to" from feedback to actions. */
export interface LinkName {
  name: string;
  from: readonly string[];
  to: readonly string[];
  /** i18n key of how the link reads, e.g. "Led to". */
  labelKey: string;
}

/** A record by kind and id. */
export interface RecordRef {
  kind: string;
  id: string;
}

/** One link as read: which way it points from the record asked about. */
export interface Link {
  name: string;
  direction: 'from' | 'to';
  /** The record asked about. */
  record: RecordRef;
  /** The record at the other end. */
  other: RecordRef;
  createdBy: string | null;
  createdAt: string;
}

/** Every declared kind, by its name. */
export function linkKinds(): Map<string, LinkKind> {
  return new Map(
    installedModules().flatMap((m) => (m.links?.kinds ?? []).map((k) => [k.kind, k] as const)),
  );
}

/** Every declared link name, by its name. */
export function linkNames(): Map<string, LinkName> {
  return new Map(
    installedModules().flatMap((m) => (m.links?.names ?? []).map((n) => [n.name, n] as const)),
  );
}

/** Thrown for a link no manifest declares: a bug in the calling module, not bad input. */
export class UndeclaredLinkError extends Error {}

function checkDeclared(from: RecordRef, name: string, to: RecordRef): void {
  const declared = linkNames().get(name);
  if (!declared) throw new UndeclaredLinkError(`No module declares the link name "${name}"`);
  if (!declared.from.includes(from.kind) || !declared.to.includes(to.kind))
    throw new UndeclaredLinkError(
      `The link "${name}" does not join ${from.kind} to ${to.kind} (declared: ${declared.from.join(', ')} to ${declared.to.join(', ')})`,
    );
}

/**
 * Links two records of the request's organisation (idempotent: linking again
 * changes nothing), with an audit record. The caller has looked both records
 * up within the organisation; row-level security keeps the link there too.
 */
export async function linkRecords(
  tx: Queryable,
  actor: Actor,
  from: RecordRef,
  name: string,
  to: RecordRef,
): Promise<boolean> {
  checkDeclared(from, name, to);
  const made = await tx
    .insert(recordLinks)
    .values({
      organisationId: sql`app_organisation_id()`,
      fromKind: from.kind,
      fromId: from.id,
      name,
      toKind: to.kind,
      toId: to.id,
      createdBy: actor.userId,
    })
    .onConflictDoNothing()
    .returning({ id: recordLinks.id });
  if (made.length === 0) return false;
  await audit(tx, actor, {
    action: 'create',
    entity: 'record_link',
    entityId: made[0]!.id,
    after: { from: `${from.kind} ${from.id}`, name, to: `${to.kind} ${to.id}` },
  });
  return true;
}

/** Removes one link, with an audit record; false when there was none. */
export async function unlinkRecords(
  tx: Queryable,
  actor: Actor,
  from: RecordRef,
  name: string,
  to: RecordRef,
): Promise<boolean> {
  const gone = rowsOf<{ id: string }>(
    await tx.execute(sql`
      delete from record_links
      where from_kind = ${from.kind} and from_id = ${from.id} and name = ${name}
        and to_kind = ${to.kind} and to_id = ${to.id}
      returning id`),
  );
  if (gone.length === 0) return false;
  await audit(tx, actor, {
    action: 'delete',
    entity: 'record_link',
    entityId: gone[0]!.id,
    before: { from: `${from.kind} ${from.id}`, name, to: `${to.kind} ${to.id}` },
  });
  return true;
}

/**
 * Every link of a list of records of one kind, both ways, in one statement
 * (never one per record), optionally only those with given names. Results
 * are grouped by the record asked about, oldest link first.
 */
export async function linksOf(
  tx: Queryable,
  kind: string,
  ids: readonly string[],
  options: { names?: readonly string[] } = {},
): Promise<Map<string, Link[]>> {
  const byRecord = new Map<string, Link[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byRecord;
  const idArray = uuidArray(ids);
  const names = options.names?.length
    ? sql`and name in (${sql.join(
        options.names.map((n) => sql`${n}`),
        sql`, `,
      )})`
    : sql``;
  const rows = rowsOf<{
    direction: 'from' | 'to';
    record_id: string;
    name: string;
    other_kind: string;
    other_id: string;
    created_by: string | null;
    created_at: string;
  }>(
    await tx.execute(sql`
      select 'from' as direction, from_id as record_id, name, to_kind as other_kind,
        to_id as other_id, created_by, created_at::text as created_at
        from record_links where from_kind = ${kind} and from_id = any(${idArray}) ${names}
      union all
      select 'to', to_id, name, from_kind, from_id, created_by, created_at::text
        from record_links where to_kind = ${kind} and to_id = any(${idArray}) ${names}
      order by created_at, name`),
  );
  for (const row of rows) {
    byRecord.get(row.record_id)?.push({
      name: row.name,
      direction: row.direction,
      record: { kind, id: row.record_id },
      other: { kind: row.other_kind, id: row.other_id },
      createdBy: row.created_by,
      createdAt: row.created_at,
    });
  }
  return byRecord;
}

/**
 * Moves every link of one record onto another of the same kind (a merge of
 * two people), dropping any that the other already has. One statement each way.
 */
export async function moveLinks(
  tx: Queryable,
  kind: string,
  fromId: string,
  intoId: string,
): Promise<void> {
  await tx.execute(sql`
    update record_links l set from_id = ${intoId}
    where from_kind = ${kind} and from_id = ${fromId}
      and not exists (select 1 from record_links d where d.from_kind = l.from_kind
        and d.from_id = ${intoId} and d.name = l.name and d.to_kind = l.to_kind and d.to_id = l.to_id)`);
  await tx.execute(sql`
    update record_links l set to_id = ${intoId}
    where to_kind = ${kind} and to_id = ${fromId}
      and not exists (select 1 from record_links d where d.to_kind = l.to_kind
        and d.to_id = ${intoId} and d.name = l.name and d.from_kind = l.from_kind and d.from_id = l.from_id)`);
  await removeLinks(tx, kind, [fromId]);
}

/** Removes every link of some records, both ways (an erasure, or a delete the trigger does not see). */
export async function removeLinks(
  tx: Queryable,
  kind: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  const idArray = uuidArray(ids);
  await tx.execute(sql`
    delete from record_links
    where (from_kind = ${kind} and from_id = any(${idArray}))
       or (to_kind = ${kind} and to_id = any(${idArray}))`);
}
