import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import type { ComingUp, WorkDays, WorkWaiting } from '../../platform/manifest.ts';
import { asEnglish, forPage, translator } from '../../platform/i18n/index.ts';
import { whenText } from './activities.ts';

/** The first moment after a London day: the end of "the next seven days". */
export function afterLondonDay(day: string): SQL {
  return sql`((${day}::date + 1)::timestamp at time zone 'Europe/London')`;
}

/**
 * A decided sign-up that staff must phone or write to (decisionChannel is not
 * email): the opportunity page's "to contact" list, as a condition on a
 * sign-up `s` joined to its person `p` (register_people).
 */
export function toTellCondition(s: SQL, p: SQL): SQL {
  return sql`${s}.status in ('accepted', 'declined') and ${s}.told_at is null
    and ${p}.id is not null and ${p}.erased_at is null
    and not (nullif(${p}.email, '') is not null
      and not ((${p}.preferred_channels[1] in ('phone', 'sms') and nullif(${p}.phone, '') is not null)
        or (${p}.preferred_channels[1] = 'letter' and nullif(${p}.address_line_1, '') is not null)))`;
}

/** Sign-ups no one has decided yet: new or shortlisted. */
export const UNDECIDED = sql`('new', 'shortlisted')`;

/** Planned activities starting from now to the end of the week, with an unanswered invitation. */
export function unansweredThisWeek(a: SQL, weekEnd: string): SQL {
  return sql`${a}.status = 'planned' and ${a}.starts_at >= now()
    and ${a}.starts_at < ${afterLondonDay(weekEnd)}
    and exists (select 1 from invitations v where v.activity_id = ${a}.id and v.rsvp is null)`;
}

/** Participation's figures on the staff home, in one statement. */
export const participationWaiting: WorkWaiting = {
  counts: {
    signUps: {
      labelKey: 'workWaiting.participation.signUps',
      href: '/staff/opportunities?waiting=decide',
      action: 'participation:manage',
    },
    toTell: {
      labelKey: 'workWaiting.participation.toTell',
      href: '/staff/opportunities?waiting=tell',
      action: 'participation:manage',
    },
    claims: {
      labelKey: 'workWaiting.participation.claims',
      href: '/staff/rewards#claims',
      action: 'rewards:manage',
    },
    unanswered: {
      labelKey: 'workWaiting.participation.unanswered',
      href: '/staff/activities?waiting=unanswered',
      action: 'participation:manage',
    },
  },
  async read(tx: Queryable, days: WorkDays) {
    const [row] = rowsOf<Record<string, number>>(
      await tx.execute(sql`
        select
          (select count(*) from sign_ups s where s.status in ${UNDECIDED})::int as "signUps",
          (select count(*) from sign_ups s join register_people p on p.id = s.person_id
            where ${toTellCondition(sql`s`, sql`p`)})::int as "toTell",
          (select count(*) from expense_claims e where e.status = 'submitted')::int as claims,
          (select count(*) from invitations i join activities a on a.id = i.activity_id
            where i.rsvp is null and a.status = 'planned' and a.starts_at >= now()
              and a.starts_at < ${afterLondonDay(days.weekEnd)})::int as unanswered`),
    );
    return row ?? {};
  },
};

/** Activities (meetings among them) starting in the next seven days: one statement. */
export const participationComingUp: ComingUp = {
  action: 'participation:manage',
  async read(tx, days, language) {
    // For the staff home alone: English without Welsh is marked on a Welsh page.
    const tr = forPage(translator(language));
    const rows = rowsOf<{
      id: string;
      title: string;
      startsAt: Date;
      endsAt: Date;
      yes: number;
      unanswered: number;
    }>(
      await tx.execute(sql`
        -- What has not ended, along the index of end times, then the first
        -- fifty by start; walking the start times would pass every past
        -- activity first (issue 15).
        with open as materialized (
          select a.id, a.title, a.starts_at, a.ends_at from activities a
          where a.status = 'planned' and a.ends_at >= now()
            and a.starts_at < ${afterLondonDay(days.weekEnd)}
        )
        select a.id, a.title, a.starts_at as "startsAt", a.ends_at as "endsAt", v.yes, v.unanswered
        from (select * from open order by starts_at, id limit 50) a
        -- The fifty's invitations only, along their activity's index: a join
        -- before the limit read every invitation (issue 15).
        cross join lateral (
          select (count(*) filter (where v.rsvp = 'yes'))::int as yes,
            (count(*) filter (where v.rsvp is null))::int as unanswered
          from invitations v where v.organisation_id = app_organisation_id() and v.activity_id = a.id
        ) v
        order by a.starts_at, a.id`),
    );
    return rows.map((row) => {
      const startsAt = new Date(row.startsAt);
      const when = whenText({ startsAt, endsAt: new Date(row.endsAt) }, language);
      return {
        at: startsAt,
        title: row.title,
        href: `/staff/activities/${row.id}`,
        when: tr.has('activities.whenRange') ? when : asEnglish(when),
        hint: tr.text('workWaiting.participation.comingHint', {
          yes: row.yes,
          count: row.unanswered,
        }),
      };
    });
  },
};
