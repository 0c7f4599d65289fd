import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can, guard } from '../../../platform/auth/index.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';
import { formErrors, readDateInput, type FieldProblem } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound, UUID } from '../../../platform/http/params.ts';
import { translator } from '../../../platform/i18n/index.ts';
import { organisationName } from '../../../platform/tenancy/index.ts';
import { listServices } from '../../people/index.ts';
import { findUserByEmail } from '../../identity/index.ts';
import {
  PICTURES,
  QUESTION_TYPES,
  allQuestions,
  findQuestion,
  optionsOf,
  wordsIn,
  type Question,
} from '../definition.ts';
import { TEMPLATES } from '../templates.ts';
import {
  COMMENT_LIMIT,
  TITLE_LIMIT,
  WORDS_LIMIT,
  addCollaborator,
  addComment,
  addQuestion,
  addSection,
  conditionChoices,
  createSurvey,
  findSurvey,
  listCollaborators,
  listComments,
  listSurveys,
  listVersions,
  moveQuestion,
  newWave,
  publishSurvey,
  questionValues,
  readNewSurveyForm,
  readQuestionForm,
  removeCollaborator,
  removeQuestion,
  replaceQuestion,
  setSurveyOpen,
  updateSurveyDetails,
  type QuestionFormValues,
  type SurveyRow,
} from '../service.ts';
import { createKiosk, listKiosks, stopKiosk } from '../reach.ts';
import {
  audienceOf,
  invitationCounts,
  inviteToSurvey,
  peopleByReferences,
} from '../invitations.ts';
import { METHODS, startResponse } from '../respond.ts';
import { currentVersion } from '../service.ts';
import { TRIGGER_EVENTS } from '../events.ts';
import {
  CoauthorForm,
  CommentForm,
  DetailsForm,
  EntryForm,
  KioskForm,
  InviteForm,
  MoveForm,
  NewQuestionQuery,
  NewSurveyForm,
  OpenForm,
  QuestionForm,
  SectionForm,
  ShowQuery,
  WaveForm,
} from '../schemas.ts';
import { analysisRoutes } from './analysis.ts';
import { coauthorChanges } from '../coauthor.ts';

const tidy = (v: string | undefined) => (v ?? '').trim();

export async function loadSurvey(request: FastifyRequest): Promise<SurveyRow> {
  const id = idParam(request);
  const survey = await request.db((tx) => findSurvey(tx, id));
  if (!survey) throw notFound();
  return survey;
}

/** The label of a question's answer in the reader's language (scales from the locale). */
export function optionLabel(question: Question, code: string, language: 'en' | 'cy'): string {
  const option = optionsOf(question).find((o) => o.code === code);
  if (!option) return code;
  if (option.key) return translator(language).text(option.key);
  return wordsIn(option.text, language).text;
}

function renderQuestionForm(
  request: FastifyRequest,
  reply: FastifyReply,
  survey: SurveyRow,
  values: QuestionFormValues,
  existingCode: string | null,
  problems: FieldProblem[],
  base: string,
) {
  const errors = formErrors(translator(request.language, request.translations), problems);
  const conditionItems = conditionChoices(survey.draft, values.section).map((c) => ({
    value: c.value,
    text: `${c.question.code}: ${c.question.text.en} — ${optionLabel(c.question, c.option.code, 'en')}`,
    checked: values.condition.includes(c.value),
  }));
  return reply.page('surveys/views/staff/question.njk', {
    survey,
    values,
    existingCode,
    sections: survey.draft.sections,
    types: QUESTION_TYPES,
    pictures: PICTURES,
    conditionItems,
    errorList: errors?.errorList,
    errors: errors?.errors ?? {},
    action: existingCode ? `${base}/questions/${existingCode}` : `${base}/questions`,
    back: base,
  });
}

