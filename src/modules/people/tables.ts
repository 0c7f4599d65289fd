import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  organisationIdColumn,
  tenantForeignKey,
  tenantIsolation,
  tenantPrimaryKey,
} from '../../platform/db/tenant.ts';
import { textArray } from '../../platform/db/types.ts';

/**
 * The organisation's own entries in its configurable lists (service types,
 * specialisms, involvement roles, skills, interests, training modules, kinds
 * of partner organisation). Coproduce ships a default list for each (lists.ts);
 * a row here adds an entry, renames a default one or retires it.
 */
export const registerOptions = pgTable(
  'register_options',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    list: text('list').notNull(),
    code: text('code').notNull(),
    label: text('label').notNull(),
    labelCy: text('label_cy'),
    sortOrder: integer('sort_order').notNull().default(100),
    retired: boolean('retired').notNull().default(false),
  },
  (t) => [
    tenantPrimaryKey('register_options', t),
    uniqueIndex('register_options_code_idx').on(t.organisationId, t.list, t.code),
    tenantIsolation('register_options'),
  ],
).enableRLS();

/** The organisation's services and schemes. */
export const services = pgTable(
  'services',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** The organisation's own code for the service, unique within it. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** Code from the service_type list: hostel, supported housing, care home … */
    type: text('type').notNull(),
    /** Code from the specialism list: the demo uses four specialisms plus floating support. */
    specialism: text('specialism').notNull(),
    area: text('area'),
    postcode: text('postcode'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('services', t),
    uniqueIndex('services_code_idx').on(t.organisationId, t.code),
    tenantIsolation('services'),
  ],
).enableRLS();

/** User-led and carer-led organisations, equality groups and others that people represent. */
export const partnerOrganisations = pgTable(
  'partner_organisations',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    /** Code from the partner_kind list: user-led, carer-led, equality group … */
    kind: text('kind').notNull(),
    /** Whom the organisation speaks for, in its own words. */
    represents: text('represents'),
    email: text('email'),
    phone: text('phone'),
    website: text('website'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantPrimaryKey('partner_organisations', t), tenantIsolation('partner_organisations')],
).enableRLS();

/**
 * Everyone on the register: customers, carers, family members, staff,
 * volunteers and partners' representatives. Equality answers live apart, in
 * person_equality, so that they are never read by accident.
 */
