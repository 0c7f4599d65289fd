import { extname } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can, guard } from '../auth/index.ts';
import { todayInLondon } from '../calendar/index.ts';
import { actorOf } from '../http/actor.ts';
import { AppError } from '../http/errors.ts';
import { UUID } from '../http/params.ts';
import { acceptUploads, type UploadBody, type UploadedFile } from '../http/uploads.ts';
import { forPage, translator, type Translator } from '../i18n/index.ts';
import { enqueue } from '../jobs/index.ts';
import type { ImportKind } from '../manifest.ts';
import {
  SpreadsheetError,
  csvStream,
  readSheet,
  type SpreadsheetErrorCode,
} from '../spreadsheets/index.ts';
import { formErrors } from '../views/forms.ts';
import { form, params, text, withShapes } from '../forms/schema.ts';
import { APPLY_JOB, CHECK_JOB } from './jobs.ts';
import { importGuideHtml } from './guide.ts';
import {
  applyStoredImport,
  cancelImport,
  checkImport,
  findImport,
  findImportKind,
  ignoredColumnsOf,
  importKinds,
  listImports,
  markImportFailed,
  moveImport,
  pruneAbandonedImports,
  recordUpload,
  saveCheck,
  storedSheet,
  templateRows,
  type StoredImport,
} from './pipeline.ts';

/**
 * The imports pages (docs/imports.md), for every kind the installed modules
 * declare: upload → check (nothing saved but the file) → import all, import
 * only the good rows, or cancel (the file and its row go). Small files are
 * checked and imported within the request; larger ones by background jobs.
 * The pages need imports:view (anyone who may import some kind); each kind
 * then needs its own action.
 */

/**
 * Where a file stops being handled within the request. Exported as an object
 * so that tests can lower the threshold and take the background path.
 */
export const IMPORT_LIMITS = {
  /** Files up to this size are checked and imported within the request. */
  inlineBytes: 512 * 1024,
  /** The largest file taken at all: this route's own limit (the app's is 64 KB). */
  maxBytes: 20 * 1024 * 1024,
};

const SHEET_ERRORS: Record<SpreadsheetErrorCode, string> = {
  'unsupported-type': 'imports.errors.fileType',
  damaged: 'imports.errors.fileDamaged',
  'no-header': 'imports.errors.fileNoHeader',
};

/** What is wrong with an uploaded file before it is read, if anything (an i18n key). */
function fileProblem(file: UploadedFile | undefined): string | null {
  if (!file || !file.filename) return 'imports.errors.fileMissing';
  if (file.truncated) return 'imports.errors.fileTooBig';
  if (file.buffer.length === 0) return 'imports.errors.fileEmpty';
  if (!['.csv', '.xlsx'].includes(extname(file.filename).toLowerCase()))
    return 'imports.errors.fileType';
  return null;
}

/** Reads the header alone: a file that is no spreadsheet is refused before anything is stored. */
async function headerProblem(file: UploadedFile): Promise<string | null> {
  try {
    const sheet = await readSheet(storedSheet(file.buffer, file.filename));
    await sheet.close();
    return null;
  } catch (error) {
    if (error instanceof SpreadsheetError) return SHEET_ERRORS[error.code];
    throw error;
  }
}

/** The import a route names, or a 404 for an id that is not one. */
function importId(request: { params: { id: string } }): string {
  const { id } = request.params;
  if (!UUID.test(id)) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
  return id;
}

/** The index page's banner after a cancel. */
const IndexQuery = form({ cancelled: text() });
/** An import's id in its address. */
const ImportParams = params('id');
/** Importing a checked file: yes to leave out the rows with problems. */
const ApplyForm = form({ skipInvalid: text() });

const number = (n: number | undefined) => (n ?? 0).toLocaleString('en-GB');

