import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import { APP_ROLE, rowsOf } from '../../platform/db/index.ts';
import { Worker } from '../../platform/jobs/index.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { authThrottle } from './tables.ts';
import { addressKey, createUser, recordFailure } from './service.ts';
import { hashPassword } from './passwords.ts';

const PASSWORD = 'correct horse battery staple';
let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let worker: Worker;

async function signInLinksSent(): Promise<number> {
  const rows = rowsOf<{ n: number }>(
    await testDb.database.withOrganisation(org.id, (tx) =>
      tx.execute(sql`select count(*)::int as n from outbox where template = 'sign-in-link'`),
    ),
  );
  return rows[0]!.n;
}

async function outboxLink(to: string): Promise<string> {
  await worker.runDue();
  const rows = rowsOf<{ text_body: string }>(
    await testDb.database.withOrganisation(org.id, (tx) =>
      tx.execute(
        sql`select text_body from outbox where to_address = ${to} order by created_at desc limit 1`,
      ),
    ),
  );
  const link = /https?:\/\/\S+/.exec(rows[0]?.text_body ?? '')?.[0];
  assert.ok(link, `a link was sent to ${to}`);
  return new URL(link).pathname;
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  const passwordHash = await hashPassword(PASSWORD);
  const actor = { userId: null, label: 'test', ip: null };
  await testDb.database.withOrganisation(org.id, async (tx) => {
    await createUser(tx, actor, {
      email: 'staff@example.org',
      name: 'Sam Staff',
      roles: ['staff'],
      permissions: [],
      passwordHash,
    });
    await createUser(tx, actor, {
      email: 'admin@example.org',
      name: 'Ada Admin',
      roles: ['admin'],
      permissions: [],
      passwordHash,
    });
    await createUser(tx, actor, {
      email: 'customer@example.org',
      name: 'Cal Customer',
      roles: ['customer'],
      permissions: [],
    });
  });
  app = await createTestApp(testDb.database, undefined, { headerSignIn: false });
  worker = new Worker(testDb.database);
});

beforeEach(async () => {
  await testDb.database.withOrganisation(org.id, (tx) => tx.delete(authThrottle));
});

after(async () => {
  await app.close();
  await testDb.close();
});

describe('addressKey', () => {
  it('counts an IPv6 /64 as one address, and keeps no address in the key', () => {
    const home = addressKey('2001:db8:aa:1::1');
    assert.equal(addressKey('2001:0db8:00aa:0001:ffff:1:2:3'), home);
    assert.notEqual(addressKey('2001:db8:aa:2::1'), home);
    assert.ok(!home.includes('2001'), home);
  });

  it('counts an IPv4 address on its own, however it reaches the server', () => {
    assert.equal(addressKey('::ffff:192.0.2.7'), addressKey('192.0.2.7'));
    assert.notEqual(addressKey('192.0.2.8'), addressKey('192.0.2.7'));
  });
});

describe('the table of attempts', () => {
  it('keeps no count older than a day, unless it still locks', async () => {
    await testDb.database.withOrganisation(org.id, async (tx) => {
      await tx.insert(authThrottle).values([
        {
          organisationId: org.id,
          key: 'old',
          failures: 2,
          lastFailureAt: sql`now() - interval '2 days'`,
        },
        {
          organisationId: org.id,
          key: 'old-but-locked',
          failures: 0,
          lastFailureAt: sql`now() - interval '2 days'`,
          lockedUntil: sql`now() + interval '1 hour'`,
        },
      ]);
      await recordFailure(tx, 'new', 5);
      const keys = rowsOf<{ key: string }>(
        await tx.execute(
          sql`select key from auth_throttle where key in ('old', 'old-but-locked', 'new') order by key`,
        ),
      ).map((r) => r.key);
      assert.deepEqual(keys, ['new', 'old-but-locked']);
      await tx.execute(sql`delete from auth_throttle where key in ('new', 'old-but-locked')`);
    });
  });
});

