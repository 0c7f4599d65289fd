import { eq, sql, type SQL } from 'drizzle-orm';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { audit, auditLog, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { dateInputValues, readDateInput, type FieldProblem } from '../../platform/forms/index.ts';
import {
  isLanguage,
  translator,
  type Language,
  type Translator,
} from '../../platform/i18n/index.ts';
import { translatorsIn } from '../../platform/i18n/overrides.ts';
import { enqueue, type JobHandler } from '../../platform/jobs/index.ts';
import { hashToken, newToken, TOKEN_PATTERN } from '../../platform/http/link-tokens.ts';
import { UUID, pageWithin } from '../../platform/http/params.ts';
import { queueMail } from '../../platform/mail/index.ts';
import { organisations } from '../../platform/tenancy/index.ts';
import { formatDate, formatWeekday } from '../../platform/views/index.ts';
import { needsEasyRead, recordInvolvement, sumNeedsOf } from '../people/index.ts';
import { activities, attendance, invitations, type ActivityRow } from './tables.ts';
import { unansweredThisWeek } from './work-waiting.ts';

/**
 * Activities (meetings, workshops, interview panels, audit visits, drop-ins,
 * training): invitations with an iCalendar file, RSVP by link without
 * signing in, reminders by job, and the attendance register with the hours
 * that follow from it (issue 5 §6).
 */

// ---------------------------------------------------------------------------
// Time in England

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function partsOf(at: Date): Record<string, string> {
  return Object.fromEntries(londonParts.formatToParts(at).map((p) => [p.type, p.value]));
}

/** Minutes England is ahead of UTC at that moment (0 or 60). */
function londonOffsetMinutes(at: Date): number {
  const p = partsOf(at);
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

/** The moment a date and a 24-hour time mean on a clock in England. */
export function londonDateTime(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, min] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, h, min);
  const first = wall - londonOffsetMinutes(new Date(wall)) * 60000;
  return new Date(wall - londonOffsetMinutes(new Date(first)) * 60000);
}

