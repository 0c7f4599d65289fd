import {
  boolean,
  date,
  index,
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
  tenantForeignKey,
  tenantIsolation,
  tenantPrimaryKey,
} from '../../platform/db/tenant.ts';
import { textArray } from '../../platform/db/types.ts';
// Foreign keys are the one place a module names another's tables: the
// database enforces them, and drizzle-kit loads the schema without the app.
import { initiatives } from '../initiatives/tables.ts';
import { people, personRoles } from '../people/tables.ts';
import { activities } from '../participation/tables.ts';

/**
 * A standing body: a panel, forum, board or network. It is an initiative of
 * kind "panel" (its title, summary, rung and purpose live there); this row
 * holds what only a body has.
 */
export const groups = pgTable(
  'groups',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    initiativeId: uuid('initiative_id').notNull(),
    /** Its address on the public side: /groups/<slug>. */
    slug: text('slug').notNull(),
    /** panel, forum, board, network */
    kind: text('kind').notNull(),
    /** The register's involvement role a seat on it gives (involvement_role list). */
    roleCode: text('role_code').notNull().default('panel_member'),
    /** Papers go to members this many days before a meeting. */
    papersDaysBefore: integer('papers_days_before').notNull().default(7),
    /** Members propose agenda items until this many days before a meeting. */
    agendaDaysBefore: integer('agenda_days_before').notNull().default(14),
    /** Members' terms of office: a reminder goes this many days before one ends. */
    termReminderDays: integer('term_reminder_days').notNull().default(60),
    /** How a tied count is settled: lot, casting_vote, rerun. */
    tieRule: text('tie_rule').notNull().default('lot'),
    /** Who gets the body's reminders (terms ending, late papers): its clerk or secretary. */
    clerkEmail: text('clerk_email'),
    /** Service types, specialisms and areas it aims to hear from (the representation view). */
    coverServiceTypes: textArray('cover_service_types'),
    coverSpecialisms: textArray('cover_specialisms'),
    coverAreas: textArray('cover_areas'),
    /** Whether its page is on the public side. */
    published: boolean('published').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('groups', t),
    tenantForeignKey(
      'groups_initiative_id_initiatives_id_fk',
      [t.organisationId, t.initiativeId],
      [initiatives.organisationId, initiatives.id],
      'cascade',
    ),
    uniqueIndex('groups_slug_idx').on(t.organisationId, t.slug),
    uniqueIndex('groups_initiative_idx').on(t.organisationId, t.initiativeId),
    tenantIsolation('groups'),
  ],
).enableRLS();

/**
 * Terms of reference, versioned: a change adds a version, the old ones stay
 * (what the body was for when it decided something is part of the record).
 */
export const groupTerms = pgTable(
  'group_terms',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    groupId: uuid('group_id').notNull(),
    version: integer('version').notNull(),
    objectives: text('objectives').notNull(),
    functions: text('functions').notNull(),
    /** What it scrutinises, one area a line: repairs, voids, compliance … */
    scrutinyAreas: textArray('scrutiny_areas'),
    /** monthly, bimonthly, quarterly, twice_yearly, yearly */
    frequency: text('frequency').notNull(),
    /** Whom it reports to, and through whom. */
    reportsTo: text('reports_to').notNull(),
    reportsThrough: text('reports_through'),
    /** What it decides, and how (consensus, a vote, recommendations to the board). */
    decides: text('decides').notNull(),
    decidesHow: text('decides_how').notNull(),
    /** The same, in easy read: short sentences, one idea each. */
    easyRead: text('easy_read'),
    adoptedOn: date('adopted_on', { mode: 'string' }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('group_terms', t),
    tenantForeignKey(
      'group_terms_group_id_groups_id_fk',
      [t.organisationId, t.groupId],
      [groups.organisationId, groups.id],
      'cascade',
    ),
    uniqueIndex('group_terms_version_idx').on(t.organisationId, t.groupId, t.version),
    tenantIsolation('group_terms'),
  ],
).enableRLS();

