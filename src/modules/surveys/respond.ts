import { and, eq, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { readDateInput, type FieldProblem } from '../../platform/forms/index.ts';
import { hashToken, newToken } from '../../platform/http/link-tokens.ts';
import { addressKey, allowUse } from '../identity/index.ts';
import {
  allQuestions,
  isShown,
  optionsOf,
  type AnswerValue,
  type Answers,
  type Question,
  type SurveyDefinition,
  type Words,
} from './definition.ts';
import { sentimentOf, suggestThemes } from '../feedback/index.ts';
import {
  surveyAnswers,
  surveyInvitations,
  surveyResponses,
  surveyVersions,
  surveys,
} from './tables.ts';
import type { SurveyRow, VersionRow } from './service.ts';

export type ResponseRow = typeof surveyResponses.$inferSelect;
export type Method = 'online' | 'kiosk' | 'paper' | 'phone' | 'email';
export const METHODS: readonly Method[] = ['online', 'kiosk', 'paper', 'phone', 'email'];

/**
 * Limits on public answering, against programs that post forms (there is no
 * CAPTCHA): new responses from one address an hour, and page saves a
 * response may make an hour. A bench or a big kiosk may raise them.
 */
export const SURVEY_LIMITS = {
  startsPerAddress: 30,
  startsPerAddressMinutes: 60,
  savesPerResponse: 200,
  savesPerResponseMinutes: 60,
  votesPerAddress: 30,
  votesPerAddressMinutes: 60,
};

/** The hidden field programs fill in and people never see. */
export const HONEYPOT_FIELD = 'website';
export const TEXT_ANSWER_LIMIT = 5000;

/** May this address start another response now? Counts the start. */
export async function startAllowed(tx: Queryable, address: string): Promise<boolean> {
  return allowUse(
    tx,
    `survey-start:${addressKey(address)}`,
    SURVEY_LIMITS.startsPerAddress,
    SURVEY_LIMITS.startsPerAddressMinutes,
  );
}

/** May this response save another page now? Counts the save. */
export async function saveAllowed(tx: Queryable, responseId: string): Promise<boolean> {
  return allowUse(
    tx,
    `survey-save:${responseId}`,
    SURVEY_LIMITS.savesPerResponse,
    SURVEY_LIMITS.savesPerResponseMinutes,
  );
}

export async function voteAllowed(tx: Queryable, address: string): Promise<boolean> {
  return allowUse(
    tx,
    `poll-vote:${addressKey(address)}`,
    SURVEY_LIMITS.votesPerAddress,
    SURVEY_LIMITS.votesPerAddressMinutes,
  );
}

// -------------------------------------------------------------------- steps

/**
 * One page of the survey: a section in the standard display, one question
 * in easy read. Its id names it stably: `section-<id>` or `question-<code>`.
 */
export interface Step {
  id: string;
  title: Words;
  questions: Question[];
}

/** The pages a respondent sees, given their answers so far (conditions hide questions). */
export function stepsOf(definition: SurveyDefinition, answers: Answers, easyRead: boolean): Step[] {
  const steps: Step[] = [];
  for (const section of definition.sections) {
    const shown = section.questions.filter((q) => isShown(q, answers));
    if (shown.length === 0) continue;
    if (easyRead)
      for (const q of shown)
        steps.push({ id: `question-${q.code}`, title: section.title, questions: [q] });
    else steps.push({ id: `section-${section.id}`, title: section.title, questions: shown });
  }
  return steps;
}

/**
 * The step a page address names, in the display in use: a section's address
 * in easy read goes to its first question, a question's in the standard
 * display to its section.
 */
export function resolveStep(
  steps: Step[],
  definition: SurveyDefinition,
  stepId: string,
): { index: number; redirect: boolean } | null {
  const exact = steps.findIndex((s) => s.id === stepId);
  if (exact >= 0) return { index: exact, redirect: false };
  if (stepId.startsWith('section-')) {
    const section = definition.sections.find((s) => `section-${s.id}` === stepId);
    if (!section) return null;
    const index = steps.findIndex((s) => s.questions.some((q) => section.questions.includes(q)));
    return index >= 0 ? { index, redirect: true } : null;
  }
  if (stepId.startsWith('question-')) {
    const code = stepId.slice('question-'.length);
    const index = steps.findIndex((s) => s.questions.some((q) => q.code === code));
    return index >= 0 ? { index, redirect: true } : null;
  }
  return null;
}

// ------------------------------------------------------------------ answers

/**
 * Reads one page's answers from the form (fields q_<code>), checking each
 * against its question: a choice it offers, a number, a real date, text not
 * too long, and required questions answered.
 */
export function readAnswers(
  questions: Question[],
  body: Record<string, unknown>,
): { answers: Answers; values: Record<string, unknown>; problems: FieldProblem[] } {
  const answers: Answers = {};
  const values: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  const first = (v: unknown) => {
    const one = Array.isArray(v) ? v[0] : v;
    return typeof one === 'string' ? one.trim() : '';
  };
  for (const q of questions) {
    const field = `q_${q.code}`;
    const offered = new Set(optionsOf(q).map((o) => o.code));
    let value: AnswerValue = null;
    switch (q.type) {
      case 'multiple': {
        const raw = body[field];
        const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
          (x): x is string => typeof x === 'string' && x !== '',
        );
        values[field] = list;
        if (list.some((x) => !offered.has(x)))
          problems.push({ field, key: 'surveys.answer.errors.choice' });
        else if (list.length > 0) value = [...new Set(list)];
        break;
      }
      case 'text': {
        const text = typeof body[field] === 'string' ? (body[field] as string).trim() : '';
        values[field] = text;
        if (text.length > TEXT_ANSWER_LIMIT)
          problems.push({
            field,
            key: 'surveys.answer.errors.tooLong',
            vars: { max: TEXT_ANSWER_LIMIT },
          });
        else if (text) value = text;
        break;
      }
      case 'number': {
        const text = first(body[field]).replace(/,/g, '');
        values[field] = first(body[field]);
        if (text && !/^-?\d{1,12}(\.\d{1,6})?$/.test(text))
          problems.push({ field, key: 'surveys.answer.errors.number' });
        else if (text) value = Number(text);
        break;
      }
      case 'date': {
        const input = readDateInput(body, field, { label: 'date' });
        Object.assign(values, input.values);
        if (input.problem) problems.push({ ...input.problem, key: 'surveys.answer.errors.date' });
        else value = input.iso;
        break;
      }
      default: {
        const text = first(body[field]);
        values[field] = text;
        if (text && !offered.has(text))
          problems.push({ field, key: 'surveys.answer.errors.choice' });
        else if (text) value = q.type === 'scale10' ? Number(text) : text;
      }
    }
    if (value === null && q.required && !problems.some((p) => p.field === field))
      problems.push({
        field,
        key: 'surveys.answer.errors.required',
        ...(q.type === 'date' ? { href: `${field}-day` } : {}),
      });
    answers[q.code] = value;
  }
  return { answers, values, problems };
}

