import { sql, type SQL } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { isLanguage, type Language } from '../../platform/i18n/index.ts';
import { translatorsIn } from '../../platform/i18n/overrides.ts';
import { queueMail } from '../../platform/mail/index.ts';
import { formatDate } from '../../platform/views/index.ts';
import { needsEasyRead } from '../people/index.ts';

/**
 * Matching people on the register to an opportunity (issue 5 §5): those who
 * fit (a shared interest, and in the initiative's audience when it names
 * one), who need nothing the opportunity cannot offer, and who have not been
 * asked too often lately, so that the same few voices are not asked every
 * time while others are never asked. Those asked least, and involved least
 * recently, come first.
 */

export interface MatchOptions {
  /** How many people to return at most. */
  limit: number;
  /** A person already invited this many times in the window is left out. */
  invitationLimit: number;
  windowDays: number;
}

export interface MatchRow {
  id: string;
  reference: string;
  firstName: string;
  lastName: string;
  email: string | null;
  language: string;
  consents: string[];
  contactViaSupporter: boolean;
  /** Their record asks for easy read: the email about the opportunity comes in easy read. */
  easyRead: boolean;
  /** Why they fit: */
  sharedInterests: string[];
  skills: string[];
  services: string[];
  roles: string[];
  area: string | null;
  availability: string[];
  /**
   * Invitations to activities, and emails about other opportunities, in the
   * window: both are asking someone to take part.
   */
  recentInvitations: number;
  /** When they were emailed about this opportunity, if they were. */
  askedAt: Date | null;
  lastInvolvedOn: string | null;
}

export interface MatchResult {
  matches: MatchRow[];
  /** How many fit in all (matches may be fewer, up to the limit). */
  fitting: number;
  /** Who was left out, and why; a person may be left out for both reasons. */
  leftOut: { unmetNeed: number; askedTooOften: number };
}

/**
 * Whether an initiative names no audience: then everyone is in it. `i` is
 * the alias of a row with the initiative's audience columns.
 */
export const noAudience = (i: string): SQL =>
  sql.raw(`(cardinality(${i}.audience_services) + cardinality(${i}.audience_specialisms)
    + cardinality(${i}.audience_areas) + cardinality(${i}.audience_roles) = 0)`);

/**
 * Whether person `p` (a register_people row) is in the audience initiative
 * `i` names: by area, by a service, specialism or service area they use
 * today, or by an involvement role they hold today. The aliases are the
 * caller's constants, never input. Shared by matching and the customer's
 * "Opportunities for you" (portal.ts), so both mean the same by "fits".
 */
export const inAudience = (p: string, i: string): SQL =>
  sql.raw(`(${p}.area = any(${i}.audience_areas)
    or exists (select 1 from register_person_services ps
         where ps.person_id = ${p}.id and (ps.ended_on is null or ps.ended_on >= current_date)
           and (ps.service_id::text = any(${i}.audience_services) or ps.specialism = any(${i}.audience_specialisms)
                or ps.service_area = any(${i}.audience_areas)))
    or exists (select 1 from register_person_roles r
         where r.person_id = ${p}.id and (r.ended_on is null or r.ended_on >= current_date)
           and r.role = any(${i}.audience_roles)))`);

/**
 * Everyone who could be asked: on the register (consented, not erased, not
 * "do not contact"), sharing an interest with the opportunity (or it names
 * none), and in the initiative's audience (or it names none), with what they
 * need that is not on offer and how often they were asked in the window.
 *
 * How often each was asked is counted for those who fit only, along the
 * people's index of their invitations and asks in the window: a grouped count
 * of every invitation in the window read most of the year's invitations at a
 * large landlord, twice a page (issue 15). What shows why a person fits
 * (services, roles, the date they were asked about this one) is read only for
 * the page of matches (`details`).
 */
function candidates(opportunityId: string, windowDays: number): SQL {
  const since = sql`now() - make_interval(days => ${windowDays}::int)`;
  return sql`
    with o as (
      select o.interests, o.access_provisions,
        i.audience_services, i.audience_specialisms, i.audience_areas, i.audience_roles
      from opportunities o join initiative_summaries i on i.id = o.initiative_id
      where o.id = ${opportunityId}
    ),
    fit as materialized (
      select p.id, p.reference, p.first_name as "firstName", p.last_name as "lastName",
        p.email, p.language, p.consents, p.contact_via_supporter as "contactViaSupporter",
        ${needsEasyRead(sql`p`)} as "easyRead",
        p.skills, p.area, p.availability, p.last_involved_on::text as "lastInvolvedOn",
        array(select x from unnest(p.interests) x where x = any(o.interests)) as "sharedInterests",
        array(select n from unnest(p.needs) n where not (n = any(o.access_provisions))) as "unmetNeeds"
      from register_people p cross join o
      where p.erased_at is null and not p.do_not_contact and 'register' = any(p.consents)
        and (cardinality(o.interests) = 0 or p.interests && o.interests)
        and (${noAudience('o')} or ${inAudience('p', 'o')})
    ),
    candidates as materialized (
      select f.*,
        ((select count(*) from invitations v where v.person_id = f.id and v.invited_at > ${since})
          + (select count(*) from opportunity_asks k
             where k.person_id = f.id and k.opportunity_id <> ${opportunityId}
               and k.asked_at > ${since}))::int as "recentInvitations"
      from fit f
    )`;
}

