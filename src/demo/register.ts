import { sql } from 'drizzle-orm';
import type { Queryable } from '../platform/db/index.ts';
import {
  addConsentRecords,
  addEqualityAnswers,
  addPartners,
  addPeople,
  addRoles,
  addTrainingRecords,
  linkPeopleToServices,
  DEFAULT_OPTIONS,
  EQUALITY_QUESTIONS,
  REGISTER_NEEDS,
  type NewPerson,
  type NewPersonService,
} from '../modules/people/index.ts';
import { daysFrom, type seededRandom } from './random.ts';

type Random = ReturnType<typeof seededRandom>;

/** First and last names of the fictional people (the benchmarks use them too). */
export const FIRST = [
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
  'Alfie',
  'Bethan',
  'Callum',
  'Dylan',
  'Eleri',
  'Freya',
  'Gareth',
];
export const LAST = [
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
  'Ahmed',
  'Brown',
  'Clarke',
  'Doyle',
];
const STREETS = [
  'Grey Street',
  'Quayside',
  'Elswick Road',
  'Shields Road',
  'Chillingham Road',
  'Westgate Road',
];

const pickSome = <T>(random: Random, items: readonly T[], p: number, max = 3): T[] =>
  items.filter(() => random.chance(p)).slice(0, max);

/**
 * The demo register: a few hundred people with addresses, access needs,
 * skills, interests, consents, involvement roles, training (16 trained
 * Quality Checkers among them), equality answers for those who agreed,
 * partner organisations with representatives, supporters, and one pair of
 * records that are the same person, so that lists, filters and the
 * duplicates page all tell a story. Deterministic for a seed and a day.
 */
