import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/index.ts';
import { isRealDate } from '../../platform/forms/index.ts';
import { defineImportKind, type CellProblem, type ImportColumn } from '../../platform/manifest.ts';
import { financialYearOf } from '../../platform/periods/index.ts';
import { FILTER_OF, TENURES, TP_CODES, allowedAnswers, type TpCode } from './measures.ts';

/**
 * `coproduce import tsm-responses FILE.csv --org SLUG` and the web upload:
 * tenant perception survey responses collected elsewhere (issue 12 §7). One
 * row a respondent; matched on respondent_ref and the financial year of
 * collected_on, so a file imported again changes nothing and a respondent
 * may answer again in a later year.
 */

/** The methods a file may name (uk-standards.md §1.4's list, [C]). */
export const IMPORT_METHODS = ['online', 'telephone', 'postal', 'face_to_face'] as const;

const INSERT_BATCH = 500;

const FILTER_COLUMNS = {
  repair12m: 'repair_12m',
  complaint12m: 'complaint_12m',
  communalAreas: 'communal_areas',
} as const;

export interface TsmImportRow {
  year: number;
  tenure: string;
  collectedOn: string;
  method: string;
  repair12m: boolean | null;
  complaint12m: boolean | null;
  communalAreas: boolean | null;
  answers: Record<string, string>;
  weight: number | null;
  existingId: string | null;
}

const cell = (values: Record<string, string>, name: string) =>
  (values[name] ?? '').trim().toLowerCase();

const yesNo = (
  values: Record<string, string>,
  column: string,
  problems: CellProblem[],
): boolean | null => {
  const value = cell(values, column);
  if (value === '') return null;
  if (value === 'yes') return true;
  if (value === 'no') return false;
  problems.push({ column, reason: 'tsm_yesno' });
  return null;
};

const TP_MEANING: Record<TpCode, string> = {
  TP01: 'satisfaction with the overall service',
  TP02: 'satisfaction with the overall repairs service (only when `repair_12m` is `yes`; reported for LCRA only)',
  TP03: 'satisfaction with the time taken to complete the most recent repair (only when `repair_12m` is `yes`; reported for LCRA only)',
  TP04: 'satisfaction that the home is well maintained (reported for LCRA only)',
  TP05: 'satisfaction that the home is safe',
  TP06: 'satisfaction that the landlord listens to tenant views and acts upon them',
  TP07: 'satisfaction that the landlord keeps tenants informed about things that matter to them',
  TP08: 'agreement that the landlord treats them fairly and with respect: `strongly_agree`, `agree`, `neither`, `disagree`, `strongly_disagree` or `dont_know`, blank for none',
  TP09: "satisfaction with the landlord's approach to complaints handling (only when `complaint_12m` is `yes`)",
  TP10: 'satisfaction that communal areas are kept clean and well maintained (only when `communal_areas` is `yes`)',
  TP11: 'satisfaction that the landlord makes a positive contribution to the neighbourhood',
  TP12: "satisfaction with the landlord's approach to handling anti-social behaviour",
};
const SCALE_WORDS =
  '`very_satisfied`, `fairly_satisfied`, `neither`, `fairly_dissatisfied`, `very_dissatisfied`, `dont_know` or `not_applicable`, blank for none';

