import {
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  organisationIdColumn,
  tenantIsolation,
  tenantPrimaryKey,
} from '../../platform/db/tenant.ts';
import { textArray } from '../../platform/db/types.ts';

/**
 * An organisation's own names and descriptions for the rungs of the ladder
 * (ladder.ts holds the seed's). Rungs can be renamed, never reordered: the
 * number is the rung.
 */
export const ladderRungs = pgTable(
  'ladder_rungs',
  {
    organisationId: organisationIdColumn(),
    rung: integer('rung').notNull(),
    name: text('name').notNull(),
    nameCy: text('name_cy'),
    description: text('description').notNull(),
    descriptionCy: text('description_cy'),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.rung] }), tenantIsolation('ladder_rungs')],
).enableRLS();

/**
 * The spine: every piece of involvement is an initiative on a rung of the
 * ladder, with a purpose statement that says what people can change.
 */
export const initiatives = pgTable(
  'initiatives',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    title: text('title').notNull(),
    /** Plain English: what it is, for the people it is for. */
    summary: text('summary').notNull().default(''),
    /** Code from the initiative_kind list. */
    kind: text('kind').notNull(),
    /** 0 Coercion … 7 Co-production. */
    rung: integer('rung').notNull(),
    rungEvidence: text('rung_evidence'),
    // The purpose statement (seed 003, "Clarity of purpose").
    canChange: text('can_change'),
    fixed: text('fixed'),
    decider: text('decider'),
    feedback: text('feedback'),
    // The audience.
    audienceServices: textArray('audience_services'),
    audienceSpecialisms: textArray('audience_specialisms'),
    audienceAreas: textArray('audience_areas'),
    audienceRoles: textArray('audience_roles'),
    ownerUserId: uuid('owner_user_id'),
    ownerName: text('owner_name'),
    startsOn: date('starts_on', { mode: 'string' }),
    endsOn: date('ends_on', { mode: 'string' }),
    /** draft, active (published), closed */
    status: text('status').notNull().default('draft'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('initiatives', t),
    index('initiatives_status_idx').on(t.organisationId, t.status),
    tenantIsolation('initiatives'),
  ],
).enableRLS();

export type InitiativeRow = typeof initiatives.$inferSelect;
