import type { Actor } from '../audit/index.ts';
import { todayInLondon } from '../calendar/index.ts';
import { UUID } from '../http/params.ts';
import type { JobHandler } from '../jobs/index.ts';
import { SpreadsheetError } from '../spreadsheets/index.ts';
import {
  applyStoredImport,
  checkStoredImport,
  findImport,
  markImportFailed,
  moveImport,
} from './pipeline.ts';

/** The background jobs of large files, whatever their kind (declared in the platform's manifest). */
export const CHECK_JOB = 'imports.check';
export const APPLY_JOB = 'imports.apply';

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
 * (it reads the records before and after reading the rows), and PGlite has
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

/** The import jobs, by kind, for the platform's manifest. */
export const importJobs: Record<string, JobHandler> = {
  [CHECK_JOB]: checkJob,
  [APPLY_JOB]: applyJob,
};
