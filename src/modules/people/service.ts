import { randomInt, randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { audit, auditWrite, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable, type Write } from '../../platform/db/index.ts';
import { arrayParam, uuidArray } from '../../platform/db/types.ts';
import type { FieldProblem } from './validate.ts';
import {
  CHANNELS,
  CONSENT_PURPOSES,
  CONSENT_WORDING_VERSION,
  type ConsentPurpose,
  type EqualityQuestion,
  EQUALITY_QUESTIONS,
} from './lists.ts';
import {
  consents,
  partnerOrganisations,
  people,
  personEquality,
  personRoles,
  personServices,
  personTraining,
  possibleDuplicates,
  services,
  type PersonRow,
} from './tables.ts';

export type NewService = typeof services.$inferInsert;
export type NewPerson = typeof people.$inferInsert;
export type NewPersonService = typeof personServices.$inferInsert;

/** Adds services in one statement (the demo and, later, imports). */
export async function addServices(db: Queryable, rows: NewService[]) {
  if (rows.length === 0) return [];
  return db.insert(services).values(rows).returning({ id: services.id, code: services.code });
}

/** Adds people in batches of multi-row INSERTs, returning their ids in order. */
export async function addPeople(db: Queryable, rows: NewPerson[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const batch = await db
      .insert(people)
      .values(rows.slice(i, i + 500))
      .returning({ id: people.id });
    ids.push(...batch.map((row) => row.id));
  }
  return ids;
}

/** Links people to services with dates, in batches. */
export async function linkPeopleToServices(db: Queryable, rows: NewPersonService[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db.insert(personServices).values(rows.slice(i, i + 500));
  }
}

// Letters and digits that cannot be mistaken for each other when read aloud or copied.
const REFERENCE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A reference for a person who came without one: CP- and six unambiguous characters. */
export function newReference(): string {
  let out = 'CP-';
  for (let i = 0; i < 6; i++) out += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return out;
}

/** The person fields staff edit on the person form. */
export type PersonFields = Omit<
  NewPerson,
  | 'organisationId'
  | 'id'
  | 'createdAt'
  | 'updatedAt'
  | 'erasedAt'
  | 'consents'
  | 'searchName'
  | 'phoneDigits'
  | 'reference'
> & { reference?: string | null };

/** Personal fields: what an audit copy holds and what erasure removes. */
const AUDITED: Array<keyof PersonRow> = [
  'reference',
  'firstName',
  'lastName',
  'preferredName',
  'kinds',
  'email',
  'phone',
  'addressLine1',
  'addressLine2',
  'town',
  'postcode',
  'area',
  'dateOfBirth',
  'language',
  'preferredChannels',
  'bestTimes',
  'doNotContact',
  'supporterId',
  'supporterRelationship',
  'contactViaSupporter',
  'buddyId',
  'partnerOrganisationId',
  'needs',
  'needsNote',
  'skills',
  'interests',
  'availability',
  'availabilityNote',
  'notes',
];

function snapshot(row: Partial<PersonRow>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of AUDITED) if (key in row) out[key] = row[key];
  return out;
}

/** Adds a person, flags likely duplicates, and records it. */
export async function createPerson(
  tx: Queryable,
  actor: Actor,
  fields: PersonFields,
): Promise<{ id: string; reference: string; duplicates: number }> {
  const reference = fields.reference?.trim() || newReference();
  const [row] = await tx
    .insert(people)
    .values({ ...fields, reference, organisationId: sql`app_organisation_id()` })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await audit(tx, actor, {
    action: 'create',
    entity: 'person',
    entityId: row.id,
    after: snapshot(row),
  });
  const duplicates = await flagDuplicates(tx, row);
  return { id: row.id, reference, duplicates };
}

