import type { FastifyPluginAsync } from 'fastify';
import { publicRoutes } from './public.ts';
import { staffRoutes } from './staff.ts';

/** Every page of surveys: answering (public), and building and analysing (staff). */
export const surveyRoutes: FastifyPluginAsync = async (app) => {
  await app.register(publicRoutes);
  await app.register(staffRoutes);
};
