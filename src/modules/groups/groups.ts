import { and, desc, eq, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { enqueue } from '../../platform/jobs/index.ts';
import type { FieldProblem } from '../../platform/forms/index.ts';
import { readDateInput } from '../../platform/forms/index.ts';
import { createInitiative, initiativeById, updateInitiative } from '../initiatives/index.ts';
import { endRole, holdRole, personByReference } from '../people/index.ts';
import { activitiesByIds } from '../participation/index.ts';
import {
  groupMeetings,
  groupMembers,
  groupSeats,
  groupTerms,
  groups,
  type GroupSeatRow,
} from './tables.ts';

export type { FieldProblem };
type Body = Record<string, unknown>;

export const GROUP_KINDS = ['panel', 'forum', 'board', 'network'] as const;
/** How often a body meets, and the months between meetings. */
export const FREQUENCIES = {
  monthly: 1,
  bimonthly: 2,
  quarterly: 3,
  twice_yearly: 6,
  yearly: 12,
} as const;
export type Frequency = keyof typeof FREQUENCIES;
export const SEAT_HOLDERS = ['customer', 'staff', 'board', 'partner'] as const;
export const FILL_METHODS = ['appointment', 'interview', 'election', 'selection', 'open'] as const;
export type FillMethod = (typeof FILL_METHODS)[number];
/** How a tied count is settled: by lot (a recorded seed), by the chair's casting vote, or a new ballot. */
export const TIE_RULES = ['lot', 'casting_vote', 'rerun'] as const;
export type TieRule = (typeof TIE_RULES)[number];

export const TITLE_MAX = 200;
export const LONG_MAX = 10_000;

/** A single-line answer, trimmed, inner spaces collapsed. */
export const line = (body: Body, name: string): string => {
  const value = body[name];
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one.trim().replace(/\s+/g, ' ') : '';
};

/** A multi-line answer, trimmed, line breaks kept (Windows ones made plain). */
export const paragraph = (body: Body, name: string): string => {
  const value = body[name];
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one.replace(/\r\n?/g, '\n').trim() : '';
};

/** Every value of a field that may come many times, each once. */
export const many = (body: Body, name: string): string[] => {
  const value = body[name];
  const list = Array.isArray(value) ? value : [value];
  return [...new Set(list.filter((v): v is string => typeof v === 'string' && v !== ''))];
};

/** A whole number from a form, within limits; null when blank, NaN when not a number. */
export function wholeNumber(text: string): number | null {
  if (text === '') return null;
  return /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
}

/** Today in UK time, YYYY-MM-DD. */
export const londonToday = (now = new Date()): string =>
  now.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });

/** A date moved on by whole months (the last day of a shorter month when the day is past it). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

/** A date moved by whole days. */
export function addDays(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** "Tenant and Landlord Panel" → "tenant-and-landlord-panel". */
export function slugOf(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'group'
  );
}

// ---------------------------------------------------------------------------
// The body itself

export interface GroupFields {
  title: string;
  summary: string;
  kind: (typeof GROUP_KINDS)[number];
  rung: number;
  roleCode: string;
  papersDaysBefore: number;
  agendaDaysBefore: number;
  termReminderDays: number;
  tieRule: TieRule;
  clerkEmail: string | null;
  coverServiceTypes: string[];
  coverSpecialisms: string[];
  coverAreas: string[];
  published: boolean;
}

