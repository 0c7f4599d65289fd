import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import {
  defineImportKind,
  type ImportContext,
  type ImportKind,
  type ImportRecord,
} from '../../platform/manifest.ts';
import { raiseOperationsEvents } from './raise.ts';
import { eventsOf, type Change } from './events.ts';
import { KINDS, SPECS, TENURES, readRecord, type KindSpec, type Values } from './kinds.ts';
import {
  changed,
  insertRecords,
  keyOf,
  loadCheckContext,
  storedByReference,
  updateRecords,
} from './store.ts';

/**
 * The six kinds as import kinds of the platform's pipeline (issue 14 §1):
 * `coproduce import recruitment FILE --org SLUG`, the web upload, the
 * template, the preview and the problems by line come with it. A row is
 * matched on its reference (a complaint's on its reference and stage), so a
 * file imported again changes nothing and raises no event again.
 */

/** A good row: its values, and what is stored under its key. */
export interface OperationsRow {
  values: Values;
  existingId: string | null;
  before: Values | null;
}

const COMPARE_BATCH = 5000;

async function compareRows(tx: Queryable, spec: KindSpec, records: ImportRecord<OperationsRow>[]) {
  for (let i = 0; i < records.length; i += COMPARE_BATCH) {
    const batch = records.slice(i, i + COMPARE_BATCH);
    const found = await storedByReference(tx, spec, [...new Set(batch.map((r) => r.reference))]);
    for (const record of batch) {
      const current = found.get(keyOf(spec, record.reference, record.row.values));
      if (!current) {
        record.status = 'created';
        continue;
      }
      record.row.existingId = current.id;
      record.row.before = current.values;
      record.status = changed(spec, current.values, record.row.values) ? 'updated' : 'unchanged';
    }
  }
}

async function applyRows(
  tx: Queryable,
  spec: KindSpec,
  records: ImportRecord<OperationsRow>[],
  context: ImportContext,
) {
  const created = records.filter((r) => r.status === 'created');
  const updated = records.filter((r) => r.status === 'updated');
  const ids = await insertRecords(
    tx,
    spec,
    created.map((r) => ({ reference: r.reference, values: r.row.values })),
  );
  await updateRecords(
    tx,
    spec,
    updated.map((r) => ({ id: r.row.existingId!, values: r.row.values })),
  );
  if (!spec.linkKind) return;
  const changes: Change[] = [
    ...created.map((r) => ({
      id: ids.get(keyOf(spec, r.reference, r.row.values))!,
      reference: r.reference,
      before: null,
      after: r.row.values,
    })),
    ...updated.map((r) => ({
      id: r.row.existingId!,
      reference: r.reference,
      before: r.row.before,
      after: r.row.values,
    })),
  ];
  // One batch for the whole file: each listener is called once.
  await raiseOperationsEvents(tx, eventsOf(spec, changes, context));
}

function importKindOf(spec: KindSpec): ImportKind {
  return defineImportKind<OperationsRow>({
    kind: spec.kind,
    labelKey: `imports.kinds.${spec.kind}`,
    action: 'operations:import',
    applyLabelKey: `imports.apply.${spec.kind}`,
    afterImport: { href: `/staff/operations/${spec.kind}`, labelKey: `imports.done.${spec.kind}` },
    reference: 'reference',
    columns: spec.fields.map((f) => ({
      name: f.name,
      ...(f.required ? { required: true } : {}),
      meaning: f.meaning,
      example: f.example,
      ...(f.examples ? { examples: f.examples } : {}),
    })),
    ...(spec.staged
      ? {
          rowKey: (reference: string, values: Record<string, string>) =>
            `${reference}\u0000${(values.stage ?? '').trim()}`,
        }
      : {}),
    async prepare(tx, context) {
      const context2 = await loadCheckContext(tx, {
        people: context.header.includes('person_reference') ? 'all' : null,
      });
      return (values, problems) => ({
        values: readRecord(spec, values, context2, problems),
        existingId: null,
        before: null,
      });
    },
    compare: (tx, records) => compareRows(tx, spec, records),
    apply: (tx, records, context) => applyRows(tx, spec, records, context),
  });
}

/** Homes by financial year and tenure, for the rates per 1,000 homes (CH01, NM01). */
interface HomesRow {
  year: number;
  tenure: string;
  homes: number;
  existingId: string | null;
}

export const homesImport = defineImportKind<HomesRow>({
  kind: 'homes',
  labelKey: 'imports.kinds.homes',
  action: 'operations:import',
  applyLabelKey: 'imports.apply.homes',
  afterImport: { href: '/staff/operations', labelKey: 'imports.done.homes' },
  reference: 'year',
  rowKey: (year, values) => `${year}\u0000${(values.tenure ?? '').trim().toUpperCase()}`,
  columns: [
    {
      name: 'year',
      required: true,
      meaning:
        'the financial year by the calendar year it starts in (`2025` is April 2025 to March 2026); once a file for each tenure',
      example: '2025',
    },
    { name: 'tenure', required: true, meaning: '`LCRA` or `LCHO`', example: 'LCRA' },
    {
      name: 'homes',
      required: true,
      meaning: 'the social homes owned in that tenure, a whole number',
      example: '8797',
    },
  ],
  async prepare() {
    return (values, problems) => {
      const year = (values.year ?? '').trim();
      const tenure = (values.tenure ?? '').trim().toUpperCase();
      const homes = (values.homes ?? '').trim().replace(/,/g, '');
      if (!/^\d{4}$/.test(year) || Number(year) < 2000 || Number(year) > 2100)
        problems.push({ column: 'year', reason: 'ops_year' });
      if (!(TENURES as readonly string[]).includes(tenure))
        problems.push({ column: 'tenure', reason: 'ops_choice' });
      if (!/^\d{1,8}$/.test(homes)) problems.push({ column: 'homes', reason: 'ops_count' });
      return { year: Number(year), tenure, homes: Number(homes), existingId: null };
    };
  },
  async compare(tx, records) {
    const stored = rowsOf<{ id: string; year: number; tenure: string; homes: number }>(
      await tx.execute(sql`select id, year, tenure, homes from homes_counts`),
    );
    const byKey = new Map(stored.map((s) => [`${s.year} ${s.tenure}`, s]));
    for (const record of records) {
      const current = byKey.get(`${record.row.year} ${record.row.tenure}`);
      if (!current) continue;
      record.row.existingId = current.id;
      record.status = current.homes === record.row.homes ? 'unchanged' : 'updated';
    }
  },
  async apply(tx, records) {
    for (const record of records) {
      if (record.status !== 'created' && record.status !== 'updated') continue;
      await tx.execute(sql`
        insert into homes_counts (organisation_id, year, tenure, homes)
        values (app_organisation_id(), ${record.row.year}, ${record.row.tenure}, ${record.row.homes})
        on conflict (organisation_id, year, tenure)
        do update set homes = excluded.homes, updated_at = now()`);
    }
  },
});

/** Every import kind operations brings, in the template list's order. */
export const operationsImports: ImportKind[] = [
  ...KINDS.map((k) => importKindOf(SPECS[k])),
  homesImport,
];
