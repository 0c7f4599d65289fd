import type { FastifyPluginAsync } from 'fastify';

/** The public pages: the organisation's home page and the pages every site needs. */
export const portalRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (_request, reply) => reply.page('portal/views/home.njk'));
  app.get('/accessibility', async (_request, reply) =>
    reply.page('portal/views/accessibility.njk'),
  );
  app.get('/privacy', async (_request, reply) => reply.page('portal/views/privacy.njk'));
  app.get('/cookies', async (_request, reply) => reply.page('portal/views/cookies.njk'));
};
