import { sql } from 'drizzle-orm';
import type { Database } from '../platform/db/index.ts';
import {
  createOrganisation,
  findOrganisationBySlug,
  type Organisation,
} from '../platform/tenancy/index.ts';
import { addServices, type NewService } from '../modules/people/index.ts';
import { createUser, hashPassword } from '../modules/identity/index.ts';
import type { Role } from '../platform/auth/index.ts';
import { seededRandom } from './random.ts';
import { contributions } from '../platform/manifest.ts';
import { todayInLondon } from '../platform/calendar/index.ts';
import { seedRegister } from './register.ts';
import { seedParticipation } from './participation.ts';

/** For the demo only: every demo staff account has this password. */
/** The demo customer's email: their account and their record on the register. */
const DEMO_CUSTOMER_EMAIL = 'customer@demo.example';

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
  { email: DEMO_CUSTOMER_EMAIL, name: 'Ben Jones', roles: ['customer'] },
];

export const DEMO_SLUG = 'demo';

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" rx="8" fill="#ffffff"/><path d="M8 30 L20 10 L32 30 Z" fill="#1d5b79"/><circle cx="20" cy="25" r="4" fill="#ffffff"/></svg>`;

// The four specialisms named in the seeds' strategy, plus floating support.
const SERVICES: Array<Omit<NewService, 'organisationId'>> = [
  {
    code: 'LD-OAK',
    name: 'Oak House',
    type: 'care_home',
    specialism: 'learning_disabilities',
    area: 'North',
    postcode: 'NE1 4AB',
  },
  {
    code: 'LD-WIL',
    name: 'Willow Court',
    type: 'supported_housing',
    specialism: 'learning_disabilities',
    area: 'North',
    postcode: 'NE2 1CD',
  },
  {
    code: 'LD-HOM',
    name: 'Learning disabilities home care',
    type: 'home_care',
    specialism: 'learning_disabilities',
    area: 'East',
    postcode: 'NE6 2EF',
  },
  {
    code: 'MH-BRI',
    name: 'Bridge House',
    type: 'supported_housing',
    specialism: 'mental_health',
    area: 'Central',
    postcode: 'NE1 6GH',
  },
  {
    code: 'MH-HAR',
    name: 'Harbour View',
    type: 'care_home',
    specialism: 'mental_health',
    area: 'South',
    postcode: 'NE8 3JK',
  },
  {
    code: 'MH-STE',
    name: 'Stepping Stones',
    type: 'supported_housing',
    specialism: 'mental_health',
    area: 'West',
    postcode: 'NE4 5LM',
  },
  {
    code: 'YP-FOY',
    name: 'The Foyer',
    type: 'supported_housing',
    specialism: 'young_people',
    area: 'Central',
    postcode: 'NE1 7NP',
  },
  {
    code: 'YP-LAU',
    name: 'Launchpad',
    type: 'supported_housing',
    specialism: 'young_people',
    area: 'East',
    postcode: 'NE6 4QR',
  },
  {
    code: 'HL-STM',
    name: "St Mark's Hostel",
    type: 'hostel',
    specialism: 'homelessness',
    area: 'Central',
    postcode: 'NE1 8ST',
  },
  {
    code: 'HL-RIV',
    name: 'Riverside Hostel',
    type: 'hostel',
    specialism: 'homelessness',
    area: 'South',
    postcode: 'NE8 1UV',
  },
  {
    code: 'HL-NEW',
    name: 'New Start flats',
    type: 'unsupported',
    specialism: 'homelessness',
    area: 'West',
    postcode: 'NE4 9WX',
  },
  {
    code: 'FS-NOR',
    name: 'Floating support North',
    type: 'floating_support',
    specialism: 'floating_support',
    area: 'North',
    postcode: null,
  },
  {
    code: 'FS-SOU',
    name: 'Floating support South',
    type: 'floating_support',
    specialism: 'floating_support',
    area: 'South',
    postcode: null,
  },
];

/** A module's demo seed, from its name: stable across runs and across the order of MODULES. */
function seedOf(module: string): number {
  let hash = 2018;
  for (const char of module) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return hash;
}

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
    const register = await seedRegister(tx, orgId, services, random, today);
    await seedParticipation(tx, orgId, random, today);
    // The demo customer is someone on the register with something coming up
    // and something done, so their own page (/my) has both to show: that
    // person takes the account's name and email, and createUser links the
    // account to them (the one person with its email).
    await tx.execute(sql`
      update people set first_name = 'Ben', last_name = 'Jones', preferred_name = null,
        email = ${DEMO_CUSTOMER_EMAIL}
      where id = (
        select p.id from people p
        where 'customer' = any (p.kinds) and p.erased_at is null
          and exists (select 1 from invitations v join activities a on a.id = v.activity_id
                      where v.person_id = p.id and a.starts_at > ${today.toISOString()}::timestamptz)
          and exists (select 1 from attendance t where t.person_id = p.id and t.status = 'attended')
        order by p.reference limit 1)`);
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const actor = { userId: null, label: 'demo seed', ip: null };
    const userIds: Record<string, string> = {};
    for (const user of DEMO_USERS) {
      const staff = user.roles.some((role) => role !== 'customer');
      const made = await createUser(tx, actor, {
        ...user,
        permissions: user.permissions ?? [],
        passwordHash: staff ? passwordHash : null,
      });
      userIds[user.email] = made.id;
    }
    // Then each module's own demo (contributes.demo), in module order, each
    // with random numbers of its own so one module's demo never shifts another's.
    const day = todayInLondon(today);
    for (const { module, value: seed } of contributions('demo')) {
      await seed(tx, {
        organisationId: orgId,
        today: day,
        random: seededRandom(seedOf(module)).next,
        userIds,
      });
    }
    return { services: services.length, people: register.people };
  });
  return { organisation, created: true, ...counts };
}
