import { and, eq, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import type { FieldProblem } from '../../platform/forms/index.ts';
import { readDateInput } from '../../platform/forms/index.ts';
import { isLanguage, type Language } from '../../platform/i18n/index.ts';
import { enqueue, type JobHandler } from '../../platform/jobs/index.ts';
import { queueMail } from '../../platform/mail/index.ts';
import { needsEasyRead, sumNeedsOf } from '../people/index.ts';
import {
  activitiesByIds,
  attendanceOf,
  computeRewardsForActivity,
  createActivity,
  inviteToActivity,
  londonDateTime,
  parseTime,
  saveAttendance,
  type ActivitySummary,
  type AttendanceEntry,
} from '../participation/index.ts';
import {
  FREQUENCIES,
  LONG_MAX,
  TITLE_MAX,
  addDays,
  addMonths,
  currentMember,
  groupById,
  line,
  londonToday,
  paragraph,
  termsOf,
  wholeNumber,
  type GroupDetail,
} from './groups.ts';
import { dayInWords } from './reminders.ts';
import {
  groupActionUpdates,
  groupActions,
  groupAgendaItems,
  groupDecisions,
  groupMeetings,
  groupPapers,
} from './tables.ts';

type Body = Record<string, unknown>;

/** The day of a meeting in England, YYYY-MM-DD. */
export const dayOf = (at: Date): string =>
  at.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });

// ---------------------------------------------------------------------------
// The schedule

export interface ScheduleFields {
  firstOn: string;
  time: string;
  lengthMinutes: number;
  count: number;
  location: string | null;
  onlineLink: string | null;
}

/** Reads and checks the schedule form: the first day, the time, how long, how many. */
export function readScheduleForm(
  body: Body,
  today = londonToday(),
): { fields: ScheduleFields | null; values: Record<string, string>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const first = readDateInput(body, 'firstOn', {
    required: true,
    min: today,
    keys: {
      required: 'groups.meetings.errors.firstMissing',
      notReal: 'groups.meetings.errors.firstReal',
      tooEarly: 'groups.meetings.errors.firstPast',
    },
  });
  const values: Record<string, string> = {
    time: line(body, 'time'),
    lengthMinutes: line(body, 'lengthMinutes'),
    count: line(body, 'count'),
    location: line(body, 'location'),
    onlineLink: line(body, 'onlineLink'),
    ...first.values,
  };
  if (first.problem) problems.push(first.problem);
  const time = parseTime(values.time!);
  if (!time) problems.push({ field: 'time', key: 'groups.meetings.errors.time' });
  const length = wholeNumber(values.lengthMinutes!);
  if (length === null || Number.isNaN(length) || length < 15 || length > 600)
    problems.push({ field: 'lengthMinutes', key: 'groups.meetings.errors.length' });
  const count = wholeNumber(values.count!);
  if (count === null || Number.isNaN(count) || count < 1 || count > 12)
    problems.push({ field: 'count', key: 'groups.meetings.errors.count' });
  if (values.onlineLink && !/^https?:\/\/\S+$/.test(values.onlineLink))
    problems.push({ field: 'onlineLink', key: 'groups.meetings.errors.link' });
  if (!values.location && !values.onlineLink)
    problems.push({ field: 'location', key: 'groups.meetings.errors.where' });
  if (problems.length > 0) return { fields: null, values, problems };
  return {
    fields: {
      firstOn: first.iso!,
      time: time!,
      lengthMinutes: length!,
      count: count!,
      location: values.location || null,
      onlineLink: values.onlineLink || null,
    },
    values,
    problems,
  };
}

export const PAPERS_JOB = 'groups.papers-check';

/**
 * Schedules a body's next meetings from the frequency in its terms of
 * reference: each one a participation activity (kind meeting) under the
 * body's initiative, with the day members' agenda items close and the day
 * papers are due, and a check queued for that day (a reminder if late).
 */
