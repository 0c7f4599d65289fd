import { sql, type SQL } from 'drizzle-orm';

/**
 * The pieces the ladder profile and participation's statistics count
 * attendance with, so that their work is the period's activities and
 * registers, not the whole history (issue 15): activities are found along
 * activities_starts_idx by the period's bounds, and each one's register is
 * read from attendance_attended_idx alone (an index-only scan of the rows
 * marked attended). An activity was held (activityHeld) when it started, was
 * not cancelled and someone attended: the register read beside it says the
 * last.
 */

/**
 * An activity (alias `a`) that started, was not cancelled, on a day in
 * England from `from` to `to` (YYYY-MM-DD, inclusive; either may be
 * missing).
 */
export function startedBetween(a: SQL, from?: string, to?: string): SQL {
  return sql`${a}.status <> 'cancelled' and ${a}.starts_at <= now() ${startedOn(a, from, to)}`;
}

/**
 * `and` the activity (alias `a`) started on a day in England from `from` to
 * `to` (either may be missing). The day it started in England is on or
 * after `from` exactly when it started at or after midnight in England
 * that day, and on or before `to` when before midnight that night (midnight
 * in England falls once on every day of the year, the clocks changing at 1
 * or 2 am): said of starts_at, activities_starts_idx takes it and the
 * planner can tell how many activities it finds.
 */
export function startedOn(a: SQL, from?: string, to?: string): SQL {
  return sql`${from ? sql`and ${a}.starts_at >= (${from}::date::timestamp at time zone 'Europe/London')` : sql``}
    ${to ? sql`and ${a}.starts_at < ((${to}::date + 1)::timestamp at time zone 'Europe/London')` : sql``}`;
}

/**
 * The people who attended an activity (its id as SQL), with their hours,
 * for a LATERAL join. `offset 0` keeps it a lookup an activity (an
 * index-only scan of attendance_attended_idx): flattened into the outer
 * query, the planner may read every attendance row ever recorded instead.
 */
export function attendedAt(activityId: SQL): SQL {
  return sql`select t.person_id, t.hours from attendance t
    where t.activity_id = ${activityId} and t.status = 'attended' offset 0`;
}

/** How many attended an activity and their hours (null when none), for a LATERAL join. */
export function registerOf(activityId: SQL): SQL {
  return sql`select count(*)::int as attended, sum(t.hours) as hours from attendance t
    where t.activity_id = ${activityId} and t.status = 'attended'`;
}