describe('staff sign-in', () => {
  it('signs a member of staff in, rotating the session, and out again', async () => {
    const client = new TestClient(app);
    const res = await client.post(
      '/sign-in',
      { email: 'Staff@Example.org ', password: PASSWORD },
      { from: '/sign-in' },
    );
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/staff');
    const sid = client.cookies.get('sid');
    assert.ok(sid);
    const cookie = res.cookies.find((c) => c.name === 'sid') as {
      httpOnly?: boolean;
      sameSite?: string;
    };
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal((await client.get('/staff')).statusCode, 200);
    assert.match(client.last!.body, /Sign out/);

    const again = await client.post(
      '/sign-in',
      { email: 'staff@example.org', password: PASSWORD },
      { from: '/sign-in' },
    );
    assert.equal(again.statusCode, 303);
    assert.notEqual(client.cookies.get('sid'), sid, 'a new session id at each sign-in');

    const out = await client.post('/sign-out', {}, { from: '/staff' });
    assert.equal(out.statusCode, 303);
    assert.equal((await client.get('/staff')).statusCode, 303);
  });

  it('answers a wrong password and an unknown email alike, naming the fields', async () => {
    const client = new TestClient(app);
    const wrong = await client.post(
      '/sign-in',
      { email: 'staff@example.org', password: 'not the password' },
      { from: '/sign-in' },
    );
    const unknown = await client.post(
      '/sign-in',
      { email: 'nobody@example.org', password: 'not the password' },
      { from: '/sign-in' },
    );
    assert.equal(wrong.statusCode, 400);
    assert.equal(unknown.statusCode, 400);
    const message = (body: string) =>
      /govuk-error-summary__list">\s*<li>\s*<a href="#email">([^<]+)</.exec(body)?.[1];
    assert.equal(message(wrong.body), message(unknown.body));
    assert.match(wrong.body, /value="staff@example.org"/, 'the email entered is kept');
    const empty = await client.post('/sign-in', { email: '', password: '' }, { from: '/sign-in' });
    assert.match(empty.body, /href="#email">Enter your email address/);
    assert.match(empty.body, /href="#password">Enter a password/);
  });

  for (const email of ['staff@example.org', 'no-account@example.org']) {
    it(`answers the sixth wrong password in a row with 429 (${email})`, async () => {
      const client = new TestClient(app);
      for (let i = 1; i <= 5; i++) {
        const res = await client.post(
          '/sign-in',
          { email, password: `wrong ${i} wrong` },
          { from: '/sign-in' },
        );
        assert.equal(res.statusCode, 400, `attempt ${i}`);
      }
      const sixth = await client.post(
        '/sign-in',
        { email, password: PASSWORD },
        { from: '/sign-in' },
      );
      assert.equal(sixth.statusCode, 429);
      assert.match(sixth.body, /Wait 15 minutes/);
    });
  }

  it('refuses a form posted without its CSRF token', async () => {
    const client = new TestClient(app);
    await client.get('/sign-in');
    const res = await client.post(
      '/sign-in',
      { email: 'staff@example.org', password: PASSWORD },
      { csrf: null },
    );
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /This form has expired/);
    const forged = await client.post(
      '/sign-in',
      { email: 'staff@example.org', password: PASSWORD },
      { csrf: 'forged' },
    );
    assert.equal(forged.statusCode, 403);
  });

  it('makes an administrator set up an authenticator app, then asks for its code', async () => {
    const client = new TestClient(app);
    const res = await client.post(
      '/sign-in',
      { email: 'admin@example.org', password: PASSWORD },
      { from: '/sign-in' },
    );
    assert.equal(res.headers.location, '/sign-in/set-up-code');
    assert.equal(
      (await client.get('/staff')).statusCode,
      303,
      'no access before the second factor',
    );
    const setup = await client.get('/sign-in/set-up-code');
    const secret = /name="secret" value="([A-Z2-7]+)"/.exec(setup.body)?.[1];
    assert.ok(secret);
    const bad = await client.post('/sign-in/set-up-code', { secret, code: '000000' });
    assert.equal(bad.statusCode, 400);
    // Codes by explicit time step, so that a step ending mid-test changes nothing.
    const step = Math.floor(Date.now() / 30_000);
    const codeAt = (n: number) => generate({ secret, epoch: n * 30 });
    const done = await client.post('/sign-in/set-up-code', { secret, code: await codeAt(step) });
    assert.equal(done.statusCode, 200);
    const codes = [...done.body.matchAll(/<li><code>([a-z2-9]{4}-[a-z2-9]{4})<\/code><\/li>/g)].map(
      (m) => m[1]!,
    );
    assert.equal(codes.length, 10);
    assert.equal((await client.get('/admin/users')).statusCode, 200);

    // Next time: password, then the code.
    const next = new TestClient(app);
    const step1 = await next.post(
      '/sign-in',
      { email: 'admin@example.org', password: PASSWORD },
      { from: '/sign-in' },
    );
    assert.equal(step1.headers.location, '/sign-in/code');
    const pendingSid = next.cookies.get('sid');
    // The code used to turn the app on is used up: a code works once. The
    // next step's code is accepted (one step of clock drift is allowed).
    const used = await next.post(
      '/sign-in/code',
      { code: await codeAt(step) },
      { from: '/sign-in/code' },
    );
    assert.equal(used.statusCode, 400, 'a code already used is refused');
    const nextCode = await codeAt(step + 1);
    const step2 = await next.post('/sign-in/code', { code: nextCode }, { from: '/sign-in/code' });
    assert.equal(step2.statusCode, 303);
    assert.notEqual(next.cookies.get('sid'), pendingSid);
    assert.equal((await next.get('/admin/users')).statusCode, 200);

    // With an authenticator set up, the password alone cannot set up another.
    const sneaky = new TestClient(app);
    await sneaky.post(
      '/sign-in',
      { email: 'admin@example.org', password: PASSWORD },
      { from: '/sign-in' },
    );
    assert.equal((await sneaky.get('/sign-in/set-up-code')).statusCode, 303);
    const replaced = await sneaky.post(
      '/sign-in/set-up-code',
      { secret: 'JBSWY3DPEHPK3PXPJBSWY3DP', code: '123456' },
      { from: '/sign-in/code' },
    );
    assert.equal(replaced.statusCode, 303);
    assert.equal(replaced.headers.location, '/sign-in');
    assert.equal((await sneaky.get('/admin/users')).statusCode, 303);

    // A recovery code works once.
    const third = new TestClient(app);
    await third.post(
      '/sign-in',
      { email: 'admin@example.org', password: PASSWORD },
      { from: '/sign-in' },
    );
    assert.equal(
      (await third.post('/sign-in/code', { code: codes[0]! }, { from: '/sign-in/code' }))
        .statusCode,
      303,
    );
    const fourth = new TestClient(app);
    await fourth.post(
      '/sign-in',
      { email: 'admin@example.org', password: PASSWORD },
      { from: '/sign-in' },
    );
    assert.equal(
      (await fourth.post('/sign-in/code', { code: codes[0]! }, { from: '/sign-in/code' }))
        .statusCode,
      400,
    );
  });
});

