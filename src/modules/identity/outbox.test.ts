import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { queueMail } from '../../platform/mail/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  await testDb.database.withOrganisation(org.id, (tx) =>
    queueMail(tx, {
      to: 'rosa@example.org',
      template: 'sign-in-link',
      language: 'en',
      vars: { organisation: 'Demo Homes' },
      link: 'http://demo.test/sign-in/x',
    }),
  );
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('the outbox', () => {
  it('shows when each message was made as people read dates (issue 10 §11)', async () => {
    const admin = new TestClient(app, signedInAs(org, ['admin']));
    const list = await admin.get('/admin/outbox');
    assert.equal(list.statusCode, 200);
    const readable = /\d{1,2} [A-Z][a-z]+ \d{4}, \d{1,2}:\d{2}(am|pm)/;
    const machine = /GMT|\d{4}-\d{2}-\d{2}T\d/;
    assert.match(list.body, readable);
    assert.doesNotMatch(list.body, machine);
    const id = /href="\/admin\/outbox\/([0-9a-f-]{36})"/.exec(list.body)?.[1];
    assert.ok(id, 'the message is linked');
    const message = await admin.get(`/admin/outbox/${id}`);
    assert.equal(message.statusCode, 200);
    assert.match(message.body, readable);
    assert.doesNotMatch(message.body, machine);
    // Without a name the greeting is "Hello," alone; with one it is the person's.
    assert.match(message.body, /Hello,/);
  });
});
