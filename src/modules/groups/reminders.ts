import { sql } from 'drizzle-orm';
import { audit, SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import { isLanguage, type Language } from '../../platform/i18n/index.ts';
import type { JobHandler } from '../../platform/jobs/index.ts';
import { queueMail } from '../../platform/mail/index.ts';
import { needsEasyRead } from '../people/index.ts';
import { londonToday } from './groups.ts';

/** A day in words for a message: "31 March 2027" (Welsh month names where the reader is Welsh). */
export function dayInWords(iso: string, language: Language = 'en'): string {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString(language === 'cy' ? 'cy-GB' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

interface Due {
  memberId: string;
  groupId: string;
  groupTitle: string;
  seat: string;
  termEndsOn: string;
  clerkEmail: string | null;
  name: string;
  email: string | null;
  consents: string[];
  doNotContact: boolean;
  language: string;
  /** The member's record asks for easy read: their reminder comes in easy read. */
  easyRead: boolean;
  /** The name the member likes to be called, for their own "Hello Rosa,". */
  greetName: string;
}

/**
 * Sends the reminders for terms of office ending within each body's reminder
 * window and not yet reminded: to the body's clerk, and to the member when
 * they can be emailed. Each term is reminded once. Returns how many terms.
 */
export async function sendTermReminders(
  tx: Queryable,
  context: { baseUrl: string; today?: string },
): Promise<number> {
  const today = context.today ?? londonToday();
  const due = rowsOf<Due>(
    await tx.execute(sql`
      select m.id as "memberId", g.id as "groupId", i.title as "groupTitle", s.label as seat,
        m.term_ends_on::text as "termEndsOn", g.clerk_email as "clerkEmail",
        trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name) as name,
        p.email, p.consents, p.do_not_contact as "doNotContact", p.language,
        ${needsEasyRead(sql`p`)} as "easyRead",
        coalesce(nullif(trim(p.preferred_name), ''), p.first_name) as "greetName"
      from group_members m
      join groups g on g.id = m.group_id
      join initiative_summaries i on i.id = g.initiative_id
      join group_seats s on s.id = m.seat_id
      join register_people p on p.id = m.person_id
      where m.term_reminded_at is null and m.ended_on is null and m.term_ends_on is not null
        and m.term_ends_on >= ${today}::date
        and m.term_ends_on - ${today}::date <= g.term_reminder_days
        and p.erased_at is null
      order by m.term_ends_on, m.id`),
  );
  if (due.length === 0) return 0;
  for (const d of due) {
    const vars = {
      name: d.name,
      group: d.groupTitle,
      seat: d.seat,
      date: dayInWords(d.termEndsOn),
    };
    if (d.clerkEmail)
      await queueMail(tx, {
        to: d.clerkEmail,
        template: 'group-term-ending',
        language: 'en',
        vars,
        link: `${context.baseUrl}/staff/groups/${d.groupId}/members/${d.memberId}`,
      });
    if (d.email && d.consents.includes('contact_email') && !d.doNotContact) {
      const language: Language = isLanguage(d.language) ? d.language : 'en';
      await queueMail(tx, {
        to: d.email,
        template: 'group-term-ending-member',
        language,
        easyRead: d.easyRead,
        vars: { ...vars, name: d.greetName, date: dayInWords(d.termEndsOn, language) },
        link: `${context.baseUrl}/my`,
      });
    }
  }
  await tx.execute(sql`
    update group_members set term_reminded_at = now()
    where id = any(${uuidArray(due.map((d) => d.memberId))})`);
  await audit(tx, SYSTEM_ACTOR, {
    action: 'term-reminders',
    entity: 'group',
    entityId: due[0]!.groupId,
    after: { members: due.map((d) => d.memberId) },
  });
  return due.length;
}

/** The job: a sweep of the organisation's terms due a reminder (queued for each term's day). */
export const termRemindersJob: JobHandler = async ({ db }, payload) => {
  const baseUrl = typeof payload.baseUrl === 'string' ? payload.baseUrl : '';
  await db((tx) => sendTermReminders(tx, { baseUrl }));
};
