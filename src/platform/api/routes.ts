import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { guard, type Action } from '../auth/index.ts';
import { form, list, params, text, withShapes } from '../forms/schema.ts';
import { actorOf } from '../http/actor.ts';
import { idParam, notFound } from '../http/params.ts';
import { translator } from '../i18n/index.ts';
import { formErrors } from '../views/forms.ts';
import { apiActions, createApiToken, listApiTokens, revokeApiToken } from './index.ts';

const TokenForm = form({ name: text(), actions: list() });
const TokenParams = params('id');
const RevokedQuery = form({ revoked: text() });

/** `/admin/api-tokens`: an administrator makes, reads and revokes the organisation's API tokens. */
export const apiTokenRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  const available = () => apiActions(plugin.routeCatalogue);

  const page = async (request: FastifyRequest, extra: Record<string, unknown>) => ({
    tokens: await request.db((tx) => listApiTokens(tx)),
    actions: available(),
    ...extra,
  });

  app.get(
    '/admin/api-tokens',
    { ...guard('api-tokens:manage'), schema: { querystring: RevokedQuery } },
    async (request, reply) =>
      reply.page(
        'api/views/tokens.njk',
        await page(request, { values: { actions: [] }, revoked: request.query.revoked === '1' }),
      ),
  );

  app.post(
    '/admin/api-tokens',
    { ...guard('api-tokens:manage'), schema: { body: TokenForm } },
    async (request, reply) => {
      const tr = translator(request.language, request.translations);
      const name = (request.body.name ?? '').trim();
      const chosen = request.body.actions ?? [];
      const actions = available().filter((a) => chosen.includes(a));
      const problems = {
        name: !name ? 'api.errors.nameMissing' : name.length > 100 ? 'api.errors.nameLong' : null,
        actions:
          actions.length === 0 || actions.length !== chosen.length
            ? 'api.errors.actionsMissing'
            : null,
      };
      const invalid = formErrors(tr, problems);
      if (invalid) {
        return reply
          .code(400)
          .page(
            'api/views/tokens.njk',
            await page(request, { ...invalid, values: { name, actions: chosen } }),
          );
      }
      const made = await request.db((tx) =>
        createApiToken(tx, actorOf(request), { name, actions: actions as Action[] }),
      );
      // Shown once, on this page only: it is not stored and cannot be shown again.
      reply.header('cache-control', 'no-store');
      return reply.page(
        'api/views/tokens.njk',
        await page(request, { made: { name, token: made.token }, values: { actions: [] } }),
      );
    },
  );

  app.post(
    '/admin/api-tokens/:id/revoke',
    { ...guard('api-tokens:manage'), schema: { params: TokenParams } },
    async (request, reply) => {
      const id = idParam(request);
      const revoked = await request.db((tx) => revokeApiToken(tx, actorOf(request), id));
      if (!revoked) throw notFound();
      return reply.redirect('/admin/api-tokens?revoked=1', 303);
    },
  );
};
