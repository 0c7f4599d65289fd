import type { FastifyPluginAsync } from 'fastify';
import { equalityRoutes } from './equality.ts';
import { importRoutes } from './imports.ts';
import { peopleRoutes } from './people.ts';
import { rightsRoutes } from './rights.ts';
import { serviceRoutes } from './services.ts';
import { registerSettingsRoutes } from './settings.ts';

/** Every page of the register. The import pages take multipart in their own context. */
export const registerRoutes: FastifyPluginAsync = async (app) => {
  await app.register(serviceRoutes);
  await app.register(peopleRoutes);
  await app.register(rightsRoutes);
  await app.register(equalityRoutes);
  await app.register(registerSettingsRoutes);
  await app.register(importRoutes);
};
