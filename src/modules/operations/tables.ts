import {
  boolean,
  date,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  organisationIdColumn,
  tenantForeignKey,
  tenantIsolation,
  tenantPrimaryKey,
} from '../../platform/db/tenant.ts';
import { textArray } from '../../platform/db/types.ts';
// Foreign keys are the one place a module names another's tables: the
// database enforces them, and drizzle-kit loads the schema without the app.
import { people, services } from '../people/tables.ts';

/**
 * The organisation's own operational records that involvement KPIs and the
 * Tenant Satisfaction management measures are measured on (issue 14 §1).
 * Each kind is matched on the source system's own reference (complaints on
 * the reference and the stage), so imports are idempotent. A record keeps its
 * row when its service or person goes: the key clears only the reference
 * (`ON DELETE SET NULL (service_id)`, edited by hand in the migration).
 */

const timestamps = () => ({
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A staff recruitment, and which items of the organisation's involvement menu it used. */
export const recruitments = pgTable(
  'recruitments',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    reference: text('reference').notNull(),
    title: text('title').notNull(),
    serviceId: uuid('service_id'),
    openedOn: date('opened_on', { mode: 'string' }).notNull(),
    closedOn: date('closed_on', { mode: 'string' }),
    /** Codes of the involvement menu (module setting), empty for none. */
    involvement: textArray('involvement'),
    ...timestamps(),
  },
  (t) => [
    tenantPrimaryKey('recruitments', t),
    tenantForeignKey(
      'recruitments_service_id_services_id_fk',
      [t.organisationId, t.serviceId],
      [services.organisationId, services.id],
      'set null',
    ),
    uniqueIndex('recruitments_reference_idx').on(t.organisationId, t.reference),
    index('recruitments_closed_idx').on(t.organisationId, t.closedOn),
    tenantIsolation('recruitments'),
  ],
).enableRLS();

/** A quality audit of a service, with the customer quality checkers on the team. */
export const qualityAudits = pgTable(
  'quality_audits',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    reference: text('reference').notNull(),
    serviceId: uuid('service_id'),
    /** standard, thematic, implementation, follow_up, regulatory, retender */
    auditType: text('audit_type').notNull(),
    completedOn: date('completed_on', { mode: 'string' }).notNull(),
    /** outstanding, good, requires_improvement, inadequate; null when not rated */
    rating: text('rating'),
    customerQualityCheckers: integer('customer_quality_checkers').notNull().default(0),
    /** What the service does well, one point a line: the poster lists them. */
    strengths: text('strengths').notNull().default(''),
    ...timestamps(),
  },
  (t) => [
    tenantPrimaryKey('quality_audits', t),
    tenantForeignKey(
      'quality_audits_service_id_services_id_fk',
      [t.organisationId, t.serviceId],
      [services.organisationId, services.id],
      'set null',
    ),
    uniqueIndex('quality_audits_reference_idx').on(t.organisationId, t.reference),
    index('quality_audits_completed_idx').on(t.organisationId, t.completedOn),
    tenantIsolation('quality_audits'),
  ],
).enableRLS();

/** One stage (1, 2 or a panel stage 3) of a complaint. */
export const complaintStages = pgTable(
  'complaint_stages',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** The complaint's reference: the same on each of its stages. */
    reference: text('reference').notNull(),
    stage: smallint('stage').notNull(),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    acknowledgedOn: date('acknowledged_on', { mode: 'string' }),
    respondedOn: date('responded_on', { mode: 'string' }),
    extendedTo: date('extended_to', { mode: 'string' }),
    feedbackOfferedOn: date('feedback_offered_on', { mode: 'string' }),
    /** Customer representatives on a stage-3 panel. */
    panelCustomerReps: integer('panel_customer_reps'),
    serviceId: uuid('service_id'),
    /** The complainant on the register, when known: a triggered survey can reach them. */
    personId: uuid('person_id'),
    ...timestamps(),
  },
  (t) => [
    tenantPrimaryKey('complaint_stages', t),
    tenantForeignKey(
      'complaint_stages_service_id_services_id_fk',
      [t.organisationId, t.serviceId],
      [services.organisationId, services.id],
      'set null',
    ),
    tenantForeignKey(
      'complaint_stages_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'set null',
    ),
    uniqueIndex('complaint_stages_reference_idx').on(t.organisationId, t.reference, t.stage),
    index('complaint_stages_received_idx').on(t.organisationId, t.stage, t.receivedOn),
    index('complaint_stages_responded_idx').on(t.organisationId, t.stage, t.respondedOn),
    index('complaint_stages_person_idx').on(t.personId),
    tenantIsolation('complaint_stages'),
  ],
).enableRLS();

