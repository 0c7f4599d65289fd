import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
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
import type { SurveyDefinition } from './definition.ts';
// Foreign keys are the one place a module names another's tables.
import { people } from '../people/tables.ts';

/**
 * A survey or a poll. Staff edit `draft`; publishing copies it into a new
 * row of survey_versions, and responses keep the version they answered.
 */
export const surveys = pgTable(
  'surveys',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** survey or poll (one question, answered in a tap). */
    kind: text('kind').notNull().default('survey'),
    title: text('title').notNull(),
    titleCy: text('title_cy'),
    /** The template it was made from, e.g. tsm-perception; null when built from nothing. */
    template: text('template'),
    /** draft, published, closed */
    status: text('status').notNull().default('draft'),
    /** true: responses are never linked to a person, even from an invitation. */
    anonymous: boolean('anonymous').notNull().default(false),
    /** The definition being edited (sections and questions). */
    draft: jsonb('draft').$type<SurveyDefinition>().notNull(),
    /** The version people answer now; null until first published. */
    currentVersion: integer('current_version'),
    /** Whether the draft differs from the published version. */
    draftChanged: boolean('draft_changed').notNull().default(true),
    /** The first wave's id: later waves of the same survey share it, for trends. */
    seriesId: uuid('series_id'),
    /** Name of the wave, e.g. "2025", for trend tables. */
    wave: text('wave'),
    /** The operations event that sends this survey, e.g. operations.repair_completed. */
    triggerEvent: text('trigger_event'),
    /** Days after an invitation before a reminder; 0 for none. */
    reminderDays: integer('reminder_days').notNull().default(7),
    /** Poll results are shown to anyone who answered (and on the results page). */
    resultsPublic: boolean('results_public').notNull().default(true),
    closesOn: date('closes_on', { mode: 'string' }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('surveys', t),
    index('surveys_status_idx').on(t.organisationId, t.status),
    index('surveys_series_idx').on(t.organisationId, t.seriesId),
    index('surveys_trigger_idx').on(t.organisationId, t.triggerEvent),
    tenantIsolation('surveys'),
  ],
).enableRLS();

/** A published definition, frozen: responses point at the version they answered. */
export const surveyVersions = pgTable(
  'survey_versions',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    surveyId: uuid('survey_id').notNull(),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<SurveyDefinition>().notNull(),
    publishedBy: text('published_by'),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('survey_versions', t),
    tenantForeignKey(
      'survey_versions_survey_id_surveys_id_fk',
      [t.organisationId, t.surveyId],
      [surveys.organisationId, surveys.id],
      'cascade',
    ),
    uniqueIndex('survey_versions_number_idx').on(t.organisationId, t.surveyId, t.version),
    tenantIsolation('survey_versions'),
  ],
).enableRLS();

/** Customers (peer researchers) given a right on a draft: comment, or edit. */
export const surveyCollaborators = pgTable(
  'survey_collaborators',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    surveyId: uuid('survey_id').notNull(),
    /** The customer's account (identity's users). */
    userId: uuid('user_id').notNull(),
    /** Their name as shown beside their comments. */
    name: text('name').notNull(),
    /** comment or edit */
    right: text('right').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('survey_collaborators', t),
    tenantForeignKey(
      'survey_collaborators_survey_id_surveys_id_fk',
      [t.organisationId, t.surveyId],
      [surveys.organisationId, surveys.id],
      'cascade',
    ),
    uniqueIndex('survey_collaborators_user_idx').on(t.organisationId, t.surveyId, t.userId),
    index('survey_collaborators_by_user_idx').on(t.organisationId, t.userId),
    tenantIsolation('survey_collaborators'),
  ],
).enableRLS();

/** A comment on a draft, on the survey or on one question (by its code). */
export const surveyComments = pgTable(
  'survey_comments',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    surveyId: uuid('survey_id').notNull(),
    questionCode: text('question_code'),
    authorUserId: uuid('author_user_id'),
    authorName: text('author_name').notNull(),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('survey_comments', t),
    tenantForeignKey(
      'survey_comments_survey_id_surveys_id_fk',
      [t.organisationId, t.surveyId],
      [surveys.organisationId, surveys.id],
      'cascade',
    ),
    index('survey_comments_survey_idx').on(t.organisationId, t.surveyId, t.createdAt),
    tenantIsolation('survey_comments'),
  ],
).enableRLS();

