import { extname } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../../platform/audit/index.ts';
import { guard } from '../../../platform/auth/index.ts';
import { UUID } from '../../../platform/http/params.ts';
import {
  acceptUploads,
  type UploadBody,
  type UploadedFile,
} from '../../../platform/http/uploads.ts';
import { todayInLondon } from '../../../platform/calendar/index.ts';
import { AppError } from '../../../platform/http/errors.ts';
import { translator, type Translator } from '../../../platform/i18n/index.ts';
import { enqueue, type JobHandler } from '../../../platform/jobs/index.ts';
import {
  SpreadsheetError,
  csvStream,
  readSheet,
  type SpreadsheetErrorCode,
} from '../../../platform/spreadsheets/index.ts';
import { formErrors } from '../../../platform/views/forms.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { listUsers } from '../../identity/index.ts';
import {
  applyStoredImport,
  cancelImport,
  checkImport,
  checkStoredImport,
  findImport,
  ignoredColumnsOf,
  listImports,
  markImportFailed,
  moveImport,
  pruneAbandonedImports,
  recordUpload,
  saveCheck,
  storedSheet,
  templateRows,
  type ImportKind,
  type StoredImport,
} from '../import.ts';

/**
 * Imports of people and services on the web (issue 4 §9, docs/imports.md):
 * upload → check (nothing saved but the file) → import all, import only the
 * good rows, or cancel (the file and its row go). Small files are checked and
 * imported within the request; larger ones by background jobs.
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

export const CHECK_JOB = 'people.import-check';
export const APPLY_JOB = 'people.import-apply';

const KINDS: ImportKind[] = ['people', 'services'];

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

function importId(request: FastifyRequest): string {
  const id = (request.params as { id?: string }).id ?? '';
  if (!UUID.test(id)) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
  return id;
}

const number = (n: number | undefined) => (n ?? 0).toLocaleString('en-GB');

function formatWhen(date: Date | null, language: string): string {
  if (!date) return '';
  return new Intl.DateTimeFormat(language === 'cy' ? 'cy-GB' : 'en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

/** The counts of a finished import in one line: "Added 3, Updated 1 …", leaving out the noughts. */
function resultLine(tr: Translator, counts: Record<string, number> | null): string {
  const parts = (['created', 'updated', 'unchanged', 'invalid', 'suppressed'] as const)
    .filter((key) => (counts?.[key] ?? 0) > 0)
    .map((key) => `${tr.text(`imports.done.${key}`)}: ${number(counts?.[key])}`);
  return parts.join('; ');
}

/** The upload page: what an import does, the templates, the form, and the imports so far. */
async function showIndex(
  request: FastifyRequest,
  reply: FastifyReply,
  extra: Record<string, unknown> = {},
) {
  const tr = translator(request.language);
  const { finished, waiting, names } = await request.db(async (tx) => {
    const lists = await listImports(tx);
    const ids = new Set([...lists.finished, ...lists.waiting].map((i) => i.createdBy));
    const users = ids.size > 0 ? await listUsers(tx) : [];
    return { ...lists, names: new Map(users.map((u) => [u.id, u.name])) };
  });
  const who = (row: StoredImport) =>
    row.createdBy === null
      ? tr.text('imports.commandLine')
      : (names.get(row.createdBy) ?? tr.text('imports.someoneElse'));
  return reply.page('people/views/imports/index.njk', {
    values: {},
    ...extra,
    cancelled: (request.query as Record<string, string>).cancelled === '1',
    finished: finished.map((row) => ({
      id: row.id,
      when: formatWhen(row.finishedAt, request.language),
      who: who(row),
      filename: row.filename,
      kind: row.kind,
      result: resultLine(tr, row.counts),
    })),
    waiting: waiting.map((row) => ({
      id: row.id,
      when: formatWhen(row.createdAt, request.language),
      who: who(row),
      filename: row.filename,
      kind: row.kind,
      status: row.status,
    })),
  });
}

