import { sql, type SQL } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { arrayParam, uuidArray } from '../../platform/db/types.ts';
import { readModuleSettings } from '../../platform/tenancy/module-settings.ts';
import { listServices, personByReference } from '../people/index.ts';
import {
  SPECS,
  sameValue,
  type CheckContext,
  type FieldSpec,
  type KindSpec,
  type Values,
} from './kinds.ts';
import { operationsSettings } from './settings.ts';

/**
 * The SQL of the operational records, for every kind from its declaration
 * (kinds.ts): the table and column names are the module's own constants,
 * never input. Lists and imports work set-wise: one statement a page, and
 * one statement a batch of thousands of rows (arrays unnested), so a file of
 * a million repairs goes in as a few hundred statements.
 */

/** The SQL type a field is stored as, and how a batch carries it (code lists as `a;b`). */
function sqlType(field: FieldSpec): string {
  switch (field.type) {
    case 'date':
      return 'date';
    case 'count':
      return 'int';
    case 'service':
    case 'person':
      return 'uuid';
    case 'yesno':
      return 'boolean';
    case 'choice':
      return field.name === 'stage' ? 'int' : 'text';
    default:
      return 'text';
  }
}

function carried(field: FieldSpec, value: Values[string]): string | number | boolean | null {
  if (field.type === 'involvement') return ((value as string[] | null) ?? []).join(';');
  return (value as string | number | boolean | null) ?? null;
}

const stored = (spec: KindSpec) => spec.fields.filter((f) => f.name !== 'reference');
const columnList = (spec: KindSpec) =>
  sql.raw(['id', 'reference', ...stored(spec).map((f) => f.column)].join(', '));

/** A record's key within its kind: the reference, and the stage for complaints. */
export function keyOf(spec: KindSpec, reference: string, values: Values): string {
  return spec.staged ? `${reference}\u0000${String(values.stage)}` : reference;
}

export interface StoredRecord {
  id: string;
  reference: string;
  values: Values;
}

function toStored(spec: KindSpec, row: Record<string, unknown>): StoredRecord {
  const values: Values = {};
  for (const f of stored(spec)) values[f.column] = (row[f.column] ?? null) as Values[string];
  return { id: String(row.id), reference: String(row.reference), values };
}

/** The stored records of these references (every stage of a complaint), by key. */
export async function storedByReference(
  tx: Queryable,
  spec: KindSpec,
  references: readonly string[],
): Promise<Map<string, StoredRecord>> {
  const found = new Map<string, StoredRecord>();
  if (references.length === 0) return found;
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(
      sql`select ${columnList(spec)} from ${sql.raw(spec.table)} where reference = any(${arrayParam(references, 'text')})`,
    ),
  );
  for (const row of rows) {
    const record = toStored(spec, row);
    found.set(keyOf(spec, record.reference, record.values), record);
  }
  return found;
}

/** Whether a stored record differs from new values in any field. */
export function changed(spec: KindSpec, before: Values, after: Values): boolean {
  return stored(spec).some((f) => !sameValue(before[f.column], after[f.column]));
}

/** Inserts new records in one statement a batch; returns their ids by key. */
export async function insertRecords(
  tx: Queryable,
  spec: KindSpec,
  rows: ReadonlyArray<{ reference: string; values: Values }>,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const fields = stored(spec);
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const columns = [
      arrayParam(
        batch.map((r) => r.reference),
        'text',
      ),
      ...fields.map((f) =>
        arrayParam(
          batch.map((r) => carried(f, r.values[f.column] ?? null)),
          sqlType(f),
        ),
      ),
    ];
    const names = ['reference', ...fields.map((f) => f.column)];
    const picked = names.map((n) =>
      spec.fields.find((f) => f.column === n)?.type === 'involvement'
        ? `string_to_array(v.${n}, ';')`
        : `v.${n}`,
    );
    const made = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`
        insert into ${sql.raw(spec.table)} (organisation_id, ${sql.raw(names.join(', '))})
        select app_organisation_id(), ${sql.raw(picked.join(', '))}
        from unnest(${sql.join(columns, sql`, `)}) as v(${sql.raw(names.join(', '))})
        returning id, reference${sql.raw(spec.staged ? ', stage' : '')}`),
    );
    for (const row of made)
      ids.set(keyOf(spec, String(row.reference), { stage: row.stage as number }), String(row.id));
  }
  return ids;
}

