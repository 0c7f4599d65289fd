import {
  boolean,
  date,
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
// Foreign keys are the one place a module names another's tables: the
// database enforces them, and drizzle-kit loads the schema without the app.
import { initiatives } from '../initiatives/tables.ts';
import { people, services } from '../people/tables.ts';

/**
 * The organisation's themes ("repairs", "damp and mould" …), each with the
 * keyword rules that suggest it for a piece of feedback. Staff add, rename
 * and retire them; a retired theme keeps its past counts.
 */
export const feedbackThemes = pgTable(
  'feedback_themes',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** A stable short code, e.g. "damp-mould" (the defaults' codes; staff themes get one from the name). */
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Keyword rules: words or phrases, whole words, any case; a trailing * matches any ending. */
    keywords: textArray('keywords'),
    position: integer('position').notNull().default(0),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('feedback_themes', t),
    uniqueIndex('feedback_themes_code_idx').on(t.organisationId, t.code),
    tenantIsolation('feedback_themes'),
  ],
).enableRLS();

/**
 * One piece of feedback, from any channel: what was said, where and when,
 * about which service or initiative, by whom (or nobody, when anonymous), and
 * what the person agreed to: being quoted, hearing back and how.
 */
export const feedbackItems = pgTable(
  'feedback_items',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** FB-000123: what staff and the person quote. */
    reference: text('reference').notNull(),
    /** A code of CHANNELS (survey, meeting, drop_in, one_to_one, phone, email, social, complaint, suggestion_box, web_form, on_behalf). */
    channel: text('channel').notNull(),
    /** Where it came from, in words: "Repairs panel minutes, 3 March", "Facebook post". */
    sourceDetail: text('source_detail').notNull().default(''),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    serviceId: uuid('service_id'),
    initiativeId: uuid('initiative_id'),
    /** Null when anonymous or not on the register; never set on an anonymous item. */
    personId: uuid('person_id'),
    anonymous: boolean('anonymous').notNull().default(false),
    text: text('text').notNull(),
    mayQuote: boolean('may_quote').notNull().default(false),
    hearBack: boolean('hear_back').notNull().default(false),
    /** email, letter, phone or sms: how the person wants to hear what came of it. */
    hearBackChannel: text('hear_back_channel'),
    /** positive, neutral or negative (sentimentOf), and the AFINN score it came from. */
    sentiment: text('sentiment').notNull().default('neutral'),
    sentimentScore: integer('sentiment_score').notNull().default(0),
    /** When staff confirmed or recoded the suggested themes; null while only suggested. */
    themesReviewedAt: timestamp('themes_reviewed_at', { withTimezone: true }),
    /** The record it came from (a survey response), for idempotent intake. */
    sourceKind: text('source_kind'),
    sourceId: uuid('source_id'),
    sourcePart: text('source_part'),
    /** The staff member who logged it (null for the public form and survey intake). */
    loggedBy: uuid('logged_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('feedback_items', t),
    uniqueIndex('feedback_items_reference_idx').on(t.organisationId, t.reference),
    uniqueIndex('feedback_items_source_idx').on(
      t.organisationId,
      t.sourceKind,
      t.sourceId,
      t.sourcePart,
    ),
    tenantForeignKey(
      'feedback_items_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'set null',
    ),
    tenantForeignKey(
      'feedback_items_service_id_services_id_fk',
      [t.organisationId, t.serviceId],
      [services.organisationId, services.id],
      'set null',
    ),
    tenantForeignKey(
      'feedback_items_initiative_id_initiatives_id_fk',
      [t.organisationId, t.initiativeId],
      [initiatives.organisationId, initiatives.id],
      'set null',
    ),
    // With the feeling and the review, the quarter's totals read the index alone.
    index('feedback_items_received_idx').on(
      t.organisationId,
      t.receivedOn,
      t.sentiment,
      t.themesReviewedAt,
    ),
    index('feedback_items_person_idx').on(t.personId),
    tenantIsolation('feedback_items'),
  ],
).enableRLS();

/** The themes an item carries now: suggested by the keyword rules, or chosen by staff. */
export const feedbackItemThemes = pgTable(
  'feedback_item_themes',
  {
    organisationId: organisationIdColumn(),
    itemId: uuid('item_id').notNull(),
    themeId: uuid('theme_id').notNull(),
    /** suggested or staff */
    origin: text('origin').notNull().default('suggested'),
    /**
     * The item's date and channel, copied (they never change once an item is
     * in): the quarter's counts by theme and channel read this table's index
     * alone, without joining 200,000 items (bench/feedback.ts).
     */
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    channel: text('channel').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'feedback_item_themes_pkey',
      columns: [t.organisationId, t.itemId, t.themeId],
    }),
    tenantForeignKey(
      'feedback_item_themes_item_id_feedback_items_id_fk',
      [t.organisationId, t.itemId],
      [feedbackItems.organisationId, feedbackItems.id],
      'cascade',
    ),
    tenantForeignKey(
      'feedback_item_themes_theme_id_feedback_themes_id_fk',
      [t.organisationId, t.themeId],
      [feedbackThemes.organisationId, feedbackThemes.id],
      'cascade',
    ),
    // A theme's items newest first: the report's quotes stop at three a theme.
    index('feedback_item_themes_theme_idx').on(t.organisationId, t.themeId, t.receivedOn, t.itemId),
    index('feedback_item_themes_received_idx').on(
      t.organisationId,
      t.receivedOn,
      t.themeId,
      t.channel,
    ),
    tenantIsolation('feedback_item_themes'),
  ],
).enableRLS();

