import { sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { financialYear } from '../../platform/periods/index.ts';
import { homesFor, managementMeasures, type ManagementMeasure } from '../operations/index.ts';
import { tsmSurveyResponses } from '../surveys/index.ts';
import {
  TENURES,
  isWeighted,
  sampleCheck,
  talliesOf,
  tpFromTallies,
  type SampleEntry,
  type Tally,
  type Tenure,
  type TpMeasure,
  type TsmResponse,
} from './measures.ts';

/** The methods a response can have been collected by, as the tsm module names them. */
export const METHODS = ['online', 'telephone', 'postal', 'face_to_face', 'kiosk', 'paper'] as const;

/**
 * A surveys-module method in the words of the reference's list (§1.4:
 * postal, telephone, online by email or SMS invitation, face to face):
 * phone is telephone and an email invitation is online; paper typed in by
 * staff and a kiosk tablet keep their own names.
 */
const SURVEY_METHOD: Record<string, string> = {
  online: 'online',
  email: 'online',
  phone: 'telephone',
  paper: 'paper',
  kiosk: 'kiosk',
};

const tenureOf = (value: unknown): Tenure | null =>
  (TENURES as readonly unknown[]).includes(value) ? (value as Tenure) : null;
const yesNo = (value: unknown): boolean | null =>
  value === 'yes' ? true : value === 'no' ? false : null;

/** The responses to Coproduce's own tsm-perception surveys in a financial year. */
async function surveyedResponses(tx: Queryable, year: number): Promise<TsmResponse[]> {
  const { from, to } = financialYear(year);
  const surveyed = await tsmSurveyResponses(tx, from, to);
  return surveyed.map((r): TsmResponse => ({
    tenure: tenureOf(r.tenure ?? r.answers.tenure),
    repair12m: yesNo(r.answers.repair_12m),
    complaint12m: yesNo(r.answers.complaint_12m),
    communalAreas: yesNo(r.answers.communal_areas),
    answers: r.answers,
    weight: null,
    collectedOn: r.collectedOn,
    method: SURVEY_METHOD[r.method] ?? r.method,
    source: 'survey',
  }));
}

/** A financial year's answers as tallies, and the facts of its collection. */
export interface YearData {
  tallies: Tally[];
  facts: CollectionFacts;
}

/**
 * Every response of a financial year: the tsm-perception surveys' and the
 * imported ones. The reporting year runs 1 April to 31 March (§1.1 [C]); a
 * response counts in the year of the day it was collected. The imported
 * responses are counted by the database (grouped by tenure, filters,
 * question and answer), so a large year costs a few hundred groups, not a
 * row a response.
 */
export async function readYear(tx: Queryable, year: number): Promise<YearData> {
  const surveyed = await surveyedResponses(tx, year);
  const tallies = [
    ...talliesOf(surveyed),
    ...rowsOf<{
      tenure: string;
      repair_12m: boolean | null;
      complaint_12m: boolean | null;
      communal_areas: boolean | null;
      code: string;
      answer: string;
      n: number;
      w: number;
    }>(
      await tx.execute(sql`
        select r.tenure, r.repair_12m, r.complaint_12m, r.communal_areas,
          a.key as code, a.value as answer, count(*)::int as n,
          sum(coalesce(r.weight, 1))::float8 as w
        from tsm_responses r cross join lateral jsonb_each_text(r.answers) a
        where r.year = ${year}
        group by 1, 2, 3, 4, 5, 6`),
    ).map((t): Tally => ({
      tenure: tenureOf(t.tenure),
      repair12m: t.repair_12m,
      complaint12m: t.complaint_12m,
      communalAreas: t.communal_areas,
      code: t.code,
      answer: t.answer,
      count: Number(t.n),
      weight: Number(t.w),
    })),
  ];
  const imported = rowsOf<{
    tenure: string;
    method: string;
    n: number;
    first_on: string;
    last_on: string;
    weighted: boolean;
  }>(
    await tx.execute(sql`
      select tenure, method, count(*)::int as n, min(collected_on)::text as first_on,
        max(collected_on)::text as last_on, bool_or(weight is not null) as weighted
      from tsm_responses where year = ${year}
      group by tenure, method`),
  );
  const facts = collectionFacts(surveyed);
  const methods = new Map(facts.methods.map((m) => [m.method, m.count]));
  for (const g of imported) {
    const n = Number(g.n);
    facts.total += n;
    facts.imported += n;
    const tenure = tenureOf(g.tenure);
    if (tenure) facts.byTenure[tenure] += n;
    else facts.noTenure += n;
    methods.set(g.method, (methods.get(g.method) ?? 0) + n);
    if (!facts.firstOn || g.first_on < facts.firstOn) facts.firstOn = g.first_on;
    if (!facts.lastOn || g.last_on > facts.lastOn) facts.lastOn = g.last_on;
    if (g.weighted) facts.weighted = true;
  }
  facts.methods = sortedMethods(methods);
  return { tallies, facts };
}

/** The staff-supplied facts of a year's summary of approach, and its text. */
export interface Approach {
  sampleMethod: string;
  representativeness: string;
  weightingCharacteristics: string;
  contractor: string;
  excludedHouseholds: number | null;
  exclusionReason: string;
  shortfallReason: string;
  incentives: string;
  otherIssues: string;
  body: string;
  saved: boolean;
  updatedBy: string | null;
}

export const EMPTY_APPROACH: Approach = {
  sampleMethod: '',
  representativeness: '',
  weightingCharacteristics: '',
  contractor: '',
  excludedHouseholds: null,
  exclusionReason: '',
  shortfallReason: '',
  incentives: '',
  otherIssues: '',
  body: '',
  saved: false,
  updatedBy: null,
};

/** The saved summary of approach for a year, or the empty one. */
export async function readApproach(tx: Queryable, year: number): Promise<Approach> {
  const [row] = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select sample_method, representativeness, weighting_characteristics, contractor,
        excluded_households, exclusion_reason, shortfall_reason, incentives, other_issues,
        body, saved, updated_by
      from tsm_approaches where year = ${year}`),
  );
  if (!row) return { ...EMPTY_APPROACH };
  return {
    sampleMethod: String(row.sample_method ?? ''),
    representativeness: String(row.representativeness ?? ''),
    weightingCharacteristics: String(row.weighting_characteristics ?? ''),
    contractor: String(row.contractor ?? ''),
    excludedHouseholds:
      row.excluded_households === null || row.excluded_households === undefined
        ? null
        : Number(row.excluded_households),
    exclusionReason: String(row.exclusion_reason ?? ''),
    shortfallReason: String(row.shortfall_reason ?? ''),
    incentives: String(row.incentives ?? ''),
    otherIssues: String(row.other_issues ?? ''),
    body: String(row.body ?? ''),
    saved: Boolean(row.saved),
    updatedBy: row.updated_by === null ? null : String(row.updated_by),
  };
}

/** Saves a year's summary of approach (one a year), audited with what changed. */
export async function saveApproach(
  tx: Queryable,
  actor: Actor,
  year: number,
  approach: Omit<Approach, 'saved' | 'updatedBy'>,
): Promise<void> {
  const before = await readApproach(tx, year);
  const [row] = rowsOf<{ id: string }>(
    await tx.execute(sql`
      insert into tsm_approaches (organisation_id, year, sample_method, representativeness,
        weighting_characteristics, contractor, excluded_households, exclusion_reason,
        shortfall_reason, incentives, other_issues, body, saved, updated_by)
      values (app_organisation_id(), ${year}, ${approach.sampleMethod}, ${approach.representativeness},
        ${approach.weightingCharacteristics}, ${approach.contractor}, ${approach.excludedHouseholds},
        ${approach.exclusionReason}, ${approach.shortfallReason}, ${approach.incentives},
        ${approach.otherIssues}, ${approach.body}, true, ${actor.label})
      on conflict (organisation_id, year) do update set
        sample_method = excluded.sample_method,
        representativeness = excluded.representativeness,
        weighting_characteristics = excluded.weighting_characteristics,
        contractor = excluded.contractor,
        excluded_households = excluded.excluded_households,
        exclusion_reason = excluded.exclusion_reason,
        shortfall_reason = excluded.shortfall_reason,
        incentives = excluded.incentives,
        other_issues = excluded.other_issues,
        body = excluded.body,
        saved = true,
        updated_by = excluded.updated_by,
        updated_at = now()
      returning id`),
  );
  const { saved: _saved, updatedBy: _by, ...was } = before;
  await audit(tx, actor, {
    action: before.saved ? 'update' : 'create',
    entity: 'tsm_approach',
    entityId: row?.id ?? null,
    before: before.saved ? { year, ...was } : null,
    after: { year, ...approach },
  });
}

/** What the data says about how a year's responses were collected, for the summary of approach. */
export interface CollectionFacts {
  total: number;
  byTenure: Record<Tenure, number>;
  /** Responses without a tenure: counted here, in no measure. */
  noTenure: number;
  methods: Array<{ method: string; count: number }>;
  firstOn: string | null;
  lastOn: string | null;
  fromSurveys: number;
  imported: number;
  weighted: boolean;
}

const sortedMethods = (methods: Map<string, number>) =>
  [...methods]
    .map(([method, count]) => ({ method, count }))
    .sort((a, b) => b.count - a.count || a.method.localeCompare(b.method));

/** The facts of responses read one by one. */
export function collectionFacts(responses: readonly TsmResponse[]): CollectionFacts {
  const methods = new Map<string, number>();
  let firstOn: string | null = null;
  let lastOn: string | null = null;
  for (const r of responses) {
    methods.set(r.method, (methods.get(r.method) ?? 0) + 1);
    if (!firstOn || r.collectedOn < firstOn) firstOn = r.collectedOn;
    if (!lastOn || r.collectedOn > lastOn) lastOn = r.collectedOn;
  }
  return {
    total: responses.length,
    byTenure: {
      LCRA: responses.filter((r) => r.tenure === 'LCRA').length,
      LCHO: responses.filter((r) => r.tenure === 'LCHO').length,
    },
    noTenure: responses.filter((r) => r.tenure === null).length,
    methods: sortedMethods(methods),
    firstOn,
    lastOn,
    fromSurveys: responses.filter((r) => r.source === 'survey').length,
    imported: responses.filter((r) => r.source === 'import').length,
    weighted: isWeighted(responses),
  };
}

/** A year's Tenant Satisfaction Measures: the shape of `coproduce tsm --json` and /api/v1/tsm. */
export interface TsmResults {
  year: number;
  measures: Array<TpMeasure | ManagementMeasure>;
  sample: SampleEntry[];
  weighting: { applied: boolean; characteristics: string | null };
}

/**
 * TP01–TP12 by tenure from both sources, then CH01, CH02, NM01 and RP02 from
 * operations, the sample check against operations' homes, and whether (and
 * by what) the figures are weighted. A caller that has read the year's
 * responses already passes them.
 */
export async function tsmResults(
  tx: Queryable,
  year: number,
  read?: YearData,
): Promise<TsmResults> {
  const data = read ?? (await readYear(tx, year));
  const [homes, management, approach] = await Promise.all([
    homesFor(tx, year),
    managementMeasures(tx, year),
    readApproach(tx, year),
  ]);
  const weighted = data.facts.weighted;
  return {
    year,
    measures: [...tpFromTallies(data.tallies, weighted), ...management],
    sample: sampleCheck(data.facts.byTenure, homes),
    weighting: {
      applied: weighted,
      characteristics: weighted ? approach.weightingCharacteristics.trim() || null : null,
    },
  };
}