export async function seedRegister(
  tx: Queryable,
  orgId: string,
  services: Array<{ id: string; code: string }>,
  random: Random,
  today: Date,
): Promise<{ people: number }> {
  const partners = await addPartners(tx, [
    {
      organisationId: orgId,
      name: 'Tyneside Voices',
      kind: 'user_led',
      represents: 'People who use mental health services',
    },
    {
      organisationId: orgId,
      name: 'Carers Together North East',
      kind: 'carer_led',
      represents: 'Unpaid carers',
    },
    {
      organisationId: orgId,
      name: 'Rainbow Housing Forum',
      kind: 'equality_group',
      represents: 'LGBTQ+ tenants',
    },
  ]);

  const people: NewPerson[] = [];
  const homes: number[] = [];
  const STAFF = 60;
  const TOTAL = 420;
  const consentsOf: string[][] = [];
  for (let i = 0; i < TOTAL; i++) {
    const staff = i < STAFF;
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    const volunteer = !staff && random.chance(0.12);
    const kinds = staff
      ? ['staff']
      : random.chance(0.1)
        ? ['customer', 'carer']
        : volunteer
          ? ['customer', 'volunteer']
          : random.chance(0.05)
            ? ['family']
            : ['customer'];
    const hasEmail = staff || random.chance(0.55);
    const channels = hasEmail
      ? random.chance(0.7)
        ? ['email']
        : ['email', 'sms']
      : random.chance(0.6)
        ? ['phone']
        : ['letter'];
    const consent = ['register', ...channels.map((c) => `contact_${c}`)];
    if (random.chance(0.4)) consent.push('photos');
    if (random.chance(0.5)) consent.push('quotes');
    if (!staff && random.chance(0.7)) consent.push('equality');
    consentsOf.push(consent);
    const born = 1945 + random.int(0, 60);
    people.push({
      organisationId: orgId,
      reference: staff
        ? `ST${String(i + 1).padStart(4, '0')}`
        : `CU${String(i - STAFF + 1).padStart(5, '0')}`,
      firstName: first,
      lastName: last,
      kinds,
      email: hasEmail ? `${first}.${last}.${i}@example.org`.toLowerCase() : null,
      phone: random.chance(0.8) ? `07700 9${String(random.int(0, 99999)).padStart(5, '0')}` : null,
      addressLine1: staff ? null : `${random.int(1, 180)} ${random.pick(STREETS)}`,
      town: staff ? null : 'Newcastle upon Tyne',
      postcode: staff
        ? null
        : `NE${random.int(1, 15)} ${random.int(1, 9)}${random.pick(['AB', 'DF', 'GH', 'JL', 'PQ'])}`,
      dateOfBirth: staff
        ? null
        : `${born}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`,
      language: random.chance(0.06) ? 'cy' : random.chance(0.04) ? 'pl' : 'en',
      preferredChannels: channels,
      bestTimes:
        !staff && random.chance(0.3) ? random.pick(['Mornings', 'After 2pm', 'Not Fridays']) : null,
      needs: staff ? [] : pickSome(random, REGISTER_NEEDS, 0.1),
      skills: staff
        ? []
        : pickSome(
            random,
            DEFAULT_OPTIONS.skill.map(([c]) => c),
            0.15,
          ),
      interests: staff
        ? []
        : pickSome(
            random,
            DEFAULT_OPTIONS.interest.map(([c]) => c),
            0.2,
          ),
      availability: staff
        ? []
        : pickSome(
            random,
            ['weekday_mornings', 'weekday_afternoons', 'weekday_evenings', 'weekends', 'online'],
            0.3,
          ),
      consents: consent,
      lastInvolvedOn:
        !staff && random.chance(0.75) ? daysFrom(today, -random.int(1, 365 * 3)) : null,
      partnerOrganisationId: !staff && random.chance(0.03) ? random.pick(partners).id : null,
      source: 'demo',
    });
    homes.push(random.int(0, services.length - 1));
  }
  // The same person, entered twice with a slip in the name: for the duplicates page.
  people.push({
    ...people[STAFF]!,
    reference: 'HMS-0042',
    firstName: `${people[STAFF]!.firstName}`,
    lastName: `${people[STAFF]!.lastName}e`,
    phone: people[STAFF]!.phone ?? '07700 900042',
    email: people[STAFF]!.email,
  });
  consentsOf.push(['register']);
  homes.push(homes[STAFF]!);

  const ids = await addPeople(tx, people);
  const links: NewPersonService[] = ids.map((personId, index) => {
    const service = services[homes[index] ?? 0]!;
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

  // Consent history behind people.consents.
  await addConsentRecords(
    tx,
    ids.flatMap((personId, i) =>
      consentsOf[i]!.map((purpose) => ({
        organisationId: orgId,
        personId,
        purpose,
        status: 'given',
        wordingVersion: '2026-11',
        method: random.pick(['paper', 'verbal', 'online']),
        recordedBy: 'demo seed',
        recordedAt: new Date(`${daysFrom(today, -random.int(30, 700))}T10:00:00Z`),
      })),
    ),
  );

  // Roles and training: 16 trained Quality Checkers, a panel, peer researchers …
  const customers = ids.slice(STAFF, TOTAL);
  const roles = [];
  const training = [];
  for (let i = 0; i < 16; i++) {
    const personId = customers[i * 7]!;
    const completed = daysFrom(today, -random.int(60, 700));
    roles.push({ organisationId: orgId, personId, role: 'quality_checker', startedOn: completed });
    training.push({
      organisationId: orgId,
      personId,
      module: 'quality_checking',
      completedOn: completed,
      expiresOn: daysFrom(today, random.int(-30, 700)),
    });
    training.push({
      organisationId: orgId,
      personId,
      module: 'safeguarding',
      completedOn: completed,
      expiresOn: null,
    });
  }
  for (let i = 0; i < 12; i++)
    roles.push({
      organisationId: orgId,
      personId: customers[i * 11 + 3]!,
      role: 'panel_member',
      startedOn: daysFrom(today, -random.int(30, 900)),
    });
  for (let i = 0; i < 6; i++) {
    const personId = customers[i * 19 + 5]!;
    roles.push({
      organisationId: orgId,
      personId,
      role: 'peer_researcher',
      startedOn: daysFrom(today, -random.int(30, 500)),
    });
    training.push({
      organisationId: orgId,
      personId,
      module: 'peer_research',
      completedOn: daysFrom(today, -random.int(30, 500)),
      expiresOn: null,
    });
  }
  for (let i = 0; i < 8; i++) {
    const personId = customers[i * 13 + 2]!;
    roles.push({
      organisationId: orgId,
      personId,
      role: 'interview_panel',
      startedOn: daysFrom(today, -random.int(30, 600)),
      endedOn: random.chance(0.3) ? daysFrom(today, -random.int(1, 29)) : null,
    });
    training.push({
      organisationId: orgId,
      personId,
      module: 'recruitment_selection',
      completedOn: daysFrom(today, -random.int(30, 600)),
      expiresOn: null,
    });
  }
  roles.push({
    organisationId: orgId,
    personId: customers[1]!,
    role: 'co_chair',
    startedOn: daysFrom(today, -400),
  });
  await addRoles(tx, roles);
  await addTrainingRecords(tx, training);

  // Equality answers for those who agreed.
  const equality = [];
  for (let i = 0; i < TOTAL; i++) {
    if (!consentsOf[i]!.includes('equality') || !random.chance(0.85)) continue;
    const answer = (q: keyof typeof EQUALITY_QUESTIONS, weights?: string[]) =>
      random.chance(0.1)
        ? 'prefer_not_to_say'
        : random.pick(weights ?? EQUALITY_QUESTIONS[q].filter((a) => a !== 'prefer_not_to_say'));
    equality.push({
      organisationId: orgId,
      personId: ids[i]!,
      sex: answer('sex'),
      genderIdentity: random.chance(0.95) ? 'same_as_birth' : answer('genderIdentity'),
      ethnicity: random.chance(0.7) ? 'white_british' : answer('ethnicity'),
      disability: answer('disability'),
      religion: answer('religion', [
        'none',
        'none',
        'christian',
        'christian',
        'muslim',
        'hindu',
        'sikh',
        'buddhist',
        'jewish',
        'other',
      ]),
      sexualOrientation: random.chance(0.85) ? 'straight' : answer('sexualOrientation'),
      caring: answer('caring', ['no', 'no', 'no', 'yes']),
    });
  }
  await addEqualityAnswers(tx, equality);

  // A few people are contacted through a supporter (a carer on the register).
  const carers = ids.filter((_, i) => people[i]!.kinds?.includes('carer'));
  for (let i = 0; i < Math.min(8, carers.length); i++) {
    await tx.execute(sql`update people set supporter_id = ${carers[i]!}, supporter_relationship = 'carer', contact_via_supporter = true
      where id = ${customers[40 + i * 9]!}`);
  }
  // Buddies for the quality checkers.
  await tx.execute(
    sql`update people set buddy_id = ${ids[3]!} where id in (${sql.join(
      roles.filter((r) => r.role === 'quality_checker').map((r) => sql`${r.personId}::uuid`),
      sql`, `,
    )})`,
  );
  // The duplicate pair is flagged as it would be on entry.
  await tx.execute(sql`insert into possible_duplicates (organisation_id, person_id, other_id, reason)
    values (${orgId}, ${ids.at(-1)!}, ${ids[STAFF]!}, ${people[STAFF]!.email ? 'same_email' : 'same_phone'})`);
  return { people: ids.length };
}
