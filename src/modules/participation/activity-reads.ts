import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import { activityState, type ActivityState } from './activities.ts';

/** An activity as other modules read it (groups' meetings hang on activities). */
export interface ActivitySummary {
  id: string;
  initiativeId: string;
  kind: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  onlineLink: string | null;
  /**
   * What it is now (activities.ts activityState): planned, held (it has
   * started and someone on its register attended), not_held, register_due
   * or cancelled. Held follows from the date and the register, never a button.
   */
  status: ActivityState;
}

/** Activities by id, for modules that hang their own records on them: one query, however many. */
export async function activitiesByIds(
  tx: Queryable,
  ids: readonly string[],
): Promise<ActivitySummary[]> {
  if (ids.length === 0) return [];
  const rows = rowsOf<ActivitySummary>(
    await tx.execute(sql`
      select a.id, a.initiative_id as "initiativeId", a.kind, a.title, a.starts_at as "startsAt",
        a.ends_at as "endsAt", a.location, a.online_link as "onlineLink",
        ${activityState(sql`a`)} as status
      from activities a where a.id = any(${uuidArray(ids)})
      order by a.starts_at, a.id`),
  );
  // Raw rows may carry timestamps as text on one driver and dates on another.
  return rows.map((r) => ({ ...r, startsAt: new Date(r.startsAt), endsAt: new Date(r.endsAt) }));
}

/** One line of an attendance register, as other modules read it. */
export interface AttendanceLine {
  activityId: string;
  personId: string;
  /** attended, apologies, did_not_attend */
  status: string;
  role: string | null;
  hours: number;
}

/** The attendance registers of a set of activities: one query, however many. */
export async function attendanceOf(
  tx: Queryable,
  activityIds: readonly string[],
): Promise<AttendanceLine[]> {
  if (activityIds.length === 0) return [];
  return rowsOf<AttendanceLine>(
    await tx.execute(sql`
      select activity_id as "activityId", person_id as "personId", status, role,
        hours::float8 as hours
      from attendance where activity_id = any(${uuidArray(activityIds)})`),
  );
}
