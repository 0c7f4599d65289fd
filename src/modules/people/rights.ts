import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { forgetRecipient } from '../../platform/mail/index.ts';
import { rightsRequestDeadline } from '../../platform/calendar/index.ts';
import { readOwnSettings } from '../../platform/tenancy/index.ts';
import { personDataHandlers } from './hooks.ts';
import { CONSENT_PURPOSES } from './lists.ts';
import { newReference } from './service.ts';
import {
  consents,
  erasureSuppressions,
  people,
  personAliases,
  personEquality,
  personRoles,
  personServices,
  personTraining,
  possibleDuplicates,
  rightsRequests,
  services,
  type PersonRow,
} from './tables.ts';

// ---------------------------------------------------------------------------
// Suppression list

/**
 * A one-way fingerprint of a reference or an email address, salted with the
 * organisation, so that an erased person can be recognised without keeping
 * who they were. [R] A fingerprint of a guessable email can be confirmed by
 * someone who guesses it; it cannot be read back.
 */
export function fingerprint(organisationId: string, kind: 'reference' | 'email', value: string) {
  const normal = kind === 'email' ? value.trim().toLowerCase() : value.trim();
  return createHash('sha256').update(`${organisationId}\n${kind}\n${normal}`).digest('hex');
}

/** Which of these fingerprints are on the suppression list. */
export async function suppressedAmong(tx: Queryable, prints: string[]): Promise<Set<string>> {
  if (prints.length === 0) return new Set();
  const rows = await tx
    .select({ f: erasureSuppressions.fingerprint })
    .from(erasureSuppressions)
    .where(inArray(erasureSuppressions.fingerprint, prints));
  return new Set(rows.map((r) => r.f));
}

/**
 * The data folder keeps its own copy of the suppression list, one line per
 * fingerprint, so that restoring a backup made before an erasure cannot bring
 * the person back: `coproduce restore` applies it (docs/architecture.md).
 */
export const SUPPRESSION_FILE = 'suppression-list.txt';

export function appendSuppressionFile(
  dataDir: string,
  organisationId: string,
  prints: string[],
): void {
  if (prints.length === 0) return;
  mkdirSync(dataDir, { recursive: true });
  appendFileSync(
    suppressionFilePath(dataDir),
    prints.map((p) => `${organisationId} ${p}\n`).join(''),
    { mode: 0o600 },
  );
}

export const suppressionFilePath = (dataDir: string) => path.join(dataDir, SUPPRESSION_FILE);

/** The entries of a suppression list file; none when there is no file. */
export function readSuppressionFile(
  file: string,
): Array<{ organisationId: string; print: string }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter((parts): parts is [string, string] => parts.length === 2 && parts[1]!.length === 64)
    .map(([organisationId, print]) => ({ organisationId, print }));
}

// ---------------------------------------------------------------------------
// Subject access

/**
 * Everything held about a person, as plain JSON: their record, services,
 * roles, training, consent history, earlier references, what other modules
 * hold, and (for those allowed to read it) equality answers.
 */
