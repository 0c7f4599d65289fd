import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { PUBLIC_ROUTE } from '../../../platform/auth/index.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { translator } from '../../../platform/i18n/index.ts';
import { organisationName } from '../../../platform/tenancy/index.ts';
import type { FormErrors } from '../../../platform/views/forms.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { ACCESS_NEEDS, CHANNELS } from '../../people/index.ts';
import { loadOptions } from '../../people/index.ts';
import {
  EASY_FIELDS,
  EASY_SIGN_UP_STEPS,
  HONEYPOT_FIELD,
  atomFeed,
  easyProblem,
  easyReadPoints,
  easySignUpBody,
  easyStepOf,
  isEasyStep,
  nextEasyStep,
  previousEasyStep,
  readEasySignUp,
  type EasyStep,
  confirmContact,
  contactConfirmation,
  parsePublicFilter,
  publicOpportunities,
  publicOpportunity,
  readSignUpForm,
  recordSignUp,
  type FormValues,
  type OpportunityWithInitiative,
} from '../opportunities.ts';
import { labelsOf, toErrors } from './opportunities.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import {
  ConfirmParams,
  ConfirmQuery,
  OpportunityParams,
  PublicListQuery,
  SignUpDoneQuery,
  EasySignUpForm,
  SignUpForm,
} from '../schemas.ts';

/** An opportunity the public may see, or a 404 (unknown, or never published). */
async function findPublic(request: FastifyRequest) {
  const id = idParam(request);
  const found = await request.db((tx) => publicOpportunity(tx, id, todayInLondon()));
  if (!found) throw notFound();
  return found;
}

/** The kind page for an opportunity that has closed: never a form. */
function closedPage(reply: FastifyReply, opportunity: OpportunityWithInitiative) {
  return reply.page('participation/views/public/closed.njk', { opportunity });
}

function renderSignUp(
  reply: FastifyReply,
  opportunity: OpportunityWithInitiative,
  values: FormValues,
  errors: FormErrors | null,
) {
  return reply.page('participation/views/public/sign-up.njk', {
    opportunity,
    values,
    errorList: errors?.errorList,
    errors: errors?.errors ?? {},
    needs: ACCESS_NEEDS,
    channels: CHANNELS,
    honeypot: HONEYPOT_FIELD,
  });
}

type SignUpRead = ReturnType<typeof readSignUpForm>;

type SignUpOutcome =
  | { kind: 'closed' | 'invalid' | 'limited'; row: OpportunityWithInitiative }
  | { kind: 'done'; row: OpportunityWithInitiative; done: string };

/** Thrown to roll back a sign-up whose address turned out to be over its limit. */
class OverLimit extends Error {
  constructor(readonly row: OpportunityWithInitiative) {
    super('over the sign-up limit');
  }
}

/**
 * Takes a sign-up, from the standard form or the easy-read pages alike: in one
 * short transaction the opportunity and the limits (publicOpportunity says
 * whether they refuse it, without locking anything), the field people cannot
 * see, and recordSignUp (the new person, consents, duplicate flags, the email
 * to confirm an address, and the use counted against the address's limit, in
 * one statement just before the commit, so sign-ups from one address hold its
 * row only briefly); over the limit, all of it is rolled back. Done gives the
 * thank-you page's address.
 */
