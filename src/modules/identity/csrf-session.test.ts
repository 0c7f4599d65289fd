import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { createUser } from './service.ts';
import { hashPassword } from './passwords.ts';
import { SESSION_COOKIE } from './routes.ts';
import { CSRF_SESSION_COOKIE } from '../../platform/http/csrf.ts';

const PASSWORD = 'correct horse battery staple';
let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  const passwordHash = await hashPassword(PASSWORD);
  const actor = { userId: null, label: 'test', ip: null };
  await testDb.database.withOrganisation(org.id, async (tx) => {
    for (const [email, name] of [
      ['victim@example.org', 'Vic Victim'],
      ['attacker@example.org', 'Al Attacker'],
    ] as const) {
      await createUser(tx, actor, { email, name, roles: ['staff'], permissions: [], passwordHash });
    }
  });
  // Real sessions, as in production: the identity module's cookie.
  app = await createTestApp(testDb.database, undefined, { headerSignIn: false });
});
after(async () => {
  await app.close();
  await testDb.close();
});

/** A browser signed in as `email`. */
async function signedIn(email: string): Promise<TestClient> {
  const client = new TestClient(app);
  const res = await client.post('/sign-in', { email, password: PASSWORD }, { from: '/sign-in' });
  assert.equal(res.statusCode, 303);
  assert.ok(client.cookies.get(SESSION_COOKIE), 'a session cookie is set');
  return client;
}

/** The form token and `csrf` cookie a browser holds after reading a page. */
async function pair(
  client: TestClient,
  page = '/account',
): Promise<{ token: string; cookie: string }> {
  const res = await client.get(page);
  assert.equal(res.statusCode, 200);
  return {
    token: /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!,
    cookie: client.cookies.get('csrf')!,
  };
}

/** Signs out with the given session cookie and form token pair. */
function signOut(session: string, form: { token: string; cookie: string }) {
  return app.inject({
    method: 'POST',
    url: '/sign-out',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    cookies: { [SESSION_COOKIE]: session, csrf: form.cookie },
    payload: `_csrf=${encodeURIComponent(form.token)}`,
  });
}

function assertRefused(res: LightMyRequestResponse): void {
  assert.equal(res.statusCode, 403);
  assert.match(res.body, /<h1 class="govuk-heading-l">This form has expired<\/h1>/);
  assert.match(res.body, /Go back, reload the page and try again\./);
}

async function stillSignedIn(session: string): Promise<boolean> {
  const res = await app.inject({ url: '/account', cookies: { [SESSION_COOKIE]: session } });
  return res.statusCode === 200;
}

describe('form tokens bound to the session', () => {
  it('binds to the identity module’s session cookie', () => {
    assert.equal(CSRF_SESSION_COOKIE, SESSION_COOKIE);
  });

  it('refuses another visitor’s signed-out token and cookie with a victim’s session', async () => {
    const victim = await signedIn('victim@example.org');
    const session = victim.cookies.get(SESSION_COOKIE)!;
    const stranger = await pair(new TestClient(app), '/sign-in');
    assertRefused(await signOut(session, stranger));
    assert.ok(await stillSignedIn(session));
  });

  it('refuses another signed-in user’s token and cookie with a victim’s session', async () => {
    const victim = await signedIn('victim@example.org');
    const session = victim.cookies.get(SESSION_COOKIE)!;
    const attacker = await signedIn('attacker@example.org');
    assertRefused(await signOut(session, await pair(attacker)));
    assert.ok(await stillSignedIn(session));
  });

  it('refuses a victim’s cookie with a token made for someone else', async () => {
    const victim = await signedIn('victim@example.org');
    const session = victim.cookies.get(SESSION_COOKIE)!;
    const own = await pair(victim);
    const attacker = await pair(await signedIn('attacker@example.org'));
    assertRefused(await signOut(session, { token: attacker.token, cookie: own.cookie }));
    assert.ok(await stillSignedIn(session));
  });

  it('takes the victim’s own token and cookie', async () => {
    const victim = await signedIn('victim@example.org');
    const session = victim.cookies.get(SESSION_COOKIE)!;
    const res = await signOut(session, await pair(victim));
    assert.equal(res.statusCode, 303);
    assert.equal(await stillSignedIn(session), false);
  });

  it('stops a token from before sign-in working after it', async () => {
    const client = new TestClient(app);
    const before = await pair(client, '/sign-in');
    const res = await client.post('/sign-in', {
      email: 'victim@example.org',
      password: PASSWORD,
    });
    assert.equal(res.statusCode, 303);
    const session = client.cookies.get(SESSION_COOKIE)!;
    // The nonce was replaced at sign-in …
    assert.notEqual(client.cookies.get('csrf'), before.cookie);
    // … and the old pair, cookie and all, is bound to no session: refused with this one.
    assertRefused(await signOut(session, before));
    assert.ok(await stillSignedIn(session));
    // The pages after sign-in carry a token that works.
    assert.equal((await signOut(session, await pair(client))).statusCode, 303);
  });

  it('keeps a signed-out visitor’s own forms working', async () => {
    const client = new TestClient(app);
    const res = await client.post(
      '/sign-in',
      { email: 'victim@example.org', password: 'wrong password' },
      { from: '/sign-in' },
    );
    assert.notEqual(res.statusCode, 403);
  });
});