/** Updates changed records in one statement a batch. */
export async function updateRecords(
  tx: Queryable,
  spec: KindSpec,
  rows: ReadonlyArray<{ id: string; values: Values }>,
): Promise<void> {
  const fields = stored(spec);
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const columns = [
      uuidArray(batch.map((r) => r.id)),
      ...fields.map((f) =>
        arrayParam(
          batch.map((r) => carried(f, r.values[f.column] ?? null)),
          sqlType(f),
        ),
      ),
    ];
    const sets = fields.map((f) =>
      f.type === 'involvement'
        ? `${f.column} = string_to_array(v.${f.column}, ';')`
        : `${f.column} = v.${f.column}`,
    );
    await tx.execute(sql`
      update ${sql.raw(spec.table)} as t set ${sql.raw(sets.join(', '))}, updated_at = now()
      from unnest(${sql.join(columns, sql`, `)}) as v(id, ${sql.raw(fields.map((f) => f.column).join(', '))})
      where t.id = v.id`);
  }
}

const BATCH = 5000;

/** What records are checked against: services by code, the involvement menu, people by reference. */
export async function loadCheckContext(
  tx: Queryable,
  options: { people: 'all' | string | null },
): Promise<CheckContext> {
  const services = new Map(
    (await listServices(tx)).map((s) => [s.code.toLowerCase(), s.id] as const),
  );
  const settings = await readModuleSettings(tx, null, operationsSettings);
  const involvementMenu = new Set(settings.involvementMenu.map((i) => i.code));
  const people = new Map<string, string>();
  if (options.people === 'all') {
    // The register's published view: every reference (and the earlier ones of merged people).
    for (const row of rowsOf<{ reference: string; id: string }>(
      await tx.execute(sql`
        select reference, id from register_people where reference is not null and erased_at is null
        union all
        select a.reference, a.person_id from register_person_aliases a`),
    ))
      people.set(row.reference, row.id);
  } else if (options.people) {
    const person = await personByReference(tx, options.people);
    if (person && !person.erasedAt) people.set(options.people, person.id);
  }
  return { services, involvementMenu, personId: (reference) => people.get(reference) ?? null };
}

// ---------------------------------------------------------------------------
// Lists and records

export const PAGE_SIZE = 50;

export interface ListFilter {
  from?: string | null;
  to?: string | null;
  serviceId?: string | null;
  reference?: string | null;
  page: number;
}

export interface ListRow extends StoredRecord {
  total: number;
}

