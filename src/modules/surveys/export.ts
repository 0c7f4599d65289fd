import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { allQuestions, type Question, type SurveyDefinition } from './definition.ts';

/** Responses read per query (each batch its own short transaction): memory stays flat. */
export const EXPORT_BATCH = 1000;

/** What the member of staff may see in a survey's row export. */
export interface ExportScope {
  /** The person's register reference (a survey that is not anonymous, staff who may see people). */
  personReference: boolean;
  /** Their name as well: asked for, and allowed as the reference is. */
  personName: boolean;
  /** The answers to equality questions: special category data, for equality:read only. */
  equality: boolean;
  /** A tenure column: some response has one. */
  tenure: boolean;
}

export interface ExportResponse {
  id: string;
  collectedOn: string | null;
  method: string;
  serviceId: string | null;
  specialism: string | null;
  area: string | null;
  tenure: string | null;
  personId: string | null;
}

interface AnswerRow {
  responseId: string;
  code: string;
  choice: string | null;
  choices: string[];
  number: number | null;
  body: string | null;
}

/** The question columns of an export: every question, equality ones only when allowed. */
export function exportQuestions(definition: SurveyDefinition, scope: ExportScope): Question[] {
  return allQuestions(definition).filter((q) => scope.equality || !q.equality);
}

type ExportBatch = Array<{ response: ExportResponse; answers: Map<string, AnswerRow> }>;

/** The header row: fixed columns, then one column a question, named by its code. */
export function exportHeader(questions: Question[], scope: ExportScope): string[] {
  return [
    'response',
    'collected_on',
    'method',
    'service',
    'specialism',
    'area',
    ...(scope.tenure ? ['tenure'] : []),
    ...(scope.personReference ? ['person_reference'] : []),
    ...(scope.personName ? ['person_name'] : []),
    ...questions.map((q) => q.code),
  ];
}

/** Whether any completed response of the survey carries a tenure. */
export async function hasTenure(tx: Queryable, surveyId: string): Promise<boolean> {
  const [row] = rowsOf<{ found: boolean }>(
    await tx.execute(sql`
      select exists (select 1 from survey_responses
        where survey_id = ${surveyId} and status = 'complete' and tenure is not null) as found`),
  );
  return row?.found === true;
}

/**
 * The next completed responses after `after` (by id: the primary key's
 * order, so each batch is an index range, whatever the survey's size), with
 * their answers keyed by question code.
 */
export async function exportBatch(
  tx: Queryable,
  surveyId: string,
  after: string | null,
  size = EXPORT_BATCH,
): Promise<ExportBatch> {
  const responses = rowsOf<ExportResponse>(
    await tx.execute(sql`
      select r.id, coalesce(r.collected_on,
          (r.completed_at at time zone 'Europe/London')::date)::text as "collectedOn",
        r.method, r.service_id as "serviceId", r.specialism, r.area, r.tenure,
        r.person_id as "personId"
      from survey_responses r
      where r.survey_id = ${surveyId} and r.status = 'complete'
        ${after ? sql`and r.id > ${after}::uuid` : sql``}
      order by r.id
      limit ${size}`),
  );
  if (responses.length === 0) return [];
  const answers = rowsOf<AnswerRow>(
    await tx.execute(sql`
      select response_id as "responseId", question_code as code, choice, choices, number, body
      from survey_answers
      where response_id = any(${`{${responses.map((r) => r.id).join(',')}}`}::uuid[])`),
  );
  const byResponse = new Map<string, Map<string, AnswerRow>>();
  for (const answer of answers) {
    let map = byResponse.get(answer.responseId);
    if (!map) byResponse.set(answer.responseId, (map = new Map()));
    map.set(answer.code, answer);
  }
  return responses.map((response) => ({
    response,
    answers: byResponse.get(response.id) ?? new Map(),
  }));
}

/** An answer as one cell: the choice, several choices joined by ";", the number or the text. */
export function answerCell(answer: AnswerRow | undefined): string | number | null {
  if (!answer) return null;
  if (answer.choice !== null) return answer.choice;
  if (answer.choices.length > 0) return answer.choices.join(';');
  if (answer.number !== null) return Number(answer.number);
  return answer.body;
}

export interface ExportLookups {
  serviceName: (id: string | null) => string | null;
  /** Reference and name of the people in a batch, by id. */
  people: (ids: string[]) => Promise<Map<string, { reference: string | null; name: string }>>;
}

/**
 * The export's rows, pulled batch by batch as the reader takes them: each
 * batch is read in its own transaction (`withTx`), so an export of any size
 * holds one batch in memory and no transaction open while the client reads.
 */
export async function* exportRows(
  withTx: <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>,
  surveyId: string,
  questions: Question[],
  scope: ExportScope,
  lookups: ExportLookups,
): AsyncGenerator<unknown[]> {
  let after: string | null = null;
  for (;;) {
    const id: string | null = after;
    const batch: ExportBatch = await withTx((tx) => exportBatch(tx, surveyId, id));
    const people =
      scope.personReference || scope.personName
        ? await lookups.people([
            ...new Set(batch.map((b) => b.response.personId).filter((p): p is string => !!p)),
          ])
        : new Map<string, { reference: string | null; name: string }>();
    for (const { response: r, answers } of batch) {
      const person = r.personId ? people.get(r.personId) : undefined;
      yield [
        r.id,
        r.collectedOn,
        r.method,
        lookups.serviceName(r.serviceId),
        r.specialism,
        r.area,
        ...(scope.tenure ? [r.tenure] : []),
        ...(scope.personReference ? [person?.reference ?? null] : []),
        ...(scope.personName ? [person?.name ?? null] : []),
        ...questions.map((q) => answerCell(answers.get(q.code))),
      ];
    }
    if (batch.length < EXPORT_BATCH) return;
    after = batch.at(-1)!.response.id;
  }
}
