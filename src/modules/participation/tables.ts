import {
  boolean,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import {
  organisationIdColumn,
  tenantForeignKey,
  tenantIsolation,
  tenantPrimaryKey,
} from '../../platform/db/tenant.ts';
import { bytea, textArray } from '../../platform/db/types.ts';
// Foreign keys are the one place a module names another's tables: the
// database enforces them, and drizzle-kit loads the schema without the app.
import { initiatives } from '../initiatives/tables.ts';
import { people } from '../people/tables.ts';

/** A call for people, attached to an initiative, published at /opportunities. */
export const opportunities = pgTable(
  'opportunities',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    initiativeId: uuid('initiative_id').notNull(),
    title: text('title').notNull(),
    /** What is involved, in plain English. */
    description: text('description').notNull().default(''),
    /**
     * The easy-read version staff write (issue 10 §3): short sentences, one
     * idea a sentence; shown in easy-read display in place of the
     * description, and null when there is none.
     */
    easyRead: text('easy_read'),
    /** The time asked for, e.g. "2 hours a month for 6 months". */
    timeAsked: text('time_asked'),
    /** When and where, in words; may be empty when it is only online. */
    whenWhere: text('when_where'),
    /** How people take part: in_person, online or both (OPPORTUNITY_MODES). */
    mode: text('mode').notNull().default('in_person'),
    /** Access need codes the opportunity can meet (people/lists.ts ACCESS_NEEDS). */
    accessProvisions: textArray('access_provisions'),
    /** The reward and expenses offered, in words. */
    rewardOffered: text('reward_offered'),
    expensesOffered: boolean('expenses_offered').notNull().default(true),
    /** Who can apply, in words, e.g. "Tenants of our supported housing". */
    whoCanApply: text('who_can_apply'),
    closesOn: date('closes_on', { mode: 'string' }),
    /** Interests (register codes) the opportunity is about, for matching and mailing. */
    interests: textArray('interests'),
    /** draft, published, closed */
    status: text('status').notNull().default('draft'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('opportunities', t),
    tenantForeignKey(
      'opportunities_initiative_id_initiatives_id_fk',
      [t.organisationId, t.initiativeId],
      [initiatives.organisationId, initiatives.id],
      'cascade',
    ),
    index('opportunities_status_idx').on(t.organisationId, t.status, t.closesOn),
    index('opportunities_initiative_idx').on(t.initiativeId),
    check('opportunities_mode_check', sql`${t.mode} in ('in_person', 'online', 'both')`),
    tenantIsolation('opportunities'),
  ],
).enableRLS();

/**
 * A sign-up from someone without an account. It never changes an existing
 * person: it makes a new record, and likely matches go to staff to merge.
 */
export const signUps = pgTable(
  'sign_ups',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    opportunityId: uuid('opportunity_id').notNull(),
    personId: uuid('person_id'),
    /** How they would like to take part, in their words. */
    takePart: text('take_part'),
    /** new, shortlisted, accepted, declined */
    status: text('status').notNull().default('new'),
    /** The kind message sent with the decision. */
    message: text('message'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** When staff told a phone or letter person the decision, and who; cleared by a new decision. */
    toldAt: timestamp('told_at', { withTimezone: true }),
    toldBy: text('told_by'),
    /**
     * sha256 of the link that confirms an email address given with consent to
     * hear about other ways to get involved; the consent counts once confirmed.
     */
    contactTokenHash: text('contact_token_hash'),
    /** sha256 of the address the link went to: the link confirms only that address. */
    contactEmailHash: text('contact_email_hash'),
    contactConfirmedAt: timestamp('contact_confirmed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('sign_ups', t),
    tenantForeignKey(
      'sign_ups_opportunity_id_opportunities_id_fk',
      [t.organisationId, t.opportunityId],
      [opportunities.organisationId, opportunities.id],
      'cascade',
    ),
    tenantForeignKey(
      'sign_ups_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'set null',
    ),
    // The sign-ups of an opportunity, and its recent ones for the per-opportunity limit.
    index('sign_ups_recent_idx').on(t.opportunityId, t.createdAt),
    // Links are used on their organisation's host name: unique within it.
    uniqueIndex('sign_ups_contact_token_idx').on(t.organisationId, t.contactTokenHash),
    index('sign_ups_person_idx').on(t.personId),
    tenantIsolation('sign_ups'),
  ],
).enableRLS();

/**
 * Who was emailed about an opportunity because they fit it. Counted with
 * invitations when matching leaves out people asked too often lately, and
 * keeps a second press of "email them" from asking anyone twice.
 */
export const opportunityAsks = pgTable(
  'opportunity_asks',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    opportunityId: uuid('opportunity_id').notNull(),
    personId: uuid('person_id').notNull(),
    askedAt: timestamp('asked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('opportunity_asks', t),
    tenantForeignKey(
      'opportunity_asks_opportunity_id_opportunities_id_fk',
      [t.organisationId, t.opportunityId],
      [opportunities.organisationId, opportunities.id],
      'cascade',
    ),
    tenantForeignKey(
      'opportunity_asks_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    uniqueIndex('opportunity_asks_person_idx').on(t.organisationId, t.opportunityId, t.personId),
    index('opportunity_asks_recent_idx').on(t.personId, t.askedAt),
    tenantIsolation('opportunity_asks'),
  ],
).enableRLS();

/** Meetings, workshops, interview panels, audit visits, drop-ins, training sessions. */
export const activities = pgTable(
  'activities',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    initiativeId: uuid('initiative_id').notNull(),
    /** Code from the activity_kind list. */
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    location: text('location'),
    onlineLink: text('online_link'),
    capacity: integer('capacity'),
    /**
     * planned or cancelled. Whether it was held follows from its date and
     * register (activities.ts activityHeld), never from a stored status.
     */
    status: text('status').notNull().default('planned'),
    remindersSentAt: timestamp('reminders_sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('activities', t),
    tenantForeignKey(
      'activities_initiative_id_initiatives_id_fk',
      [t.organisationId, t.initiativeId],
      [initiatives.organisationId, initiatives.id],
      'cascade',
    ),
    index('activities_starts_idx').on(t.organisationId, t.startsAt),
    // What has not ended yet (the staff home's coming up, the activities list's
    // upcoming table and its totals) without reading the past activities first.
    index('activities_ends_idx').on(t.organisationId, t.endsAt),
    index('activities_initiative_idx').on(t.initiativeId),
    check('activities_status_check', sql`${t.status} in ('planned', 'cancelled')`),
    tenantIsolation('activities'),
  ],
).enableRLS();

/** Who was invited to an activity, and their answer (by link, without signing in). */
export const invitations = pgTable(
  'invitations',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    activityId: uuid('activity_id').notNull(),
    personId: uuid('person_id').notNull(),
    /** sha256 of the RSVP link's token. */
    tokenHash: text('token_hash').notNull(),
    /** sha256 of the reminder's link; the first email's link keeps working beside it. */
    reminderTokenHash: text('reminder_token_hash'),
    /** yes, no, or null while unanswered */
    rsvp: text('rsvp'),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    invitedAt: timestamp('invited_at', { withTimezone: true }).notNull().defaultNow(),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
  },
  (t) => [
    tenantPrimaryKey('invitations', t),
    tenantForeignKey(
      'invitations_activity_id_activities_id_fk',
      [t.organisationId, t.activityId],
      [activities.organisationId, activities.id],
      'cascade',
    ),
    tenantForeignKey(
      'invitations_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    uniqueIndex('invitations_person_idx').on(t.organisationId, t.activityId, t.personId),
    // Links are used on their organisation's host name: unique within it.
    uniqueIndex('invitations_token_idx').on(t.organisationId, t.tokenHash),
    uniqueIndex('invitations_reminder_token_idx').on(t.organisationId, t.reminderTokenHash),
    index('invitations_recent_idx').on(t.personId, t.invitedAt),
    tenantIsolation('invitations'),
  ],
).enableRLS();

/** The attendance register: who came, in what role, and the hours that follow. */
export const attendance = pgTable(
  'attendance',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    activityId: uuid('activity_id').notNull(),
    personId: uuid('person_id').notNull(),
    /** attended, apologies, did_not_attend */
    status: text('status').notNull(),
    /** The person's role at it, e.g. chair, panel member, observer. */
    role: text('role'),
    hours: numeric('hours', { precision: 6, scale: 2, mode: 'number' }).notNull().default(0),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('attendance', t),
    tenantForeignKey(
      'attendance_activity_id_activities_id_fk',
      [t.organisationId, t.activityId],
      [activities.organisationId, activities.id],
      'cascade',
    ),
    tenantForeignKey(
      'attendance_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    uniqueIndex('attendance_person_idx').on(t.organisationId, t.activityId, t.personId),
    index('attendance_by_person_idx').on(t.personId),
    // An activity's register as attended, read from the index alone (issue
    // 15): the ladder profile and participation's statistics count people
    // and hours an activity at a time (attended.ts).
    index('attendance_attended_idx')
      .on(t.organisationId, t.activityId, t.personId, t.hours)
      .where(sql`${t.status} = 'attended'`),
    tenantIsolation('attendance'),
  ],
).enableRLS();

/** Rewards computed from attendance under the organisation's policy. */
export const rewards = pgTable(
  'rewards',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    personId: uuid('person_id').notNull(),
    activityId: uuid('activity_id'),
    amountPence: integer('amount_pence').notNull(),
    /** payment, voucher, or declined (the person chose not to be paid) */
    choice: text('choice').notNull().default('voucher'),
    /** due, paid, declined */
    status: text('status').notNull().default('due'),
    /** The day it counts on, for weekly, monthly and tax-year totals. */
    earnedOn: date('earned_on', { mode: 'string' }).notNull(),
    paidOn: date('paid_on', { mode: 'string' }),
    /**
     * Paid, and its person is no longer recorded as attending the activity
     * with hours: to check. Kept by triggers (migration 0047) as attendance
     * is written and as a reward is paid, whatever writes them, so the
     * rewards page reads the few flagged rather than checking every paid
     * reward on every load.
     */
    attendanceLost: boolean('attendance_lost').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('rewards', t),
    tenantForeignKey(
      'rewards_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    tenantForeignKey(
      'rewards_activity_id_activities_id_fk',
      [t.organisationId, t.activityId],
      [activities.organisationId, activities.id],
      'set null',
    ),
    uniqueIndex('rewards_activity_person_idx').on(t.organisationId, t.activityId, t.personId),
    index('rewards_person_idx').on(t.personId, t.earnedOn),
    // The rewards page: the oldest due, and the paid ones to check.
    index('rewards_due_idx')
      .on(t.organisationId, t.earnedOn)
      .where(sql`${t.status} = 'due'`),
    index('rewards_attendance_lost_idx')
      .on(t.organisationId, t.earnedOn)
      .where(sql`${t.attendanceLost}`),
    tenantIsolation('rewards'),
  ],
).enableRLS();

/** Expense claims with receipts: travel, childcare, replacement care … */
export const expenseClaims = pgTable(
  'expense_claims',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    personId: uuid('person_id').notNull(),
    activityId: uuid('activity_id'),
    /** travel, childcare, replacement_care, other */
    kind: text('kind').notNull(),
    amountPence: integer('amount_pence').notNull(),
    description: text('description'),
    receipt: bytea('receipt'),
    receiptType: text('receipt_type'),
    receiptName: text('receipt_name'),
    /** submitted, approved, rejected, paid */
    status: text('status').notNull().default('submitted'),
    incurredOn: date('incurred_on', { mode: 'string' }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Why it was rejected, as staff wrote it. */
    reason: text('reason'),
    paidOn: date('paid_on', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('expense_claims', t),
    tenantForeignKey(
      'expense_claims_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    tenantForeignKey(
      'expense_claims_activity_id_activities_id_fk',
      [t.organisationId, t.activityId],
      [activities.organisationId, activities.id],
      'set null',
    ),
    index('expense_claims_person_idx').on(t.personId),
    // The rewards page: claims waiting for a decision or for payment, oldest first.
    index('expense_claims_open_idx')
      .on(t.organisationId, t.incurredOn)
      .where(sql`${t.status} in ('submitted', 'approved')`),
    tenantIsolation('expense_claims'),
  ],
).enableRLS();

/** The reward budget for a financial year (starting 1 April of `year`). */
export const rewardBudgets = pgTable(
  'reward_budgets',
  {
    organisationId: organisationIdColumn(),
    year: integer('year').notNull(),
    amountPence: integer('amount_pence').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.year] }), tenantIsolation('reward_budgets')],
).enableRLS();

export type OpportunityRow = typeof opportunities.$inferSelect;
export type ActivityRow = typeof activities.$inferSelect;