/** One page of a kind's records, newest first, and how many there are: one statement. */
export async function listRecords(
  tx: Queryable,
  spec: KindSpec,
  filter: ListFilter,
): Promise<{ rows: StoredRecord[]; total: number }> {
  const where: SQL[] = [sql`true`];
  const date = sql.raw(spec.dateColumn);
  if (filter.from) where.push(sql`${date} >= ${filter.from}::date`);
  if (filter.to) where.push(sql`${date} <= ${filter.to}::date`);
  if (filter.serviceId && spec.fields.some((f) => f.type === 'service'))
    where.push(sql`service_id = ${filter.serviceId}::uuid`);
  if (filter.reference)
    where.push(sql`reference ilike ${`%${filter.reference.replace(/[\\%_]/g, '\\$&')}%`}`);
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select ${columnList(spec)}, count(*) over ()::int as total
      from ${sql.raw(spec.table)} where ${sql.join(where, sql` and `)}
      order by ${date} desc, reference${sql.raw(spec.staged ? ', stage' : '')}
      limit ${PAGE_SIZE} offset ${(filter.page - 1) * PAGE_SIZE}`),
  );
  return { rows: rows.map((r) => toStored(spec, r)), total: Number(rows[0]?.total ?? 0) };
}

/** One record of a kind by id, within the organisation (row-level security), or null. */
export async function recordById(
  tx: Queryable,
  spec: KindSpec,
  id: string,
): Promise<StoredRecord | null> {
  const [row] = rowsOf<Record<string, unknown>>(
    await tx.execute(
      sql`select ${columnList(spec)} from ${sql.raw(spec.table)} where id = ${id}::uuid`,
    ),
  );
  return row ? toStored(spec, row) : null;
}

/** The other stages of a complaint, for its page. */
export async function stagesOf(tx: Queryable, reference: string): Promise<StoredRecord[]> {
  const spec = SPECS.complaints;
  return rowsOf<Record<string, unknown>>(
    await tx.execute(
      sql`select ${columnList(spec)} from complaint_stages where reference = ${reference} order by stage`,
    ),
  ).map((r) => toStored(spec, r));
}

/**
 * Saves one record from the form: a new one, or a change to one looked up
 * within the organisation; audited with what was there before.
 */
export async function saveRecord(
  tx: Queryable,
  actor: Actor,
  spec: KindSpec,
  existing: StoredRecord | null,
  reference: string,
  values: Values,
): Promise<string> {
  let id: string;
  if (existing) {
    id = existing.id;
    if (existing.reference !== reference)
      await tx.execute(
        sql`update ${sql.raw(spec.table)} set reference = ${reference} where id = ${id}::uuid`,
      );
    await updateRecords(tx, spec, [{ id, values }]);
  } else {
    const ids = await insertRecords(tx, spec, [{ reference, values }]);
    id = [...ids.values()][0]!;
  }
  await audit(tx, actor, {
    action: existing ? 'update' : 'create',
    entity: `operations.${spec.kind}`,
    entityId: id,
    before: existing ? { reference: existing.reference, ...existing.values } : null,
    after: { reference, ...values },
  });
  return id;
}

/** Removes one record, audited. */
export async function deleteRecord(
  tx: Queryable,
  actor: Actor,
  spec: KindSpec,
  record: StoredRecord,
): Promise<void> {
  await tx.execute(sql`delete from ${sql.raw(spec.table)} where id = ${record.id}::uuid`);
  await audit(tx, actor, {
    action: 'delete',
    entity: `operations.${spec.kind}`,
    entityId: record.id,
    before: { reference: record.reference, ...record.values },
  });
}

// ------------------------------------------------------------ staged import

/**
 * A large file's good rows, kept for the import's transaction in a temporary
 * table (dropped at commit) instead of in memory: the check adds them in
 * batches as it reads the file, compares them with what is stored in one
 * statement, and the apply writes them set-wise, a range of lines at a time
 * so that each statement's returned rows and each batch of events stay small.
 */
const STAGE = 'operations_import_stage';
/** Lines of the file applied in one statement. */
const APPLY_LINES = 10_000;

const stageType = (f: FieldSpec) => (f.type === 'involvement' ? 'text[]' : sqlType(f));

/** Starts the transaction's staging table for a kind, forgetting any earlier one. */
export async function beginStage(tx: Queryable, spec: KindSpec): Promise<void> {
  const columns = stored(spec).map((f) => `${f.column} ${stageType(f)}`);
  await tx.execute(sql.raw(`drop table if exists ${STAGE}`));
  await tx.execute(
    sql.raw(`create temporary table ${STAGE} (line int not null, reference text not null,
      ${columns.join(', ')}, status text not null default 'created', existing_id uuid) on commit drop`),
  );
}

/** Adds a batch of checked rows to the staging table, in one statement. */
export async function stageRows(
  tx: Queryable,
  spec: KindSpec,
  rows: ReadonlyArray<{ line: number; reference: string; values: Values }>,
): Promise<void> {
  if (rows.length === 0) return;
  const fields = stored(spec);
  const names = ['line', 'reference', ...fields.map((f) => f.column)];
  const columns = [
    arrayParam(
      rows.map((r) => r.line),
      'int',
    ),
    arrayParam(
      rows.map((r) => r.reference),
      'text',
    ),
    ...fields.map((f) =>
      arrayParam(
        rows.map((r) => carried(f, r.values[f.column] ?? null)),
        sqlType(f),
      ),
    ),
  ];
  const picked = names.map((n) =>
    spec.fields.find((f) => f.column === n)?.type === 'involvement'
      ? `string_to_array(v.${n}, ';')`
      : `v.${n}`,
  );
  await tx.execute(sql`
    insert into ${sql.raw(STAGE)} (${sql.raw(names.join(', '))})
    select ${sql.raw(picked.join(', '))}
    from unnest(${sql.join(columns, sql`, `)}) as v(${sql.raw(names.join(', '))})`);
}

/** Removes the staged rows of these lines; returns how many there were. */
export async function dropStaged(tx: Queryable, lines: readonly number[]): Promise<number> {
  const gone = rowsOf<{ line: number }>(
    await tx.execute(
      sql`delete from ${sql.raw(STAGE)} where line = any(${arrayParam(lines, 'int')}) returning line`,
    ),
  );
  return gone.length;
}

/**
 * Matches the staged rows with the stored records on their key (reference,
 * and stage for complaints): the unchanged are forgotten (a file imported
 * again is mostly these, and forgetting a row costs less than rewriting it),
 * the changed marked updated with the stored record's id, the rest stay
 * created; returns how many of each.
 */
export async function compareStage(
  tx: Queryable,
  spec: KindSpec,
): Promise<{ created: number; updated: number; unchanged: number }> {
  // A temporary table has no statistics until it is analysed.
  await tx.execute(sql.raw(`analyze ${STAGE} (line, reference)`));
  const same = stored(spec)
    .map((f) => `r.${f.column} is not distinct from s.${f.column}`)
    .join(' and ');
  const match = `r.reference = s.reference${spec.staged ? ' and r.stage = s.stage' : ''}`;
  const [forgotten] = rowsOf<{ n: number }>(
    await tx.execute(
      sql.raw(`with gone as (
        delete from ${STAGE} s using ${spec.table} r where ${match} and ${same} returning 1
      ) select count(*)::int as n from gone`),
    ),
  );
  await tx.execute(
    sql.raw(`update ${STAGE} s set existing_id = r.id, status = 'updated'
      from ${spec.table} r where ${match}`),
  );
  // The apply reads the rows a range of lines at a time.
  await tx.execute(sql.raw(`create index on ${STAGE} (line)`));
  const counts = { created: 0, updated: 0, unchanged: forgotten?.n ?? 0 };
  for (const row of rowsOf<{ status: 'created' | 'updated'; n: number }>(
    await tx.execute(sql.raw(`select status, count(*)::int as n from ${STAGE} group by status`)),
  ))
    counts[row.status] = row.n;
  return counts;
}

/** A change to raise events for: the record, and its values before (null when new) and after. */
export interface StagedChange {
  id: string;
  reference: string;
  before: Values | null;
  after: Values;
}

/**
 * Writes the staged rows found created or updated, a range of lines at a
 * time; with `changed`, each range's changes are handed over (for events)
 * while the next range is written (its statements and the listeners' share
 * the transaction, one at a time).
 */
export async function applyStage(
  tx: Queryable,
  spec: KindSpec,
  changed?: (changes: StagedChange[]) => Promise<void>,
): Promise<void> {
  const fields = stored(spec);
  const names = fields.map((f) => f.column);
  // What compareStage left: the rows found created or updated.
  const [range] = rowsOf<{ first: number | null; last: number | null; updated: number }>(
    await tx.execute(
      sql.raw(`select min(line) as first, max(line) as last,
        count(*) filter (where status = 'updated')::int as updated from ${STAGE}`),
    ),
  );
  if (range?.first === null || range?.first === undefined || range.last === null) return;
  const updates = range.updated > 0;
  const valuesOf = (row: Record<string, unknown>, prefix: string): Values => {
    const values: Values = {};
    for (const n of names) values[n] = (row[`${prefix}${n}`] ?? null) as Values[string];
    return values;
  };
  // One range's statements: the rows it creates, then those it changes (values before and after).
  const writeRange = async (from: number) => {
    const lines = `s.line >= ${from} and s.line < ${from + APPLY_LINES}`;
    const made = rowsOf<Record<string, unknown>>(
      await tx.execute(
        sql.raw(`insert into ${spec.table} (organisation_id, reference, ${names.join(', ')})
          select app_organisation_id(), s.reference, ${names.map((n) => `s.${n}`).join(', ')}
          from ${STAGE} s where s.status = 'created' and ${lines} order by s.line
          returning id, reference${changed ? `, ${names.join(', ')}` : ''}`),
      ),
    );
    const updated =
      changed && updates
        ? rowsOf<Record<string, unknown>>(
            await tx.execute(
              sql.raw(`select s.existing_id as id, s.reference,
              ${names.map((n) => `t.${n} as "before_${n}", s.${n} as "after_${n}"`).join(', ')}
              from ${STAGE} s join ${spec.table} t on t.id = s.existing_id
              where s.status = 'updated' and ${lines}`),
            ),
          )
        : [];
    if (updates)
      await tx.execute(
        sql.raw(`update ${spec.table} as t
          set ${names.map((n) => `${n} = s.${n}`).join(', ')}, updated_at = now()
          from ${STAGE} s where t.id = s.existing_id and s.status = 'updated' and ${lines}`),
      );
    return { made, updated };
  };
  let next: ReturnType<typeof writeRange> | null = writeRange(range.first);
  for (let from = range.first; next; from += APPLY_LINES) {
    const { made, updated } = await next;
    // The next range is written while this one's events are made and raised.
    next = from + APPLY_LINES <= range.last ? writeRange(from + APPLY_LINES) : null;
    next?.catch(() => {});
    try {
      await changed?.([
        // A new record's returned row is its values (its id and reference besides).
        ...made.map((row) => ({
          id: String(row.id),
          reference: String(row.reference),
          before: null,
          after: row as Values,
        })),
        ...updated.map((row) => ({
          id: String(row.id),
          reference: String(row.reference),
          before: valuesOf(row, 'before_'),
          after: valuesOf(row, 'after_'),
        })),
      ]);
    } catch (error) {
      // Nothing of this import may reach the connection once the caller has it back.
      await next?.catch(() => {});
      throw error;
    }
  }
}
