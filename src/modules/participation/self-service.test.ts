import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { createUser } from '../identity/index.ts';
import { addPeople } from '../people/index.ts';
import { rewards } from './tables.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let userId: string;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo' });
  app = await createTestApp(testDb.database);
  userId = await testDb.database.withOrganisation(org.id, async (tx) => {
    const actor = { userId: null, label: 'test', ip: null };
    const [personId] = await addPeople(tx, [
      {
        organisationId: org.id,
        reference: 'SELF1',
        firstName: 'Winifred',
        lastName: 'Stonebridge',
        email: 'winifred@example.org',
        kinds: ['customer'],
      },
    ]);
    await tx.insert(rewards).values({
      organisationId: org.id,
      personId: personId!,
      amountPence: 2750,
      earnedOn: '2026-10-01',
      status: 'paid',
      paidOn: '2026-10-08',
    });
    const user = await createUser(tx, actor, {
      email: 'winifred@example.org',
      name: 'Winifred Stonebridge',
      roles: ['customer'],
      permissions: [],
      passwordHash: null,
    });
    return user.id;
  });
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe("a customer's own statement", () => {
  it('shows the rewards of the person with their email address, and nobody else’s', async () => {
    const headers = signedInAs(org, ['customer']);
    const user = JSON.parse(headers['x-test-user']!);
    user.id = userId;
    const res = await app.inject({
      url: '/my/statement?year=2026',
      headers: { 'x-test-user': JSON.stringify(user) },
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Winifred Stonebridge/);
    assert.match(res.body, /£27\.50/);
    assert.doesNotMatch(res.body, /\/staff\/rewards/);
    const stranger = await app.inject({ url: '/my/statement', headers });
    assert.equal(stranger.statusCode, 404);

    // A household sharing one address: nobody's statement is shown.
    await testDb.database.withOrganisation(org.id, (tx) =>
      addPeople(tx, [
        {
          organisationId: org.id,
          reference: 'SELF2',
          firstName: 'Herbert',
          lastName: 'Stonebridge',
          email: 'winifred@example.org',
          kinds: ['customer'],
        },
      ]),
    );
    const shared = await app.inject({
      url: '/my/statement?year=2026',
      headers: { 'x-test-user': JSON.stringify(user) },
    });
    assert.equal(shared.statusCode, 404);
  });
});
