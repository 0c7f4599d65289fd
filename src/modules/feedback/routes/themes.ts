import type { FastifyPluginAsync } from 'fastify';
import { guard } from '../../../platform/auth/index.ts';
import { formErrors, type FieldProblem } from '../../../platform/forms/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import {
  translator,
  type Language,
  type TranslationOverrides,
} from '../../../platform/i18n/index.ts';
import { RetireBody, SavedQuery, ThemeFormBody } from '../schemas.ts';
import {
  addTheme,
  checkTheme,
  findTheme,
  listThemes,
  setThemeRetired,
  updateTheme,
  type ThemeForm,
} from '../themes.ts';

const formOf = (body: { name?: string; description?: string; keywords?: string }): ThemeForm => ({
  name: body.name ?? '',
  description: body.description ?? '',
  keywords: body.keywords ?? '',
});

/** Field problems as the GOV.UK macros take them, in the reader's language and the organisation's words. */
export function shown(
  reader: { language: Language; translations?: TranslationOverrides | undefined },
  problems: readonly FieldProblem[],
) {
  return (
    formErrors(translator(reader.language, reader.translations), problems) ?? {
      errorList: [],
      errors: {},
    }
  );
}

/** The theme list and its keyword rules (feedback:themes). */
export const themeRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  app.get(
    '/staff/feedback/themes',
    { ...guard('feedback:themes'), schema: { querystring: SavedQuery } },
    async (request, reply) => {
      const themes = await request.db((tx) => listThemes(tx, { includeRetired: true }));
      return reply.page('feedback/views/themes/list.njk', {
        themes,
        saved: request.query.saved ?? null,
      });
    },
  );

  app.get('/staff/feedback/themes/new', guard('feedback:themes'), async (_request, reply) =>
    reply.page('feedback/views/themes/form.njk', {
      values: { name: '', description: '', keywords: '' },
      themeId: null,
      errors: {},
    }),
  );

  app.post(
    '/staff/feedback/themes',
    { ...guard('feedback:themes'), schema: { body: ThemeFormBody } },
    async (request, reply) => {
      const values = formOf(request.body);
      const result = await request.db(async (tx) => {
        const problems = await checkTheme(tx, values, null);
        if (problems.length) return { ok: false as const, problems };
        await addTheme(tx, actorOf(request), values);
        return { ok: true as const };
      });
      if (!result.ok) {
        const { errorList, errors } = shown(request, result.problems);
        return reply
          .code(400)
          .page('feedback/views/themes/form.njk', { values, themeId: null, errorList, errors });
      }
      return reply.redirect('/staff/feedback/themes?saved=added', 303);
    },
  );

  app.get('/staff/feedback/themes/:id', guard('feedback:themes'), async (request, reply) => {
    const id = idParam(request);
    const theme = await request.db((tx) => findTheme(tx, id));
    if (!theme) throw notFound();
    return reply.page('feedback/views/themes/form.njk', {
      values: {
        name: theme.name,
        description: theme.description,
        keywords: theme.keywords.join('\n'),
      },
      theme,
      themeId: id,
      errors: {},
    });
  });

  app.post(
    '/staff/feedback/themes/:id',
    { ...guard('feedback:themes'), schema: { body: ThemeFormBody } },
    async (request, reply) => {
      const id = idParam(request);
      const values = formOf(request.body);
      const result = await request.db(async (tx) => {
        const theme = await findTheme(tx, id);
        if (!theme) return null;
        const problems = await checkTheme(tx, values, id);
        if (problems.length) return { ok: false as const, problems, theme };
        await updateTheme(tx, actorOf(request), id, values);
        return { ok: true as const };
      });
      if (!result) throw notFound();
      if (!result.ok) {
        const { errorList, errors } = shown(request, result.problems);
        return reply.code(400).page('feedback/views/themes/form.njk', {
          values,
          theme: result.theme,
          themeId: id,
          errorList,
          errors,
        });
      }
      return reply.redirect('/staff/feedback/themes?saved=updated', 303);
    },
  );

  app.post(
    '/staff/feedback/themes/:id/retire',
    { ...guard('feedback:themes'), schema: { body: RetireBody } },
    async (request, reply) => {
      const id = idParam(request);
      const retired = request.body.retired !== 'no';
      const done = await request.db((tx) => setThemeRetired(tx, actorOf(request), id, retired));
      if (!done) throw notFound();
      return reply.redirect(
        `/staff/feedback/themes?saved=${retired ? 'retired' : 'restored'}`,
        303,
      );
    },
  );
};