export async function scheduleMeetings(
  tx: Queryable,
  actor: Actor,
  groupId: string,
  fields: ScheduleFields,
  context: { baseUrl: string },
): Promise<{ ids: string[] } | { problems: FieldProblem[] }> {
  const group = await groupById(tx, groupId);
  if (!group) return { problems: [{ field: 'firstOn', key: 'groups.meetings.errors.noGroup' }] };
  const [terms] = await termsOf(tx, groupId);
  if (!terms) return { problems: [{ field: 'firstOn', key: 'groups.meetings.errors.noTerms' }] };
  const months = FREQUENCIES[terms.frequency as keyof typeof FREQUENCIES] ?? 3;
  const ids: string[] = [];
  for (let n = 0; n < fields.count; n += 1) {
    const day = addMonths(fields.firstOn, n * months);
    const startsAt = londonDateTime(day, fields.time);
    const activityId = await createActivity(
      tx,
      actor,
      {
        initiativeId: group.initiativeId,
        kind: 'meeting',
        title: `${group.title}: ${dayInWords(day)}`,
        startsAt,
        endsAt: new Date(startsAt.getTime() + fields.lengthMinutes * 60_000),
        location: fields.location,
        onlineLink: fields.onlineLink,
        capacity: null,
      },
      context,
    );
    const papersDueOn = addDays(day, -group.papersDaysBefore);
    const [row] = await tx
      .insert(groupMeetings)
      .values({
        organisationId: sql`app_organisation_id()`,
        groupId,
        activityId,
        agendaDeadline: addDays(day, -group.agendaDaysBefore),
        papersDueOn,
      })
      .returning({ id: groupMeetings.id });
    ids.push(row!.id);
    await enqueue(
      tx,
      PAPERS_JOB,
      { baseUrl: context.baseUrl },
      { runAt: new Date(Math.max(Date.now(), Date.parse(`${papersDueOn}T17:00:00Z`))) },
    );
  }
  await audit(tx, actor, {
    action: 'meetings-schedule',
    entity: 'group',
    entityId: groupId,
    after: { ...fields, meetings: ids },
  });
  return { ids };
}

export interface MeetingRow {
  id: string;
  groupId: string;
  activityId: string;
  agendaDeadline: string;
  papersDueOn: string;
  papersSentAt: Date | null;
  minutes: string | null;
  minutesEasyRead: string | null;
}

export interface MeetingView extends MeetingRow {
  activity: ActivitySummary;
  day: string;
  /** Items members proposed that the chair has not yet decided. */
  proposed: number;
  papers: number;
  decisions: number;
}

/** A body's meetings in date order, with their activities: three queries. */
export async function meetingsOf(tx: Queryable, groupId: string): Promise<MeetingView[]> {
  const rows = rowsOf<MeetingRow & { proposed: number; papers: number; decisions: number }>(
    await tx.execute(sql`
      select m.id, m.group_id as "groupId", m.activity_id as "activityId",
        m.agenda_deadline::text as "agendaDeadline", m.papers_due_on::text as "papersDueOn",
        m.papers_sent_at as "papersSentAt", m.minutes, m.minutes_easy_read as "minutesEasyRead",
        (select count(*) from group_agenda_items i where i.meeting_id = m.id and i.status = 'proposed')::int as proposed,
        (select count(*) from group_papers p where p.meeting_id = m.id)::int as papers,
        (select count(*) from group_decisions d where d.meeting_id = m.id)::int as decisions
      from group_meetings m where m.group_id = ${groupId}`),
  );
  const activities = new Map(
    (
      await activitiesByIds(
        tx,
        rows.map((r) => r.activityId),
      )
    ).map((a) => [a.id, a]),
  );
  return rows
    .filter((r) => activities.has(r.activityId))
    .map((r) => {
      const activity = activities.get(r.activityId)!;
      return { ...r, activity, day: dayOf(activity.startsAt) };
    })
    .sort((a, b) => a.activity.startsAt.getTime() - b.activity.startsAt.getTime());
}

