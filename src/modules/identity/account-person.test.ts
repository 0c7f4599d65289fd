import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf, type Tx } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople } from '../people/index.ts';
import { SESSION_COOKIE } from './routes.ts';
import { createSession, createUser } from './service.ts';

// An account knows its person (users.person_id): made from the register,
// matched once by email for the accounts there were, moved when two people
// are merged and erased with the person.

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let admin: TestClient;
let lead: TestClient;
const actor = { userId: null, label: 'test', ip: null };

const withOrg = <T>(work: (tx: Tx) => Promise<T>, organisation = org) =>
  testDb.database.withOrganisation(organisation.id, work);
const q = <T = Record<string, unknown>>(query: ReturnType<typeof sql>) =>
  testDb.database.system.execute(query).then((r) => rowsOf<T>(r));

let counter = 0;
async function person(email: string | null, organisation = org): Promise<string> {
  counter += 1;
  const [id] = await withOrg(
    (tx) =>
      addPeople(tx, [
        {
          organisationId: organisation.id,
          reference: `AP${counter}`,
          firstName: `Person${counter}`,
          lastName: 'Tester',
          email,
          kinds: ['customer'],
        },
      ]),
    organisation,
  );
  return id!;
}

async function accountOf(personId: string) {
  return q<{ id: string; email: string | null; roles: string[] }>(
    sql`select id, email, roles from users where person_id = ${personId}`,
  );
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo' });
  other = await makeOrganisation(testDb.database);
  app = await createTestApp(testDb.database);
  admin = new TestClient(app, signedInAs(org, ['admin']));
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('making an account from the register', () => {
  it('sends a signed-out visitor to sign in, and refuses staff who may not manage users', async () => {
    const id = await person('ada@example.org');
    assert.equal((await app.inject({ url: `/admin/users/invite?person=${id}` })).statusCode, 303);
    const staff = new TestClient(app, signedInAs(org, ['staff']));
    assert.equal((await staff.get(`/admin/users/invite?person=${id}`)).statusCode, 403);
  });

  it('will not make an account for another organisation’s person', async () => {
    const theirs = await person('theirs@example.org', other);
    assert.equal((await admin.get(`/admin/users/invite?person=${theirs}`)).statusCode, 404);
    const res = await admin.post(
      '/admin/users/invite',
      { name: 'Theirs', email: 'theirs@example.org', roles: 'customer', personId: theirs },
      { from: '/admin/users/invite' },
    );
    assert.equal(res.statusCode, 404);
    assert.equal((await accountOf(theirs)).length, 0);
  });

  it('links the account to the person, and makes only one account a person', async () => {
    const id = await person('bea@example.org');
    const page = await admin.get(`/staff/people/${id}`);
    assert.match(page.body, new RegExp(`href="/admin/users/invite\\?person=${id}"`));
    const leadPage = await lead.get(`/staff/people/${id}`);
    assert.equal(leadPage.statusCode, 200);
    assert.doesNotMatch(leadPage.body, /\/admin\/users\/invite/, 'only those who manage users');
    const form = await admin.get(`/admin/users/invite?person=${id}`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /value="bea@example.org"/);
    assert.match(form.body, new RegExp(`name="personId" value="${id}"`));
    const res = await admin.post('/admin/users/invite', {
      name: 'Person Tester',
      email: 'bea@example.org',
      roles: 'customer',
      personId: id,
    });
    assert.equal(res.statusCode, 303);
    assert.equal((await accountOf(id)).length, 1);

    await admin.get(`/admin/users/invite?person=${id}`);
    const again = await admin.post('/admin/users/invite', {
      name: 'Person Tester',
      email: '',
      roles: 'customer',
      personId: id,
    });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /This person already has a sign-in account/);
    assert.equal((await accountOf(id)).length, 1);
  });

  it('gives a customer account the one person with its email, and nobody when two share it', async () => {
    const only = await person('cy@example.org');
    await person('household@example.org');
    await person('household@example.org');
    const [single, shared, staff] = await withOrg(async (tx) => [
      await createUser(tx, actor, {
        email: 'cy@example.org',
        name: 'Cy',
        roles: ['customer'],
        permissions: [],
      }),
      await createUser(tx, actor, {
        email: 'household@example.org',
        name: 'Household',
        roles: ['customer'],
        permissions: [],
      }),
      await createUser(tx, actor, {
        email: 'someone-staff@example.org',
        name: 'Staff',
        roles: ['staff'],
        permissions: [],
      }),
    ]);
    assert.equal(single!.personId, only);
    assert.equal(shared!.personId, null);
    assert.equal(staff!.personId, null);
  });
});