/** Changes a person's details, recording what they were. */
export async function updatePerson(
  tx: Queryable,
  actor: Actor,
  id: string,
  fields: Partial<PersonFields>,
): Promise<void> {
  const [before] = await tx.select().from(people).where(eq(people.id, id));
  if (!before) return;
  const { reference, ...rest } = fields;
  const [after] = await tx
    .update(people)
    .set({ ...rest, ...(reference ? { reference } : {}), updatedAt: new Date() })
    .where(eq(people.id, id))
    .returning();
  const changedBefore: Record<string, unknown> = {};
  const changedAfter: Record<string, unknown> = {};
  const b = snapshot(before);
  const a = snapshot(after ?? {});
  for (const key of Object.keys(a)) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
      changedBefore[key] = b[key];
      changedAfter[key] = a[key];
    }
  }
  if (Object.keys(changedAfter).length === 0) return;
  await audit(tx, actor, {
    action: 'update',
    entity: 'person',
    entityId: id,
    before: changedBefore,
    after: changedAfter,
  });
  if (after && ('email' in fields || 'phone' in fields || 'firstName' in fields)) {
    await flagDuplicates(tx, after);
  }
}

/** At most this many possible duplicates are flagged for one person at a time. */
const DUPLICATES_FLAGGED = 20;

/**
 * Records possible duplicates of one person: the same email or phone, or a
 * similar name with the same date of birth or postcode. One statement, and
 * bounded: each way of matching reads at most a few rows through its index
 * (people_email_idx, people_phone_idx, and the trigram index through
 * people_possibly_named, migration 0027), however many earlier people share
 * the address or the name, as a kiosk's sign-ups do. Each pair is recorded
 * once, with the first reason that holds (email, then phone, then name).
 */
export async function flagDuplicates(tx: Queryable, person: PersonRow): Promise<number> {
  return rowsOf(await tx.execute(duplicatesInsert(person))).length;
}

/** The statement flagDuplicates runs: it returns a row for each pair flagged. */
function duplicatesInsert(
  person: Pick<
    PersonRow,
    'id' | 'firstName' | 'lastName' | 'email' | 'phone' | 'dateOfBirth' | 'postcode'
  >,
): SQL {
  const digits = (person.phone ?? '').replace(/\D/g, '');
  // Every word of the name must be like a word of the other's (through the
  // trigram index: see migration 0009).
  const words = arrayParam(
    [person.firstName, person.lastName]
      .flatMap((n) => n.toLowerCase().split(/\s+/))
      .filter((w) => w.length > 1),
    'text',
  );
  // Enough candidates to flag the limit after leaving out pairs already known.
  const enough = DUPLICATES_FLAGGED * 2;
  return sql`
    insert into possible_duplicates (organisation_id, person_id, other_id, reason)
    select app_organisation_id(), ${person.id}::uuid, c.id, c.reason
    from (
      select distinct on (m.id) m.id, m.reason
      from (
        (select p.id, 'same_email' as reason, 1 as rank from people p
          where ${person.email}::text is not null and p.email = lower(${person.email})
            and p.id <> ${person.id} and p.erased_at is null
          limit ${enough})
        union all
        (select p.id, 'same_phone', 2 from people p
          where length(${digits}) >= 7 and p.phone_digits = ${digits}
            and p.id <> ${person.id} and p.erased_at is null
          limit ${enough})
        union all
        (select id, 'similar_name', 3 from people_possibly_named(${words}, 0.6::real,
          ${person.dateOfBirth}::date, ${person.postcode}::text, ${person.id}::uuid, ${enough}) as id)
      ) m
      where not exists (
          select 1 from possible_duplicates d where d.person_id = m.id and d.other_id = ${person.id})
        and not exists (
          select 1 from possible_duplicates d where d.person_id = ${person.id} and d.other_id = m.id)
      order by m.id, m.rank
    ) c
    limit ${DUPLICATES_FLAGGED}
    on conflict do nothing
    returning id`;
}

