import type { FastifyPluginAsync } from 'fastify';
import { staffRoutes } from './staff.ts';
import { meetingRoutes } from './meetings.ts';
import { myRoutes } from './my.ts';
import { electionRoutes } from './elections.ts';
import { publicRoutes } from './public.ts';
import { reportRoutes } from './report.ts';
import { drawRoutes } from './draws.ts';
import { interviewRoutes } from './interviews.ts';

/** Every page of groups. */
export const groupRoutes: FastifyPluginAsync = async (app) => {
  await app.register(staffRoutes);
  await app.register(meetingRoutes);
  await app.register(myRoutes);
  await app.register(electionRoutes);
  await app.register(publicRoutes);
  await app.register(reportRoutes);
  await app.register(drawRoutes);
  await app.register(interviewRoutes);
};
