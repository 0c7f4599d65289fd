import type { Database } from '../platform/db/index.ts';
import {
  createOrganisation,
  findOrganisationBySlug,
  type Organisation,
} from '../platform/tenancy/index.ts';
import {
  addPeople,
  addServices,
  linkPeopleToServices,
  type NewPerson,
  type NewPersonService,
  type NewService,
} from '../modules/people/index.ts';
import { createUser, hashPassword } from '../modules/identity/index.ts';
import type { Role } from '../platform/auth/index.ts';
import { daysFrom, seededRandom } from './random.ts';

/** For the demo only: every demo staff account has this password. */
export const DEMO_PASSWORD = 'coproduce demo password';

/** The demo's accounts, one for each role. Customers sign in by emailed link. */
export const DEMO_USERS: Array<{
  email: string;
  name: string;
  roles: Role[];
  permissions?: string[];
}> = [
  { email: 'admin@demo.example', name: 'Alex Morgan', roles: ['admin'] },
  {
    email: 'lead@demo.example',
    name: 'Priya Shah',
    roles: ['involvement_lead'],
    permissions: ['equality:read', 'audit:read'],
  },
  { email: 'staff@demo.example', name: 'Sam Taylor', roles: ['staff'] },
  { email: 'board@demo.example', name: 'Jo Evans', roles: ['board_member'] },
  { email: 'customer@demo.example', name: 'Ben Jones', roles: ['customer'] },
];

export const DEMO_SLUG = 'demo';

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" rx="8" fill="#ffffff"/><path d="M8 30 L20 10 L32 30 Z" fill="#1d5b79"/><circle cx="20" cy="25" r="4" fill="#ffffff"/></svg>`;

// The four specialisms named in the seeds' strategy, plus floating support.
const SERVICES: Array<Omit<NewService, 'organisationId'>> = [
  {
    code: 'LD-OAK',
    name: 'Oak House',
    type: 'Care home',
    specialism: 'Learning disabilities',
    area: 'North',
    postcode: 'NE1 4AB',
  },
  {
    code: 'LD-WIL',
    name: 'Willow Court',
    type: 'Supported housing',
    specialism: 'Learning disabilities',
    area: 'North',
    postcode: 'NE2 1CD',
  },
  {
    code: 'LD-HOM',
    name: 'Learning disabilities home care',
    type: 'Home care',
    specialism: 'Learning disabilities',
    area: 'East',
    postcode: 'NE6 2EF',
  },
  {
    code: 'MH-BRI',
    name: 'Bridge House',
    type: 'Supported housing',
    specialism: 'Mental health',
    area: 'Central',
    postcode: 'NE1 6GH',
  },
  {
    code: 'MH-HAR',
    name: 'Harbour View',
    type: 'Care home',
    specialism: 'Mental health',
    area: 'South',
    postcode: 'NE8 3JK',
  },
  {
    code: 'MH-STE',
    name: 'Stepping Stones',
    type: 'Supported housing',
    specialism: 'Mental health',
    area: 'West',
    postcode: 'NE4 5LM',
  },
  {
    code: 'YP-FOY',
    name: 'The Foyer',
    type: 'Supported housing',
    specialism: 'Young people',
    area: 'Central',
    postcode: 'NE1 7NP',
  },
  {
    code: 'YP-LAU',
    name: 'Launchpad',
    type: 'Supported housing',
    specialism: 'Young people',
    area: 'East',
    postcode: 'NE6 4QR',
  },
  {
    code: 'HL-STM',
    name: "St Mark's Hostel",
    type: 'Hostel',
    specialism: 'Homelessness',
    area: 'Central',
    postcode: 'NE1 8ST',
  },
  {
    code: 'HL-RIV',
    name: 'Riverside Hostel',
    type: 'Hostel',
    specialism: 'Homelessness',
    area: 'South',
    postcode: 'NE8 1UV',
  },
  {
    code: 'HL-NEW',
    name: 'New Start flats',
    type: 'Unsupported',
    specialism: 'Homelessness',
    area: 'West',
    postcode: 'NE4 9WX',
  },
  {
    code: 'FS-NOR',
    name: 'Floating support North',
    type: 'Floating support',
    specialism: 'Floating support',
    area: 'North',
    postcode: null,
  },
  {
    code: 'FS-SOU',
    name: 'Floating support South',
    type: 'Floating support',
    specialism: 'Floating support',
    area: 'South',
    postcode: null,
  },
];