/** The fields a person comes with from a public form (createPersonWrites), as the register's row types them. */
export type NewPersonFields = Pick<
  typeof people.$inferSelect,
  | 'firstName'
  | 'lastName'
  | 'kinds'
  | 'email'
  | 'phone'
  | 'addressLine1'
  | 'addressLine2'
  | 'town'
  | 'postcode'
  | 'language'
  | 'preferredChannels'
  | 'needs'
  | 'needsNote'
  | 'source'
>;

/** The audited fields of a row of people as jsonb, as snapshot() gives them (for audit). */
const SNAPSHOT_SQL = sql.raw(
  `jsonb_build_object(${AUDITED.map((key) => `'${key}', ${people[key].name}`).join(', ')})`,
);

/**
 * What createPerson and recordConsents do for a person new to the register,
 * as writes to send with others in one statement (inOneStatement): the
 * person (with people.consents in step), the audit of the creation, the
 * possible duplicates flagged, the consents and their audit. The same records
 * as those two functions make; `person` returns the row's id and email, and
 * `duplicates` counts the pairs flagged.
 */
export function createPersonWrites(
  actor: Actor,
  fields: NewPersonFields,
  changes: ConsentChange[],
): { id: string; reference: string; writes: Write[]; duplicates: SQL } {
  const id = randomUUID();
  const reference = newReference();
  const given = CONSENT_PURPOSES.filter((p) =>
    changes.some((c) => c.purpose === p && c.status === 'given'),
  );
  const consentRows = changes.map(
    (c) =>
      sql`(app_organisation_id(), ${id}::uuid, ${c.purpose}, ${c.status}, ${CONSENT_WORDING_VERSION}, ${c.method}, ${actor.label})`,
  );
  const writes: Write[] = [
    {
      name: 'people_person',
      statement: sql`insert into people (organisation_id, id, reference, first_name, last_name, kinds,
          email, phone, address_line_1, address_line_2, town, postcode, language,
          preferred_channels, needs, needs_note, source, consents)
        values (app_organisation_id(), ${id}, ${reference}, ${fields.firstName}, ${fields.lastName},
          ${arrayParam(fields.kinds, 'text')}, ${fields.email}, ${fields.phone}, ${fields.addressLine1},
          ${fields.addressLine2}, ${fields.town}, ${fields.postcode}, ${fields.language},
          ${arrayParam(fields.preferredChannels, 'text')}, ${arrayParam(fields.needs, 'text')}, ${fields.needsNote},
          ${fields.source}, ${arrayParam(given, 'text')})
        returning id, email, ${SNAPSHOT_SQL} as snapshot`,
    },
    {
      name: 'people_duplicates',
      statement: duplicatesInsert({
        id,
        firstName: fields.firstName,
        lastName: fields.lastName,
        email: fields.email,
        phone: fields.phone,
        dateOfBirth: null,
        postcode: fields.postcode,
      }),
    },
  ];
  if (consentRows.length > 0)
    writes.push({
      name: 'people_consents',
      statement: sql`insert into consents
        (organisation_id, person_id, purpose, status, wording_version, method, recorded_by)
        values ${sql.join(consentRows, sql.raw(', '))}`,
    });
  writes.push(
    auditWrite('people_audit', actor, [
      {
        action: 'create',
        entity: 'person',
        entityId: id,
        after: sql`(select snapshot from people_person)`,
      },
      ...(changes.length > 0
        ? [
            {
              action: 'consent',
              entity: 'person',
              entityId: id,
              after: { changes, wordingVersion: CONSENT_WORDING_VERSION },
            },
          ]
        : []),
    ]),
  );
  return {
    id,
    reference,
    writes,
    duplicates: sql`(select count(*)::int from people_duplicates)`,
  };
}

