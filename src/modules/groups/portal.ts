import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import type { PortalSection } from '../../platform/manifest.ts';
import { whenText } from '../participation/index.ts';
import { currentMember, isCurrentMember, londonToday } from './groups.ts';
import { meetingOf, meetingsOf, type MeetingView } from './meetings.ts';
import { groupMeetings } from './tables.ts';
import { eq } from 'drizzle-orm';
import { dayInWords } from './reminders.ts';

/**
 * A meeting of a body the person sits on today, with whether they chair it;
 * null when there is no such meeting or they are not a member.
 */
export async function meetingForMember(
  tx: Queryable,
  meetingId: string,
  personId: string,
): Promise<{ meeting: MeetingView; chairs: boolean; groupTitle: string } | null> {
  const [row] = await tx
    .select({ groupId: groupMeetings.groupId })
    .from(groupMeetings)
    .where(eq(groupMeetings.id, meetingId));
  if (!row) return null;
  const member = await isCurrentMember(tx, row.groupId, personId);
  if (!member) return null;
  const meeting = await meetingOf(tx, row.groupId, meetingId);
  if (!meeting) return null;
  const [group] = rowsOf<{ title: string }>(
    await tx.execute(sql`
      select i.title from groups g join initiative_summaries i on i.id = g.initiative_id
      where g.id = ${row.groupId}`),
  );
  return { meeting, chairs: member.chairs, groupTitle: group?.title ?? '' };
}

/** The bodies the person sits on, with their next meetings: a fixed number of queries a body. */
export const groupsSection: PortalSection = async (tx, { personId }, text, language) => {
  if (!personId) return null;
  const today = londonToday();
  const bodies = rowsOf<{ groupId: string; title: string; seat: string }>(
    await tx.execute(sql`
      select distinct on (g.id) g.id as "groupId", i.title, s.label as seat
      from group_members m join groups g on g.id = m.group_id
      join initiative_summaries i on i.id = g.initiative_id join group_seats s on s.id = m.seat_id
      where m.person_id = ${personId} and ${currentMember(sql`m`, today)}
      order by g.id, s.chairs desc
      limit 10`),
  );
  if (bodies.length === 0) return null;
  const rows: Array<{ text: string; href?: string; hint?: string }> = [];
  const now = Date.now();
  for (const body of bodies) {
    const coming = (await meetingsOf(tx, body.groupId))
      .filter((m) => m.activity.endsAt.getTime() >= now && m.activity.status !== 'cancelled')
      .slice(0, 2);
    if (coming.length === 0)
      rows.push({ text: body.title, hint: text('groups.my.noMeetings', { seat: body.seat }) });
    for (const m of coming)
      rows.push({
        text: text('groups.my.meetingOf', { group: body.title }),
        href: `/my/groups/meetings/${m.id}`,
        hint:
          `${whenText(m.activity, language)}. ` +
          (today <= m.agendaDeadline
            ? text('groups.my.proposeUntil', { date: dayInWords(m.agendaDeadline, language) })
            : text('groups.my.agendaClosed')),
      });
  }
  return { title: text('groups.my.title'), rows };
};