/** A moment as a date and 24-hour time on a clock in England. */
export function londonDateAndTime(at: Date): { date: string; time: string } {
  const p = partsOf(at);
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** "14:30", "2:30pm", "2pm", "9.15 am" → "14:30"; null when it is not a time. */
export function parseTime(value: string): string | null {
  const match = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/i.exec(value.trim());
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = match[2] === undefined ? 0 : Number(match[2]);
  const half = match[3]?.toLowerCase().replace(/\./g, '');
  if (minute > 59) return null;
  if (half) {
    if (hour < 1 || hour > 12) return null;
    if (half === 'am' && hour === 12) hour = 0;
    if (half === 'pm' && hour !== 12) hour += 12;
  } else if (hour > 23) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** Hours between two moments, to 2 decimal places: a 2h30 meeting is 2.5. */
export function durationHours(startsAt: Date, endsAt: Date): number {
  return Math.round(((endsAt.getTime() - startsAt.getTime()) / 3_600_000) * 100) / 100;
}

// ---------------------------------------------------------------------------
// The activity form

export type Body = Record<string, unknown>;
export type ActivityValues = Record<string, string>;

export interface ActivityFields {
  initiativeId: string;
  kind: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  onlineLink: string | null;
  capacity: number | null;
}

const tidy = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const oneLine = (value: unknown) => tidy(value).replace(/\s+/g, ' ');

export const TITLE_MAX = 200;
export const LOCATION_MAX = 500;

/**
 * Reads the activity form: the values as typed (to show again) and, when
 * every answer makes sense, the fields to save. Problems map a field's id to
 * the i18n key of its message.
 */
export function readActivityForm(
  body: Body,
  choices: { initiativeIds: Set<string>; kinds: Set<string> },
): { values: ActivityValues; fields: ActivityFields | null; problems: Record<string, string> } {
  const day = readDateInput(body, 'date', {
    required: true,
    min: '2000-01-01',
    max: '2100-12-31',
    keys: {
      required: 'activities.errors.date',
      notReal: 'activities.errors.dateInvalid',
      tooEarly: 'activities.errors.dateInvalid',
      tooLate: 'activities.errors.dateInvalid',
    },
  });
  const values: ActivityValues = {
    initiativeId: oneLine(body.initiativeId),
    kind: oneLine(body.kind),
    title: oneLine(body.title),
    ...day.values,
    startTime: oneLine(body.startTime),
    endTime: oneLine(body.endTime),
    location: tidy(body.location),
    onlineLink: oneLine(body.onlineLink),
    capacity: oneLine(body.capacity),
  };
  const problems: Record<string, string> = {};
  if (!choices.initiativeIds.has(values.initiativeId!))
    problems.initiativeId = 'activities.errors.initiative';
  if (!choices.kinds.has(values.kind!)) problems.kind = 'activities.errors.kind';
  if (!values.title) problems.title = 'activities.errors.title';
  else if (values.title.length > TITLE_MAX) problems.title = 'activities.errors.titleLong';

  // The date input's link lands on its first box.
  if (day.problem) problems['date-day'] = day.problem.key;
  const date = day.iso ?? '';

  const start = parseTime(values.startTime!);
  const end = parseTime(values.endTime!);
  if (!values.startTime) problems.startTime = 'activities.errors.startTime';
  else if (!start) problems.startTime = 'activities.errors.startTimeInvalid';
  if (!values.endTime) problems.endTime = 'activities.errors.endTime';
  else if (!end) problems.endTime = 'activities.errors.endTimeInvalid';
  else if (start && end <= start) problems.endTime = 'activities.errors.endBeforeStart';

  if (!values.location && !values.onlineLink) problems.location = 'activities.errors.where';
  else if (values.location!.length > LOCATION_MAX)
    problems.location = 'activities.errors.whereLong';
  if (values.onlineLink && !/^https:\/\/[^\s]+$/i.test(values.onlineLink))
    problems.onlineLink = 'activities.errors.onlineLink';
  let capacity: number | null = null;
  if (values.capacity) {
    if (!/^\d{1,5}$/.test(values.capacity) || Number(values.capacity) < 1)
      problems.capacity = 'activities.errors.capacity';
    else capacity = Number(values.capacity);
  }
  if (Object.keys(problems).length > 0) return { values, fields: null, problems };
  return {
    values,
    problems,
    fields: {
      initiativeId: values.initiativeId!,
      kind: values.kind!,
      title: values.title!,
      startsAt: londonDateTime(date, start!),
      endsAt: londonDateTime(date, end!),
      location: values.location || null,
      onlineLink: values.onlineLink || null,
      capacity,
    },
  };
}

/** The form's values for an activity being changed. */
export function valuesFromActivity(row: ActivityRow): ActivityValues {
  const start = londonDateAndTime(row.startsAt);
  const end = londonDateAndTime(row.endsAt);
  return {
    initiativeId: row.initiativeId,
    kind: row.kind,
    title: row.title,
    ...dateInputValues('date', start.date),
    startTime: start.time,
    endTime: end.time,
    location: row.location ?? '',
    onlineLink: row.onlineLink ?? '',
    capacity: row.capacity === null ? '' : String(row.capacity),
  };
}

// ---------------------------------------------------------------------------
// Activities

export const REMINDERS_JOB = 'participation.reminders';
const HOURS_48 = 48 * 3_600_000;

/** Queues the reminder job for 48 hours before the start (now, when that has passed). */
async function scheduleReminders(tx: Queryable, startsAt: Date, baseUrl: string): Promise<void> {
  if (startsAt.getTime() <= Date.now()) return;
  const runAt = new Date(Math.max(Date.now(), startsAt.getTime() - HOURS_48));
  await enqueue(tx, REMINDERS_JOB, { baseUrl }, { runAt });
}

const auditable = (fields: ActivityFields) => ({
  ...fields,
  startsAt: fields.startsAt.toISOString(),
  endsAt: fields.endsAt.toISOString(),
});

/** Adds an activity and queues its reminders. */
export async function createActivity(
  tx: Queryable,
  actor: Actor,
  fields: ActivityFields,
  context: { baseUrl: string },
): Promise<string> {
  const [row] = await tx
    .insert(activities)
    .values({ organisationId: sql`app_organisation_id()`, ...fields })
    .returning({ id: activities.id });
  await audit(tx, actor, {
    action: 'create',
    entity: 'activity',
    entityId: row!.id,
    after: auditable(fields),
  });
  await scheduleReminders(tx, fields.startsAt, context.baseUrl);
  return row!.id;
}

/** Changes an activity; a new start time sends reminders again. False when there is none. */
export async function updateActivity(
  tx: Queryable,
  actor: Actor,
  id: string,
  fields: ActivityFields,
  context: { baseUrl: string },
): Promise<boolean> {
  const [before] = await tx.select().from(activities).where(eq(activities.id, id));
  if (!before) return false;
  const moved = before.startsAt.getTime() !== fields.startsAt.getTime();
  await tx
    .update(activities)
    .set({ ...fields, ...(moved ? { remindersSentAt: null } : {}) })
    .where(eq(activities.id, id));
  const { organisationId: _o, ...was } = before;
  await audit(tx, actor, {
    action: 'update',
    entity: 'activity',
    entityId: id,
    before: was,
    after: auditable(fields),
  });
  if (moved) await scheduleReminders(tx, fields.startsAt, context.baseUrl);
  return true;
}

/**
 * Whether an activity was held follows from its date and its register, not
 * from a button (issue 10 §1): it has started, it was not cancelled, and
 * someone on its register attended. `a` is the activities row's alias.
 */
export function activityHeld(a: SQL): SQL {
  return sql`(${a}.status <> 'cancelled' and ${a}.starts_at <= now() and exists (
    select 1 from attendance held_t where held_t.activity_id = ${a}.id and held_t.status = 'attended'))`;
}

/**
 * What an activity is now, for people to read: planned (still to start, or
 * under way with no register yet), held, not_held (the register says no one
 * came), register_due (over, with no register) or cancelled. `register`, where
 * a list has counted its rows' registers already (grouped), gives the number
 * who attended and the number recorded instead of a look at the register a row.
 */
export function activityState(a: SQL, register?: { attended: SQL; recorded: SQL }): SQL {
  const held = register
    ? sql`(${a}.status <> 'cancelled' and ${a}.starts_at <= now() and ${register.attended} > 0)`
    : activityHeld(a);
  const recorded = register
    ? sql`${register.recorded} > 0`
    : sql`exists (select 1 from attendance state_t where state_t.activity_id = ${a}.id)`;
  return sql`(case
    when ${a}.status = 'cancelled' then 'cancelled'
    when ${held} then 'held'
    when ${recorded} and ${a}.starts_at <= now() then 'not_held'
    when ${a}.ends_at < now() then 'register_due'
    else 'planned' end)`;
}

export type ActivityState = 'planned' | 'held' | 'not_held' | 'register_due' | 'cancelled';

export interface ActivityListRow {
  id: string;
  title: string;
  kind: string;
  startsAt: Date;
  endsAt: Date;
  status: string;
  /** What it is now, from its date and register (activityState). */
  state: ActivityState;
  location: string | null;
  onlineLink: string | null;
  capacity: number | null;
  initiativeId: string;
  initiativeTitle: string;
  invited: number;
  yes: number;
  attended: number;
}

/** Activities on a page of each of the staff list's tables. */
export const ACTIVITY_PAGE_SIZE = 50;

/** A page of one of the staff list's tables, and how many it has in all. */
export interface ActivityListPage {
  rows: ActivityListRow[];
  total: number;
  page: number;
  pages: number;
}

/**
 * A page of upcoming activities (soonest first) and a page of past ones
 * (latest first), each with how many there are, and each row with the
 * numbers invited, saying yes and attending: three queries (the totals, then
 * each page with its rows' invitations and registers counted together,
 * grouped), however many activities there are. A page past a table's last
 * is its last. With unansweredBy (from the staff home: those starting by
 * that day with an invitation not answered) there are no past ones.
 */
export async function listActivities(
  tx: Queryable,
  filter: { initiativeId?: string | undefined; unansweredBy?: string | undefined } = {},
  asked: { upcoming?: number; past?: number } = {},
): Promise<{ upcoming: ActivityListPage; past: ActivityListPage }> {
  let where = filter.initiativeId ? sql`a.initiative_id = ${filter.initiativeId}` : sql`true`;
  if (filter.unansweredBy) {
    where = sql`${where} and ${unansweredThisWeek(sql`a`, filter.unansweredBy)}`;
  }
  // Each total counted apart, so that each reads along the index of end times
  // only the activities it counts (one count of both read every activity).
  const [totals] = rowsOf<{ upcoming: number; past: number }>(
    await tx.execute(sql`
      select
        (select count(*) from activities a where ${where} and a.ends_at >= now())::int as upcoming,
        (select count(*) from activities a where ${where} and a.ends_at < now())::int as past`),
  );
  const page = async (
    total: number,
    wanted: number | undefined,
    when: SQL,
    order: SQL,
    /** Choose the table's activities first, then order them: see the upcoming table. */
    chooseFirst: boolean,
  ): Promise<ActivityListPage> => {
    const { page, pages, offset } = pageWithin(wanted ?? 1, total, ACTIVITY_PAGE_SIZE);
    if (total === 0) return { rows: [], total, page, pages };
    const chosen = chooseFirst
      ? sql`chosen as materialized (
          select a.id, a.title, a.kind, a.starts_at, a.ends_at, a.status, a.location,
            a.online_link, a.capacity, a.initiative_id
          from activities a where ${where} and ${when}
        ),`
      : sql``;
    const from = chooseFirst ? sql`chosen a` : sql`activities a where ${where} and ${when}`;
    const rows = rowsOf<ActivityListRow>(
      await tx.execute(sql`
        with ${chosen} page_rows as (
          select a.id, a.title, a.kind, a.starts_at, a.ends_at, a.status, a.location,
            a.online_link, a.capacity, a.initiative_id
          from ${from}
          order by ${order}
          limit ${ACTIVITY_PAGE_SIZE} offset ${offset}
        ), invited as (
          select v.activity_id, count(*)::int as invited,
            (count(*) filter (where v.rsvp = 'yes'))::int as yes
          from invitations v where v.activity_id in (select id from page_rows)
          group by v.activity_id
        ), register as (
          select t.activity_id, count(*)::int as recorded,
            (count(*) filter (where t.status = 'attended'))::int as attended
          from attendance t where t.activity_id in (select id from page_rows)
          group by t.activity_id
        )
        select a.id, a.title, a.kind, a.starts_at as "startsAt", a.ends_at as "endsAt", a.status,
          ${activityState(sql`a`, { attended: sql`coalesce(r.attended, 0)`, recorded: sql`coalesce(r.recorded, 0)` })} as state,
          a.location, a.online_link as "onlineLink", a.capacity,
          i.id as "initiativeId", i.title as "initiativeTitle",
          coalesce(v.invited, 0) as invited, coalesce(v.yes, 0) as yes,
          coalesce(r.attended, 0) as attended
        from page_rows a join initiative_summaries i on i.id = a.initiative_id
        left join invited v on v.activity_id = a.id
        left join register r on r.activity_id = a.id
        order by ${order}`),
    );
    return { rows, total, page, pages };
  };
  const upcoming = await page(
    totals?.upcoming ?? 0,
    asked.upcoming,
    sql`a.ends_at >= now()`,
    sql`a.starts_at, a.id`,
    // The activities not ended are few and come last in start order: found
    // along the index of end times and then ordered, rather than by walking
    // the start times past every activity that has ended (issue 15).
    true,
  );
  const past = filter.unansweredBy
    ? { rows: [], total: 0, page: 1, pages: 1 }
    : await page(
        totals?.past ?? 0,
        asked.past,
        sql`a.ends_at < now()`,
        sql`a.starts_at desc, a.id`,
        false,
      );
  return { upcoming, past };
}

/** Initiatives to choose from or filter by, in title order: one query. */
export async function initiativeChoices(tx: Queryable) {
  return rowsOf<{ id: string; title: string; status: string }>(
    await tx.execute(
      sql`select id, title, status from initiative_summaries order by lower(title), id limit 1000`,
    ),
  );
}

export interface ActivityDetail extends ActivityRow {
  initiativeTitle: string;
  rung: number;
  /** What it is now, from its date and register (activityState). */
  state: ActivityState;
}

export async function activityById(tx: Queryable, id: string): Promise<ActivityDetail | null> {
  const [row] = rowsOf<ActivityDetail>(
    await tx.execute(sql`
      select a.organisation_id as "organisationId", a.id, a.initiative_id as "initiativeId", a.kind,
        a.title, a.starts_at as "startsAt", a.ends_at as "endsAt", a.location,
        a.online_link as "onlineLink", a.capacity, a.status, a.reminders_sent_at as "remindersSentAt",
        a.created_at as "createdAt", i.title as "initiativeTitle", i.rung,
        ${activityState(sql`a`)} as state
      from activities a join initiative_summaries i on i.id = a.initiative_id
      where a.id = ${id}`),
  );
  if (!row) return null;
  // Raw rows may carry timestamps as text on one driver and dates on another.
  return {
    ...row,
    startsAt: new Date(row.startsAt),
    endsAt: new Date(row.endsAt),
    remindersSentAt: row.remindersSentAt ? new Date(row.remindersSentAt) : null,
    createdAt: new Date(row.createdAt),
  };
}

/** One person invited to, or recorded at, an activity. */
export interface RosterRow {
  id: string;
  reference: string;
  firstName: string;
  lastName: string;
  preferredName: string | null;
  needs: string[];
  needsNote: string | null;
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  town: string | null;
  postcode: string | null;
  consents: string[];
  doNotContact: boolean;
  invitationId: string | null;
  rsvp: string | null;
  respondedAt: string | null;
  attendance: string | null;
  role: string | null;
  hours: number | null;
  /** Accepted for one of the initiative's opportunities, asking to hear by email. */
  acceptedByEmail: boolean;
  /** Whether invitations and reminders reach them by email. */
  byEmail: boolean;
}

/** Everyone invited to an activity or on its register, in name order: one query. */
export async function activityRoster(tx: Queryable, activityId: string): Promise<RosterRow[]> {
  const rows = rowsOf<Omit<RosterRow, 'byEmail'>>(
    await tx.execute(sql`
      with roster as (
        select person_id from invitations where activity_id = ${activityId}
        union
        select person_id from attendance where activity_id = ${activityId}
      )
      select p.id, p.reference, p.first_name as "firstName", p.last_name as "lastName",
        p.preferred_name as "preferredName", p.needs, p.needs_note as "needsNote", p.email, p.phone,
        p.address_line_1 as "addressLine1", p.town, p.postcode, p.consents,
        ${acceptedByEmail(sql`p`, sql`(select a.initiative_id from activities a where a.id = ${activityId})`)} as "acceptedByEmail",
        p.do_not_contact as "doNotContact",
        v.id as "invitationId", v.rsvp, v.responded_at as "respondedAt",
        t.status as attendance, t.role, t.hours::float8 as hours
      from roster r
      join register_people p on p.id = r.person_id
      left join invitations v on v.activity_id = ${activityId} and v.person_id = p.id
      left join attendance t on t.activity_id = ${activityId} and t.person_id = p.id
      order by lower(p.last_name), lower(p.first_name), p.id`),
  );
  return rows.map((row) => ({ ...row, byEmail: reachableByEmail(row) }));
}

/**
 * Whether a person accepted for one of the initiative's opportunities asked
 * to hear by email: their invitations and reminders for the initiative's
 * activities are part of what they signed up for, so they reach them by
 * email even without the wider consent to be contacted about other things.
 */
function acceptedByEmail(person: SQL, initiativeId: SQL): SQL {
  return sql`(${person}.preferred_channels[1] = 'email' and exists (
    select 1 from sign_ups s join opportunities o on o.id = s.opportunity_id
    where s.person_id = ${person}.id and s.status = 'accepted' and o.initiative_id = ${initiativeId}))`;
}

const reachableByEmail = (p: {
  email: string | null;
  consents: string[];
  doNotContact: boolean;
  acceptedByEmail: boolean;
}) =>
  Boolean(p.email) &&
  (p.consents.includes('contact_email') || p.acceptedByEmail) &&
  !p.doNotContact;

/**
 * Everything the activity page shows, in a fixed number of queries however
 * many are invited: the activity, its roster, the access needs of everyone
 * invited summed, and how many accepted sign-ups are not yet invited.
 */
export async function loadActivityPage(tx: Queryable, id: string) {
  const activity = await activityById(tx, id);
  if (!activity) return null;
  const roster = await activityRoster(tx, id);
  const invitedIds = roster.filter((r) => r.invitationId).map((r) => r.id);
  const needs = await sumNeedsOf(tx, invitedIds);
  const [pending] = rowsOf<{ n: number }>(
    await tx.execute(sql`
      select count(distinct s.person_id)::int as n
      from sign_ups s join opportunities o on o.id = s.opportunity_id
      join register_people p on p.id = s.person_id
      where o.initiative_id = ${activity.initiativeId} and s.status = 'accepted'
        and p.erased_at is null and not p.do_not_contact
        and not exists (select 1 from invitations v where v.activity_id = ${id} and v.person_id = s.person_id)`),
  );
  return { activity, roster, needs, pendingSignUps: pending?.n ?? 0 };
}

// ---------------------------------------------------------------------------
// Invitations

/** The invitation an RSVP link belongs to: the first email's link, or the reminder's. */
function linkMatches(token: string): SQL {
  const hash = hashToken(token);
  return sql`(v.token_hash = ${hash} or v.reminder_token_hash = ${hash})`;
}

const textArray = (values: string[]) =>
  values.length
    ? sql`array[${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}]::text[]`
    : sql`array[]::text[]`;

const uuidList = (ids: string[]) =>
  sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

/**
 * The people a list of references names, one reference a line, in one
 * query (earlier references of merged records included, erased people not);
 * the lines no one has, by number.
 */
export async function resolveReferences(
  tx: Queryable,
  text: string,
): Promise<{ ids: string[]; unknown: Array<{ line: number; reference: string }> }> {
  const lines = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: i + 1, reference: line.trim() }))
    .filter((l) => l.reference)
    .slice(0, 500);
  if (lines.length === 0) return { ids: [], unknown: [] };
  const rows = rowsOf<{ n: number; id: string | null }>(
    await tx.execute(sql`
      select r.n::int as n, (
        select x.id from (
          select p.id from register_people p
          where p.reference in (r.ref, upper(r.ref)) and p.erased_at is null
          union all
          select pa.person_id from register_person_aliases pa where pa.reference in (r.ref, upper(r.ref))
        ) x limit 1) as id
      from unnest(${textArray(lines.map((l) => l.reference))}) with ordinality as r(ref, n)`),
  );
  const byLine = new Map(rows.map((r) => [r.n, r.id]));
  const ids: string[] = [];
  const unknown: Array<{ line: number; reference: string }> = [];
  lines.forEach((l, i) => {
    const id = byLine.get(i + 1);
    if (id) ids.push(id);
    else unknown.push(l);
  });
  return { ids: [...new Set(ids)], unknown };
}

