import { sql } from 'drizzle-orm';
import { audit, SYSTEM_ACTOR, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { arrayParam, uuidArray } from '../../platform/db/types.ts';
import type { PlatformEvent } from '../../platform/events/index.ts';
import { newToken } from '../../platform/http/link-tokens.ts';
import { isLanguage, type Language } from '../../platform/i18n/index.ts';
import { enqueue, type JobHandler } from '../../platform/jobs/index.ts';
import { linkRecords } from '../../platform/links/index.ts';
import { mailBaseUrl, queueMail } from '../../platform/mail/index.ts';
import { organisations } from '../../platform/tenancy/index.ts';
import { needsEasyRead } from '../people/index.ts';
import type { SurveyRow } from './service.ts';

/**
 * Personal email invitations (issue 12 §3): a link with a single-use token
 * (answering through it once marks it answered), one reminder with a link of
 * its own after the survey's reminder days, and the trigger that invites the
 * person an operational record names when operations raises its event.
 *
 * Who may be emailed follows the register: an email address, consent to be
 * contacted by email, and not "do not contact". Anyone else is recorded as
 * not sent, with the reason, so staff can reach them another way and the
 * response rate counts them honestly.
 */

export const SEND_JOB = 'surveys.send-invitations';
export const REMINDERS_JOB = 'surveys.invitation-reminders';

/**
 * An operational event older than this does not send a survey: importing
 * last year's repairs must not email people about them now. [R] Our reading:
 * the Complaint Handling Code and the TSM guidance ask for feedback close to
 * the event; two weeks covers a record keyed in late.
 */
export const TRIGGER_WINDOW_DAYS = 14;

export type NotSentReason = 'no_email' | 'no_consent' | 'do_not_contact';

export interface InviteOutcome {
  /** Invitations queued to be emailed. */
  invited: number;
  /** Already invited to this survey: not invited again. */
  already: number;
  notSent: Record<NotSentReason, number>;
}

/** The reason a person cannot be emailed, as SQL over register_people p (null when they can). */
const REASON = sql`case
  when p.do_not_contact then 'do_not_contact'
  when p.email is null or p.email = '' then 'no_email'
  when not ('contact_email' = any(coalesce(p.consents, '{}'))) then 'no_consent'
  end`;

/**
 * Invites people on the register to a published survey by email. Each
 * invitation is queued here and emailed by the send job, so a large list
 * does not hold the request. People already invited to it are left alone.
 */
export async function inviteToSurvey(
  tx: Queryable,
  actor: Actor,
  survey: SurveyRow,
  personIds: readonly string[],
): Promise<InviteOutcome> {
  const outcome: InviteOutcome = {
    invited: 0,
    already: 0,
    notSent: { no_email: 0, no_consent: 0, do_not_contact: 0 },
  };
  if (personIds.length === 0) return outcome;
  const rows = rowsOf<{ status: string; reason: string | null; fresh: boolean }>(
    await tx.execute(sql`
      with chosen as (
        select p.id, ${REASON} as reason
        from register_people p
        where p.id = any(${uuidArray([...new Set(personIds)])}) and p.erased_at is null
      ), made as (
        insert into survey_invitations (organisation_id, survey_id, person_id, status, reason)
        select app_organisation_id(), ${survey.id}, c.id,
          case when c.reason is null then 'queued' else 'not_sent' end, c.reason
        from chosen c
        where not exists (select 1 from survey_invitations i
          where i.survey_id = ${survey.id} and i.person_id = c.id)
        returning status, reason
      )
      select status, reason, true as fresh from made
      union all
      select 'already', null, false from chosen c
      where exists (select 1 from survey_invitations i
        where i.survey_id = ${survey.id} and i.person_id = c.id)`),
  );
  for (const row of rows) {
    if (!row.fresh) outcome.already++;
    else if (row.status === 'queued') outcome.invited++;
    else outcome.notSent[row.reason as NotSentReason]++;
  }
  if (outcome.invited > 0) await enqueue(tx, SEND_JOB, {});
  await audit(tx, actor, {
    action: 'invite',
    entity: 'survey',
    entityId: survey.id,
    after: { ...outcome.notSent, invited: outcome.invited, already: outcome.already },
  });
  return outcome;
}

/** People on the register in a service (or everyone when none is given), for "invite all". */
export async function audienceOf(
  tx: Queryable,
  filter: { serviceId: string | null },
): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await tx.execute(
      filter.serviceId
        ? sql`select distinct s.person_id as id from register_person_services s
            join register_people p on p.id = s.person_id
            where s.service_id = ${filter.serviceId} and p.erased_at is null
              and (s.ended_on is null or s.ended_on >= current_date)`
        : sql`select id from register_people where erased_at is null`,
    ),
  );
  return rows.map((r) => r.id);
}

