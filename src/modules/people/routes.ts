import type { FastifyPluginAsync } from 'fastify';
import { guard } from '../../platform/auth/index.ts';
import { countPeople, listServices } from './queries.ts';

/** Staff pages of the register. */
export const peopleRoutes: FastifyPluginAsync = async (app) => {
  app.get('/staff/services', guard('services:view'), async (request, reply) => {
    const { services, peopleTotal } = await request.db(async (tx) => ({
      services: await listServices(tx),
      peopleTotal: await countPeople(tx),
    }));
    return reply.page('people/views/services.njk', { services, peopleTotal });
  });
};