/** Reads and checks the body's form: what is missing or wrong, by field. */
export function readGroupForm(
  body: Body,
  known: { roles: Set<string>; serviceTypes: Set<string>; specialisms: Set<string> },
): { fields: GroupFields | null; values: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const values: Record<string, unknown> = {
    title: line(body, 'title'),
    summary: paragraph(body, 'summary'),
    kind: line(body, 'kind'),
    rung: line(body, 'rung'),
    roleCode: line(body, 'roleCode'),
    papersDaysBefore: line(body, 'papersDaysBefore'),
    agendaDaysBefore: line(body, 'agendaDaysBefore'),
    termReminderDays: line(body, 'termReminderDays'),
    tieRule: line(body, 'tieRule'),
    clerkEmail: line(body, 'clerkEmail').toLowerCase(),
    coverServiceTypes: many(body, 'coverServiceTypes'),
    coverSpecialisms: many(body, 'coverSpecialisms'),
    coverAreas: paragraph(body, 'coverAreas'),
    published: line(body, 'published'),
  };
  const title = values.title as string;
  if (!title) problems.push({ field: 'title', key: 'groups.errors.titleMissing' });
  else if (title.length > TITLE_MAX)
    problems.push({ field: 'title', key: 'groups.errors.titleLong', vars: { max: TITLE_MAX } });
  if ((values.summary as string).length > LONG_MAX)
    problems.push({
      field: 'summary',
      key: 'groups.errors.tooLong',
      label: 'groups.fieldNames.summary',
      vars: { max: LONG_MAX },
    });
  if (!(GROUP_KINDS as readonly string[]).includes(values.kind as string))
    problems.push({ field: 'kind', key: 'groups.errors.kindMissing' });
  const rung = wholeNumber(values.rung as string);
  if (rung === null || Number.isNaN(rung) || rung < 1 || rung > 7)
    problems.push({ field: 'rung', key: 'groups.errors.rungMissing' });
  if (!known.roles.has(values.roleCode as string))
    problems.push({ field: 'roleCode', key: 'groups.errors.roleMissing' });
  const days = (name: string, max: number) => {
    const n = wholeNumber(values[name] as string);
    if (n === null || Number.isNaN(n) || n > max) {
      problems.push({ field: name, key: 'groups.errors.days', vars: { max } });
      return 0;
    }
    return n;
  };
  const papersDaysBefore = days('papersDaysBefore', 60);
  const agendaDaysBefore = days('agendaDaysBefore', 90);
  const termReminderDays = days('termReminderDays', 365);
  if (!(TIE_RULES as readonly string[]).includes(values.tieRule as string))
    problems.push({ field: 'tieRule', key: 'groups.errors.tieRuleMissing' });
  const clerkEmail = values.clerkEmail as string;
  if (clerkEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(clerkEmail))
    problems.push({ field: 'clerkEmail', key: 'groups.errors.email' });
  const types = (values.coverServiceTypes as string[]).filter((c) => known.serviceTypes.has(c));
  const specialisms = (values.coverSpecialisms as string[]).filter((c) => known.specialisms.has(c));
  const areas = [
    ...new Set(
      (values.coverAreas as string)
        .split(/[\n,]/)
        .map((a) => a.trim())
        .filter(Boolean),
    ),
  ];
  if (problems.length > 0) return { fields: null, values, problems };
  return {
    fields: {
      title,
      summary: values.summary as string,
      kind: values.kind as GroupFields['kind'],
      rung: rung!,
      roleCode: values.roleCode as string,
      papersDaysBefore,
      agendaDaysBefore,
      termReminderDays,
      tieRule: values.tieRule as TieRule,
      clerkEmail: clerkEmail || null,
      coverServiceTypes: types,
      coverSpecialisms: specialisms,
      coverAreas: areas,
      published: values.published === 'yes',
    },
    values,
    problems,
  };
}

/** The form's values for a stored body. */
export function valuesFromGroup(group: GroupDetail): Record<string, unknown> {
  return {
    title: group.title,
    summary: group.summary,
    kind: group.kind,
    rung: String(group.rung),
    roleCode: group.roleCode,
    papersDaysBefore: String(group.papersDaysBefore),
    agendaDaysBefore: String(group.agendaDaysBefore),
    termReminderDays: String(group.termReminderDays),
    tieRule: group.tieRule,
    clerkEmail: group.clerkEmail ?? '',
    coverServiceTypes: group.coverServiceTypes,
    coverSpecialisms: group.coverSpecialisms,
    coverAreas: group.coverAreas.join('\n'),
    published: group.published ? 'yes' : '',
  };
}

const groupColumns = (f: GroupFields) => ({
  kind: f.kind,
  roleCode: f.roleCode,
  papersDaysBefore: f.papersDaysBefore,
  agendaDaysBefore: f.agendaDaysBefore,
  termReminderDays: f.termReminderDays,
  tieRule: f.tieRule,
  clerkEmail: f.clerkEmail,
  coverServiceTypes: f.coverServiceTypes,
  coverSpecialisms: f.coverSpecialisms,
  coverAreas: f.coverAreas,
  published: f.published,
});

