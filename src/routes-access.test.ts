import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { createTestDatabase, type TestDatabase } from './platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from './platform/testing/app.ts';
import { ROLES, can, type Action, type Role } from './platform/auth/index.ts';
import type { Organisation } from './platform/tenancy/index.ts';
import { addServices } from './modules/people/index.ts';

/**
 * Walks every route of the application, as registered: a route added later
 * joins this test by itself, and fails it if it does not say who may use it.
 */
interface RouteInfo {
  method: string;
  url: string;
  access: 'public' | Action | undefined;
}

let testDb: TestDatabase;
let app: FastifyInstance;
let home: Organisation;
let other: Organisation;
const routes: RouteInfo[] = [];

before(async () => {
  testDb = await createTestDatabase();
  home = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Home Org' });
  other = await makeOrganisation(testDb.database, { slug: 'elsewhere', name: 'Other Org' });
  await testDb.database.withOrganisation(home.id, (tx) =>
    addServices(tx, [
      {
        organisationId: home.id,
        code: 'H1',
        name: 'Home Only House',
        type: 'Hostel',
        specialism: 'x',
      },
    ]),
  );
  app = await createTestApp(testDb.database);
  routes.push(...app.routeCatalogue);
});
after(async () => {
  await app.close();
  await testDb.close();
});

const isStatic = (route: RouteInfo) => route.url.startsWith('/assets/') || route.url === '*';
const sample = (url: string) => url.replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000');

/** A CSRF cookie and token, as a browser would have from reading a form. */
async function formToken(): Promise<{ cookie: string; token: string }> {
  const res = await app.inject('/sign-in');
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
  const cookie = res.cookies.find((c) => c.name === 'csrf')?.value ?? '';
  return { cookie, token };
}

async function call(route: RouteInfo, headers: Record<string, string> = {}) {
  const url = sample(route.url);
  if (route.method === 'GET') return app.inject({ method: 'GET', url, headers });
  const { cookie, token } = await formToken();
  return app.inject({
    method: route.method as HTTPMethods,
    url,
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    cookies: { csrf: cookie },
    payload: `_csrf=${encodeURIComponent(token)}`,
  });
}

function roleWith(action: Action, wanted: boolean): Role | null {
  return (
    ROLES.find(
      (role) =>
        can({ id: 'x', organisationId: 'x', name: 'x', roles: [role], permissions: [] }, action) ===
        wanted,
    ) ?? null
  );
}

describe('every route', () => {
  it('declares who may use it', () => {
    const app_routes = routes.filter((r) => !isStatic(r));
    assert.ok(app_routes.length > 20, `found ${app_routes.length} routes`);
    const undeclared = app_routes.filter((r) => !r.access).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(undeclared, []);
  });

  it('gives each caller what it should: signed out, wrong role, other organisation, right user', async () => {
    const checked: string[] = [];
    for (const route of routes.filter((r) => !isStatic(r) && r.access)) {
      const name = `${route.method} ${route.url}`;
      const access = route.access!;
      if (access === 'public') {
        const res = await call(route);
        assert.ok(res.statusCode < 500, `${name} public: ${res.statusCode}`);
        assert.notEqual(res.statusCode, 403, `${name} public must not refuse`);
        checked.push(name);
        continue;
      }
      // The JSON API refuses in JSON (apiAccess) where a page sends the reader to sign in.
      const api = route.url.startsWith('/api/v1/');
      const signedOut = await call(route);
      if (api) {
        assert.equal(signedOut.statusCode, 401, `${name} signed out`);
        assert.equal(signedOut.json().error.code, 'UNAUTHORISED', `${name} signed out`);
      } else {
        assert.equal(signedOut.statusCode, 303, `${name} signed out`);
        assert.match(
          String(signedOut.headers.location),
          /^\/sign-in\?returnTo=/,
          `${name} signed out goes to sign-in`,
        );
      }

      const wrong = roleWith(access, false);
      if (wrong) {
        const res = await call(route, signedInAs(home, [wrong]));
        assert.equal(res.statusCode, 403, `${name} as ${wrong}`);
        if (api) assert.equal(res.json().error.code, 'FORBIDDEN');
        else assert.match(res.body, /You do not have access/);
      }

      const right = roleWith(access, true) ?? 'admin';
      const permissions = access === 'equality:read' || access === 'audit:read' ? [access] : [];
      const elsewhere = await call(route, signedInAs(other, [right], permissions));
      assert.ok(
        [403, 404].includes(elsewhere.statusCode),
        `${name} from another organisation: ${elsewhere.statusCode}`,
      );
      assert.doesNotMatch(
        elsewhere.body,
        /Home Only House/,
        `${name} shows none of the organisation's data`,
      );

      const ok = await call(route, signedInAs(home, [right], permissions));
      assert.ok(
        ![401, 403].includes(ok.statusCode) && ok.statusCode < 500,
        `${name} as ${right}: ${ok.statusCode}`,
      );
      checked.push(name);
    }
    assert.ok(checked.includes('GET /staff/services'));
    assert.ok(checked.includes('GET /admin/users'));
    assert.ok(checked.includes('GET /api/v1/kpis'));
    assert.ok(checked.includes('GET /staff/kpis/:code'));
  });
});
