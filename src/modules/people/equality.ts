/**
 * Equality monitoring figures (issue 4 §6): counts only, never a person's
 * answers, with every small count suppressed so that nobody can be picked out.
 *
 * Who is counted: people on the register who are not erased, who consented to
 * equality monitoring, and whose latest decision about it is not a withdrawal
 * or an objection (DPA 2018 Sch 1 para 8(5)). The date of birth is read only
 * to put the person in an age band, inside the database; it never leaves it.
 *
 * All counts come from one statement of GROUP BY queries, so the number of
 * queries stays the same however many people there are.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { suppressList, suppressTable, type Cell } from '../../platform/statistics/suppression.ts';
import { readModuleSettings } from '../../platform/tenancy/module-settings.ts';
import { registerSettings } from './settings.ts';
import {
  AGE_BANDS,
  EQUALITY_FIELDS,
  EQUALITY_QUESTIONS,
  ethnicGroup,
  type EqualityQuestion,
} from './lists.ts';

/** The row for people who did not answer a question (or have no date of birth). */
export const NOT_ANSWERED = 'not_answered';
/** The column for people currently linked to services of more than one specialism. */
export const MORE_THAN_ONE = 'more_than_one';
/** The column for people with no current service. */
export const NO_SERVICE = 'no_service';

/** The census's five ethnic groups, then the answers that are no group. */
export const ETHNIC_GROUPS = [
  'asian',
  'black',
  'mixed',
  'white',
  'other',
  'prefer_not_to_say',
  NOT_ANSWERED,
] as const;

/** Which people to count; an empty filter counts everyone who may be counted. */
export interface EqualityFilter {
  /** A specialism code: people currently linked to a service of that specialism. */
  specialism?: string | null;
  /** A person kind (customer, staff …): people who are that, among other things. */
  kind?: string | null;
}

/** Raw counts as they come from the database. Never shown as they are: see suppressFigures. */
export interface EqualityCounts {
  /** For each question, answer code → people; no answer under NOT_ANSWERED. */
  answers: Record<EqualityQuestion, Map<string, number>>;
  /** Age band (or NOT_ANSWERED) → specialism (or MORE_THAN_ONE, NO_SERVICE) → people. */
  ageBySpecialism: Map<string, Map<string, number>>;
}

/** One answer's line in a figures table: its count as it may be shown, and its share. */
export interface FigureRow {
  code: string;
  cell: Cell;
  /** Per cent of everyone counted, or null when the count or the total is hidden. */
  percent: number | null;
}

/** One question's table: every answer, "not answered", and the total. */
export interface FigureTable {
  /** age, sex, genderIdentity, ethnicGroup, ethnicity, disability, religion, sexualOrientation, caring */
  question: string;
  rows: FigureRow[];
  total: Cell;
  hasHidden: boolean;
}

/** A table of counts by two things at once, with its totals. */
export interface CrossTable {
  rows: string[];
  columns: string[];
  cells: Cell[][];
  rowTotals: Cell[];
  colTotals: Cell[];
  grandTotal: Cell;
  hasHidden: boolean;
}

/** Everything the figures page shows, already suppressed. */
export interface EqualityFigures {
  threshold: number;
  /** How many people are counted (hidden when fewer than the threshold). */
  people: Cell;
  /** One table per question, in the order the page shows them. */
  tables: FigureTable[];
  /** Age band by the specialism of the person's current services. */
  ageBySpecialism: CrossTable;
  hasHidden: boolean;
}

const COLUMNS: Record<EqualityQuestion, string> = {
  sex: 'sex',
  genderIdentity: 'gender_identity',
  ethnicity: 'ethnicity',
  disability: 'disability',
  religion: 'religion',
  sexualOrientation: 'sexual_orientation',
  caring: 'caring',
};

/** Today as YYYY-MM-DD, in UK time, which is where the organisations are. */
export function londonToday(now = new Date()): string {
  return now.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
}

/**
 * The counts behind the figures, in one statement: who may be counted, then
 * one GROUP BY per question and one for age band by specialism.
 */
