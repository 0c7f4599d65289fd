import { and, desc, eq, or, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import type { Queryable } from '../../platform/db/index.ts';
import { newToken } from '../../platform/http/link-tokens.ts';
import { renewResponseToken, startResponse, placeOfPerson } from './respond.ts';
import { currentVersion, findSurvey, type SurveyRow, type VersionRow } from './service.ts';
import { surveyInvitations, surveyKiosks, surveyResponses } from './tables.ts';

export type KioskRow = typeof surveyKiosks.$inferSelect;
export type InvitationRow = typeof surveyInvitations.$inferSelect;

/**
 * Sets up a kiosk: a tablet in a service that takes one person's answers
 * after another. Its address holds a token (only the hash is kept), shown
 * once to the member of staff who sets the tablet up.
 */
export async function createKiosk(
  tx: Queryable,
  actor: Actor,
  surveyId: string,
  kiosk: {
    label: string;
    service: { id: string; specialism: string | null; area: string | null } | null;
  },
): Promise<{ id: string; token: string }> {
  const { token, hash } = newToken();
  const [row] = await tx
    .insert(surveyKiosks)
    .values({
      organisationId: sql`app_organisation_id()`,
      surveyId,
      label: kiosk.label,
      serviceId: kiosk.service?.id ?? null,
      specialism: kiosk.service?.specialism ?? null,
      area: kiosk.service?.area ?? null,
      tokenHash: hash,
    })
    .returning({ id: surveyKiosks.id });
  await audit(tx, actor, {
    action: 'create',
    entity: 'survey_kiosk',
    entityId: row!.id,
    after: { surveyId, label: kiosk.label, serviceId: kiosk.service?.id ?? null },
  });
  return { id: row!.id, token };
}

export async function listKiosks(tx: Queryable, surveyId: string): Promise<KioskRow[]> {
  return tx
    .select()
    .from(surveyKiosks)
    .where(eq(surveyKiosks.surveyId, surveyId))
    .orderBy(desc(surveyKiosks.createdAt));
}

/** Stops a kiosk: its address no longer opens the survey. */
export async function stopKiosk(
  tx: Queryable,
  actor: Actor,
  surveyId: string,
  kioskId: string,
): Promise<boolean> {
  const done = await tx
    .update(surveyKiosks)
    .set({ active: false })
    .where(and(eq(surveyKiosks.surveyId, surveyId), eq(surveyKiosks.id, kioskId)))
    .returning({ id: surveyKiosks.id });
  if (done.length === 0) return false;
  await audit(tx, actor, {
    action: 'stop',
    entity: 'survey_kiosk',
    entityId: kioskId,
    after: { active: false },
  });
  return true;
}

/** An active kiosk by its address token's hash (or by id), with its survey's current version. */
export async function kioskByToken(
  tx: Queryable,
  tokenHash: string | null,
  id?: string,
): Promise<(KioskRow & { survey: SurveyRow; version: VersionRow }) | null> {
  const [kiosk] = await tx
    .select()
    .from(surveyKiosks)
    .where(
      and(
        eq(surveyKiosks.active, true),
        tokenHash !== null ? eq(surveyKiosks.tokenHash, tokenHash) : eq(surveyKiosks.id, id ?? ''),
      ),
    );
  if (!kiosk) return null;
  const survey = await findSurvey(tx, kiosk.surveyId);
  const version = survey && (await currentVersion(tx, survey));
  if (!survey || !version) return null;
  return { ...kiosk, survey, version };
}

/** An invitation by its link's token hash (the first email's or the reminder's). */
export async function invitationByToken(
  tx: Queryable,
  tokenHash: string,
): Promise<InvitationRow | null> {
  const [row] = await tx
    .select()
    .from(surveyInvitations)
    .where(
      or(
        eq(surveyInvitations.tokenHash, tokenHash),
        eq(surveyInvitations.reminderTokenHash, tokenHash),
      ),
    );
  return row ?? null;
}

/**
 * Opens an invitation's survey: resumes its response if one was started
 * (with a fresh address), starts one if not, and refuses kindly once it has
 * been answered: an invitation's token answers once.
 */
export async function startFromInvitation(
  tx: Queryable,
  invitation: InvitationRow,
): Promise<
  | { state: 'answered' | 'closed'; survey: SurveyRow }
  | { state: 'open'; survey: SurveyRow; token: string }
  | null
> {
  const survey = await findSurvey(tx, invitation.surveyId);
  if (!survey) return null;
  const [existing] = await tx
    .select({ id: surveyResponses.id, status: surveyResponses.status })
    .from(surveyResponses)
    .where(eq(surveyResponses.invitationId, invitation.id));
  if (invitation.status === 'answered' || existing?.status === 'complete')
    return { state: 'answered', survey };
  const version = await currentVersion(tx, survey);
  if (survey.status !== 'published' || !version) return { state: 'closed', survey };
  if (existing) return { state: 'open', survey, token: await renewResponseToken(tx, existing.id) };
  const place =
    invitation.personId && !survey.anonymous ? await placeOfPerson(tx, invitation.personId) : null;
  const started = await startResponse(tx, survey, version, {
    method: 'email',
    personId: invitation.personId,
    invitationId: invitation.id,
    serviceId: place?.serviceId ?? null,
    specialism: place?.specialism ?? null,
    area: place?.area ?? null,
  });
  return { state: 'open', survey, token: started.token };
}
