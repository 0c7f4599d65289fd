import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE } from '../../../platform/auth/index.ts';
import { form, text } from '../../../platform/forms/schema.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { notFound } from '../../../platform/http/params.ts';
import { whenText } from '../../participation/index.ts';
import { publicGroupPage, publicGroups } from '../public.ts';

const SlugParams = form({ slug: text() });
const SLUG = /^[a-z0-9-]{1,80}$/;

/** A published body of the organisation by its address, or 404 (unknown, unpublished, another's). */
async function loadPublic(request: FastifyRequest, slug = '') {
  if (!SLUG.test(slug)) throw notFound();
  const page = await request.db((tx) => publicGroupPage(tx, slug));
  if (!page) throw notFound();
  return {
    ...page,
    upcoming: page.upcoming.map((m) => ({ ...m, when: whenText(m, request.language) })),
  };
}

/**
 * The public side of panels and forums (issue 11 §5): the list of published
 * bodies, and each body's page, in plain English and in easy read. Nothing of
 * a person but the names of members who agreed to be named.
 */
export const publicRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  app.get('/groups', PUBLIC_ROUTE, async (request, reply) => {
    const groups = await request.db((tx) => publicGroups(tx));
    return reply.page('groups/views/public/list.njk', { groups });
  });

  app.get(
    '/groups/:slug',
    { ...PUBLIC_ROUTE, schema: { params: SlugParams } },
    async (request, reply) =>
      reply.page('groups/views/public/show.njk', await loadPublic(request, request.params.slug)),
  );

  app.get(
    '/groups/:slug/easy-read',
    { ...PUBLIC_ROUTE, schema: { params: SlugParams } },
    async (request, reply) =>
      reply.page(
        'groups/views/public/easy-read.njk',
        await loadPublic(request, request.params.slug),
      ),
  );
};
