import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import {
  currentMember,
  groupBySlug,
  londonToday,
  termsOf,
  type GroupDetail,
  type TermsRow,
} from './groups.ts';
import { publishedElections, type PublishedElection } from './elections.ts';
import { meetingsOf } from './meetings.ts';

/** A published body on the public list. */
export interface PublicGroupRow {
  slug: string;
  kind: string;
  title: string;
  summary: string;
}

/** The organisation's published bodies, by title: one query. */
export async function publicGroups(tx: Queryable): Promise<PublicGroupRow[]> {
  return rowsOf<PublicGroupRow>(
    await tx.execute(sql`
      select g.slug, g.kind, i.title, i.summary
      from groups g join initiative_summaries i on i.id = g.initiative_id
      where g.published
      order by lower(i.title), g.id
      limit 200`),
  );
}

/** A member named on the public page: their name and seat, nothing else. */
export interface NamedMember {
  name: string;
  seatLabel: string;
  chairs: boolean;
}

/**
 * Who sits on a body today, as the public may see it: the members who agreed
 * to be named (name and seat only), and how many others there are. The
 * consent rule is in the query, so no unconsented name leaves the database.
 */
export async function publicMembers(
  tx: Queryable,
  groupId: string,
  today = londonToday(),
): Promise<{ named: NamedMember[]; others: number }> {
  const named = rowsOf<NamedMember>(
    await tx.execute(sql`
      select distinct on (p.id) trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name) as name,
        s.label as "seatLabel", s.chairs, s.sort_order
      from group_members m join group_seats s on s.id = m.seat_id
      join register_people p on p.id = m.person_id
      where m.group_id = ${groupId} and m.named_publicly and p.erased_at is null
        and ${currentMember(sql`m`, today)}
      order by p.id, s.chairs desc, s.sort_order`),
  );
  const [row] = rowsOf<{ n: number }>(
    await tx.execute(sql`
      select count(distinct m.person_id)::int as n from group_members m
      where m.group_id = ${groupId} and ${currentMember(sql`m`, today)}
        and not exists (select 1 from group_members o where o.group_id = m.group_id
          and o.person_id = m.person_id and o.named_publicly and ${currentMember(sql`o`, today)})`),
  );
  return {
    named: named
      .map(({ name, seatLabel, chairs }) => ({ name, seatLabel, chairs }))
      .sort((a, b) => Number(b.chairs) - Number(a.chairs) || a.name.localeCompare(b.name)),
    others: row?.n ?? 0,
  };
}

export interface PublicGroupPage {
  group: GroupDetail;
  /** Results of its published elections, newest first (candidates stood in public). */
  elections: PublishedElection[];
  terms: TermsRow | null;
  named: NamedMember[];
  others: number;
  /** Meetings to come: when they start and end, nothing of who is invited. */
  upcoming: Array<{ startsAt: Date; endsAt: Date; day: string }>;
  decisions: Array<{ what: string; why: string; easyRead: string | null; decidedOn: string }>;
  /** Actions done: what was done, and when. */
  outcomes: Array<{ what: string; doneOn: string }>;
}

/**
 * Everything a body's public page shows, or null when there is no published
 * body with that address in the organisation: its current terms of
 * reference, the members who agreed to be named, the meetings to come, and
 * its decisions and what has been done, newest first.
 */
export async function publicGroupPage(
  tx: Queryable,
  slug: string,
  now = new Date(),
): Promise<PublicGroupPage | null> {
  const group = await groupBySlug(tx, slug);
  if (!group) return null;
  const today = londonToday(now);
  const [terms] = await termsOf(tx, group.id);
  const members = await publicMembers(tx, group.id, today);
  const upcoming = (await meetingsOf(tx, group.id))
    .filter(
      (m) => m.activity.endsAt.getTime() >= now.getTime() && m.activity.status !== 'cancelled',
    )
    .slice(0, 4)
    .map((m) => ({ startsAt: m.activity.startsAt, endsAt: m.activity.endsAt, day: m.day }));
  const decisions = rowsOf<PublicGroupPage['decisions'][number]>(
    await tx.execute(sql`
      select what, why, easy_read as "easyRead", decided_on::text as "decidedOn"
      from group_decisions where group_id = ${group.id}
      order by decided_on desc, created_at desc limit 20`),
  );
  const outcomes = rowsOf<PublicGroupPage['outcomes'][number]>(
    await tx.execute(sql`
      select what, done_on::text as "doneOn" from group_actions
      where group_id = ${group.id} and status = 'done' and done_on is not null
      order by done_on desc, created_at desc limit 20`),
  );
  const elections = await publishedElections(tx, group.id);
  return { group, terms: terms ?? null, ...members, upcoming, decisions, outcomes, elections };
}