describe('links sent by email', () => {
  it('resets a password once through the emailed link, and refuses the link again', async () => {
    const client = new TestClient(app);
    const asked = await client.post(
      '/sign-in/forgot',
      { email: 'staff@example.org' },
      { from: '/sign-in/forgot' },
    );
    assert.equal(asked.statusCode, 200);
    assert.match(asked.body, /Check your email/);
    const nobody = await client.post(
      '/sign-in/forgot',
      { email: 'nobody@example.org' },
      { from: '/sign-in/forgot' },
    );
    assert.equal(nobody.statusCode, 200, 'the same answer when there is no account');

    const link = await outboxLink('staff@example.org');
    const weak = await client.post(link, { password: 'password123' }, { from: link });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /too easy to guess/);
    const newPassword = 'a new and longer passphrase';
    const done = await client.post(link, { password: newPassword }, { from: link });
    assert.equal(done.statusCode, 200);
    const reused = await client.get(link);
    assert.equal(reused.statusCode, 410);
    assert.match(reused.body, /expired or has already been used/);
    const signIn = await client.post(
      '/sign-in',
      { email: 'staff@example.org', password: newPassword },
      { from: '/sign-in' },
    );
    assert.equal(signIn.statusCode, 303);
    // Put the old password back for the other tests.
    await testDb.database.withOrganisation(org.id, async (tx) =>
      tx.execute(
        sql`update users set password_hash = ${await hashPassword(PASSWORD)} where email = 'staff@example.org'`,
      ),
    );
  });

  it('signs a customer in by link: once, and not after it expires', async () => {
    const client = new TestClient(app);
    await client.post(
      '/sign-in/link',
      { email: 'customer@example.org' },
      { from: '/sign-in/link' },
    );
    const link = await outboxLink('customer@example.org');
    const page = await client.get(link);
    assert.equal(page.statusCode, 200, 'opening the link does not use it up');
    const used = await client.post(link, {});
    assert.equal(used.statusCode, 303);
    assert.equal(used.headers.location, '/my');
    assert.match((await client.get('/my')).body, /Cal Customer/);
    assert.equal((await client.get('/staff')).statusCode, 403, 'a customer has no staff access');
    const again = await new TestClient(app).post(link, {}, { from: '/sign-in/link' });
    assert.equal(again.statusCode, 410);

    await client.post(
      '/sign-in/link',
      { email: 'customer@example.org' },
      { from: '/sign-in/link' },
    );
    const late = await outboxLink('customer@example.org');
    await testDb.database.withOrganisation(org.id, (tx) =>
      tx.execute(
        sql`update auth_tokens set expires_at = now() - interval '1 minute' where used_at is null`,
      ),
    );
    assert.equal((await new TestClient(app).get(late)).statusCode, 410);
  });

  it('ends a session after an hour idle, and after twelve hours whatever happens', async () => {
    for (const change of [
      sql`update sessions set last_seen_at = now() - interval '61 minutes'`,
      sql`update sessions set expires_at = now() - interval '1 second'`,
    ]) {
      const client = new TestClient(app);
      await client.post(
        '/sign-in',
        { email: 'staff@example.org', password: PASSWORD },
        { from: '/sign-in' },
      );
      assert.equal((await client.get('/staff')).statusCode, 200);
      await testDb.database.withOrganisation(org.id, (tx) => tx.execute(change));
      const res = await client.get('/staff');
      assert.equal(res.statusCode, 303);
      assert.match(String(res.headers.location), /^\/sign-in/);
    }
  });

  it('signs a user out everywhere', async () => {
    const a = new TestClient(app);
    const b = new TestClient(app);
    await a.post(
      '/sign-in',
      { email: 'staff@example.org', password: PASSWORD },
      { from: '/sign-in' },
    );
    await b.post(
      '/sign-in',
      { email: 'staff@example.org', password: PASSWORD },
      { from: '/sign-in' },
    );
    assert.equal((await b.get('/staff')).statusCode, 200);
    const res = await a.post('/account/sign-out-everywhere', {}, { from: '/account' });
    assert.equal(res.statusCode, 303);
    assert.equal((await b.get('/staff')).statusCode, 303);
  });
});

