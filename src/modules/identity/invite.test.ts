import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import { rowsOf } from '../../platform/db/index.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('inviting users', () => {
  it('sends staff an invitation, and adds a customer with no email for staff to help', async () => {
    const admin = new TestClient(app, signedInAs(org, ['admin']));
    const form = '/admin/users/invite';
    const noEmailStaff = await admin.post(
      form,
      { name: 'Sol Staff', email: '', roles: 'staff' },
      { from: form },
    );
    assert.equal(noEmailStaff.statusCode, 400);
    assert.match(noEmailStaff.body, /href="#email">Enter your email address/);
    assert.match(noEmailStaff.body, /value="Sol Staff"/);

    const staff = await admin.post(
      form,
      { name: 'Sol Staff', email: 'sol@example.org', roles: ['staff'], equality: 'yes' },
      { from: form },
    );
    assert.equal(staff.statusCode, 303);
    const customer = await admin.post(
      form,
      { name: 'Nia Noemail', email: '', roles: 'customer' },
      { from: form },
    );
    assert.equal(customer.statusCode, 303);

    const users = rowsOf<{
      name: string;
      email: string | null;
      status: string;
      permissions: string[];
    }>(
      await testDb.database.withOrganisation(org.id, (tx) =>
        tx.execute(sql`select name, email, status, permissions from users order by name`),
      ),
    );
    assert.deepEqual(
      users.map((u) => [u.name, u.email, u.status]),
      [
        ['Nia Noemail', null, 'active'],
        ['Sol Staff', 'sol@example.org', 'invited'],
      ],
    );
    assert.deepEqual(users[1]!.permissions, ['equality:read']);
    const mail = rowsOf<{ n: number }>(
      await testDb.database.withOrganisation(org.id, (tx) =>
        tx.execute(
          sql`select count(*)::int as n from outbox where to_address = 'sol@example.org' and template = 'invitation'`,
        ),
      ),
    );
    assert.equal(mail[0]!.n, 1);
    const taken = await admin.post(
      form,
      { name: 'Again', email: 'SOL@example.org', roles: 'staff' },
      { from: form },
    );
    assert.match(taken.body, /There is already a user with this email address/);
  });
});
