import { sql } from 'drizzle-orm';
import { foreignKey, pgPolicy, primaryKey, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
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

/**
 * The primary key of a tenant table with an id: (id, organisation_id). It
 * makes (organisation_id, id) unique, which the foreign keys between tenant
 * tables reference, and holds the distribution column as Citus requires of
 * every primary key (docs/scaling.md). id comes first so that a lookup by id
 * alone (the job worker, the CLI) still uses the index, and serial ids add
 * to the index's right-hand edge.
 */
export function tenantPrimaryKey(
  table: string,
  t: { id: AnyPgColumn; organisationId: AnyPgColumn },
) {
  return primaryKey({ name: `${table}_pkey`, columns: [t.id, t.organisationId] });
}

/**
 * A foreign key from one tenant table to another that carries organisation_id
 * on both sides, so the database refuses a row pointing at another
 * organisation's row (a foreign key check ignores row-level security).
 *
 * 'set null' must clear only the reference, never organisation_id: drizzle
 * cannot say `ON DELETE SET NULL (x_id)` (PostgreSQL 15+), so the migration
 * that adds such a key is edited by hand to say it, and the catalogue test
 * (keys.test.ts) fails on any key that would clear organisation_id.
 */
export function tenantForeignKey(
  name: string,
  columns: [organisationId: AnyPgColumn, column: AnyPgColumn],
  target: [organisationId: AnyPgColumn, id: AnyPgColumn],
  onDelete: 'cascade' | 'set null',
) {
  return foreignKey({ name, columns, foreignColumns: target }).onDelete(onDelete);
}
