import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let admin: TestClient;

before(async () => {
  testDb = await createTestDatabase();
  const org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  admin = new TestClient(app, signedInAs(org, ['admin']));
  // Another request makes an account with this email between the form's check
  // and its write: the database refuses the write as it would in that race
  // (PGlite runs one transaction at a time, so the race itself cannot happen here).
  await testDb.database.exec(`
    create function race_for_email() returns trigger language plpgsql as $$
    begin
      if new.email = 'race@example.org' then
        raise exception 'duplicate key value violates unique constraint "users_email_idx"'
          using errcode = 'unique_violation', constraint = 'users_email_idx';
      end if;
      return new;
    end $$;
    create trigger race_for_email before insert on users
      for each row execute function race_for_email();
  `);
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('an email taken at the last moment', () => {
  it('shows the email field message and keeps the answers, not a 500', async () => {
    const form = '/admin/users/invite';
    const res = await admin.post(
      form,
      { name: 'Rae Racer', email: 'race@example.org', roles: 'staff' },
      { from: form },
    );
    assert.equal(res.statusCode, 400, res.body.slice(0, 500));
    assert.match(res.body, /href="#email"/);
    assert.match(res.body, /value="Rae Racer"/);
  });
});
