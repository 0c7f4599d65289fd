import { sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import { suppressTable, type Cell } from '../../platform/statistics/index.ts';
import {
  AGREEMENT,
  POSITIVE,
  SATISFACTION,
  allQuestions,
  isChoiceType,
  isScale,
  optionsOf,
  type Question,
  type SurveyDefinition,
} from './definition.ts';

/** A share with its 95% Wilson score interval, each 0 to 100. */
export interface Share {
  numerator: number;
  denominator: number;
  percent: number;
  low: number;
  high: number;
}

/**
 * The Wilson score interval (95%, z = 1.96) for x successes in n: unlike
 * p ± 1.96·√(p(1−p)/n) it stays within 0–100% and is honest for small n and
 * for shares near 0 or 100%.
 */
export function wilson(x: number, n: number, z = 1.96): Share | null {
  if (n <= 0) return null;
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  const round = (v: number) => Math.round(v * 1000) / 10;
  return {
    numerator: x,
    denominator: n,
    percent: round(p),
    low: round(Math.max(0, centre - half)),
    high: round(Math.min(1, centre + half)),
  };
}

export const SUBSTANTIVE = new Set<string>([...SATISFACTION, ...AGREEMENT]);

export interface OptionCount {
  code: string;
  count: number;
  /** Of those who answered the question (for multiple choice: who ticked any). */
  percent: number | null;
}

export interface QuestionSummary {
  question: Question;
  answered: number;
  options: OptionCount[];
  /** Scales: very + fairly satisfied (or strongly agree + agree) of the five answers; yes/no: yes. */
  positive: Share | null;
  numbers: {
    count: number;
    mean: number | null;
    median: number | null;
    min: number | null;
    max: number | null;
  } | null;
  /** Free text: how it felt, and how many answers carry each theme (theme ids of feedback's list). */
  text: {
    count: number;
    sentiment: Record<string, number>;
    themes: Array<{ themeId: string; count: number }>;
  } | null;
}

export interface SurveyAnalysis {
  completed: number;
  partial: number;
  byMethod: Array<{ method: string; count: number }>;
  invitations: { sent: number; answered: number; notSent: number; rate: Share | null };
  questions: QuestionSummary[];
}

const pct = (count: number, of: number) => (of > 0 ? Math.round((count / of) * 1000) / 10 : null);

/**
 * Every question's counts for one survey (all its versions, by question
 * code), its response counts by method and its response rate. A fixed number
 * of queries, whatever the number of responses.
 */
export async function analyseSurvey(
  tx: Queryable,
  surveyId: string,
  definition: SurveyDefinition,
): Promise<SurveyAnalysis> {
  const choiceRows = rowsOf<{ code: string; choice: string; n: number }>(
    await tx.execute(sql`
      select question_code as code, choice, count(*)::int as n from survey_answers
      where survey_id = ${surveyId} and choice is not null group by 1, 2
      union all
      select question_code, c, count(*)::int from survey_answers, unnest(choices) c
      where survey_id = ${surveyId} and cardinality(choices) > 0 group by 1, 2`),
  );
  const statRows = rowsOf<{
    code: string;
    answered: number;
    numbers: number;
    mean: number | null;
    median: number | null;
    min: number | null;
    max: number | null;
    positive: number;
    negative: number;
    neutral: number;
  }>(
    await tx.execute(sql`
      select question_code as code, count(*)::int as answered, count(number)::int as numbers,
        avg(number)::float8 as mean, null::float8 as median,
        min(number)::float8 as min, max(number)::float8 as max,
        count(*) filter (where sentiment = 'positive')::int as positive,
        count(*) filter (where sentiment = 'negative')::int as negative,
        count(*) filter (where sentiment = 'neutral')::int as neutral
      from survey_answers where survey_id = ${surveyId} group by 1`),
  );
  // The median apart, over the numbers alone: in the query above it made
  // PostgreSQL sort every answer (1,000,000 at 200,000 responses) to group them.
  const medians = new Map(
    rowsOf<{ code: string; median: number | null }>(
      await tx.execute(sql`
        select question_code as code,
          percentile_cont(0.5) within group (order by number)::float8 as median
        from survey_answers where survey_id = ${surveyId} and number is not null group by 1`),
    ).map((r) => [r.code, r.median]),
  );
  for (const row of statRows) row.median = medians.get(row.code) ?? null;
  const themeRows = rowsOf<{ code: string; theme: string; n: number }>(
    await tx.execute(sql`
      select question_code as code, t as theme, count(*)::int as n
      from survey_answers, unnest(themes) t
      where survey_id = ${surveyId} and body is not null group by 1, 2 order by 3 desc, 2`),
  );
  const [counts] = rowsOf<{ completed: number; partial: number }>(
    await tx.execute(sql`
      select count(*) filter (where status = 'complete')::int as completed,
        count(*) filter (where status = 'partial')::int as partial
      from survey_responses where survey_id = ${surveyId}`),
  );
  const byMethod = rowsOf<{ method: string; count: number }>(
    await tx.execute(sql`
      select method, count(*)::int as count from survey_responses
      where survey_id = ${surveyId} and status = 'complete' group by 1 order by 2 desc, 1`),
  );
  const [inv] = rowsOf<{ sent: number; answered: number; notSent: number }>(
    await tx.execute(sql`
      select count(*) filter (where status in ('queued', 'sent', 'answered'))::int as sent,
        count(*) filter (where status = 'answered')::int as answered,
        count(*) filter (where status = 'not_sent')::int as "notSent"
      from survey_invitations where survey_id = ${surveyId}`),
  );

  const choices = new Map<string, Map<string, number>>();
  for (const r of choiceRows) {
    if (!choices.has(r.code)) choices.set(r.code, new Map());
    choices.get(r.code)!.set(r.choice, r.n);
  }
  const stats = new Map(statRows.map((r) => [r.code, r]));
  const questions = allQuestions(definition).map((question): QuestionSummary => {
    const stat = stats.get(question.code);
    const answered = stat?.answered ?? 0;
    const given = choices.get(question.code) ?? new Map<string, number>();
    const options =
      isChoiceType(question.type) || question.type === 'scale10'
        ? optionsOf(question).map((o) => {
            const count = given.get(o.code) ?? 0;
            return { code: o.code, count, percent: pct(count, answered) };
          })
        : [];
    let positive: Share | null = null;
    if (isScale(question.type)) {
      const base = options.filter((o) => SUBSTANTIVE.has(o.code)).reduce((s, o) => s + o.count, 0);
      const good = options.filter((o) => POSITIVE.has(o.code)).reduce((s, o) => s + o.count, 0);
      positive = wilson(good, base);
    } else if (question.type === 'yesno') {
      positive = wilson(given.get('yes') ?? 0, answered);
    }
    return {
      question,
      answered,
      options,
      positive,
      numbers:
        question.type === 'number' || question.type === 'scale10'
          ? {
              count: stat?.numbers ?? 0,
              mean:
                stat?.mean === null || stat?.mean === undefined
                  ? null
                  : Math.round(stat.mean * 10) / 10,
              median: stat?.median ?? null,
              min: stat?.min ?? null,
              max: stat?.max ?? null,
            }
          : null,
      text:
        question.type === 'text'
          ? {
              count: answered,
              sentiment: {
                positive: stat?.positive ?? 0,
                neutral: stat?.neutral ?? 0,
                negative: stat?.negative ?? 0,
              },
              themes: themeRows
                .filter((r) => r.code === question.code)
                .map((r) => ({ themeId: r.theme, count: Number(r.n) })),
            }
          : null,
    };
  });
  const sent = inv?.sent ?? 0;
  return {
    completed: counts?.completed ?? 0,
    partial: counts?.partial ?? 0,
    byMethod,
    invitations: {
      sent,
      answered: inv?.answered ?? 0,
      notSent: inv?.notSent ?? 0,
      rate: wilson(inv?.answered ?? 0, sent),
    },
    questions,
  };
}

// ----------------------------------------------------------- free text

/** The free-text answers to one question a page holds. */
export const TEXT_PAGE_SIZE = 50;

export interface TextAnswer {
  responseId: string;
  body: string;
  sentiment: string | null;
  themes: string[];
  recodedBy: string | null;
}

/** A page of one question's free-text answers, newest first, with the count. */
export async function textAnswers(
  tx: Queryable,
  surveyId: string,
  code: string,
  page: number,
): Promise<{ rows: TextAnswer[]; total: number }> {
  const rows = rowsOf<{
    response_id: string;
    body: string;
    sentiment: string | null;
    themes: string[] | null;
    recoded_by: string | null;
  }>(
    await tx.execute(sql`
      select a.response_id, a.body, a.sentiment, a.themes, a.recoded_by
      from survey_answers a join survey_responses r on r.id = a.response_id
      where a.survey_id = ${surveyId} and a.question_code = ${code} and a.body is not null
      order by r.completed_at desc nulls last, a.response_id
      limit ${TEXT_PAGE_SIZE} offset ${(page - 1) * TEXT_PAGE_SIZE}`),
  );
  const [count] = rowsOf<{ n: number }>(
    await tx.execute(sql`
      select count(*)::int as n from survey_answers
      where survey_id = ${surveyId} and question_code = ${code} and body is not null`),
  );
  return {
    rows: rows.map((r) => ({
      responseId: r.response_id,
      body: r.body,
      sentiment: r.sentiment,
      themes: r.themes ?? [],
      recodedBy: r.recoded_by,
    })),
    total: Number(count?.n ?? 0),
  };
}

export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;

/**
 * Staff recode one free-text answer: its themes (ids from feedback's theme
 * list, checked by the caller) and its sentiment. False when there is no
 * such answer in the organisation.
 */
export async function recodeAnswer(
  tx: Queryable,
  actor: Actor,
  surveyId: string,
  code: string,
  responseId: string,
  coded: { themes: string[]; sentiment: (typeof SENTIMENTS)[number] },
): Promise<boolean> {
  const where = sql`survey_id = ${surveyId} and question_code = ${code}
    and response_id = ${responseId} and body is not null`;
  const [before] = rowsOf<{ themes: string[] | null; sentiment: string | null }>(
    await tx.execute(sql`select themes, sentiment from survey_answers where ${where}`),
  );
  if (!before) return false;
  // Theme ids are checked against the theme list by the caller: UUIDs only.
  await tx.execute(sql`
    update survey_answers set themes = ${uuidArray(coded.themes)}::text[],
      sentiment = ${coded.sentiment}, recoded_by = ${actor.label}
    where ${where}`);
  await audit(tx, actor, {
    action: 'update',
    entity: 'survey_answer',
    entityId: responseId,
    before: { question: code, themes: before.themes ?? [], sentiment: before.sentiment },
    after: { question: code, themes: coded.themes, sentiment: coded.sentiment },
  });
  return true;
}

// --------------------------------------------------------------------- cuts

export const CUTS = ['service', 'specialism', 'tenure', 'area'] as const;
export type Cut = (typeof CUTS)[number] | `equality:${string}`;

/** Counts below this are hidden on staff pages (uk-standards.md §7, platform/statistics). */
export const STAFF_THRESHOLD = 5;

export interface CutTable {
  question: Question;
  /** The answers, columns of the table. */
  columns: string[];
  rows: Array<{
    group: string;
    cells: Cell[];
    total: Cell;
    /** Shown only when no count in the row is hidden, so it gives nothing away. */
    positive: Share | null;
  }>;
  colTotals: Cell[];
  grandTotal: Cell;
}

/**
 * Every choice question cut by one dimension: the response's service,
 * specialism, tenure or area, or the answer to one of the survey's equality
 * questions. Counts are suppressed with the platform's rules (primary under
 * 5 on staff pages, secondary so none can be worked out). One query.
 */
export async function cutSurvey(
  tx: Queryable,
  surveyId: string,
  definition: SurveyDefinition,
  cut: Cut,
): Promise<CutTable[]> {
  const group = cut.startsWith('equality:')
    ? sql`e.choice`
    : cut === 'service'
      ? sql`r.service_id::text`
      : cut === 'specialism'
        ? sql`r.specialism`
        : cut === 'tenure'
          ? sql`r.tenure`
          : sql`r.area`;
  const equalityJoin = cut.startsWith('equality:')
    ? sql`join survey_answers e on e.response_id = a.response_id and e.question_code = ${cut.slice('equality:'.length)}`
    : sql``;
  const rows = rowsOf<{ code: string; grp: string | null; choice: string; n: number }>(
    await tx.execute(sql`
      select a.question_code as code, ${group} as grp, a.choice, count(*)::int as n
      from survey_answers a
      join survey_responses r on r.id = a.response_id
      ${equalityJoin}
      where a.survey_id = ${surveyId} and a.choice is not null
      group by 1, 2, 3`),
  );
  const byQuestion = new Map<string, Map<string, Map<string, number>>>();
  for (const r of rows) {
    const g = r.grp ?? '';
    if (!byQuestion.has(r.code)) byQuestion.set(r.code, new Map());
    const groups = byQuestion.get(r.code)!;
    if (!groups.has(g)) groups.set(g, new Map());
    groups.get(g)!.set(r.choice, r.n);
  }
  const equalityCode = cut.startsWith('equality:') ? cut.slice('equality:'.length) : null;
  return allQuestions(definition)
    .filter((q) => isChoiceType(q.type) && q.type !== 'multiple' && q.code !== equalityCode)
    .flatMap((question): CutTable[] => {
      const groups = byQuestion.get(question.code);
      if (!groups || groups.size === 0) return [];
      const columns = optionsOf(question).map((o) => o.code);
      const names = [...groups.keys()].sort((a, b) =>
        a === '' ? 1 : b === '' ? -1 : a.localeCompare(b),
      );
      const counts = names.map((g) => columns.map((c) => groups.get(g)!.get(c) ?? 0));
      const table = suppressTable(counts, STAFF_THRESHOLD);
      return [
        {
          question,
          columns,
          rows: names.map((g, i) => {
            const cells = table.cells[i]!;
            const anyHidden =
              cells.some((c) => c.suppressed !== false) || table.rowTotals[i]!.suppressed !== false;
            let positive: Share | null = null;
            if (!anyHidden) {
              const row = counts[i]!;
              const base = isScale(question.type)
                ? columns.reduce((s, c, j) => s + (SUBSTANTIVE.has(c) ? row[j]! : 0), 0)
                : row.reduce((s, n) => s + n, 0);
              const good = columns.reduce(
                (s, c, j) =>
                  s + (POSITIVE.has(c) || (question.type === 'yesno' && c === 'yes') ? row[j]! : 0),
                0,
              );
              positive =
                isScale(question.type) || question.type === 'yesno' ? wilson(good, base) : null;
            }
            return { group: g, cells, total: table.rowTotals[i]!, positive };
          }),
          colTotals: table.colTotals,
          grandTotal: table.grandTotal,
        },
      ];
    });
}

// -------------------------------------------------------------------- trend

export interface TrendRow {
  code: string;
  question: Question;
  waves: Array<{ surveyId: string; label: string; share: Share | null }>;
}

/**
 * The share satisfied (agreeing, saying yes) for each scale and yes/no
 * question, wave by wave across the survey's series, matched by question
 * code. One query.
 */
export async function trendOf(
  tx: Queryable,
  seriesId: string,
  definition: SurveyDefinition,
): Promise<{ waves: Array<{ surveyId: string; label: string }>; rows: TrendRow[] }> {
  const questions = allQuestions(definition).filter((q) => isScale(q.type) || q.type === 'yesno');
  if (questions.length === 0) return { waves: [], rows: [] };
  const data = rowsOf<{
    surveyId: string;
    label: string;
    code: string;
    good: number;
    base: number;
    yes: number;
    answered: number;
  }>(
    await tx.execute(sql`
      select s.id as "surveyId", coalesce(s.wave, to_char(s.created_at, 'YYYY-MM-DD')) as label,
        a.question_code as code,
        count(*) filter (where a.choice in ('very_satisfied','fairly_satisfied','strongly_agree','agree'))::int as good,
        count(*) filter (where a.choice in ('very_satisfied','fairly_satisfied','neither','fairly_dissatisfied','very_dissatisfied','strongly_agree','agree','disagree','strongly_disagree'))::int as base,
        count(*) filter (where a.choice = 'yes')::int as yes,
        count(*)::int as answered
      from surveys s join survey_answers a on a.survey_id = s.id
      where s.series_id = ${seriesId} and a.choice is not null
      group by s.id, s.wave, s.created_at, a.question_code
      order by min(s.created_at)`),
  );
  const waves: Array<{ surveyId: string; label: string }> = [];
  for (const d of data)
    if (!waves.some((w) => w.surveyId === d.surveyId))
      waves.push({ surveyId: d.surveyId, label: d.label });
  const rows = questions.map((question) => ({
    code: question.code,
    question,
    waves: waves.map((w) => {
      const d = data.find((x) => x.surveyId === w.surveyId && x.code === question.code);
      const share = !d
        ? null
        : question.type === 'yesno'
          ? wilson(d.yes, d.answered)
          : wilson(d.good, d.base);
      return { ...w, share };
    }),
  }));
  return { waves, rows };
}
