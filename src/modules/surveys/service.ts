import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import type { FieldProblem } from '../../platform/forms/index.ts';
import {
  CODE_PATTERN,
  PICTURES,
  QUESTION_TYPES,
  allQuestions,
  checkDefinition,
  optionsOf,
  type DefinitionProblem,
  type Option,
  type Picture,
  type Question,
  type QuestionType,
  type SurveyDefinition,
  type Words,
} from './definition.ts';
import { findTemplate, instantiate } from './templates.ts';
import { surveyCollaborators, surveyComments, surveyVersions, surveys } from './tables.ts';

export type SurveyRow = typeof surveys.$inferSelect;
export type VersionRow = typeof surveyVersions.$inferSelect;

export const TITLE_LIMIT = 150;
export const WORDS_LIMIT = 1000;

const tidy = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** Words from two fields (English and Welsh); Welsh only when given. */
function words(en: string, cy: string): Words {
  return cy ? { en, cy } : { en };
}

export interface NewSurveyInput {
  title: string;
  titleCy: string;
  kind: 'survey' | 'poll';
  template: string;
  anonymous: boolean;
  /** A poll's question and choices (one a line). */
  pollQuestion: string;
  pollOptions: string[];
}

/** Reads the "create a survey" form. */
export function readNewSurveyForm(body: Record<string, unknown>): {
  input: NewSurveyInput;
  problems: FieldProblem[];
} {
  const kind = tidy(body.kind) === 'poll' ? 'poll' : 'survey';
  const template = tidy(body.template);
  const input: NewSurveyInput = {
    title: tidy(body.title),
    titleCy: tidy(body.titleCy),
    kind,
    template: kind === 'survey' && findTemplate(template) ? template : '',
    anonymous: tidy(body.anonymous) === 'yes',
    pollQuestion: tidy(body.pollQuestion),
    pollOptions: tidy(body.pollOptions)
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean),
  };
  const problems: FieldProblem[] = [];
  if (!input.title && !input.template)
    problems.push({ field: 'title', key: 'surveys.errors.title' });
  if (input.title.length > TITLE_LIMIT)
    problems.push({ field: 'title', key: 'surveys.errors.titleLong' });
  if (input.titleCy.length > TITLE_LIMIT)
    problems.push({ field: 'titleCy', key: 'surveys.errors.titleLong' });
  if (tidy(body.template) && kind === 'survey' && !input.template)
    problems.push({ field: 'template', key: 'surveys.errors.template' });
  if (kind === 'poll') {
    if (!input.pollQuestion)
      problems.push({ field: 'pollQuestion', key: 'surveys.errors.pollQuestion' });
    if (input.pollOptions.length < 2 || input.pollOptions.length > 8)
      problems.push({ field: 'pollOptions', key: 'surveys.errors.pollOptions' });
  }
  return { input, problems };
}

/** Codes for choices typed as words: "Green spaces" → green_spaces, unique within the list. */
export function codesFor(texts: string[]): Option[] {
  const used = new Set<string>();
  return texts.map((text, i) => {
    let base = text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 30);
    if (!/^[a-z]/.test(base)) base = `option_${i + 1}`;
    let code = base;
    for (let n = 2; used.has(code); n++) code = `${base}_${n}`;
    used.add(code);
    return { code, text: { en: text } };
  });
}

/** Makes a survey (blank, from a template, or a one-question poll) as a draft. */
export async function createSurvey(
  tx: Queryable,
  actor: Actor,
  input: NewSurveyInput,
  organisationName: string,
): Promise<string> {
  const template = input.template ? findTemplate(input.template) : undefined;
  let draft: SurveyDefinition;
  if (input.kind === 'poll') {
    draft = {
      intro: { en: '' },
      sections: [
        {
          id: 's1',
          title: { en: input.title },
          questions: [
            {
              code: 'vote',
              type: 'single',
              text: { en: input.pollQuestion },
              required: true,
              options: codesFor(input.pollOptions),
            },
          ],
        },
      ],
    };
  } else if (template) {
    draft = instantiate(template, organisationName);
  } else {
    draft = {
      intro: { en: '' },
      sections: [{ id: 's1', title: { en: 'Questions' }, questions: [] }],
    };
  }
  const title = input.title || template?.title.en || 'Survey';
  const [row] = await tx
    .insert(surveys)
    .values({
      organisationId: sql`app_organisation_id()`,
      kind: input.kind,
      title,
      titleCy: input.titleCy || null,
      template: template?.name ?? null,
      anonymous: input.anonymous || (template?.anonymous ?? false),
      triggerEvent: template?.triggerEvent ?? null,
      draft,
    })
    .returning({ id: surveys.id });
  await tx.update(surveys).set({ seriesId: row!.id }).where(eq(surveys.id, row!.id));
  await audit(tx, actor, {
    action: 'create',
    entity: 'survey',
    entityId: row!.id,
    after: { title, kind: input.kind, template: template?.name ?? null },
  });
  return row!.id;
}