/** The form's values from saved answers, to show a page again. */
export function formValuesOf(answers: Answers, questions: Question[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const q of questions) {
    const a = answers[q.code];
    const field = `q_${q.code}`;
    if (a === undefined || a === null) continue;
    if (q.type === 'date' && typeof a === 'string') {
      const [y, m, d] = a.split('-');
      values[`${field}-day`] = String(Number(d));
      values[`${field}-month`] = String(Number(m));
      values[`${field}-year`] = y;
    } else values[field] = Array.isArray(a) ? a : String(a);
  }
  return values;
}

// ---------------------------------------------------------------- responses

export interface StartOptions {
  method: Method;
  personId?: string | null;
  invitationId?: string | null;
  kioskId?: string | null;
  serviceId?: string | null;
  specialism?: string | null;
  area?: string | null;
  tenure?: string | null;
  enteredBy?: string | null;
  collectedOn?: string | null;
}

/** Starts a response to the survey's current version; returns its token (the address key). */
export async function startResponse(
  tx: Queryable,
  survey: SurveyRow,
  version: VersionRow,
  options: StartOptions,
): Promise<{ id: string; token: string }> {
  const { token, hash } = newToken();
  const [row] = await tx
    .insert(surveyResponses)
    .values({
      organisationId: sql`app_organisation_id()`,
      surveyId: survey.id,
      versionId: version.id,
      personId: survey.anonymous ? null : (options.personId ?? null),
      invitationId: options.invitationId ?? null,
      kioskId: options.kioskId ?? null,
      method: options.method,
      tokenHash: hash,
      serviceId: options.serviceId ?? null,
      specialism: options.specialism ?? null,
      area: options.area ?? null,
      tenure: options.tenure ?? null,
      enteredBy: options.enteredBy ?? null,
      collectedOn: options.collectedOn ?? null,
    })
    .returning({ id: surveyResponses.id });
  return { id: row!.id, token };
}

