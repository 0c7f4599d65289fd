import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { guard } from '../../../platform/auth/index.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { forPage, ownWords, translator } from '../../../platform/i18n/index.ts';
import { readSettings } from '../../../platform/tenancy/index.ts';
import { readModuleSettings } from '../../../platform/tenancy/module-settings.ts';
import { participationSettings } from '../settings.ts';
import { formErrors, type FormErrors } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import {
  DeclineForm,
  MatchesQuery,
  NewOpportunityQuery,
  OpportunityForm,
  OpportunityListQuery,
  OpportunityShowQuery,
  PublishForm,
} from '../schemas.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { ACCESS_NEEDS } from '../../people/index.ts';
import { loadOptions, type OptionList, type Options } from '../../people/index.ts';
import { emailMatches, matchPeople, toEmail } from '../matching.ts';
import {
  OPPORTUNITY_STATUSES,
  checkOpportunity,
  closeOpportunity,
  createOpportunity,
  decideSignUp,
  markTold,
  decisionChannel,
  initiativeChoices,
  isUuid,
  listStaffOpportunities,
  longText,
  missingPurpose,
  opportunityText,
  opportunityWithInitiative,
  publishBlocker,
  publishOpportunity,
  readOpportunityForm,
  signUpsOf,
  updateOpportunity,
  valuesFromOpportunity,
  type Decision,
  type FieldProblem,
  type FormValues,
  type OpportunityWithInitiative,
  OPPORTUNITY_MODES,
} from '../opportunities.ts';
import { inPlace, type Finding } from '../../../platform/plain-english/index.ts';

/** Field problems as the GOV.UK macros take them: one message a field, linking to it. */
export const toErrors = (request: FastifyRequest, problems: FieldProblem[]): FormErrors | null =>
  formErrors(translator(request.language, request.translations), problems);

/** code → label of a configurable list, in the reader's language, for a page (English marked). */
export function labelsOf(options: Options, list: OptionList, language: string) {
  return Object.fromEntries(
    options[list].map((o) => [o.code, ownWords(language, o.label, o.labelCy)]),
  );
}

const FIELD_ORDER = [
  'title',
  'description',
  'timeAsked',
  'whenWhere',
  'rewardOffered',
  'whoCanApply',
  'easyRead',
] as const;

/** The findings of the plain-English check field by field, each shown in its sentence. */
function findingsByField(row: OpportunityWithInitiative, findings: Finding[]) {
  const texts: Record<string, string> = {
    ...Object.fromEntries(opportunityText(row).map((f) => [f.field, f.text])),
    easyRead: row.easyRead ?? '',
  };
  return FIELD_ORDER.map((field) => ({
    field,
    findings: findings
      .filter((f) => f.field === field)
      .map((f) => ({ ...f, place: inPlace(texts[field] ?? '', f) })),
  })).filter((group) => group.findings.length > 0);
}

async function formLists(request: FastifyRequest, alsoInitiative?: string | null) {
  return request.db(async (tx) => ({
    options: await loadOptions(tx),
    initiatives: await initiativeChoices(tx, alsoInitiative),
  }));
}

function renderForm(
  reply: FastifyReply,
  data: {
    values: FormValues;
    lists: Awaited<ReturnType<typeof formLists>>;
    opportunityId?: string;
    errors?: FormErrors | null;
  },
) {
  return reply.page('participation/views/opportunities/form.njk', {
    ...data.lists,
    values: data.values,
    opportunityId: data.opportunityId ?? null,
    errorList: data.errors?.errorList,
    errors: data.errors?.errors ?? {},
    needs: ACCESS_NEEDS,
    modes: OPPORTUNITY_MODES,
  });
}

async function loadForPublish(request: FastifyRequest, id: string) {
  const { row, acronyms } = await request.db(async (tx) => ({
    row: await opportunityWithInitiative(tx, id),
    acronyms: (await readSettings(tx, request.organisation.id)).plainEnglishAcronyms,
  }));
  if (!row) throw notFound();
  return Object.assign(row, { acronyms });
}