/**
 * A kind of seat and how many places it has: "Board Chair" (1, appointed),
 * "Elected customer: hostels" (2, elected), "Forum member" (open: no limit).
 */
export const groupSeats = pgTable(
  'group_seats',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    groupId: uuid('group_id').notNull(),
    label: text('label').notNull(),
    /** customer, staff, board, partner: who may hold it. */
    holder: text('holder').notNull(),
    /** How many places; null for open membership. */
    places: integer('places'),
    /** appointment, interview, election, selection (stratified random draw), open */
    fillBy: text('fill_by').notNull(),
    /** Whom it represents, where it represents someone: a service type or specialism code. */
    serviceType: text('service_type'),
    specialism: text('specialism'),
    /** The term of office in months; null when it has no fixed term. */
    termMonths: integer('term_months'),
    /** The chair or co-chair: accepts agenda items. */
    chairs: boolean('chairs').notNull().default(false),
    /** The register role this seat gives, where it is not the body's own. */
    roleCode: text('role_code'),
    sortOrder: integer('sort_order').notNull().default(100),
  },
  (t) => [
    tenantPrimaryKey('group_seats', t),
    tenantForeignKey(
      'group_seats_group_id_groups_id_fk',
      [t.organisationId, t.groupId],
      [groups.organisationId, groups.id],
      'cascade',
    ),
    index('group_seats_group_idx').on(t.groupId),
    tenantIsolation('group_seats'),
  ],
).enableRLS();

/** A seat held: by whom, from when, until when (the term of office), and how it was filled. */
export const groupMembers = pgTable(
  'group_members',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    groupId: uuid('group_id').notNull(),
    seatId: uuid('seat_id').notNull(),
    personId: uuid('person_id').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    /** The end of the term of office; null when it has none. */
    termEndsOn: date('term_ends_on', { mode: 'string' }),
    /** When they stood down early, or the day the term ended. */
    endedOn: date('ended_on', { mode: 'string' }),
    /** appointment, interview, election, selection, open */
    filledBy: text('filled_by').notNull(),
    /** The member of staff who buddies a customer member (seed 000 §10). */
    buddyPersonId: uuid('buddy_person_id'),
    /** They agreed to be named on the body's public page. */
    namedPublicly: boolean('named_publicly').notNull().default(false),
    /** The register's role row the seat gave them, ended with the seat. */
    personRoleId: uuid('person_role_id'),
    /** For a seat filled by interview: the interview panel, an activity (its register says who sat on it). */
    interviewActivityId: uuid('interview_activity_id'),
    /** When the reminder that the term is ending went. */
    termRemindedAt: timestamp('term_reminded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('group_members', t),
    tenantForeignKey(
      'group_members_group_id_groups_id_fk',
      [t.organisationId, t.groupId],
      [groups.organisationId, groups.id],
      'cascade',
    ),
    tenantForeignKey(
      'group_members_seat_id_group_seats_id_fk',
      [t.organisationId, t.seatId],
      [groupSeats.organisationId, groupSeats.id],
      'cascade',
    ),
    tenantForeignKey(
      'group_members_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    tenantForeignKey(
      'group_members_buddy_person_id_people_id_fk',
      [t.organisationId, t.buddyPersonId],
      [people.organisationId, people.id],
      'set null',
    ),
    tenantForeignKey(
      'group_members_person_role_id_person_roles_id_fk',
      [t.organisationId, t.personRoleId],
      [personRoles.organisationId, personRoles.id],
      'set null',
    ),
    tenantForeignKey(
      'group_members_interview_activity_id_activities_id_fk',
      [t.organisationId, t.interviewActivityId],
      [activities.organisationId, activities.id],
      'set null',
    ),
    index('group_members_group_idx').on(t.groupId),
    index('group_members_person_idx').on(t.personId),
    index('group_members_term_idx').on(t.organisationId, t.termEndsOn),
    tenantIsolation('group_members'),
  ],
).enableRLS();

