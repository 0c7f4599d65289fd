import {
  boolean,
  date,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  organisationIdColumn,
  tenantIsolation,
  tenantPrimaryKey,
} from '../../platform/db/tenant.ts';

/**
 * Tenant perception survey responses collected outside Coproduce and
 * imported (`coproduce import tsm-responses`), one row a respondent a
 * financial year: matched on respondent_ref and year, so a file imported
 * again changes nothing. Responses to Coproduce's own `tsm-perception`
 * surveys stay in the surveys module and are read through its index.
 */
export const tsmResponses = pgTable(
  'tsm_responses',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** The source's own reference for the respondent (not a person on the register). */
    respondentRef: text('respondent_ref').notNull(),
    /** The financial year of collected_on (2025: April 2025 to March 2026). */
    year: integer('year').notNull(),
    /** LCRA or LCHO */
    tenure: text('tenure').notNull(),
    collectedOn: date('collected_on', { mode: 'string' }).notNull(),
    /** online, telephone, postal, face_to_face, kiosk */
    method: text('method').notNull(),
    /** The filter questions: null when not asked. */
    repair12m: boolean('repair_12m'),
    complaint12m: boolean('complaint_12m'),
    communalAreas: boolean('communal_areas'),
    /** TP01 … TP12 → answer code; a question left blank is absent. */
    answers: jsonb('answers').$type<Record<string, string>>().notNull().default({}),
    /** The response's weight when the results are weighted; null counts as 1. */
    weight: doublePrecision('weight'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('tsm_responses', t),
    uniqueIndex('tsm_responses_year_ref_idx').on(t.organisationId, t.year, t.respondentRef),
    tenantIsolation('tsm_responses'),
  ],
).enableRLS();

/**
 * The "summary of approach" a landlord publishes with its TP results, one a
 * financial year (uk-standards.md §1.4): the facts staff supply that the data
 * cannot (sample method, contractor, exclusions, incentives …) and the text
 * as edited and saved.
 */
export const tsmApproaches = pgTable(
  'tsm_approaches',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    year: integer('year').notNull(),
    sampleMethod: text('sample_method').notNull().default(''),
    representativeness: text('representativeness').notNull().default(''),
    weightingCharacteristics: text('weighting_characteristics').notNull().default(''),
    contractor: text('contractor').notNull().default(''),
    excludedHouseholds: integer('excluded_households'),
    exclusionReason: text('exclusion_reason').notNull().default(''),
    shortfallReason: text('shortfall_reason').notNull().default(''),
    incentives: text('incentives').notNull().default(''),
    otherIssues: text('other_issues').notNull().default(''),
    /** The summary as published: drafted from the data and these fields, then edited. */
    body: text('body').notNull().default(''),
    /** Whether staff have saved the text (otherwise the page offers a fresh draft). */
    saved: boolean('saved').notNull().default(false),
    updatedBy: text('updated_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('tsm_approaches', t),
    uniqueIndex('tsm_approaches_year_idx').on(t.organisationId, t.year),
    tenantIsolation('tsm_approaches'),
  ],
).enableRLS();