/** The question form's two routes (new and change), for staff and for co-authors who may edit. */
export function questionHandlers(base: (survey: SurveyRow) => string) {
  return {
    async showNew(
      request: FastifyRequest,
      reply: FastifyReply,
      survey: SurveyRow,
      section: string,
    ) {
      const values = questionValues(
        { code: '', type: 'single', text: { en: '' }, required: false },
        survey.draft.sections.some((s) => s.id === section)
          ? section
          : (survey.draft.sections[0]?.id ?? ''),
      );
      values.required = 'no';
      return renderQuestionForm(request, reply, survey, values, null, [], base(survey));
    },
    async showEdit(request: FastifyRequest, reply: FastifyReply, survey: SurveyRow, code: string) {
      const section = survey.draft.sections.find((s) => s.questions.some((q) => q.code === code));
      const question = findQuestion(survey.draft, code);
      if (!section || !question) throw notFound();
      return renderQuestionForm(
        request,
        reply,
        survey,
        questionValues(question, section.id),
        code,
        [],
        base(survey),
      );
    },
    async save(
      request: FastifyRequest,
      reply: FastifyReply,
      survey: SurveyRow,
      code: string | null,
      body: Record<string, unknown>,
    ) {
      if (code && !findQuestion(survey.draft, code)) throw notFound();
      const read = readQuestionForm(body, survey.draft, code);
      if (!read.question)
        return renderQuestionForm(
          request,
          reply.code(400),
          survey,
          read.values,
          code,
          read.problems,
          base(survey),
        );
      const question = read.question;
      await request.db(async (tx) => {
        const fresh = (await findSurvey(tx, survey.id))!;
        if (code)
          await replaceQuestion(tx, actorOf(request), fresh, code, read.values.section, question);
        else await addQuestion(tx, actorOf(request), fresh, read.values.section, question);
      });
      return reply.redirect(`${base(survey)}?saved=question#question-${question.code}`, 303);
    },
  };
}

