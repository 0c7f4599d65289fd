import type { FastifyPluginAsync } from 'fastify';
import { PUBLIC_ROUTE as PUBLIC } from '../../platform/auth/index.ts';

/** The public pages: the organisation's home page and the pages every site needs. */
export const portalRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', PUBLIC, async (_request, reply) => reply.page('portal/views/home.njk'));
  app.get('/accessibility', PUBLIC, async (_request, reply) =>
    reply.page('portal/views/accessibility.njk'),
  );
  app.get('/privacy', PUBLIC, async (_request, reply) => reply.page('portal/views/privacy.njk'));
  app.get('/cookies', PUBLIC, async (_request, reply) => reply.page('portal/views/cookies.njk'));
};
