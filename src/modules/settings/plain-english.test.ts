import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { createInitiative, publishInitiative } from '../initiatives/index.ts';
import { createOpportunity } from '../participation/index.ts';
import { readAcronyms } from './plain-english.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo' });
  app = await createTestApp(testDb.database);
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe("the organisation's acronyms", () => {
  it('reads one acronym a line and names the lines it cannot read', () => {
    assert.deepEqual(readAcronyms('XYZ = Extra Yellow Zebra\n\nbad line'), {
      acronyms: { XYZ: 'Extra Yellow Zebra' },
      badLines: [3],
    });
  });

  it('are used by the plain-English check before publishing', async () => {
    const admin = new TestClient(app, signedInAs(org, ['admin']));
    const bad = await admin.post(
      '/admin/plain-english',
      { acronyms: 'not an acronym line' },
      { from: '/admin/plain-english' },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /not an acronym line/, 'what was typed is kept');
    const saved = await admin.post(
      '/admin/plain-english',
      { acronyms: 'QZV = Quarterly Zone Visits' },
      { from: '/admin/plain-english' },
    );
    assert.equal(saved.statusCode, 303);

    const actor = { userId: null, label: 'test', ip: null };
    const id = await testDb.database.withOrganisation(org.id, async (tx) => {
      const initiative = await createInitiative(tx, actor, {
        kind: 'co_production',
        title: 'Visits',
        rung: 5,
        canChange: 'What we look at.',
        fixed: 'The law.',
        decider: 'The panel.',
        feedback: 'A letter in March.',
      });
      await publishInitiative(tx, actor, initiative.id);
      const opportunity = await createOpportunity(tx, actor, {
        initiativeId: initiative.id,
        title: 'Join the QZV team',
        description: 'Come with us on QZV rounds.',
      });
      return opportunity;
    });
    const page = await admin.get(`/staff/opportunities/${id}/publish`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Quarterly Zone Visits/);
    assert.equal(
      (await new TestClient(app, signedInAs(org, ['staff'])).get('/admin/plain-english'))
        .statusCode,
      403,
    );
  });
});