export async function subjectAccessExport(
  tx: Queryable,
  personId: string,
  options: { includeEquality: boolean },
) {
  const [person] = await tx.select().from(people).where(eq(people.id, personId));
  if (!person) return null;
  const { searchName: _s, phoneDigits: _p, organisationId: _o, ...record } = person;
  const serviceRows = await tx
    .select({
      code: services.code,
      name: services.name,
      startedOn: personServices.startedOn,
      endedOn: personServices.endedOn,
    })
    .from(personServices)
    .innerJoin(services, eq(services.id, personServices.serviceId))
    .where(eq(personServices.personId, personId))
    .orderBy(asc(personServices.startedOn));
  const roles = await tx
    .select({
      role: personRoles.role,
      startedOn: personRoles.startedOn,
      endedOn: personRoles.endedOn,
    })
    .from(personRoles)
    .where(eq(personRoles.personId, personId))
    .orderBy(asc(personRoles.startedOn));
  const training = await tx
    .select({
      module: personTraining.module,
      completedOn: personTraining.completedOn,
      expiresOn: personTraining.expiresOn,
    })
    .from(personTraining)
    .where(eq(personTraining.personId, personId))
    .orderBy(asc(personTraining.completedOn));
  const consentHistory = await tx
    .select({
      purpose: consents.purpose,
      status: consents.status,
      wordingVersion: consents.wordingVersion,
      method: consents.method,
      recordedAt: consents.recordedAt,
    })
    .from(consents)
    .where(eq(consents.personId, personId))
    .orderBy(asc(consents.recordedAt));
  const aliases = await tx
    .select({ reference: personAliases.reference })
    .from(personAliases)
    .where(eq(personAliases.personId, personId));
  let equality: unknown = 'withheld: needs a member of staff with access to equality data';
  if (options.includeEquality) {
    const [row] = await tx
      .select()
      .from(personEquality)
      .where(eq(personEquality.personId, personId));
    if (row) {
      const { organisationId: _org, personId: _id, ...answers } = row;
      equality = answers;
    } else equality = null;
  }
  const requests = await tx
    .select({
      kind: rightsRequests.kind,
      receivedOn: rightsRequests.receivedOn,
      dueOn: rightsRequests.dueOn,
      completedOn: rightsRequests.completedOn,
    })
    .from(rightsRequests)
    .where(eq(rightsRequests.personId, personId));
  const other: Record<string, unknown> = {};
  for (const handler of personDataHandlers())
    other[handler.name] = await handler.export(tx, personId);
  return {
    format: 'coproduce-subject-access/1',
    exportedAt: new Date().toISOString(),
    person: record,
    earlierReferences: aliases.map((a) => a.reference),
    services: serviceRows,
    involvementRoles: roles,
    training,
    consents: consentHistory,
    equalityMonitoring: equality,
    rightsRequests: requests,
    ...other,
  };
}

// ---------------------------------------------------------------------------
// Erasure

export const ERASED_NAME = { firstName: 'Erased', lastName: 'person' };

/**
 * Erases a person: every personal field goes, from their record, their
 * consent history and equality answers, other modules' rows, the outbox and
 * the before-and-after copies in the audit trail; what they did (services,
 * roles, training, hours, attendance) stays as anonymous counts. Their
 * reference and email go onto the suppression list as fingerprints. Returns
 * the fingerprints, for the data folder's copy (after commit).
 */