/** A responsive repair. */
export const repairs = pgTable(
  'repairs',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    reference: text('reference').notNull(),
    serviceId: uuid('service_id'),
    /** emergency, non_emergency */
    priority: text('priority').notNull(),
    reportedOn: date('reported_on', { mode: 'string' }).notNull(),
    /** The landlord's own target for this repair (RP02 counts completions by it). */
    targetOn: date('target_on', { mode: 'string' }).notNull(),
    completedOn: date('completed_on', { mode: 'string' }),
    feedbackRequestedOn: date('feedback_requested_on', { mode: 'string' }),
    /** The tenant on the register, when known. */
    personId: uuid('person_id'),
    ...timestamps(),
  },
  (t) => [
    tenantPrimaryKey('repairs', t),
    tenantForeignKey(
      'repairs_service_id_services_id_fk',
      [t.organisationId, t.serviceId],
      [services.organisationId, services.id],
      'set null',
    ),
    tenantForeignKey(
      'repairs_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'set null',
    ),
    uniqueIndex('repairs_reference_idx').on(t.organisationId, t.reference),
    // The KPIs count repairs completed in a period, with feedback asked or not, by service:
    // every column they read is in this index, so the counts are index-only scans.
    index('repairs_completed_idx').on(
      t.organisationId,
      t.completedOn,
      t.serviceId,
      t.feedbackRequestedOn,
    ),
    index('repairs_person_idx').on(t.personId),
    tenantIsolation('repairs'),
  ],
).enableRLS();

/** A contractual obligation for volunteer (peer support) placements over a period. */
export const volunteerObligations = pgTable(
  'volunteer_obligations',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    reference: text('reference').notNull(),
    serviceId: uuid('service_id'),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    required: integer('required').notNull(),
    delivered: integer('delivered').notNull(),
    ...timestamps(),
  },
  (t) => [
    tenantPrimaryKey('volunteer_obligations', t),
    tenantForeignKey(
      'volunteer_obligations_service_id_services_id_fk',
      [t.organisationId, t.serviceId],
      [services.organisationId, services.id],
      'set null',
    ),
    uniqueIndex('volunteer_obligations_reference_idx').on(t.organisationId, t.reference),
    index('volunteer_obligations_end_idx').on(t.organisationId, t.periodEnd),
    tenantIsolation('volunteer_obligations'),
  ],
).enableRLS();

/** An anti-social behaviour case opened (NM01). */
export const asbCases = pgTable(
  'asb_cases',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    reference: text('reference').notNull(),
    openedOn: date('opened_on', { mode: 'string' }).notNull(),
    hateIncident: boolean('hate_incident').notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    tenantPrimaryKey('asb_cases', t),
    uniqueIndex('asb_cases_reference_idx').on(t.organisationId, t.reference),
    index('asb_cases_opened_idx').on(t.organisationId, t.openedOn),
    tenantIsolation('asb_cases'),
  ],
).enableRLS();

/** Homes owned by financial year and tenure (LCRA, LCHO): the "per 1,000 homes" of CH01 and NM01. */
export const homesCounts = pgTable(
  'homes_counts',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** The financial year by the calendar year it starts in (2025: April 2025 to March 2026). */
    year: integer('year').notNull(),
    /** LCRA or LCHO */
    tenure: text('tenure').notNull(),
    homes: integer('homes').notNull(),
    ...timestamps(),
  },
  (t) => [
    tenantPrimaryKey('homes_counts', t),
    uniqueIndex('homes_counts_year_tenure_idx').on(t.organisationId, t.year, t.tenure),
    tenantIsolation('homes_counts'),
  ],
).enableRLS();
