import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { PUBLIC_ROUTE } from '../../../platform/auth/index.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';
import { formErrors, type FieldProblem } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { hashToken, TOKEN_PATTERN } from '../../../platform/http/link-tokens.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { translator } from '../../../platform/i18n/index.ts';
import {
  allQuestions,
  escapeHtml,
  wordsIn,
  type Answers,
  type SurveyDefinition,
} from '../definition.ts';
import {
  HONEYPOT_FIELD,
  completeResponse,
  discardResponse,
  formValuesOf,
  readAnswers,
  recordVote,
  resolveStep,
  responseByToken,
  saveAllowed,
  saveProgress,
  standingAnswers,
  startAllowed,
  startResponse,
  stepsOf,
  voteAllowed,
  type ResponseWithSurvey,
} from '../respond.ts';
import { raiseCompleted } from '../events.ts';
import { currentVersion, findSurvey, type SurveyRow } from '../service.ts';
import { kioskByToken, invitationByToken, startFromInvitation } from '../reach.ts';
import { analyseSurvey } from '../analysis.ts';
import { barChart } from '../charts.ts';
import { AnswerForm, FinishForm, StartForm, VoteForm } from '../schemas.ts';
import { fieldViews } from '../view-model.ts';

/** A survey open to answers: published and not closed. */
const isOpen = (survey: SurveyRow) =>
  survey.status === 'published' && survey.currentVersion !== null;

function titleOf(request: FastifyRequest, survey: SurveyRow) {
  return wordsIn(
    { en: survey.title, ...(survey.titleCy ? { cy: survey.titleCy } : {}) },
    request.language,
  );
}

async function openSurvey(request: FastifyRequest) {
  const id = idParam(request);
  const found = await request.db(async (tx) => {
    const survey = await findSurvey(tx, id);
    if (!survey || survey.currentVersion === null) return null;
    return { survey, version: await currentVersion(tx, survey) };
  });
  if (!found || !found.version) throw notFound();
  return { survey: found.survey, version: found.version };
}

function closedPage(request: FastifyRequest, reply: FastifyReply, survey: SurveyRow) {
  return reply
    .code(410)
    .page('surveys/views/public/closed.njk', { title: titleOf(request, survey) });
}

/** The kind page for a response that was already sent: never a second one. */
function alreadyPage(
  request: FastifyRequest,
  reply: FastifyReply,
  survey: SurveyRow,
  status = 409,
) {
  return reply
    .code(status)
    .page('surveys/views/public/already.njk', { title: titleOf(request, survey) });
}

function tokenParam(request: FastifyRequest): string {
  const token = (request.params as Record<string, string>).token ?? '';
  if (!TOKEN_PATTERN.test(token)) throw notFound();
  return token;
}

async function loadResponse(
  request: FastifyRequest,
): Promise<{ token: string; found: ResponseWithSurvey }> {
  const token = tokenParam(request);
  const found = await request.db((tx) => responseByToken(tx, token));
  if (!found) throw notFound();
  return { token, found };
}

/** Headers for pages whose address is a key: not cached, not sent on as a referrer. */
const keyHeaders = (reply: FastifyReply) =>
  reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');

function renderStep(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  found: ResponseWithSurvey,
  index: number,
  values: Record<string, unknown>,
  problems: FieldProblem[],
) {
  const answers = standingAnswers(found.definition, found.response.progress as Answers);
  const steps = stepsOf(found.definition, answers, request.easyRead);
  const step = steps[index]!;
  const errors = formErrors(translator(request.language, request.translations), problems);
  const fields = fieldViews(
    step.questions,
    values,
    errors?.errors ?? {},
    request.language,
    request.easyRead,
    request.translations,
  );
  return keyHeaders(reply).page('surveys/views/public/step.njk', {
    title: titleOf(request, found.survey),
    sectionTitle: wordsIn(step.title, request.language),
    intro: index === 0 ? wordsIn(found.definition.intro, request.language) : null,
    fields,
    single: request.easyRead || fields.length === 1,
    action: `/r/${token}/step/${step.id}`,
    back: index > 0 ? `/r/${token}/step/${steps[index - 1]!.id}` : null,
    stepNumber: index + 1,
    stepCount: steps.length,
    errorList: errors?.errorList,
    method: found.response.method,
  });
}

