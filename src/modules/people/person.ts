import { asc, desc, eq, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { personTimeline, type TimelineSource } from './hooks.ts';
import { changeRequestsOf } from './change-requests.ts';
import { duplicatesOf } from './service.ts';
import { loadOptions, optionLabel } from './options.ts';
import {
  consents,
  partnerOrganisations,
  people,
  personEquality,
  personRoles,
  personServices,
  personTraining,
  rightsRequests,
  services,
} from './tables.ts';

/**
 * Everything a person's page shows, in a fixed number of queries however
 * long their history: the record, services, roles, training, consent
 * history, possible duplicates, requests, changes they asked for, the timeline, and equality answers
 * only when the reader may see them.
 */
export async function loadPerson(
  tx: Queryable,
  id: string,
  options: { withEquality: boolean; text: (key: string, vars?: Record<string, unknown>) => string },
) {
  const [person] = await tx.select().from(people).where(eq(people.id, id));
  if (!person) return null;
  const related = rowsOf<{ id: string; name: string; reference: string; phone: string | null }>(
    await tx.execute(sql`
      select id, first_name || ' ' || last_name as name, reference, phone from people
      where id in (${person.supporterId ?? null}::uuid, ${person.buddyId ?? null}::uuid)`),
  );
  const [partner] = person.partnerOrganisationId
    ? await tx
        .select({ id: partnerOrganisations.id, name: partnerOrganisations.name })
        .from(partnerOrganisations)
        .where(eq(partnerOrganisations.id, person.partnerOrganisationId))
    : [];
  const serviceLinks = await tx
    .select({
      id: personServices.id,
      serviceId: services.id,
      name: services.name,
      code: services.code,
      startedOn: personServices.startedOn,
      endedOn: personServices.endedOn,
    })
    .from(personServices)
    .innerJoin(services, eq(services.id, personServices.serviceId))
    .where(eq(personServices.personId, id))
    .orderBy(desc(personServices.startedOn));
  const roles = await tx
    .select()
    .from(personRoles)
    .where(eq(personRoles.personId, id))
    .orderBy(desc(personRoles.startedOn));
  const training = await tx
    .select()
    .from(personTraining)
    .where(eq(personTraining.personId, id))
    .orderBy(desc(personTraining.completedOn));
  const consentHistory = await tx
    .select()
    .from(consents)
    .where(eq(consents.personId, id))
    .orderBy(desc(consents.recordedAt));
  const duplicates = await duplicatesOf(tx, id);
  const requests = await tx
    .select()
    .from(rightsRequests)
    .where(eq(rightsRequests.personId, id))
    .orderBy(asc(rightsRequests.receivedOn));
  const [equality] = options.withEquality
    ? await tx.select().from(personEquality).where(eq(personEquality.personId, id))
    : [];
  const timeline = await personTimeline(tx, id, options.text);
  const changeRequests = await changeRequestsOf(tx, id);
  return {
    person,
    supporter: related.find((r) => r.id === person.supporterId) ?? null,
    buddy: related.find((r) => r.id === person.buddyId) ?? null,
    partner: partner ?? null,
    serviceLinks,
    roles,
    training,
    consentHistory,
    duplicates,
    requests,
    changeRequests,
    equality: equality ?? null,
    timeline,
  };
}

export type LoadedPerson = NonNullable<Awaited<ReturnType<typeof loadPerson>>>;

// The register's own entries on the timeline: services joined and left,
// roles started and ended, training completed. One query.
/** The register's own lines on the timeline. */
export const registerTimeline: TimelineSource = async (tx, personId, text) => {
  const rows = rowsOf<{ at: string; kind: string; label: string }>(
    await tx.execute(sql`
      select ps.started_on::text as at, 'serviceStart' as kind, s.name as label
        from person_services ps join services s on s.id = ps.service_id where ps.person_id = ${personId}
      union all
      select ps.ended_on::text, 'serviceEnd', s.name
        from person_services ps join services s on s.id = ps.service_id
        where ps.person_id = ${personId} and ps.ended_on is not null
      union all
      select started_on::text, 'roleStart', role from person_roles where person_id = ${personId}
      union all
      select ended_on::text, 'roleEnd', role from person_roles where person_id = ${personId} and ended_on is not null
      union all
      select completed_on::text, 'training', module from person_training where person_id = ${personId}`),
  );
  const options = await loadOptions(tx);
  const list = (kind: string) =>
    kind.startsWith('role') ? 'involvement_role' : kind === 'training' ? 'training_module' : null;
  return rows.map((row) => {
    const from = list(row.kind);
    return {
      at: row.at,
      source: 'register',
      title: text(`register.timeline.${row.kind}`, {
        label: from ? optionLabel(options, from, row.label) : row.label,
      }),
    };
  });
};