/** Gives a partial response a fresh address (resuming from an invitation); the old one stops working. */
export async function renewResponseToken(tx: Queryable, responseId: string): Promise<string> {
  const { token, hash } = newToken();
  await tx
    .update(surveyResponses)
    .set({ tokenHash: hash })
    .where(eq(surveyResponses.id, responseId));
  return token;
}

export interface ResponseWithSurvey {
  response: ResponseRow;
  survey: SurveyRow;
  definition: SurveyDefinition;
  versionNumber: number;
}

/** The response a token opens, with its survey and the version it answers. */
export async function responseByToken(
  tx: Queryable,
  token: string,
): Promise<ResponseWithSurvey | null> {
  const [row] = await tx
    .select({ response: surveyResponses, survey: surveys, version: surveyVersions })
    .from(surveyResponses)
    .innerJoin(surveys, eq(surveys.id, surveyResponses.surveyId))
    .innerJoin(surveyVersions, eq(surveyVersions.id, surveyResponses.versionId))
    .where(eq(surveyResponses.tokenHash, hashToken(token)));
  if (!row) return null;
  return {
    response: row.response,
    survey: row.survey,
    definition: row.version.definition,
    versionNumber: row.version.version,
  };
}

/** Saves one page's answers into the response's progress (partial answers are kept). */
export async function saveProgress(
  tx: Queryable,
  response: ResponseRow,
  answers: Answers,
): Promise<boolean> {
  const updated = await tx
    .update(surveyResponses)
    .set({ progress: sql`${surveyResponses.progress} || ${JSON.stringify(answers)}::jsonb` })
    .where(and(eq(surveyResponses.id, response.id), eq(surveyResponses.status, 'partial')))
    .returning({ id: surveyResponses.id });
  return updated.length > 0;
}

/** The answers that stand: those to questions still shown, in order, blanks left out. */
export function standingAnswers(definition: SurveyDefinition, progress: Answers): Answers {
  const standing: Answers = {};
  for (const q of allQuestions(definition)) {
    if (!isShown(q, standing)) continue;
    const a = progress[q.code];
    if (a === undefined || a === null || (Array.isArray(a) && a.length === 0)) continue;
    standing[q.code] = a;
  }
  return standing;
}

/** The first shown required question left unanswered, or null. */
export function firstMissing(definition: SurveyDefinition, answers: Answers): Question | null {
  for (const q of allQuestions(definition))
    if (
      q.required &&
      isShown(q, answers) &&
      (answers[q.code] === undefined || answers[q.code] === null)
    )
      return q;
  return null;
}

/** What completing a response raises: the contract in the brief (surveys.response_completed). */
export interface CompletedResponse {
  responseId: string;
  personId: string | null;
  surveyId: string;
  template: string | null;
  method: Method;
  collectedOn: string;
  answers: Answers;
  freeText: Array<{ questionCode: string; question: string; text: string }>;
  anonymous: boolean;
  mayQuote: boolean;
  hearBack: boolean;
}

/**
 * Completes a response, once: the answers that stand are written to
 * survey_answers, the invitation (if any) is marked answered. A response
 * already complete is refused (`already`), however the second attempt came,
 * since only one update from partial to complete can succeed.
 */
export async function completeResponse(
  tx: Queryable,
  actor: Actor,
  found: ResponseWithSurvey,
  flags: { mayQuote: boolean; hearBack: boolean; today: string },
): Promise<
  | { outcome: 'done'; completed: CompletedResponse }
  | { outcome: 'already' }
  | { outcome: 'missing'; question: Question }