/**
 * A meeting of a body: a participation activity (invitations, access needs,
 * attendance, hours and rewards live there) with what only a meeting of a
 * body has: the agenda's deadline, papers, minutes.
 */
export const groupMeetings = pgTable(
  'group_meetings',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    groupId: uuid('group_id').notNull(),
    activityId: uuid('activity_id').notNull(),
    /** The day members' agenda proposals close. */
    agendaDeadline: date('agenda_deadline', { mode: 'string' }).notNull(),
    /** The day papers must go out by. */
    papersDueOn: date('papers_due_on', { mode: 'string' }).notNull(),
    papersSentAt: timestamp('papers_sent_at', { withTimezone: true }),
    /** When the clerk was told the papers are late. */
    papersLateNotedAt: timestamp('papers_late_noted_at', { withTimezone: true }),
    minutes: text('minutes'),
    minutesEasyRead: text('minutes_easy_read'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('group_meetings', t),
    tenantForeignKey(
      'group_meetings_group_id_groups_id_fk',
      [t.organisationId, t.groupId],
      [groups.organisationId, groups.id],
      'cascade',
    ),
    tenantForeignKey(
      'group_meetings_activity_id_activities_id_fk',
      [t.organisationId, t.activityId],
      [activities.organisationId, activities.id],
      'cascade',
    ),
    uniqueIndex('group_meetings_activity_idx').on(t.organisationId, t.activityId),
    index('group_meetings_group_idx').on(t.groupId),
    tenantIsolation('group_meetings'),
  ],
).enableRLS();

/** An item on a meeting's agenda: proposed by a member (or staff), accepted by the chair. */
export const groupAgendaItems = pgTable(
  'group_agenda_items',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    meetingId: uuid('meeting_id').notNull(),
    title: text('title').notNull(),
    detail: text('detail'),
    /** The member who proposed it (null when staff added it). */
    proposedByPersonId: uuid('proposed_by_person_id'),
    proposedByLabel: text('proposed_by_label').notNull(),
    /** proposed, accepted, declined */
    status: text('status').notNull().default('proposed'),
    /** Why it was declined, or a note on accepting. */
    response: text('response'),
    decidedBy: text('decided_by'),
    position: integer('position').notNull().default(100),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('group_agenda_items', t),
    tenantForeignKey(
      'group_agenda_items_meeting_id_group_meetings_id_fk',
      [t.organisationId, t.meetingId],
      [groupMeetings.organisationId, groupMeetings.id],
      'cascade',
    ),
    tenantForeignKey(
      'group_agenda_items_proposed_by_person_id_people_id_fk',
      [t.organisationId, t.proposedByPersonId],
      [people.organisationId, people.id],
      'set null',
    ),
    index('group_agenda_items_meeting_idx').on(t.meetingId),
    tenantIsolation('group_agenda_items'),
  ],
).enableRLS();

/** A paper for a meeting, written here, with its easy-read version beside it. */
export const groupPapers = pgTable(
  'group_papers',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    meetingId: uuid('meeting_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    easyRead: text('easy_read').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('group_papers', t),
    tenantForeignKey(
      'group_papers_meeting_id_group_meetings_id_fk',
      [t.organisationId, t.meetingId],
      [groupMeetings.organisationId, groupMeetings.id],
      'cascade',
    ),
    index('group_papers_meeting_idx').on(t.meetingId),
    tenantIsolation('group_papers'),
  ],
).enableRLS();

/** What a body decided, and why: the "we did" end of the feedback trail links here. */
export const groupDecisions = pgTable(
  'group_decisions',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    groupId: uuid('group_id').notNull(),
    meetingId: uuid('meeting_id').notNull(),
    what: text('what').notNull(),
    why: text('why').notNull(),
    easyRead: text('easy_read'),
    decidedOn: date('decided_on', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('group_decisions', t),
    tenantForeignKey(
      'group_decisions_group_id_groups_id_fk',
      [t.organisationId, t.groupId],
      [groups.organisationId, groups.id],
      'cascade',
    ),
    tenantForeignKey(
      'group_decisions_meeting_id_group_meetings_id_fk',
      [t.organisationId, t.meetingId],
      [groupMeetings.organisationId, groupMeetings.id],
      'cascade',
    ),
    index('group_decisions_group_idx').on(t.groupId, t.decidedOn),
    tenantIsolation('group_decisions'),
  ],
).enableRLS();