// One formatter per language, made once: making one costs about a millisecond.
const whenFormats = Object.fromEntries(
  (['en-GB', 'cy-GB'] as const).map((locale) => [
    locale,
    new Intl.DateTimeFormat(locale, {
      timeZone: 'Europe/London',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    }),
  ]),
) as Record<'en-GB' | 'cy-GB', Intl.DateTimeFormat>;

function formatWhen(date: Date | null, language: string): string {
  if (!date) return '';
  return whenFormats[language === 'cy' ? 'cy-GB' : 'en-GB'].format(date);
}

/** The counts of a finished import in one line: "Added 3, Updated 1 …", leaving out the noughts. */
function resultLine(
  tr: Translator,
  counts: Record<string, number> | null,
  kind: ImportKind | undefined,
): string {
  const label = (key: string) =>
    key === 'suppressed' ? tr.text(kind?.suppressedKey ?? '') : tr.text(`imports.done.${key}`);
  const parts = (['created', 'updated', 'unchanged', 'invalid', 'suppressed'] as const)
    .filter((key) => (counts?.[key] ?? 0) > 0)
    .map((key) => `${label(key)}: ${number(counts?.[key])}`);
  return parts.join('; ');
}

/** The kinds this member of staff may import, in module order. */
function kindsFor(request: FastifyRequest): ImportKind[] {
  return importKinds().filter((k) => can(request.user, k.action));
}

/** The kinds' names in a sentence: "people and services", or with "or". */
function kindList(tr: Translator, kinds: ImportKind[], type: 'conjunction' | 'disjunction') {
  return new Intl.ListFormat('en-GB', { type }).format(
    kinds.map((k) => tr.text(k.labelKey).toLowerCase()),
  );
}

/** Refuses a member of staff who may not import this kind (a 403, as the guard would). */
function requireKind(request: FastifyRequest, name: string): ImportKind {
  const kind = findImportKind(name);
  if (!kind || !can(request.user, kind.action))
    throw new AppError(403, 'FORBIDDEN', 'errors.forbidden');
  return kind;
}

/** The upload page: what an import does, the templates, the form, and the imports so far. */
async function showIndex(
  request: FastifyRequest,
  reply: FastifyReply,
  extra: Record<string, unknown> = {},
) {
  // Everything here goes into the page: English without Welsh is marked.
  const tr = forPage(translator(request.language, request.translations));
  const kinds = kindsFor(request);
  const { finished, waiting } = await request.db((tx) => listImports(tx));
  const who = (row: StoredImport) =>
    row.createdBy === null
      ? tr.text('imports.commandLine')
      : (row.createdByName ?? tr.text('imports.someoneElse'));
  const label = (kind: string) => {
    const found = findImportKind(kind);
    return found ? tr.text(found.labelKey) : kind;
  };
  return reply.page('imports/views/index.njk', {
    values: {},
    ...extra,
    title: tr.text('imports.title', { kinds: kindList(tr, kinds, 'conjunction') }),
    kinds: kinds.map((k) => ({
      kind: k.kind,
      label: tr.text(k.labelKey),
      template: tr.text('imports.template', { kind: tr.text(k.labelKey).toLowerCase() }),
    })),
    notes: kinds.flatMap((k) => (k.noteKey ? [k.noteKey] : [])),
    cancelled: extra.cancelled === true,
    finished: finished.map((row) => ({
      id: row.id,
      when: formatWhen(row.finishedAt, request.language),
      who: who(row),
      filename: row.filename,
      kind: label(row.kind),
      result: resultLine(tr, row.counts, findImportKind(row.kind)),
    })),
    waiting: waiting.map((row) => ({
      id: row.id,
      when: formatWhen(row.createdAt, request.language),
      who: who(row),
      filename: row.filename,
      kind: label(row.kind),
      status: row.status,
    })),
  });
}