/** One meeting of a body, or null (the ids come from the address: both must match). */
export async function meetingOf(
  tx: Queryable,
  groupId: string,
  meetingId: string,
): Promise<MeetingView | null> {
  return (await meetingsOf(tx, groupId)).find((m) => m.id === meetingId) ?? null;
}

// ---------------------------------------------------------------------------
// The agenda, co-designed

export interface AgendaItem {
  id: string;
  title: string;
  detail: string | null;
  proposedByPersonId: string | null;
  proposedByLabel: string;
  status: 'proposed' | 'accepted' | 'declined';
  response: string | null;
  decidedBy: string | null;
  createdAt: Date;
}

/** A meeting's agenda items, accepted ones in order first: one query. */
export async function agendaOf(tx: Queryable, meetingId: string): Promise<AgendaItem[]> {
  return tx
    .select({
      id: groupAgendaItems.id,
      title: groupAgendaItems.title,
      detail: groupAgendaItems.detail,
      proposedByPersonId: groupAgendaItems.proposedByPersonId,
      proposedByLabel: groupAgendaItems.proposedByLabel,
      status: sql<AgendaItem['status']>`${groupAgendaItems.status}`,
      response: groupAgendaItems.response,
      decidedBy: groupAgendaItems.decidedBy,
      createdAt: groupAgendaItems.createdAt,
    })
    .from(groupAgendaItems)
    .where(eq(groupAgendaItems.meetingId, meetingId))
    .orderBy(groupAgendaItems.position, groupAgendaItems.createdAt, groupAgendaItems.id);
}

/** Reads an agenda item's title and detail. */
export function readItemForm(body: Body): {
  fields: { title: string; detail: string | null } | null;
  values: Record<string, string>;
  problems: FieldProblem[];
} {
  const values = { title: line(body, 'title'), detail: paragraph(body, 'detail') };
  const problems: FieldProblem[] = [];
  if (!values.title) problems.push({ field: 'title', key: 'groups.agenda.errors.title' });
  else if (values.title.length > TITLE_MAX)
    problems.push({ field: 'title', key: 'groups.errors.titleLong', vars: { max: TITLE_MAX } });
  if (values.detail.length > LONG_MAX)
    problems.push({
      field: 'detail',
      key: 'groups.errors.tooLong',
      label: 'groups.fieldNames.detail',
      vars: { max: LONG_MAX },
    });
  if (problems.length > 0) return { fields: null, values, problems };
  return { fields: { title: values.title, detail: values.detail || null }, values, problems };
}

/**
 * Adds an item to a meeting's agenda. A member proposes it (status
 * proposed, until the chair decides), and only until the meeting's agenda
 * deadline; staff add items accepted, at any time before the meeting.
 */
export async function proposeItem(
  tx: Queryable,
  actor: Actor,
  meeting: MeetingView,
  fields: { title: string; detail: string | null },
  by: { personId: string | null; label: string; staff: boolean },
  today = londonToday(),
): Promise<{ id: string } | { problems: FieldProblem[] }> {
  if (!by.staff && today > meeting.agendaDeadline)
    return {
      problems: [
        {
          field: 'title',
          key: 'groups.agenda.errors.closed',
          vars: { date: dayInWords(meeting.agendaDeadline) },
        },
      ],
    };
  if (meeting.activity.startsAt.getTime() < Date.now() && !by.staff)
    return { problems: [{ field: 'title', key: 'groups.agenda.errors.held' }] };
  const [row] = await tx
    .insert(groupAgendaItems)
    .values({
      organisationId: sql`app_organisation_id()`,
      meetingId: meeting.id,
      title: fields.title,
      detail: fields.detail,
      proposedByPersonId: by.personId,
      proposedByLabel: by.label,
      status: by.staff ? 'accepted' : 'proposed',
      decidedBy: by.staff ? actor.label : null,
    })
    .returning({ id: groupAgendaItems.id });
  await audit(tx, actor, {
    action: by.staff ? 'agenda-add' : 'agenda-propose',
    entity: 'group',
    entityId: meeting.groupId,
    after: { meetingId: meeting.id, itemId: row!.id, title: fields.title },
  });
  return { id: row!.id };
}