/** The page of one import, whatever its state. */
async function showImport(request: FastifyRequest, reply: FastifyReply, id: string) {
  const tr = translator(request.language);
  const found = await request.db(async (tx) => {
    const row = await findImport(tx, id);
    if (!row) return null;
    const ignored = row.status === 'checked' ? await ignoredColumnsOf(tx, id) : [];
    return { row, ignored };
  });
  if (!found) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
  const { row, ignored } = found;
  const counts = row.counts ?? {};
  const problems = row.problems ?? [];
  const good = (counts.created ?? 0) + (counts.updated ?? 0) + (counts.unchanged ?? 0);
  const refused = problems.some((p) => p.line === 1 && p.reason === 'missingColumn');
  return reply.page('people/views/imports/show.njk', {
    item: {
      id: row.id,
      kind: row.kind,
      filename: row.filename,
      status: row.status,
      skipInvalid: row.skipInvalid,
    },
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
    applyAllLabel: tr.text(`imports.apply.${row.kind === 'services' ? 'services' : 'people'}`, {
      count: good,
    }),
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

/** Who a background job acts for: the member of staff who asked, by id. */
function jobActor(userId: unknown): Actor {
  return {
    userId: typeof userId === 'string' && UUID.test(userId) ? userId : null,
    label: 'background import',
    ip: null,
  };
}

/** Marks the import failed once the job has used its last attempt, so the page does not wait for ever. */
async function failOnLastAttempt(
  db: Parameters<JobHandler>[0]['db'],
  id: string,
  job: Parameters<JobHandler>[2],
): Promise<void> {
  if (job.attempts >= job.maxAttempts) await db((tx) => markImportFailed(tx, id));
}

/**
 * Checks a large file in the background. The check runs in ONE transaction
 * (it reads the register before and after reading the rows), and PGlite has
 * a single connection: a progress update in a second transaction between the
 * 5,000-row chunks would wait for the first for ever. So processed_rows is set
 * before (0) and after (all) the check; on PostgreSQL it is no different.
 */
const checkJob: JobHandler = async ({ db }, payload, job) => {
  const id = String(payload.importId);
  const started = await db((tx) =>
    moveImport(tx, id, ['uploaded', 'checking'], { status: 'checking', processedRows: 0 }),
  );
  if (!started) return; // cancelled meanwhile
  try {
    await db((tx) =>
      checkStoredImport(tx, id, { organisationId: job.organisationId, today: todayInLondon() }),
    );
  } catch (error) {
    if (error instanceof SpreadsheetError) {
      // A damaged file does not mend itself: no retry.
      await db((tx) => markImportFailed(tx, id));
      return;
    }
    await failOnLastAttempt(db, id, job);
    throw error;
  }
};

/**
 * Imports a large file in the background: checks it again and applies it in
 * one transaction (see checkJob on why progress is recorded only around it).
 */
const applyJob: JobHandler = async ({ db }, payload, job) => {
  const id = String(payload.importId);
  const started = await db((tx) =>
    moveImport(tx, id, ['importing'], { status: 'importing', processedRows: 0 }),
  );
  if (!started) return;
  const row = await db((tx) => findImport(tx, id));
  try {
    await db((tx) =>
      applyStoredImport(tx, jobActor(payload.userId), id, {
        organisationId: job.organisationId,
        today: todayInLondon(),
        from: ['importing'],
        skipInvalid: row?.skipInvalid ?? false,
      }),
    );
  } catch (error) {
    if (error instanceof SpreadsheetError) {
      await db((tx) => markImportFailed(tx, id));
      return;
    }
    await failOnLastAttempt(db, id, job);
    throw error;
  }
};

/** The import jobs, by kind, for the register's manifest. */
export const importJobs: Record<string, JobHandler> = {
  [CHECK_JOB]: checkJob,
  [APPLY_JOB]: applyJob,
};

export const importRoutes: FastifyPluginAsync = async (app) => {
  // Multipart only in this context, with this page's own limits.
  await acceptUploads(app, { fileSize: IMPORT_LIMITS.maxBytes, fields: 10, fieldSize: 1024 });

  app.get('/staff/imports', guard('people:import'), (request, reply) => showIndex(request, reply));

  for (const kind of KINDS) {
    app.get(
      `/staff/imports/template/${kind}.csv`,
      guard('people:import'),
      async (_request, reply) => {
        const { header, example } = templateRows(kind);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="coproduce-${kind}-template.csv"`)
          .send(csvStream(header, [example]));
      },
    );
  }

  app.post('/staff/imports', guard('people:import'), async (request, reply) => {
    const body = (request.body ?? {}) as UploadBody;
    const tr = translator(request.language);
    const kind = KINDS.find((k) => k === body.kind);
    const file = typeof body.file === 'object' ? body.file : undefined;
    let problem = fileProblem(file);
    if (!problem && file) problem = await headerProblem(file);
    const refuse = (fileKey: string | null) =>
      showIndex(request, reply.code(400), {
        ...formErrors(tr, { kind: kind ? null : 'imports.errors.kindMissing', file: fileKey }),
        values: { kind },
      });
    if (!kind || problem || !file) return refuse(problem);

    const actor = actorOf(request);
    const inline = file.buffer.length <= IMPORT_LIMITS.inlineBytes;
    let id: string;
    try {
      id = await request.db(async (tx) => {
        await pruneAbandonedImports(tx);
        const stored = await recordUpload(tx, {
          kind,
          filename: file.filename,
          file: file.buffer,
          createdBy: actor.userId,
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

  app.get('/staff/imports/:id', guard('people:import'), async (request, reply) =>
    showImport(request, reply, importId(request)),
  );

  app.post('/staff/imports/:id/apply', guard('people:import'), async (request, reply) => {
    const id = importId(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const skipInvalid = body.skipInvalid === 'yes';
    const actor = actorOf(request);
    const row = await request.db((tx) => findImport(tx, id));
    if (!row) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
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
  });

  app.post('/staff/imports/:id/cancel', guard('people:import'), async (request, reply) => {
    const id = importId(request);
    const actor = actorOf(request);
    const removed = await request.db((tx) => cancelImport(tx, actor, id));
    if (!removed) {
      const exists = await request.db((tx) => findImport(tx, id));
      if (!exists) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      return reply.redirect(`/staff/imports/${id}`, 303);
    }
    return reply.redirect('/staff/imports?cancelled=1', 303);
  });
};