/** Marks a pair as two different people, so it is not shown again. */
export async function dismissDuplicate(tx: Queryable, actor: Actor, id: string): Promise<void> {
  const [row] = await tx
    .update(possibleDuplicates)
    .set({ status: 'not_duplicate' })
    .where(eq(possibleDuplicates.id, id))
    .returning();
  if (row)
    await audit(tx, actor, {
      action: 'not-duplicate',
      entity: 'person',
      entityId: row.personId,
      after: { otherId: row.otherId },
    });
}

export interface ConsentChange {
  purpose: ConsentPurpose;
  status: 'given' | 'withdrawn' | 'objected';
  method: string;
}

/**
 * Records consent decisions and brings people.consents in step in the same
 * transaction, so a withdrawal holds everywhere at once. An objection to
 * equality monitoring also deletes the answers already given: the law says
 * processing must stop (DPA 2018 Sch 1 para 8(5)).
 */
export async function recordConsents(
  tx: Queryable,
  actor: Actor,
  personId: string,
  changes: ConsentChange[],
  /**
   * The person's consents as they stand, when the caller knows them (an
   * empty map for a person it has just made): saves reading them again.
   */
  known?: Map<string, string>,
): Promise<void> {
  if (changes.length === 0) return;
  const current = known ? new Map(known) : await currentConsents(tx, personId);
  const effective = changes.filter((c) => current.get(c.purpose) !== c.status);
  if (effective.length === 0) return;
  await tx.insert(consents).values(
    effective.map((c) => ({
      organisationId: sql`app_organisation_id()`,
      personId,
      purpose: c.purpose,
      status: c.status,
      wordingVersion: CONSENT_WORDING_VERSION,
      method: c.method,
      recordedBy: actor.label,
    })),
  );
  for (const c of effective) current.set(c.purpose, c.status);
  const given = CONSENT_PURPOSES.filter((p) => current.get(p) === 'given');
  await tx
    .update(people)
    .set({ consents: given, updatedAt: new Date() })
    .where(eq(people.id, personId));
  if (effective.some((c) => c.purpose === 'equality' && c.status !== 'given')) {
    await tx.delete(personEquality).where(eq(personEquality.personId, personId));
  }
  await audit(tx, actor, {
    action: 'consent',
    entity: 'person',
    entityId: personId,
    after: { changes: effective, wordingVersion: CONSENT_WORDING_VERSION },
  });
}

/** The latest decision for each purpose. */
export async function currentConsents(
  tx: Queryable,
  personId: string,
): Promise<Map<string, string>> {
  const rows = await tx
    .selectDistinctOn([consents.purpose], { purpose: consents.purpose, status: consents.status })
    .from(consents)
    .where(eq(consents.personId, personId))
    .orderBy(consents.purpose, desc(consents.recordedAt));
  return new Map(rows.map((r) => [r.purpose, r.status]));
}

/** The consents a set of channels means, for the add-person form. */
export function channelConsents(channels: string[], method: string): ConsentChange[] {
  return CHANNELS.filter((c) => channels.includes(c)).map((c) => ({
    purpose: `contact_${c}` as ConsentPurpose,
    status: 'given' as const,
    method,
  }));
}

/** Starts an involvement role (or does nothing if the person holds it now). */
export async function startRole(
  tx: Queryable,
  actor: Actor,
  personId: string,
  role: string,
  startedOn: string,
): Promise<void> {
  const [held] = await tx
    .select({ id: personRoles.id })
    .from(personRoles)
    .where(
      and(
        eq(personRoles.personId, personId),
        eq(personRoles.role, role),
        isNull(personRoles.endedOn),
      ),
    );
  if (held) return;
  await tx.insert(personRoles).values({
    organisationId: sql`app_organisation_id()`,
    personId,
    role,
    startedOn,
  });
  await audit(tx, actor, {
    action: 'role-start',
    entity: 'person',
    entityId: personId,
    after: { role, startedOn },
  });
}

/**
 * Holds an involvement role for a set time (a seat's term of office, for the
 * groups module): always a new row, ending on `endedOn` (null: no end set),
 * audited. Returns the row's id, which `endRole` takes.
 */