/** The chair (or staff for the chair) accepts or declines a proposed item, with a reason. */
export async function decideItem(
  tx: Queryable,
  actor: Actor,
  meetingId: string,
  itemId: string,
  decision: 'accepted' | 'declined',
  response: string | null,
): Promise<boolean> {
  const [row] = await tx
    .update(groupAgendaItems)
    .set({ status: decision, response, decidedBy: actor.label })
    .where(and(eq(groupAgendaItems.id, itemId), eq(groupAgendaItems.meetingId, meetingId)))
    .returning({ id: groupAgendaItems.id });
  if (!row) return false;
  await audit(tx, actor, {
    action: `agenda-${decision === 'accepted' ? 'accept' : 'decline'}`,
    entity: 'group_agenda_item',
    entityId: itemId,
    after: { meetingId, status: decision, response },
  });
  return true;
}

// ---------------------------------------------------------------------------
// Papers, with an easy-read version beside each

export type PaperRow = typeof groupPapers.$inferSelect;

/** A meeting's papers in the order they were added. */
export async function papersOf(tx: Queryable, meetingId: string): Promise<PaperRow[]> {
  return tx
    .select()
    .from(groupPapers)
    .where(eq(groupPapers.meetingId, meetingId))
    .orderBy(groupPapers.createdAt, groupPapers.id);
}

/** Reads a paper: its title, the paper and its easy-read version, all needed. */
export function readPaperForm(body: Body): {
  fields: { title: string; body: string; easyRead: string } | null;
  values: Record<string, string>;
  problems: FieldProblem[];
} {
  const values = {
    title: line(body, 'title'),
    body: paragraph(body, 'body'),
    easyRead: paragraph(body, 'easyRead'),
  };
  const problems: FieldProblem[] = [];
  if (!values.title) problems.push({ field: 'title', key: 'groups.papers.errors.title' });
  else if (values.title.length > TITLE_MAX)
    problems.push({ field: 'title', key: 'groups.errors.titleLong', vars: { max: TITLE_MAX } });
  if (!values.body) problems.push({ field: 'body', key: 'groups.papers.errors.body' });
  if (!values.easyRead) problems.push({ field: 'easyRead', key: 'groups.papers.errors.easyRead' });
  for (const f of ['body', 'easyRead'] as const)
    if (values[f].length > 50_000)
      problems.push({
        field: f,
        key: 'groups.errors.tooLong',
        label: `groups.fieldNames.paper.${f}`,
        vars: { max: 50_000 },
      });
  if (problems.length > 0) return { fields: null, values, problems };
  return { fields: values, values, problems };
}

/** Adds a paper (and its easy-read version) to a meeting. */
export async function addPaper(
  tx: Queryable,
  actor: Actor,
  meeting: MeetingView,
  fields: { title: string; body: string; easyRead: string },
): Promise<string> {
  const [row] = await tx
    .insert(groupPapers)
    .values({
      organisationId: sql`app_organisation_id()`,
      meetingId: meeting.id,
      ...fields,
      createdBy: actor.label,
    })
    .returning({ id: groupPapers.id });
  await audit(tx, actor, {
    action: 'paper-add',
    entity: 'group',
    entityId: meeting.groupId,
    after: { meetingId: meeting.id, paperId: row!.id, title: fields.title },
  });
  return row!.id;
}

interface MemberContact {
  personId: string;
  name: string;
  email: string | null;
  consents: string[];
  doNotContact: boolean;
  language: string;
  /** Their record asks for easy read: the papers' email comes in easy read. */
  easyRead: boolean;
  /** The name they like to be called, for "Hello Rosa,". */
  greetName: string;
}