export async function findSurvey(tx: Queryable, id: string): Promise<SurveyRow | null> {
  const [row] = await tx.select().from(surveys).where(eq(surveys.id, id));
  return row ?? null;
}

export interface SurveyListRow {
  id: string;
  kind: string;
  title: string;
  status: string;
  template: string | null;
  currentVersion: number | null;
  wave: string | null;
  responses: number;
}

/** Every survey and poll, newest first, with its count of completed responses, in one query. */
export async function listSurveys(tx: Queryable): Promise<SurveyListRow[]> {
  return rowsOf<SurveyListRow>(
    await tx.execute(sql`
      select s.id, s.kind, s.title, s.status, s.template, s.current_version as "currentVersion",
        s.wave, coalesce(r.n, 0)::int as responses
      from surveys s
      left join (
        select survey_id, count(*)::int as n from survey_responses
        where status = 'complete' group by survey_id
      ) r on r.survey_id = s.id
      order by s.created_at desc`),
  );
}

/** Saves a changed draft (already checked), marking it as differing from the published version. */
async function saveDraft(
  tx: Queryable,
  actor: Actor,
  survey: SurveyRow,
  draft: SurveyDefinition,
  what: string,
): Promise<void> {
  await tx
    .update(surveys)
    .set({ draft, draftChanged: true, updatedAt: sql`now()` })
    .where(eq(surveys.id, survey.id));
  await audit(tx, actor, {
    action: 'update',
    entity: 'survey',
    entityId: survey.id,
    before: { change: what },
    after: { change: what },
  });
}

// ----------------------------------------------------------------- questions

export interface QuestionFormValues {
  code: string;
  type: string;
  text: string;
  textCy: string;
  hint: string;
  hintCy: string;
  easy: string;
  easyCy: string;
  picture: string;
  options: string;
  required: string;
  dontKnow: string;
  notApplicable: string;
  equality: string;
  condition: string[];
  section: string;
}

export function questionValues(question: Question, section: string): QuestionFormValues {
  return {
    code: question.code,
    type: question.type,
    text: question.text.en,
    textCy: question.text.cy ?? '',
    hint: question.hint?.en ?? '',
    hintCy: question.hint?.cy ?? '',
    easy: question.easy?.en ?? '',
    easyCy: question.easy?.cy ?? '',
    picture: question.picture ?? '',
    options: (question.options ?? []).map((o) => o.text.en).join('\n'),
    required: question.required ? 'yes' : 'no',
    dontKnow: question.dontKnow ? 'yes' : '',
    notApplicable: question.notApplicable ? 'yes' : '',
    equality: question.equality ? 'yes' : '',
    condition: (question.condition?.anyOf ?? []).map((a) => `${question.condition!.question}=${a}`),
    section,
  };
}

/** The answers a condition may name: every choice of every question in an earlier section. */
export function conditionChoices(
  definition: SurveyDefinition,
  sectionId: string,
): Array<{ value: string; question: Question; option: ReturnType<typeof optionsOf>[number] }> {
  const index = definition.sections.findIndex((s) => s.id === sectionId);
  return definition.sections
    .slice(0, index < 0 ? definition.sections.length : index)
    .flatMap((s) => s.questions)
    .filter((q) => q.type !== 'text' && q.type !== 'number' && q.type !== 'date')
    .flatMap((q) =>
      optionsOf(q).map((option) => ({ value: `${q.code}=${option.code}`, question: q, option })),
    );
}

/**
 * Reads the question form into a question, checked against the draft: the
 * code well formed and unique (or unchanged), the type known, choices given,
 * and a condition naming answers of one question in an earlier section.
 */