export const people = pgTable(
  'people',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** The person's reference: from the source system, or assigned by Coproduce. */
    reference: text('reference').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull().default(''),
    /** What they like to be called, where it is not their first name. */
    preferredName: text('preferred_name'),
    /** customer, carer, family, staff, volunteer, partner: a person may be several. */
    kinds: textArray('kinds'),
    email: text('email'),
    phone: text('phone'),
    addressLine1: text('address_line_1'),
    addressLine2: text('address_line_2'),
    town: text('town'),
    postcode: text('postcode'),
    area: text('area'),
    dateOfBirth: date('date_of_birth', { mode: 'string' }),
    /** en, cy or another language the person prefers to be written to in. */
    language: text('language').notNull().default('en'),
    /** email, sms, phone, letter, in the person's order of preference. */
    preferredChannels: textArray('preferred_channels'),
    bestTimes: text('best_times'),
    doNotContact: boolean('do_not_contact').notNull().default(false),
    /** A carer, advocate or support worker through whom the person is contacted. */
    supporterId: uuid('supporter_id'),
    /** carer, advocate, support_worker, family */
    supporterRelationship: text('supporter_relationship'),
    contactViaSupporter: boolean('contact_via_supporter').notNull().default(false),
    /** A member of staff who supports the person's attendance. */
    buddyId: uuid('buddy_id'),
    partnerOrganisationId: uuid('partner_organisation_id'),
    /** Access need codes (lists.ts ACCESS_NEEDS). */
    needs: textArray('needs'),
    needsNote: text('needs_note'),
    skills: textArray('skills'),
    interests: textArray('interests'),
    availability: textArray('availability'),
    availabilityNote: text('availability_note'),
    /**
     * The consents currently given (purposes), kept in step with the consents
     * history in the same transaction, so that a withdrawal holds everywhere
     * the moment it is saved.
     */
    consents: textArray('consents'),
    notes: text('notes'),
    /** Set by the modules that record involvement (attendance, sign-ups …). */
    lastInvolvedOn: date('last_involved_on', { mode: 'string' }),
    retentionReviewedOn: date('retention_reviewed_on', { mode: 'string' }),
    source: text('source').notNull().default('staff'),
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Lower-cased names, for the typo-tolerant search (trigram index). */
    searchName: text('search_name').generatedAlwaysAs(
      sql`lower(coalesce(preferred_name, '') || ' ' || first_name || ' ' || last_name)`,
    ),
    /** The phone number's digits, so 07700 900123 and 07700900123 find each other. */
    phoneDigits: text('phone_digits').generatedAlwaysAs(
      sql`regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')`,
    ),
  },
  (t) => [
    tenantPrimaryKey('people', t),
    tenantForeignKey(
      'people_supporter_id_people_id_fk',
      [t.organisationId, t.supporterId],
      [t.organisationId, t.id],
      'set null',
    ),
    tenantForeignKey(
      'people_buddy_id_people_id_fk',
      [t.organisationId, t.buddyId],
      [t.organisationId, t.id],
      'set null',
    ),
    tenantForeignKey(
      'people_partner_organisation_id_partner_organisations_id_fk',
      [t.organisationId, t.partnerOrganisationId],
      [partnerOrganisations.organisationId, partnerOrganisations.id],
      'set null',
    ),
    uniqueIndex('people_reference_idx').on(t.organisationId, t.reference),
    index('people_search_name_trgm_idx').using('gin', sql`${t.searchName} gin_trgm_ops`),
    // Emails are stored lower-case (validate.ts), so a plain index serves.
    index('people_email_idx').on(t.organisationId, t.email),
    index('people_phone_idx').on(t.organisationId, t.phoneDigits),
    index('people_postcode_idx').on(t.organisationId, t.postcode),
    // The area filter, and the list of areas read by skipping from one to the next.
    index('people_area_idx').on(t.organisationId, t.area),
    index('people_name_idx').on(t.organisationId, t.lastName, t.firstName),
    index('people_needs_idx').using('gin', t.needs),
    // The retention review: the longest idle first, those ever involved by
    // their last involvement and those never involved by when they were
    // added, read up to the cutoff (rights.ts retentionDue).
    index('people_idle_involved_idx')
      .on(t.organisationId, t.lastInvolvedOn)
      .where(sql`${t.erasedAt} is null and ${t.lastInvolvedOn} is not null`),
    index('people_idle_added_idx')
      .on(t.organisationId, t.createdAt)
      .where(sql`${t.erasedAt} is null and ${t.lastInvolvedOn} is null`),
    tenantIsolation('people'),
  ],
).enableRLS();

/**
 * The register's size and its access needs, kept as people are written so
 * that the people page need not count a large landlord's 100,000 people on
 * every load (issue 15). `need` is '' for the people on the register (not
 * erased) and an access need's code for those who have it. Rows are
 * changes: a statement that writes people adds one row a need it changes
 * (the triggers in migration 0046), never updating a row another
 * transaction may hold, so an import's long transaction does not hold up a
 * sign-up. A read sums them and, once many have piled up, folds them into
 * one row a need (queries.ts, registerCounts).
 */