> {
  const { response, survey, definition } = found;
  const answers = standingAnswers(definition, response.progress as Answers);
  const missing = firstMissing(definition, answers);
  if (missing) return { outcome: 'missing', question: missing };
  const tenure = typeof answers.tenure === 'string' ? answers.tenure : response.tenure;
  const collectedOn = response.collectedOn ?? flags.today;
  const hearBack = flags.hearBack && response.personId !== null;
  const updated = await tx
    .update(surveyResponses)
    .set({
      status: 'complete',
      completedAt: sql`now()`,
      collectedOn,
      tenure,
      mayQuote: flags.mayQuote,
      hearBack,
      progress: {},
    })
    .where(and(eq(surveyResponses.id, response.id), eq(surveyResponses.status, 'partial')))
    .returning({ id: surveyResponses.id });
  if (updated.length === 0) return { outcome: 'already' };

  const questions = allQuestions(definition);
  // Free text is read as feedback is: its feeling, and the themes the
  // organisation's keyword rules suggest (staff recode them on the analysis).
  const texts = questions.filter(
    (q) => q.type === 'text' && typeof answers[q.code] === 'string' && answers[q.code] !== '',
  );
  const suggested = await suggestThemes(
    tx,
    texts.map((q) => String(answers[q.code])),
  );
  const coded = new Map(
    texts.map((q, i) => [
      q.code,
      { sentiment: sentimentOf(String(answers[q.code])), themes: suggested[i] ?? [] },
    ]),
  );
  const rows = questions
    .filter((q) => answers[q.code] !== undefined)
    .map((q) => {
      const a = answers[q.code]!;
      return {
        organisationId: sql`app_organisation_id()`,
        responseId: response.id,
        surveyId: survey.id,
        questionCode: q.code,
        choice:
          q.type === 'single' ||
          q.type === 'satisfaction' ||
          q.type === 'agreement' ||
          q.type === 'yesno'
            ? String(a)
            : q.type === 'scale10'
              ? String(a)
              : null,
        choices: q.type === 'multiple' && Array.isArray(a) ? a : [],
        number: q.type === 'scale10' || q.type === 'number' ? Number(a) : null,
        body: q.type === 'text' || q.type === 'date' ? String(a) : null,
        sentiment: coded.get(q.code)?.sentiment ?? null,
        themes: coded.get(q.code)?.themes ?? [],
      };
    });
  if (rows.length > 0) await tx.insert(surveyAnswers).values(rows);
  if (response.invitationId)
    await tx
      .update(surveyInvitations)
      .set({ status: 'answered', answeredAt: sql`now()` })
      .where(eq(surveyInvitations.id, response.invitationId));
  await audit(tx, actor, {
    action: 'complete',
    entity: 'survey_response',
    entityId: response.id,
    after: { surveyId: survey.id, method: response.method, answers: rows.length },
  });
  const freeText = questions
    .filter((q) => q.type === 'text' && typeof answers[q.code] === 'string')
    .map((q) => ({ questionCode: q.code, question: q.text.en, text: String(answers[q.code]) }));
  return {
    outcome: 'done',
    completed: {
      responseId: response.id,
      personId: response.personId,
      surveyId: survey.id,
      template: survey.template,
      method: response.method as Method,
      collectedOn,
      answers,
      freeText,
      anonymous: survey.anonymous || response.personId === null,
      mayQuote: flags.mayQuote,
      hearBack,
    },
  };
}

/** Forgets a response a program started (the honeypot was filled): nothing of it is kept. */
export async function discardResponse(tx: Queryable, responseId: string): Promise<void> {
  await tx
    .delete(surveyResponses)
    .where(and(eq(surveyResponses.id, responseId), eq(surveyResponses.status, 'partial')));
}

/** One tap on a poll: a complete response with its one answer, in one go. */
export async function recordVote(
  tx: Queryable,
  survey: SurveyRow,
  version: VersionRow,
  question: Question,
  choice: string,
  method: Method,
  today: string,
): Promise<CompletedResponse> {
  const { id } = await startResponse(tx, survey, version, { method });
  await tx
    .update(surveyResponses)
    .set({ status: 'complete', completedAt: sql`now()`, collectedOn: today })
    .where(eq(surveyResponses.id, id));
  await tx.insert(surveyAnswers).values({
    organisationId: sql`app_organisation_id()`,
    responseId: id,
    surveyId: survey.id,
    questionCode: question.code,
    choice,
  });
  return {
    responseId: id,
    personId: null,
    surveyId: survey.id,
    template: survey.template,
    method,
    collectedOn: today,
    answers: { [question.code]: choice },
    freeText: [],
    anonymous: true,
    mayQuote: false,
    hearBack: false,
  };
}

/** The register's details that place a person's response in cuts: a current service, its specialism, their area. */
export async function placeOfPerson(
  tx: Queryable,
  personId: string,
): Promise<{ serviceId: string | null; specialism: string | null; area: string | null }> {
  const [row] = rowsOf<{
    serviceId: string | null;
    specialism: string | null;
    area: string | null;
  }>(
    await tx.execute(sql`
      select ps.service_id as "serviceId", ps.specialism, coalesce(ps.service_area, p.area) as area
      from register_people p
      left join lateral (
        select service_id, specialism, service_area from register_person_services
        where person_id = p.id and (ended_on is null or ended_on >= current_date)
        order by started_on desc nulls last limit 1
      ) ps on true
      where p.id = ${personId}`),
  );
  return row ?? { serviceId: null, specialism: null, area: null };
}
