import { money } from './rewards.ts';
import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import type { PersonDataHandler, TimelineEntry, TimelineSource } from '../../platform/manifest.ts';

/**
 * Participation's part in each person's page and rights (issue 5 §9): their
 * sign-ups, invitations and answers, attendance with hours, and rewards on
 * the timeline; and its rows in subject access, merging and erasure.
 * Its manifest contributes these to the register's extension points.
 */

interface TimelineRow {
  at: string;
  kind: 'signUp' | 'invited' | 'rsvp' | 'attendance' | 'reward';
  label: string;
  status: string | null;
  ref: string | null;
  hours: number | null;
  amount: number | null;
  role: string | null;
}

const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);

/** £12.50 from 1250. */
export const pounds = (pence: number) => money(pence).replace(/\.00$/, '');

const hoursText = (hours: number) => String(Math.round(hours * 100) / 100);

/** Participation's lines on a person's timeline: one query. */
export const participationTimeline: TimelineSource = async (tx, personId, text) => {
  const rows = rowsOf<TimelineRow>(
    await tx.execute(sql`
      select ${iso('s.created_at')} as at, 'signUp' as kind, o.title as label, s.status,
        o.id::text as ref, null::float8 as hours, null::int as amount, null::text as role
        from sign_ups s join opportunities o on o.id = s.opportunity_id
        where s.person_id = ${personId}
      union all
      select ${iso('v.invited_at')}, 'invited', a.title, null, a.id::text, null, null, null
        from invitations v join activities a on a.id = v.activity_id
        where v.person_id = ${personId}
      union all
      select ${iso('v.responded_at')}, 'rsvp', a.title, v.rsvp, a.id::text, null, null, null
        from invitations v join activities a on a.id = v.activity_id
        where v.person_id = ${personId} and v.responded_at is not null and v.rsvp is not null
      union all
      select ${iso('a.starts_at')}, 'attendance', a.title, t.status, a.id::text, t.hours::float8, null, t.role
        from attendance t join activities a on a.id = t.activity_id
        where t.person_id = ${personId}
      union all
      select r.earned_on::text, 'reward', coalesce(a.title, ''), r.status, a.id::text, null, r.amount_pence, null
        from rewards r left join activities a on a.id = r.activity_id
        where r.person_id = ${personId}`),
  );
  return rows.map((row): TimelineEntry => {
    const activityHref = row.ref ? `/staff/activities/${row.ref}` : undefined;
    const base = { at: row.at, source: 'participation' };
    switch (row.kind) {
      case 'signUp':
        return {
          ...base,
          title: text('participationTimeline.signUp', { title: row.label }),
          detail: text(`participationTimeline.signUpStatus.${row.status ?? 'new'}`),
          href: `/staff/opportunities/${row.ref}`,
        };
      case 'invited':
        return {
          ...base,
          title: text('participationTimeline.invited', { title: row.label }),
          ...(activityHref ? { href: activityHref } : {}),
        };
      case 'rsvp':
        return {
          ...base,
          title: text(`participationTimeline.rsvp.${row.status === 'yes' ? 'yes' : 'no'}`, {
            title: row.label,
          }),
          ...(activityHref ? { href: activityHref } : {}),
        };
      case 'attendance': {
        const status = ['attended', 'apologies', 'did_not_attend'].includes(row.status ?? '')
          ? row.status!
          : 'attended';
        const hours = text('participationTimeline.hours', {
          count: row.hours ?? 0,
          hours: hoursText(row.hours ?? 0),
        });
        return {
          ...base,
          title: text(`participationTimeline.attendance.${status}`, { title: row.label }),
          ...(status === 'attended'
            ? {
                detail: row.role
                  ? text('participationTimeline.hoursAndRole', { hours, role: row.role })
                  : hours,
              }
            : {}),
          ...(activityHref ? { href: activityHref } : {}),
        };
      }
      case 'reward':
      default:
        return {
          ...base,
          title: row.label
            ? text('participationTimeline.reward', {
                amount: pounds(row.amount ?? 0),
                title: row.label,
              })
            : text('participationTimeline.rewardOther', { amount: pounds(row.amount ?? 0) }),
          detail: text(`participationTimeline.rewardStatus.${row.status ?? 'due'}`),
          ...(activityHref ? { href: activityHref } : {}),
        };
    }
  });
};