function renderPublish(
  request: FastifyRequest,
  reply: FastifyReply,
  row: OpportunityWithInitiative & { acronyms: Record<string, string> },
  error: 'initiativeNotActive' | 'noPurpose' | 'confirm' | null,
) {
  const result = checkOpportunity(row, { acronyms: row.acronyms });
  const blocker = publishBlocker(row);
  const tr = translator(request.language, request.translations);
  const errorList = error
    ? [
        {
          text: tr.text(`opportunities.publish.errors.${error}`, {
            initiative: row.initiative.title,
          }),
          href: error === 'confirm' ? '#confirmFindings' : '#blocker',
        },
      ]
    : undefined;
  return reply.page('participation/views/opportunities/publish.njk', {
    opportunity: row,
    blocker,
    missing: missingPurpose(row.initiative),
    readingEase: result.readingEase,
    findingCount: result.findings.length,
    groups: findingsByField(row, result.findings),
    errorList,
    confirmError:
      error === 'confirm'
        ? {
            text: tr.text('opportunities.publish.errors.confirm'),
            visuallyHiddenText: tr.text('forms.errorPrefix'),
          }
        : null,
  });
}

/** Staff: opportunities, the plain-English check, sign-ups and matching (issue 5 §3–5). */
export const opportunityRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  const manage = guard('participation:manage');

  app.get(
    '/staff/opportunities',
    { ...manage, schema: { querystring: OpportunityListQuery } },
    async (request, reply) => {
      const status = request.query.status ?? '';
      const waiting = ['decide', 'tell'].includes(request.query.waiting ?? '')
        ? request.query.waiting!
        : '';
      const rows = await request.db((tx) => listStaffOpportunities(tx, { status, waiting }));
      return reply.page('participation/views/opportunities/list.njk', {
        rows,
        status,
        waiting,
        statuses: OPPORTUNITY_STATUSES,
        today: todayInLondon(),
      });
    },
  );

  app.get(
    '/staff/opportunities/new',
    { ...manage, schema: { querystring: NewOpportunityQuery } },
    async (request, reply) => {
      const initiative = request.query.initiative ?? '';
      const lists = await formLists(request);
      return renderForm(reply, {
        lists,
        values: { initiativeId: isUuid(initiative) ? initiative : '', expensesOffered: 'yes' },
      });
    },
  );

  app.post(
    '/staff/opportunities',
    { ...manage, schema: { body: OpportunityForm } },
    async (request, reply) => {
      const lists = await formLists(request);
      const form = readOpportunityForm(request.body, {
        initiativeIds: new Set(lists.initiatives.map((i) => i.id)),
        interests: new Set(lists.options.interest.filter((o) => !o.retired).map((o) => o.code)),
        today: todayInLondon(),
      });
      if (form.problems.length > 0)
        return renderForm(reply.code(400), {
          lists,
          values: form.values,
          errors: toErrors(request, form.problems),
        });
      const id = await request.db((tx) => createOpportunity(tx, actorOf(request), form.input));
      return reply.redirect(`/staff/opportunities/${id}?saved=created`, 303);
    },
  );

  app.get(
    '/staff/opportunities/:id',
    { ...manage, schema: { querystring: OpportunityShowQuery } },
    async (request, reply) => {
      const id = idParam(request);
      const data = await request.db(async (tx) => {
        const opportunity = await opportunityWithInitiative(tx, id);
        if (!opportunity) return null;
        return { opportunity, signUps: await signUpsOf(tx, id), options: await loadOptions(tx) };
      });
      if (!data) throw notFound();
      const query = request.query;
      const signUps = data.signUps.map((s) => ({ ...s, reach: decisionChannel(s) }));
      const toContact = signUps.filter(
        (s) =>
          !s.erased && (s.status === 'accepted' || s.status === 'declined') && s.reach !== 'email',
      );
      return reply.page('participation/views/opportunities/show.njk', {
        opportunity: data.opportunity,
        signUps,
        toContact: toContact.filter((s) => !s.toldAt),
        told: toContact.filter((s) => s.toldAt),
        interestLabels: labelsOf(data.options, 'interest', request.language),
        needs: ACCESS_NEEDS,
        blocker: publishBlocker(data.opportunity),
        today: todayInLondon(),
        flash: query.saved ?? null,
        mailed: query.mailed === '1',
      });
    },
  );

  app.get('/staff/opportunities/:id/edit', manage, async (request, reply) => {
    const id = idParam(request);
    const row = await request.db((tx) => opportunityWithInitiative(tx, id));
    if (!row) throw notFound();
    const lists = await formLists(request, row.initiativeId);
    return renderForm(reply, { lists, values: valuesFromOpportunity(row), opportunityId: id });
  });

  app.post(
    '/staff/opportunities/:id',
    { ...manage, schema: { body: OpportunityForm } },
    async (request, reply) => {
      const id = idParam(request);
      const row = await request.db((tx) => opportunityWithInitiative(tx, id));
      if (!row) throw notFound();
      const lists = await formLists(request, row.initiativeId);
      const form = readOpportunityForm(request.body, {
        initiativeIds: new Set(lists.initiatives.map((i) => i.id)),
        // An interest retired since stays on the opportunities that had it.
        interests: new Set(
          lists.options.interest
            .filter((o) => !o.retired || row.interests.includes(o.code))
            .map((o) => o.code),
        ),
        today: todayInLondon(),
        previousClosesOn: row.closesOn,
      });
      if (form.problems.length > 0)
        return renderForm(reply.code(400), {
          lists,
          values: form.values,
          opportunityId: id,
          errors: toErrors(request, form.problems),
        });
      await request.db((tx) => updateOpportunity(tx, actorOf(request), id, form.input));
      return reply.redirect(`/staff/opportunities/${id}?saved=updated`, 303);
    },
  );

  // Publishing: the check page first, then the publication itself.
  app.get('/staff/opportunities/:id/publish', manage, async (request, reply) => {
    const row = await loadForPublish(request, idParam(request));
    return renderPublish(request, reply, row, null);
  });

  app.post(
    '/staff/opportunities/:id/publish',
    { ...manage, schema: { body: PublishForm } },
    async (request, reply) => {
      const id = idParam(request);
      const body = request.body;
      const result = await request.db(async (tx) =>
        publishOpportunity(tx, actorOf(request), id, {
          confirmFindings: body.confirmFindings === 'yes',
          plainEnglish: {
            acronyms: (await readSettings(tx, request.organisation.id)).plainEnglishAcronyms,
          },
        }),
      );
      if (result.published)
        return reply.redirect(`/staff/opportunities/${id}?saved=published`, 303);
      if (result.reason === 'notFound') throw notFound();
      const row = await loadForPublish(request, id);
      return renderPublish(
        request,
        reply.code(400),
        row,
        result.reason === 'findings' ? 'confirm' : result.reason,
      );
    },
  );

  // Closing: a page that says what it means and what is waiting, then the closing itself.
  app.get('/staff/opportunities/:id/close', manage, async (request, reply) => {
    const id = idParam(request);
    const data = await request.db(async (tx) => {
      const opportunity = await opportunityWithInitiative(tx, id);
      if (!opportunity) return null;
      return { opportunity, signUps: await signUpsOf(tx, id) };
    });
    if (!data) throw notFound();
    // Only a published opportunity takes sign-ups to close; a draft or closed one has nothing to confirm.
    if (data.opportunity.status !== 'published')
      return reply.redirect(`/staff/opportunities/${id}`, 303);
    return reply.page('participation/views/opportunities/close.njk', {
      opportunity: data.opportunity,
      waiting: data.signUps.filter(
        (s) => !s.erased && (s.status === 'new' || s.status === 'shortlisted'),
      ).length,
    });
  });

  app.post('/staff/opportunities/:id/close', manage, async (request, reply) => {
    const id = idParam(request);
    const done = await request.db((tx) => closeOpportunity(tx, actorOf(request), id));
    if (!done) throw notFound();
    return reply.redirect(`/staff/opportunities/${id}?saved=closed`, 303);
  });

  // Decisions on sign-ups.
  const decide = async (
    request: FastifyRequest,
    reply: FastifyReply,
    decision: Decision,
    message: string | null,
  ) => {
    const id = idParam(request);
    const signUpId = idParam(request, 'signUpId');
    const result = await request.db((tx) =>
      decideSignUp(tx, actorOf(request), id, signUpId, decision, {
        organisation: request.organisation.name,
        baseUrl: request.publicBaseUrl,
        message,
      }),
    );
    if (!result.done) throw notFound();
    const mailed = result.mailed ? '&mailed=1' : '';
    return reply.redirect(`/staff/opportunities/${id}?saved=${decision}${mailed}#sign-ups`, 303);
  };

  app.post('/staff/opportunities/:id/sign-ups/:signUpId/shortlist', manage, (request, reply) =>
    decide(request, reply, 'shortlisted', null),
  );
  app.post('/staff/opportunities/:id/sign-ups/:signUpId/accept', manage, (request, reply) =>
    decide(request, reply, 'accepted', null),
  );

  app.post('/staff/opportunities/:id/sign-ups/:signUpId/told', manage, async (request, reply) => {
    const id = idParam(request);
    const signUpId = idParam(request, 'signUpId');
    const done = await request.db((tx) => markTold(tx, actorOf(request), id, signUpId));
    if (!done) throw notFound();
    return reply.redirect(`/staff/opportunities/${id}?saved=told#to-contact`, 303);
  });

  const declinePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    message: string | null,
    error: boolean,
  ) => {
    const id = idParam(request);
    const signUpId = idParam(request, 'signUpId');
    const data = await request.db(async (tx) => {
      const opportunity = await opportunityWithInitiative(tx, id);
      if (!opportunity) return null;
      const signUp = (await signUpsOf(tx, id)).find((s) => s.id === signUpId);
      return signUp ? { opportunity, signUp } : null;
    });
    if (!data) throw notFound();
    // The suggested message is the page's (its English marked so); what staff typed is theirs.
    const tr = forPage(translator(request.language, request.translations));
    const errors = error
      ? toErrors(request, [{ field: 'message', key: 'opportunities.decline.errors.message' }])
      : null;
    return reply.page('participation/views/opportunities/decline.njk', {
      ...data,
      reach: decisionChannel(data.signUp),
      message:
        message ??
        tr.text('opportunities.decline.defaultMessage', { opportunity: data.opportunity.title }),
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
    });
  };

  app.get('/staff/opportunities/:id/sign-ups/:signUpId/decline', manage, (request, reply) =>
    declinePage(request, reply, null, false),
  );
  app.post(
    '/staff/opportunities/:id/sign-ups/:signUpId/decline',
    { ...manage, schema: { body: DeclineForm } },
    (request, reply) => {
      const message = longText(request.body.message);
      if (!message || message.length > 2000)
        return declinePage(request, reply.code(400), message, true);
      return decide(request, reply, 'declined', message);
    },
  );

  // Matching.
  const matches = async (request: FastifyRequest, id: string) =>
    request.db(async (tx) => {
      const opportunity = await opportunityWithInitiative(tx, id);
      if (!opportunity) return null;
      const settings = await readModuleSettings(tx, request.organisation.id, participationSettings);
      const options = {
        limit: 200,
        invitationLimit: settings.invitationLimit,
        windowDays: settings.invitationWindowDays,
      };
      return {
        opportunity,
        settings: options,
        result: await matchPeople(tx, id, options),
        options: await loadOptions(tx),
      };
    });

  app.get(
    '/staff/opportunities/:id/matches',
    { ...manage, schema: { querystring: MatchesQuery } },
    async (request, reply) => {
      const id = idParam(request);
      const data = await matches(request, id);
      if (!data) throw notFound();
      const query = request.query;
      return reply.page('participation/views/opportunities/matches.njk', {
        opportunity: data.opportunity,
        settings: data.settings,
        result: data.result,
        emailable: data.result.matches.filter(toEmail).length,
        alreadyEmailed: data.result.matches.filter((m) => m.askedAt !== null).length,
        interestLabels: labelsOf(data.options, 'interest', request.language),
        skillLabels: labelsOf(data.options, 'skill', request.language),
        roleLabels: labelsOf(data.options, 'involvement_role', request.language),
        sent: query.sent && /^\d+$/.test(query.sent) ? Number(query.sent) : null,
        notPublished: query.notPublished === '1',
      });
    },
  );

  app.post('/staff/opportunities/:id/matches/email', manage, async (request, reply) => {
    const id = idParam(request);
    const outcome = await request.db(async (tx) => {
      const opportunity = await opportunityWithInitiative(tx, id);
      if (!opportunity) return null;
      if (opportunity.status !== 'published' || (opportunity.closesOn ?? '9999') < todayInLondon())
        return { sent: -1 };
      const settings = await readModuleSettings(tx, request.organisation.id, participationSettings);
      const sent = await emailMatches(tx, actorOf(request), opportunity, {
        limit: 5000,
        invitationLimit: settings.invitationLimit,
        windowDays: settings.invitationWindowDays,
        organisation: request.organisation.name,
        baseUrl: request.publicBaseUrl,
      });
      return { sent };
    });
    if (!outcome) throw notFound();
    if (outcome.sent < 0)
      return reply.redirect(`/staff/opportunities/${id}/matches?notPublished=1`, 303);
    return reply.redirect(`/staff/opportunities/${id}/matches?sent=${outcome.sent}`, 303);
  });
};
