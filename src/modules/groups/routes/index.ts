import type { FastifyPluginAsync } from 'fastify';
import { staffRoutes } from './staff.ts';
import { meetingRoutes } from './meetings.ts';
import { myRoutes } from './my.ts';
import { electionRoutes } from './elections.ts';

/** Every page of groups. */
export const groupRoutes: FastifyPluginAsync = async (app) => {
  await app.register(staffRoutes);
  await app.register(meetingRoutes);
  await app.register(myRoutes);
  await app.register(electionRoutes);
};