export async function erasePerson(
  tx: Queryable,
  actor: Actor,
  personId: string,
  organisationId: string,
): Promise<string[] | null> {
  const [person] = await tx.select().from(people).where(eq(people.id, personId));
  if (!person || person.erasedAt) return null;
  const aliases = await tx
    .select({ reference: personAliases.reference })
    .from(personAliases)
    .where(eq(personAliases.personId, personId));
  // Records merged into this one keep their own audit rows: erase those too.
  const mergedIds = rowsOf<{ id: string }>(
    await tx.execute(sql`select after->>'mergedId' as id from audit_log
      where entity = 'person' and entity_id = ${personId} and action = 'merge' and after ? 'mergedId'`),
  ).map((r) => r.id);

  const prints = [person.reference, ...aliases.map((a) => a.reference)].map((r) =>
    fingerprint(organisationId, 'reference', r),
  );
  if (person.email) prints.push(fingerprint(organisationId, 'email', person.email));
  await tx
    .insert(erasureSuppressions)
    .values(
      prints.map((fingerprint) => ({ organisationId: sql`app_organisation_id()`, fingerprint })),
    )
    .onConflictDoNothing();

  // The identity module's handler erases their customer accounts (signInAccounts).
  const userIds: string[] = [];
  for (const handler of personDataHandlers()) {
    const result = await handler.erase(tx, { id: person.id, email: person.email });
    if (result?.userIds) userIds.push(...result.userIds);
  }
  if (person.email) await forgetRecipient(tx, person.email);

  await tx.delete(personEquality).where(eq(personEquality.personId, personId));
  await tx.delete(consents).where(eq(consents.personId, personId));
  await tx.delete(personAliases).where(eq(personAliases.personId, personId));
  await tx
    .delete(possibleDuplicates)
    .where(or(eq(possibleDuplicates.personId, personId), eq(possibleDuplicates.otherId, personId)));
  await tx.update(people).set({ supporterId: null }).where(eq(people.supporterId, personId));
  await tx.update(people).set({ buddyId: null }).where(eq(people.buddyId, personId));
  await tx
    .update(people)
    .set({
      reference: `ERASED-${newReference().slice(3)}`,
      ...ERASED_NAME,
      preferredName: null,
      email: null,
      phone: null,
      addressLine1: null,
      addressLine2: null,
      town: null,
      postcode: null,
      dateOfBirth: null,
      bestTimes: null,
      doNotContact: true,
      supporterId: null,
      supporterRelationship: null,
      contactViaSupporter: false,
      buddyId: null,
      partnerOrganisationId: null,
      needs: [],
      needsNote: null,
      skills: [],
      interests: [],
      availability: [],
      availabilityNote: null,
      consents: [],
      notes: null,
      erasedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(eq(people.id, personId));

  for (const id of [personId, ...mergedIds]) {
    await tx.execute(
      sql`select audit_erase('person', ${id}, ${userIds[0] ?? null}::uuid, ${actor.label})`,
    );
  }
  for (const userId of userIds.slice(1)) {
    await tx.execute(sql`select audit_erase('user', ${userId}, ${userId}::uuid, ${actor.label})`);
  }
  await completeRequests(tx, personId, 'erasure');
  return prints;
}

// ---------------------------------------------------------------------------
// Merging

/** Fields staff choose between when two records disagree. */
export const MERGE_FIELDS = [
  'firstName',
  'lastName',
  'preferredName',
  'email',
  'phone',
  'addressLine1',
  'addressLine2',
  'town',
  'postcode',
  'area',
  'dateOfBirth',
  'language',
  'bestTimes',
  'supporterId',
  'supporterRelationship',
  'buddyId',
  'partnerOrganisationId',
  'needsNote',
  'availabilityNote',
  'notes',
] as const satisfies ReadonlyArray<keyof PersonRow>;
export type MergeField = (typeof MERGE_FIELDS)[number];

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];

/**
 * Merges `otherId` into `keepId` with nothing lost: for each field that
 * differs, the value staff chose (the kept record's unless they chose the
 * other; an empty one is always filled); lists joined; services, roles,
 * training, consent history and other modules' rows moved; the other's
 * reference kept as an earlier reference, so imports still find the person.
 */
export async function mergePeople(
  tx: Queryable,
  actor: Actor,
  keepId: string,
  otherId: string,
  takeFromOther: MergeField[],
): Promise<boolean> {
  if (keepId === otherId) return false;
  const rows = await tx
    .select()
    .from(people)
    .where(inArray(people.id, [keepId, otherId]));
  const keep = rows.find((r) => r.id === keepId);
  const other = rows.find((r) => r.id === otherId);
  if (!keep || !other || keep.erasedAt || other.erasedAt) return false;

  const set: Partial<PersonRow> = {};
  for (const field of MERGE_FIELDS) {
    const mine = keep[field];
    const theirs = other[field];
    if (
      (takeFromOther.includes(field) && theirs !== null && theirs !== '') ||
      mine === null ||
      mine === ''
    )
      (set as Record<string, unknown>)[field] = theirs ?? mine;
  }
  set.kinds = union(keep.kinds, other.kinds);
  set.preferredChannels = union(keep.preferredChannels, other.preferredChannels);
  set.needs = union(keep.needs, other.needs);
  set.skills = union(keep.skills, other.skills);
  set.interests = union(keep.interests, other.interests);
  set.availability = union(keep.availability, other.availability);
  set.doNotContact = keep.doNotContact || other.doNotContact;
  set.contactViaSupporter = keep.contactViaSupporter || other.contactViaSupporter;
  if (other.lastInvolvedOn && (!keep.lastInvolvedOn || other.lastInvolvedOn > keep.lastInvolvedOn))
    set.lastInvolvedOn = other.lastInvolvedOn;

  // Move what hangs off the other record.
  await tx
    .update(personServices)
    .set({ personId: keepId })
    .where(eq(personServices.personId, otherId));
  await tx.update(personRoles).set({ personId: keepId }).where(eq(personRoles.personId, otherId));
  await tx
    .update(personTraining)
    .set({ personId: keepId })
    .where(eq(personTraining.personId, otherId));
  await tx.update(consents).set({ personId: keepId }).where(eq(consents.personId, otherId));
  const [keepEquality] = await tx
    .select({ id: personEquality.personId })
    .from(personEquality)
    .where(eq(personEquality.personId, keepId));
  if (!keepEquality)
    await tx
      .update(personEquality)
      .set({ personId: keepId })
      .where(eq(personEquality.personId, otherId));
  await tx
    .update(personAliases)
    .set({ personId: keepId })
    .where(eq(personAliases.personId, otherId));
  await tx.update(people).set({ supporterId: keepId }).where(eq(people.supporterId, otherId));
  await tx.update(people).set({ buddyId: keepId }).where(eq(people.buddyId, otherId));
  await tx
    .delete(possibleDuplicates)
    .where(
      or(
        and(eq(possibleDuplicates.personId, keepId), eq(possibleDuplicates.otherId, otherId)),
        and(eq(possibleDuplicates.personId, otherId), eq(possibleDuplicates.otherId, keepId)),
      ),
    );
  for (const handler of personDataHandlers()) await handler.merge(tx, otherId, keepId);

  // The consents that hold are the latest of the joined history.
  const latest = await tx
    .selectDistinctOn([consents.purpose], { purpose: consents.purpose, status: consents.status })
    .from(consents)
    .where(eq(consents.personId, keepId))
    .orderBy(consents.purpose, desc(consents.recordedAt));
  const given = new Set(latest.filter((c) => c.status === 'given').map((c) => c.purpose));
  set.consents = CONSENT_PURPOSES.filter((p) => given.has(p));

  await tx.delete(people).where(eq(people.id, otherId));
  await tx.insert(personAliases).values({
    organisationId: sql`app_organisation_id()`,
    reference: other.reference,
    personId: keepId,
  });
  await tx
    .update(people)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(people.id, keepId));
  await audit(tx, actor, {
    action: 'merge',
    entity: 'person',
    entityId: keepId,
    before: { kept: pick(keep), merged: pick(other) },
    after: { mergedId: otherId, mergedReference: other.reference, tookFromMerged: takeFromOther },
  });
  return true;
}

