import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/index.ts';
import { defineImportKind, type ImportKind } from '../../platform/manifest.ts';
import { raiseOperationsEvents } from './raise.ts';
import { eventsOf } from './events.ts';
import { KINDS, SPECS, TENURES, recordReader, type KindSpec, type Values } from './kinds.ts';
import {
  applyStage,
  beginStage,
  compareStage,
  dropStaged,
  loadCheckContext,
  stageRows,
} from './store.ts';

/**
 * The six kinds as import kinds of the platform's pipeline (issue 14 §1):
 * `coproduce import recruitment FILE --org SLUG`, the web upload, the
 * template, the preview and the problems by line come with it. A row is
 * matched on its reference (a complaint's on its reference and stage), so a
 * file imported again changes nothing and raises no event again.
 */

/** A good row: its values by table column (what is stored under its key is the staging table's to find). */
export interface OperationsRow {
  values: Values;
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
      const read = recordReader(
        spec,
        await loadCheckContext(tx, {
          people: context.header.includes('person_reference') ? 'all' : null,
        }),
      );
      return (values, problems) => ({ values: read(values, problems) });
    },
    // Files run to a million repairs: the rows wait in a temporary table, not in memory.
    staged: {
      begin: (tx) => beginStage(tx, spec),
      add: (tx, records) =>
        stageRows(
          tx,
          spec,
          records.map((r) => ({ line: r.line, reference: r.reference, values: r.row.values })),
        ),
      drop: (tx, lines) => dropStaged(tx, lines),
      compare: (tx) => compareStage(tx, spec),
      apply: (tx, context) =>
        applyStage(
          tx,
          spec,
          spec.linkKind
            ? // Events a range of lines at a time: each listener is called once a range.
              (changes) => raiseOperationsEvents(tx, eventsOf(spec, changes, context))
            : undefined,
        ),
    },
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
