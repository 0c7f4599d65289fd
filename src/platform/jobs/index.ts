import { EventEmitter } from 'node:events';
import { and, eq, sql, type SQLWrapper } from 'drizzle-orm';
import type { Database, Queryable, Tx, Write } from '../db/index.ts';
import { rowsOf } from '../db/index.ts';
import { jobs, type JobRow } from './tables.ts';
import { installedModules } from '../manifest.ts';

export { jobs } from './tables.ts';

/** Ids only: a job's payload never carries personal data. */
export type JobPayload = Record<string, string | number | boolean | null>;

/**
 * What runs a job. It opens its own short transactions, scoped to the job's
 * organisation, through `db`: slow work (sending mail) happens between them,
 * never inside one, since PGlite runs one transaction at a time.
 */
export type JobHandler = (
  context: { db: <T>(work: (tx: Tx) => Promise<T>) => Promise<T> },
  payload: JobPayload,
  job: JobRow,
) => Promise<void>;

/** Wakes an in-process worker as soon as a job is queued, instead of at its next poll. */
const wake = new EventEmitter();

/** What runs a kind of job: the installed module whose manifest declares it. */
function handlerFor(kind: string): JobHandler | undefined {
  for (const m of installedModules()) {
    const handler = m.jobs?.[kind];
    if (handler) return handler;
  }
  return undefined;
}

/**
 * Queues a job in the caller's transaction: it runs only if that transaction
 * commits, and a crash between the change and the job loses neither.
 */
export async function enqueue(
  tx: Queryable,
  kind: string,
  payload: JobPayload,
  options: { runAt?: Date; maxAttempts?: number } = {},
): Promise<number> {
  const [row] = await tx
    .insert(jobs)
    .values({
      organisationId: sql`app_organisation_id()`,
      kind,
      payload,
      runAt: options.runAt ?? sql`now()`,
      maxAttempts: options.maxAttempts ?? 5,
    })
    .returning({ id: jobs.id });
  setImmediate(() => wake.emit('job'));
  return row!.id;
}

/**
 * Queues a job in the same statement as another write: `with written as
 * (statement) insert into jobs …`, one round trip for both (queueMail writes
 * the outbox row and its delivery job so). The job's payload names what the
 * statement wrote, so make its ids beforehand (randomUUID).
 */
export async function enqueueWith(
  tx: Queryable,
  statement: SQLWrapper,
  kind: string,
  payload: JobPayload,
  options: { maxAttempts?: number } = {},
): Promise<void> {
  await tx.execute(sql`
    with written as (${statement.getSQL()})
    insert into jobs (organisation_id, kind, payload, run_at, max_attempts)
    values (app_organisation_id(), ${kind}, ${JSON.stringify(payload)}::jsonb, now(),
      ${options.maxAttempts ?? 5})`);
  setImmediate(() => wake.emit('job'));
}

/**
 * A job as one write to send with others in one statement (inOneStatement);
 * the worker is woken as enqueue does. Make the payload's ids beforehand.
 */
export function jobWrite(
  name: string,
  kind: string,
  payload: JobPayload,
  options: { maxAttempts?: number } = {},
): Write {
  setImmediate(() => wake.emit('job'));
  return {
    name,
    statement: sql`insert into jobs (organisation_id, kind, payload, run_at, max_attempts)
      values (app_organisation_id(), ${kind}, ${JSON.stringify(payload)}::jsonb, now(),
        ${options.maxAttempts ?? 5})`,
  };
}

/** Seconds before the next try: 10 s, 40 s, 90 s … capped at an hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 10 * attempts * attempts);
}

export interface WorkerOptions {
  /** How often to look for due jobs when nothing wakes it. */
  pollMs?: number;
  /** A running job not finished after this is taken to have died with its worker. */
  staleAfterSeconds?: number;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

/**
 * Runs queued jobs. It claims one at a time on the system handle (it serves
 * every organisation: one of the paths named in docs/architecture.md) with
 * FOR UPDATE SKIP LOCKED, then runs the handler in a transaction scoped to the
 * job's organisation. A failure is retried with back-off, then marked failed
 * with its error.
 */
export class Worker {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private readonly onWake = () => this.kick();

  constructor(
    private readonly database: Database,
    private readonly options: WorkerOptions = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    wake.on('job', this.onWake);
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    wake.off('job', this.onWake);
    if (this.timer) clearTimeout(this.timer);
    await this.busy;
  }

  private kick(): void {
    if (!this.running || this.busy) return;
    if (this.timer) clearTimeout(this.timer);
    this.busy = this.drain().finally(() => {
      this.busy = null;
      if (this.running) this.timer = setTimeout(() => this.kick(), this.options.pollMs ?? 1000);
    });
  }

  /** Runs due jobs while the worker runs, until none is left. */
  private async drain(): Promise<void> {
    while (this.running) {
      const job = await this.claim();
      if (!job) return;
      await this.run(job);
    }
  }

  /** Runs every due job once, for the CLI and tests. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const job = await this.claim();
      if (!job) return ran;
      await this.run(job);
      ran += 1;
    }
  }

  private async claim(): Promise<JobRow | null> {
    const stale = this.options.staleAfterSeconds ?? 600;
    const result = await this.database.system.execute(sql`
      update jobs set status = 'running', attempts = attempts + 1, locked_at = now()
      where id = (
        select id from jobs
        where (status = 'queued' and run_at <= now())
           or (status = 'running' and locked_at < now() - make_interval(secs => ${stale}))
        order by run_at, id
        for update skip locked
        limit 1
      )
      returning id`);
    const id = rowsOf<{ id: number }>(result)[0]?.id;
    if (id === undefined) return null;
    const [job] = await this.database.system
      .select()
      .from(jobs)
      .where(eq(jobs.id, Number(id)));
    return job ?? null;
  }

  private async run(job: JobRow): Promise<void> {
    const handler = handlerFor(job.kind);
    try {
      if (!handler) throw new Error(`No handler for jobs of kind ${job.kind}`);
      const db = <T>(work: (tx: Tx) => Promise<T>) =>
        this.database.withOrganisation(job.organisationId, work);
      await handler({ db }, job.payload, job);
      await this.database.system
        .update(jobs)
        .set({ status: 'done', finishedAt: sql`now()`, lockedAt: null, lastError: null })
        .where(and(eq(jobs.id, job.id), eq(jobs.status, 'running')));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = job.attempts >= job.maxAttempts;
      await this.database.system
        .update(jobs)
        .set({
          status: final ? 'failed' : 'queued',
          lastError: message.slice(0, 2000),
          lockedAt: null,
          finishedAt: final ? sql`now()` : null,
          runAt: final
            ? sql`run_at`
            : sql`now() + make_interval(secs => ${backoffSeconds(job.attempts)})`,
        })
        .where(eq(jobs.id, job.id));
      this.options.log?.(final ? 'job failed' : 'job will be retried', {
        jobId: job.id,
        kind: job.kind,
        attempts: job.attempts,
      });
    }
  }
}