/** An action: who does what by when; carried from meeting to meeting until done. */
export const groupActions = pgTable(
  'group_actions',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    groupId: uuid('group_id').notNull(),
    /** The meeting that set it. */
    meetingId: uuid('meeting_id').notNull(),
    what: text('what').notNull(),
    owner: text('owner').notNull(),
    dueOn: date('due_on', { mode: 'string' }),
    /** open, in_progress, done, dropped */
    status: text('status').notNull().default('open'),
    doneOn: date('done_on', { mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('group_actions', t),
    tenantForeignKey(
      'group_actions_group_id_groups_id_fk',
      [t.organisationId, t.groupId],
      [groups.organisationId, groups.id],
      'cascade',
    ),
    tenantForeignKey(
      'group_actions_meeting_id_group_meetings_id_fk',
      [t.organisationId, t.meetingId],
      [groupMeetings.organisationId, groupMeetings.id],
      'cascade',
    ),
    index('group_actions_group_idx').on(t.groupId, t.status),
    tenantIsolation('group_actions'),
  ],
).enableRLS();

/** An update on an action, at a meeting or between meetings. */
export const groupActionUpdates = pgTable(
  'group_action_updates',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    actionId: uuid('action_id').notNull(),
    /** The meeting it was reported to, when it was. */
    meetingId: uuid('meeting_id'),
    note: text('note').notNull(),
    status: text('status').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('group_action_updates', t),
    tenantForeignKey(
      'group_action_updates_action_id_group_actions_id_fk',
      [t.organisationId, t.actionId],
      [groupActions.organisationId, groupActions.id],
      'cascade',
    ),
    tenantForeignKey(
      'group_action_updates_meeting_id_group_meetings_id_fk',
      [t.organisationId, t.meetingId],
      [groupMeetings.organisationId, groupMeetings.id],
      'set null',
    ),
    index('group_action_updates_action_idx').on(t.actionId),
    tenantIsolation('group_action_updates'),
  ],
).enableRLS();

/** An election to one kind of seat. */
export const groupElections = pgTable(
  'group_elections',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    groupId: uuid('group_id').notNull(),
    seatId: uuid('seat_id').notNull(),
    title: text('title').notNull(),
    /** How many are elected; each elector may vote for up to this many. */
    places: integer('places').notNull(),
    /** Who may vote: people using these services, service types (tenure) or specialisms. */
    eligibleServiceIds: textArray('eligible_service_ids'),
    eligibleServiceTypes: textArray('eligible_service_types'),
    eligibleSpecialisms: textArray('eligible_specialisms'),
    /** The tie rule in force, copied from the body when the election is made. */
    tieRule: text('tie_rule').notNull(),
    /** draft, open, closed, published */
    status: text('status').notNull().default('draft'),
    closesOn: date('closes_on', { mode: 'string' }),
    /** The count, once made: votes by candidate, who was elected and how ties were settled. */
    result: jsonb('result'),
    /** The seed a drawing of lots used, so anyone can check it. */
    lotSeed: text('lot_seed'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('group_elections', t),
    tenantForeignKey(
      'group_elections_group_id_groups_id_fk',
      [t.organisationId, t.groupId],
      [groups.organisationId, groups.id],
      'cascade',
    ),
    tenantForeignKey(
      'group_elections_seat_id_group_seats_id_fk',
      [t.organisationId, t.seatId],
      [groupSeats.organisationId, groupSeats.id],
      'cascade',
    ),
    index('group_elections_group_idx').on(t.groupId),
    tenantIsolation('group_elections'),
  ],
).enableRLS();