const FIRST = [
  'Aisha',
  'Ben',
  'Carys',
  'Dev',
  'Ella',
  'Femi',
  'Grace',
  'Harry',
  'Imran',
  'Jade',
  'Kofi',
  'Lily',
  'Mo',
  'Nia',
  'Owen',
  'Priya',
  'Quinn',
  'Rhys',
  'Sam',
  'Tomasz',
  'Uma',
  'Vik',
  'Wen',
  'Yusuf',
  'Zara',
];
const LAST = [
  'Adams',
  'Begum',
  'Campbell',
  'Davies',
  'Evans',
  'Francis',
  'Green',
  'Hughes',
  'Iqbal',
  'Jones',
  'Khan',
  'Lewis',
  'Morgan',
  'Nowak',
  'Okafor',
  'Patel',
  'Roberts',
  'Smith',
  'Thomas',
  'Williams',
];

export interface SeedResult {
  organisation: Organisation;
  created: boolean;
  services: number;
  people: number;
}

/**
 * Makes the demo organisation: a fictional housing and care provider with
 * services across the four specialisms and floating support, staff and
 * customers. Deterministic; dates are relative to `today`. Does nothing if
 * the demo organisation exists.
 */
export async function seedDemo(database: Database, today = new Date()): Promise<SeedResult> {
  const existing = await findOrganisationBySlug(database.system, DEMO_SLUG);
  if (existing) return { organisation: existing, created: false, services: 0, people: 0 };

  const organisation = await createOrganisation(database.system, {
    slug: DEMO_SLUG,
    name: 'Brightwater Housing and Care',
    brandColour: '#1d5b79',
    welshEnabled: true,
    logo: { content: Buffer.from(LOGO), contentType: 'image/svg+xml' },
  });
  const random = seededRandom(2018);
  const orgId = organisation.id;

  const counts = await database.withOrganisation(orgId, async (tx) => {
    const services = await addServices(
      tx,
      SERVICES.map((s) => ({ ...s, organisationId: orgId })),
    );
    const people: NewPerson[] = [];
    const homes: number[] = [];
    // Staff first (a few per service), then customers.
    const total = 40 + 200;
    for (let i = 0; i < total; i++) {
      const staff = i < 40;
      const first = random.pick(FIRST);
      const last = random.pick(LAST);
      const kinds = staff ? ['staff'] : random.chance(0.1) ? ['customer', 'carer'] : ['customer'];
      const hasEmail = staff || random.chance(0.6);
      people.push({
        organisationId: orgId,
        reference: staff
          ? `ST${String(i + 1).padStart(4, '0')}`
          : `CU${String(i - 39).padStart(5, '0')}`,
        firstName: first,
        lastName: last,
        email: hasEmail ? `${first}.${last}.${i}@example.org`.toLowerCase() : null,
        phone: random.chance(0.8)
          ? `07700 9${String(random.int(0, 99999)).padStart(5, '0')}`
          : null,
        kinds,
      });
      homes.push(random.int(0, services.length - 1));
    }
    const ids = await addPeople(tx, people);
    const links: NewPersonService[] = ids.map((personId, index) => {
      const service = services[homes[index] ?? 0];
      if (!service) throw new Error('demo service missing');
      const started = -random.int(30, 365 * 4);
      const left = random.chance(0.1);
      return {
        organisationId: orgId,
        personId,
        serviceId: service.id,
        startedOn: daysFrom(today, started),
        endedOn: left ? daysFrom(today, -random.int(1, -started - 1)) : null,
      };
    });
    await linkPeopleToServices(tx, links);
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const actor = { userId: null, label: 'demo seed', ip: null };
    for (const user of DEMO_USERS) {
      const staff = user.roles.some((role) => role !== 'customer');
      await createUser(tx, actor, {
        ...user,
        permissions: user.permissions ?? [],
        passwordHash: staff ? passwordHash : null,
      });
    }
    return { services: services.length, people: ids.length };
  });
  return { organisation, created: true, ...counts };
}