/**
 * Which of the ids posted from a picker are people on this organisation's
 * register (the view is row-level secured, so another organisation's people
 * are not found), erased people left out; ids that are not ids are unknown.
 */
export async function peopleOnRegister(
  tx: Queryable,
  ids: string[],
): Promise<{ known: string[]; unknown: string[] }> {
  const unique = [...new Set(ids)];
  const wellFormed = unique.filter((id) => UUID.test(id));
  const rows = wellFormed.length
    ? rowsOf<{ id: string }>(
        await tx.execute(sql`
          select p.id from register_people p
          where p.id in (${uuidList(wellFormed)}) and p.erased_at is null`),
      )
    : [];
  const found = new Set(rows.map((r) => r.id));
  return {
    known: unique.filter((id) => found.has(id)),
    unknown: unique.filter((id) => !found.has(id)),
  };
}

/** People accepted for an opportunity of the activity's initiative: one query. */
export async function acceptedSignUps(tx: Queryable, activityId: string): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`
      select distinct s.person_id as id
      from activities a
      join opportunities o on o.initiative_id = a.initiative_id
      join sign_ups s on s.opportunity_id = o.id
      where a.id = ${activityId} and s.status = 'accepted' and s.person_id is not null`),
  );
  return rows.map((r) => r.id);
}

