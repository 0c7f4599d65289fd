import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/index.ts';
import type { PortalSection } from '../../platform/manifest.ts';
import { formatDate } from '../../platform/views/index.ts';
import { escapeHtml } from '../../platform/views/escape.ts';
import { whenText } from './activities.ts';
import { inAudience, noAudience } from './matching.ts';
import { openToPublic } from './opportunities.ts';
import { todayInLondon } from '../../platform/calendar/index.ts';

/**
 * Participation's sections of the customer's own page (/my), for the person
 * the account belongs to (users.person_id); an account linked to nobody sees
 * only the rewards link, whose page says there is nothing to show.
 */

/** The customer's rewards and expenses for this year, on their own page. */
export const rewardsSection: PortalSection = async (_tx, _person, text) => ({
  title: text('rewards.portal.title'),
  rows: [{ text: text('rewards.portal.statement'), href: '/my/statement' }],
});

/** How many upcoming activities and past ones the page lists. */
const SHOWN = 20;

interface UpcomingRow {
  id: string;
  title: string;
  startsAt: string | Date;
  endsAt: string | Date;
  status: string;
  rsvp: string | null;
}

/** Activities the person is invited to that are still to come, with their answer: one query. */
export const upcomingSection: PortalSection = async (tx, { personId }, text, language) => {
  if (!personId) return null;
  const rows = rowsOf<UpcomingRow>(
    await tx.execute(sql`
      select a.id, a.title, a.starts_at as "startsAt", a.ends_at as "endsAt", a.status, v.rsvp
      from invitations v join activities a on a.id = v.activity_id
      where v.person_id = ${personId} and a.ends_at > now()
      order by a.starts_at, a.title
      limit ${SHOWN}`),
  );
  return {
    title: text('myInvolvement.upcoming.title'),
    rows: rows.map((row) => {
      const when = whenText(
        { startsAt: new Date(row.startsAt), endsAt: new Date(row.endsAt) },
        language,
      );
      const answer =
        row.status === 'cancelled'
          ? 'cancelled'
          : row.rsvp === 'yes' || row.rsvp === 'no'
            ? row.rsvp
            : 'none';
      return {
        text: row.title,
        // The answer page for the signed-in person (routes/my.ts).
        href: `/my/activities/${row.id}`,
        hint: `${when}. ${text(`myInvolvement.upcoming.rsvp.${answer}`)}`,
      };
    }),
    empty: text('myInvolvement.upcoming.empty'),
  };
};

interface ForYouRow {
  id: string;
  title: string;
  closesOn: string | null;
  /** Whether they share an interest with it (else they are in its audience). */
  sharesInterest: boolean;
}

/**
 * Open opportunities that fit the person as matching means it (matching.ts):
 * a shared interest, or none named, and in the initiative's audience, or none
 * named; at least one of the two must name them, so that the section is not
 * the public list again. Those they signed up to already are left out. Their
 * access needs do not hide an opportunity here: they may still ask. One query.
 */
export const opportunitiesSection: PortalSection = async (tx, { personId }, text, language) => {
  if (!personId) return null;
  const rows = rowsOf<ForYouRow>(
    await tx.execute(sql`
      select o.id, o.title, o.closes_on::text as "closesOn",
        coalesce(p.interests && o.interests, false) as "sharesInterest"
      from register_people p
      cross join opportunities o
      join initiative_summaries i on i.id = o.initiative_id
      where p.id = ${personId} and p.erased_at is null and ${openToPublic(todayInLondon())}
        and (cardinality(o.interests) = 0 or p.interests && o.interests)
        and (${noAudience('i')} or ${inAudience('p', 'i')})
        and (p.interests && o.interests or not ${noAudience('i')})
        and not exists (select 1 from sign_ups s where s.opportunity_id = o.id and s.person_id = p.id)
      order by o.closes_on nulls last, o.title
      limit ${SHOWN}`),
  );
  return {
    title: text('myInvolvement.forYou.title'),
    easyRead: { picture: 'people', text: text('myInvolvement.forYou.easy') },
    rows: rows.map((row) => ({
      text: row.title,
      href: `/opportunities/${row.id}`,
      hint: [
        text(
          row.sharesInterest ? 'myInvolvement.forYou.interest' : 'myInvolvement.forYou.audience',
        ),
        row.closesOn
          ? text('myInvolvement.forYou.closes', { date: formatDate(row.closesOn, language, false) })
          : '',
      ]
        .filter(Boolean)
        .join(' '),
    })),
    actions: [{ text: text('myInvolvement.forYou.all'), href: '/opportunities' }],
    empty: text('myInvolvement.forYou.empty'),
  };
};

interface PastRow {
  title: string;
  startsAt: string | Date;
  hours: number;
  totalHours: number;
  times: number;
}

const hoursText = (hours: number) => String(Math.round(hours * 100) / 100);

/** What the person has taken part in, with hours, and the total: one query. */
export const pastSection: PortalSection = async (tx, { personId }, text, language) => {
  if (!personId) return null;
  const rows = rowsOf<PastRow>(
    await tx.execute(sql`
      select a.title, a.starts_at as "startsAt", t.hours::float8 as hours,
        sum(t.hours) over ()::float8 as "totalHours", count(*) over ()::int as times
      from attendance t join activities a on a.id = t.activity_id
      where t.person_id = ${personId} and t.status = 'attended'
      order by a.starts_at desc
      limit ${SHOWN}`),
  );
  const first = rows[0];
  return {
    title: text('myInvolvement.past.title'),
    ...(first
      ? {
          html: `<p class="govuk-body">${escapeHtml(
            text('myInvolvement.past.total', {
              count: first.times,
              hours: hoursText(first.totalHours),
            }),
          )}</p>`,
        }
      : {}),
    rows: rows.map((row) => ({
      text: row.title,
      hint: text('myInvolvement.past.line', {
        date: formatDate(row.startsAt, language, false),
        hours: hoursText(row.hours),
        count: row.hours,
      }),
    })),
    empty: text('myInvolvement.past.empty'),
  };
};
