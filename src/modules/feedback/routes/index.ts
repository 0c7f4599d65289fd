import type { FastifyPluginAsync } from 'fastify';
import { actionRoutes } from './actions.ts';
import { itemRoutes } from './items.ts';
import { publicationRoutes } from './publication.ts';
import { themeRoutes } from './themes.ts';

/** Every page of the feedback module. */
export const feedbackRoutes: FastifyPluginAsync = async (app) => {
  await app.register(themeRoutes);
  await app.register(itemRoutes);
  await app.register(actionRoutes);
  await app.register(publicationRoutes);
};
