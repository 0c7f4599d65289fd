import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { organisationIdColumn, tenantIsolation, tenantPrimaryKey } from '../db/tenant.ts';

/**
 * The durable job queue. Payloads carry ids, never personal data. Workers
 * claim a job with FOR UPDATE SKIP LOCKED, so any number of them can run.
 */
export const jobs = pgTable(
  'jobs',
  {
    organisationId: organisationIdColumn(),
    id: bigserial('id', { mode: 'number' }),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, string | number | boolean | null>>().notNull(),
    /** queued, running, done or failed */
    status: text('status').notNull().default('queued'),
    runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(5),
    lastError: text('last_error'),
    lockedAt: timestamp('locked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    tenantPrimaryKey('jobs', t),
    index('jobs_ready_idx').on(t.status, t.runAt),
    tenantIsolation('jobs'),
  ],
).enableRLS();

export type JobRow = typeof jobs.$inferSelect;