/** The body's members on a day, with how to reach them: one query. */
async function memberContacts(tx: Queryable, groupId: string, day: string) {
  return rowsOf<MemberContact>(
    await tx.execute(sql`
      select distinct on (p.id) p.id as "personId",
        trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name) as name,
        p.email, p.consents, p.do_not_contact as "doNotContact", p.language,
        ${needsEasyRead(sql`p`)} as "easyRead",
        coalesce(nullif(trim(p.preferred_name), ''), p.first_name) as "greetName"
      from group_members m join register_people p on p.id = m.person_id
      where m.group_id = ${groupId} and ${currentMember(sql`m`, day)} and p.erased_at is null
      order by p.id`),
  );
}

/**
 * Sends the papers: an email to each member who can be emailed, with a link
 * to the meeting's page on their own side (the papers and their easy-read
 * versions are there, after signing in); the rest are listed to post.
 */
export async function sendPapers(
  tx: Queryable,
  actor: Actor,
  group: GroupDetail,
  meeting: MeetingView,
  context: { baseUrl: string },
): Promise<{ emailed: number; toPost: string[] }> {
  const members = await memberContacts(tx, group.id, meeting.day);
  let emailed = 0;
  const toPost: string[] = [];
  for (const m of members) {
    if (m.email && m.consents.includes('contact_email') && !m.doNotContact) {
      const language: Language = isLanguage(m.language) ? m.language : 'en';
      await queueMail(tx, {
        to: m.email,
        template: 'group-papers',
        language,
        easyRead: m.easyRead,
        vars: { name: m.greetName, group: group.title, date: dayInWords(meeting.day, language) },
        link: `${context.baseUrl}/my/groups/meetings/${meeting.id}`,
      });
      emailed += 1;
    } else if (!m.doNotContact) toPost.push(m.name);
  }
  await tx
    .update(groupMeetings)
    .set({ papersSentAt: new Date() })
    .where(eq(groupMeetings.id, meeting.id));
  await audit(tx, actor, {
    action: 'papers-send',
    entity: 'group',
    entityId: group.id,
    after: { meetingId: meeting.id, emailed, toPost: toPost.length },
  });
  return { emailed, toPost };
}

/**
 * The late-papers check: for each meeting whose papers were due by today and
 * have not gone, tells the body's clerk once.
 */
export async function checkLatePapers(
  tx: Queryable,
  context: { baseUrl: string; today?: string },
): Promise<number> {
  const today = context.today ?? londonToday();
  const late = rowsOf<{
    id: string;
    groupId: string;
    title: string;
    clerkEmail: string | null;
    dueOn: string;
  }>(
    await tx.execute(sql`
      select m.id, g.id as "groupId", i.title, g.clerk_email as "clerkEmail", m.papers_due_on::text as "dueOn"
      from group_meetings m join groups g on g.id = m.group_id
      join initiative_summaries i on i.id = g.initiative_id
      where m.papers_sent_at is null and m.papers_late_noted_at is null
        and m.papers_due_on <= ${today}::date`),
  );
  for (const m of late) {
    if (m.clerkEmail)
      await queueMail(tx, {
        to: m.clerkEmail,
        template: 'group-papers-late',
        language: 'en',
        vars: { group: m.title, date: dayInWords(m.dueOn) },
        link: `${context.baseUrl}/staff/groups/${m.groupId}/meetings/${m.id}`,
      });
    await tx
      .update(groupMeetings)
      .set({ papersLateNotedAt: new Date() })
      .where(eq(groupMeetings.id, m.id));
  }
  return late.length;
}

/** The job queued for each meeting's papers-due day. */
export const papersCheckJob: JobHandler = async ({ db }, payload) => {
  const baseUrl = typeof payload.baseUrl === 'string' ? payload.baseUrl : '';
  await db((tx) => checkLatePapers(tx, { baseUrl }));
};

// ---------------------------------------------------------------------------
// Attendance, through participation

/** Invites the body's members to a meeting (participation's invitations: RSVP link, calendar file). */
export async function inviteMembers(
  tx: Queryable,
  actor: Actor,
  meeting: MeetingView,
  context: { baseUrl: string },
) {
  const members = await memberContacts(tx, meeting.groupId, meeting.day);
  return inviteToActivity(
    tx,
    actor,
    meeting.activityId,
    members.map((m) => m.personId),
    context,
  );
}