describe('the audit trail', () => {
  it('records each change, and the application role cannot alter or delete it', async () => {
    const rows = rowsOf<{ action: string; entity: string }>(
      await testDb.database.withOrganisation(org.id, (tx) =>
        tx.execute(sql`select action, entity from audit_log where entity = 'user' order by id`),
      ),
    );
    assert.ok(rows.filter((r) => r.action === 'create').length >= 3);
    assert.ok(rows.some((r) => r.action === 'sign-in'));
    assert.ok(rows.some((r) => r.action === 'set-password'));

    await assert.rejects(
      testDb.database.withOrganisation(org.id, (tx) =>
        tx.execute(sql`update audit_log set action = 'forged'`),
      ),
      (error: Error) =>
        /permission denied/.test(String((error.cause as Error)?.message ?? error.message)),
    );
    await assert.rejects(
      testDb.database.withOrganisation(org.id, (tx) => tx.execute(sql`delete from audit_log`)),
      (error: Error) =>
        /permission denied/.test(String((error.cause as Error)?.message ?? error.message)),
    );
    const role = rowsOf<{ r: string }>(
      await testDb.database.withOrganisation(org.id, (tx) =>
        tx.execute(sql`select current_user as r`),
      ),
    );
    assert.equal(role[0]?.r, APP_ROLE);
  });

  it('lets erasure redact personal fields through the one named function, and records it', async () => {
    const [user] = rowsOf<{ id: string }>(
      await testDb.database.withOrganisation(org.id, (tx) =>
        tx.execute(sql`select id from users where email = 'customer@example.org'`),
      ),
    );
    const changed = rowsOf<{ n: number }>(
      await testDb.database.withOrganisation(org.id, (tx) =>
        tx.execute(
          sql`select audit_redact('user', ${user!.id}, ARRAY['email','name']::text[], 'test') as n`,
        ),
      ),
    );
    assert.ok(changed[0]!.n >= 1);
    const left = rowsOf<{ text: string }>(
      await testDb.database.withOrganisation(org.id, (tx) =>
        tx.execute(
          sql`select coalesce(before::text, '') || coalesce(after::text, '') as text from audit_log where entity_id = ${user!.id}`,
        ),
      ),
    );
    assert.ok(
      left.every(
        (r) => !r.text.includes('customer@example.org') && !r.text.includes('Cal Customer'),
      ),
    );
    const recorded = rowsOf<{ n: number }>(
      await testDb.database.withOrganisation(org.id, (tx) =>
        tx.execute(
          sql`select count(*)::int as n from audit_log where action = 'redact' and entity_id = ${user!.id}`,
        ),
      ),
    );
    assert.equal(recorded[0]!.n, 1);
  });

  it('lets an administrator browse and filter it', async () => {
    const client = new TestClient(app);
    // The admin has a second factor by now (set up above): sign in with a recovery-free path
    // by giving the admin audit:read through a staff account instead.
    await testDb.database.withOrganisation(org.id, (tx) =>
      tx.execute(
        sql`update users set permissions = array['audit:read'] where email = 'staff@example.org'`,
      ),
    );
    await client.post(
      '/sign-in',
      { email: 'staff@example.org', password: PASSWORD },
      { from: '/sign-in' },
    );
    const page = await client.get('/admin/audit?entity=user&action=sign-in');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /sign-in/);
    assert.doesNotMatch(page.body, /<td class="govuk-table__cell">create<\/td>/);
    const bad = await client.get('/admin/audit?from=yesterday');
    assert.match(bad.body, /Enter a date like 2026-03-27/);
  });
});

