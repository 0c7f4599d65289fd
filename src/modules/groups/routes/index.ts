import type { FastifyPluginAsync } from 'fastify';
import { staffRoutes } from './staff.ts';

/** Every page of groups. */
export const groupRoutes: FastifyPluginAsync = async (app) => {
  await app.register(staffRoutes);
};