/** Staff: the builder, publishing, sharing, kiosks, paper entry and co-authors (issue 12 §1, §3). */
export const staffRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  const manage = guard('surveys:manage');
  const base = (survey: SurveyRow) => `/staff/surveys/${survey.id}`;
  const questions = questionHandlers(base);

  app.get('/staff/surveys', guard('surveys:analyse'), async (request, reply) => {
    const rows = await request.db((tx) => listSurveys(tx));
    return reply.page('surveys/views/staff/list.njk', {
      rows,
      mayManage: can(request.user, 'surveys:manage'),
    });
  });

  function renderNew(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    problems: FieldProblem[],
  ) {
    const errors = formErrors(translator(request.language, request.translations), problems);
    return reply.page('surveys/views/staff/new.njk', {
      values,
      templates: TEMPLATES,
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
      titleLimit: TITLE_LIMIT,
    });
  }

  app.get('/staff/surveys/new', manage, async (request, reply) =>
    renderNew(request, reply, { kind: 'survey' }, []),
  );

  app.post(
    '/staff/surveys',
    { ...manage, schema: { body: NewSurveyForm } },
    async (request, reply) => {
      const { input, problems } = readNewSurveyForm(request.body);
      if (problems.length > 0) return renderNew(request, reply.code(400), request.body, problems);
      const id = await request.db((tx) =>
        createSurvey(tx, actorOf(request), input, organisationName(request.organisation, 'en')),
      );
      return reply.redirect(`/staff/surveys/${id}?saved=created`, 303);
    },
  );

  app.get(
    '/staff/surveys/:id',
    { ...manage, schema: { querystring: ShowQuery } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      const data = await request.db(async (tx) => ({
        versions: await listVersions(tx, survey.id),
        comments: await listComments(tx, survey.id),
        coauthors: await listCollaborators(tx, survey.id),
        coauthorChanges: await coauthorChanges(tx, survey.id),
      }));
      const codes = allQuestions(survey.draft);
      return reply.page('surveys/views/staff/show.njk', {
        survey,
        ...data,
        questionTexts: Object.fromEntries(codes.map((q) => [q.code, q.text.en])),
        conditionText: (q: Question) => {
          if (!q.condition) return '';
          const target = findQuestion(survey.draft, q.condition.question);
          const answers = q.condition.anyOf
            .map((a) => (target ? optionLabel(target, a, 'en') : a))
            .join(', ');
          return `${q.condition.question} = ${answers}`;
        },
        flash: request.query.saved ?? null,
        kioskToken: null,
      });
    },
  );

  // --------------------------------------------------------------- details

  app.get('/staff/surveys/:id/details', manage, async (request, reply) => {
    const survey = await loadSurvey(request);
    return reply.page('surveys/views/staff/details.njk', {
      survey,
      values: {
        title: survey.title,
        titleCy: survey.titleCy ?? '',
        intro: survey.draft.intro.en,
        introCy: survey.draft.intro.cy ?? '',
        anonymous: survey.anonymous ? 'yes' : 'no',
        triggerEvent: survey.triggerEvent ?? '',
        reminderDays: String(survey.reminderDays),
        wave: survey.wave ?? '',
      },
      events: TRIGGER_EVENTS,
      errors: {},
    });
  });

  app.post(
    '/staff/surveys/:id/details',
    { ...manage, schema: { body: DetailsForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      const b = request.body;
      const values = {
        title: tidy(b.title),
        titleCy: tidy(b.titleCy),
        intro: tidy(b.intro),
        introCy: tidy(b.introCy),
        anonymous: tidy(b.anonymous) === 'yes' ? 'yes' : 'no',
        triggerEvent: tidy(b.triggerEvent),
        reminderDays: tidy(b.reminderDays),
        wave: tidy(b.wave),
      };
      const problems: FieldProblem[] = [];
      if (!values.title) problems.push({ field: 'title', key: 'surveys.errors.title' });
      if (values.title.length > TITLE_LIMIT)
        problems.push({ field: 'title', key: 'surveys.errors.titleLong' });
      if (values.titleCy.length > TITLE_LIMIT)
        problems.push({ field: 'titleCy', key: 'surveys.errors.titleLong' });
      if (values.intro.length > WORDS_LIMIT)
        problems.push({
          field: 'intro',
          key: 'surveys.errors.tooLong',
          label: 'surveys.fieldNames.intro',
        });
      if (values.introCy.length > WORDS_LIMIT)
        problems.push({
          field: 'introCy',
          key: 'surveys.errors.tooLong',
          label: 'surveys.fieldNames.introCy',
        });
      if (
        values.triggerEvent &&
        !(TRIGGER_EVENTS as readonly string[]).includes(values.triggerEvent)
      )
        problems.push({ field: 'triggerEvent', key: 'surveys.errors.trigger' });
      if (!/^\d{1,2}$/.test(values.reminderDays) || Number(values.reminderDays) > 60)
        problems.push({ field: 'reminderDays', key: 'surveys.errors.reminderDays' });
      if (values.wave.length > 40) problems.push({ field: 'wave', key: 'surveys.errors.wave' });
      if (problems.length > 0) {
        const errors = formErrors(translator(request.language, request.translations), problems);
        return reply.code(400).page('surveys/views/staff/details.njk', {
          survey,
          values,
          events: TRIGGER_EVENTS,
          errorList: errors?.errorList,
          errors: errors?.errors ?? {},
        });
      }
      await request.db((tx) =>
        updateSurveyDetails(tx, actorOf(request), survey, {
          title: values.title,
          titleCy: values.titleCy,
          intro: values.introCy ? { en: values.intro, cy: values.introCy } : { en: values.intro },
          anonymous: values.anonymous === 'yes',
          triggerEvent: values.triggerEvent || null,
          reminderDays: Number(values.reminderDays),
          wave: values.wave,
        }),
      );
      return reply.redirect(`/staff/surveys/${survey.id}?saved=details`, 303);
    },
  );

  // ------------------------------------------------------ sections, questions

  app.post(
    '/staff/surveys/:id/sections',
    { ...manage, schema: { body: SectionForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      const title = tidy(request.body.title);
      const titleCy = tidy(request.body.titleCy);
      if (!title || title.length > TITLE_LIMIT) {
        const data = await request.db(async (tx) => ({
          versions: await listVersions(tx, survey.id),
          comments: await listComments(tx, survey.id),
          coauthors: await listCollaborators(tx, survey.id),
        }));
        const errors = formErrors(translator(request.language, request.translations), [
          {
            field: 'sectionTitle',
            key: title ? 'surveys.errors.titleLong' : 'surveys.errors.sectionTitle',
          },
        ]);
        return reply.code(400).page('surveys/views/staff/show.njk', {
          survey,
          ...data,
          questionTexts: {},
          conditionText: () => '',
          errorList: errors?.errorList,
          errors: errors?.errors ?? {},
          sectionTitle: title,
        });
      }
      await request.db((tx) =>
        addSection(
          tx,
          actorOf(request),
          survey,
          titleCy ? { en: title, cy: titleCy } : { en: title },
        ),
      );
      return reply.redirect(`/staff/surveys/${survey.id}?saved=section`, 303);
    },
  );

  app.get(
    '/staff/surveys/:id/questions/new',
    { ...manage, schema: { querystring: NewQuestionQuery } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      return questions.showNew(request, reply, survey, request.query.section ?? '');
    },
  );

  app.post(
    '/staff/surveys/:id/questions',
    { ...manage, schema: { body: QuestionForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      return questions.save(request, reply, survey, null, request.body);
    },
  );

  app.get('/staff/surveys/:id/questions/:code', manage, async (request, reply) => {
    const survey = await loadSurvey(request);
    return questions.showEdit(request, reply, survey, (request.params as { code: string }).code);
  });

  app.post(
    '/staff/surveys/:id/questions/:code',
    { ...manage, schema: { body: QuestionForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      return questions.save(
        request,
        reply,
        survey,
        (request.params as { code: string }).code,
        request.body,
      );
    },
  );

  app.post(
    '/staff/surveys/:id/questions/:code/move',
    { ...manage, schema: { body: MoveForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      const code = (request.params as { code: string }).code;
      if (!findQuestion(survey.draft, code)) throw notFound();
      const direction = request.body.direction === 'up' ? 'up' : 'down';
      await request.db((tx) => moveQuestion(tx, actorOf(request), survey, code, direction));
      return reply.redirect(`/staff/surveys/${survey.id}#question-${code}`, 303);
    },
  );

  app.post('/staff/surveys/:id/questions/:code/delete', manage, async (request, reply) => {
    const survey = await loadSurvey(request);
    const code = (request.params as { code: string }).code;
    if (!findQuestion(survey.draft, code)) throw notFound();
    await request.db((tx) => removeQuestion(tx, actorOf(request), survey, code));
    return reply.redirect(`/staff/surveys/${survey.id}?saved=removed`, 303);
  });

  // --------------------------------------------------------------- publish

  app.post('/staff/surveys/:id/publish', manage, async (request, reply) => {
    const survey = await loadSurvey(request);
    const result = await request.db((tx) => publishSurvey(tx, actorOf(request), survey));
    if (result.published)
      return reply.redirect(`/staff/surveys/${survey.id}/share?saved=published`, 303);
    const tr = translator(request.language, request.translations);
    const data = await request.db(async (tx) => ({
      versions: await listVersions(tx, survey.id),
      comments: await listComments(tx, survey.id),
      coauthors: await listCollaborators(tx, survey.id),
    }));
    return reply.code(400).page('surveys/views/staff/show.njk', {
      survey,
      ...data,
      questionTexts: {},
      conditionText: () => '',
      errorList: result.problems.map((p) => ({
        text: tr.text(p.key, { code: p.code ?? '' }),
        href: p.code ? `#question-${p.code}` : '#questions',
      })),
      errors: {},
    });
  });

  app.post(
    '/staff/surveys/:id/open',
    { ...manage, schema: { body: OpenForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      if (survey.currentVersion === null) throw notFound();
      const open = request.body.open === 'yes';
      await request.db((tx) => setSurveyOpen(tx, actorOf(request), survey, open));
      return reply.redirect(
        `/staff/surveys/${survey.id}/share?saved=${open ? 'opened' : 'closed'}`,
        303,
      );
    },
  );

  app.post(
    '/staff/surveys/:id/waves',
    { ...manage, schema: { body: WaveForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      const wave = tidy(request.body.wave).slice(0, 40);
      const id = await request.db((tx) => newWave(tx, actorOf(request), survey, wave));
      return reply.redirect(`/staff/surveys/${id}?saved=wave`, 303);
    },
  );

  // ----------------------------------------------------------------- share

  async function renderShare(
    request: FastifyRequest,
    reply: FastifyReply,
    survey: SurveyRow,
    extra: Record<string, unknown> = {},
  ) {
    const data = await request.db(async (tx) => ({
      kiosks: await listKiosks(tx, survey.id),
      services: await listServices(tx),
      invitations: await invitationCounts(tx, survey.id),
    }));
    const query = request.query as Record<string, string | undefined>;
    const count = (name: string) => Math.max(0, Number(query[name] ?? 0) || 0);
    const invited =
      query.invited === undefined
        ? null
        : [
            ['sent', count('invited')],
            ['already', count('already')],
            ['noEmail', count('noEmail')],
            ['noConsent', count('noConsent')],
            ['doNotContact', count('doNotContact')],
          ].filter(([key, n]) => key === 'sent' || Number(n) > 0);
    return reply.page('surveys/views/staff/share.njk', {
      survey,
      invited,
      inviteValues: {},
      triggerLabel: survey.triggerEvent ? `surveys.events.${survey.triggerEvent}` : null,
      link: `${request.publicBaseUrl}/${survey.kind === 'poll' ? 'p' : 's'}/${survey.id}`,
      ...data,
      flash: query.saved ?? null,
      errors: {},
      ...extra,
    });
  }

  app.get('/staff/surveys/:id/share', manage, async (request, reply) => {
    const survey = await loadSurvey(request);
    return renderShare(request, reply, survey);
  });

  app.post(
    '/staff/surveys/:id/kiosks',
    { ...manage, schema: { body: KioskForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      const label = tidy(request.body.label);
      const serviceId = tidy(request.body.serviceId);
      const services = await request.db((tx) => listServices(tx));
      const service = serviceId ? services.find((s) => s.id === serviceId) : null;
      const problems: FieldProblem[] = [];
      if (!label || label.length > 100)
        problems.push({ field: 'label', key: 'surveys.errors.kioskLabel' });
      if (serviceId && !service)
        problems.push({ field: 'serviceId', key: 'surveys.errors.service' });
      if (survey.currentVersion === null)
        problems.push({ field: 'label', key: 'surveys.errors.notPublished' });
      if (problems.length > 0) {
        const errors = formErrors(translator(request.language, request.translations), problems);
        return renderShare(request, reply.code(400), survey, {
          errorList: errors?.errorList,
          errors: errors?.errors ?? {},
          kioskValues: { label, serviceId },
        });
      }
      const kiosk = await request.db((tx) =>
        createKiosk(tx, actorOf(request), survey.id, {
          label,
          service: service
            ? { id: service.id, specialism: service.specialism, area: service.area }
            : null,
        }),
      );
      // The kiosk's address is shown once, now: only its hash is kept.
      return renderShare(request, reply, survey, {
        newKiosk: { label, url: `${request.publicBaseUrl}/kiosk/${kiosk.token}` },
      });
    },
  );

  // Email invitations, each with its own single-use link (issue 12 §3).
  app.post(
    '/staff/surveys/:id/invitations',
    { ...manage, schema: { body: InviteForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      const who = tidy(request.body.who);
      const serviceId = tidy(request.body.serviceId);
      const references = tidy(request.body.references)
        .split(/[\r\n,;]+/)
        .map((r) => r.trim())
        .filter(Boolean)
        .slice(0, 5000);
      const problems: FieldProblem[] = [];
      const values = { who, serviceId, references: tidy(request.body.references) };
      const outcome = await request.db(async (tx) => {
        if (survey.currentVersion === null || survey.status !== 'published') {
          problems.push({ field: 'who', key: 'surveys.errors.notPublished' });
          return null;
        }
        let ids: string[];
        if (references.length > 0) {
          const found = await peopleByReferences(tx, references);
          if (found.missing.length > 0) {
            problems.push({
              field: 'references',
              key: 'surveys.errors.inviteReference',
              vars: { refs: found.missing.slice(0, 10).join(', ') },
            });
            return null;
          }
          ids = found.ids;
        } else if (who === 'service') {
          const services = await listServices(tx);
          if (!services.some((s) => s.id === serviceId)) {
            problems.push({ field: 'inviteServiceId', key: 'surveys.errors.inviteService' });
            return null;
          }
          ids = await audienceOf(tx, { serviceId });
        } else if (who === 'everyone') {
          ids = await audienceOf(tx, { serviceId: null });
        } else {
          problems.push({ field: 'who', key: 'surveys.errors.inviteWho' });
          return null;
        }
        return inviteToSurvey(tx, actorOf(request), survey, ids);
      });
      if (!outcome) {
        const errors = formErrors(translator(request.language, request.translations), problems);
        return renderShare(request, reply.code(400), survey, {
          errorList: errors?.errorList,
          errors: errors?.errors ?? {},
          inviteValues: values,
        });
      }
      const q = new URLSearchParams({
        invited: String(outcome.invited),
        already: String(outcome.already),
        noEmail: String(outcome.notSent.no_email),
        noConsent: String(outcome.notSent.no_consent),
        doNotContact: String(outcome.notSent.do_not_contact),
      });
      return reply.redirect(`/staff/surveys/${survey.id}/share?${q}#invitations`, 303);
    },
  );

  app.post('/staff/surveys/:id/kiosks/:kiosk/stop', manage, async (request, reply) => {
    const survey = await loadSurvey(request);
    const kioskId = idParam(request, 'kiosk');
    const stopped = await request.db((tx) => stopKiosk(tx, actorOf(request), survey.id, kioskId));
    if (!stopped) throw notFound();
    return reply.redirect(`/staff/surveys/${survey.id}/share?saved=kioskStopped`, 303);
  });

  // ------------------------------------------------------- paper and phone

  async function renderEntry(
    request: FastifyRequest,
    reply: FastifyReply,
    survey: SurveyRow,
    values: Record<string, string>,
    problems: FieldProblem[],
  ) {
    const services = await request.db((tx) => listServices(tx));
    const errors = formErrors(translator(request.language, request.translations), problems);
    return reply.page('surveys/views/staff/entry.njk', {
      survey,
      services,
      values,
      methods: METHODS.filter((m) => m === 'paper' || m === 'phone'),
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  }

  app.get('/staff/surveys/:id/enter', manage, async (request, reply) => {
    const survey = await loadSurvey(request);
    if (survey.currentVersion === null || survey.kind === 'poll') throw notFound();
    return renderEntry(request, reply, survey, { method: 'paper' }, []);
  });

  app.post(
    '/staff/surveys/:id/enter',
    { ...manage, schema: { body: EntryForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      if (survey.currentVersion === null || survey.kind === 'poll') throw notFound();
      const body = request.body;
      const method = tidy(body.method);
      const serviceId = tidy(body.serviceId);
      const today = todayInLondon();
      const date = readDateInput(body, 'collectedOn', {
        required: true,
        max: today,
        keys: {
          required: 'surveys.errors.collectedOn',
          notReal: 'surveys.errors.collectedOnReal',
          tooLate: 'surveys.errors.collectedOnFuture',
        },
      });
      const services = await request.db((tx) => listServices(tx));
      const service = serviceId
        ? services.find((s) => s.id === serviceId && UUID.test(serviceId))
        : null;
      const problems: FieldProblem[] = [];
      if (method !== 'paper' && method !== 'phone')
        problems.push({ field: 'method', key: 'surveys.errors.method' });
      if (date.problem) problems.push(date.problem);
      if (serviceId && !service)
        problems.push({ field: 'serviceId', key: 'surveys.errors.service' });
      if (problems.length > 0)
        return renderEntry(
          request,
          reply.code(400),
          survey,
          { method, serviceId, ...date.values },
          problems,
        );
      const started = await request.db(async (tx) => {
        const fresh = (await findSurvey(tx, survey.id))!;
        const version = await currentVersion(tx, fresh);
        if (!version || fresh.status !== 'published') return null;
        return startResponse(tx, fresh, version, {
          method: method as 'paper' | 'phone',
          serviceId: service?.id ?? null,
          specialism: service?.specialism ?? null,
          area: service?.area ?? null,
          enteredBy: request.user!.name,
          collectedOn: date.iso,
        });
      });
      if (!started)
        return renderEntry(
          request,
          reply.code(400),
          survey,
          { method, serviceId, ...date.values },
          [{ field: 'method', key: 'surveys.errors.notOpen' }],
        );
      return reply.redirect(`/r/${started.token}`, 303);
    },
  );

  // -------------------------------------------------- co-authors, comments

  app.post(
    '/staff/surveys/:id/coauthors',
    { ...manage, schema: { body: CoauthorForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      const email = tidy(request.body.email);
      const right = request.body.right === 'edit' ? 'edit' : 'comment';
      const outcome = await request.db(async (tx) => {
        const user = email ? await findUserByEmail(tx, email) : null;
        if (!user || !user.roles.includes('customer') || user.status !== 'active') return false;
        await addCollaborator(
          tx,
          actorOf(request),
          survey.id,
          { userId: user.id, name: user.name },
          right,
        );
        return true;
      });
      if (!outcome) {
        const data = await request.db(async (tx) => ({
          versions: await listVersions(tx, survey.id),
          comments: await listComments(tx, survey.id),
          coauthors: await listCollaborators(tx, survey.id),
        }));
        const errors = formErrors(translator(request.language, request.translations), [
          { field: 'email', key: 'surveys.errors.coauthor' },
        ]);
        return reply.code(400).page('surveys/views/staff/show.njk', {
          survey,
          ...data,
          questionTexts: {},
          conditionText: () => '',
          errorList: errors?.errorList,
          errors: errors?.errors ?? {},
          coauthorEmail: email,
        });
      }
      return reply.redirect(`/staff/surveys/${survey.id}?saved=coauthor#coauthors`, 303);
    },
  );

  app.post('/staff/surveys/:id/coauthors/:coauthor/remove', manage, async (request, reply) => {
    const survey = await loadSurvey(request);
    const coauthorId = idParam(request, 'coauthor');
    const removed = await request.db((tx) =>
      removeCollaborator(tx, actorOf(request), survey.id, coauthorId),
    );
    if (!removed) throw notFound();
    return reply.redirect(`/staff/surveys/${survey.id}?saved=coauthorRemoved#coauthors`, 303);
  });

  app.post(
    '/staff/surveys/:id/comments',
    { ...manage, schema: { body: CommentForm } },
    async (request, reply) => {
      const survey = await loadSurvey(request);
      const body = tidy(request.body.body);
      const questionCode = tidy(request.body.questionCode);
      if (
        !body ||
        body.length > COMMENT_LIMIT ||
        (questionCode && !findQuestion(survey.draft, questionCode))
      )
        return reply.redirect(`/staff/surveys/${survey.id}?saved=commentEmpty#comments`, 303);
      await request.db((tx) =>
        addComment(tx, actorOf(request), survey.id, {
          questionCode: questionCode || null,
          body,
          authorName: request.user!.name,
        }),
      );
      return reply.redirect(`/staff/surveys/${survey.id}?saved=comment#comments`, 303);
    },
  );

  await app.register(analysisRoutes);
};
