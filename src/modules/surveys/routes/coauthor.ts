import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { guard } from '../../../platform/auth/index.ts';
import { formErrors, type FieldProblem } from '../../../platform/forms/index.ts';
import { form, text } from '../../../platform/forms/schema.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { translator } from '../../../platform/i18n/index.ts';
import { QUESTION_TYPES, allQuestions, findQuestion } from '../definition.ts';
import {
  COMMENT_LIMIT,
  addComment,
  addQuestion,
  codesFor,
  conditionChoices,
  listComments,
  questionValues,
  readQuestionForm,
  removeQuestion,
  replaceQuestion,
  type QuestionFormValues,
  type SurveyRow,
} from '../service.ts';
import { draftInWords, surveyForCoauthor } from '../coauthor.ts';
import { CommentForm, QuestionForm } from '../schemas.ts';
import { optionLabel } from './staff.ts';

const coauthor = guard('surveys:coauthor');
const DraftQuery = form({ saved: text(), step: text() });
const NewQuery = form({ section: text() });

/** The fields a co-author's question form shows; the rest are kept as the question had them. */
const CUSTOMER_FIELDS = ['section', 'type', 'text', 'hint', 'easy', 'options', 'required'] as const;

/**
 * A code for a co-author's new question, from its words (co-authors are not
 * asked for one): unique in the draft.
 */
function codeFor(words: string, survey: SurveyRow): string {
  const base = words ? codesFor([words])[0]!.code.replace(/^option_1$/, 'question') : 'question';
  const taken = new Set(allQuestions(survey.draft).map((q) => q.code));
  let code = base;
  for (let n = 2; taken.has(code); n++) code = `${base}_${n}`;
  return code;
}

/**
 * The co-author's form as the builder reads it: what they may change from
 * their form, everything else (the code, Welsh and easy-read words, picture,
 * scale extras) as the question had it, so nothing is lost.
 */
function builderBody(
  body: Record<string, unknown>,
  survey: SurveyRow,
  existingCode: string | null,
): Record<string, unknown> {
  const existing = existingCode ? findQuestion(survey.draft, existingCode) : undefined;
  const kept: Record<string, unknown> = existing ? { ...questionValues(existing, '') } : {};
  for (const f of CUSTOMER_FIELDS) kept[f] = body[f];
  kept.condition = body.condition;
  if (!existing) kept.code = codeFor(typeof body.text === 'string' ? body.text.trim() : '', survey);
  return kept;
}

/**
 * The customer's side of co-authoring a draft (issue 12 §1), from their own
 * page: the draft in plain words, the comments and a form to add one, and
 * with the edit right a form to add, change or remove a question through
 * the builder's own checks. A survey this account does not co-author, here
 * or in another organisation, is not found.
 */