async function takeSignUp(request: FastifyRequest, read: SignUpRead): Promise<SignUpOutcome> {
  const id = idParam(request);
  const { form, problems, honeypot } = read;
  let outcome: SignUpOutcome | null;
  try {
    outcome = await request.db(async (tx) => {
      const found = await publicOpportunity(tx, id, todayInLondon(), request.ip);
      if (!found) return null;
      const { row, open } = found;
      const done = `/opportunities/${row.id}/sign-up/done`;
      if (!open) return { kind: 'closed' as const, row };
      // A program filled in the field people cannot see: it is told all went well, and nothing is kept.
      if (honeypot) return { kind: 'done' as const, row, done };
      if (problems.length > 0) return { kind: 'invalid' as const, row };
      if (found.refused) return { kind: 'limited' as const, row };
      const made = await recordSignUp(tx, actorOf(request), row, form, {
        language: request.language,
        translations: request.translations,
        baseUrl: request.publicBaseUrl,
        organisation: organisationName(request.organisation, request.language),
        address: request.ip,
      });
      if (!made.allowed) throw new OverLimit(row);
      const confirm = made.confirmByEmail ? '&confirm=1' : '';
      return { kind: 'done' as const, row, done: `${done}?by=${form.channel}${confirm}` };
    });
  } catch (error) {
    if (!(error instanceof OverLimit)) throw error;
    outcome = { kind: 'limited', row: error.row };
  }
  if (!outcome) throw notFound();
  return outcome;
}

/**
 * One page of the easy-read sign-up. The answers so far go in hidden fields
 * (those the page does not ask itself); the page is never cached, as it holds
 * them. `back` is 'check' when the person came from the check page to change
 * an answer: Continue takes them back there.
 */
function renderEasySignUp(
  request: FastifyRequest,
  reply: FastifyReply,
  opportunity: OpportunityWithInitiative,
  step: EasyStep,
  values: FormValues,
  errors: FormErrors | null,
  back: 'check' | null,
) {
  const carried: Array<{ name: string; value: string }> = [];
  for (const name of EASY_FIELDS) {
    const value = values[name];
    for (const v of Array.isArray(value) ? value : [value ?? ''])
      if (v !== '') carried.push({ name, value: v });
  }
  const asked = EASY_SIGN_UP_STEPS.find((s) => s.id === step)!.fields as readonly string[];
  const tr = translator(request.language, request.translations);
  return reply
    .header('cache-control', 'no-store')
    .page('participation/views/public/sign-up-easy.njk', {
      opportunity,
      step,
      stepNumber: EASY_SIGN_UP_STEPS.findIndex((s) => s.id === step) + 1,
      questionCount: EASY_SIGN_UP_STEPS.length - 1,
      previous: back ?? previousEasyStep(step),
      then: back,
      values,
      carried,
      // The fields this page asks: not carried, or a changed answer would come twice.
      keep: carried.filter((f) => !asked.includes(f.name)),
      errorList: errors?.errorList,
      errors: errors?.errors ?? {},
      needs: ACCESS_NEEDS,
      needLabels: (values.needs as string[]).map((n) => tr.text(`register.needLabels.${n}`)),
      honeypot: HONEYPOT_FIELD,
    });
}