/** A candidate, with a statement and its easy-read version. */
export const electionCandidates = pgTable(
  'election_candidates',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    electionId: uuid('election_id').notNull(),
    personId: uuid('person_id').notNull(),
    statement: text('statement').notNull(),
    statementEasyRead: text('statement_easy_read').notNull(),
  },
  (t) => [
    tenantPrimaryKey('election_candidates', t),
    tenantForeignKey(
      'election_candidates_election_id_group_elections_id_fk',
      [t.organisationId, t.electionId],
      [groupElections.organisationId, groupElections.id],
      'cascade',
    ),
    tenantForeignKey(
      'election_candidates_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    uniqueIndex('election_candidates_person_idx').on(t.organisationId, t.electionId, t.personId),
    tenantIsolation('election_candidates'),
  ],
).enableRLS();

/**
 * Who may vote, and whether they have: the roll. It never says how anyone
 * voted, and holds no time of voting. One row an elector, so one vote each.
 */
export const electionElectors = pgTable(
  'election_electors',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    electionId: uuid('election_id').notNull(),
    personId: uuid('person_id').notNull(),
    /** sha256 of the single-use voting link's token; null once used. */
    tokenHash: text('token_hash'),
    voted: boolean('voted').notNull().default(false),
    /** online or paper, once voted. */
    votedBy: text('voted_by'),
  },
  (t) => [
    tenantPrimaryKey('election_electors', t),
    tenantForeignKey(
      'election_electors_election_id_group_elections_id_fk',
      [t.organisationId, t.electionId],
      [groupElections.organisationId, groupElections.id],
      'cascade',
    ),
    tenantForeignKey(
      'election_electors_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    uniqueIndex('election_electors_person_idx').on(t.organisationId, t.electionId, t.personId),
    uniqueIndex('election_electors_token_idx').on(t.organisationId, t.tokenHash),
    tenantIsolation('election_electors'),
  ],
).enableRLS();

/**
 * The ballots: how people voted, with nothing that says who. No person, no
 * time, a random id; the count reads them in id order (random), and closing
 * the election rewrites them in a random order in one transaction (see
 * elections.ts), so nothing stored orders them against the roll.
 */
export const electionBallots = pgTable(
  'election_ballots',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    electionId: uuid('election_id').notNull(),
    /** The candidates chosen (up to the election's places). Empty: a spoilt or blank ballot. */
    choices: textArray('choices'),
  },
  (t) => [
    tenantPrimaryKey('election_ballots', t),
    tenantForeignKey(
      'election_ballots_election_id_group_elections_id_fk',
      [t.organisationId, t.electionId],
      [groupElections.organisationId, groupElections.id],
      'cascade',
    ),
    index('election_ballots_election_idx').on(t.electionId),
    tenantIsolation('election_ballots'),
  ],
).enableRLS();

/**
 * A stratified random draw from the people who said yes: quotas by service
 * type, specialism or area, and the seed, so the same draw can be made again.
 */
export const groupDraws = pgTable(
  'group_draws',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    groupId: uuid('group_id').notNull(),
    seatId: uuid('seat_id').notNull(),
    size: integer('size').notNull(),
    /** service_type, specialism or area */
    dimension: text('dimension').notNull(),
    /** Places by code: { "hostel": 2, … }. */
    quotas: jsonb('quotas').notNull(),
    seed: text('seed').notNull(),
    /** The pool, in the order the draw read it, and who was drawn (person ids). */
    pool: jsonb('pool').notNull(),
    drawn: jsonb('drawn').notNull(),
    drawnBy: text('drawn_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('group_draws', t),
    tenantForeignKey(
      'group_draws_group_id_groups_id_fk',
      [t.organisationId, t.groupId],
      [groups.organisationId, groups.id],
      'cascade',
    ),
    tenantForeignKey(
      'group_draws_seat_id_group_seats_id_fk',
      [t.organisationId, t.seatId],
      [groupSeats.organisationId, groupSeats.id],
      'cascade',
    ),
    tenantIsolation('group_draws'),
  ],
).enableRLS();