export async function holdRole(
  tx: Queryable,
  actor: Actor,
  personId: string,
  role: string,
  startedOn: string,
  endedOn: string | null,
): Promise<string> {
  const [row] = await tx
    .insert(personRoles)
    .values({ organisationId: sql`app_organisation_id()`, personId, role, startedOn, endedOn })
    .returning({ id: personRoles.id });
  await audit(tx, actor, {
    action: 'role-start',
    entity: 'person',
    entityId: personId,
    after: { role, startedOn, endedOn },
  });
  return row!.id;
}

/** Ends one of a person's roles on a day (the row's id, from the person page or holdRole). */
export async function endRole(
  tx: Queryable,
  actor: Actor,
  personId: string,
  roleId: string,
  endedOn: string,
): Promise<void> {
  const [row] = await tx
    .update(personRoles)
    .set({ endedOn })
    .where(and(eq(personRoles.id, roleId), eq(personRoles.personId, personId)))
    .returning();
  if (row)
    await audit(tx, actor, {
      action: 'role-end',
      entity: 'person',
      entityId: personId,
      after: { role: row.role, endedOn },
    });
}

export async function addTraining(
  tx: Queryable,
  actor: Actor,
  personId: string,
  input: { module: string; completedOn: string; expiresOn: string | null },
): Promise<void> {
  await tx.insert(personTraining).values({
    organisationId: sql`app_organisation_id()`,
    personId,
    ...input,
  });
  await audit(tx, actor, {
    action: 'training',
    entity: 'person',
    entityId: personId,
    after: input,
  });
}

/**
 * Links a person to a service of this organisation. False, with nothing
 * saved, when the service is not one of its own (or no longer exists).
 */
export async function linkService(
  tx: Queryable,
  actor: Actor,
  personId: string,
  serviceId: string,
  startedOn: string,
): Promise<boolean> {
  // Row-level security scopes the look-up to the transaction's organisation.
  const [service] = await tx
    .select({ id: services.id })
    .from(services)
    .where(eq(services.id, serviceId));
  if (!service) return false;
  await tx.insert(personServices).values({
    organisationId: sql`app_organisation_id()`,
    personId,
    serviceId,
    startedOn,
  });
  await audit(tx, actor, {
    action: 'service-link',
    entity: 'person',
    entityId: personId,
    after: { serviceId, startedOn },
  });
  return true;
}

/**
 * The person form's links that are not records of this organisation: a buddy
 * who is not on its register (or was erased), a partner organisation it does
 * not have. An id from another organisation, or made up, is named like a
 * wrong answer, so the form says which field to change and nothing is saved.
 */
export async function unknownLinks(
  tx: Queryable,
  fields: Pick<PersonFields, 'buddyId' | 'partnerOrganisationId'>,
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  if (fields.buddyId) {
    const [buddy] = await tx
      .select({ id: people.id })
      .from(people)
      .where(and(eq(people.id, fields.buddyId), isNull(people.erasedAt)));
    if (!buddy) problems.push({ field: 'buddyId', key: 'buddyUnknown' });
  }
  if (fields.partnerOrganisationId) {
    const [partner] = await tx
      .select({ id: partnerOrganisations.id })
      .from(partnerOrganisations)
      .where(eq(partnerOrganisations.id, fields.partnerOrganisationId));
    if (!partner) problems.push({ field: 'partnerOrganisationId', key: 'partnerUnknown' });
  }
  return problems;
}

export async function endServiceLink(
  tx: Queryable,
  actor: Actor,
  personId: string,
  linkId: string,
  endedOn: string,
): Promise<void> {
  const [row] = await tx
    .update(personServices)
    .set({ endedOn })
    .where(and(eq(personServices.id, linkId), eq(personServices.personId, personId)))
    .returning();
  if (row)
    await audit(tx, actor, {
      action: 'service-end',
      entity: 'person',
      entityId: personId,
      after: { serviceId: row.serviceId, endedOn },
    });
}