const COLUMNS: ImportColumn[] = [
  {
    name: 'respondent_ref',
    required: true,
    meaning:
      "the survey's own reference for the respondent, once a file for each financial year; a row with the same reference and year replaces the stored one",
    example: 'R-00017',
  },
  { name: 'tenure', required: true, meaning: '`LCRA` or `LCHO`', example: 'LCRA' },
  {
    name: 'collected_on',
    required: true,
    meaning:
      'the day the answers were collected, `YYYY-MM-DD`; its financial year (April to March) is the year the response counts in',
    example: '2025-06-12',
  },
  {
    name: 'method',
    required: true,
    meaning: '`online`, `telephone`, `postal` or `face_to_face`',
    example: 'telephone',
  },
  ...Object.values(FILTER_COLUMNS).map((name): ImportColumn => ({
    name,
    required: 'the column is required; a cell may be blank when the question was not asked',
    meaning: {
      repair_12m:
        'whether the landlord carried out a repair to the home in the last 12 months: `yes` or `no`',
      complaint_12m: 'whether the respondent made a complaint in the last 12 months: `yes` or `no`',
      communal_areas:
        'whether the respondent lives in a building with communal areas the landlord maintains: `yes` or `no`',
    }[name],
    example: name === 'communal_areas' ? 'no' : 'yes',
  })),
  ...TP_CODES.map((code): ImportColumn => ({
    name: code.toLowerCase(),
    required: 'the column is required; a cell may be blank',
    meaning: code === 'TP08' ? TP_MEANING[code] : `${TP_MEANING[code]}: ${SCALE_WORDS}`,
    example:
      code === 'TP08'
        ? 'agree'
        : code === 'TP10'
          ? ''
          : code === 'TP12'
            ? 'dont_know'
            : 'fairly_satisfied',
  })),
  {
    name: 'weight',
    meaning:
      "the response's weight when the results are weighted, a positive number like `1.12`; leave the column out, or a cell blank, for a weight of 1. Name the weighting characteristics in the summary of approach",
    example: '1.0',
  },
];

