import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { isInPeriod, type ReportingPeriod } from '../../platform/periods/index.ts';
import { attendanceOf } from '../participation/index.ts';
import { londonToday, termsOf, type GroupDetail, type TermsRow } from './groups.ts';
import { actionsOf, meetingsOf, type ActionStatus } from './meetings.ts';

/** One meeting in the quarter, with its register counted. */
export interface ReportMeeting {
  id: string;
  day: string;
  startsAt: Date;
  endsAt: Date;
  /** participation's state: planned, held, not_held, register_due, cancelled */
  status: string;
  /** Members who held a seat on the day. */
  members: number;
  attended: number;
  apologies: number;
  absent: number;
  /** Members with nothing on the register (not yet taken, or not on it). */
  notRecorded: number;
}

/** One member's quarter: the meetings held while they sat, and what the register says. */
export interface ReportMember {
  personId: string;
  name: string;
  seatLabel: string;
  meetings: number;
  attended: number;
  apologies: number;
  absent: number;
  /** They missed the last two meetings they could have come to (someone checks in). */
  missedLastTwo: boolean;
}

export interface ReportAction {
  id: string;
  what: string;
  owner: string;
  dueOn: string | null;
  status: ActionStatus;
  setOn: string;
  doneOn: string | null;
  /** Due before the quarter ended and still not done then. */
  overdue: boolean;
  lastUpdate: { note: string; on: string; status: string } | null;
}

export interface QuarterReport {
  group: GroupDetail;
  terms: TermsRow | null;
  period: ReportingPeriod;
  meetings: ReportMeeting[];
  decisions: Array<{
    id: string;
    what: string;
    why: string;
    easyRead: string | null;
    decidedOn: string;
  }>;
  /** Actions set by the quarter's end and not finished at its end (as the updates by then say). */
  openActions: ReportAction[];
  /** Actions done within the quarter. */
  doneActions: ReportAction[];
  members: ReportMember[];
}

/**
 * A body's report for a quarter, for the body it reports to (its terms'
 * "reports to"): the quarter's meetings with their registers counted, its
 * decisions, the actions still open at the quarter's end (owner, due, status
 * and the last update by then) and those done in it, and each member's
 * attendance. Attendance comes from participation's register, through its
 * index.ts. A fixed number of queries however many meetings.
 */
export async function quarterReport(
  tx: Queryable,
  group: GroupDetail,
  period: ReportingPeriod,
  today = londonToday(),
): Promise<QuarterReport> {
  const [terms] = await termsOf(tx, group.id);
  const all = await meetingsOf(tx, group.id);
  const inQuarter = all.filter((m) => isInPeriod(period, m.day));
  const memberships = rowsOf<{
    personId: string;
    name: string;
    seatLabel: string;
    startsOn: string;
    until: string | null;
  }>(
    await tx.execute(sql`
      select m.person_id as "personId",
        trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name) as name,
        s.label as "seatLabel", m.starts_on::text as "startsOn",
        least(m.ended_on, m.term_ends_on)::text as until
      from group_members m join group_seats s on s.id = m.seat_id
      join register_people p on p.id = m.person_id
      where m.group_id = ${group.id} and m.starts_on <= ${period.to}::date
        and (m.ended_on is null or m.ended_on >= ${period.from}::date)
        and (m.term_ends_on is null or m.term_ends_on >= ${period.from}::date)
      order by s.sort_order, lower(p.last_name), lower(p.first_name), m.id`),
  );
  const sat = (personId: string, day: string) =>
    memberships.some(
      (m) => m.personId === personId && m.startsOn <= day && (m.until === null || m.until >= day),
    );
  const people = [...new Map(memberships.map((m) => [m.personId, m])).values()];
  const register = await attendanceOf(
    tx,
    inQuarter.map((m) => m.activityId),
  );
  const statusOf = new Map(register.map((l) => [`${l.activityId} ${l.personId}`, l.status]));

  const meetings: ReportMeeting[] = inQuarter.map((m) => {
    const present = people.filter((p) => sat(p.personId, m.day));
    const count = (status: string) =>
      present.filter((p) => statusOf.get(`${m.activityId} ${p.personId}`) === status).length;
    const attended = count('attended');
    const apologies = count('apologies');
    const absent = count('did_not_attend');
    return {
      id: m.id,
      day: m.day,
      startsAt: m.activity.startsAt,
      endsAt: m.activity.endsAt,
      status: m.activity.status,
      members: present.length,
      attended,
      apologies,
      absent,
      notRecorded: present.length - attended - apologies - absent,
    };
  });

  // Meetings a member could have come to: held (or with the register due), by today.
  const held = inQuarter.filter((m) => m.activity.status !== 'cancelled' && m.day <= today);
  const members: ReportMember[] = people.map((p) => {
    const theirs = held.filter((m) => sat(p.personId, m.day));
    const status = (m: (typeof theirs)[number]) => statusOf.get(`${m.activityId} ${p.personId}`);
    const lastTwo = theirs.slice(-2);
    return {
      personId: p.personId,
      name: p.name,
      seatLabel: p.seatLabel,
      meetings: theirs.length,
      attended: theirs.filter((m) => status(m) === 'attended').length,
      apologies: theirs.filter((m) => status(m) === 'apologies').length,
      absent: theirs.filter((m) => status(m) === 'did_not_attend').length,
      missedLastTwo: lastTwo.length === 2 && lastTwo.every((m) => status(m) !== 'attended'),
    };
  });

  const decisions = rowsOf<QuarterReport['decisions'][number]>(
    await tx.execute(sql`
      select id, what, why, easy_read as "easyRead", decided_on::text as "decidedOn"
      from group_decisions where group_id = ${group.id}
        and decided_on between ${period.from}::date and ${period.to}::date
      order by decided_on, created_at, id`),
  );

  const actions = await actionsOf(tx, group.id);
  const asReported = (a: (typeof actions)[number]): ReportAction => {
    const by = a.updates.filter((u) => u.createdAt.slice(0, 10) <= period.to);
    const last = by[by.length - 1] ?? null;
    // As it stood at the quarter's end: done by then, or the last update by then (open if none).
    const status: ActionStatus =
      a.doneOn !== null && a.doneOn <= period.to
        ? 'done'
        : last && last.status !== 'done'
          ? (last.status as ActionStatus)
          : 'open';
    return {
      id: a.id,
      what: a.what,
      owner: a.owner,
      dueOn: a.dueOn,
      status,
      setOn: a.setOn,
      doneOn: a.doneOn,
      overdue:
        a.dueOn !== null &&
        a.dueOn <= period.to &&
        a.dueOn < today &&
        (status === 'open' || status === 'in_progress'),
      lastUpdate: last
        ? { note: last.note, on: last.createdAt.slice(0, 10), status: last.status }
        : null,
    };
  };
  const setBy = actions.filter((a) => a.setOn !== '' && a.setOn <= period.to).map(asReported);
  const openActions = setBy.filter((a) => a.status === 'open' || a.status === 'in_progress');
  const doneActions = setBy.filter(
    (a) => a.status === 'done' && a.doneOn !== null && a.doneOn >= period.from,
  );

  return {
    group,
    terms: terms ?? null,
    period,
    meetings,
    decisions,
    openActions,
    doneActions,
    members,
  };
}
