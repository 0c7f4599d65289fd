import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  jsonb,
  pgPolicy,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea } from '../db/types.ts';

/** Per-organisation settings that have no column of their own. */
/**
 * The organisation-wide settings the platform itself reads (the calendar's
 * nation, the plain-English check's acronyms). A module's own settings are
 * kept beside these under the module's name, read through the schema its
 * manifest declares (platform/tenancy/module-settings.ts).
 */
export interface OrganisationSettings {
  /** The organisation's own acronyms and what they stand for, for the plain-English check. */
  plainEnglishAcronyms?: Record<string, string>;
  /** Whose bank holidays count for working days and deadlines (platform/calendar; default England and Wales). */
  nation?: 'england-and-wales' | 'scotland' | 'northern-ireland';
}

/**
 * Organisations are the tenants. Row-level security lets a transaction see only
 * its own organisation's row; finding an organisation by host name or slug runs
 * on the system handle (docs/architecture.md names those paths).
 */
export const organisations = pgTable(
  'organisations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    /** Welsh name, where the organisation has one; English is used otherwise. */
    nameCy: text('name_cy'),
    /** Header colour, #rrggbb. Text on it is white or black, whichever contrasts. */
    brandColour: text('brand_colour').notNull().default('#00594f'),
    logo: bytea('logo'),
    logoContentType: text('logo_content_type'),
    welshEnabled: boolean('welsh_enabled').notNull().default(false),
    settings: jsonb('settings').$type<OrganisationSettings>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  () => [
    pgPolicy('organisations_tenant_isolation', {
      as: 'permissive',
      for: 'all',
      to: 'public',
      using: sql`id = app_organisation_id()`,
      withCheck: sql`id = app_organisation_id()`,
    }),
  ],
).enableRLS();

/** Host names that reach an organisation on a hosted service with many of them. */
export const organisationHosts = pgTable(
  'organisation_hosts',
  {
    host: text('host').primaryKey(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
  },
  (t) => [
    index('organisation_hosts_organisation_idx').on(t.organisationId),
    pgPolicy('organisation_hosts_tenant_isolation', {
      as: 'permissive',
      for: 'all',
      to: 'public',
      using: sql`organisation_id = app_organisation_id()`,
      withCheck: sql`organisation_id = app_organisation_id()`,
    }),
  ],
).enableRLS();

export type OrganisationRow = typeof organisations.$inferSelect;