/** Why each of a page of matches fits, and whether they were asked about this one. */
function details(opportunityId: string): SQL {
  return sql`
    (select k.asked_at from opportunity_asks k
      where k.person_id = m.id and k.opportunity_id = ${opportunityId}) as "askedAt",
    array(select ps.service_name from register_person_services ps
      where ps.person_id = m.id and (ps.ended_on is null or ps.ended_on >= current_date)
      order by ps.service_name) as services,
    array(select r.role from register_person_roles r
      where r.person_id = m.id and (r.ended_on is null or r.ended_on >= current_date)
      order by r.role) as roles`;
}

/**
 * The people who fit an opportunity, with why they fit, and counts of who
 * was left out and why. One query however big the register is: the counts
 * ride on every row of the page, and on one row of nulls when nobody fits.
 */
export async function matchPeople(
  tx: Queryable,
  opportunityId: string,
  options: MatchOptions,
): Promise<MatchResult> {
  const base = candidates(opportunityId, options.windowDays);
  const limit = options.invitationLimit;
  const rows = rowsOf<
    MatchRow & { _fitting: number; _unmetNeed: number; _askedTooOften: number; id: string | null }
  >(
    await tx.execute(sql`${base},
      counts as (
        select
          (count(*) filter (where cardinality("unmetNeeds") = 0 and "recentInvitations" < ${limit}::int))::int as "_fitting",
          (count(*) filter (where cardinality("unmetNeeds") > 0))::int as "_unmetNeed",
          (count(*) filter (where "recentInvitations" >= ${limit}::int))::int as "_askedTooOften"
        from candidates
      ),
      page as (
        select id, reference, "firstName", "lastName", email, language, consents,
          "contactViaSupporter", skills, area, availability, "lastInvolvedOn",
          "sharedInterests", "recentInvitations", "easyRead"
        from candidates
        where cardinality("unmetNeeds") = 0 and "recentInvitations" < ${limit}::int
        order by "recentInvitations", "lastInvolvedOn" nulls first, "lastName", "firstName", id
        limit ${options.limit}::int
      )
      select c.*, m.*, ${details(opportunityId)}
      from counts c left join page m on true
      order by "recentInvitations", "lastInvolvedOn" nulls first, "lastName", "firstName", id`),
  );
  const counts = rows[0];
  const matches = rows
    .filter((row) => row.id !== null)
    .map(({ _fitting, _unmetNeed, _askedTooOften, ...row }) => row as MatchRow);
  return {
    matches,
    fitting: counts?._fitting ?? 0,
    leftOut: { unmetNeed: counts?._unmetNeed ?? 0, askedTooOften: counts?._askedTooOften ?? 0 },
  };
}

/** Whether a match can be emailed: their own address, and consent to email. */
export const mayEmail = (row: MatchRow) =>
  Boolean(row.email) && row.consents.includes('contact_email') && !row.contactViaSupporter;

/** Whether a match is still to be emailed about this opportunity. */
export const toEmail = (row: MatchRow) => mayEmail(row) && row.askedAt === null;

/**
 * Emails everyone who fits, consented to email and has not been emailed
 * about it already, one message each, in the caller's transaction; records
 * each ask (for "asked too often") and one audit entry. Returns how many.
 */
export async function emailMatches(
  tx: Queryable,
  actor: Actor,
  opportunity: { id: string; title: string; closesOn: string | null },
  options: MatchOptions & { organisation: string; baseUrl: string },
): Promise<number> {
  const { matches } = await matchPeople(tx, opportunity.id, options);
  const recipients = matches.filter(toEmail);
  if (recipients.length === 0) return 0;
  const asks = sql.join(
    recipients.map((p) => sql`(app_organisation_id(), ${opportunity.id}::uuid, ${p.id}::uuid)`),
    sql`, `,
  );
  await tx.execute(sql`
    insert into opportunity_asks (organisation_id, opportunity_id, person_id)
    values ${asks} on conflict (organisation_id, opportunity_id, person_id) do nothing`);
  // Each language's translator in the organisation's own words, read once.
  const inOwnWords = translatorsIn(tx);
  for (const person of recipients) {
    const language: Language = isLanguage(person.language) ? person.language : 'en';
    const { tr, translations } = await inOwnWords(language);
    await queueMail(tx, {
      to: person.email!,
      template: 'opportunity-match',
      language,
      translations,
      easyRead: person.easyRead,
      vars: { organisation: options.organisation, opportunity: opportunity.title },
      link: `${options.baseUrl}/opportunities/${opportunity.id}`,
      ...(opportunity.closesOn
        ? {
            extraParagraphs: [
              tr.text('matching.mailCloses', {
                date: formatDate(opportunity.closesOn, language, false),
              }),
            ],
          }
        : {}),
    });
  }
  await audit(tx, actor, {
    action: 'email-matches',
    entity: 'opportunity',
    entityId: opportunity.id,
    after: { sent: recipients.length, personIds: recipients.map((p) => p.id) },
  });
  return recipients.length;
}
