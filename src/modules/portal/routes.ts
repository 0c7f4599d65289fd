import type { FastifyPluginAsync } from 'fastify';
import { PUBLIC_ROUTE as PUBLIC, guard } from '../../platform/auth/index.ts';
import { bracketingEnglish, translator } from '../../platform/i18n/index.ts';
import { namedContributions, type SectionContent } from '../../platform/manifest.ts';

/**
 * The public pages (the organisation's home page and the pages every site
 * needs) and the customer's own page, `/my`, made of the sections other
 * modules contribute through their manifests (`contributes.portalSections`).
 */
export const portalRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', PUBLIC, async (_request, reply) => reply.page('portal/views/home.njk'));
  app.get('/accessibility', PUBLIC, async (_request, reply) =>
    reply.page('portal/views/accessibility.njk'),
  );
  app.get('/privacy', PUBLIC, async (_request, reply) => reply.page('portal/views/privacy.njk'));
  app.get('/cookies', PUBLIC, async (_request, reply) => reply.page('portal/views/cookies.njk'));

  app.get('/my', guard('account:use'), async (request, reply) => {
    const user = request.user!;
    // The sections are shown on the page: English without Welsh is marked.
    const text = bracketingEnglish(translator(request.language, request.translations));
    const sections = await request.db(async (tx) => {
      const shown: Array<SectionContent & { name: string }> = [];
      for (const [name, section] of namedContributions('portalSections')) {
        const content = await section(
          tx,
          { userId: user.id, personId: user.personId ?? null },
          text,
          request.language,
        );
        if (content) shown.push({ name, ...content });
      }
      return shown;
    });
    return reply.page('portal/views/my.njk', { sections });
  });
};
