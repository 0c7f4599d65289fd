import { index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { organisationIdColumn, tenantIsolation, tenantPrimaryKey } from '../db/tenant.ts';

/**
 * An organisation's own translation of an interface string (issue 10 §2):
 * its translators' Welsh for a catalogue key, shown before the shipped
 * catalogue's. Written only through platform/i18n/overrides.ts (the
 * translations module's page, import and CLI call it), read by the request's
 * translator. `updated_by` is the actor's label (a user, or "cli").
 */
export const translationOverrides = pgTable(
  'translation_overrides',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    language: text('language').notNull(),
    key: text('key').notNull(),
    text: text('text').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('translation_overrides', t),
    unique('translation_overrides_key').on(t.organisationId, t.language, t.key),
    index('translation_overrides_version_idx').on(t.organisationId, t.language, t.updatedAt),
    tenantIsolation('translation_overrides'),
  ],
).enableRLS();

export type TranslationOverrideRow = typeof translationOverrides.$inferSelect;