export function readQuestionForm(
  body: Record<string, unknown>,
  definition: SurveyDefinition,
  existingCode: string | null,
): { values: QuestionFormValues; question: Question | null; problems: FieldProblem[] } {
  const list = (v: unknown) =>
    (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
      (x): x is string => typeof x === 'string',
    );
  const values: QuestionFormValues = {
    code: tidy(body.code),
    type: tidy(body.type),
    text: tidy(body.text),
    textCy: tidy(body.textCy),
    hint: tidy(body.hint),
    hintCy: tidy(body.hintCy),
    easy: tidy(body.easy),
    easyCy: tidy(body.easyCy),
    picture: tidy(body.picture),
    options: typeof body.options === 'string' ? body.options : '',
    required: tidy(body.required) === 'yes' ? 'yes' : 'no',
    dontKnow: tidy(body.dontKnow) === 'yes' ? 'yes' : '',
    notApplicable: tidy(body.notApplicable) === 'yes' ? 'yes' : '',
    equality: tidy(body.equality) === 'yes' ? 'yes' : '',
    condition: list(body.condition),
    section: tidy(body.section),
  };
  const problems: FieldProblem[] = [];
  const section = definition.sections.find((s) => s.id === values.section);
  if (!section) problems.push({ field: 'section', key: 'surveys.errors.section' });
  if (!CODE_PATTERN.test(values.code)) problems.push({ field: 'code', key: 'surveys.errors.code' });
  else if (
    values.code !== existingCode &&
    allQuestions(definition).some((q) => q.code === values.code)
  )
    problems.push({ field: 'code', key: 'surveys.errors.codeTaken' });
  if (!(QUESTION_TYPES as readonly string[]).includes(values.type))
    problems.push({ field: 'type', key: 'surveys.errors.type' });
  if (!values.text) problems.push({ field: 'text', key: 'surveys.errors.text' });
  for (const f of ['text', 'textCy', 'hint', 'hintCy', 'easy', 'easyCy'] as const)
    if (values[f].length > WORDS_LIMIT)
      problems.push({ field: f, key: 'surveys.errors.tooLong', label: `surveys.fieldNames.${f}` });
  if (values.picture && !(PICTURES as readonly string[]).includes(values.picture))
    problems.push({ field: 'picture', key: 'surveys.errors.picture' });
  const type = values.type as QuestionType;
  const optionTexts = values.options
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  let options: Option[] | undefined;
  if (type === 'single' || type === 'multiple') {
    if (optionTexts.length < 2) problems.push({ field: 'options', key: 'surveys.errors.options' });
    else if (optionTexts.length > 30)
      problems.push({ field: 'options', key: 'surveys.errors.optionsMany' });
    // Choices keep their codes when their words are unchanged, so earlier answers still count.
    const before = existingCode
      ? (allQuestions(definition).find((q) => q.code === existingCode)?.options ?? [])
      : [];
    const fresh = codesFor(optionTexts);
    const used = new Set<string>();
    options = optionTexts.map((text, i) => {
      const kept = before.find((o) => o.text.en === text && !used.has(o.code));
      const code = kept?.code ?? fresh[i]!.code;
      used.add(code);
      return { code, text: { ...(kept?.text ?? {}), en: text } };
    });
    // A fresh code may collide with a kept one: number it on.
    const seen = new Set<string>();
    for (const o of options) {
      let code = o.code;
      for (let n = 2; seen.has(code); n++) code = `${o.code}_${n}`;
      o.code = code;
      seen.add(code);
    }
  }
  let condition: Question['condition'];
  if (values.condition.length > 0 && section) {
    const allowed = new Set(conditionChoices(definition, section.id).map((c) => c.value));
    const pairs = values.condition.map((v) => v.split('='));
    const questionsNamed = new Set(pairs.map((p) => p[0]));
    if (values.condition.some((v) => !allowed.has(v)))
      problems.push({ field: 'condition', key: 'surveys.errors.conditionEarlier' });
    else if (questionsNamed.size !== 1)
      problems.push({ field: 'condition', key: 'surveys.errors.conditionOne' });
    else condition = { question: pairs[0]![0]!, anyOf: pairs.map((p) => p[1]!) };
  }
  if (problems.length > 0) return { values, question: null, problems };
  const question: Question = {
    code: values.code,
    type,
    text: words(values.text, values.textCy),
    required: values.required === 'yes',
    ...(values.hint ? { hint: words(values.hint, values.hintCy) } : {}),
    ...(values.easy ? { easy: words(values.easy, values.easyCy) } : {}),
    ...(values.picture ? { picture: values.picture as Picture } : {}),
    ...(options ? { options } : {}),
    ...(condition ? { condition } : {}),
    ...((type === 'satisfaction' || type === 'agreement') && values.dontKnow
      ? { dontKnow: true }
      : {}),
    ...(type === 'satisfaction' && values.notApplicable ? { notApplicable: true } : {}),
    ...(values.equality ? { equality: true } : {}),
  };
  return { values, question, problems };
}