export const tsmResponsesImport = defineImportKind<TsmImportRow>({
  kind: 'tsm-responses',
  labelKey: 'imports.kinds.tsm-responses',
  action: 'tsm:import',
  applyLabelKey: 'imports.apply.tsm-responses',
  afterImport: { href: '/staff/tsm', labelKey: 'imports.done.tsm-responses' },
  noteKey: 'imports.steps.tsm-responses',
  reference: 'respondent_ref',
  // The same respondent may answer in another year: the year is part of the key.
  rowKey: (reference, values) => {
    const on = (values.collected_on ?? '').trim();
    return isRealDate(on) ? `${reference}\u0000${financialYearOf(on).year}` : reference;
  },
  columns: COLUMNS,
  missingColumns: (header) =>
    COLUMNS.filter((c) => typeof c.required === 'string' && !header.includes(c.name)).map(
      (c) => c.name,
    ),
  async prepare() {
    return (values, problems) => {
      const tenure = cell(values, 'tenure').toUpperCase();
      if (tenure && !(TENURES as readonly string[]).includes(tenure))
        problems.push({ column: 'tenure', reason: 'tsm_tenure' });
      else if (!tenure) problems.push({ column: 'tenure', reason: 'required' });
      const collectedOn = (values.collected_on ?? '').trim();
      let year = 0;
      if (!collectedOn) problems.push({ column: 'collected_on', reason: 'required' });
      else if (!isRealDate(collectedOn))
        problems.push({ column: 'collected_on', reason: 'tsm_date' });
      else year = financialYearOf(collectedOn).year;
      const method = cell(values, 'method');
      if (!method) problems.push({ column: 'method', reason: 'required' });
      else if (!(IMPORT_METHODS as readonly string[]).includes(method))
        problems.push({ column: 'method', reason: 'tsm_method' });
      const filters = {
        repair12m: yesNo(values, 'repair_12m', problems),
        complaint12m: yesNo(values, 'complaint_12m', problems),
        communalAreas: yesNo(values, 'communal_areas', problems),
      };
      const answers: Record<string, string> = {};
      for (const code of TP_CODES) {
        const column = code.toLowerCase();
        const answer = cell(values, column);
        if (!answer) continue;
        if (!allowedAnswers(code).includes(answer)) {
          problems.push({ column, reason: code === 'TP08' ? 'tsm_agreement' : 'tsm_satisfaction' });
          continue;
        }
        // A filtered question answered by someone the filter leaves out is a contradiction.
        const filter = FILTER_OF[code];
        if (filter && filters[filter] !== true) {
          problems.push({ column, reason: `tsm_filtered_${FILTER_COLUMNS[filter]}` });
          continue;
        }
        answers[code] = answer;
      }
      let weight: number | null = null;
      const weightCell = (values.weight ?? '').trim();
      if (weightCell) {
        weight = Number(weightCell);
        if (!/^\d{1,6}(\.\d{1,6})?$/.test(weightCell) || !(weight > 0)) {
          problems.push({ column: 'weight', reason: 'tsm_weight' });
          weight = null;
        }
      }
      return {
        year,
        tenure,
        collectedOn,
        method,
        ...filters,
        answers,
        weight,
        existingId: null,
      };
    };
  },
  async compare(tx, records) {
    const years = [...new Set(records.map((r) => r.row.year))];
    const stored = new Map<string, { id: string; row: TsmImportRow }>();
    for (const year of years) {
      const rows = rowsOf<{
        id: string;
        respondent_ref: string;
        tenure: string;
        collected_on: string;
        method: string;
        repair_12m: boolean | null;
        complaint_12m: boolean | null;
        communal_areas: boolean | null;
        answers: Record<string, string>;
        weight: number | null;
      }>(
        await tx.execute(sql`
          select id, respondent_ref, tenure, collected_on::text as collected_on, method,
            repair_12m, complaint_12m, communal_areas, answers, weight
          from tsm_responses where year = ${year}`),
      );
      for (const r of rows)
        stored.set(`${year}\u0000${r.respondent_ref.toLowerCase()}`, {
          id: r.id,
          row: {
            year,
            tenure: r.tenure,
            collectedOn: r.collected_on,
            method: r.method,
            repair12m: r.repair_12m,
            complaint12m: r.complaint_12m,
            communalAreas: r.communal_areas,
            answers: r.answers ?? {},
            weight: r.weight === null ? null : Number(r.weight),
            existingId: r.id,
          },
        });
    }
    for (const record of records) {
      const current = stored.get(`${record.row.year}\u0000${record.reference.toLowerCase()}`);
      if (!current) continue;
      record.row.existingId = current.id;
      record.status = sameResponse(current.row, record.row) ? 'unchanged' : 'updated';
    }
  },
  async apply(tx, records) {
    for (const record of records) {
      const r = record.row;
      if (record.status === 'updated' && r.existingId) {
        await tx.execute(sql`
          update tsm_responses set respondent_ref = ${record.reference}, tenure = ${r.tenure},
            collected_on = ${r.collectedOn}, method = ${r.method}, repair_12m = ${r.repair12m},
            complaint_12m = ${r.complaint12m}, communal_areas = ${r.communalAreas},
            answers = ${JSON.stringify(r.answers)}::jsonb, weight = ${r.weight}, updated_at = now()
          where id = ${r.existingId}`);
      }
    }
    // New responses in batches of 500: one statement each, not one a row.
    const created = records.filter((r) => r.status === 'created');
    for (let i = 0; i < created.length; i += INSERT_BATCH) {
      const rows = created.slice(i, i + INSERT_BATCH).map(
        (record) => sql`(app_organisation_id(), ${record.reference}, ${record.row.year},
          ${record.row.tenure}, ${record.row.collectedOn}::date, ${record.row.method},
          ${record.row.repair12m}::boolean, ${record.row.complaint12m}::boolean,
          ${record.row.communalAreas}::boolean, ${JSON.stringify(record.row.answers)}::jsonb,
          ${record.row.weight}::float8)`,
      );
      await tx.execute(sql`
        insert into tsm_responses (organisation_id, respondent_ref, year, tenure, collected_on,
          method, repair_12m, complaint_12m, communal_areas, answers, weight)
        values ${sql.join(rows, sql`, `)}`);
    }
  },
});

/** Whether a stored response says the same as a row of the file. */
function sameResponse(a: TsmImportRow, b: TsmImportRow): boolean {
  const answers = (r: TsmImportRow) =>
    JSON.stringify(Object.entries(r.answers).sort(([x], [y]) => x.localeCompare(y)));
  return (
    a.tenure === b.tenure &&
    a.collectedOn === b.collectedOn &&
    a.method === b.method &&
    a.repair12m === b.repair12m &&
    a.complaint12m === b.complaint12m &&
    a.communalAreas === b.communalAreas &&
    a.weight === b.weight &&
    answers(a) === answers(b)
  );
}
