import type { FastifyPluginAsync } from 'fastify';
import { exportRoutes } from './export.ts';
import { publicRoutes } from './public.ts';
import { staffRoutes } from './staff.ts';
import { coauthorRoutes } from './coauthor.ts';

/** Every page of surveys: answering (public), building, analysing and exporting (staff), and co-authoring a draft (customers). */
export const surveyRoutes: FastifyPluginAsync = async (app) => {
  await app.register(publicRoutes);
  await app.register(staffRoutes);
  await app.register(coauthorRoutes);
  await app.register(exportRoutes);
};