/** Adds a question to the end of a section of the draft. */
export async function addQuestion(
  tx: Queryable,
  actor: Actor,
  survey: SurveyRow,
  sectionId: string,
  question: Question,
): Promise<void> {
  const draft = structuredClone(survey.draft);
  const section = draft.sections.find((s) => s.id === sectionId);
  if (!section) throw new Error(`No section ${sectionId}`);
  section.questions.push(question);
  await saveDraft(tx, actor, survey, draft, `added question ${question.code}`);
}

/**
 * Replaces a question (it may move section). A changed code is followed by
 * the conditions that named it.
 */
export async function replaceQuestion(
  tx: Queryable,
  actor: Actor,
  survey: SurveyRow,
  code: string,
  sectionId: string,
  question: Question,
): Promise<void> {
  const draft = structuredClone(survey.draft);
  let placed = false;
  for (const s of draft.sections) {
    const at = s.questions.findIndex((q) => q.code === code);
    if (at < 0) continue;
    if (s.id === sectionId) {
      s.questions[at] = question;
      placed = true;
    } else s.questions.splice(at, 1);
  }
  if (!placed) draft.sections.find((s) => s.id === sectionId)?.questions.push(question);
  if (code !== question.code)
    for (const q of allQuestionsMutable(draft))
      if (q.condition?.question === code) q.condition.question = question.code;
  await saveDraft(tx, actor, survey, draft, `changed question ${code}`);
}

function allQuestionsMutable(definition: SurveyDefinition): Question[] {
  return definition.sections.flatMap((s) => s.questions);
}

/** Removes a question; questions whose condition named it lose their condition. */
export async function removeQuestion(
  tx: Queryable,
  actor: Actor,
  survey: SurveyRow,
  code: string,
): Promise<void> {
  const draft = structuredClone(survey.draft);
  for (const s of draft.sections) s.questions = s.questions.filter((q) => q.code !== code);
  for (const q of allQuestionsMutable(draft))
    if (q.condition?.question === code) delete q.condition;
  await saveDraft(tx, actor, survey, draft, `removed question ${code}`);
}

/** Moves a question one place up or down within its section. */
export async function moveQuestion(
  tx: Queryable,
  actor: Actor,
  survey: SurveyRow,
  code: string,
  direction: 'up' | 'down',
): Promise<void> {
  const draft = structuredClone(survey.draft);
  for (const s of draft.sections) {
    const at = s.questions.findIndex((q) => q.code === code);
    const to = direction === 'up' ? at - 1 : at + 1;
    if (at < 0 || to < 0 || to >= s.questions.length) continue;
    [s.questions[at], s.questions[to]] = [s.questions[to]!, s.questions[at]!];
  }
  await saveDraft(tx, actor, survey, draft, `moved question ${code} ${direction}`);
}

/** Adds a section at the end; its id is the next free s<n>. */
export async function addSection(
  tx: Queryable,
  actor: Actor,
  survey: SurveyRow,
  title: Words,
): Promise<string> {
  const draft = structuredClone(survey.draft);
  let n = draft.sections.length + 1;
  while (draft.sections.some((s) => s.id === `s${n}`)) n++;
  const id = `s${n}`;
  draft.sections.push({ id, title, questions: [] });
  await saveDraft(tx, actor, survey, draft, `added section ${id}`);
  return id;
}