describe('assisted mode', () => {
  it('lets staff act for a customer with no email, recorded as such, and return to their own session', async () => {
    const actor = { userId: null, label: 'test', ip: null };
    const [helped] = await testDb.database.withOrganisation(org.id, async (tx) => [
      await createUser(tx, actor, {
        email: null,
        name: 'Nell No-Email',
        roles: ['customer'],
        permissions: [],
      }),
    ]);
    const staff = new TestClient(app);
    await staff.post(
      '/sign-in',
      { email: 'staff@example.org', password: PASSWORD },
      { from: '/sign-in' },
    );
    const list = await staff.get('/staff/assist');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Nell No-Email/);
    const ownSid = staff.cookies.get('sid');
    const start = await staff.post(`/staff/assist/${helped!.id}`, {});
    assert.equal(start.statusCode, 303);
    const my = await staff.get('/my');
    assert.match(my.body, /You are helping Nell No-Email/);
    assert.equal(
      (await staff.get('/staff')).statusCode,
      403,
      'while helping, only the customer’s pages',
    );
    const stop = await staff.post('/assist/stop', {});
    assert.equal(stop.headers.location, '/staff/assist');
    assert.equal(staff.cookies.get('sid'), ownSid);
    assert.equal((await staff.get('/staff')).statusCode, 200);
    const rows = rowsOf<{ action: string; actor_label: string }>(
      await testDb.database.withOrganisation(org.id, (tx) =>
        tx.execute(
          sql`select action, actor_label from audit_log where entity_id = ${helped!.id} and action like 'assist-%' order by id`,
        ),
      ),
    );
    assert.deepEqual(
      rows.map((r) => r.action),
      ['assist-start', 'assist-stop'],
    );
    assert.match(rows[1]!.actor_label, /Nell No-Email \(helped by Sam Staff\)/);
  });
});