export type EqualityAnswers = Partial<Record<EqualityQuestion, string | null>>;

/**
 * Saves equality monitoring answers. Refused when the person objected or has
 * not consented: answers are kept only with consent. The audit copy holds
 * which questions changed, never the answers.
 */
export async function saveEquality(
  tx: Queryable,
  actor: Actor,
  personId: string,
  answers: EqualityAnswers,
): Promise<'saved' | 'no-consent'> {
  const [person] = await tx
    .select({ consents: people.consents })
    .from(people)
    .where(eq(people.id, personId));
  if (!person?.consents.includes('equality')) return 'no-consent';
  const values: EqualityAnswers = {};
  for (const [question, allowed] of Object.entries(EQUALITY_QUESTIONS) as Array<
    [EqualityQuestion, readonly string[]]
  >) {
    const answer = answers[question];
    values[question] = answer && allowed.includes(answer) ? answer : null;
  }
  await tx
    .insert(personEquality)
    .values({ organisationId: sql`app_organisation_id()`, personId, ...values })
    .onConflictDoUpdate({
      target: [personEquality.personId, personEquality.organisationId],
      set: { ...values, updatedAt: new Date() },
    });
  await audit(tx, actor, {
    action: 'equality-update',
    entity: 'person',
    entityId: personId,
    after: { questionsAnswered: Object.keys(values).filter((k) => values[k as EqualityQuestion]) },
  });
  return 'saved';
}

/** The open possible duplicates for a person, with the other person's name and reference. */
export async function duplicatesOf(tx: Queryable, personId: string) {
  return tx
    .select({
      id: possibleDuplicates.id,
      reason: possibleDuplicates.reason,
      otherId: people.id,
      firstName: people.firstName,
      lastName: people.lastName,
      reference: people.reference,
    })
    .from(possibleDuplicates)
    .innerJoin(
      people,
      sql`${people.id} = case when ${possibleDuplicates.personId} = ${personId} then ${possibleDuplicates.otherId} else ${possibleDuplicates.personId} end`,
    )
    .where(
      and(
        eq(possibleDuplicates.status, 'open'),
        or(eq(possibleDuplicates.personId, personId), eq(possibleDuplicates.otherId, personId)),
      ),
    );
}

/** Every open possible duplicate pair, for the duplicates page. */
export async function openDuplicates(tx: Queryable, limit = 100) {
  return rowsOf<{
    id: string;
    reason: string;
    personId: string;
    personName: string;
    personReference: string;
    otherId: string;
    otherName: string;
    otherReference: string;
  }>(
    await tx.execute(sql`
      select d.id, d.reason,
        p.id as "personId", p.first_name || ' ' || p.last_name as "personName", p.reference as "personReference",
        o.id as "otherId", o.first_name || ' ' || o.last_name as "otherName", o.reference as "otherReference"
      from possible_duplicates d
      join people p on p.id = d.person_id
      join people o on o.id = d.other_id
      where d.status = 'open'
      order by d.created_at desc
      limit ${limit}`),
  );
}

/** People with the given ids (staff pickers: buddies, supporters). */
export async function peopleByIds(tx: Queryable, ids: string[]) {
  if (ids.length === 0) return [];
  return tx
    .select({
      id: people.id,
      firstName: people.firstName,
      lastName: people.lastName,
      reference: people.reference,
    })
    .from(people)
    .where(inArray(people.id, ids));
}

/** The first part of a postcode ("LS6" of "LS6 1AB"), however it was typed. */
export function outwardCode(postcode: string | null | undefined): string {
  const squashed = (postcode ?? '').replace(/\s+/g, '').toUpperCase();
  return squashed.length > 4 ? squashed.slice(0, -3) : squashed;
}

