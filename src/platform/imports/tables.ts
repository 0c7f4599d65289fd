import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisationIdColumn, tenantIsolation, tenantPrimaryKey } from '../db/tenant.ts';
import { bytea } from '../db/types.ts';

/**
 * Imports: the file while it waits for checking or for the person's go-ahead
 * (then dropped), and the counts of a finished one. A refused or cancelled
 * import is deleted outright, so none of its rows stay behind.
 */
export const imports = pgTable(
  'imports',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** The import kind a module declares (contributes.imports), e.g. people or services. */
    kind: text('kind').notNull(),
    filename: text('filename').notNull(),
    file: bytea('file'),
    /** uploaded, checking, checked, importing, imported, failed */
    status: text('status').notNull(),
    skipInvalid: boolean('skip_invalid').notNull().default(false),
    totalRows: integer('total_rows').notNull().default(0),
    processedRows: integer('processed_rows').notNull().default(0),
    /** { created, updated, unchanged, skipped, suppressed } once checked or imported. */
    counts: jsonb('counts').$type<Record<string, number>>(),
    /** The first problems: line, column and reason, never a row's values. */
    problems: jsonb('problems').$type<Array<{ line: number; column: string; reason: string }>>(),
    problemCount: integer('problem_count').notNull().default(0),
    createdBy: uuid('created_by'),
    /** Who uploaded it, by name as it was then: the platform does not read the accounts' table. */
    createdByName: text('created_by_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [tenantPrimaryKey('imports', t), tenantIsolation('imports')],
).enableRLS();

export type ImportRow = typeof imports.$inferSelect;