/** Records the meeting's register (hours and rewards follow, as for any activity). */
export async function recordMeetingAttendance(
  tx: Queryable,
  actor: Actor,
  meeting: MeetingView,
  entries: AttendanceEntry[],
): Promise<void> {
  await saveAttendance(tx, actor, meeting.activityId, entries);
  await computeRewardsForActivity(tx, actor, meeting.activityId);
}

/** Each current member's meetings: held since they started, came to, and whether they missed the last two. */
export async function memberAttendance(
  tx: Queryable,
  groupId: string,
  today = londonToday(),
): Promise<Record<string, { held: number; attended: number; missedLastTwo: boolean }>> {
  const meetings = (await meetingsOf(tx, groupId)).filter(
    (m) => m.activity.status === 'held' && m.day <= today,
  );
  const members = rowsOf<{ personId: string; startsOn: string }>(
    await tx.execute(sql`
      select person_id as "personId", min(starts_on)::text as "startsOn" from group_members m
      where m.group_id = ${groupId} and ${currentMember(sql`m`, today)} group by person_id`),
  );
  const lines = await attendanceOf(
    tx,
    meetings.map((m) => m.activityId),
  );
  const came = new Set(
    lines.filter((l) => l.status === 'attended').map((l) => `${l.activityId} ${l.personId}`),
  );
  const result: Record<string, { held: number; attended: number; missedLastTwo: boolean }> = {};
  for (const member of members) {
    const theirs = meetings.filter((m) => m.day >= member.startsOn);
    const attended = theirs.filter((m) => came.has(`${m.activityId} ${member.personId}`)).length;
    const lastTwo = theirs.slice(-2);
    result[member.personId] = {
      held: theirs.length,
      attended,
      missedLastTwo:
        lastTwo.length === 2 &&
        lastTwo.every((m) => !came.has(`${m.activityId} ${member.personId}`)),
    };
  }
  return result;
}

// ---------------------------------------------------------------------------
// Minutes, decisions and actions

/** Saves a meeting's minutes and their easy-read version. */
export async function saveMinutes(
  tx: Queryable,
  actor: Actor,
  meeting: MeetingView,
  minutes: string | null,
  minutesEasyRead: string | null,
): Promise<void> {
  await tx
    .update(groupMeetings)
    .set({ minutes, minutesEasyRead })
    .where(eq(groupMeetings.id, meeting.id));
  await audit(tx, actor, {
    action: 'minutes',
    entity: 'group',
    entityId: meeting.groupId,
    after: { meetingId: meeting.id },
  });
}

/** Reads a decision: what was decided and why (both needed), and its easy-read version. */
export function readDecisionForm(body: Body): {
  fields: { what: string; why: string; easyRead: string | null } | null;
  values: Record<string, string>;
  problems: FieldProblem[];
} {
  const values = {
    what: paragraph(body, 'what'),
    why: paragraph(body, 'why'),
    easyRead: paragraph(body, 'easyRead'),
  };
  const problems: FieldProblem[] = [];
  if (!values.what) problems.push({ field: 'what', key: 'groups.decisions.errors.what' });
  if (!values.why) problems.push({ field: 'why', key: 'groups.decisions.errors.why' });
  for (const f of ['what', 'why', 'easyRead'] as const)
    if (values[f].length > LONG_MAX)
      problems.push({
        field: f,
        key: 'groups.errors.tooLong',
        label: `groups.fieldNames.decision.${f}`,
        vars: { max: LONG_MAX },
      });
  if (problems.length > 0) return { fields: null, values, problems };
  return {
    fields: { what: values.what, why: values.why, easyRead: values.easyRead || null },
    values,
    problems,
  };
}

