import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'drizzle-orm';
import { PUBLIC_ROUTE, can, guard } from '../auth/index.ts';
import type { Database } from '../db/index.ts';
import type { ModuleManifest } from '../manifest.ts';
import { translator } from '../i18n/index.ts';
import { organisationName, readLogo, textColourOn } from '../tenancy/index.ts';

function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * What belongs to no single module: the staff home (built from the module
 * manifests), the organisation's logo and favicon, health checks, sign-in's
 * address.
 */
export function shellRoutes(
  database: Database,
  manifests: readonly ModuleManifest[],
): FastifyPluginAsync {
  const staffLinks = manifests
    .flatMap((m) => m.navigation ?? [])
    .filter((item) => item.side === 'staff' && item.href !== '/staff')
    .sort((a, b) => a.order - b.order);

  return async (app) => {
    app.get('/healthz', { logLevel: 'warn', config: { access: 'public' } }, async () => ({
      status: 'ok',
    }));
    app.get(
      '/readyz',
      { logLevel: 'warn', config: { access: 'public' } },
      async (_request, reply) => {
        try {
          await database.system.execute(sql`select 1`);
          return { status: 'ready' };
        } catch {
          return reply.code(503).send({ status: 'not ready' });
        }
      },
    );

    app.get('/staff', guard('staff-area:view'), async (request, reply) => {
      const tr = translator(request.language);
      const links = staffLinks
        .filter((item) => !item.action || can(request.user, item.action))
        .map((item) => ({ href: item.href, text: tr.text(item.labelKey) }));
      return reply.page('shell/views/staff-home.njk', { links });
    });

    app.get('/organisation/logo', PUBLIC_ROUTE, async (request, reply) => {
      const logo = await request.db((tx) => readLogo(tx, request.organisation.id));
      if (!logo) return reply.callNotFound();
      return reply
        .header('content-type', logo.contentType)
        .header('cache-control', 'public, max-age=300')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .send(logo.content);
    });

    // A favicon from the organisation's colour and initial, never the crown.
    app.get('/organisation/favicon.svg', PUBLIC_ROUTE, async (request, reply) => {
      const org = request.organisation;
      const initial = escapeXml(organisationName(org, 'en').trim().charAt(0).toUpperCase() || 'C');
      const svg =
        `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
        `<rect width="32" height="32" rx="6" fill="${org.brandColour}"/>` +
        `<text x="16" y="23" font-family="Arial, sans-serif" font-size="20" font-weight="700" text-anchor="middle" fill="${textColourOn(org.brandColour)}">${initial}</text></svg>`;
      return reply
        .header('content-type', 'image/svg+xml')
        .header('cache-control', 'public, max-age=300')
        .send(svg);
    });
    app.get('/favicon.ico', PUBLIC_ROUTE, async (_request, reply) =>
      reply.redirect('/organisation/favicon.svg', 301),
    );
  };
}
