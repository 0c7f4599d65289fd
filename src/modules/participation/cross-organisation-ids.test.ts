import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { initiatives } from '../initiatives/index.ts';
import { addPeople } from '../people/index.ts';
import { rewards } from './tables.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;
let ownInitiative: string;
let theirInitiative: string;
let ownReward: string;
let theirReward: string;

/** A reward due to someone on the organisation's register. */
async function addDueReward(organisation: Organisation): Promise<string> {
  return testDb.database.withOrganisation(organisation.id, async (tx) => {
    const [personId] = await addPeople(tx, [
      {
        organisationId: organisation.id,
        reference: `R-${organisation.slug}`,
        firstName: 'Rita',
        lastName: 'Reward',
        kinds: ['customer'],
      },
    ]);
    const [row] = await tx
      .insert(rewards)
      .values({
        organisationId: organisation.id,
        personId: personId!,
        amountPence: 1000,
        earnedOn: '2026-04-20',
      })
      .returning({ id: rewards.id });
    return row!.id;
  });
}

async function addInitiative(organisation: Organisation): Promise<string> {
  return testDb.database.withOrganisation(organisation.id, async (tx) => {
    const [row] = await tx
      .insert(initiatives)
      .values({
        organisationId: organisation.id,
        title: `Redesigning repairs at ${organisation.name}`,
        kind: 'co_production',
        rung: 5,
        status: 'active',
        publishedAt: new Date(),
        canChange: 'How you report a repair.',
        fixed: 'Gas safety checks.',
        decider: 'The Director of Property.',
        feedback: 'We will write to everyone in March.',
      })
      .returning({ id: initiatives.id });
    return row!.id;
  });
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  const other = await makeOrganisation(testDb.database, { slug: 'other', name: 'Other Homes' });
  ownInitiative = await addInitiative(org);
  theirInitiative = await addInitiative(other);
  ownReward = await addDueReward(org);
  theirReward = await addDueReward(other);
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
});
after(async () => {
  await app.close();
  await testDb.close();
});

const count = async (table: 'opportunities' | 'activities') =>
  rowsOf<{ n: number }>(
    await testDb.database.system.execute(
      sql`select count(*)::int as n from ${sql.identifier(table)}`,
    ),
  )[0]!.n;

function assertInitiativeRefused(res: LightMyRequestResponse, message: string, kept: string) {
  assert.equal(res.statusCode, 400, res.body.replace(/<[^>]+>/g, ' ').slice(0, 400));
  assert.match(res.body, /There is a problem/);
  assert.match(res.body, /href="#initiativeId"/);
  assert.ok(res.body.includes(message), `the form says "${message}"`);
  assert.ok(res.body.includes(kept), 'the answers are kept');
}

const OPPORTUNITY = {
  title: 'Join the repairs group',
  description: 'Meet once a month.',
  whenWhere: 'Grey Street',
  mode: 'in_person',
  interests: [],
  expensesOffered: 'yes',
  'closesOn-day': '1',
  'closesOn-month': '6',
  'closesOn-year': '2099',
};

const ACTIVITY = {
  kind: 'meeting',
  title: 'Repairs group meeting',
  'date-day': '2',
  'date-month': '7',
  'date-year': '2030',
  startTime: '10:00am',
  endTime: '12:00pm',
  location: 'The Hub',
};

describe('ids a staff form names, looked up in the organisation', () => {
  for (const [what, id] of [
    ['another organisation’s', () => theirInitiative],
    ['a made-up', () => randomUUID()],
  ] as const) {
    it(`refuses ${what} initiative for a new opportunity, adding nothing`, async () => {
      const before = await count('opportunities');
      const res = await lead.post(
        '/staff/opportunities',
        { ...OPPORTUNITY, initiativeId: id() },
        { from: '/staff/opportunities/new' },
      );
      assertInitiativeRefused(
        res,
        'Choose the initiative this opportunity is for',
        'Join the repairs group',
      );
      assert.equal(await count('opportunities'), before);
    });

    it(`refuses ${what} initiative for a new activity, adding nothing`, async () => {
      const before = await count('activities');
      const res = await lead.post(
        '/staff/activities',
        { ...ACTIVITY, initiativeId: id() },
        { from: '/staff/activities/new' },
      );
      assertInitiativeRefused(
        res,
        'Choose the initiative this activity is part of',
        'Repairs group meeting',
      );
      assert.equal(await count('activities'), before);
    });
  }

  it('refuses another organisation’s initiative when an opportunity is changed', async () => {
    const made = await lead.post(
      '/staff/opportunities',
      { ...OPPORTUNITY, initiativeId: ownInitiative },
      { from: '/staff/opportunities/new' },
    );
    assert.equal(made.statusCode, 303);
    const url = String(made.headers.location).replace(/\?.*$/, '');
    const res = await lead.post(
      url,
      { ...OPPORTUNITY, initiativeId: theirInitiative },
      { from: `${url}/edit` },
    );
    assertInitiativeRefused(
      res,
      'Choose the initiative this opportunity is for',
      'Join the repairs group',
    );
    const [row] = rowsOf<{ initiative_id: string }>(
      await testDb.database.system.execute(
        sql`select initiative_id from opportunities where id = ${url.split('/').pop()}`,
      ),
    );
    assert.equal(row!.initiative_id, ownInitiative);
  });

  const status = async (id: string) =>
    rowsOf<{ status: string }>(
      await testDb.database.system.execute(sql`select status from rewards where id = ${id}`),
    )[0]!.status;

  for (const [what, id] of [
    ['another organisation’s', () => theirReward],
    ['a made-up', () => randomUUID()],
  ] as const) {
    it(`refuses to mark ${what} reward as paid, paying nothing`, async () => {
      const res = await lead.post(
        '/staff/rewards/paid',
        {
          rewards: [ownReward, id()],
          'paidOn-day': '1',
          'paidOn-month': '5',
          'paidOn-year': '2026',
        },
        { from: '/staff/rewards' },
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /Select only rewards from the list of rewards due/);
      assert.equal(await status(ownReward), 'due');
      assert.equal(await status(theirReward), 'due');
    });
  }

  it('marks its own organisation’s reward as paid', async () => {
    const res = await lead.post(
      '/staff/rewards/paid',
      { rewards: [ownReward], 'paidOn-day': '1', 'paidOn-month': '5', 'paidOn-year': '2026' },
      { from: '/staff/rewards' },
    );
    assert.equal(res.statusCode, 303);
    assert.equal(await status(ownReward), 'paid');
  });

  it('takes its own organisation’s initiative', async () => {
    const activity = await lead.post(
      '/staff/activities',
      { ...ACTIVITY, initiativeId: ownInitiative },
      { from: '/staff/activities/new' },
    );
    assert.equal(activity.statusCode, 303);
  });
});