/** Everything participation holds about a person, for a subject access request. */
async function exportPerson(tx: Queryable, personId: string) {
  const rows = async (query: ReturnType<typeof sql>) => rowsOf(await tx.execute(query));
  return {
    signUps: await rows(sql`
      select o.title as opportunity, s.take_part as "takePart", s.status, s.message,
        s.created_at as "createdAt", s.decided_at as "decidedAt"
      from sign_ups s join opportunities o on o.id = s.opportunity_id
      where s.person_id = ${personId} order by s.created_at`),
    emailedAbout: await rows(sql`
      select o.title as opportunity, k.asked_at as "emailedAt"
      from opportunity_asks k join opportunities o on o.id = k.opportunity_id
      where k.person_id = ${personId} order by k.asked_at`),
    invitations: await rows(sql`
      select a.title as activity, a.starts_at as "startsAt", v.rsvp, v.responded_at as "respondedAt",
        v.invited_at as "invitedAt", v.reminded_at as "remindedAt"
      from invitations v join activities a on a.id = v.activity_id
      where v.person_id = ${personId} order by v.invited_at`),
    attendance: await rows(sql`
      select a.title as activity, a.starts_at as "startsAt", t.status, t.role,
        t.hours::float8 as hours, t.recorded_at as "recordedAt"
      from attendance t join activities a on a.id = t.activity_id
      where t.person_id = ${personId} order by a.starts_at`),
    rewards: await rows(sql`
      select a.title as activity, r.amount_pence as "amountPence", r.choice, r.status,
        r.earned_on as "earnedOn", r.paid_on as "paidOn"
      from rewards r left join activities a on a.id = r.activity_id
      where r.person_id = ${personId} order by r.earned_on`),
    expenseClaims: await rows(sql`
      select a.title as activity, e.kind, e.amount_pence as "amountPence", e.description,
        e.receipt_name as "receiptName", e.receipt_type as "receiptType", e.status, e.reason,
        e.incurred_on as "incurredOn", e.decided_at as "decidedAt", e.paid_on as "paidOn",
        e.created_at as "createdAt"
      from expense_claims e left join activities a on a.id = e.activity_id
      where e.person_id = ${personId} order by e.incurred_on`),
  };
}

/**
 * Moves one record's rows to the other. Invitations, attendance and rewards
 * are one per activity and person: where both records have one for the same
 * activity, the kept person's stays and the other's goes.
 */
async function mergePerson(tx: Queryable, fromId: string, intoId: string) {
  for (const table of ['invitations', 'attendance', 'rewards'] as const) {
    const t = sql.identifier(table);
    await tx.execute(sql`
      delete from ${t} d using ${t} k
      where d.person_id = ${fromId} and k.person_id = ${intoId} and k.activity_id = d.activity_id`);
    await tx.execute(sql`update ${t} set person_id = ${intoId} where person_id = ${fromId}`);
  }
  await tx.execute(sql`
    delete from opportunity_asks d using opportunity_asks k
    where d.person_id = ${fromId} and k.person_id = ${intoId} and k.opportunity_id = d.opportunity_id`);
  await tx.execute(
    sql`update opportunity_asks set person_id = ${intoId} where person_id = ${fromId}`,
  );
  await tx.execute(sql`update sign_ups set person_id = ${intoId} where person_id = ${fromId}`);
  await tx.execute(
    sql`update expense_claims set person_id = ${intoId} where person_id = ${fromId}`,
  );
}

/**
 * Keeps what the person did (attendance, hours, rewards, claim amounts) as
 * anonymous facts on the blanked record, so counts stay right; removes what
 * they wrote and sent: sign-up words and messages, receipts and claim
 * descriptions, and the RSVP links (each token hash replaced by a random one).
 */
async function erasePerson(tx: Queryable, person: { id: string }) {
  await tx.execute(sql`
    update invitations set token_hash = encode(sha256(convert_to(gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')), 'hex'),
      reminder_token_hash = null
    where person_id = ${person.id}`);
  await tx.execute(
    sql`update sign_ups set take_part = null, message = null, contact_token_hash = null, contact_email_hash = null where person_id = ${person.id}`,
  );
  await tx.execute(sql`
    update expense_claims set description = null, receipt = null, receipt_type = null, receipt_name = null,
      reason = null
    where person_id = ${person.id}`);
}

/** Participation's rows in subject access, merging and erasure. */
export const participationPersonData: PersonDataHandler = {
  name: 'participation',
  export: exportPerson,
  merge: mergePerson,
  erase: erasePerson,
};
