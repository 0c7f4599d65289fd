import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { csvLine } from '../../platform/spreadsheets/index.ts';
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

interface ExportRow extends ExportResponse {
  completedAt: string;
  /** Question code → the answer's cell (null when there are none). */
  answers: Record<string, string | number | null> | null;
}

/** The question columns of an export: every question, equality ones only when allowed. */
export function exportQuestions(definition: SurveyDefinition, scope: ExportScope): Question[] {
  return allQuestions(definition).filter((q) => scope.equality || !q.equality);
}

type ExportBatch = ExportRow[];

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

/** Where a batch ends: the last response's completion time (as text, to the microsecond) and id. */
export interface ExportCursor {
  completedAt: string;
  id: string;
}

/**
 * The next completed responses after `after`, in the order they were
 * completed (the partial index survey_responses_completed_idx), each with its
 * answers as one JSON object by question code: the answers of responses
 * completed together were written together, so a batch reads neighbouring
 * pages, and the reader gets one row a response, not one an answer.
 */
export async function exportBatch(
  tx: Queryable,
  surveyId: string,
  after: ExportCursor | null,
  size = EXPORT_BATCH,
): Promise<ExportBatch> {
  return rowsOf<ExportRow>(
    await tx.execute(sql`
      select r.id, r.completed_at::text as "completedAt",
        coalesce(r.collected_on, (r.completed_at at time zone 'Europe/London')::date)::text
          as "collectedOn",
        r.method, r.service_id as "serviceId", r.specialism, r.area, r.tenure,
        r.person_id as "personId",
        (select json_object_agg(a.question_code,
            case when a.number is not null then to_json(a.number)
              else to_json(coalesce(a.choice, nullif(array_to_string(a.choices, ';'), ''), a.body))
            end)
          from survey_answers a where a.response_id = r.id) as answers
      from survey_responses r
      where r.survey_id = ${surveyId} and r.status = 'complete' and r.completed_at is not null
        ${after ? sql`and (r.completed_at, r.id) > (${after.completedAt}::timestamptz, ${after.id}::uuid)` : sql``}
      order by r.completed_at, r.id
      limit ${size}`),
  );
}

/** An answer as one cell: the choice, several choices joined by ";", the number or the text. */
export function answerCell(value: unknown): string | number | null {
  if (typeof value === 'number' || typeof value === 'string') return value;
  return null;
}

export interface ExportLookups {
  serviceName: (id: string | null) => string | null;
  /** Reference and name of the people in a batch, by id. */
  people: (ids: string[]) => Promise<Map<string, { reference: string | null; name: string }>>;
}

/**
 * The export's rows a batch at a time, pulled as the reader takes them: each
 * batch is read in its own transaction (`withTx`), so an export of any size
 * holds one batch in memory and no transaction open while the client reads.
 */
export async function* exportBatches(
  withTx: <T>(work: (tx: Queryable) => Promise<T>) => Promise<T>,
  surveyId: string,
  questions: Question[],
  scope: ExportScope,
  lookups: ExportLookups,
): AsyncGenerator<unknown[][]> {
  let after: ExportCursor | null = null;
  for (;;) {
    const cursor: ExportCursor | null = after;
    const batch: ExportBatch = await withTx((tx) => exportBatch(tx, surveyId, cursor));
    const people =
      scope.personReference || scope.personName
        ? await lookups.people([
            ...new Set(batch.map((r) => r.personId).filter((p): p is string => !!p)),
          ])
        : new Map<string, { reference: string | null; name: string }>();
    yield batch.map((r) => {
      const answers = r.answers ?? {};
      const person = r.personId ? people.get(r.personId) : undefined;
      return [
        r.id,
        r.collectedOn,
        r.method,
        lookups.serviceName(r.serviceId),
        r.specialism,
        r.area,
        ...(scope.tenure ? [r.tenure] : []),
        ...(scope.personReference ? [person?.reference ?? null] : []),
        ...(scope.personName ? [person?.name ?? null] : []),
        ...questions.map((q) => answerCell(answers[q.code])),
      ];
    });
    if (batch.length < EXPORT_BATCH) return;
    const last = batch.at(-1)!;
    after = { completedAt: last.completedAt, id: last.id };
  }
}

/** The rows one by one (the XLSX writer adds them a row at a time). */
export async function* eachRow(batches: AsyncIterable<unknown[][]>): AsyncGenerator<unknown[]> {
  for await (const batch of batches) yield* batch;
}

/**
 * The CSV as text, one piece a batch (the platform's csvLine: RFC 4180,
 * formulas neutralised). A batch's rows become one string as soon as they are
 * read, so the row objects die young: held while a slow reader drains the
 * previous piece, they were kept long enough for V8 to move them, and the
 * objects made where they are made, to the old generation, and the process
 * grew by the whole export before a full collection.
 */
export async function* csvPieces(
  header: string[],
  batches: AsyncIterable<unknown[][]>,
): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(header)}`;
  for await (const batch of batches) {
    let text = '';
    for (const row of batch) text += csvLine(row);
    yield text;
  }
}