/** Where an activity is, in words: the place, the online link, or both. */
export function whereText(
  activity: { location: string | null; onlineLink: string | null },
  language: Language,
  /** The translator to write with: the organisation's own words (translatorsIn) in a message. */
  tr: Translator = translator(language),
): string {
  const parts: string[] = [];
  if (activity.location) parts.push(activity.location.replace(/\s*\n\s*/g, ', '));
  if (activity.onlineLink)
    parts.push(tr.text('activities.onlineAt', { link: activity.onlineLink }));
  return parts.join(tr.text('activities.whereJoin'));
}

/** A time as GOV.UK writes it, in England: "10am", "12:30pm". */
export function clockTime(at: Date): string {
  const [h, m] = londonDateAndTime(at).time.split(':').map(Number) as [number, number];
  const hour = h % 12 || 12;
  return `${hour}${m ? `:${String(m).padStart(2, '0')}` : ''}${h >= 12 ? 'pm' : 'am'}`;
}

/** "23 November 2026, 10:15am to 12:45pm" in the reader's language. */
export function whenText(
  activity: { startsAt: Date; endsAt: Date },
  language: Language,
  tr: Translator = translator(language),
): string {
  const startDay = formatDate(activity.startsAt, language, false);
  const endDay = formatDate(activity.endsAt, language, false);
  const start = `${startDay}, ${clockTime(activity.startsAt)}`;
  const end =
    startDay === endDay ? clockTime(activity.endsAt) : `${endDay}, ${clockTime(activity.endsAt)}`;
  return tr.text('activities.whenRange', { start, end });
}