function languageOf(value: string | null): Language {
  return value && isLanguage(value) ? value : 'en';
}

async function organisationName(tx: Queryable): Promise<string> {
  const [org] = await tx.select({ name: organisations.name }).from(organisations).limit(1);
  return org?.name ?? 'Coproduce';
}

/**
 * Emails every queued invitation of the organisation: a fresh token each,
 * its hash stored, the message in the outbox in the same transaction. Then
 * queues the reminder sweep for when the first reminders fall due.
 */
export async function sendQueuedInvitations(tx: Queryable, baseUrl: string): Promise<number> {
  const queued = rowsOf<{
    id: string;
    email: string;
    language: string | null;
    title: string;
    titleCy: string | null;
    reminderDays: number;
    easyRead: boolean;
    greetName: string | null;
  }>(
    await tx.execute(sql`
      select i.id, p.email, p.language, s.title, s.title_cy as "titleCy",
        s.reminder_days as "reminderDays", ${needsEasyRead(sql`p`)} as "easyRead",
        coalesce(nullif(trim(p.preferred_name), ''), p.first_name) as "greetName"
      from survey_invitations i
      join surveys s on s.id = i.survey_id and s.status = 'published'
      join register_people p on p.id = i.person_id and p.erased_at is null
      where i.status = 'queued'
      order by i.created_at
      for update of i skip locked`),
  );
  if (queued.length === 0) return 0;
  const name = await organisationName(tx);
  let soonest: number | null = null;
  for (const invitation of queued) {
    const { token, hash } = newToken();
    await tx.execute(sql`update survey_invitations
      set status = 'sent', token_hash = ${hash}, sent_at = now()
      where id = ${invitation.id}`);
    const language = languageOf(invitation.language);
    await queueMail(tx, {
      to: invitation.email,
      template: 'survey-invitation',
      language,
      easyRead: invitation.easyRead,
      vars: {
        organisation: name,
        name: invitation.greetName ?? '',
        title: language === 'cy' && invitation.titleCy ? invitation.titleCy : invitation.title,
      },
      link: `${baseUrl}/i/${token}`,
    });
    if (invitation.reminderDays > 0)
      soonest = Math.min(soonest ?? Infinity, invitation.reminderDays);
  }
  if (soonest !== null)
    await enqueue(tx, REMINDERS_JOB, {}, { runAt: new Date(Date.now() + soonest * 86_400_000) });
  return queued.length;
}

/**
 * Sends one reminder, with a link of its own, to each invitation still not
 * answered once the survey's reminder days have passed; the first link
 * keeps working. A closed survey sends none.
 */
export async function sendDueReminders(tx: Queryable, baseUrl: string): Promise<number> {
  const due = rowsOf<{
    id: string;
    email: string;
    language: string | null;
    title: string;
    easyRead: boolean;
    greetName: string | null;
  }>(
    await tx.execute(sql`
      select i.id, p.email, p.language, ${needsEasyRead(sql`p`)} as "easyRead",
        coalesce(nullif(trim(p.preferred_name), ''), p.first_name) as "greetName",
        case when p.language = 'cy' and s.title_cy is not null then s.title_cy else s.title end as title
      from survey_invitations i
      join surveys s on s.id = i.survey_id and s.status = 'published' and s.reminder_days > 0
      join register_people p on p.id = i.person_id and p.erased_at is null
      where i.status = 'sent' and i.reminded_at is null
        and i.sent_at <= now() - make_interval(days => s.reminder_days)
        and not p.do_not_contact and 'contact_email' = any(coalesce(p.consents, '{}'))
      for update of i skip locked`),
  );
  if (due.length === 0) return 0;
  const name = await organisationName(tx);
  for (const invitation of due) {
    const { token, hash } = newToken();
    await tx.execute(sql`update survey_invitations
      set reminder_token_hash = ${hash}, reminded_at = now() where id = ${invitation.id}`);
    await queueMail(tx, {
      to: invitation.email,
      template: 'survey-reminder',
      language: languageOf(invitation.language),
      easyRead: invitation.easyRead,
      vars: { organisation: name, name: invitation.greetName ?? '', title: invitation.title },
      link: `${baseUrl}/i/${token}`,
    });
  }
  return due.length;
}