/** Records a decision of the meeting, dated the meeting's day. */
export async function recordDecision(
  tx: Queryable,
  actor: Actor,
  meeting: MeetingView,
  fields: { what: string; why: string; easyRead: string | null },
): Promise<string> {
  const [row] = await tx
    .insert(groupDecisions)
    .values({
      organisationId: sql`app_organisation_id()`,
      groupId: meeting.groupId,
      meetingId: meeting.id,
      ...fields,
      decidedOn: meeting.day,
    })
    .returning({ id: groupDecisions.id });
  await audit(tx, actor, {
    action: 'create',
    entity: 'group_decision',
    entityId: row!.id,
    after: { meetingId: meeting.id, ...fields },
  });
  return row!.id;
}

export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'dropped'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** Reads an action: what, who (both needed) and by when. */
export function readActionForm(body: Body): {
  fields: { what: string; owner: string; dueOn: string | null } | null;
  values: Record<string, string>;
  problems: FieldProblem[];
} {
  const due = readDateInput(body, 'dueOn', { keys: { notReal: 'groups.actions.errors.dueReal' } });
  const values = { what: paragraph(body, 'what'), owner: line(body, 'owner'), ...due.values };
  const problems: FieldProblem[] = [];
  if (!values.what) problems.push({ field: 'what', key: 'groups.actions.errors.what' });
  else if (values.what.length > LONG_MAX)
    problems.push({
      field: 'what',
      key: 'groups.errors.tooLong',
      label: 'groups.fieldNames.actionWhat',
      vars: { max: LONG_MAX },
    });
  if (!values.owner) problems.push({ field: 'owner', key: 'groups.actions.errors.owner' });
  else if (values.owner.length > TITLE_MAX)
    problems.push({ field: 'owner', key: 'groups.errors.titleLong', vars: { max: TITLE_MAX } });
  if (due.problem) problems.push(due.problem);
  if (problems.length > 0) return { fields: null, values, problems };
  return { fields: { what: values.what, owner: values.owner, dueOn: due.iso }, values, problems };
}

/** Records an action set at a meeting. */
export async function recordAction(
  tx: Queryable,
  actor: Actor,
  meeting: MeetingView,
  fields: { what: string; owner: string; dueOn: string | null },
): Promise<string> {
  const [row] = await tx
    .insert(groupActions)
    .values({
      organisationId: sql`app_organisation_id()`,
      groupId: meeting.groupId,
      meetingId: meeting.id,
      ...fields,
    })
    .returning({ id: groupActions.id });
  await audit(tx, actor, {
    action: 'create',
    entity: 'group_action',
    entityId: row!.id,
    after: { meetingId: meeting.id, ...fields },
  });
  return row!.id;
}

/**
 * An update on an action, at a meeting or between them: a note and the new
 * status (done sets the day it was done). False when the action is not the body's.
 */
export async function updateAction(
  tx: Queryable,
  actor: Actor,
  groupId: string,
  actionId: string,
  change: { status: ActionStatus; note: string; meetingId: string | null },
  today = londonToday(),
): Promise<boolean> {
  const [row] = await tx
    .update(groupActions)
    .set({
      status: change.status,
      doneOn: change.status === 'done' ? today : null,
    })
    .where(and(eq(groupActions.id, actionId), eq(groupActions.groupId, groupId)))
    .returning({ id: groupActions.id });
  if (!row) return false;
  await tx.insert(groupActionUpdates).values({
    organisationId: sql`app_organisation_id()`,
    actionId,
    meetingId: change.meetingId,
    note: change.note,
    status: change.status,
    createdBy: actor.label,
  });
  await audit(tx, actor, {
    action: 'update',
    entity: 'group_action',
    entityId: actionId,
    after: change,
  });
  return true;
}

export interface ActionView {
  id: string;
  meetingId: string;
  what: string;
  owner: string;
  dueOn: string | null;
  status: ActionStatus;
  doneOn: string | null;
  setOn: string;
  updates: Array<{
    note: string;
    status: string;
    createdBy: string;
    createdAt: string;
    meetingId: string | null;
  }>;
}

