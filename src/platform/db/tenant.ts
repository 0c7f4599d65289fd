import { sql } from 'drizzle-orm';
import { pgPolicy, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../tenancy/tables.ts';

/**
 * The non-owner role every request queries as. Roles belong to the whole
 * cluster, so they are created at start-up (roles.ts), never in a migration.
 */
export const APP_ROLE = 'coproduce_app';

/** The organisation a transaction is scoped to, set by withOrganisation(). */
export const currentOrganisation = sql`app_organisation_id()`;

/** The organisation_id column every tenant-owned table starts with. */
export function organisationIdColumn() {
  return uuid('organisation_id')
    .notNull()
    .references(() => organisations.id, { onDelete: 'cascade' });
}

/**
 * The row-level security policy every tenant-owned table carries: rows are
 * seen and written only inside a transaction set to their organisation. With no
 * organisation set, app_organisation_id() is null and no row matches.
 */
export function tenantIsolation(table: string) {
  return pgPolicy(`${table}_tenant_isolation`, {
    as: 'permissive',
    for: 'all',
    to: 'public',
    using: sql`organisation_id = app_organisation_id()`,
    withCheck: sql`organisation_id = app_organisation_id()`,
  });
}