export const registerCounts = pgTable(
  'register_counts',
  {
    organisationId: organisationIdColumn(),
    id: bigint('id', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    need: text('need').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [
    tenantPrimaryKey('register_counts', t),
    index('register_counts_organisation_idx').on(t.organisationId),
    tenantIsolation('register_counts'),
  ],
).enableRLS();

/** Earlier references of a person: those of records merged into them. Imports match on them too. */
export const personAliases = pgTable(
  'person_aliases',
  {
    organisationId: organisationIdColumn(),
    reference: text('reference').notNull(),
    personId: uuid('person_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organisationId, t.reference] }),
    tenantForeignKey(
      'person_aliases_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    index('person_aliases_person_idx').on(t.personId),
    tenantIsolation('person_aliases'),
  ],
).enableRLS();

/** Which services a person uses or works in, and when. */
export const personServices = pgTable(
  'person_services',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    personId: uuid('person_id').notNull(),
    serviceId: uuid('service_id').notNull(),
    startedOn: date('started_on', { mode: 'string' }).notNull(),
    endedOn: date('ended_on', { mode: 'string' }),
  },
  (t) => [
    tenantPrimaryKey('person_services', t),
    tenantForeignKey(
      'person_services_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    tenantForeignKey(
      'person_services_service_id_services_id_fk',
      [t.organisationId, t.serviceId],
      [services.organisationId, services.id],
      'cascade',
    ),
    index('person_services_person_idx').on(t.personId),
    index('person_services_service_idx').on(t.serviceId),
    tenantIsolation('person_services'),
  ],
).enableRLS();

/** Involvement roles over time: panel member, quality checker, peer researcher … */
export const personRoles = pgTable(
  'person_roles',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    personId: uuid('person_id').notNull(),
    /** Code from the involvement_role list. */
    role: text('role').notNull(),
    startedOn: date('started_on', { mode: 'string' }).notNull(),
    endedOn: date('ended_on', { mode: 'string' }),
  },
  (t) => [
    tenantPrimaryKey('person_roles', t),
    tenantForeignKey(
      'person_roles_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    index('person_roles_person_idx').on(t.personId),
    index('person_roles_role_idx').on(t.organisationId, t.role),
    tenantIsolation('person_roles'),
  ],
).enableRLS();

/** Training completed, so that "16 trained Quality Checkers" can be counted. */
export const personTraining = pgTable(
  'person_training',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    personId: uuid('person_id').notNull(),
    /** Code from the training_module list. */
    module: text('module').notNull(),
    completedOn: date('completed_on', { mode: 'string' }).notNull(),
    expiresOn: date('expires_on', { mode: 'string' }),
  },
  (t) => [
    tenantPrimaryKey('person_training', t),
    tenantForeignKey(
      'person_training_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    index('person_training_person_idx').on(t.personId),
    index('person_training_module_idx').on(t.organisationId, t.module),
    tenantIsolation('person_training'),
  ],
).enableRLS();

/**
 * Every consent decision, dated and versioned; never updated, only added to.
 * The latest row for a purpose is the one that holds (people.consents mirrors it).
 */
export const consents = pgTable(
  'consents',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    personId: uuid('person_id').notNull(),
    /** register, contact_email, contact_sms, contact_phone, contact_letter, photos, quotes, equality */
    purpose: text('purpose').notNull(),
    /** given, withdrawn, or objected (equality monitoring: DPA 2018 Sch 1 para 8(5)) */
    status: text('status').notNull(),
    /** Which wording the person agreed to (lists.ts CONSENT_WORDING_VERSION). */
    wordingVersion: text('wording_version').notNull(),
    /** How it was given: online, paper form, verbal, through a supporter */
    method: text('method').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    recordedBy: text('recorded_by').notNull(),
  },
  (t) => [
    tenantPrimaryKey('consents', t),
    tenantForeignKey(
      'consents_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    index('consents_person_idx').on(t.personId, t.purpose, t.recordedAt),
    // The equality figures look for people whose latest equality decision is
    // not "given": only people with such a decision at all can be, and they
    // are few, so this finds them without reading every consent.
    index('consents_equality_not_given_idx')
      .on(t.personId, t.recordedAt)
      .where(sql`${t.purpose} = 'equality' and ${t.status} <> 'given'`),
    tenantIsolation('consents'),
  ],
).enableRLS();

/**
 * Equality monitoring answers: special category data, read only by holders of
 * equality:read, used only for counts. Every answer is optional; the code
 * prefer_not_to_say is an answer of its own.
 */
export const personEquality = pgTable(
  'person_equality',
  {
    organisationId: organisationIdColumn(),
    personId: uuid('person_id').notNull(),
    sex: text('sex'),
    genderIdentity: text('gender_identity'),
    ethnicity: text('ethnicity'),
    disability: text('disability'),
    religion: text('religion'),
    sexualOrientation: text('sexual_orientation'),
    caring: text('caring'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'person_equality_pkey', columns: [t.personId, t.organisationId] }),
    tenantForeignKey(
      'person_equality_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    tenantIsolation('person_equality'),
  ],
).enableRLS();

/** A search a member of staff saved to come back to: the filters, not the people. */
export const savedLists = pgTable(
  'saved_lists',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    /** The query string of the people page. */
    query: text('query').notNull(),
    ownerUserId: uuid('owner_user_id'),
    shared: boolean('shared').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantPrimaryKey('saved_lists', t), tenantIsolation('saved_lists')],
).enableRLS();

/** Pairs of records that may be one person, found on entry and import, until staff decide. */
export const possibleDuplicates = pgTable(
  'possible_duplicates',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    personId: uuid('person_id').notNull(),
    otherId: uuid('other_id').notNull(),
    /** same_email, same_phone, similar_name */
    reason: text('reason').notNull(),
    /** open, or not_duplicate once staff say so */
    status: text('status').notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('possible_duplicates', t),
    tenantForeignKey(
      'possible_duplicates_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    tenantForeignKey(
      'possible_duplicates_other_id_people_id_fk',
      [t.organisationId, t.otherId],
      [people.organisationId, people.id],
      'cascade',
    ),
    uniqueIndex('possible_duplicates_pair_idx').on(t.organisationId, t.personId, t.otherId),
    index('possible_duplicates_other_idx').on(t.otherId),
    tenantIsolation('possible_duplicates'),
  ],
).enableRLS();

/**
 * One-way fingerprints of erased people's references and email addresses, so
 * that a later import or a restored backup cannot bring them back.
 */
export const erasureSuppressions = pgTable(
  'erasure_suppressions',
  {
    organisationId: organisationIdColumn(),
    fingerprint: text('fingerprint').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organisationId, t.fingerprint] }),
    tenantIsolation('erasure_suppressions'),
  ],
).enableRLS();