export const coauthorRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  /** The survey and right, or a 404 when this account is not its co-author. */
  async function load(request: FastifyRequest) {
    const id = idParam(request);
    const found = await request.db((tx) => surveyForCoauthor(tx, id, request.user!.id));
    if (!found) throw notFound();
    return found;
  }

  function refuse(reply: FastifyReply, survey: SurveyRow) {
    return reply.code(403).page('surveys/views/my/refused.njk', { survey });
  }

  async function renderDraft(
    request: FastifyRequest,
    reply: FastifyReply,
    found: { survey: SurveyRow; right: 'comment' | 'edit' },
    extras: {
      problems?: FieldProblem[];
      values?: { body?: string; questionCode?: string };
      saved?: string | null;
      step?: string | null;
    } = {},
  ) {
    const { survey, right } = found;
    const comments = await request.db((tx) => listComments(tx, survey.id));
    const sections = draftInWords(
      survey.draft,
      request.language,
      request.easyRead,
      request.translations,
    );
    const questions = sections.flatMap((s) => s.questions);
    const errors = formErrors(
      translator(request.language, request.translations),
      extras.problems ?? [],
    );
    // Easy read: one thing a page. Step 0 says what this is; then one question a page.
    const step = Math.min(
      questions.length,
      Math.max(0, Number.parseInt(extras.step ?? '', 10) || 0),
    );
    const stepQuestion = request.easyRead && step > 0 ? questions[step - 1]! : null;
    return reply.page('surveys/views/my/draft.njk', {
      survey,
      right,
      sections,
      questions,
      comments,
      commentsOn: (code: string | null) => comments.filter((c) => c.questionCode === code),
      numberOf: Object.fromEntries(questions.map((q) => [q.code, q.number])),
      values: extras.values ?? {},
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
      saved: extras.saved ?? null,
      step,
      stepQuestion,
      stepCount: questions.length,
      base: `/my/surveys/${survey.id}`,
    });
  }

  function renderQuestion(
    request: FastifyRequest,
    reply: FastifyReply,
    survey: SurveyRow,
    values: QuestionFormValues,
    existingCode: string | null,
    problems: FieldProblem[],
    conflict = false,
  ) {
    const errors = formErrors(translator(request.language, request.translations), problems);
    const numbers = new Map(allQuestions(survey.draft).map((q, i) => [q.code, i + 1]));
    const conditionItems = conditionChoices(survey.draft, values.section).map((c) => ({
      value: c.value,
      text: `${translator(request.language, request.translations).text('surveys.coauthor.questionN', { n: numbers.get(c.question.code) })}: ${c.question.text.en} — ${optionLabel(c.question, c.option.code, request.language)}`,
      checked: values.condition.includes(c.value),
    }));
    const base = `/my/surveys/${survey.id}`;
    return reply.page('surveys/views/my/question.njk', {
      survey,
      values,
      existingCode,
      number: existingCode ? numbers.get(existingCode) : null,
      sections: survey.draft.sections,
      types: QUESTION_TYPES,
      conditionItems,
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
      back: existingCode ? `${base}#question-${existingCode}` : base,
      action: existingCode ? `${base}/questions/${existingCode}` : `${base}/questions`,
      base,
      // The draft as the form was shown: a save over someone else's change is stopped.
      seen: survey.updatedAt.toISOString(),
      conflict,
    });
  }

  /**
   * Whether the draft changed since the form was shown (its `seen` stamp):
   * then the form comes back with what they typed, to check and save again,
   * rather than one person's change silently undoing another's.
   */
  const changedSince = (body: Record<string, unknown>, survey: SurveyRow) =>
    typeof body.seen === 'string' && body.seen !== survey.updatedAt.toISOString();

  app.get(
    '/my/surveys/:id',
    { ...coauthor, schema: { querystring: DraftQuery } },
    async (request, reply) =>
      renderDraft(request, reply, await load(request), {
        saved: request.query.saved ?? null,
        step: request.query.step ?? null,
      }),
  );

  app.post(
    '/my/surveys/:id/comments',
    { ...coauthor, schema: { body: CommentForm } },
    async (request, reply) => {
      const found = await load(request);
      const body = (request.body.body ?? '').trim();
      const questionCode = (request.body.questionCode ?? '').trim();
      const problems: FieldProblem[] = [];
      if (questionCode && !findQuestion(found.survey.draft, questionCode))
        problems.push({ field: 'questionCode', key: 'surveys.coauthor.errors.question' });
      if (!body) problems.push({ field: 'body', key: 'surveys.coauthor.errors.comment' });
      else if (body.length > COMMENT_LIMIT)
        problems.push({ field: 'body', key: 'surveys.coauthor.errors.commentLong' });
      if (problems.length > 0)
        return renderDraft(request, reply.code(400), found, {
          problems,
          values: { body: request.body.body ?? '', questionCode },
        });
      await request.db((tx) =>
        addComment(tx, actorOf(request), found.survey.id, {
          questionCode: questionCode || null,
          body,
          authorName: request.user!.name,
        }),
      );
      return reply.redirect(`/my/surveys/${found.survey.id}?saved=comment#comments`, 303);
    },
  );

  app.get(
    '/my/surveys/:id/questions/new',
    { ...coauthor, schema: { querystring: NewQuery } },
    async (request, reply) => {
      const { survey, right } = await load(request);
      if (right !== 'edit') return refuse(reply, survey);
      const section =
        survey.draft.sections.find((s) => s.id === request.query.section)?.id ??
        survey.draft.sections[0]?.id ??
        '';
      const values = readQuestionForm({ section, required: 'yes' }, survey.draft, null).values;
      return renderQuestion(request, reply, survey, values, null, []);
    },
  );

  app.post(
    '/my/surveys/:id/questions',
    { ...coauthor, schema: { body: QuestionForm } },
    async (request, reply) => {
      const { survey, right } = await load(request);
      if (right !== 'edit') return refuse(reply, survey);
      const { values, question, problems } = readQuestionForm(
        builderBody(request.body, survey, null),
        survey.draft,
        null,
      );
      if (changedSince(request.body, survey))
        return renderQuestion(request, reply.code(409), survey, values, null, [], true);
      if (!question)
        return renderQuestion(request, reply.code(400), survey, values, null, problems);
      await request.db((tx) => addQuestion(tx, actorOf(request), survey, values.section, question));
      return reply.redirect(`/my/surveys/${survey.id}?saved=added#question-${question.code}`, 303);
    },
  );

  app.get('/my/surveys/:id/questions/:code', coauthor, async (request, reply) => {
    const { survey, right } = await load(request);
    const code = (request.params as { code: string }).code;
    const section = survey.draft.sections.find((s) => s.questions.some((q) => q.code === code));
    const question = findQuestion(survey.draft, code);
    if (!section || !question) throw notFound();
    if (right !== 'edit') return refuse(reply, survey);
    return renderQuestion(request, reply, survey, questionValues(question, section.id), code, []);
  });

  app.post(
    '/my/surveys/:id/questions/:code',
    { ...coauthor, schema: { body: QuestionForm } },
    async (request, reply) => {
      const { survey, right } = await load(request);
      const code = (request.params as { code: string }).code;
      if (!findQuestion(survey.draft, code)) throw notFound();
      if (right !== 'edit') return refuse(reply, survey);
      const { values, question, problems } = readQuestionForm(
        builderBody(request.body, survey, code),
        survey.draft,
        code,
      );
      if (changedSince(request.body, survey))
        return renderQuestion(request, reply.code(409), survey, values, code, [], true);
      if (!question)
        return renderQuestion(request, reply.code(400), survey, values, code, problems);
      await request.db((tx) =>
        replaceQuestion(tx, actorOf(request), survey, code, values.section, question),
      );
      return reply.redirect(
        `/my/surveys/${survey.id}?saved=changed#question-${question.code}`,
        303,
      );
    },
  );

  app.post('/my/surveys/:id/questions/:code/remove', coauthor, async (request, reply) => {
    const { survey, right } = await load(request);
    const code = (request.params as { code: string }).code;
    if (!findQuestion(survey.draft, code)) throw notFound();
    if (right !== 'edit') return refuse(reply, survey);
    await request.db((tx) => removeQuestion(tx, actorOf(request), survey, code));
    return reply.redirect(`/my/surveys/${survey.id}?saved=removed#questions`, 303);
  });
};