/** The page of one import, whatever its state. */
async function showImport(request: FastifyRequest, reply: FastifyReply, id: string) {
  const tr = translator(request.language, request.translations);
  const found = await request.db(async (tx) => {
    const row = await findImport(tx, id);
    if (!row) return null;
    requireKind(request, row.kind);
    const ignored = row.status === 'checked' ? await ignoredColumnsOf(tx, id) : [];
    return { row, ignored };
  });
  if (!found) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
  const { row, ignored } = found;
  const kind = requireKind(request, row.kind);
  const counts = row.counts ?? {};
  const problems = row.problems ?? [];
  const good = (counts.created ?? 0) + (counts.updated ?? 0) + (counts.unchanged ?? 0);
  const refused = problems.some((p) => p.line === 1 && p.reason === 'missingColumn');
  return reply.page('imports/views/show.njk', {
    item: {
      id: row.id,
      kind: row.kind,
      filename: row.filename,
      status: row.status,
      skipInvalid: row.skipInvalid,
    },
    summary: Object.fromEntries(
      (['check', 'done'] as const).map((phase) => [
        phase,
        (['created', 'updated', 'unchanged', 'invalid', 'suppressed'] as const)
          .filter((key) => key !== 'suppressed' || kind.suppressedKey)
          .map((key) => ({
            key: {
              text: tr.text(key === 'suppressed' ? kind.suppressedKey! : `imports.${phase}.${key}`),
            },
            value: { text: number(counts[key]) },
          })),
      ]),
    ),
    afterImport: kind.afterImport
      ? { href: kind.afterImport.href, text: tr.text(kind.afterImport.labelKey) }
      : null,
    counts: Object.fromEntries(
      ['created', 'updated', 'unchanged', 'invalid', 'suppressed'].map((k) => [
        k,
        number(counts[k]),
      ]),
    ),
    ignored,
    problems,
    problemCount: row.problemCount,
    problemsLimited:
      row.problemCount > problems.length
        ? tr.text('imports.check.problemsLimited', {
            shown: number(problems.length),
            count: number(row.problemCount),
          })
        : null,
    refused,
    good,
    applyAllLabel: tr.text(kind.applyLabelKey, { count: good }),
    applyGoodLabel: tr.text('imports.apply.good', { count: good }),
    progress:
      row.status === 'uploaded' || row.status === 'checking'
        ? row.totalRows > 0
          ? tr.text('imports.progress.checked', {
              done: number(row.processedRows),
              total: number(row.totalRows),
            })
          : tr.text('imports.progress.unknown')
        : row.status === 'importing'
          ? tr.text('imports.progress.importing', { total: number(row.totalRows) })
          : null,
  });
}

