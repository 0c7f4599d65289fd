import { sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { arrayParam, uuidArray } from '../../platform/db/types.ts';
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

/** One survey's kept counts (survey_answer_counts) of one cut ('' for none): question, group, kind, value. */
async function keptCounts(tx: Queryable, surveyIds: string[], cut: string, kinds: string[]) {
  return rowsOf<{
    surveyId: string;
    code: string;
    grp: string;
    kind: string;
    value: string;
    n: number;
  }>(
    await tx.execute(sql`
      select survey_id as "surveyId", question_code as code, grp, kind, value, n
      from survey_answer_counts
      where survey_id = any(${uuidArray(surveyIds)}) and cut = ${cut}
        and kind = any(${arrayParam(kinds, 'text')}) and n <> 0`),
  );
}

/**
 * The median (as percentile_cont(0.5): the middle value, or the mean of the
 * two middle ones), the mean, least and most of numbers counted by value.
 */
export function numbersOf(histogram: Array<{ value: number; n: number }>) {
  const sorted = [...histogram].sort((a, b) => a.value - b.value);
  const count = sorted.reduce((s, h) => s + h.n, 0);
  if (count === 0) return { count, mean: null, median: null, min: null, max: null };
  const at = (index: number) => {
    let seen = 0;
    for (const h of sorted) {
      seen += h.n;
      if (index < seen) return h.value;
    }
    return sorted[sorted.length - 1]!.value;
  };
  const lower = at(Math.floor((count - 1) / 2));
  const upper = at(Math.ceil((count - 1) / 2));
  return {
    count,
    mean: sorted.reduce((s, h) => s + h.value * h.n, 0) / count,
    median: lower + (upper - lower) * 0.5,
    min: sorted[0]!.value,
    max: sorted[sorted.length - 1]!.value,
  };
}

/**
 * Every question's counts for one survey (all its versions, by question
 * code), its response counts by method and its response rate. The answers
 * are read as counted when they were written (survey_answer_counts, kept by
 * triggers), so a fixed number of small queries whatever the number of
 * responses.
 */
export async function analyseSurvey(
  tx: Queryable,
  surveyId: string,
  definition: SurveyDefinition,
): Promise<SurveyAnalysis> {
  const kept = await keptCounts(tx, [surveyId], '', [
    'answered',
    'choice',
    'number',
    'sentiment',
    'theme',
  ]);
  const choiceRows = kept
    .filter((r) => r.kind === 'choice')
    .map((r) => ({ ...r, choice: r.value }));
  const histograms = new Map<string, Array<{ value: number; n: number }>>();
  for (const r of kept.filter((k) => k.kind === 'number')) {
    if (!histograms.has(r.code)) histograms.set(r.code, []);
    histograms.get(r.code)!.push({ value: Number(r.value), n: r.n });
  }
  const statRows = [...new Set(kept.map((r) => r.code))].map((code) => {
    const of = (kind: string, value: string) =>
      kept.find((r) => r.code === code && r.kind === kind && r.value === value)?.n ?? 0;
    const numbers = numbersOf(histograms.get(code) ?? []);
    return {
      code,
      answered: of('answered', ''),
      numbers: numbers.count,
      mean: numbers.mean,
      median: numbers.median,
      min: numbers.min,
      max: numbers.max,
      positive: of('sentiment', 'positive'),
      negative: of('sentiment', 'negative'),
      neutral: of('sentiment', 'neutral'),
    };
  });
  const themeRows = kept
    .filter((r) => r.kind === 'theme')
    .map((r) => ({ code: r.code, theme: r.value, n: r.n }))
    .sort((a, b) => b.n - a.n || (a.theme < b.theme ? -1 : a.theme > b.theme ? 1 : 0));
  // Status and method are in survey_responses_survey_idx: read from the index.
  const byStatus = rowsOf<{ status: string; method: string; count: number }>(
    await tx.execute(sql`
      select status, method, count(*)::int as count from survey_responses
      where survey_id = ${surveyId} group by 1, 2`),
  );
  const counts = {
    completed: byStatus.filter((r) => r.status === 'complete').reduce((s, r) => s + r.count, 0),
    partial: byStatus.filter((r) => r.status === 'partial').reduce((s, r) => s + r.count, 0),
  };
  const byMethod = byStatus
    .filter((r) => r.status === 'complete')
    .map((r) => ({ method: r.method, count: r.count }))
    .sort((a, b) => b.count - a.count || (a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
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
    completed: counts.completed,
    partial: counts.partial,
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
  // The four dimensions of the response are counted as answers are written;
  // a cut by another answer (an equality question) pairs the answers here.
  const rows = cut.startsWith('equality:')
    ? rowsOf<{ code: string; grp: string | null; choice: string; n: number }>(
        await tx.execute(sql`
          select a.question_code as code, e.choice as grp, a.choice, count(*)::int as n
          from survey_answers a
          join survey_answers e on e.response_id = a.response_id
            and e.question_code = ${cut.slice('equality:'.length)}
          where a.survey_id = ${surveyId} and a.choice is not null
          group by 1, 2, 3`),
      )
    : (await keptCounts(tx, [surveyId], cut, ['choice'])).map((r) => ({
        code: r.code,
        grp: r.grp,
        choice: r.value,
        n: r.n,
      }));
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
 * code. One query, of the kept counts.
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
        c.question_code as code,
        coalesce(sum(c.n) filter (where c.value in ('very_satisfied','fairly_satisfied','strongly_agree','agree')), 0)::int as good,
        coalesce(sum(c.n) filter (where c.value in ('very_satisfied','fairly_satisfied','neither','fairly_dissatisfied','very_dissatisfied','strongly_agree','agree','disagree','strongly_disagree')), 0)::int as base,
        coalesce(sum(c.n) filter (where c.value = 'yes'), 0)::int as yes,
        sum(c.n)::int as answered
      from surveys s
      join survey_answer_counts c on c.organisation_id = s.organisation_id and c.survey_id = s.id
      where s.series_id = ${seriesId} and c.cut = '' and c.kind = 'choice' and c.n <> 0
      group by s.id, s.wave, s.created_at, c.question_code
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