describe('linking an existing account to its person', () => {
  it('refuses the signed out, staff who may not manage users, and another organisation’s account', async () => {
    const theirs = await withOrg(
      (tx) =>
        createUser(tx, actor, {
          email: 'their-account@example.org',
          name: 'Theirs',
          roles: ['customer'],
          permissions: [],
        }),
      other,
    );
    const url = `/admin/users/${theirs.id}/person`;
    assert.equal((await app.inject({ method: 'POST', url })).statusCode, 303);
    const staff = new TestClient(app, signedInAs(org, ['staff']));
    assert.equal((await staff.post(url, { reference: 'X' }, { from: '/account' })).statusCode, 403);
    assert.equal((await admin.get(`/admin/users/${theirs.id}`)).statusCode, 404);
    assert.equal(
      (await admin.post(url, { reference: 'X' }, { from: '/admin/users' })).statusCode,
      404,
    );
  });

  it('links by reference, refuses a person with an account, and unlinks', async () => {
    const id = await person('link-me@example.org');
    const taken = await person('taken@example.org');
    const [account] = await withOrg(async (tx) => [
      await createUser(tx, actor, {
        email: 'unlinked@example.org',
        name: 'Unlinked',
        roles: ['customer'],
        permissions: [],
      }),
      await createUser(tx, actor, {
        email: 'taken@example.org',
        name: 'Taken',
        roles: ['customer'],
        permissions: [],
        personId: taken,
      }),
    ]);
    const [{ reference }] = (await q<{ reference: string }>(
      sql`select reference from people where id = ${id}`,
    )) as [{ reference: string }];
    const [{ reference: takenReference }] = (await q<{ reference: string }>(
      sql`select reference from people where id = ${taken}`,
    )) as [{ reference: string }];
    const page = `/admin/users/${account!.id}`;
    assert.match((await admin.get(page)).body, /not linked to anyone on the register/);

    const unknown = await admin.post(`${page}/person`, { reference: 'NOBODY' }, { from: page });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /Enter the reference of someone on the register/);
    const clash = await admin.post(`${page}/person`, { reference: takenReference }, { from: page });
    assert.equal(clash.statusCode, 400);
    assert.match(clash.body, /already has a sign-in account/);

    const res = await admin.post(`${page}/person`, { reference }, { from: page });
    assert.equal(res.statusCode, 303);
    assert.deepEqual(
      (await accountOf(id)).map((a) => a.id),
      [account!.id],
    );
    assert.match((await admin.get(page)).body, new RegExp(`href="/staff/people/${id}"`));

    await admin.post(`${page}/person`, { reference: '' }, { from: page });
    assert.equal((await accountOf(id)).length, 0);
  });
});

describe('the one-off match when accounts learned their person (migration 0016)', () => {
  it('links an account whose email exactly one living person has, and leaves the rest', async () => {
    const sql0016 = readFileSync(
      path.resolve(import.meta.dirname, '../../../migrations/0016_account_person.sql'),
      'utf8',
    );
    const match = sql0016.split('--> statement-breakpoint').at(-1)!;
    assert.match(match, /UPDATE "users"/);

    const one = await person('match-one@example.org');
    await person('match-two@example.org');
    await person('match-two@example.org');
    const erased = await person('match-erased@example.org');
    const staffPerson = await person('match-staff@example.org');
    const theirs = await person('match-one@example.org', other);
    await q(sql`update people set erased_at = now() where id = ${erased}`);
    const make = (organisation: Organisation, email: string, roles: string[]) =>
      withOrg(
        (tx) =>
          createUser(tx, actor, {
            email,
            name: email,
            roles: roles as never,
            permissions: [],
            personId: null,
          }),
        organisation,
      );
    const accounts = {
      one: await make(org, 'match-one@example.org', ['customer']),
      two: await make(org, 'match-two@example.org', ['customer']),
      erased: await make(org, 'match-erased@example.org', ['customer']),
      staff: await make(org, 'match-staff@example.org', ['staff']),
      theirs: await make(other, 'match-one@example.org', ['customer']),
    };

    await testDb.database.system.execute(sql.raw(match));

    const linked = Object.fromEntries(
      (
        await q<{ id: string; person_id: string | null }>(
          sql`select id, person_id from users where id in (${sql.join(
            Object.values(accounts).map((a) => sql`${a.id}::uuid`),
            sql`, `,
          )})`,
        )
      ).map((r) => [r.id, r.person_id]),
    );
    assert.equal(linked[accounts.one.id], one);
    assert.equal(linked[accounts.theirs.id], theirs, 'each organisation matches its own people');
    assert.equal(linked[accounts.two.id], null, 'an email two people share links nobody');
    assert.equal(linked[accounts.erased.id], null, 'an erased person is not matched');
    assert.equal(linked[accounts.staff.id], null, 'staff are linked on purpose, not by email');
    assert.ok(staffPerson);
  });
});