/**
 * The date and the time apart, for easy-read messages (each on a line of its
 * own): "Monday 23 November 2026" and "10:15am to 12:45pm".
 */
export function easyWhen(
  activity: { startsAt: Date; endsAt: Date },
  language: Language,
  tr: Translator = translator(language),
): { date: string; time: string } {
  const dayOf = (at: Date) => formatWeekday(at, language);
  const startDay = dayOf(activity.startsAt);
  const endDay = dayOf(activity.endsAt);
  const range = (start: string, end: string) => tr.text('activities.whenRange', { start, end });
  return {
    date: startDay === endDay ? startDay : range(startDay, endDay),
    time: range(clockTime(activity.startsAt), clockTime(activity.endsAt)),
  };
}

/** The iCalendar file for an activity (one VEVENT), for the invitation. */
export function activityCalendar(
  activity: Pick<ActivityRow, 'id' | 'title' | 'startsAt' | 'endsAt' | 'location' | 'onlineLink'>,
  options: { organisationName: string; baseUrl: string; url: string; language: Language },
): string {
  const host = hostOf(options.baseUrl);
  const calendar = ical({
    prodId: { company: 'Coproduce', product: 'Coproduce', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  const where = whereText(activity, options.language);
  calendar.createEvent({
    id: `activity-${activity.id}@${host}`,
    start: activity.startsAt,
    end: activity.endsAt,
    summary: activity.title,
    location: where || null,
    url: activity.onlineLink ?? options.url,
    organizer: { name: options.organisationName, email: `no-reply@${host}` },
  });
  return calendar.toString();
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
}

interface Invitee {
  id: string;
  email: string | null;
  consents: string[];
  doNotContact: boolean;
  acceptedByEmail: boolean;
  language: string;
  /** The name they like to be called, for the greeting. */
  name: string | null;
  /** Their record asks for easy read: messages come in easy read. */
  easyRead: boolean;
}

const languageOf = (p: { language: string }): Language =>
  isLanguage(p.language) ? p.language : 'en';

async function organisationNameOf(tx: Queryable): Promise<string> {
  const [org] = await tx.select({ name: organisations.name }).from(organisations).limit(1);
  return org?.name ?? 'Coproduce';
}

/** Writes one audit record per person in one statement, so erasure can clear each. */
async function auditPeople(
  tx: Queryable,
  actor: Actor,
  action: string,
  rows: Array<{ personId: string; after: unknown }>,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(auditLog).values(
    rows.map((r) => ({
      organisationId: sql`app_organisation_id()`,
      actorUserId: actor.userId,
      actorLabel: actor.label,
      action,
      entity: 'person',
      entityId: r.personId,
      after: r.after,
      ip: actor.ip,
    })),
  );
}

export interface InviteOutcome {
  /** Newly invited. */
  invited: number;
  /** Invited before: never twice. */
  already: number;
  /** Of those newly invited, sent an email with the calendar file. */
  emailed: number;
  /** Of those newly invited, to contact by phone or letter. */
  byPhoneOrLetter: number;
  /** Asked not to be contacted: not invited. */
  doNotContact: number;
}

/**
 * Invites people to an activity, never twice. Each invitation has its own
 * RSVP link; people with an email address who consented to email get the
 * invitation with an iCalendar file, the rest go on the page's "contact by
 * phone or letter" list. Anyone who asked not to be contacted is left out.
 */
export async function inviteToActivity(
  tx: Queryable,
  actor: Actor,
  activityId: string,
  personIds: string[],
  context: { baseUrl: string },
): Promise<InviteOutcome | null> {
  const activity = await activityById(tx, activityId);
  if (!activity) return null;
  const outcome: InviteOutcome = {
    invited: 0,
    already: 0,
    emailed: 0,
    byPhoneOrLetter: 0,
    doNotContact: 0,
  };
  if (personIds.length === 0) return outcome;
  const found = rowsOf<Invitee>(
    await tx.execute(sql`
      select p.id, p.email, p.consents, p.do_not_contact as "doNotContact", p.language,
        coalesce(nullif(trim(p.preferred_name), ''), p.first_name) as name,
        ${needsEasyRead(sql`p`)} as "easyRead",
        ${acceptedByEmail(sql`p`, sql`(select a.initiative_id from activities a where a.id = ${activityId})`)} as "acceptedByEmail"
      from register_people p where p.id in (${uuidList(personIds)}) and p.erased_at is null`),
  );
  const eligible = found.filter((p) => !p.doNotContact);
  outcome.doNotContact = found.length - eligible.length;
  const tokens = new Map(eligible.map((p) => [p.id, newToken().token]));
  const inserted = eligible.length
    ? await tx
        .insert(invitations)
        .values(
          eligible.map((p) => ({
            organisationId: sql`app_organisation_id()`,
            activityId,
            personId: p.id,
            tokenHash: hashToken(tokens.get(p.id)!),
          })),
        )
        .onConflictDoNothing()
        .returning({ personId: invitations.personId })
    : [];
  outcome.invited = inserted.length;
  outcome.already = eligible.length - inserted.length;
  const newly = new Set(inserted.map((r) => r.personId));
  const organisationName = await organisationNameOf(tx);
  const inOwnWords = translatorsIn(tx);
  for (const person of eligible) {
    if (!newly.has(person.id)) continue;
    if (!reachableByEmail(person)) {
      outcome.byPhoneOrLetter += 1;
      continue;
    }
    const language = languageOf(person);
    const { tr, translations } = await inOwnWords(language);
    const link = `${context.baseUrl}/rsvp/${tokens.get(person.id)}`;
    await queueMail(tx, {
      to: person.email!,
      template: 'activity-invitation',
      language,
      translations,
      easyRead: person.easyRead,
      vars: {
        organisation: organisationName,
        name: person.name ?? '',
        title: activity.title,
        when: whenText(activity, language, tr),
        where: whereText(activity, language, tr),
        ...easyWhen(activity, language, tr),
      },
      link,
      attachments: [
        {
          filename: 'invitation.ics',
          contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
          content: activityCalendar(activity, {
            organisationName,
            baseUrl: context.baseUrl,
            url: link,
            language,
          }),
        },
      ],
    });
    outcome.emailed += 1;
  }
  await audit(tx, actor, {
    action: 'invite',
    entity: 'activity',
    entityId: activityId,
    after: { ...outcome, personIds: [...newly] },
  });
  await auditPeople(
    tx,
    actor,
    'invite',
    [...newly].map((personId) => ({ personId, after: { activityId } })),
  );
  return outcome;
}

export const RSVP_ANSWERS = ['yes', 'no'] as const;
export type RsvpAnswer = (typeof RSVP_ANSWERS)[number];

/** Answers staff record for people they reached by phone or letter. */
export async function recordAnswers(
  tx: Queryable,
  actor: Actor,
  activityId: string,
  answers: Array<{ personId: string; rsvp: RsvpAnswer }>,
): Promise<number> {
  if (answers.length === 0) return 0;
  const values = sql.join(
    answers.map((a) => sql`(${a.personId}::uuid, ${a.rsvp})`),
    sql`, `,
  );
  const changed = rowsOf<{ personId: string; rsvp: string }>(
    await tx.execute(sql`
      update invitations v set rsvp = x.rsvp, responded_at = now()
      from (values ${values}) as x(person_id, rsvp)
      where v.activity_id = ${activityId} and v.person_id = x.person_id
        and v.rsvp is distinct from x.rsvp
      returning v.person_id as "personId", v.rsvp`),
  );
  if (changed.length) {
    await audit(tx, actor, {
      action: 'rsvp-recorded',
      entity: 'activity',
      entityId: activityId,
      after: { answers: changed.length },
    });
    await auditPeople(
      tx,
      actor,
      'rsvp',
      changed.map((c) => ({ personId: c.personId, after: { activityId, rsvp: c.rsvp } })),
    );
  }
  return changed.length;
}

// ---------------------------------------------------------------------------
// RSVP by link

export interface RsvpView {
  personId: string;
  firstName: string;
  rsvp: string | null;
  activity: {
    title: string;
    kind: string;
    startsAt: Date;
    endsAt: Date;
    location: string | null;
    onlineLink: string | null;
    status: string;
  };
}

/** What the RSVP page shows for a link: the activity and the person's first name only. */
export async function invitationByToken(tx: Queryable, token: string): Promise<RsvpView | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  return invitationView(tx, linkMatches(token));
}

/**
 * The same for a signed-in customer: their person's invitation to this
 * activity (the account's users.person_id), with no link needed.
 */
export async function invitationForPerson(
  tx: Queryable,
  activityId: string,
  personId: string,
): Promise<RsvpView | null> {
  return invitationView(tx, sql`v.activity_id = ${activityId} and v.person_id = ${personId}`);
}

async function invitationView(tx: Queryable, which: SQL): Promise<RsvpView | null> {
  const [row] = rowsOf<{
    personId: string;
    firstName: string;
    preferredName: string | null;
    rsvp: string | null;
    title: string;
    kind: string;
    startsAt: string | Date;
    endsAt: string | Date;
    location: string | null;
    onlineLink: string | null;
    status: string;
  }>(
    await tx.execute(sql`
      select v.person_id as "personId", p.first_name as "firstName",
        p.preferred_name as "preferredName", v.rsvp,
        a.title, a.kind, a.starts_at as "startsAt", a.ends_at as "endsAt", a.location,
        a.online_link as "onlineLink", a.status
      from invitations v
      join activities a on a.id = v.activity_id
      join register_people p on p.id = v.person_id
      where ${which} and p.erased_at is null`),
  );
  if (!row) return null;
  return {
    personId: row.personId,
    firstName: row.preferredName || row.firstName,
    rsvp: row.rsvp,
    activity: {
      title: row.title,
      kind: row.kind,
      startsAt: new Date(row.startsAt),
      endsAt: new Date(row.endsAt),
      location: row.location,
      onlineLink: row.onlineLink,
      status: row.status,
    },
  };
}

/** Whether an activity still takes answers: planned and not yet over. */
export const takesAnswers = (activity: { status: string; endsAt: Date }) =>
  activity.status === 'planned' && activity.endsAt.getTime() > Date.now();

/** Records the answer given through an RSVP link. False when the link does not work. */
export async function recordRsvp(
  tx: Queryable,
  actor: Actor,
  token: string,
  answer: RsvpAnswer,
): Promise<boolean> {
  if (!TOKEN_PATTERN.test(token)) return false;
  const [row] = rowsOf<{ personId: string; activityId: string }>(
    await tx.execute(sql`
      update invitations v set rsvp = ${answer}, responded_at = now()
      from activities a
      where ${linkMatches(token)} and a.id = v.activity_id
        and a.status = 'planned' and a.ends_at > now()
      returning v.person_id as "personId", v.activity_id as "activityId"`),
  );
  if (!row) return false;
  await audit(tx, actor, {
    action: 'rsvp',
    entity: 'person',
    entityId: row.personId,
    after: { activityId: row.activityId, rsvp: answer },
  });
  return true;
}

// ---------------------------------------------------------------------------
// Reminders

/**
 * Sends the reminders that are due: for every planned activity starting in
 * the next 48 hours whose reminders have not gone, a reminder to each person
 * invited who said yes or has not answered and can be emailed. Each reminder
 * carries a fresh RSVP link (the database keeps only hashes, so the first
 * link cannot be sent again); the activity is marked in the same statement
 * that picks it, so reminders go once. Returns how many were queued.
 */
export async function sendDueReminders(
  tx: Queryable,
  context: { baseUrl: string },
): Promise<number> {
  const due = rowsOf<{
    id: string;
    title: string;
    startsAt: string | Date;
    endsAt: string | Date;
    location: string | null;
    onlineLink: string | null;
  }>(
    await tx.execute(sql`
      update activities set reminders_sent_at = now()
      where id in (
        select id from activities
        where status = 'planned' and reminders_sent_at is null
          and starts_at > now() and starts_at <= now() + interval '48 hours'
        for update skip locked)
      returning id, title, starts_at as "startsAt", ends_at as "endsAt", location,
        online_link as "onlineLink"`),
  ).map((a) => ({ ...a, startsAt: new Date(a.startsAt), endsAt: new Date(a.endsAt) }));
  if (due.length === 0) return 0;
  const invitees = rowsOf<{
    invitationId: string;
    activityId: string;
    email: string;
    language: string;
    easyRead: boolean;
  }>(
    await tx.execute(sql`
      select v.id as "invitationId", v.activity_id as "activityId", p.email, p.language,
        ${needsEasyRead(sql`p`)} as "easyRead"
      from invitations v join register_people p on p.id = v.person_id
      where v.activity_id in (${uuidList(due.map((a) => a.id))})
        and (v.rsvp is null or v.rsvp = 'yes')
        and p.email is not null
        and ('contact_email' = any(p.consents)
             or ${acceptedByEmail(sql`p`, sql`(select a.initiative_id from activities a where a.id = v.activity_id)`)})
        and not p.do_not_contact and p.erased_at is null`),
  );
  if (invitees.length === 0) return 0;
  const tokens = new Map(invitees.map((i) => [i.invitationId, newToken().token]));
  const values = sql.join(
    invitees.map((i) => sql`(${i.invitationId}::uuid, ${hashToken(tokens.get(i.invitationId)!)})`),
    sql`, `,
  );
  await tx.execute(sql`
    update invitations v set reminder_token_hash = x.hash, reminded_at = now()
    from (values ${values}) as x(id, hash) where v.id = x.id`);
  const organisationName = await organisationNameOf(tx);
  const inOwnWords = translatorsIn(tx);
  const byId = new Map(due.map((a) => [a.id, a]));
  for (const invitee of invitees) {
    const activity = byId.get(invitee.activityId)!;
    const language = languageOf(invitee);
    const { tr, translations } = await inOwnWords(language);
    await queueMail(tx, {
      to: invitee.email,
      template: 'activity-reminder',
      language,
      translations,
      easyRead: invitee.easyRead,
      vars: {
        organisation: organisationName,
        title: activity.title,
        when: whenText(activity, language, tr),
        where: whereText(activity, language, tr),
        day: formatDate(activity.startsAt, language, false),
        ...easyWhen(activity, language, tr),
      },
      link: `${context.baseUrl}/rsvp/${tokens.get(invitee.invitationId)}`,
    });
  }
  return invitees.length;
}

/** The reminders job (participation's manifest declares it under REMINDERS_JOB). */
export const remindersJob: JobHandler = async ({ db }, payload) => {
  await db((tx) =>
    sendDueReminders(tx, { baseUrl: typeof payload.baseUrl === 'string' ? payload.baseUrl : '' }),
  );
};

// ---------------------------------------------------------------------------
// The attendance register

export const ATTENDANCE_STATUSES = ['attended', 'apologies', 'did_not_attend'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export interface AttendanceEntry {
  personId: string;
  status: AttendanceStatus;
  role: string | null;
  /** Hours given by hand; otherwise the activity's length when attended, else 0. */
  hours: number | null;
}

/**
 * Why the register cannot be taken yet, naming the day and time it can
 * (issue 10 §1): no one can have come to an activity that has not started.
 * Null when it can. `field` is the form's field the message belongs to.
 */
export function registerRefusal(
  activity: { startsAt: Date; status: string },
  language: Language,
  field = 'register',
): FieldProblem | null {
  if (activity.status === 'cancelled') return { field, key: 'attendance.errors.cancelled' };
  if (activity.startsAt.getTime() <= Date.now()) return null;
  const startsAt = `${formatDate(activity.startsAt, language, false)}, ${clockTime(activity.startsAt)}`;
  return { field, key: 'attendance.errors.notStarted', vars: { startsAt } };
}

/** Why a register could not be saved: `problem()` says it on the form. */
export class RegisterRefused extends Error {
  constructor(
    readonly reason: 'not_started' | 'cancelled',
    readonly startsAt: Date,
  ) {
    super(`attendance refused: the activity is ${reason.replace('_', ' ')}`);
  }

  problem(language: Language, field = 'register'): FieldProblem {
    const status = this.reason === 'cancelled' ? 'cancelled' : 'planned';
    return (
      registerRefusal({ startsAt: this.startsAt, status }, language, field) ?? {
        field,
        key: 'attendance.errors.notStarted',
        vars: { startsAt: formatDate(this.startsAt, language, true) },
      }
    );
  }
}

/**
 * Saves the register: one row per person (updated when there is one), hours
 * for those who attended, and the day they were last involved moved on in one
 * statement. The activity is then held because someone attended (see
 * activityHeld), not because the register was saved. False when there is no
 * activity; throws RegisterRefused before the activity starts (no one can
 * have come yet: no hours, rewards or ladder figures for it) or when it was
 * cancelled.
 */
export async function saveAttendance(
  tx: Queryable,
  actor: Actor,
  activityId: string,
  entries: AttendanceEntry[],
): Promise<boolean> {
  const [activity] = await tx.select().from(activities).where(eq(activities.id, activityId));
  if (!activity) return false;
  const startsAt = new Date(activity.startsAt);
  if (activity.status === 'cancelled') throw new RegisterRefused('cancelled', startsAt);
  if (startsAt.getTime() > Date.now()) throw new RegisterRefused('not_started', startsAt);
  const length = durationHours(activity.startsAt, activity.endsAt);
  const rows = entries.map((e) => ({
    ...e,
    hours: e.status === 'attended' ? (e.hours ?? length) : 0,
  }));
  if (rows.length > 0) {
    await tx
      .insert(attendance)
      .values(
        rows.map((r) => ({
          organisationId: sql`app_organisation_id()`,
          activityId,
          personId: r.personId,
          status: r.status,
          role: r.role,
          hours: r.hours,
        })),
      )
      .onConflictDoUpdate({
        target: [attendance.organisationId, attendance.activityId, attendance.personId],
        set: {
          status: sql`excluded.status`,
          role: sql`excluded.role`,
          hours: sql`excluded.hours`,
          recordedAt: sql`now()`,
        },
      });
    // The register keeps the day each person was last involved: it moves it on.
    const came = rowsOf<{ personId: string; day: string }>(
      await tx.execute(sql`
        select t.person_id as "personId", (a.starts_at at time zone 'Europe/London')::date::text as day
        from attendance t join activities a on a.id = t.activity_id
        where t.activity_id = ${activityId} and t.status = 'attended'`),
    );
    if (came[0])
      await recordInvolvement(
        tx,
        came.map((c) => c.personId),
        came[0].day,
      );
  }
  const counts = Object.fromEntries(
    ATTENDANCE_STATUSES.map((s) => [s, rows.filter((r) => r.status === s).length]),
  );
  await audit(tx, actor, {
    action: 'attendance',
    entity: 'activity',
    entityId: activityId,
    after: { ...counts, hours: rows.reduce((sum, r) => sum + r.hours, 0) },
  });
  await auditPeople(
    tx,
    actor,
    'attendance',
    rows.map((r) => ({
      personId: r.personId,
      after: { activityId, status: r.status, role: r.role, hours: r.hours },
    })),
  );
  return true;
}