/**
 * Each person in a picker with the text to show for them: the name, and
 * only when someone else in the list has the same name, their reference
 * (else the first part of their postcode) beside it, so two Sam Joneses can
 * be told apart.
 */
export function withDistinctNames<
  T extends {
    firstName: string | null;
    lastName: string | null;
    reference: string | null;
    postcode: string | null;
  },
>(rows: T[]): Array<Omit<T, 'reference' | 'postcode'> & { label: string }> {
  const nameOf = (r: T) => `${r.firstName ?? ''} ${r.lastName ?? ''}`.trim();
  const key = (r: T) => nameOf(r).toLowerCase().replace(/\s+/g, ' ');
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(key(r), (seen.get(key(r)) ?? 0) + 1);
  return rows.map((row) => {
    const { reference, postcode, ...rest } = row;
    const repeated = (seen.get(key(row)) ?? 0) > 1;
    const detail = repeated ? reference?.trim() || outwardCode(postcode) : '';
    return { ...rest, label: detail ? `${nameOf(row)} (${detail})` : nameOf(row) };
  });
}

/** Staff on the register, to choose a buddy from; a name two share shows who is who (`label`). */
export async function staffPeople(tx: Queryable) {
  const rows = await tx
    .select({
      id: people.id,
      firstName: people.firstName,
      lastName: people.lastName,
      reference: people.reference,
      postcode: people.postcode,
    })
    .from(people)
    .where(and(sql`'staff' = any(${people.kinds})`, isNull(people.erasedAt)))
    .orderBy(people.lastName, people.firstName, people.reference)
    .limit(500);
  return withDistinctNames(rows);
}

/** Finds a person by reference (or an earlier, merged reference). */
export async function personByReference(
  tx: Queryable,
  reference: string,
): Promise<PersonRow | null> {
  const [row] = await tx
    .select()
    .from(people)
    .where(
      or(
        eq(people.reference, reference),
        sql`${people.id} = (select person_id from person_aliases where reference = ${reference})`,
      ),
    );
  return row ?? null;
}

// ---------------------------------------------------------------------------
// Bulk adders for the demo and the benchmarks: multi-row INSERTs, no audit
// (the caller records one entry for the whole batch if it needs one).

async function inBatches<T>(rows: T[], write: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += 500) await write(rows.slice(i, i + 500));
}

export type NewRole = typeof personRoles.$inferInsert;
export type NewTraining = typeof personTraining.$inferInsert;
export type NewConsent = typeof consents.$inferInsert;
export type NewEquality = typeof personEquality.$inferInsert;
export type NewPartner = typeof partnerOrganisations.$inferInsert;

export const addRoles = (db: Queryable, rows: NewRole[]) =>
  inBatches(rows, (b) => db.insert(personRoles).values(b));
export const addTrainingRecords = (db: Queryable, rows: NewTraining[]) =>
  inBatches(rows, (b) => db.insert(personTraining).values(b));
export const addEqualityAnswers = (db: Queryable, rows: NewEquality[]) =>
  inBatches(rows, (b) => db.insert(personEquality).values(b));

/** Consent history rows; people.consents must already say the same (the caller sets both). */
export const addConsentRecords = (db: Queryable, rows: NewConsent[]) =>
  inBatches(rows, (b) => db.insert(consents).values(b));

export async function addPartners(db: Queryable, rows: NewPartner[]) {
  return db.insert(partnerOrganisations).values(rows).returning({ id: partnerOrganisations.id });
}

/**
 * Moves on the day each of these people was last involved (attendance in
 * another module), never back: one statement.
 */
export async function recordInvolvement(
  tx: Queryable,
  personIds: readonly string[],
  day: string,
): Promise<void> {
  if (personIds.length === 0) return;
  await tx.execute(sql`
    update people set last_involved_on = ${day}::date
    where id = any(${uuidArray(personIds)})
      and (last_involved_on is null or last_involved_on < ${day}::date)`);
}
