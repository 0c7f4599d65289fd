import { date, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisationIdColumn, tenantIsolation } from '../../platform/db/tenant.ts';

/**
 * The organisation's services and schemes. The involvement register issue
 * extends these tables; the foundation keeps what the demo and the staff
 * pages need.
 */
export const services = pgTable(
  'services',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').primaryKey().defaultRandom(),
    /** The organisation's own code for the service, unique within it. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** Configurable list: hostel, supported housing, care home, floating support … */
    type: text('type').notNull(),
    /** Configurable list: the demo uses four specialisms plus floating support. */
    specialism: text('specialism').notNull(),
    area: text('area'),
    postcode: text('postcode'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('services_code_idx').on(t.organisationId, t.code),
    tenantIsolation('services'),
  ],
).enableRLS();

/** Everyone on the register: customers, carers, staff, volunteers … */
export const people = pgTable(
  'people',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').primaryKey().defaultRandom(),
    /** The person's reference: from the source system, or assigned by Coproduce. */
    reference: text('reference').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    email: text('email'),
    phone: text('phone'),
    /** customer, carer, family, staff, volunteer, partner: a person may be several. */
    kinds: text('kinds').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('people_reference_idx').on(t.organisationId, t.reference),
    tenantIsolation('people'),
  ],
).enableRLS();

/** Which services a person uses or works in, and when. */
export const personServices = pgTable(
  'person_services',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').primaryKey().defaultRandom(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id, { onDelete: 'cascade' }),
    startedOn: date('started_on', { mode: 'string' }).notNull(),
    endedOn: date('ended_on', { mode: 'string' }),
  },
  (t) => [
    index('person_services_person_idx').on(t.personId),
    index('person_services_service_idx').on(t.serviceId),
    tenantIsolation('person_services'),
  ],
).enableRLS();

export type ServiceRow = typeof services.$inferSelect;
export type PersonRow = typeof people.$inferSelect;
