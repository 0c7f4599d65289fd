import path from 'node:path';
import { createRequire } from 'node:module';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { BUILD_DIR, ROOT } from '../views/index.ts';

/**
 * Serves govuk-frontend's and MOJ Frontend's fonts, images and scripts from
 * node_modules, and our built stylesheet, with long-lived cache headers: every
 * URL the layout writes carries a version, so a new build means a new URL.
 */
export const assets = fp(
  async (app) => {
    const require = createRequire(import.meta.url);
    const govuk = path.join(
      path.dirname(require.resolve('govuk-frontend/package.json')),
      'dist/govuk',
    );
    const moj = path.join(
      path.dirname(require.resolve('@ministryofjustice/frontend/package.json')),
      'moj',
    );
    const cache = { maxAge: '365d', immutable: true, cacheControl: true } as const;
    const scripts = new Set(['govuk-frontend.min.js', 'moj-frontend.min.js', 'app.mjs']);

    await app.register(fastifyStatic, {
      root: [path.join(govuk, 'assets'), path.join(moj, 'assets')],
      prefix: '/assets/static/',
      ...cache,
    });
    await app.register(fastifyStatic, {
      root: BUILD_DIR,
      prefix: '/assets/build/',
      decorateReply: false,
      ...cache,
    });
    await app.register(fastifyStatic, {
      root: [govuk, moj, path.join(ROOT, 'src/platform/views/assets')],
      prefix: '/assets/js/',
      decorateReply: false,
      allowedPath: (pathname) => scripts.has(pathname.replace(/^\//, '')),
      ...cache,
    });
  },
  { name: 'assets' },
);