export async function countEquality(
  tx: Queryable,
  filter: EqualityFilter = {},
  today: string = londonToday(),
): Promise<EqualityCounts> {
  const current = sql`ps.started_on <= ${today}::date and (ps.ended_on is null or ps.ended_on >= ${today}::date)`;
  const where: SQL[] = [
    sql`p.erased_at is null`,
    sql`'equality' = any(p.consents)`,
    // people.consents mirrors the latest decision; this holds even if it did
    // not. One pass over the equality decisions (the CTE below), not a lookup
    // for each person: a third of the time at 100,000 people (issue 15).
    sql`not exists (select 1 from withdrawn w where w.person_id = p.id)`,
  ];
  if (filter.kind) where.push(sql`${filter.kind} = any(p.kinds)`);
  if (filter.specialism) {
    where.push(
      sql`exists (select 1 from person_services ps join services s on s.id = ps.service_id where ps.person_id = p.id and s.specialism = ${filter.specialism} and ${current})`,
    );
  }
  // One pass over the people counted: a grouping set per question, and one for
  // age band by specialism (issue 15: a scan of the counted people for each
  // question took a tenth of the page at 100,000 people).
  const answered = (question: EqualityQuestion) => sql.raw(COLUMNS[question]);
  const whichQuestion = EQUALITY_FIELDS.map(
    (question) => sql`when grouping(${answered(question)}) = 0 then ${question}::text`,
  );
  const whichAnswer = EQUALITY_FIELDS.map(
    (question) => sql`when grouping(${answered(question)}) = 0 then ${answered(question)}`,
  );
  const sets = EQUALITY_FIELDS.map((question) => sql`(${answered(question)})`);
  const result = await tx.execute(sql`
    with withdrawn as (
      -- People whose latest equality decision is not "given": only those with
      -- a decision that is not "given" at all can be (a partial index finds
      -- them), then none later than it. A withdrawal at the same moment as a
      -- consent counts as withdrawn.
      select distinct c.person_id from consents c
      where c.purpose = 'equality' and c.status <> 'given'
        and not exists (
          select 1 from consents later
          where later.person_id = c.person_id and later.purpose = 'equality'
            and later.recorded_at > c.recorded_at
        )
    ),
    current_specialism as (
      -- min and max rather than count(distinct): the same answer, and it lets
      -- the grouping hash the links instead of sorting them by person.
      select ps.person_id,
        case when min(s.specialism) <> max(s.specialism) then ${MORE_THAN_ONE}::text else min(s.specialism) end as specialism
      from person_services ps join services s on s.id = ps.service_id
      where ${current}
      group by ps.person_id
    ),
    eligible as (
      select
        case
          when y.years is null then null
          when y.years < 16 then 'under_16'
          when y.years < 25 then '16_24'
          when y.years < 35 then '25_34'
          when y.years < 45 then '35_44'
          when y.years < 55 then '45_54'
          when y.years < 65 then '55_64'
          when y.years < 75 then '65_74'
          else '75_plus'
        end as age_band,
        coalesce(cs.specialism, ${NO_SERVICE}::text) as specialism,
        e.sex, e.gender_identity, e.ethnicity, e.disability, e.religion, e.sexual_orientation, e.caring
      from people p
      cross join lateral (select date_part('year', age(${today}::date, p.date_of_birth)) as years) y
      left join person_equality e on e.person_id = p.id
      left join current_specialism cs on cs.person_id = p.id
      where ${sql.join(where, sql` and `)}
    )
    select
      case when grouping(age_band, specialism) = 0 then 'age'::text ${sql.join(whichQuestion, sql` `)} end as question,
      case when grouping(age_band, specialism) = 0 then age_band ${sql.join(whichAnswer, sql` `)} end as answer,
      case when grouping(age_band, specialism) = 0 then specialism end as answer2,
      count(*)::int as n
    from eligible
    group by grouping sets ((age_band, specialism), ${sql.join(sets, sql`, `)})
  `);
  const rows = rowsOf<{
    question: string;
    answer: string | null;
    answer2: string | null;
    n: number;
  }>(result);

  const answers = Object.fromEntries(
    EQUALITY_FIELDS.map((question) => [question, new Map<string, number>()]),
  ) as Record<EqualityQuestion, Map<string, number>>;
  const ageBySpecialism = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const n = Number(row.n);
    if (row.question === 'age') {
      const band = row.answer ?? NOT_ANSWERED;
      const byColumn = ageBySpecialism.get(band) ?? new Map<string, number>();
      const column = row.answer2 ?? NO_SERVICE;
      byColumn.set(column, (byColumn.get(column) ?? 0) + n);
      ageBySpecialism.set(band, byColumn);
      continue;
    }
    const question = row.question as EqualityQuestion;
    const allowed: readonly string[] = EQUALITY_QUESTIONS[question];
    // An answer the list does not know (there should be none) counts as no answer,
    // so that every table adds up to the same number of people.
    const code = row.answer && allowed.includes(row.answer) ? row.answer : NOT_ANSWERED;
    answers[question].set(code, (answers[question].get(code) ?? 0) + n);
  }
  return { answers, ageBySpecialism };
}

const percentOf = (cell: Cell, total: Cell): number | null =>
  cell.suppressed === false && total.suppressed === false && total.value > 0
    ? (cell.value / total.value) * 100
    : null;

function table(question: string, codes: string[], cells: Cell[], total: Cell): FigureTable {
  return {
    question,
    rows: codes.map((code, index) => ({
      code,
      cell: cells[index]!,
      percent: percentOf(cells[index]!, total),
    })),
    total,
    hasHidden: total.suppressed !== false || cells.some((cell) => cell.suppressed !== false),
  };
}

function listTable(
  question: string,
  codes: string[],
  counts: Map<string, number>,
  threshold: number,
) {
  const { cells, total } = suppressList(
    codes.map((code) => counts.get(code) ?? 0),
    threshold,
  );
  return table(question, codes, cells, total);
}

