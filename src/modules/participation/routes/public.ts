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
  HONEYPOT_FIELD,
  atomFeed,
  confirmContact,
  contactConfirmation,
  parsePublicFilter,
  publicOpportunities,
  publicOpportunity,
  readSignUpForm,
  recordSignUp,
  signUpAllowed,
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
        rows: data.rows,
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
      return reply.page('participation/views/public/show.njk', { opportunity: row });
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
      });
    },
  );

  app.get(
    '/opportunities/:id/sign-up',
    { ...PUBLIC_ROUTE, schema: { params: OpportunityParams } },
    async (request, reply) => {
      const { row, open } = await findPublic(request);
      if (!open) return closedPage(reply, row);
      return renderSignUp(reply, row, {}, null);
    },
  );

  app.post(
    '/opportunities/:id/sign-up',
    { ...PUBLIC_ROUTE, schema: { params: OpportunityParams, body: SignUpForm } },
    async (request, reply) => {
      const id = idParam(request);
      const { values, form, problems, honeypot } = readSignUpForm(request.body);
      // One short transaction: the opportunity, the limits and the writes.
      const outcome = await request.db(async (tx) => {
        const found = await publicOpportunity(tx, id, todayInLondon());
        if (!found) return { kind: 'missing' as const };
        const { row, open } = found;
        if (!open) return { kind: 'closed' as const, row };
        // A program filled in the field people cannot see: it is told all went well, and nothing is kept.
        if (honeypot) return { kind: 'ignored' as const, row };
        if (problems.length > 0) return { kind: 'invalid' as const, row };
        if (!(await signUpAllowed(tx, row.id, request.ip)))
          return { kind: 'limited' as const, row };
        const done = await recordSignUp(tx, actorOf(request), row, form, {
          language: request.language,
          baseUrl: request.publicBaseUrl,
          organisation: organisationName(request.organisation, request.language),
        });
        return { kind: 'done' as const, row, confirmByEmail: done.confirmByEmail };
      });
      if (outcome.kind === 'missing') throw notFound();
      const { row } = outcome;
      const done = `/opportunities/${row.id}/sign-up/done`;
      switch (outcome.kind) {
        case 'closed':
          return closedPage(reply, row);
        case 'ignored':
          return reply.redirect(done, 303);
        case 'invalid':
          return renderSignUp(reply.code(400), row, values, toErrors(request, problems));
        case 'limited': {
          const tr = translator(request.language, request.translations);
          return renderSignUp(reply.code(429), row, values, {
            errorList: [
              { text: tr.text('publicOpportunities.errors.tooMany'), href: '#firstName' },
            ],
            errors: {},
          });
        }
        case 'done': {
          const confirm = outcome.confirmByEmail ? '&confirm=1' : '';
          return reply.redirect(`${done}?by=${form.channel}${confirm}`, 303);
        }
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
