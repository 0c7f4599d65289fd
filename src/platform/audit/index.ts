import { and, desc, eq, gte, is, lt, sql, SQL } from 'drizzle-orm';
import { rowsOf, type Queryable, type Write } from '../db/index.ts';
import { auditLog, type AuditRow } from './tables.ts';

export { auditLog } from './tables.ts';

/** Who is acting, passed from the route to every service that changes data. */
export interface Actor {
  userId: string | null;
  label: string;
  ip: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, label: 'system', ip: null };

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Writes an audit record in the caller's transaction, so that the record and
 * the change commit or roll back together.
 */
export async function audit(tx: Queryable, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    organisationId: sql`app_organisation_id()`,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: actor.ip,
  });
}

/**
 * Audit entries as one write to send with others in one statement
 * (inOneStatement): the same records as audit(). An entry's `after` may be
 * SQL, such as a row another write of the statement returns, as jsonb.
 */
export function auditWrite(
  name: string,
  actor: Actor,
  entries: Array<Omit<AuditEntry, 'after'> & { after?: unknown }>,
): Write {
  const json = (value: unknown) =>
    value === undefined || value === null
      ? sql`null::jsonb`
      : is(value, SQL)
        ? value
        : sql`${JSON.stringify(value)}::jsonb`;
  const rows = entries.map(
    (e) =>
      sql`(app_organisation_id(), ${actor.userId}::uuid, ${actor.label}, ${e.action}, ${e.entity},
        ${e.entityId ?? null}, ${json(e.before)}, ${json(e.after)}, ${actor.ip})`,
  );
  return {
    name,
    statement: sql`insert into audit_log
      (organisation_id, actor_user_id, actor_label, action, entity, entity_id, before, after, ip)
      values ${sql.join(rows, sql.raw(', '))}`,
  };
}

/**
 * Removes personal fields from every audit copy of one record (erasure under
 * UK GDPR), through the one database function allowed to, which records it.
 */
export async function redactAudit(
  tx: Queryable,
  actor: Actor,
  entity: string,
  entityId: string,
  fields: string[],
): Promise<number> {
  const result = await tx.execute(
    sql`select audit_redact(${entity}, ${entityId}, ${sql.raw(`ARRAY[${fields.map((f) => `'${f.replace(/'/g, "''")}'`).join(',')}]::text[]`)}, ${actor.label}) as n`,
  );
  return Number((result as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0);
}

export interface AuditFilter {
  entity?: string | undefined;
  action?: string | undefined;
  actor?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page?: number;
}

export const AUDIT_PAGE_SIZE = 50;

/** A page of the audit trail, newest first, with the filters applied. */
/** The conditions a filter puts on the trail. */
function auditConditions(filter: AuditFilter): SQL | undefined {
  const where: SQL[] = [];
  if (filter.entity) where.push(eq(auditLog.entity, filter.entity));
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.actor) where.push(sql`${auditLog.actorLabel} ilike ${`%${filter.actor}%`}`);
  if (filter.from) where.push(gte(auditLog.at, new Date(`${filter.from}T00:00:00Z`)));
  if (filter.to) where.push(lt(auditLog.at, sql`${filter.to}::date + 1`));
  return where.length ? and(...where) : undefined;
}

/**
 * The furthest page the trail can be asked for: an offset beyond it would
 * overflow PostgreSQL's bigint, and no trail is that long.
 */
export const AUDIT_MAX_PAGE = 1_000_000;

export async function listAudit(
  tx: Queryable,
  filter: AuditFilter,
): Promise<{ rows: AuditRow[]; more: boolean }> {
  const page = Math.min(AUDIT_MAX_PAGE, Math.max(1, filter.page ?? 1));
  const rows = await tx
    .select()
    .from(auditLog)
    .where(auditConditions(filter))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((page - 1) * AUDIT_PAGE_SIZE);
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), more: rows.length > AUDIT_PAGE_SIZE };
}

/** The last page of the trail a filter shows (1 when it shows nothing). */
export async function lastAuditPage(tx: Queryable, filter: AuditFilter): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(auditConditions(filter));
  return Math.max(1, Math.ceil((row?.n ?? 0) / AUDIT_PAGE_SIZE));
}

/**
 * The kinds of record and action the trail holds, for the filter lists. Each
 * list is read along its index one value at a time (the next value after the
 * last), so a year's trail of hundreds of thousands of entries costs a few
 * dozen index lookups, not a read of every entry (issue 15).
 */
export async function auditFacets(
  tx: Queryable,
): Promise<{ entities: string[]; actions: string[] }> {
  const rows = rowsOf<{ kind: 'entity' | 'action'; v: string }>(
    await tx.execute(sql`
      with recursive entities(v) as (
        (select entity from audit_log order by entity limit 1)
        union all
        select (select a.entity from audit_log a where a.entity > e.v order by a.entity limit 1)
        from entities e where e.v is not null
      ),
      actions(v) as (
        (select action from audit_log order by action limit 1)
        union all
        select (select a.action from audit_log a where a.action > e.v order by a.action limit 1)
        from actions e where e.v is not null
      )
      select 'entity' as kind, v from entities where v is not null
      union all
      select 'action' as kind, v from actions where v is not null`),
  );
  // In the database's order, as "order by" gave them before.
  return {
    entities: rows.filter((r) => r.kind === 'entity').map((r) => r.v),
    actions: rows.filter((r) => r.kind === 'action').map((r) => r.v),
  };
}