/** Runs for every organisation with work: the job has no organisation of its own. */
export const sendInvitationsJob: JobHandler = async ({ db }) => {
  await db((tx) => sendQueuedInvitations(tx, mailBaseUrl()));
};

export const remindersJob: JobHandler = async ({ db }) => {
  await db((tx) => sendDueReminders(tx, mailBaseUrl()));
};

const daysBefore = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * The trigger (issue 12 §3): for each operations event that names a person,
 * every published survey sent on that event invites them, once per record
 * however often the event comes, if the register lets us email them. A sent
 * invitation is the feedback opportunity offered, recorded as the named link
 * `feedback-offered` from the invitation to the record (operations'
 * complainants_offered_feedback counts it). Events older than the window,
 * or naming no one, send nothing.
 */
export async function inviteOnEvents(
  tx: Queryable,
  events: readonly PlatformEvent[],
  today: string,
): Promise<{ invited: number; notSent: number }> {
  const since = daysBefore(today, TRIGGER_WINDOW_DAYS);
  const recent = events.filter((e) => e.personId && e.occurredOn >= since);
  if (recent.length === 0) return { invited: 0, notSent: 0 };
  const made = rowsOf<{
    id: string;
    status: string;
    sourceKind: string;
    sourceId: string;
    surveyId: string;
  }>(
    await tx.execute(sql`
      insert into survey_invitations
        (organisation_id, survey_id, person_id, status, reason, source_event, source_kind, source_id)
      select app_organisation_id(), s.id, p.id,
        case when ${REASON} is null then 'queued' else 'not_sent' end, ${REASON},
        e.name, e.kind, e.record_id
      from unnest(${arrayParam(
        recent.map((e) => e.name),
        'text',
      )},
                  ${uuidArray(recent.map((e) => e.personId!))},
                  ${arrayParam(
                    recent.map((e) => e.record.kind),
                    'text',
                  )},
                  ${arrayParam(
                    recent.map((e) => e.record.id),
                    'text',
                  )})
        as e(name, person_id, kind, record_id)
      join surveys s on s.trigger_event = e.name and s.status = 'published'
        and s.current_version is not null
      join register_people p on p.id = e.person_id and p.erased_at is null
      on conflict (organisation_id, survey_id, source_kind, source_id) do nothing
      returning id, status, source_kind as "sourceKind", source_id as "sourceId",
        survey_id as "surveyId"`),
  );
  const queued = made.filter((m) => m.status === 'queued');
  for (const invitation of queued)
    await linkRecords(
      tx,
      SYSTEM_ACTOR,
      { kind: 'surveys.invitation', id: invitation.id },
      'feedback-offered',
      { kind: invitation.sourceKind, id: invitation.sourceId },
    );
  if (queued.length > 0) await enqueue(tx, SEND_JOB, {});
  return { invited: queued.length, notSent: made.length - queued.length };
}

/**
 * People by the references staff typed (a reference or an old one kept as an
 * alias), and the references not found, in the order given.
 */
export async function peopleByReferences(
  tx: Queryable,
  references: readonly string[],
): Promise<{ ids: string[]; missing: string[] }> {
  if (references.length === 0) return { ids: [], missing: [] };
  const rows = rowsOf<{ ref: string; id: string | null }>(
    await tx.execute(sql`
      select r.ref, coalesce(p.id, a.person_id) as id
      from unnest(${arrayParam(references, 'text')}) as r(ref)
      left join register_people p on lower(p.reference) = lower(r.ref) and p.erased_at is null
      left join register_person_aliases a on lower(a.reference) = lower(r.ref)`),
  );
  const found = new Map<string, string>();
  for (const row of rows) if (row.id) found.set(row.ref, row.id);
  return {
    ids: [...new Set(found.values())],
    missing: references.filter((r) => !found.has(r)),
  };
}

/** How a survey's invitations stand, for the share page. */
export async function invitationCounts(
  tx: Queryable,
  surveyId: string,
): Promise<Record<string, number>> {
  const rows = rowsOf<{ status: string; n: number }>(
    await tx.execute(sql`select status, count(*)::int as n from survey_invitations
      where survey_id = ${surveyId} group by status`),
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