function hasText(definition: SurveyDefinition, answers: Answers) {
  return allQuestions(definition).some(
    (q) => q.type === 'text' && typeof answers[q.code] === 'string',
  );
}

function renderFinish(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  found: ResponseWithSurvey,
) {
  const answers = standingAnswers(found.definition, found.response.progress as Answers);
  const steps = stepsOf(found.definition, answers, request.easyRead);
  return keyHeaders(reply).page('surveys/views/public/finish.njk', {
    title: titleOf(request, found.survey),
    action: `/r/${token}/finish`,
    back: steps.length ? `/r/${token}/step/${steps[steps.length - 1]!.id}` : null,
    askQuote: hasText(found.definition, answers),
    askHearBack: found.response.personId !== null && !found.survey.anonymous,
    honeypot: HONEYPOT_FIELD,
    staffEntry: found.response.enteredBy !== null,
  });
}

/** Public answering: the link, the response pages, polls, kiosks and invitations (issue 12 §3–5). */
export const publicRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  const today = () => todayInLondon();

  app.get('/s/:id', PUBLIC_ROUTE, async (request, reply) => {
    const { survey, version } = await openSurvey(request);
    if (survey.kind === 'poll') return reply.redirect(`/p/${survey.id}`, 303);
    if (!isOpen(survey)) return closedPage(request, reply, survey);
    return reply.page('surveys/views/public/start.njk', {
      survey,
      title: titleOf(request, survey),
      intro: wordsIn(version.definition.intro, request.language),
      questionCount: allQuestions(version.definition).length,
      action: `/s/${survey.id}/start`,
      honeypot: HONEYPOT_FIELD,
    });
  });

  app.post(
    '/s/:id/start',
    { ...PUBLIC_ROUTE, schema: { body: StartForm } },
    async (request, reply) => {
      const { survey, version } = await openSurvey(request);
      if (!isOpen(survey) || survey.kind === 'poll') return closedPage(request, reply, survey);
      // A program filled in the field people cannot see: it is thanked, and nothing is kept.
      if ((request.body.website ?? '').trim()) return reply.redirect(`/s/${survey.id}/thanks`, 303);
      const started = await request.db(async (tx) =>
        (await startAllowed(tx, request.ip))
          ? startResponse(tx, survey, version, { method: 'online' })
          : null,
      );
      if (!started)
        return reply
          .code(429)
          .page('surveys/views/public/too-many.njk', { title: titleOf(request, survey) });
      return reply.redirect(`/r/${started.token}`, 303);
    },
  );

  app.get('/s/:id/thanks', PUBLIC_ROUTE, async (request, reply) => {
    const { survey } = await openSurvey(request);
    return reply.page('surveys/views/public/done.njk', {
      title: titleOf(request, survey),
      kiosk: false,
    });
  });

  app.get('/s/:id/poster', PUBLIC_ROUTE, async (request, reply) => {
    const { survey } = await openSurvey(request);
    if (!isOpen(survey)) return closedPage(request, reply, survey);
    const url = `${request.publicBaseUrl}/${survey.kind === 'poll' ? 'p' : 's'}/${survey.id}`;
    const tr = translator(request.language, request.translations);
    const label = escapeHtml(tr.text('surveys.poster.qrLabel', { url }));
    const svg = (
      await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
    ).replace('<svg ', `<svg role="img" aria-label="${label}" focusable="false" `);
    return reply.page('surveys/views/public/poster.njk', {
      title: titleOf(request, survey),
      poll: survey.kind === 'poll',
      url,
      qrSvg: svg,
    });
  });

  // ------------------------------------------------------- a response's pages

  app.get('/r/:token', PUBLIC_ROUTE, async (request, reply) => {
    const { token, found } = await loadResponse(request);
    if (found.response.status === 'complete') return alreadyPage(request, reply, found.survey, 200);
    const answers = standingAnswers(found.definition, found.response.progress as Answers);
    const steps = stepsOf(found.definition, answers, request.easyRead);
    // Resume at the first page with a question not yet answered.
    const next = steps.find((s) =>
      s.questions.some((q) => !(q.code in (found.response.progress as Answers))),
    );
    keyHeaders(reply);
    return reply.redirect(next ? `/r/${token}/step/${next.id}` : `/r/${token}/finish`, 303);
  });

  app.get('/r/:token/step/:step', PUBLIC_ROUTE, async (request, reply) => {
    const { token, found } = await loadResponse(request);
    if (found.response.status === 'complete') return alreadyPage(request, reply, found.survey, 200);
    if (found.survey.status !== 'published') return closedPage(request, reply, found.survey);
    const progress = found.response.progress as Answers;
    const steps = stepsOf(
      found.definition,
      standingAnswers(found.definition, progress),
      request.easyRead,
    );
    const at = resolveStep(steps, found.definition, (request.params as { step: string }).step);
    if (!at) throw notFound();
    if (at.redirect) return reply.redirect(`/r/${token}/step/${steps[at.index]!.id}`, 303);
    return renderStep(
      request,
      reply,
      token,
      found,
      at.index,
      formValuesOf(progress, steps[at.index]!.questions),
      [],
    );
  });

  app.post(
    '/r/:token/step/:step',
    { ...PUBLIC_ROUTE, schema: { body: AnswerForm } },
    async (request, reply) => {
      const { token, found } = await loadResponse(request);
      if (found.response.status === 'complete') return alreadyPage(request, reply, found.survey);
      if (found.survey.status !== 'published') return closedPage(request, reply, found.survey);
      const progress = found.response.progress as Answers;
      const steps = stepsOf(
        found.definition,
        standingAnswers(found.definition, progress),
        request.easyRead,
      );
      const at = resolveStep(steps, found.definition, (request.params as { step: string }).step);
      if (!at || at.redirect) throw notFound();
      const step = steps[at.index]!;
      const body = request.body as Record<string, unknown>;
      const read = readAnswers(step.questions, body);
      if (read.problems.length > 0)
        return renderStep(
          request,
          reply.code(400),
          token,
          found,
          at.index,
          read.values,
          read.problems,
        );
      const saved = await request.db(async (tx) =>
        (await saveAllowed(tx, found.response.id))
          ? saveProgress(tx, found.response, read.answers)
          : null,
      );
      if (saved === null)
        return reply
          .code(429)
          .page('surveys/views/public/too-many.njk', { title: titleOf(request, found.survey) });
      if (!saved) return alreadyPage(request, reply, found.survey);
      // The pages after this one may change with these answers (conditions).
      const answers = standingAnswers(found.definition, { ...progress, ...read.answers });
      const after = stepsOf(found.definition, answers, request.easyRead);
      const here = after.findIndex((s) => s.id === step.id);
      const next = after[here + 1];
      return reply.redirect(next ? `/r/${token}/step/${next.id}` : `/r/${token}/finish`, 303);
    },
  );

  app.get('/r/:token/finish', PUBLIC_ROUTE, async (request, reply) => {
    const { token, found } = await loadResponse(request);
    if (found.response.status === 'complete') return alreadyPage(request, reply, found.survey, 200);
    return renderFinish(request, reply, token, found);
  });

  app.post(
    '/r/:token/finish',
    { ...PUBLIC_ROUTE, schema: { body: FinishForm } },
    async (request, reply) => {
      const { token, found } = await loadResponse(request);
      if (found.response.status === 'complete') return alreadyPage(request, reply, found.survey);
      if (found.survey.status !== 'published') return closedPage(request, reply, found.survey);
      if ((request.body.website ?? '').trim()) {
        await request.db((tx) => discardResponse(tx, found.response.id));
        return reply.redirect(`/s/${found.survey.id}/thanks`, 303);
      }
      const result = await request.db(async (tx) => {
        const outcome = await completeResponse(tx, actorOf(request), found, {
          mayQuote: request.body.mayQuote === 'yes',
          hearBack: request.body.hearBack === 'yes',
          today: today(),
        });
        // Listeners (tsm, feedback) write in this transaction: with the response or not at all.
        if (outcome.outcome === 'done')
          await raiseCompleted(tx, request.organisation.id, outcome.completed);
        return outcome;
      });
      if (result.outcome === 'already') return alreadyPage(request, reply, found.survey);
      if (result.outcome === 'missing') {
        const answers = standingAnswers(found.definition, found.response.progress as Answers);
        const steps = stepsOf(found.definition, answers, request.easyRead);
        const index = steps.findIndex((s) =>
          s.questions.some((q) => q.code === result.question.code),
        );
        return renderStep(
          request,
          reply.code(400),
          token,
          found,
          Math.max(0, index),
          formValuesOf(answers, steps[Math.max(0, index)]!.questions),
          [{ field: `q_${result.question.code}`, key: 'surveys.answer.errors.required' }],
        );
      }
      return reply.redirect(`/r/${token}/done`, 303);
    },
  );

  app.get('/r/:token/done', PUBLIC_ROUTE, async (request, reply) => {
    const { token, found } = await loadResponse(request);
    if (found.response.status !== 'complete') return reply.redirect(`/r/${token}`, 303);
    return keyHeaders(reply).page('surveys/views/public/done.njk', {
      title: titleOf(request, found.survey),
      kiosk: found.response.kioskId !== null ? `/r/${token}/next` : null,
      staffEntry:
        found.response.enteredBy !== null ? `/staff/surveys/${found.survey.id}/enter` : null,
    });
  });

  // ------------------------------------------------------------------ kiosk

  app.get('/kiosk/:token', PUBLIC_ROUTE, async (request, reply) => {
    const token = tokenParam(request);
    const kiosk = await request.db((tx) => kioskByToken(tx, hashToken(token)));
    if (!kiosk) throw notFound();
    if (!isOpen(kiosk.survey)) return closedPage(request, reply, kiosk.survey);
    return keyHeaders(reply).page('surveys/views/public/kiosk.njk', {
      title: titleOf(request, kiosk.survey),
      intro: wordsIn(kiosk.version.definition.intro, request.language),
      action: `/kiosk/${token}/start`,
    });
  });

  app.post(
    '/kiosk/:token/start',
    { ...PUBLIC_ROUTE, schema: { body: StartForm } },
    async (request, reply) => {
      const token = tokenParam(request);
      const started = await request.db(async (tx) => {
        const kiosk = await kioskByToken(tx, hashToken(token));
        if (!kiosk || !isOpen(kiosk.survey)) return null;
        return startResponse(tx, kiosk.survey, kiosk.version, {
          method: 'kiosk',
          kioskId: kiosk.id,
          serviceId: kiosk.serviceId,
          specialism: kiosk.specialism,
          area: kiosk.area,
        });
      });
      if (!started) throw notFound();
      return reply.redirect(`/r/${started.token}`, 303);
    },
  );

  // The thank-you page's "next person": a fresh response at the same kiosk.
  app.post(
    '/r/:token/next',
    { ...PUBLIC_ROUTE, schema: { body: StartForm } },
    async (request, reply) => {
      const { found } = await loadResponse(request);
      if (!found.response.kioskId) throw notFound();
      const started = await request.db(async (tx) => {
        const kiosk = await kioskByToken(tx, null, found.response.kioskId!);
        if (!kiosk || !isOpen(kiosk.survey)) return null;
        return startResponse(tx, kiosk.survey, kiosk.version, {
          method: 'kiosk',
          kioskId: kiosk.id,
          serviceId: kiosk.serviceId,
          specialism: kiosk.specialism,
          area: kiosk.area,
        });
      });
      if (!started) return closedPage(request, reply, found.survey);
      return reply.redirect(`/r/${started.token}`, 303);
    },
  );

  // ------------------------------------------------------------- invitations

  app.get('/i/:token', PUBLIC_ROUTE, async (request, reply) => {
    const token = tokenParam(request);
    const outcome = await request.db(async (tx) => {
      const invitation = await invitationByToken(tx, hashToken(token));
      if (!invitation) return null;
      return startFromInvitation(tx, invitation);
    });
    if (!outcome) throw notFound();
    if (outcome.state !== 'open')
      return outcome.state === 'answered'
        ? alreadyPage(request, reply, outcome.survey, 200)
        : closedPage(request, reply, outcome.survey);
    keyHeaders(reply);
    return reply.redirect(`/r/${outcome.token}`, 303);
  });

  // ------------------------------------------------------------------ polls

  const pollCookie = (id: string) => `poll-${id.slice(0, 8)}`;

  app.get('/p/:id', PUBLIC_ROUTE, async (request, reply) => {
    const { survey, version } = await openSurvey(request);
    if (survey.kind !== 'poll') return reply.redirect(`/s/${survey.id}`, 303);
    if (!isOpen(survey)) return reply.redirect(`/p/${survey.id}/results`, 303);
    const question = allQuestions(version.definition)[0]!;
    const fields = fieldViews(
      [question],
      {},
      {},
      request.language,
      request.easyRead,
      request.translations,
    );
    return reply.page('surveys/views/public/poll.njk', {
      title: titleOf(request, survey),
      field: fields[0],
      action: `/p/${survey.id}`,
      voted: request.cookies[pollCookie(survey.id)] === '1',
      results: `/p/${survey.id}/results`,
    });
  });

  app.post('/p/:id', { ...PUBLIC_ROUTE, schema: { body: VoteForm } }, async (request, reply) => {
    const { survey, version } = await openSurvey(request);
    if (survey.kind !== 'poll' || !isOpen(survey))
      return reply.redirect(`/p/${survey.id}/results`, 303);
    const question = allQuestions(version.definition)[0]!;
    const choice = (request.body.choice ?? '').trim();
    if (!(question.options ?? []).some((o) => o.code === choice)) {
      const tr = translator(request.language, request.translations);
      const fields = fieldViews(
        [question],
        {},
        {},
        request.language,
        request.easyRead,
        request.translations,
      );
      return reply.code(400).page('surveys/views/public/poll.njk', {
        title: titleOf(request, survey),
        field: fields[0],
        action: `/p/${survey.id}`,
        results: `/p/${survey.id}/results`,
        errorList: [{ text: tr.text('surveys.poll.choose'), href: '#choice-0' }],
      });
    }
    // One vote a browser; a second is not counted, and said so kindly.
    if (request.cookies[pollCookie(survey.id)] === '1')
      return reply.redirect(`/p/${survey.id}/results?again=1`, 303);
    const counted = await request.db(async (tx) => {
      if (!(await voteAllowed(tx, request.ip))) return false;
      const completed = await recordVote(tx, survey, version, question, choice, 'online', today());
      await raiseCompleted(tx, request.organisation.id, completed);
      return true;
    });
    if (!counted)
      return reply
        .code(429)
        .page('surveys/views/public/too-many.njk', { title: titleOf(request, survey) });
    reply.setCookie(pollCookie(survey.id), '1', {
      path: `/p/${survey.id}`,
      httpOnly: true,
      sameSite: 'lax',
      maxAge: 60 * 60 * 24 * 365,
    });
    return reply.redirect(`/p/${survey.id}/results?voted=1`, 303);
  });

  app.get('/p/:id/results', PUBLIC_ROUTE, async (request, reply) => {
    const { survey, version } = await openSurvey(request);
    if (survey.kind !== 'poll' || !survey.resultsPublic) throw notFound();
    const analysis = await request.db((tx) => analyseSurvey(tx, survey.id, version.definition));
    const summary = analysis.questions[0]!;
    const tr = translator(request.language, request.translations);
    const labels = Object.fromEntries(
      (summary.question.options ?? []).map((o) => [o.code, wordsIn(o.text, request.language)]),
    );
    const bars = summary.options.map((o) => ({
      label: labels[o.code]?.text ?? o.code,
      percent: o.percent ?? 0,
      note: `${o.percent ?? 0}% (${o.count})`,
    }));
    const query = request.query as Record<string, string | undefined>;
    reply.header('cache-control', 'no-cache');
    return reply.page('surveys/views/public/results.njk', {
      title: titleOf(request, survey),
      question: wordsIn(summary.question.text, request.language),
      rows: summary.options.map((o) => ({ ...o, label: labels[o.code] })),
      total: summary.answered,
      chart: barChart(bars, tr.text('surveys.poll.chartAlt', { count: summary.answered })),
      open: isOpen(survey),
      voted: query.voted === '1',
      again: query.again === '1',
      pollHref: `/p/${survey.id}`,
    });
  });
};
