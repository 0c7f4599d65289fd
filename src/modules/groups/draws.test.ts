import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople, addServices, linkPeopleToServices, type NewPerson } from '../people/index.ts';
import { drawPanel, quotaField, type PoolEntry } from './draws.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>, orgId = org.id) =>
  testDb.database.withOrganisation(orgId, async (tx) => rowsOf<T>(await tx.execute(text)));

const services: Record<string, string> = {};
let counter = 0;

async function person(service: string, fields: Partial<NewPerson> = {}) {
  counter += 1;
  const reference = `DRW${String(counter).padStart(4, '0')}`;
  const [id] = await testDb.database.withOrganisation(org.id, async (tx) => {
    const ids = await addPeople(tx, [
      {
        organisationId: org.id,
        reference,
        firstName: `Person${counter}`,
        lastName: `Drawn${counter}`,
        kinds: ['customer'],
        consents: ['register', counter % 2 ? 'contact_email' : 'contact_letter'],
        ...fields,
      },
    ]);
    await linkPeopleToServices(tx, [
      {
        organisationId: org.id,
        personId: ids[0]!,
        serviceId: services[service]!,
        startedOn: '2024-01-01',
      },
    ]);
    return ids;
  });
  return { id: id!, reference };
}

const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location);

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  other = await makeOrganisation(testDb.database, { slug: 'other', name: 'Other Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  const made = await testDb.database.withOrganisation(org.id, (tx) =>
    addServices(tx, [
      {
        organisationId: org.id,
        code: 'H1',
        name: 'Hostel one',
        type: 'hostel',
        specialism: 'homelessness',
        area: 'North',
      },
      {
        organisationId: org.id,
        code: 'S1',
        name: 'Supported one',
        type: 'supported_housing',
        specialism: 'mental_health',
        area: 'South',
      },
      {
        organisationId: org.id,
        code: 'C1',
        name: 'Care home',
        type: 'care_home',
        specialism: 'learning_disabilities',
        area: 'East',
      },
    ]),
  );
  for (const s of made as Array<{ id: string; code: string }>) services[s.code] = s.id;
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('stratified random draw: the pure draw', () => {
  const pool: PoolEntry[] = [
    ...Array.from({ length: 20 }, (_, i) => ({
      id: `a${String(i).padStart(2, '0')}`,
      codes: ['hostel'],
    })),
    ...Array.from({ length: 6 }, (_, i) => ({ id: `b${i}`, codes: ['supported_housing'] })),
    { id: 'c0', codes: ['care_home'] },
  ];

  it('meets its quotas, and the same seed gives the same panel', () => {
    const quotas = { hostel: 3, supported_housing: 2 };
    const one = drawPanel({ pool, quotas, size: 6, seed: 'seed-one' });
    assert.equal(one.drawn.length, 6);
    assert.equal(one.drawn.filter((d) => d.quota === 'hostel').length, 3);
    assert.equal(one.drawn.filter((d) => d.quota === 'supported_housing').length, 2);
    assert.deepEqual(one.shortfalls, []);
    assert.equal(new Set(one.drawn.map((d) => d.id)).size, 6, 'nobody twice');
    // The pool's order as given does not matter: it is read in id order.
    const again = drawPanel({ pool: [...pool].reverse(), quotas, size: 6, seed: 'seed-one' });
    assert.deepEqual(again.drawn, one.drawn);
    const other = drawPanel({ pool, quotas, size: 6, seed: 'seed-two' });
    assert.notDeepEqual(
      other.drawn.map((d) => d.id),
      one.drawn.map((d) => d.id),
    );
  });

  it('says which quota cannot be met and by how many', () => {
    const result = drawPanel({ pool, quotas: { care_home: 3, hostel: 1 }, size: 5, seed: 'x' });
    assert.deepEqual(result.shortfalls, [{ code: 'care_home', wanted: 3, drawn: 1, short: 2 }]);
    assert.equal(result.drawn.length, 5, 'the places left are drawn from everyone');
  });
});

describe('stratified random draw: through the staff pages', () => {
  it('draws from those who said yes, meets the quotas, shows the seed and makes the draw again', async () => {
    const hostel: Array<{ id: string; reference: string }> = [];
    for (let i = 0; i < 8; i++) hostel.push(await person('H1'));
    const supported: Array<{ id: string; reference: string }> = [];
    for (let i = 0; i < 4; i++) supported.push(await person('S1'));
    const care = await person('C1');
    const noConsent = await person('H1', { consents: ['register'] });
    const doNotContact = await person('H1', { doNotContact: true });

    const made = await lead.post(
      '/staff/groups',
      {
        title: 'Citizens Panel',
        summary: 'A panel like the people we serve.',
        kind: 'panel',
        rung: '5',
        roleCode: 'panel_member',
        papersDaysBefore: '7',
        agendaDaysBefore: '14',
        termReminderDays: '60',
        tieRule: 'lot',
      },
      { from: '/staff/groups/new' },
    );
    const groupId = /\/staff\/groups\/([0-9a-f-]{36})/.exec(location(made))![1]!;
    await lead.post(
      `/staff/groups/${groupId}/seats`,
      { label: 'Panel member', holder: 'customer', places: '10', fillBy: 'selection' },
      { from: `/staff/groups/${groupId}/seats/new` },
    );
    const [seat] = await q<{ id: string }>(
      sql`select id from group_seats where group_id = ${groupId}`,
    );

    const step = await lead.get(`/staff/groups/${groupId}/draws/new?dimension=service_type`);
    assert.equal(step.statusCode, 200);
    assert.match(step.body, /in the pool|Fewer than 5 in the pool/);

    const draw = async (fields: Record<string, string>) => {
      const res = await lead.post(
        `/staff/groups/${groupId}/draws`,
        {
          seatId: seat!.id,
          dimension: 'service_type',
          size: '5',
          [quotaField('hostel')]: '2',
          [quotaField('supported_housing')]: '2',
          [quotaField('care_home')]: '1',
          ...fields,
        },
        { from: `/staff/groups/${groupId}/draws/new?dimension=service_type` },
      );
      assert.equal(res.statusCode, 303, res.body);
      const drawId = /draws\/([0-9a-f-]{36})/.exec(location(res))![1]!;
      const [row] = await q<{
        seed: string;
        pool: PoolEntry[];
        drawn: Array<{ id: string; quota: string | null }>;
      }>(sql`select seed, pool, drawn from group_draws where id = ${drawId}`);
      return { drawId, ...row! };
    };

    const first = await draw({});
    const poolIds = first.pool.map((p) => p.id);
    assert.ok(!poolIds.includes(noConsent.id), 'only those who said yes');
    assert.ok(!poolIds.includes(doNotContact.id), 'not those who asked not to be contacted');
    assert.equal(poolIds.length, 13);
    assert.deepEqual(poolIds, [...poolIds].sort(), 'the pool is recorded in id order');
    assert.equal(first.drawn.length, 5);
    const quotaOf = (code: string) => first.drawn.filter((d) => d.quota === code).length;
    assert.deepEqual(
      [quotaOf('hostel'), quotaOf('supported_housing'), quotaOf('care_home')],
      [2, 2, 1],
    );
    assert.ok(first.drawn.some((d) => d.id === care.id));
    assert.ok(
      first.drawn
        .filter((d) => d.quota === 'hostel')
        .every((d) => hostel.some((h) => h.id === d.id)),
    );

    const page = await lead.get(`/staff/groups/${groupId}/draws/${first.drawId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(first.seed));
    assert.match(page.body, /Made again from its seed: the same people/);

    // The same recorded seed gives the same panel; a different seed another.
    const same = await draw({ seed: first.seed });
    assert.deepEqual(same.drawn, first.drawn);
    const different = await draw({ seed: 'another-seed' });
    assert.notDeepEqual(different.drawn, first.drawn);

    // A quota that cannot be met is named, with how many it is short.
    const short = await draw({
      size: '6',
      [quotaField('care_home')]: '3',
      [quotaField('hostel')]: '',
      [quotaField('supported_housing')]: '',
    });
    const shortPage = await lead.get(`/staff/groups/${groupId}/draws/${short.drawId}`);
    assert.match(shortPage.body, /The quota for Care home was not met: 3 wanted, 1 drawn, 2 short/);

    // Staff appoint someone drawn: they take the seat, filled by selection.
    const pick = first.drawn[0]!.id;
    const appoint = await lead.post(
      `/staff/groups/${groupId}/draws/${first.drawId}/appoint`,
      { personId: pick },
      { from: `/staff/groups/${groupId}/draws/${first.drawId}` },
    );
    assert.equal(appoint.statusCode, 303, appoint.body);
    const members = await q<{ person_id: string; filled_by: string }>(
      sql`select person_id, filled_by from group_members where group_id = ${groupId}`,
    );
    assert.deepEqual(members, [{ person_id: pick, filled_by: 'selection' }]);
    // Someone not drawn cannot be appointed this way.
    const notDrawn = await lead.post(
      `/staff/groups/${groupId}/draws/${first.drawId}/appoint`,
      { personId: noConsent.id },
      { from: `/staff/groups/${groupId}/draws/${first.drawId}` },
    );
    assert.equal(notDrawn.statusCode, 404);
    // A new draw leaves out who is on the body now.
    const later = await draw({ seed: first.seed });
    assert.ok(!later.pool.some((p) => p.id === pick));

    const audits = await q(
      sql`select 1 from audit_log where entity = 'group' and entity_id = ${groupId} and action = 'draw'`,
    );
    assert.equal(audits.length, 5);
    void supported;

    // Another organisation cannot see it.
    const stranger = new TestClient(app, signedInAs(other, ['involvement_lead']));
    assert.equal(
      (await stranger.get(`/staff/groups/${groupId}/draws/${first.drawId}`)).statusCode,
      403,
    );
    const customer = new TestClient(app, signedInAs(org, ['customer']));
    assert.equal((await customer.get(`/staff/groups/${groupId}/draws/new`)).statusCode, 403);
  });
});
