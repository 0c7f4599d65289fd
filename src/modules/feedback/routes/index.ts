import type { FastifyPluginAsync } from 'fastify';
import { themeRoutes } from './themes.ts';

/** Every page of the feedback module. */
export const feedbackRoutes: FastifyPluginAsync = async (app) => {
  await app.register(themeRoutes);
};