/** The public side: /opportunities, the Atom feed, posters and sign-up (issue 5 §3–4). */
export const publicRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  app.get(
    '/opportunities',
    { ...PUBLIC_ROUTE, schema: { querystring: PublicListQuery } },
    async (request, reply) => {
      const filter = parsePublicFilter(request.query);
      const data = await request.db(async (tx) => ({
        rows: await publicOpportunities(tx, filter, todayInLondon()),
        options: await loadOptions(tx),
      }));
      return reply.page('participation/views/public/list.njk', {
        // In easy read a card shows the first point of the easy-read version, when there is one.
        rows: request.easyRead
          ? data.rows.map((row) => ({ ...row, easyPoint: easyReadPoints(row.easyRead)[0] ?? null }))
          : data.rows,
        filter,
        filtered: Boolean(filter.interest || filter.mode || filter.need),
        interests: data.options.interest.filter((o) => !o.retired),
        interestLabels: labelsOf(data.options, 'interest', request.language),
        needs: ACCESS_NEEDS,
      });
    },
  );

  app.get('/opportunities.atom', PUBLIC_ROUTE, async (request, reply) => {
    const rows = await request.db((tx) =>
      publicOpportunities(tx, { interest: '', mode: '', need: '' }, todayInLondon(), 100),
    );
    const tr = translator(request.language, request.translations);
    const name = organisationName(request.organisation, request.language);
    return reply.header('content-type', 'application/atom+xml; charset=utf-8').send(
      atomFeed({
        baseUrl: request.publicBaseUrl,
        title: tr.text('publicOpportunities.feed.title', { organisation: name }),
        author: name,
        language: request.language,
        entries: rows,
      }),
    );
  });

  app.get(
    '/opportunities/:id',
    { ...PUBLIC_ROUTE, schema: { params: OpportunityParams } },
    async (request, reply) => {
      const { row, open } = await findPublic(request);
      if (!open) return closedPage(reply, row);
      return reply.page('participation/views/public/show.njk', {
        opportunity: row,
        // Easy read shows the easy-read version as points, when staff wrote one.
        points: request.easyRead ? easyReadPoints(row.easyRead) : [],
      });
    },
  );

  app.get(
    '/opportunities/:id/poster',
    { ...PUBLIC_ROUTE, schema: { params: OpportunityParams } },
    async (request, reply) => {
      const { row, open } = await findPublic(request);
      if (!open) return closedPage(reply, row);
      const url = `${request.publicBaseUrl}/opportunities/${row.id}`;
      const tr = translator(request.language, request.translations);
      const label = tr
        .text('publicOpportunities.poster.qrLabel', { url })
        .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      // The QR code as inline SVG: it prints sharp at any size and needs no file.
      const svg = (
        await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      ).replace('<svg ', `<svg role="img" aria-label="${label}" focusable="false" `);
      return reply.page('participation/views/public/poster.njk', {
        opportunity: row,
        url,
        qrSvg: svg,
        // Easy read prints the easy-read version's points with their pictures, when staff wrote one.
        points: request.easyRead ? easyReadPoints(row.easyRead) : [],
      });
    },
  );

  app.get(
    '/opportunities/:id/sign-up',
    { ...PUBLIC_ROUTE, schema: { params: OpportunityParams } },
    async (request, reply) => {
      const { row, open } = await findPublic(request);
      if (!open) return closedPage(reply, row);
      // Easy read asks one question a page, starting with the name.
      if (request.easyRead)
        return renderEasySignUp(request, reply, row, 'name', { needs: [] }, null, null);
      return renderSignUp(reply, row, {}, null);
    },
  );

  app.post(
    '/opportunities/:id/sign-up',
    { ...PUBLIC_ROUTE, schema: { params: OpportunityParams, body: SignUpForm } },
    async (request, reply) => {
      const read = readSignUpForm(request.body);
      const outcome = await takeSignUp(request, read);
      const { row } = outcome;
      switch (outcome.kind) {
        case 'closed':
          return closedPage(reply, row);
        case 'invalid':
          return renderSignUp(reply.code(400), row, read.values, toErrors(request, read.problems));
        case 'limited': {
          const tr = translator(request.language, request.translations);
          return renderSignUp(reply.code(429), row, read.values, {
            errorList: [
              { text: tr.text('publicOpportunities.errors.tooMany'), href: '#firstName' },
            ],
            errors: {},
          });
        }
        default:
          return reply.redirect(outcome.done, 303);
      }
    },
  );

  // The easy-read sign-up: one question a page, its answers carried in each
  // page's form. A visit to its address (the display switch links there) goes
  // back to the start, in whichever display the visitor now has.
  app.get(
    '/opportunities/:id/sign-up/easy',
    { ...PUBLIC_ROUTE, schema: { params: OpportunityParams } },
    async (request, reply) => reply.redirect(`/opportunities/${idParam(request)}/sign-up`, 303),
  );

  app.post(
    '/opportunities/:id/sign-up/easy',
    { ...PUBLIC_ROUTE, schema: { params: OpportunityParams, body: EasySignUpForm } },
    async (request, reply) => {
      const body = request.body;
      const back = body.then === 'check' ? 'check' : null;
      // Back, or Change on the check page: that page, with the answers so far and no errors.
      if (isEasyStep(body.go)) {
        const { row, open } = await findPublic(request);
        if (!open) return closedPage(reply, row);
        const { values } = readEasySignUp(body, body.go);
        return renderEasySignUp(request, reply, row, body.go, values, null, back);
      }
      const at = isEasyStep(body.at) ? body.at : 'name';
      const { values, problems, firstProblemStep } = readEasySignUp(body, at);
      if (at !== 'check' || firstProblemStep) {
        const { row, open } = await findPublic(request);
        if (!open) return closedPage(reply, row);
        if (firstProblemStep)
          return renderEasySignUp(
            request,
            reply.code(400),
            row,
            firstProblemStep,
            values,
            toErrors(request, problems),
            back,
          );
        return renderEasySignUp(request, reply, row, back ?? nextEasyStep(at), values, null, null);
      }
      // Send: the standard form's checks, limits and records.
      const read = readSignUpForm(easySignUpBody(body));
      const outcome = await takeSignUp(request, read);
      const { row } = outcome;
      switch (outcome.kind) {
        case 'closed':
          return closedPage(reply, row);
        case 'invalid': {
          // Not reached from the pages themselves: they check as they go.
          const problems = read.problems.map(easyProblem);
          return renderEasySignUp(
            request,
            reply.code(400),
            row,
            easyStepOf(problems[0]!.field),
            read.values,
            toErrors(request, problems),
            null,
          );
        }
        case 'limited': {
          const tr = translator(request.language, request.translations);
          return renderEasySignUp(
            request,
            reply.code(429),
            row,
            'check',
            read.values,
            {
              errorList: [
                {
                  text: tr.text('publicOpportunities.easy.errors.tooMany'),
                  href: '#consentRegister',
                },
              ],
              errors: {},
            },
            null,
          );
        }
        default:
          return reply.redirect(outcome.done, 303);
      }
    },
  );

  app.get(
    '/opportunities/:id/sign-up/done',
    { ...PUBLIC_ROUTE, schema: { params: OpportunityParams, querystring: SignUpDoneQuery } },
    async (request, reply) => {
      const { row } = await findPublic(request);
      const by = request.query.by ?? '';
      return reply.page('participation/views/public/done.njk', {
        opportunity: row,
        channel: (CHANNELS as readonly string[]).includes(by) ? by : null,
        confirmEmail: request.query.confirm === '1',
      });
    },
  );

  // Confirming an email address given for news of other ways to get involved.
  // The link only shows a button: mail scanners open links, and opening one
  // must not give consent on the person's behalf.

  const linkHeaders = (reply: FastifyReply) =>
    reply
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-robots-tag', 'noindex');

  app.get(
    '/sign-up/confirm/:token',
    { ...PUBLIC_ROUTE, schema: { params: ConfirmParams, querystring: ConfirmQuery } },
    async (request, reply) => {
      const { token } = request.params;
      const found = await request.db((tx) => contactConfirmation(tx, token));
      linkHeaders(reply);
      if (!found) return reply.code(404).page('participation/views/public/confirm-unknown.njk');
      return reply.page('participation/views/public/confirm.njk', {
        token,
        firstName: found.firstName,
        confirmed: found.confirmed,
        justConfirmed: request.query.done === '1',
      });
    },
  );

  app.post(
    '/sign-up/confirm/:token',
    { ...PUBLIC_ROUTE, schema: { params: ConfirmParams } },
    async (request, reply) => {
      const { token } = request.params;
      const confirmed = await request.db((tx) => confirmContact(tx, actorOf(request), token));
      linkHeaders(reply);
      if (!confirmed) return reply.code(404).page('participation/views/public/confirm-unknown.njk');
      return reply.redirect(`/sign-up/confirm/${encodeURIComponent(token)}?done=1`, 303);
    },
  );
};