/** The survey's intro and titles. */
export async function updateSurveyDetails(
  tx: Queryable,
  actor: Actor,
  survey: SurveyRow,
  details: {
    title: string;
    titleCy: string;
    intro: Words;
    anonymous: boolean;
    triggerEvent: string | null;
    reminderDays: number;
    wave: string;
  },
): Promise<void> {
  const draft = structuredClone(survey.draft);
  draft.intro = details.intro;
  await tx
    .update(surveys)
    .set({
      title: details.title,
      titleCy: details.titleCy || null,
      anonymous: details.anonymous,
      triggerEvent: details.triggerEvent,
      reminderDays: details.reminderDays,
      wave: details.wave || null,
      draft,
      draftChanged: true,
      updatedAt: sql`now()`,
    })
    .where(eq(surveys.id, survey.id));
  await audit(tx, actor, {
    action: 'update',
    entity: 'survey',
    entityId: survey.id,
    before: { title: survey.title, anonymous: survey.anonymous, triggerEvent: survey.triggerEvent },
    after: {
      title: details.title,
      anonymous: details.anonymous,
      triggerEvent: details.triggerEvent,
    },
  });
}

// ------------------------------------------------------------------- publish

/**
 * Publishes the draft as the next version. Responses already given keep the
 * version they answered; new ones get this one.
 */
export async function publishSurvey(
  tx: Queryable,
  actor: Actor,
  survey: SurveyRow,
): Promise<
  { published: true; version: number } | { published: false; problems: DefinitionProblem[] }
> {
  const problems = checkDefinition(survey.draft);
  if (survey.kind === 'poll' && allQuestions(survey.draft).length !== 1)
    problems.push({ key: 'surveys.problems.pollOne' });
  if (problems.length > 0) return { published: false, problems };
  const version = (survey.currentVersion ?? 0) + 1;
  await tx.insert(surveyVersions).values({
    organisationId: sql`app_organisation_id()`,
    surveyId: survey.id,
    version,
    definition: survey.draft,
    publishedBy: actor.label,
  });
  await tx
    .update(surveys)
    .set({
      currentVersion: version,
      status: 'published',
      draftChanged: false,
      publishedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(surveys.id, survey.id));
  await audit(tx, actor, {
    action: 'publish',
    entity: 'survey',
    entityId: survey.id,
    before: { version: survey.currentVersion },
    after: { version },
  });
  return { published: true, version };
}

/** Closes a survey to new responses (or opens it again). */
export async function setSurveyOpen(
  tx: Queryable,
  actor: Actor,
  survey: SurveyRow,
  open: boolean,
): Promise<void> {
  const status = open ? 'published' : 'closed';
  await tx
    .update(surveys)
    .set({ status, updatedAt: sql`now()` })
    .where(eq(surveys.id, survey.id));
  await audit(tx, actor, {
    action: open ? 'reopen' : 'close',
    entity: 'survey',
    entityId: survey.id,
    before: { status: survey.status },
    after: { status },
  });
}

/** The published version people answer now. */
export async function currentVersion(tx: Queryable, survey: SurveyRow): Promise<VersionRow | null> {
  if (survey.currentVersion === null) return null;
  const [row] = await tx
    .select()
    .from(surveyVersions)
    .where(
      and(
        eq(surveyVersions.surveyId, survey.id),
        eq(surveyVersions.version, survey.currentVersion),
      ),
    );
  return row ?? null;
}

export async function listVersions(tx: Queryable, surveyId: string) {
  return tx
    .select({
      version: surveyVersions.version,
      publishedBy: surveyVersions.publishedBy,
      publishedAt: surveyVersions.publishedAt,
    })
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, surveyId))
    .orderBy(desc(surveyVersions.version));
}

/**
 * Starts the next wave of a survey: a new draft with the same questions (and
 * codes, so the analysis can compare waves) in the same series.
 */
export async function newWave(
  tx: Queryable,
  actor: Actor,
  survey: SurveyRow,
  wave: string,
): Promise<string> {
  const [row] = await tx
    .insert(surveys)
    .values({
      organisationId: sql`app_organisation_id()`,
      kind: survey.kind,
      title: survey.title,
      titleCy: survey.titleCy,
      template: survey.template,
      anonymous: survey.anonymous,
      draft: survey.draft,
      seriesId: survey.seriesId ?? survey.id,
      wave: wave || null,
      triggerEvent: null,
      reminderDays: survey.reminderDays,
    })
    .returning({ id: surveys.id });
  await audit(tx, actor, {
    action: 'create',
    entity: 'survey',
    entityId: row!.id,
    after: { waveOf: survey.seriesId ?? survey.id, wave },
  });
  return row!.id;
}

