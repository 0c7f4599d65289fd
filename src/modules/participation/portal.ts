import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/index.ts';
import type { PortalSection } from '../../platform/manifest.ts';
import { formatDate } from '../../platform/views/index.ts';
import { whenText } from './activities.ts';

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

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