/**
 * Ethnicity at two levels, suppressed together: the five groups (and the
 * answers that are no group), and the 19 categories within them. A group's
 * count is the sum of its categories, so the two tables tie together: a group
 * hidden in the first has all its categories hidden in the second, and within
 * a group that is shown its categories are suppressed against the group's
 * count, so no category can be worked out by taking the shown ones from it.
 */
function ethnicityTables(counts: Map<string, number>, threshold: number): FigureTable[] {
  const categories = [...EQUALITY_QUESTIONS.ethnicity, NOT_ANSWERED];
  const groupOf = (code: string) => (code === NOT_ANSWERED ? NOT_ANSWERED : ethnicGroup(code));
  const groups = [...ETHNIC_GROUPS];
  const groupCounts = groups.map((group) =>
    categories
      .filter((code) => groupOf(code) === group)
      .reduce((sum, code) => sum + (counts.get(code) ?? 0), 0),
  );
  const byGroup = suppressList(groupCounts, threshold);
  const cells = new Map<string, Cell>();
  groups.forEach((group, index) => {
    const members = categories.filter((code) => groupOf(code) === group);
    const values = members.map((code) => counts.get(code) ?? 0);
    if (byGroup.cells[index]!.suppressed !== false) {
      // The group is hidden, so every category in it is too.
      members.forEach((code, i) => {
        const value = values[i]!;
        cells.set(
          code,
          value > 0 && value < threshold
            ? { value: null, suppressed: 'primary' }
            : { value: null, suppressed: 'secondary' },
        );
      });
      return;
    }
    const within = suppressList(values, threshold);
    members.forEach((code, i) => cells.set(code, within.cells[i]!));
  });
  return [
    table('ethnicGroup', groups, byGroup.cells, byGroup.total),
    table(
      'ethnicity',
      categories,
      categories.map((code) => cells.get(code)!),
      byGroup.total,
    ),
  ];
}

/**
 * Suppresses counts for showing: every count under the threshold is hidden
 * ("fewer than N"), and more are hidden where the totals would give one away.
 * The age table is the margin of the age-by-specialism table, so the two
 * hide the same age counts.
 */
export function suppressFigures(
  counts: EqualityCounts,
  threshold: number,
  specialisms: string[] = [],
): EqualityFigures {
  const rowCodes = [...AGE_BANDS, NOT_ANSWERED];
  const seen = new Set<string>();
  for (const byColumn of counts.ageBySpecialism.values())
    for (const column of byColumn.keys()) seen.add(column);
  const columns = [
    ...specialisms,
    ...[...seen].filter(
      (code) => !specialisms.includes(code) && code !== MORE_THAN_ONE && code !== NO_SERVICE,
    ),
    ...[MORE_THAN_ONE, NO_SERVICE].filter((code) => seen.has(code)),
  ];
  if (columns.length === 0) columns.push(NO_SERVICE);
  const grid = rowCodes.map((row) =>
    columns.map((column) => counts.ageBySpecialism.get(row)?.get(column) ?? 0),
  );
  const cross = suppressTable(grid, threshold);
  const crossHidden = [
    ...cross.cells.flat(),
    ...cross.rowTotals,
    ...cross.colTotals,
    cross.grandTotal,
  ].some((cell) => cell.suppressed !== false);
  const ageBySpecialism: CrossTable = {
    rows: rowCodes,
    columns,
    ...cross,
    hasHidden: crossHidden,
  };
  const codes = (question: EqualityQuestion) => [...EQUALITY_QUESTIONS[question], NOT_ANSWERED];
  const list = (question: EqualityQuestion) =>
    listTable(question, codes(question), counts.answers[question], threshold);
  const tables = [
    table('age', rowCodes, cross.rowTotals, cross.grandTotal),
    list('sex'),
    list('genderIdentity'),
    ...ethnicityTables(counts.answers.ethnicity, threshold),
    list('disability'),
    list('religion'),
    list('sexualOrientation'),
    list('caring'),
  ];
  return {
    threshold,
    people: cross.grandTotal,
    tables,
    ageBySpecialism,
    hasHidden: crossHidden || tables.some((t) => t.hasHidden),
  };
}

export interface FiguresOptions {
  /** Counts under this are hidden: the staff or the published threshold from settings. */
  threshold: number;
  filter?: EqualityFilter;
  /** Specialism codes to show as columns even when nobody is in them, in this order. */
  specialisms?: string[];
  today?: string;
}

/** Equality monitoring figures, counted and suppressed at the threshold given. */
export async function equalityFigures(
  tx: Queryable,
  options: FiguresOptions,
): Promise<EqualityFigures> {
  const counts = await countEquality(tx, options.filter ?? {}, options.today ?? londonToday());
  return suppressFigures(counts, options.threshold, options.specialisms ?? []);
}

/** Figures for anything published outside the organisation: the published threshold (default 10). */
export async function publishedEqualityFigures(
  tx: Queryable,
  organisationId: string,
  options: Omit<FiguresOptions, 'threshold'> = {},
): Promise<EqualityFigures> {
  const settings = await readModuleSettings(tx, organisationId, registerSettings);
  return equalityFigures(tx, { ...options, threshold: settings.suppressionPublished });
}
