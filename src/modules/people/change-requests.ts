import { and, desc, eq, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import type { FieldProblem } from '../../platform/forms/index.ts';
import type { PersonDataHandler } from '../../platform/manifest.ts';
import { personChangeRequests, type ChangeRequestRow } from './tables.ts';

/**
 * Changes a customer asks for to what the register holds about them (issue
 * 10 §6). The customer never edits their record: they say what should change
 * and staff, who check it, make the change and mark the request done. The
 * request is on the staff home's work waiting, the person's page and the
 * customer's own page, which says "we have your request" with its date.
 */

/** The parts of their details a request is about (the form's radios). */
export const CHANGE_SECTIONS = [
  'name',
  'contact',
  'needs',
  'consents',
  'supporter',
  'other',
] as const;
export type ChangeSection = (typeof CHANGE_SECTIONS)[number];

/** The longest request or outcome we take. */
export const CHANGE_TEXT_LIMIT = 2000;

export interface ChangeRequestForm {
  section: ChangeSection;
  details: string;
}

/** Text typed into a textarea: line breaks kept, each line trimmed, blank runs shortened. */
function paragraphText(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Reads the change request form: what to save, the values to show again
 * (as typed), and a problem for each field that needs fixing.
 */
export function readChangeRequestForm(body: { section?: string; details?: string }): {
  values: { section: string; details: string };
  form: ChangeRequestForm | null;
  problems: FieldProblem[];
} {
  const values = { section: body.section ?? '', details: body.details ?? '' };
  const problems: FieldProblem[] = [];
  const section = (CHANGE_SECTIONS as readonly string[]).includes(values.section)
    ? (values.section as ChangeSection)
    : null;
  if (!section)
    problems.push({ field: 'section', key: 'register.my.change.errors.section', href: 'section' });
  const details = paragraphText(values.details);
  if (!details) problems.push({ field: 'details', key: 'register.my.change.errors.details' });
  else if (details.length > CHANGE_TEXT_LIMIT)
    problems.push({
      field: 'details',
      key: 'register.my.change.errors.detailsLong',
      vars: { limit: CHANGE_TEXT_LIMIT },
    });
  return { values, form: section && problems.length === 0 ? { section, details } : null, problems };
}

/** Records a person's request to change their details, audited (the section, not their words). */
export async function requestChange(
  tx: Queryable,
  actor: Actor,
  personId: string,
  form: ChangeRequestForm,
): Promise<string> {
  const [row] = await tx
    .insert(personChangeRequests)
    .values({
      organisationId: sql`app_organisation_id()`,
      personId,
      section: form.section,
      details: form.details,
      requestedBy: actor.label,
    })
    .returning({ id: personChangeRequests.id });
  await audit(tx, actor, {
    action: 'change-request',
    entity: 'person',
    entityId: personId,
    after: { requestId: row!.id, section: form.section },
  });
  return row!.id;
}

/** A person's change requests, newest first: the open ones and those done lately. */
export async function changeRequestsOf(
  tx: Queryable,
  personId: string,
): Promise<ChangeRequestRow[]> {
  return tx
    .select()
    .from(personChangeRequests)
    .where(eq(personChangeRequests.personId, personId))
    .orderBy(desc(personChangeRequests.requestedAt))
    .limit(50);
}

export interface OpenChangeRequest {
  id: string;
  personId: string;
  name: string;
  reference: string;
  section: string;
  details: string;
  requestedBy: string;
  requestedAt: Date;
}

/** Every open change request, oldest first, with whose it is: one query. */
export async function openChangeRequests(tx: Queryable): Promise<OpenChangeRequest[]> {
  return rowsOf<OpenChangeRequest>(
    await tx.execute(sql`
      select r.id, r.person_id as "personId", p.first_name || ' ' || p.last_name as name,
        p.reference, r.section, r.details, r.requested_by as "requestedBy",
        r.requested_at as "requestedAt"
      from person_change_requests r join people p on p.id = r.person_id
      where r.status = 'open'
      order by r.requested_at, r.id
      limit 500`),
  ).map((row) => ({ ...row, requestedAt: new Date(row.requestedAt) }));
}

/**
 * Marks a person's open request done, with what staff did: audited. False
 * when the request is not this person's or not the organisation's.
 */
export async function completeChangeRequest(
  tx: Queryable,
  actor: Actor,
  personId: string,
  requestId: string,
  outcome: string,
): Promise<boolean> {
  const [row] = await tx
    .update(personChangeRequests)
    .set({ status: 'done', doneAt: new Date(), doneBy: actor.label, outcome: outcome || null })
    .where(
      and(
        eq(personChangeRequests.id, requestId),
        eq(personChangeRequests.personId, personId),
        eq(personChangeRequests.status, 'open'),
      ),
    )
    .returning({ id: personChangeRequests.id, section: personChangeRequests.section });
  if (!row) {
    // Done already (a second click): nothing to change, and nothing to hide.
    const [known] = await tx
      .select({ id: personChangeRequests.id })
      .from(personChangeRequests)
      .where(
        and(eq(personChangeRequests.id, requestId), eq(personChangeRequests.personId, personId)),
      );
    return Boolean(known);
  }
  await audit(tx, actor, {
    action: 'change-request-done',
    entity: 'person',
    entityId: personId,
    after: { requestId, section: row.section },
  });
  return true;
}

/** Tidies the staff's note of what they did. */
export const readOutcome = (value: unknown) => paragraphText(value).slice(0, CHANGE_TEXT_LIMIT);

/** Change requests in subject access, merge and erasure: their words are personal data. */
export const changeRequestsPersonData: PersonDataHandler = {
  name: 'changeRequests',
  async export(tx, personId) {
    return tx
      .select({
        section: personChangeRequests.section,
        details: personChangeRequests.details,
        requestedBy: personChangeRequests.requestedBy,
        requestedAt: personChangeRequests.requestedAt,
        status: personChangeRequests.status,
        doneAt: personChangeRequests.doneAt,
        outcome: personChangeRequests.outcome,
      })
      .from(personChangeRequests)
      .where(eq(personChangeRequests.personId, personId))
      .orderBy(personChangeRequests.requestedAt);
  },
  async merge(tx, fromId, intoId) {
    await tx
      .update(personChangeRequests)
      .set({ personId: intoId })
      .where(eq(personChangeRequests.personId, fromId));
  },
  async erase(tx, person) {
    await tx.delete(personChangeRequests).where(eq(personChangeRequests.personId, person.id));
  },
};