export type GroupRow = typeof groups.$inferSelect;
export type GroupTermsRow = typeof groupTerms.$inferSelect;
export type GroupSeatRow = typeof groupSeats.$inferSelect;
export type GroupMemberRow = typeof groupMembers.$inferSelect;

/**
 * An interview for a seat filled by interview: a panel (customers and staff,
 * people on the register), candidates, each panellist's score and note for
 * each candidate, and the decision, which seats the chosen candidate.
 */
export const groupInterviews = pgTable(
  'group_interviews',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    groupId: uuid('group_id').notNull(),
    seatId: uuid('seat_id').notNull(),
    title: text('title').notNull(),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    /** open, decided */
    status: text('status').notNull().default('open'),
    /** Why the panel chose as it did. */
    decisionNote: text('decision_note'),
    decidedBy: text('decided_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('group_interviews', t),
    tenantForeignKey(
      'group_interviews_group_id_groups_id_fk',
      [t.organisationId, t.groupId],
      [groups.organisationId, groups.id],
      'cascade',
    ),
    tenantForeignKey(
      'group_interviews_seat_id_group_seats_id_fk',
      [t.organisationId, t.seatId],
      [groupSeats.organisationId, groupSeats.id],
      'cascade',
    ),
    index('group_interviews_group_idx').on(t.groupId),
    tenantIsolation('group_interviews'),
  ],
).enableRLS();

/** Someone on an interview panel: a customer or a member of staff, from the register. */
export const interviewPanellists = pgTable(
  'interview_panellists',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    interviewId: uuid('interview_id').notNull(),
    personId: uuid('person_id').notNull(),
    /** customer or staff */
    kind: text('kind').notNull(),
  },
  (t) => [
    tenantPrimaryKey('interview_panellists', t),
    tenantForeignKey(
      'interview_panellists_interview_id_group_interviews_id_fk',
      [t.organisationId, t.interviewId],
      [groupInterviews.organisationId, groupInterviews.id],
      'cascade',
    ),
    tenantForeignKey(
      'interview_panellists_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    uniqueIndex('interview_panellists_person_idx').on(t.organisationId, t.interviewId, t.personId),
    tenantIsolation('interview_panellists'),
  ],
).enableRLS();

/** A candidate at an interview, and the outcome for them. */
export const interviewCandidates = pgTable(
  'interview_candidates',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    interviewId: uuid('interview_id').notNull(),
    personId: uuid('person_id').notNull(),
    /** waiting, appointed, not_appointed */
    outcome: text('outcome').notNull().default('waiting'),
  },
  (t) => [
    tenantPrimaryKey('interview_candidates', t),
    tenantForeignKey(
      'interview_candidates_interview_id_group_interviews_id_fk',
      [t.organisationId, t.interviewId],
      [groupInterviews.organisationId, groupInterviews.id],
      'cascade',
    ),
    tenantForeignKey(
      'interview_candidates_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    uniqueIndex('interview_candidates_person_idx').on(t.organisationId, t.interviewId, t.personId),
    tenantIsolation('interview_candidates'),
  ],
).enableRLS();

/** One panellist's score (1 to 5) and note for one candidate. */
export const interviewScores = pgTable(
  'interview_scores',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    candidateId: uuid('candidate_id').notNull(),
    panellistId: uuid('panellist_id').notNull(),
    score: integer('score').notNull(),
    note: text('note'),
  },
  (t) => [
    tenantPrimaryKey('interview_scores', t),
    tenantForeignKey(
      'interview_scores_candidate_id_interview_candidates_id_fk',
      [t.organisationId, t.candidateId],
      [interviewCandidates.organisationId, interviewCandidates.id],
      'cascade',
    ),
    tenantForeignKey(
      'interview_scores_panellist_id_interview_panellists_id_fk',
      [t.organisationId, t.panellistId],
      [interviewPanellists.organisationId, interviewPanellists.id],
      'cascade',
    ),
    uniqueIndex('interview_scores_pair_idx').on(t.organisationId, t.candidateId, t.panellistId),
    tenantIsolation('interview_scores'),
  ],
).enableRLS();
