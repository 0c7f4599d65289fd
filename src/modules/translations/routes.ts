import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { guard } from '../../platform/auth/index.ts';
import { translator } from '../../platform/i18n/index.ts';
import { forgetOverrides } from '../../platform/i18n/overrides.ts';
import { saveOverrides } from '../../platform/i18n/overrides.ts';
import { formErrors, type FieldProblem } from '../../platform/forms/index.ts';
import { withShapes } from '../../platform/forms/schema.ts';
import { acceptUploads } from '../../platform/http/uploads.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { AppError } from '../../platform/http/errors.ts';
import { coverageByPage, currentText, interfaceStrings } from './catalogue.ts';
import { checkEntries, type ReadProblem } from './files.ts';
import { exportFile, importFile, overridesIn } from './service.ts';
import { EditForm, EditQuery, ExportParams, ImportForm, TranslationsQuery } from './schemas.ts';

/** The language the organisation's translators work on (English is the source). */
const LANGUAGE = 'cy' as const;
/** The largest file the page takes: every string with its references is about 1.5 MB. */
const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
const SEARCH_LIMIT = 50;

function problemFields(problems: readonly ReadProblem[]): FieldProblem[] {
  return problems.map((p) => ({
    field: `line-${p.line}-${p.problem}`,
    href: 'file',
    key: `translations.import.problems.${p.problem}`,
    vars: { line: p.line, key: p.key, placeholders: p.detail ?? '' },
  }));
}

/** The coverage table, the search and its results, the download and upload forms. */
async function showPage(
  request: FastifyRequest,
  reply: FastifyReply,
  extra: Record<string, unknown> = {},
) {
  const query = (request.query ?? {}) as { q?: string; saved?: string; imported?: string };
  const q = (query.q ?? '').trim().slice(0, 200);
  const overrides = await request.db((tx) => overridesIn(tx, request.organisation.id, LANGUAGE));
  const pages = coverageByPage(LANGUAGE, overrides);
  const totals = pages.reduce(
    (sum, p) => ({ translated: sum.translated + p.translated, total: sum.total + p.total }),
    { translated: 0, total: 0 },
  );
  let results: Array<{ key: string; english: string; welsh: string; own: boolean }> | null = null;
  let more = false;
  if (q) {
    const needle = q.toLowerCase();
    const found = interfaceStrings(LANGUAGE).list.filter(
      (s) => s.key.toLowerCase().includes(needle) || s.english.toLowerCase().includes(needle),
    );
    more = found.length > SEARCH_LIMIT;
    results = found.slice(0, SEARCH_LIMIT).map((s) => ({
      key: s.key,
      english: s.english,
      welsh: currentText(LANGUAGE, s.key, overrides),
      own: overrides?.texts.has(s.key) ?? false,
    }));
  }
  return reply.page('translations/views/index.njk', {
    pages,
    totals,
    q,
    results,
    more,
    searchLimit: SEARCH_LIMIT,
    saved: query.saved === '1',
    imported: query.imported ? Number(query.imported) : null,
    errors: {},
    errorList: [],
    ...extra,
  });
}

/** Downloading and editing (url-encoded forms). */
const pageRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  app.get(
    '/admin/translations',
    { ...guard('translations:manage'), schema: { querystring: TranslationsQuery } },
    async (request, reply) => showPage(request, reply),
  );

  app.get(
    '/admin/translations/export/:format',
    { ...guard('translations:manage'), schema: { params: ExportParams } },
    async (request, reply) => {
      const format = request.params.format;
      if (format !== 'po' && format !== 'csv')
        throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      const body = await request.db((tx) => exportFile(tx, request.organisation, LANGUAGE, format));
      const name = `${request.organisation.slug}-${LANGUAGE}.${format}`;
      return reply
        .header(
          'content-type',
          format === 'po' ? 'text/x-gettext-translation; charset=utf-8' : 'text/csv; charset=utf-8',
        )
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(body);
    },
  );

  app.get(
    '/admin/translations/edit',
    { ...guard('translations:manage'), schema: { querystring: EditQuery } },
    async (request, reply) => {
      const string = interfaceStrings(LANGUAGE).byKey.get(request.query.key ?? '');
      if (!string) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      const overrides = await request.db((tx) =>
        overridesIn(tx, request.organisation.id, LANGUAGE),
      );
      return reply.page('translations/views/edit.njk', {
        string,
        welsh: currentText(LANGUAGE, string.key, overrides),
        own: overrides?.texts.has(string.key) ?? false,
        errors: {},
        errorList: [],
      });
    },
  );

  app.post(
    '/admin/translations/edit',
    { ...guard('translations:manage'), schema: { body: EditForm } },
    async (request, reply) => {
      const string = interfaceStrings(LANGUAGE).byKey.get(request.body.key ?? '');
      if (!string) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      const raw = (request.body.welsh ?? '').slice(0, 10_000);
      const welsh = raw.trim() === '' ? '' : raw.trim();
      const { problems } = checkEntries(
        { entries: [{ line: 1, key: string.key, text: welsh }], problems: [], fuzzy: 0 },
        interfaceStrings(LANGUAGE).byKey,
      );
      if (problems.length > 0) {
        const invalid = formErrors(
          translator(request.language, request.translations),
          problems.map((p) => ({
            field: 'welsh',
            key: `translations.edit.problems.${p.problem}`,
            vars: { placeholders: p.detail ?? '' },
          })),
        );
        return reply.code(400).page('translations/views/edit.njk', {
          ...invalid,
          string,
          welsh: raw,
          own: false,
        });
      }
      await request.db((tx) =>
        saveOverrides(tx, actorOf(request), LANGUAGE, [{ key: string.key, text: welsh }], 'page'),
      );
      forgetOverrides(request.organisation.id, LANGUAGE);
      return reply.redirect(`/admin/translations?saved=1&q=${encodeURIComponent(string.key)}`, 303);
    },
  );
};

/** Uploading a file (multipart, only in this context, with its own limit). */
const importRoutes: FastifyPluginAsync = async (plugin) => {
  await acceptUploads(plugin, { fileSize: IMPORT_MAX_BYTES, fields: 5, fieldSize: 1024 });
  const app = withShapes(plugin);
  app.post(
    '/admin/translations/import',
    { ...guard('translations:manage'), schema: { body: ImportForm } },
    async (request, reply) => {
      const file = request.body.file;
      const tr = translator(request.language, request.translations);
      const refuse = (problems: FieldProblem[]) =>
        showPage(request, reply.code(400), { ...formErrors(tr, problems) });
      if (!file || !file.filename || file.buffer.length === 0)
        return refuse([{ field: 'file', key: 'translations.import.problems.noFile' }]);
      if (file.truncated)
        return refuse([{ field: 'file', key: 'translations.import.problems.tooBig' }]);
      const outcome = await request.db((tx) =>
        importFile(
          tx,
          actorOf(request),
          request.organisation.id,
          LANGUAGE,
          file.buffer.toString('utf8'),
          'import',
        ),
      );
      forgetOverrides(request.organisation.id, LANGUAGE);
      if (!outcome.ok) return refuse(problemFields(outcome.problems));
      const changed = outcome.changed.added + outcome.changed.changed;
      return reply.redirect(`/admin/translations?imported=${changed}`, 303);
    },
  );
};

/** The organisation's translation workflow: coverage, search, edit, download and upload. */
export const translationsRoutes: FastifyPluginAsync = async (app) => {
  await app.register(pageRoutes);
  await app.register(importRoutes);
};
