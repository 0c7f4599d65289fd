import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { MODULES } from '../../modules.ts';
import type { Action } from '../auth/index.ts';
import { rowsOf } from '../db/index.ts';
import type { ModuleManifest } from '../manifest.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../testing/app.ts';
import { TestClient } from '../testing/client.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import type { Organisation } from '../tenancy/index.ts';
import { apiAccess } from './index.ts';

// The test module's action is allowed to staff; it is not a real Action (see module-contract.test.ts).
const READ = 'api-test:read' as Action;
const OTHER = 'api-test:other' as Action;
const testModule: ModuleManifest = {
  name: 'api-test',
  permissions: {
    actions: [READ, OTHER],
    rules: [
      {
        layer: 'organisation',
        rule: (user, action) =>
          action === READ && user.roles.includes('staff') ? 'allow' : undefined,
      },
    ],
  },
  routes: async (app) => {
    app.get('/api/v1/api-test', apiAccess(READ), async (request) => ({
      organisation: request.organisation.slug,
      by: request.apiToken?.name ?? 'session',
    }));
    app.get('/api/v1/api-test-other', apiAccess(OTHER), async () => ({ ok: true }));
  },
};

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo' });
  other = await makeOrganisation(testDb.database, { hostNames: ['other.example'] });
  app = await createTestApp(testDb.database, undefined, { modules: [...MODULES, testModule] });
});
after(async () => {
  await app.close();
  await testDb.close();
});

/** Makes a token through the admin page, as an administrator would; returns it. */
async function makeToken(
  organisation: Organisation,
  name: string,
  actions: string[],
  host?: string,
): Promise<string> {
  const admin = new TestClient(app, {
    ...signedInAs(organisation, ['admin']),
    ...(host ? { host } : {}),
  });
  const res = await admin.post(
    '/admin/api-tokens',
    { name, actions },
    { from: '/admin/api-tokens' },
  );
  assert.equal(res.statusCode, 200, res.body.slice(0, 500));
  const token = /<code class="app-token" id="new-token">([^<]+)<\/code>/.exec(res.body)?.[1];
  assert.ok(token, 'the new token is shown once');
  return token;
}

describe('/api/v1 access', () => {
  it('answers a signed-out request with a JSON 401, and a member of staff who may with the data', async () => {
    const anon = await app.inject({ url: '/api/v1/api-test' });
    assert.equal(anon.statusCode, 401);
    assert.equal(anon.json().error.code, 'UNAUTHORISED');
    const staff = await app.inject({
      url: '/api/v1/api-test',
      headers: signedInAs(org, ['staff']),
    });
    assert.deepEqual(staff.json(), { organisation: 'demo', by: 'session' });
    const board = await app.inject({
      url: '/api/v1/api-test',
      headers: signedInAs(org, ['board_member']),
    });
    assert.equal(board.statusCode, 403);
    assert.equal(board.json().error.code, 'FORBIDDEN');
  });

  it('takes a token for the actions it was given, only in its own organisation, until revoked', async () => {
    const token = await makeToken(org, 'Housing system', [READ]);
    const bearer = { authorization: `Bearer ${token}` };
    const ok = await app.inject({ url: '/api/v1/api-test', headers: bearer });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { organisation: 'demo', by: 'Housing system' });
    assert.equal(
      (await app.inject({ url: '/api/v1/api-test-other', headers: bearer })).statusCode,
      403,
    );
    // The same token on another organisation's host is unknown there.
    const elsewhere = await app.inject({
      url: '/api/v1/api-test',
      headers: { ...bearer, host: 'other.example' },
    });
    assert.equal(elsewhere.statusCode, 401);
    // Only the hash is stored.
    const stored = await testDb.database.withOrganisation(org.id, async (tx) =>
      rowsOf<{ token_hash: string; last_used_at: Date | null }>(
        await tx.execute(sql`select token_hash, last_used_at from api_tokens`),
      ),
    );
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]!.token_hash, token);
    assert.ok(stored[0]!.last_used_at, 'the last use is remembered');
    // Revoked through the page, the token is refused.
    const admin = new TestClient(app, signedInAs(org, ['admin']));
    const page = await admin.get('/admin/api-tokens');
    const id = /action="\/admin\/api-tokens\/([0-9a-f-]+)\/revoke"/.exec(page.body)?.[1];
    assert.ok(id);
    const revoked = await admin.post(`/admin/api-tokens/${id}/revoke`, {});
    assert.equal(revoked.statusCode, 303);
    assert.equal((await app.inject({ url: '/api/v1/api-test', headers: bearer })).statusCode, 401);
    const audit = await testDb.database.withOrganisation(org.id, async (tx) =>
      rowsOf<{ action: string }>(
        await tx.execute(
          sql`select action from audit_log where entity = 'api_token' order by at, action`,
        ),
      ),
    );
    assert.deepEqual(
      audit.map((a) => a.action),
      ['create', 'revoke'],
    );
    // A token made on the other organisation's host works there and not here.
    const theirs = await makeToken(other, 'Their system', [READ], 'other.example');
    assert.equal(
      (
        await app.inject({
          url: '/api/v1/api-test',
          headers: { authorization: `Bearer ${theirs}`, host: 'other.example' },
        })
      ).statusCode,
      200,
    );
    assert.equal(
      (
        await app.inject({
          url: '/api/v1/api-test',
          headers: { authorization: `Bearer ${theirs}` },
        })
      ).statusCode,
      401,
    );
  });

  it('refuses a malformed header, and a token form without a name or actions, naming the fields', async () => {
    const bad = await app.inject({
      url: '/api/v1/api-test',
      headers: { authorization: 'Basic x' },
    });
    assert.equal(bad.statusCode, 401);
    const admin = new TestClient(app, signedInAs(org, ['admin']));
    const res = await admin.post('/admin/api-tokens', { name: '' }, { from: '/admin/api-tokens' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Enter what the token is for/);
    assert.match(res.body, /Choose what the token may do/);
    const staff = await app.inject({
      url: '/admin/api-tokens',
      headers: signedInAs(org, ['staff']),
    });
    assert.equal(staff.statusCode, 403);
  });
});