describe('merging and erasing people with accounts', () => {
  it('moves the merged person’s account to the kept person', async () => {
    const keep = await person('keep@example.org');
    const gone = await person('gone@example.org');
    const account = await withOrg((tx) =>
      createUser(tx, actor, {
        email: 'gone@example.org',
        name: 'Gone',
        roles: ['customer'],
        permissions: [],
        personId: gone,
      }),
    );
    const res = await lead.post(
      `/staff/people/${keep}/merge`,
      { otherId: gone },
      { from: `/staff/people/${keep}/merge?with=${gone}` },
    );
    assert.equal(res.statusCode, 303);
    const moved = await accountOf(keep);
    assert.deepEqual(
      moved.map((a) => a.id),
      [account.id],
    );
  });

  it('leaves the merged person’s account unlinked when the kept person has one', async () => {
    const keep = await person('keep2@example.org');
    const gone = await person('gone2@example.org');
    const [kept, loose] = await withOrg(async (tx) => [
      await createUser(tx, actor, {
        email: 'keep2@example.org',
        name: 'Keep',
        roles: ['customer'],
        permissions: [],
        personId: keep,
      }),
      await createUser(tx, actor, {
        email: 'gone2@example.org',
        name: 'Gone',
        roles: ['customer'],
        permissions: [],
        personId: gone,
      }),
    ]);
    await lead.post(
      `/staff/people/${keep}/merge`,
      { otherId: gone },
      { from: `/staff/people/${keep}/merge?with=${gone}` },
    );
    assert.deepEqual(
      (await accountOf(keep)).map((a) => a.id),
      [kept!.id],
    );
    const [row] = await q<{ person_id: string | null }>(
      sql`select person_id from users where id = ${loose!.id}`,
    );
    assert.equal(row!.person_id, null);
  });

  it('erases the person’s customer account by person, and unlinks a staff one', async () => {
    const customerPerson = await person('erase-me@example.org');
    const staffPerson = await person('erase-staff@example.org');
    const [customer, unlinked, staff] = await withOrg(async (tx) => [
      // Their account has another email than the register: found by person.
      await createUser(tx, actor, {
        email: 'old-address@example.org',
        name: 'Customer',
        roles: ['customer'],
        permissions: [],
        personId: customerPerson,
      }),
      // An account nobody linked is still found by the register's email.
      await createUser(tx, actor, {
        email: 'erase-staff@example.org',
        name: 'Unlinked customer',
        roles: ['customer'],
        permissions: [],
        personId: null,
      }),
      await createUser(tx, actor, {
        email: 'staff-work@example.org',
        name: 'Staff',
        roles: ['staff'],
        permissions: [],
        personId: staffPerson,
      }),
    ]);
    const erase = async (id: string) => {
      const [row] = await q<{ reference: string }>(
        sql`select reference from people where id = ${id}`,
      );
      return lead.post(
        `/staff/people/${id}/erase`,
        { confirm: row!.reference },
        { from: `/staff/people/${id}/erase` },
      );
    };
    assert.equal((await erase(customerPerson)).statusCode, 303);
    assert.equal((await erase(staffPerson)).statusCode, 303);
    const left = await q<{ id: string; person_id: string | null }>(
      sql`select id, person_id from users where id in (${customer!.id}::uuid, ${unlinked!.id}::uuid, ${staff!.id}::uuid)`,
    );
    assert.deepEqual(
      left.map((r) => [r.id, r.person_id]),
      [[staff!.id, null]],
      'the customer accounts are gone; the staff account stays, linked to nobody',
    );
  });
});

describe('the signed-in account carries its person', () => {
  it('gives a real session’s user the account’s person, for the customer’s own pages', async () => {
    const sessions = await createTestApp(testDb.database, undefined, { headerSignIn: false });
    try {
      const id = await person('session@example.org');
      const token = await withOrg(async (tx) => {
        const user = await createUser(tx, actor, {
          email: 'another-address@example.org',
          name: 'Session Customer',
          roles: ['customer'],
          permissions: [],
          personId: id,
        });
        return createSession(tx, user.id);
      });
      const res = await sessions.inject({
        url: '/my/statement',
        cookies: { [SESSION_COOKIE]: token },
      });
      assert.equal(res.statusCode, 200, 'found by person, though the emails differ');
      assert.match(res.body, /Tester/);
    } finally {
      await sessions.close();
    }
  });
});