function pick(row: PersonRow): Record<string, unknown> {
  const { searchName: _s, phoneDigits: _p, organisationId: _o, ...rest } = row;
  return rest;
}

// ---------------------------------------------------------------------------
// Requests and retention

export async function logRequest(
  tx: Queryable,
  actor: Actor,
  input: { personId: string; kind: 'access' | 'erasure'; receivedOn: string; note: string | null },
): Promise<string> {
  const [row] = await tx
    .insert(rightsRequests)
    .values({
      organisationId: sql`app_organisation_id()`,
      ...input,
      dueOn: rightsRequestDeadline(input.receivedOn, 1, (await readOwnSettings(tx)).nation),
    })
    .returning({ id: rightsRequests.id });
  await audit(tx, actor, {
    action: 'rights-request',
    entity: 'person',
    entityId: input.personId,
    after: { kind: input.kind, receivedOn: input.receivedOn },
  });
  return row!.id;
}

/** Extends a request by up to two further months (three in all from receipt). */
export async function extendRequest(tx: Queryable, actor: Actor, id: string, note: string) {
  const [row] = await tx.select().from(rightsRequests).where(eq(rightsRequests.id, id));
  if (!row || row.status !== 'open') return;
  const { nation } = await readOwnSettings(tx);
  const extendedTo = rightsRequestDeadline(row.receivedOn, 3, nation);
  await tx.update(rightsRequests).set({ extendedTo, note }).where(eq(rightsRequests.id, id));
  await audit(tx, actor, {
    action: 'rights-extend',
    entity: 'rights_request',
    entityId: id,
    after: { extendedTo },
  });
}