export const importRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  // Multipart only in this context, with this page's own limits.
  await acceptUploads(app, { fileSize: IMPORT_LIMITS.maxBytes, fields: 10, fieldSize: 1024 });

  app.get(
    '/staff/imports',
    { ...guard('imports:view'), schema: { querystring: IndexQuery } },
    (request, reply) => showIndex(request, reply, { cancelled: request.query.cancelled === '1' }),
  );

  // The import guide (docs/imports.md), for whoever fills in a template.
  app.get('/staff/imports/guide', guard('imports:view'), async (_request, reply) =>
    reply.page('imports/views/guide.njk', { guide: importGuideHtml() }),
  );

  // One template a kind, from its declared columns; the kinds are installed before the routes.
  for (const kind of importKinds()) {
    app.get(
      `/staff/imports/template/${kind.kind}.csv`,
      guard(kind.action),
      async (_request, reply) => {
        const { header, example } = templateRows(kind);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="coproduce-${kind.kind}-template.csv"`,
          )
          .send(csvStream(header, [example]));
      },
    );
  }

  app.post('/staff/imports', guard('imports:view'), async (request, reply) => {
    const body = (request.body ?? {}) as UploadBody;
    const tr = translator(request.language, request.translations);
    const kinds = kindsFor(request);
    const kind = kinds.find((k) => k.kind === body.kind);
    const file = typeof body.file === 'object' ? body.file : undefined;
    let problem = fileProblem(file);
    if (!problem && file) problem = await headerProblem(file);
    const refuse = (fileKey: string | null) => {
      const errors = formErrors(tr, {
        kind: kind ? null : 'imports.errors.kindMissing',
        file: fileKey,
      });
      if (errors && !kind) {
        // The kinds are the installed ones, so the message names them.
        const message = tr.text('imports.errors.kindMissing', {
          kinds: kindList(tr, kinds, 'disjunction'),
        });
        errors.errorList = errors.errorList.map((e) =>
          e.href === '#kind' ? { ...e, text: message } : e,
        );
        errors.errors.kind = { ...errors.errors.kind!, text: message };
      }
      return showIndex(request, reply.code(400), { ...errors, values: { kind: kind?.kind } });
    };
    if (!kind || problem || !file) return refuse(problem);

    const actor = actorOf(request);
    const inline = file.buffer.length <= IMPORT_LIMITS.inlineBytes;
    let id: string;
    try {
      id = await request.db(async (tx) => {
        await pruneAbandonedImports(tx);
        const stored = await recordUpload(tx, {
          kind: kind.kind,
          filename: file.filename,
          file: file.buffer,
          createdBy: actor.userId,
          createdByName: request.user?.name ?? null,
        });
        if (inline) {
          const plan = await checkImport(tx, kind, storedSheet(file.buffer, file.filename), {
            organisationId: request.organisation.id,
            today: todayInLondon(),
          });
          await saveCheck(tx, stored, plan);
        } else {
          await enqueue(tx, CHECK_JOB, { importId: stored });
        }
        return stored;
      });
    } catch (error) {
      // The file could not be read after all: the transaction rolled back, nothing is kept.
      if (error instanceof SpreadsheetError) return refuse(SHEET_ERRORS[error.code]);
      throw error;
    }
    return reply.redirect(`/staff/imports/${id}`, 303);
  });

  app.get(
    '/staff/imports/:id',
    { ...guard('imports:view'), schema: { params: ImportParams } },
    async (request, reply) => showImport(request, reply, importId(request)),
  );

  app.post(
    '/staff/imports/:id/apply',
    { ...guard('imports:view'), schema: { params: ImportParams, body: ApplyForm } },
    async (request, reply) => {
      const id = importId(request);
      const skipInvalid = request.body.skipInvalid === 'yes';
      const actor = actorOf(request);
      const row = await request.db((tx) => findImport(tx, id));
      if (!row) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      requireKind(request, row.kind);
      if (row.status === 'checked') {
        if (row.bytes > IMPORT_LIMITS.inlineBytes) {
          await request.db(async (tx) => {
            if (await moveImport(tx, id, ['checked'], { status: 'importing', skipInvalid }))
              await enqueue(tx, APPLY_JOB, { importId: id, userId: actor.userId });
          });
        } else {
          try {
            await request.db((tx) =>
              applyStoredImport(tx, actor, id, {
                organisationId: request.organisation.id,
                today: todayInLondon(),
                from: ['checked'],
                skipInvalid,
              }),
            );
          } catch (error) {
            if (!(error instanceof SpreadsheetError)) throw error;
            await request.db((tx) => markImportFailed(tx, id));
          }
        }
      }
      // Imported, refused on the second look (its page shows why), or already under way.
      return reply.redirect(`/staff/imports/${id}`, 303);
    },
  );

  app.post(
    '/staff/imports/:id/cancel',
    { ...guard('imports:view'), schema: { params: ImportParams } },
    async (request, reply) => {
      const id = importId(request);
      const actor = actorOf(request);
      const row = await request.db((tx) => findImport(tx, id));
      if (!row) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      requireKind(request, row.kind);
      const removed = await request.db((tx) => cancelImport(tx, actor, id));
      if (!removed) return reply.redirect(`/staff/imports/${id}`, 303);
      return reply.redirect('/staff/imports?cancelled=1', 303);
    },
  );
};