describe('form errors', () => {
  it('put "Error:" before the page title, as GOV.UK pages do', async () => {
    const res = await new TestClient(app).post(
      '/sign-in',
      { email: '', password: '' },
      { from: '/sign-in' },
    );
    assert.match(res.body, /<title>Error: Sign in – Demo Homes<\/title>/);
    assert.match(
      res.body,
      /<span class="govuk-visually-hidden">Error:<\/span> Enter your email address/,
    );
  });
});

describe('emailed links, hardened', () => {
  it('point at BASE_URL, never at the Host header a request sends', async () => {
    const client = new TestClient(app, { host: 'evil.example' });
    await client.post(
      '/sign-in/link',
      { email: 'customer@example.org' },
      { from: '/sign-in/link' },
    );
    await worker.runDue();
    const rows = rowsOf<{ text_body: string }>(
      await testDb.database.withOrganisation(org.id, (tx) =>
        tx.execute(sql`select text_body from outbox order by created_at desc limit 1`),
      ),
    );
    assert.doesNotMatch(rows[0]!.text_body, /evil\.example/);
    assert.match(rows[0]!.text_body, /http:\/\/localhost:3000\/sign-in\/link\//);
  });

  it('are never sent to staff in place of their password and authenticator', async () => {
    const before = await signInLinksSent();
    const res = await new TestClient(app).post(
      '/sign-in/link',
      { email: 'staff@example.org' },
      { from: '/sign-in/link' },
    );
    assert.equal(res.statusCode, 200, 'the same answer');
    const after = await signInLinksSent();
    assert.equal(after, before);
  });

  it('ends the helper’s waiting session when they sign out while helping', async () => {
    const actor = { userId: null, label: 'test', ip: null };
    const helped = await testDb.database.withOrganisation(org.id, (tx) =>
      createUser(tx, actor, {
        email: null,
        name: 'Hal Helped',
        roles: ['customer'],
        permissions: [],
      }),
    );
    const staff = new TestClient(app);
    await staff.post(
      '/sign-in',
      { email: 'staff@example.org', password: PASSWORD },
      { from: '/sign-in' },
    );
    const staffSid = staff.cookies.get('sid')!;
    await staff.post(`/staff/assist/${helped.id}`, {}, { from: '/staff/assist' });
    await staff.post('/sign-out', {}, { from: '/my' });
    const reuse = new TestClient(app);
    reuse.cookies.set('sid', staffSid);
    assert.equal((await reuse.get('/staff')).statusCode, 303, 'the waiting staff session is ended');
  });
});