export async function completeRequests(
  tx: Queryable,
  personId: string,
  kind: 'access' | 'erasure',
) {
  await tx
    .update(rightsRequests)
    .set({ status: 'completed', completedOn: sql`current_date` })
    .where(
      and(
        eq(rightsRequests.personId, personId),
        eq(rightsRequests.kind, kind),
        eq(rightsRequests.status, 'open'),
      ),
    );
}

/** Every request, open first by deadline, with the person's name (one query). */
export async function listRequests(tx: Queryable, filter: { dueBy?: string } = {}) {
  return tx
    .select({
      id: rightsRequests.id,
      kind: rightsRequests.kind,
      receivedOn: rightsRequests.receivedOn,
      dueOn: rightsRequests.dueOn,
      extendedTo: rightsRequests.extendedTo,
      completedOn: rightsRequests.completedOn,
      status: rightsRequests.status,
      note: rightsRequests.note,
      personId: people.id,
      firstName: people.firstName,
      lastName: people.lastName,
      reference: people.reference,
    })
    .from(rightsRequests)
    .leftJoin(people, eq(people.id, rightsRequests.personId))
    .where(filter.dueBy ? nearDeadline(filter.dueBy) : undefined)
    .orderBy(
      sql`case when ${rightsRequests.status} = 'open' then 0 else 1 end`,
      asc(sql`coalesce(${rightsRequests.extendedTo}, ${rightsRequests.dueOn})`),
      desc(rightsRequests.receivedOn),
    )
    .limit(500);
}

/** An open request whose deadline (extended or not) falls by that day, or has passed. */
export function nearDeadline(dueBy: string) {
  return and(
    eq(rightsRequests.status, 'open'),
    sql`coalesce(${rightsRequests.extendedTo}, ${rightsRequests.dueOn}) <= ${dueBy}::date`,
  );
}

/**
 * People with no involvement for `years` years (counting from when they were
 * added if never involved), not reviewed since, for someone to review: the
 * longest idle first.
 *
 * Read in two runs along two indexes, those ever involved by their last
 * involvement and those never involved by when they were added, each stopping
 * at the cutoff and the limit, then merged: ordering everyone by the one
 * expression read the whole register on every load (issue 15). A day of
 * `created_at` is the day in the session's time zone, as the cast gives it; its
 * bound is midnight of the cutoff in the same zone.
 */
export async function retentionDue(tx: Queryable, years: number, today: string, limit = 200) {
  const cutoff = sql`(${today}::date - make_interval(years => ${years}::int))::date`;
  const notReviewed = sql`(p.retention_reviewed_on is null or p.retention_reviewed_on < ${cutoff})`;
  const columns = sql`p.id, p.reference, p.first_name as "firstName", p.last_name as "lastName",
    p.last_involved_on::text as "lastInvolvedOn", p.created_at as "createdAt"`;
  return rowsOf<{
    id: string;
    reference: string;
    firstName: string;
    lastName: string;
    lastInvolvedOn: string | null;
    createdAt: Date;
  }>(
    await tx.execute(sql`
      select id, reference, "firstName", "lastName", "lastInvolvedOn", "createdAt" from (
        (select ${columns}, p.last_involved_on as idle_since from people p
          where p.erased_at is null and p.last_involved_on is not null
            and p.last_involved_on < ${cutoff} and ${notReviewed}
          order by p.last_involved_on limit ${limit}::int)
        union all
        (select ${columns}, p.created_at::date as idle_since from people p
          where p.erased_at is null and p.last_involved_on is null
            and p.created_at < ${cutoff}::timestamptz and ${notReviewed}
          order by p.created_at limit ${limit}::int)
      ) due
      order by idle_since
      limit ${limit}::int`),
  ).map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
}

export async function markRetentionReviewed(
  tx: Queryable,
  actor: Actor,
  personId: string,
  today: string,
) {
  await tx.update(people).set({ retentionReviewedOn: today }).where(eq(people.id, personId));
  await audit(tx, actor, {
    action: 'retention-keep',
    entity: 'person',
    entityId: personId,
    after: { reviewedOn: today },
  });
}