/** Every action of a body with its updates, in the order they were set: two queries. */
export async function actionsOf(tx: Queryable, groupId: string): Promise<ActionView[]> {
  const meetings = await meetingsOf(tx, groupId);
  const dayOfMeeting = new Map(meetings.map((m) => [m.id, m.day]));
  const actions = await tx
    .select()
    .from(groupActions)
    .where(eq(groupActions.groupId, groupId))
    .orderBy(groupActions.createdAt, groupActions.id);
  const updates = rowsOf<{
    actionId: string;
    note: string;
    status: string;
    createdBy: string;
    createdAt: string;
    meetingId: string | null;
  }>(
    await tx.execute(sql`
      select u.action_id as "actionId", u.note, u.status, u.created_by as "createdBy",
        u.created_at::text as "createdAt", u.meeting_id as "meetingId"
      from group_action_updates u join group_actions a on a.id = u.action_id
      where a.group_id = ${groupId} order by u.created_at, u.id`),
  );
  return actions.map((a) => ({
    id: a.id,
    meetingId: a.meetingId,
    what: a.what,
    owner: a.owner,
    dueOn: a.dueOn,
    status: a.status as ActionStatus,
    doneOn: a.doneOn,
    setOn: dayOfMeeting.get(a.meetingId) ?? '',
    updates: updates.filter((u) => u.actionId === a.id),
  }));
}

/**
 * The actions a meeting carries: those set at earlier meetings that were not
 * finished before it (not done or dropped, or done on or after its day), so
 * an action comes back meeting after meeting until it is done.
 */
export function carriedTo(meeting: MeetingView, actions: ActionView[]): ActionView[] {
  return actions.filter(
    (a) =>
      a.meetingId !== meeting.id &&
      a.setOn !== '' &&
      a.setOn < meeting.day &&
      (a.status === 'open' ||
        a.status === 'in_progress' ||
        (a.doneOn !== null && a.doneOn >= meeting.day)),
  );
}

/** A body's decisions, newest first, with the meeting's day. */
export async function decisionsOf(tx: Queryable, groupId: string) {
  return tx
    .select()
    .from(groupDecisions)
    .where(eq(groupDecisions.groupId, groupId))
    .orderBy(sql`${groupDecisions.decidedOn} desc`, groupDecisions.createdAt);
}

/**
 * Everything a meeting's staff page shows, in a fixed number of queries
 * however long the agenda: the meeting, its agenda, papers, decisions, the
 * actions set there and carried to it, the members' access needs summed and
 * the register of who came.
 */
export async function loadMeetingPage(tx: Queryable, groupId: string, meetingId: string) {
  const meetings = await meetingsOf(tx, groupId);
  const meeting = meetings.find((m) => m.id === meetingId);
  if (!meeting) return null;
  const actions = await actionsOf(tx, groupId);
  const members = rowsOf<{
    personId: string;
    name: string;
    reference: string;
    seatLabel: string;
    holder: string;
  }>(
    await tx.execute(sql`
      select distinct on (p.id) p.id as "personId",
        trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name) as name,
        p.reference, s.label as "seatLabel", s.holder
      from group_members m join register_people p on p.id = m.person_id
      join group_seats s on s.id = m.seat_id
      where m.group_id = ${groupId} and ${currentMember(sql`m`, meeting.day)}
      order by p.id`),
  );
  const register = await attendanceOf(tx, [meeting.activityId]);
  const index = meetings.indexOf(meeting);
  return {
    meeting,
    previous: meetings[index - 1] ?? null,
    next: meetings[index + 1] ?? null,
    agenda: await agendaOf(tx, meetingId),
    papers: await papersOf(tx, meetingId),
    decisions: (await decisionsOf(tx, groupId)).filter((d) => d.meetingId === meetingId),
    setHere: actions.filter((a) => a.meetingId === meetingId),
    carried: carriedTo(meeting, actions),
    members: members.sort((a, b) => a.name.localeCompare(b.name)),
    needs: await sumNeedsOf(
      tx,
      members.map((m) => m.personId),
    ),
    register: Object.fromEntries(register.map((r) => [r.personId, r])),
  };
}