/** Subject access and erasure requests, with the one-month deadline each must meet. */
export const rightsRequests = pgTable(
  'rights_requests',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    personId: uuid('person_id'),
    /** access or erasure */
    kind: text('kind').notNull(),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    /** Up to two further months for a complex request; the person must be told why. */
    extendedTo: date('extended_to', { mode: 'string' }),
    completedOn: date('completed_on', { mode: 'string' }),
    /** open, completed, refused */
    status: text('status').notNull().default('open'),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('rights_requests', t),
    tenantForeignKey(
      'rights_requests_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'set null',
    ),
    index('rights_requests_person_idx').on(t.personId),
    tenantIsolation('rights_requests'),
  ],
).enableRLS();

/**
 * A customer's request to change what the register holds about them (issue
 * 10 §6), asked from their own page: staff check and make the change, then
 * mark the request done. A customer never edits the record themselves.
 */
export const personChangeRequests = pgTable(
  'person_change_requests',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    personId: uuid('person_id').notNull(),
    /** Which part of their details: name, contact, needs, consents, supporter or other. */
    section: text('section').notNull(),
    /** What should change, in their words. */
    details: text('details').notNull(),
    /** Who asked, as the audit trail names them (with the helper in assisted mode). */
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    /** open, or done once staff have acted on it. */
    status: text('status').notNull().default('open'),
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneBy: text('done_by'),
    /** What staff did, for the person and for colleagues. */
    outcome: text('outcome'),
  },
  (t) => [
    tenantPrimaryKey('person_change_requests', t),
    tenantForeignKey(
      'person_change_requests_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'cascade',
    ),
    index('person_change_requests_person_idx').on(t.personId, t.requestedAt),
    index('person_change_requests_status_idx').on(t.organisationId, t.status),
    tenantIsolation('person_change_requests'),
  ],
).enableRLS();

export type ServiceRow = typeof services.$inferSelect;
export type PersonRow = typeof people.$inferSelect;
export type PartnerRow = typeof partnerOrganisations.$inferSelect;
export type ConsentRow = typeof consents.$inferSelect;
export type EqualityRow = typeof personEquality.$inferSelect;
export type RightsRequestRow = typeof rightsRequests.$inferSelect;
export type ChangeRequestRow = typeof personChangeRequests.$inferSelect;
