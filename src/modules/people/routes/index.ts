import type { FastifyPluginAsync } from 'fastify';
import { equalityRoutes } from './equality.ts';
import { peopleRoutes } from './people.ts';
import { personSectionRoutes } from './person-sections.ts';
import { myRegisterRoutes } from './my.ts';
import { rightsRoutes } from './rights.ts';
import { serviceRoutes } from './services.ts';
import { registerSettingsRoutes } from './settings.ts';

/** Every page of the register. Its imports are kinds on the platform's imports pages. */
export const registerRoutes: FastifyPluginAsync = async (app) => {
  await app.register(serviceRoutes);
  await app.register(peopleRoutes);
  await app.register(personSectionRoutes);
  await app.register(rightsRoutes);
  await app.register(myRegisterRoutes);
  await app.register(equalityRoutes);
  await app.register(registerSettingsRoutes);
};