/** A tablet in a service that takes answers one person after another. */
export const surveyKiosks = pgTable(
  'survey_kiosks',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    surveyId: uuid('survey_id').notNull(),
    label: text('label').notNull(),
    /** The register's service the tablet stands in (its id), for cuts. */
    serviceId: uuid('service_id'),
    /** The service's specialism and area when the kiosk was set up, for cuts. */
    specialism: text('specialism'),
    area: text('area'),
    /** sha256 of the kiosk's address token: the address is the only key. */
    tokenHash: text('token_hash').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('survey_kiosks', t),
    tenantForeignKey(
      'survey_kiosks_survey_id_surveys_id_fk',
      [t.organisationId, t.surveyId],
      [surveys.organisationId, surveys.id],
      'cascade',
    ),
    uniqueIndex('survey_kiosks_token_idx').on(t.organisationId, t.tokenHash),
    tenantIsolation('survey_kiosks'),
  ],
).enableRLS();

/**
 * A personal invitation: an emailed link with a single-use token, sent by
 * staff or by a trigger (an operations event). `status`: sent, answered,
 * not_sent (no consent, no email), failed.
 */
export const surveyInvitations = pgTable(
  'survey_invitations',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    surveyId: uuid('survey_id').notNull(),
    personId: uuid('person_id'),
    /** sha256 of the link's token; a reminder's link has its own. */
    tokenHash: text('token_hash'),
    reminderTokenHash: text('reminder_token_hash'),
    status: text('status').notNull().default('sent'),
    /** Why it was not sent: no_consent, no_email, do_not_contact, erased. */
    reason: text('reason'),
    /** The event that sent it, and the record it was about. */
    sourceEvent: text('source_event'),
    sourceKind: text('source_kind'),
    sourceId: text('source_id'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('survey_invitations', t),
    tenantForeignKey(
      'survey_invitations_survey_id_surveys_id_fk',
      [t.organisationId, t.surveyId],
      [surveys.organisationId, surveys.id],
      'cascade',
    ),
    tenantForeignKey(
      'survey_invitations_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    uniqueIndex('survey_invitations_token_idx').on(t.organisationId, t.tokenHash),
    uniqueIndex('survey_invitations_reminder_token_idx').on(t.organisationId, t.reminderTokenHash),
    // One invitation per survey for one operational record, however often its event comes.
    uniqueIndex('survey_invitations_source_idx').on(
      t.organisationId,
      t.surveyId,
      t.sourceKind,
      t.sourceId,
    ),
    index('survey_invitations_survey_idx').on(t.organisationId, t.surveyId, t.status),
    index('survey_invitations_person_idx').on(t.organisationId, t.personId),
    tenantIsolation('survey_invitations'),
  ],
).enableRLS();

/**
 * One person's answers to one version. While partial, the answers live in
 * `progress` (saved page by page); completing writes them to survey_answers,
 * which analysis reads. The response token (its sha256 here) is in the
 * address of every page, so nothing is kept on the device.
 */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    surveyId: uuid('survey_id').notNull(),
    versionId: uuid('version_id').notNull(),
    personId: uuid('person_id'),
    invitationId: uuid('invitation_id'),
    /** The kiosk it was given at: its thank-you page starts the next person's. */
    kioskId: uuid('kiosk_id'),
    /** online, kiosk, paper, phone, email */
    method: text('method').notNull(),
    /** partial or complete */
    status: text('status').notNull().default('partial'),
    tokenHash: text('token_hash').notNull(),
    progress: jsonb('progress').$type<Record<string, unknown>>().notNull().default({}),
    /** Cut dimensions, taken when the response starts: service, its specialism, area, tenure. */
    serviceId: uuid('service_id'),
    specialism: text('specialism'),
    area: text('area'),
    tenure: text('tenure'),
    mayQuote: boolean('may_quote').notNull().default(false),
    hearBack: boolean('hear_back').notNull().default(false),
    /** The member of staff who typed in a paper or phone response. */
    enteredBy: text('entered_by'),
    collectedOn: date('collected_on', { mode: 'string' }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    tenantPrimaryKey('survey_responses', t),
    tenantForeignKey(
      'survey_responses_survey_id_surveys_id_fk',
      [t.organisationId, t.surveyId],
      [surveys.organisationId, surveys.id],
      'cascade',
    ),
    tenantForeignKey(
      'survey_responses_version_id_survey_versions_id_fk',
      [t.organisationId, t.versionId],
      [surveyVersions.organisationId, surveyVersions.id],
      'cascade',
    ),
    tenantForeignKey(
      'survey_responses_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    uniqueIndex('survey_responses_token_idx').on(t.organisationId, t.tokenHash),
    // An invitation's token answers once: a second completed response cannot exist.
    uniqueIndex('survey_responses_invitation_idx').on(t.organisationId, t.invitationId),
    // With the method, so the analysis counts responses by status and method from the index alone.
    index('survey_responses_survey_idx').on(t.organisationId, t.surveyId, t.status, t.method),
    // The export's keyset: completed responses in the order they came, whose
    // answers were written together, so each batch reads neighbouring pages.
    index('survey_responses_completed_idx')
      .on(t.organisationId, t.surveyId, t.completedAt, t.id)
      .where(sql`status = 'complete'`),
    index('survey_responses_person_idx').on(t.organisationId, t.personId),
    tenantIsolation('survey_responses'),
  ],
).enableRLS();

/**
 * One answer of a completed response, by the question's stable code: a
 * choice (single, scales, yes/no), several choices, a number (0–10, number)
 * or text (free text; a date as YYYY-MM-DD). Free text carries its sentiment
 * and themes, which staff may recode.
 */
export const surveyAnswers = pgTable(
  'survey_answers',
  {
    organisationId: organisationIdColumn(),
    responseId: uuid('response_id').notNull(),
    surveyId: uuid('survey_id').notNull(),
    questionCode: text('question_code').notNull(),
    choice: text('choice'),
    choices: textArray('choices'),
    number: doublePrecision('number'),
    body: text('body'),
    sentiment: text('sentiment'),
    themes: textArray('themes'),
    recodedBy: text('recoded_by'),
  },
  (t) => [
    primaryKey({
      name: 'survey_answers_pkey',
      columns: [t.responseId, t.questionCode, t.organisationId],
    }),
    tenantForeignKey(
      'survey_answers_response_id_survey_responses_id_fk',
      [t.organisationId, t.responseId],
      [surveyResponses.organisationId, surveyResponses.id],
      'cascade',
    ),
    index('survey_answers_question_idx').on(t.organisationId, t.surveyId, t.questionCode, t.choice),
    tenantIsolation('survey_answers'),
  ],
).enableRLS();

/**
 * Every survey's answers counted, kept by triggers on survey_answers
 * (migration survey_counts) in the transaction that writes the answers, so
 * the analysis reads a few hundred rows however many answered (issue 12's
 * benchmark: 200,000 responses). A row counts, for one question, the answers
 * (`kind` answered), each choice (a single choice, and each of several), each
 * number, each sentiment and each theme of answers with text; with `cut` set
 * (service, specialism, tenure, area), a choice within the group `grp` of
 * the response's cut dimension ('' when it has none). Counts go down as well
 * as up (recoding, erasure), so a row may hold 0.
 */
export const surveyAnswerCounts = pgTable(
  'survey_answer_counts',
  {
    organisationId: organisationIdColumn(),
    surveyId: uuid('survey_id').notNull(),
    questionCode: text('question_code').notNull(),
    cut: text('cut').notNull(),
    grp: text('grp').notNull(),
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'survey_answer_counts_pkey',
      columns: [t.organisationId, t.surveyId, t.cut, t.questionCode, t.grp, t.kind, t.value],
    }),
    tenantForeignKey(
      'survey_answer_counts_survey_id_surveys_id_fk',
      [t.organisationId, t.surveyId],
      [surveys.organisationId, surveys.id],
      'cascade',
    ),
    tenantIsolation('survey_answer_counts'),
  ],
).enableRLS();