// ---------------------------------------------------------------- co-authors

export type CollaboratorRow = typeof surveyCollaborators.$inferSelect;

export async function listCollaborators(
  tx: Queryable,
  surveyId: string,
): Promise<CollaboratorRow[]> {
  return tx
    .select()
    .from(surveyCollaborators)
    .where(eq(surveyCollaborators.surveyId, surveyId))
    .orderBy(asc(surveyCollaborators.name));
}

/** Gives a customer's account a right on a draft (comment, or edit); again changes the right. */
export async function addCollaborator(
  tx: Queryable,
  actor: Actor,
  surveyId: string,
  account: { userId: string; name: string },
  right: 'comment' | 'edit',
): Promise<void> {
  await tx
    .insert(surveyCollaborators)
    .values({
      organisationId: sql`app_organisation_id()`,
      surveyId,
      userId: account.userId,
      name: account.name,
      right,
    })
    .onConflictDoUpdate({
      target: [
        surveyCollaborators.organisationId,
        surveyCollaborators.surveyId,
        surveyCollaborators.userId,
      ],
      set: { right },
    });
  await audit(tx, actor, {
    action: 'grant',
    entity: 'survey',
    entityId: surveyId,
    after: { coauthor: account.userId, right },
  });
}

export async function removeCollaborator(
  tx: Queryable,
  actor: Actor,
  surveyId: string,
  collaboratorId: string,
): Promise<boolean> {
  const gone = await tx
    .delete(surveyCollaborators)
    .where(
      and(eq(surveyCollaborators.surveyId, surveyId), eq(surveyCollaborators.id, collaboratorId)),
    )
    .returning({ userId: surveyCollaborators.userId });
  if (gone.length === 0) return false;
  await audit(tx, actor, {
    action: 'revoke',
    entity: 'survey',
    entityId: surveyId,
    before: { coauthor: gone[0]!.userId },
  });
  return true;
}

/** The right a user has on a survey as a co-author, or null. */
export async function coauthorRight(
  tx: Queryable,
  surveyId: string,
  userId: string,
): Promise<'comment' | 'edit' | null> {
  const [row] = await tx
    .select({ right: surveyCollaborators.right })
    .from(surveyCollaborators)
    .where(and(eq(surveyCollaborators.surveyId, surveyId), eq(surveyCollaborators.userId, userId)));
  return row ? (row.right === 'edit' ? 'edit' : 'comment') : null;
}

/** The drafts a customer co-authors. */
export async function coauthoredSurveys(tx: Queryable, userId: string) {
  return rowsOf<{ id: string; title: string; status: string; right: string }>(
    await tx.execute(sql`
      select s.id, s.title, s.status, c.right from survey_collaborators c
      join surveys s on s.id = c.survey_id
      where c.user_id = ${userId} order by s.title`),
  );
}

export type CommentRow = typeof surveyComments.$inferSelect;

export async function listComments(tx: Queryable, surveyId: string): Promise<CommentRow[]> {
  return tx
    .select()
    .from(surveyComments)
    .where(eq(surveyComments.surveyId, surveyId))
    .orderBy(asc(surveyComments.createdAt));
}

export const COMMENT_LIMIT = 2000;

/** Adds a comment on a draft, on the whole survey or one question. */
export async function addComment(
  tx: Queryable,
  actor: Actor,
  surveyId: string,
  comment: { questionCode: string | null; body: string; authorName: string },
): Promise<void> {
  const [row] = await tx
    .insert(surveyComments)
    .values({
      organisationId: sql`app_organisation_id()`,
      surveyId,
      questionCode: comment.questionCode,
      authorUserId: actor.userId,
      authorName: comment.authorName,
      body: comment.body,
    })
    .returning({ id: surveyComments.id });
  await audit(tx, actor, {
    action: 'create',
    entity: 'survey_comment',
    entityId: row!.id,
    after: { surveyId, questionCode: comment.questionCode },
  });
}
