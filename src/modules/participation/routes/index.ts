import type { FastifyPluginAsync } from 'fastify';
import { activityRoutes } from './activities.ts';
import { opportunityRoutes } from './opportunities.ts';
import { myRoutes } from './my.ts';
import { publicRoutes } from './public.ts';
import { rewardRoutes } from './rewards.ts';

/** Every page of participation; upload routes take multipart in their own context. */
export const participationRoutes: FastifyPluginAsync = async (app) => {
  await app.register(publicRoutes);
  await app.register(opportunityRoutes);
  await app.register(activityRoutes);
  await app.register(rewardRoutes);
  await app.register(myRoutes);
};