/** A slug not yet taken in the organisation: the title's, then -2, -3 … */
async function freeSlug(tx: Queryable, title: string): Promise<string> {
  const base = slugOf(title);
  const taken = new Set(
    (
      await tx
        .select({ slug: groups.slug })
        .from(groups)
        .where(sql`${groups.slug} = ${base} or ${groups.slug} like ${`${base}-%`}`)
    ).map((r) => r.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * Makes a body: an initiative of kind "panel" (title, summary and rung live
 * on the spine, with a purpose statement its terms of reference fill in),
 * and the body's own row.
 */
export async function createGroup(
  tx: Queryable,
  actor: Actor,
  fields: GroupFields,
): Promise<{ id: string; initiativeId: string }> {
  const initiative = await createInitiative(tx, actor, {
    kind: 'panel',
    title: fields.title,
    summary: fields.summary,
    rung: fields.rung,
  });
  const [row] = await tx
    .insert(groups)
    .values({
      organisationId: sql`app_organisation_id()`,
      initiativeId: initiative.id,
      slug: await freeSlug(tx, fields.title),
      ...groupColumns(fields),
    })
    .returning({ id: groups.id });
  await audit(tx, actor, { action: 'create', entity: 'group', entityId: row!.id, after: fields });
  return { id: row!.id, initiativeId: initiative.id };
}

/** Changes a body and its initiative's title, summary and rung. False when there is none. */
export async function updateGroup(
  tx: Queryable,
  actor: Actor,
  id: string,
  fields: GroupFields,
): Promise<boolean> {
  const [before] = await tx.select().from(groups).where(eq(groups.id, id));
  if (!before) return false;
  const initiative = await initiativeById(tx, before.initiativeId);
  if (initiative)
    await updateInitiative(tx, actor, before.initiativeId, {
      ...initiative,
      title: fields.title,
      summary: fields.summary,
      rung: fields.rung,
    });
  await tx.update(groups).set(groupColumns(fields)).where(eq(groups.id, id));
  const { organisationId: _o, ...was } = before;
  await audit(tx, actor, {
    action: 'update',
    entity: 'group',
    entityId: id,
    before: was,
    after: fields,
  });
  return true;
}

export interface GroupDetail {
  id: string;
  initiativeId: string;
  slug: string;
  kind: string;
  roleCode: string;
  papersDaysBefore: number;
  agendaDaysBefore: number;
  termReminderDays: number;
  tieRule: TieRule;
  clerkEmail: string | null;
  coverServiceTypes: string[];
  coverSpecialisms: string[];
  coverAreas: string[];
  published: boolean;
  title: string;
  summary: string;
  rung: number;
  initiativeStatus: string;
}

const detailColumns = sql`g.id, g.initiative_id as "initiativeId", g.slug, g.kind, g.role_code as "roleCode",
  g.papers_days_before as "papersDaysBefore", g.agenda_days_before as "agendaDaysBefore",
  g.term_reminder_days as "termReminderDays", g.tie_rule as "tieRule", g.clerk_email as "clerkEmail",
  g.cover_service_types as "coverServiceTypes", g.cover_specialisms as "coverSpecialisms",
  g.cover_areas as "coverAreas", g.published, i.title, i.summary, i.rung, i.status as "initiativeStatus"`;

/** One body with its initiative's title, summary and rung; null when there is none. */
export async function groupById(tx: Queryable, id: string): Promise<GroupDetail | null> {
  const [row] = rowsOf<GroupDetail>(
    await tx.execute(sql`
      select ${detailColumns}
      from groups g join initiative_summaries i on i.id = g.initiative_id
      where g.id = ${id}`),
  );
  return row ?? null;
}

/** A published body by its public address. */
export async function groupBySlug(tx: Queryable, slug: string): Promise<GroupDetail | null> {
  const [row] = rowsOf<GroupDetail>(
    await tx.execute(sql`
      select ${detailColumns}
      from groups g join initiative_summaries i on i.id = g.initiative_id
      where g.slug = ${slug} and g.published`),
  );
  return row ?? null;
}

/** The body an initiative is, if it is one (for the initiative's page). */
export async function groupOfInitiative(
  tx: Queryable,
  initiativeId: string,
): Promise<{ id: string } | null> {
  const [row] = await tx
    .select({ id: groups.id })
    .from(groups)
    .where(eq(groups.initiativeId, initiativeId));
  return row ?? null;
}

export interface GroupListRow {
  id: string;
  slug: string;
  kind: string;
  title: string;
  published: boolean;
  members: number;
  places: number | null;
  nextMeeting: string | null;
}

/** Every body, with its current members, its places and its next meeting: three queries. */
export async function listGroups(tx: Queryable, today = londonToday()): Promise<GroupListRow[]> {
  const rows = rowsOf<Omit<GroupListRow, 'nextMeeting'>>(
    await tx.execute(sql`
      select g.id, g.slug, g.kind, i.title, g.published,
        (select count(*) from group_members m where m.group_id = g.id and ${currentMember(sql`m`, today)})::int as members,
        (select case when bool_or(s.places is null) then null else sum(s.places) end
           from group_seats s where s.group_id = g.id)::int as places
      from groups g join initiative_summaries i on i.id = g.initiative_id
      order by lower(i.title), g.id
      limit 500`),
  );
  const meetings = await tx
    .select({ groupId: groupMeetings.groupId, activityId: groupMeetings.activityId })
    .from(groupMeetings);
  const now = Date.now();
  const upcoming = new Map(
    (
      await activitiesByIds(
        tx,
        meetings.map((m) => m.activityId),
      )
    )
      .filter((a) => a.startsAt.getTime() >= now && a.status !== 'cancelled')
      .map((a) => [a.id, a]),
  );
  const next = new Map<string, Date>();
  for (const m of meetings) {
    const a = upcoming.get(m.activityId);
    if (!a) continue;
    const seen = next.get(m.groupId);
    if (!seen || a.startsAt < seen) next.set(m.groupId, a.startsAt);
  }
  return rows.map((r) => ({ ...r, nextMeeting: next.get(r.id)?.toISOString() ?? null }));
}

/** Whether a membership row holds its seat on a day (SQL over the alias given). */
export function currentMember(m: ReturnType<typeof sql>, day: string) {
  return sql`(${m}.starts_on <= ${day}::date and (${m}.ended_on is null or ${m}.ended_on >= ${day}::date)
    and (${m}.term_ends_on is null or ${m}.term_ends_on >= ${day}::date))`;
}

// ---------------------------------------------------------------------------
// Terms of reference, versioned

export interface TermsFields {
  objectives: string;
  functions: string;
  scrutinyAreas: string[];
  frequency: Frequency;
  reportsTo: string;
  reportsThrough: string | null;
  decides: string;
  decidesHow: string;
  easyRead: string | null;
  adoptedOn: string;
}

/** Reads and checks the terms of reference form. */
export function readTermsForm(body: Body): {
  fields: TermsFields | null;
  values: Record<string, string>;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const adopted = readDateInput(body, 'adoptedOn', {
    required: true,
    keys: {
      required: 'groups.terms.errors.adoptedMissing',
      notReal: 'groups.terms.errors.adoptedReal',
    },
  });
  const values: Record<string, string> = {
    objectives: paragraph(body, 'objectives'),
    functions: paragraph(body, 'functions'),
    scrutinyAreas: paragraph(body, 'scrutinyAreas'),
    frequency: line(body, 'frequency'),
    reportsTo: line(body, 'reportsTo'),
    reportsThrough: line(body, 'reportsThrough'),
    decides: paragraph(body, 'decides'),
    decidesHow: paragraph(body, 'decidesHow'),
    easyRead: paragraph(body, 'easyRead'),
    ...adopted.values,
  };
  for (const field of ['objectives', 'functions', 'reportsTo', 'decides', 'decidesHow'] as const) {
    if (!values[field]) problems.push({ field, key: `groups.terms.errors.${field}` });
    else if (values[field]!.length > LONG_MAX)
      problems.push({
        field,
        key: 'groups.errors.tooLong',
        label: `groups.fieldNames.${field}`,
        vars: { max: LONG_MAX },
      });
  }
  if (!(values.frequency! in FREQUENCIES))
    problems.push({ field: 'frequency', key: 'groups.terms.errors.frequency' });
  if (adopted.problem) problems.push(adopted.problem);
  if (problems.length > 0) return { fields: null, values, problems };
  return {
    fields: {
      objectives: values.objectives!,
      functions: values.functions!,
      scrutinyAreas: values
        .scrutinyAreas!.split('\n')
        .map((a) => a.replace(/^[-*•]\s*/, '').trim())
        .filter(Boolean),
      frequency: values.frequency as Frequency,
      reportsTo: values.reportsTo!,
      reportsThrough: values.reportsThrough || null,
      decides: values.decides!,
      decidesHow: values.decidesHow!,
      easyRead: values.easyRead || null,
      adoptedOn: adopted.iso!,
    },
    values,
    problems,
  };
}

/**
 * Adopts a new version of the terms of reference: the next number, the old
 * versions kept. The initiative's purpose statement follows the new terms
 * (what it can change, who decides), so the spine says the same.
 */
export async function adoptTerms(
  tx: Queryable,
  actor: Actor,
  groupId: string,
  fields: TermsFields,
): Promise<number | null> {
  const group = await groupById(tx, groupId);
  if (!group) return null;
  const [last] = await tx
    .select({ version: groupTerms.version })
    .from(groupTerms)
    .where(eq(groupTerms.groupId, groupId))
    .orderBy(desc(groupTerms.version))
    .limit(1);
  const version = (last?.version ?? 0) + 1;
  await tx.insert(groupTerms).values({
    organisationId: sql`app_organisation_id()`,
    groupId,
    version,
    ...fields,
    createdBy: actor.label,
  });
  const initiative = await initiativeById(tx, group.initiativeId);
  if (initiative)
    await updateInitiative(tx, actor, group.initiativeId, {
      ...initiative,
      canChange: [fields.functions, ...fields.scrutinyAreas].join('\n'),
      decider: `${fields.decides}\n${fields.decidesHow}`,
    });
  await audit(tx, actor, {
    action: 'terms-adopt',
    entity: 'group',
    entityId: groupId,
    after: { version, ...fields },
  });
  return version;
}

export type TermsRow = typeof groupTerms.$inferSelect;

/** Every version of a body's terms of reference, newest first. */
export async function termsOf(tx: Queryable, groupId: string): Promise<TermsRow[]> {
  return tx
    .select()
    .from(groupTerms)
    .where(eq(groupTerms.groupId, groupId))
    .orderBy(desc(groupTerms.version));
}

// ---------------------------------------------------------------------------
// Seats and members

export interface SeatFields {
  label: string;
  holder: (typeof SEAT_HOLDERS)[number];
  places: number | null;
  fillBy: FillMethod;
  serviceType: string | null;
  specialism: string | null;
  termMonths: number | null;
  chairs: boolean;
}

/** Reads and checks the seat form. */
export function readSeatForm(
  body: Body,
  known: { serviceTypes: Set<string>; specialisms: Set<string> },
): { fields: SeatFields | null; values: Record<string, string>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const values = {
    label: line(body, 'label'),
    holder: line(body, 'holder'),
    places: line(body, 'places'),
    fillBy: line(body, 'fillBy'),
    serviceType: line(body, 'serviceType'),
    specialism: line(body, 'specialism'),
    termMonths: line(body, 'termMonths'),
    chairs: line(body, 'chairs'),
  };
  if (!values.label) problems.push({ field: 'label', key: 'groups.seats.errors.label' });
  else if (values.label.length > TITLE_MAX)
    problems.push({ field: 'label', key: 'groups.errors.titleLong', vars: { max: TITLE_MAX } });
  if (!(SEAT_HOLDERS as readonly string[]).includes(values.holder))
    problems.push({ field: 'holder', key: 'groups.seats.errors.holder' });
  const places = wholeNumber(values.places);
  if (Number.isNaN(places) || places === 0 || (places ?? 0) > 200)
    problems.push({ field: 'places', key: 'groups.seats.errors.places' });
  if (!(FILL_METHODS as readonly string[]).includes(values.fillBy))
    problems.push({ field: 'fillBy', key: 'groups.seats.errors.fillBy' });
  if (values.serviceType && !known.serviceTypes.has(values.serviceType))
    problems.push({ field: 'serviceType', key: 'groups.seats.errors.serviceType' });
  if (values.specialism && !known.specialisms.has(values.specialism))
    problems.push({ field: 'specialism', key: 'groups.seats.errors.specialism' });
  const termMonths = wholeNumber(values.termMonths);
  if (Number.isNaN(termMonths) || termMonths === 0 || (termMonths ?? 0) > 120)
    problems.push({ field: 'termMonths', key: 'groups.seats.errors.termMonths' });
  if (problems.length > 0) return { fields: null, values, problems };
  return {
    fields: {
      label: values.label,
      holder: values.holder as SeatFields['holder'],
      places,
      fillBy: values.fillBy as FillMethod,
      serviceType: values.serviceType || null,
      specialism: values.specialism || null,
      termMonths,
      chairs: values.chairs === 'yes',
    },
    values,
    problems,
  };
}

/** Adds a kind of seat to a body. */
export async function addSeat(
  tx: Queryable,
  actor: Actor,
  groupId: string,
  fields: SeatFields,
): Promise<string> {
  const [{ n } = { n: 0 }] = rowsOf<{ n: number }>(
    await tx.execute(sql`select count(*)::int as n from group_seats where group_id = ${groupId}`),
  );
  const [row] = await tx
    .insert(groupSeats)
    .values({
      organisationId: sql`app_organisation_id()`,
      groupId,
      ...fields,
      sortOrder: (n + 1) * 10,
    })
    .returning({ id: groupSeats.id });
  await audit(tx, actor, { action: 'seat-add', entity: 'group', entityId: groupId, after: fields });
  return row!.id;
}

export interface SeatView extends GroupSeatRow {
  /** Members holding it today. */
  filled: number;
  /** Places left; null for open membership. */
  empty: number | null;
}

/** A body's seats with how many are filled today: one query. */
export async function seatsOf(
  tx: Queryable,
  groupId: string,
  today = londonToday(),
): Promise<SeatView[]> {
  const rows = rowsOf<GroupSeatRow & { filled: number }>(
    await tx.execute(sql`
      select s.organisation_id as "organisationId", s.id, s.group_id as "groupId", s.label, s.holder,
        s.places, s.fill_by as "fillBy", s.service_type as "serviceType", s.specialism,
        s.term_months as "termMonths", s.chairs, s.role_code as "roleCode", s.sort_order as "sortOrder",
        (select count(*) from group_members m where m.seat_id = s.id and ${currentMember(sql`m`, today)})::int as filled
      from group_seats s where s.group_id = ${groupId}
      order by s.sort_order, s.id`),
  );
  return rows.map((s) => ({
    ...s,
    empty: s.places === null ? null : Math.max(0, s.places - s.filled),
  }));
}

export interface MemberFields {
  reference: string;
  seatId: string;
  startsOn: string;
  termEndsOn: string | null;
  filledBy: FillMethod;
  buddyPersonId: string | null;
  namedPublicly: boolean;
  interviewActivityId?: string | null;
}

/** Reads the "add a member" form; the seat, person and buddy are checked by appointMember. */
export function readMemberForm(body: Body): {
  fields: MemberFields | null;
  values: Record<string, string>;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const starts = readDateInput(body, 'startsOn', {
    required: true,
    keys: {
      required: 'groups.members.errors.startsMissing',
      notReal: 'groups.members.errors.startsReal',
    },
  });
  const ends = readDateInput(body, 'termEndsOn', {
    keys: { notReal: 'groups.members.errors.endsReal' },
  });
  const values: Record<string, string> = {
    reference: line(body, 'reference'),
    seatId: line(body, 'seatId'),
    filledBy: line(body, 'filledBy'),
    buddyPersonId: line(body, 'buddyPersonId'),
    namedPublicly: line(body, 'namedPublicly'),
    ...starts.values,
    ...ends.values,
  };
  if (!values.reference)
    problems.push({ field: 'reference', key: 'groups.members.errors.reference' });
  if (!values.seatId) problems.push({ field: 'seatId', key: 'groups.members.errors.seat' });
  if (!(FILL_METHODS as readonly string[]).includes(values.filledBy!))
    problems.push({ field: 'filledBy', key: 'groups.members.errors.filledBy' });
  if (starts.problem) problems.push(starts.problem);
  if (ends.problem) problems.push(ends.problem);
  if (starts.iso && ends.iso && ends.iso < starts.iso)
    problems.push({
      field: 'termEndsOn',
      key: 'groups.members.errors.endsBefore',
      href: 'termEndsOn-day',
    });
  if (problems.length > 0) return { fields: null, values, problems };
  return {
    fields: {
      reference: values.reference!,
      seatId: values.seatId!,
      startsOn: starts.iso!,
      termEndsOn: ends.iso,
      filledBy: values.filledBy as FillMethod,
      buddyPersonId: values.buddyPersonId || null,
      namedPublicly: values.namedPublicly === 'yes',
    },
    values,
    problems,
  };
}

export const TERM_REMINDERS_JOB = 'groups.term-reminders';

/** Queues the term-end reminder sweep for the day a term's reminder falls due (now, if past). */
export async function scheduleTermReminder(
  tx: Queryable,
  termEndsOn: string | null,
  reminderDays: number,
  baseUrl: string,
): Promise<void> {
  if (!termEndsOn) return;
  const due = new Date(`${addDays(termEndsOn, -reminderDays)}T08:00:00Z`);
  await enqueue(
    tx,
    TERM_REMINDERS_JOB,
    { baseUrl },
    { runAt: new Date(Math.max(Date.now(), due.getTime())) },
  );
}

/**
 * Seats a person: checks the seat is the body's and has a place, the person
 * and the buddy are on the register, and the person does not hold the seat
 * already; gives them the body's involvement role on the register for the
 * term of office; queues the reminder before the term ends.
 */
export async function appointMember(
  tx: Queryable,
  actor: Actor,
  groupId: string,
  fields: MemberFields,
  context: { baseUrl: string; today?: string },
): Promise<{ id: string } | { problems: FieldProblem[] }> {
  const today = context.today ?? londonToday();
  const group = await groupById(tx, groupId);
  if (!group) return { problems: [{ field: 'seatId', key: 'groups.members.errors.seat' }] };
  const seats = await seatsOf(tx, groupId, fields.startsOn > today ? fields.startsOn : today);
  const seat = seats.find((s) => s.id === fields.seatId);
  if (!seat) return { problems: [{ field: 'seatId', key: 'groups.members.errors.seat' }] };
  const person = await personByReference(tx, fields.reference);
  if (!person || person.erasedAt)
    return {
      problems: [
        {
          field: 'reference',
          key: 'groups.members.errors.notFound',
          vars: { reference: fields.reference },
        },
      ],
    };
  const problems: FieldProblem[] = [];
  if (seat.empty === 0)
    problems.push({
      field: 'seatId',
      key: 'groups.members.errors.full',
      vars: { seat: seat.label },
    });
  const [held] = rowsOf<{ id: string }>(
    await tx.execute(sql`
      select m.id from group_members m
      where m.seat_id = ${seat.id} and m.person_id = ${person.id}
        and (m.ended_on is null or m.ended_on >= ${fields.startsOn}::date)
        and (m.term_ends_on is null or m.term_ends_on >= ${fields.startsOn}::date)`),
  );
  if (held)
    problems.push({
      field: 'reference',
      key: 'groups.members.errors.already',
      vars: { seat: seat.label },
    });
  if (fields.buddyPersonId) {
    const [buddy] = rowsOf<{ id: string }>(
      await tx.execute(
        sql`select id from register_people where id = ${fields.buddyPersonId} and erased_at is null`,
      ),
    );
    if (!buddy) problems.push({ field: 'buddyPersonId', key: 'groups.members.errors.buddy' });
  }
  if (problems.length > 0) return { problems };
  const termEndsOn =
    fields.termEndsOn ??
    (seat.termMonths ? addDays(addMonths(fields.startsOn, seat.termMonths), -1) : null);
  const personRoleId = await holdRole(
    tx,
    actor,
    person.id,
    seat.roleCode ?? group.roleCode,
    fields.startsOn,
    termEndsOn,
  );
  const [row] = await tx
    .insert(groupMembers)
    .values({
      organisationId: sql`app_organisation_id()`,
      groupId,
      seatId: seat.id,
      personId: person.id,
      startsOn: fields.startsOn,
      termEndsOn,
      filledBy: fields.filledBy,
      buddyPersonId: fields.buddyPersonId,
      namedPublicly: fields.namedPublicly,
      personRoleId,
      interviewActivityId: fields.interviewActivityId ?? null,
    })
    .returning({ id: groupMembers.id });
  await audit(tx, actor, {
    action: 'member-add',
    entity: 'group',
    entityId: groupId,
    after: {
      memberId: row!.id,
      seat: seat.label,
      startsOn: fields.startsOn,
      termEndsOn,
      filledBy: fields.filledBy,
    },
  });
  await audit(tx, actor, {
    action: 'group-seat',
    entity: 'person',
    entityId: person.id,
    after: { groupId, seat: seat.label, startsOn: fields.startsOn, termEndsOn },
  });
  await scheduleTermReminder(tx, termEndsOn, group.termReminderDays, context.baseUrl);
  return { id: row!.id };
}

/** Ends a membership on a day (standing down), and the register role with it. */
export async function endMembership(
  tx: Queryable,
  actor: Actor,
  groupId: string,
  memberId: string,
  endedOn: string,
): Promise<boolean> {
  const [row] = await tx
    .update(groupMembers)
    .set({ endedOn })
    .where(and(eq(groupMembers.id, memberId), eq(groupMembers.groupId, groupId)))
    .returning();
  if (!row) return false;
  if (row.personRoleId) await endRole(tx, actor, row.personId, row.personRoleId, endedOn);
  await audit(tx, actor, {
    action: 'member-end',
    entity: 'group',
    entityId: groupId,
    after: { memberId, endedOn },
  });
  return true;
}

/** Changes a member's buddy and whether they are named on the public page. */
export async function updateMemberSupport(
  tx: Queryable,
  actor: Actor,
  groupId: string,
  memberId: string,
  change: { buddyPersonId: string | null; namedPublicly: boolean },
): Promise<'saved' | 'not-found' | 'no-buddy'> {
  if (change.buddyPersonId) {
    const [buddy] = rowsOf<{ id: string }>(
      await tx.execute(
        sql`select id from register_people where id = ${change.buddyPersonId} and erased_at is null`,
      ),
    );
    if (!buddy) return 'no-buddy';
  }
  const [row] = await tx
    .update(groupMembers)
    .set(change)
    .where(and(eq(groupMembers.id, memberId), eq(groupMembers.groupId, groupId)))
    .returning({ id: groupMembers.id });
  if (!row) return 'not-found';
  await audit(tx, actor, {
    action: 'member-support',
    entity: 'group',
    entityId: groupId,
    after: { memberId, ...change },
  });
  return 'saved';
}

export interface MemberView {
  id: string;
  personId: string;
  reference: string;
  name: string;
  seatId: string;
  seatLabel: string;
  holder: string;
  chairs: boolean;
  startsOn: string;
  termEndsOn: string | null;
  endedOn: string | null;
  filledBy: string;
  buddyPersonId: string | null;
  buddyName: string | null;
  namedPublicly: boolean;
  needs: string[];
  needsNote: string | null;
  current: boolean;
  /** The term ends within the body's reminder window. */
  termEndingSoon: boolean;
}

/** A body's members, current first, with seat, buddy and access needs: one query. */
export async function membersOf(
  tx: Queryable,
  groupId: string,
  today = londonToday(),
): Promise<MemberView[]> {
  return rowsOf<MemberView>(
    await tx.execute(sql`
      select m.id, m.person_id as "personId", p.reference,
        trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name) as name,
        m.seat_id as "seatId", s.label as "seatLabel", s.holder, s.chairs,
        m.starts_on::text as "startsOn", m.term_ends_on::text as "termEndsOn", m.ended_on::text as "endedOn",
        m.filled_by as "filledBy", m.buddy_person_id as "buddyPersonId",
        nullif(trim(coalesce(b.first_name, '') || ' ' || coalesce(b.last_name, '')), '') as "buddyName",
        m.named_publicly as "namedPublicly", p.needs, p.needs_note as "needsNote",
        ${currentMember(sql`m`, today)} as current,
        (m.term_ends_on is not null and m.term_ends_on >= ${today}::date
          and m.term_ends_on - ${today}::date <= g.term_reminder_days) as "termEndingSoon"
      from group_members m
      join groups g on g.id = m.group_id
      join group_seats s on s.id = m.seat_id
      join register_people p on p.id = m.person_id
      left join register_people b on b.id = m.buddy_person_id
      where m.group_id = ${groupId}
      order by ${currentMember(sql`m`, today)} desc, s.sort_order, lower(p.last_name), lower(p.first_name), m.id`),
  );
}

/** The body's seats with a person in a given role, for checks elsewhere (the chair, for agendas). */
export async function isCurrentMember(
  tx: Queryable,
  groupId: string,
  personId: string,
  today = londonToday(),
): Promise<{ memberId: string; chairs: boolean } | null> {
  const [row] = rowsOf<{ memberId: string; chairs: boolean }>(
    await tx.execute(sql`
      select m.id as "memberId", s.chairs from group_members m join group_seats s on s.id = m.seat_id
      where m.group_id = ${groupId} and m.person_id = ${personId} and ${currentMember(sql`m`, today)}
      order by s.chairs desc limit 1`),
  );
  return row ?? null;
}