/**
 * What the organisation did about feedback: "we did", "we will", or "we
 * can't, because …". Linked to the items it answers and to the decisions,
 * initiatives and surveys it arose from by named links (platform/links).
 */
export const feedbackActions = pgTable(
  'feedback_actions',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    reference: text('reference').notNull(),
    /** did, will or cant */
    kind: text('kind').notNull(),
    /** "You said": what people told us, in plain words. */
    youSaid: text('you_said').notNull(),
    /** "We did" / "We will" / "We can't": the answer, in plain words. */
    weDid: text('we_did').notNull(),
    /** For "we can't": why not (the honest answer the seeds ask for). */
    reason: text('reason').notNull().default(''),
    /** The same in easy read: short sentences, one idea each. */
    youSaidEasy: text('you_said_easy').notNull().default(''),
    weDidEasy: text('we_did_easy').notNull().default(''),
    owner: text('owner').notNull().default(''),
    dueOn: date('due_on', { mode: 'string' }),
    /** open, in_progress, done */
    status: text('status').notNull().default('open'),
    /** What came of it, written when it is done. */
    outcome: text('outcome').notNull().default(''),
    doneOn: date('done_on', { mode: 'string' }),
    /** Marked for the quarter's "You said, we did". */
    publish: boolean('publish').notNull().default(false),
    /** Specialism codes the action belongs in for segmented editions (empty: every edition). */
    specialisms: textArray('specialisms'),
    /** An answered item quoted beside it, shown only while that person agrees to being quoted. */
    quoteItemId: uuid('quote_item_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('feedback_actions', t),
    uniqueIndex('feedback_actions_reference_idx').on(t.organisationId, t.reference),
    tenantForeignKey(
      'feedback_actions_quote_item_id_feedback_items_id_fk',
      [t.organisationId, t.quoteItemId],
      [feedbackItems.organisationId, feedbackItems.id],
      'set null',
    ),
    index('feedback_actions_done_idx').on(t.organisationId, t.status, t.doneOn),
    tenantIsolation('feedback_actions'),
  ],
).enableRLS();

/**
 * Telling a person what came of their feedback: one row per item and action.
 * Email goes through the outbox; a letter or a call is listed for staff, and
 * counts as sent when they mark it done.
 */
export const feedbackLoopMessages = pgTable(
  'feedback_loop_messages',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    itemId: uuid('item_id').notNull(),
    actionId: uuid('action_id').notNull(),
    /** email, letter, phone or sms */
    channel: text('channel').notNull(),
    easyRead: boolean('easy_read').notNull().default(false),
    /** The outbox message, for email. */
    outboxId: uuid('outbox_id'),
    /** When the outcome went to the person (queued to the outbox, or staff marked it done). */
    sentOn: date('sent_on', { mode: 'string' }),
    sentBy: uuid('sent_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('feedback_loop_messages', t),
    uniqueIndex('feedback_loop_messages_item_action_idx').on(
      t.organisationId,
      t.itemId,
      t.actionId,
    ),
    tenantForeignKey(
      'feedback_loop_messages_item_id_feedback_items_id_fk',
      [t.organisationId, t.itemId],
      [feedbackItems.organisationId, feedbackItems.id],
      'cascade',
    ),
    tenantForeignKey(
      'feedback_loop_messages_action_id_feedback_actions_id_fk',
      [t.organisationId, t.actionId],
      [feedbackActions.organisationId, feedbackActions.id],
      'cascade',
    ),
    index('feedback_loop_messages_action_idx').on(t.organisationId, t.actionId),
    tenantIsolation('feedback_loop_messages'),
  ],
).enableRLS();

/**
 * A quarter's "You said, we did", whole or for one specialism: the text as
 * published is kept, so the page reads the same after actions change.
 */
export const feedbackEditions = pgTable(
  'feedback_editions',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** A quarter's name, e.g. 2025-Q3 (platform/periods). */
    period: text('period').notNull(),
    /** A specialism code, or '' for the edition for everyone. */
    segment: text('segment').notNull().default(''),
    intro: text('intro').notNull().default(''),
    /** The published content: actions with their texts and consented quotes. */
    content: jsonb('content').$type<EditionContent>(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('feedback_editions', t),
    uniqueIndex('feedback_editions_period_idx').on(t.organisationId, t.period, t.segment),
    tenantIsolation('feedback_editions'),
  ],
).enableRLS();

/** What a published edition shows. */
export interface EditionContent {
  entries: Array<{
    kind: 'did' | 'will' | 'cant';
    youSaid: string;
    weDid: string;
    reason: string;
    youSaidEasy: string;
    weDidEasy: string;
    /** The quoted item; shown only while its person still agrees to being quoted. */
    quote: { itemId: string; text: string } | null;
    themes: string[];
  }>;
  themes: Array<{ name: string; count: number | null }>;
}
