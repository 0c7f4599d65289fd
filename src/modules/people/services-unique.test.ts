import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  // Another request takes the code between the form's check and its write: the
  // database refuses the write as it would in that race (PGlite runs one
  // transaction at a time, so the race itself cannot happen here).
  await testDb.database.exec(`
    create function race_for_service_code() returns trigger language plpgsql as $$
    begin
      if new.code = 'RACE' then
        raise exception 'duplicate key value violates unique constraint "services_code_idx"'
          using errcode = 'unique_violation', constraint = 'services_code_idx';
      end if;
      return new;
    end $$;
    create trigger race_for_service_code before insert or update on services
      for each row execute function race_for_service_code();
    create function race_for_reference() returns trigger language plpgsql as $$
    begin
      if new.reference = 'RACE-1' then
        raise exception 'duplicate key value violates unique constraint "people_reference_idx"'
          using errcode = 'unique_violation', constraint = 'people_reference_idx';
      end if;
      return new;
    end $$;
    create trigger race_for_reference before insert on people
      for each row execute function race_for_reference();
  `);
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('a service code taken at the last moment', () => {
  const form = { name: 'Racer', type: 'hostel', specialism: 'young_people' };

  it('shows the code field message and keeps the answers, not a 500, when adding', async () => {
    const res = await lead.post(
      '/staff/services',
      { ...form, code: 'RACE' },
      { from: '/staff/services' },
    );
    assert.equal(res.statusCode, 400, res.body.slice(0, 500));
    assert.match(res.body, /href="#code">Another service already has this code/);
    assert.match(res.body, /value="Racer"/);
  });

  it('shows the code field message when changing', async () => {
    const added = await lead.post(
      '/staff/services',
      { ...form, code: 'CALM' },
      { from: '/staff/services' },
    );
    assert.equal(added.statusCode, 303);
    const page = await lead.get('/staff/services');
    const edit = /href="(\/staff\/services\/[0-9a-f-]+\/edit)"/.exec(page.body)?.[1];
    assert.ok(edit);
    const res = await lead.post(edit, { ...form, code: 'RACE' }, { from: edit });
    assert.equal(res.statusCode, 400, res.body.slice(0, 500));
    assert.match(res.body, /Another service already has this code/);
  });
});

describe('a person reference taken at the last moment', () => {
  it('shows the reference field message and keeps the answers, not a 500', async () => {
    const res = await lead.post(
      '/staff/people',
      {
        firstName: 'Ada',
        reference: 'RACE-1',
        kinds: 'customer',
        consentMethod: 'verbal',
        language: 'en',
      },
      { from: '/staff/people/new' },
    );
    assert.equal(res.statusCode, 400, res.body.slice(0, 500));
    assert.match(res.body, /href="#reference"/);
    assert.match(res.body, /value="Ada"/);
  });
});
