import { index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { organisationIdColumn, tenantIsolation, tenantPrimaryKey } from '../db/tenant.ts';

/**
 * Named links between records of any modules (after Decidim's
 * link_resources): from a record, a name, to a record — "this feedback led to
 * this action", "this decision answers this feedback". Kinds and names are
 * declared in the modules' manifests. A record's links go when it is deleted
 * (a trigger on each linkable table, see links/index.ts) and follow a person
 * through a merge and an erasure.
 */
export const recordLinks = pgTable(
  'record_links',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    fromKind: text('from_kind').notNull(),
    fromId: uuid('from_id').notNull(),
    name: text('name').notNull(),
    toKind: text('to_kind').notNull(),
    toId: uuid('to_id').notNull(),
    /** The user who made the link; none for links made by the system or an import. */
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('record_links', t),
    unique('record_links_unique').on(
      t.organisationId,
      t.fromKind,
      t.fromId,
      t.name,
      t.toKind,
      t.toId,
    ),
    index('record_links_to_idx').on(t.organisationId, t.toKind, t.toId),
    tenantIsolation('record_links'),
  ],
).enableRLS();

export type RecordLinkRow = typeof recordLinks.$inferSelect;
