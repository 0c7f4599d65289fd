import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import compress from '@fastify/compress';
import { serverTimeouts, type Config } from './config.ts';
import type { Database } from './platform/db/index.ts';
import type { Action, CurrentUser } from './platform/auth/index.ts';
import { installModules, type ModuleManifest } from './platform/manifest.ts';
import { security } from './platform/http/security.ts';
import { assets } from './platform/http/assets.ts';
import { requestContext } from './platform/http/context.ts';
import { errorPages } from './platform/http/errors-plugin.ts';
import { views } from './platform/views/index.ts';
import { shellRoutes } from './platform/shell/index.ts';
import { loggerOptions } from './platform/http/logging.ts';
import { configureSignUpLimits } from './modules/participation/index.ts';
import { userFromSession } from './modules/identity/index.ts';
import { MODULES } from './modules.ts';
import { csrf } from './platform/http/csrf.ts';
import { configureMail } from './platform/mail/index.ts';

export interface RouteEntry {
  method: string;
  url: string;
  access: 'public' | Action | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeCatalogue: RouteEntry[];
  }
}

export { MODULES } from './modules.ts';

export interface AppOptions {
  config: Config;
  database: Database;
  /** Signs cookies; from SESSION_SECRET or the data folder (sessionSecretFor). */
  sessionSecret: string;
  /** Finds the signed-in user; the identity module supplies the real one. */
  resolveUser?: (request: FastifyRequest) => Promise<CurrentUser | null>;
  logger?: boolean;
  /** The modules to install: MODULES unless a test gives its own list. */
  modules?: readonly ModuleManifest[];
  /** Seconds an organisation found by host is remembered (5 unless set). */
  organisationCacheSeconds?: number;
}

/** Builds the application: ecosystem plugins, platform (with error pages), then modules. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const modules = options.modules ?? MODULES;
  installModules(modules);
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config),
    // Small by default; a route that takes uploads sets its own larger limit.
    bodyLimit: 64 * 1024,
    // Trust X-Forwarded-* only from the proxies named in TRUST_PROXY.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    genReqId: () => crypto.randomUUID(),
    // Header, body and idle timeouts: see serverTimeouts.
    ...serverTimeouts(config),
  });

  // Every route as it is registered, with who may use it (the route-access test walks these).
  const routeCatalogue: RouteEntry[] = [];
  app.decorate('routeCatalogue', routeCatalogue);
  app.decorate('dataDir', config.dataDir);
  app.addHook('onRoute', (route) => {
    for (const method of ([] as string[]).concat(route.method)) {
      if (method !== 'HEAD')
        routeCatalogue.push({ method, url: route.url, access: route.config?.access });
    }
  });

  // The health check, before every plugin: a load balancer asks it many
  // times a second, and it needs no headers, cookies, session, organisation
  // or page. A context registered first inherits none of the hooks the
  // plugins below add (issue 15: the plugins alone cost more than the bare
  // route's whole request).
  await app.register(async (health) => {
    health.get('/healthz', { logLevel: 'warn', config: { access: 'public' } }, async () => ({
      status: 'ok',
    }));
  });

  // Ecosystem plugins
  await app.register(security, { https: config.baseUrl.startsWith('https:') });
  await app.register(compress, { global: true, threshold: 1024 });
  await app.register(cookie, { secret: options.sessionSecret });
  await app.register(formbody, { bodyLimit: 64 * 1024 });

  // Platform
  await app.register(assets);
  configureMail({ smtpUrl: config.smtpUrl, from: config.mailFrom, baseUrl: config.baseUrl });
  configureSignUpLimits({
    perAddress: config.signUpLimitPerAddress,
    perOpportunityPerHour: config.signUpLimitPerOpportunity,
  });
  await app.register(requestContext, {
    database,
    defaultOrg: config.defaultOrg,
    baseUrl: config.baseUrl,
    resolveUser: options.resolveUser ?? userFromSession,
    ...(options.organisationCacheSeconds === undefined
      ? {}
      : { cacheSeconds: options.organisationCacheSeconds }),
  });
  await app.register(csrf, { secure: config.baseUrl.startsWith('https:') });
  await app.register(views, { manifests: modules, production: config.env === 'production' });
  // Error and 404 pages come before the modules: a Fastify context takes its
  // parent's error handler when it is registered, so set later it would miss them.
  await app.register(errorPages);
  await app.register(shellRoutes(database, modules));

  // Modules, each in its own encapsulated context
  for (const manifest of modules) {
    if (manifest.routes) await app.register(manifest.routes);
  }
  return app;
}
