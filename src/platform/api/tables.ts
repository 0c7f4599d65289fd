import { pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { organisationIdColumn, tenantIsolation, tenantPrimaryKey } from '../db/tenant.ts';

/**
 * API tokens (`/api/v1`): made by an administrator for one organisation and a
 * set of actions, for a housing or care management system to read figures
 * and send records. Only the token's SHA-256 is kept; the token itself is
 * shown once, when it is made.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** What it is for, e.g. "Housing management system". */
    name: text('name').notNull(),
    /** SHA-256 of the token, hex: what a request's token is matched on. */
    tokenHash: text('token_hash').notNull(),
    /** The token's first characters, so people can tell their tokens apart. */
    prefix: text('prefix').notNull(),
    /** The actions the token may take, e.g. {kpis:read}. */
    actions: text('actions').array().notNull(),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    tenantPrimaryKey('api_tokens', t),
    unique('api_tokens_token_hash_unique').on(t.organisationId, t.tokenHash),
    tenantIsolation('api_tokens'),
  ],
).enableRLS();

export type ApiTokenRow = typeof apiTokens.$inferSelect;
