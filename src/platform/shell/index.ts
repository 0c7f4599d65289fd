import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'drizzle-orm';
import { PUBLIC_ROUTE, can, guard } from '../auth/index.ts';
import type { Database } from '../db/index.ts';
import {
  STAFF_AREAS,
  namedContributions,
  type ComingUpItem,
  type ModuleManifest,
  type StaffArea,
} from '../manifest.ts';
import { bracketingEnglish } from '../i18n/mark-english.ts';
import { translator } from '../i18n/index.ts';
import { todayInLondon, workDays } from '../calendar/index.ts';
import { staffAreas } from './navigation.ts';
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
  const navigation = manifests.flatMap((m) => m.navigation ?? []);

  return async (app) => {
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

    // The work waiting for someone, and what is coming up: one query for each
    // module's contribution that the reader may see, however many rows there are.
    app.get('/staff', guard('staff-area:view'), async (request, reply) => {
      // Everything here is shown on the page: English without Welsh is marked.
      const text = bracketingEnglish(translator(request.language, request.translations));
      const user = request.user!;
      const days = workDays(todayInLondon());
      const waiting = namedContributions('workWaiting').flatMap(([name, source]) => {
        const shown = Object.entries(source.counts).filter(([, c]) => can(user, c.action));
        return shown.length > 0 ? [{ name, source, shown }] : [];
      });
      const upcoming = namedContributions('comingUp').filter(([, source]) =>
        can(user, source.action),
      );
      const { counts, coming } = await request.db(async (tx) => {
        const counts: Array<{ key: string; count: number; href: string; text: string }> = [];
        for (const { name, source, shown } of waiting) {
          const read = await source.read(tx, days);
          for (const [key, c] of shown) {
            const count = read[key] ?? 0;
            counts.push({
              key: `${name}.${key}`,
              count,
              href: c.href,
              text: text(c.labelKey, { count }),
            });
          }
        }
        const coming: ComingUpItem[] = [];
        for (const [, source] of upcoming)
          coming.push(...(await source.read(tx, days, request.language)));
        coming.sort((a, b) => a.at.getTime() - b.at.getTime());
        return { counts, coming };
      });
      return reply.page('shell/views/staff-home.njk', {
        waiting: counts.filter((c) => c.count > 0),
        clear: counts.filter((c) => c.count === 0),
        coming,
        areas: staffAreas(navigation, user).map((entry) => ({
          href: entry.href,
          text: text(`nav.areas.${entry.area}`),
        })),
      });
    });

    // Each area of the staff navigation: its links, one click from the top row.
    app.get('/staff/areas/:area', guard('staff-area:view'), async (request, reply) => {
      const { area } = request.params as { area: string };
      const text = bracketingEnglish(translator(request.language, request.translations));
      const entry = (STAFF_AREAS as readonly string[]).includes(area)
        ? staffAreas(navigation, request.user).find((e) => e.area === (area as StaffArea))
        : undefined;
      if (!entry) return reply.callNotFound();
      return reply.page('shell/views/staff-area.njk', {
        title: text(`nav.areas.${entry.area}`),
        lead: text(`staffHome.areaLeads.${entry.area}`),
        links: entry.links.map((item) => ({ href: item.href, text: text(item.labelKey) })),
      });
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
