import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from './platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from './platform/testing/app.ts';
import type { Organisation } from './platform/tenancy/index.ts';
import { addServices } from './modules/people/index.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let demo: Organisation;
let other: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  demo = await makeOrganisation(testDb.database, {
    slug: 'demo',
    name: 'Demo Homes',
    welshEnabled: true,
    brandColour: '#1d5b79',
  });
  other = await makeOrganisation(testDb.database, {
    slug: 'other',
    name: 'Other Care',
    hostNames: ['other.example.org'],
  });
  await testDb.database.withOrganisation(demo.id, (tx) =>
    addServices(tx, [
      {
        organisationId: demo.id,
        code: 'D-1',
        name: 'Demo Hostel',
        type: 'Hostel',
        specialism: 'Homelessness',
      },
    ]),
  );
  await testDb.database.withOrganisation(other.id, (tx) =>
    addServices(tx, [
      {
        organisationId: other.id,
        code: 'O-1',
        name: 'Secret Other House',
        type: 'Care home',
        specialism: 'Mental health',
      },
    ]),
  );
  app = await createTestApp(testDb.database);
});

after(async () => {
  await app.close();
  await testDb.close();
});

describe('the public side', () => {
  it('serves the default organisation home page in English', async () => {
    const res = await app.inject('/');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.match(res.body, /<html lang="en"/);
    assert.match(res.body, /<title>Have your say – Demo Homes<\/title>/);
    assert.match(res.body, /Demo Homes wants to hear from/);
    assert.doesNotMatch(res.body, /GOV\.UK/);
    assert.doesNotMatch(res.body, /Crown copyright/);
  });

  it('reaches an organisation by its host name', async () => {
    const res = await app.inject({ url: '/', headers: { host: 'other.example.org:3000' } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Other Care wants to hear from/);
    assert.doesNotMatch(res.body, /Demo Homes/);
  });

  it('switches to Welsh, marks English fallbacks and remembers the choice', async () => {
    const res = await app.inject('/?lang=cy');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<html lang="cy"/);
    assert.match(res.body, /Neidio i&#39;r prif gynnwys|Neidio i'r prif gynnwys/);
    // No trusted Welsh for this heading: English, marked as such.
    assert.match(res.body, /<span lang="en">Have your say<\/span>/);
    const cookie = res.cookies.find((c) => c.name === 'lang');
    assert.equal(cookie?.value, 'cy');
    const again = await app.inject({ url: '/', cookies: { lang: 'cy' } });
    assert.match(again.body, /<html lang="cy"/);
    const back = await app.inject({ url: '/?lang=en', cookies: { lang: 'cy' } });
    assert.match(back.body, /<html lang="en"/);
  });

  it('offers no Welsh where the organisation has not switched it on', async () => {
    const res = await app.inject({ url: '/?lang=cy', headers: { host: 'other.example.org' } });
    assert.match(res.body, /<html lang="en"/);
    assert.doesNotMatch(res.body, /govuk-language-navigation/);
  });

  it('honours the easy read display on any page and remembers it', async () => {
    const res = await app.inject('/privacy?display=easy');
    assert.match(res.body, /class="govuk-template app-easy-read"/);
    assert.equal(res.cookies.find((c) => c.name === 'display')?.value, 'easy');
    const next = await app.inject({ url: '/cookies', cookies: { display: 'easy' } });
    assert.match(next.body, /app-easy-read/);
    assert.match(next.body, /Show standard display/);
  });

  it('answers an unknown page with a plain 404 page', async () => {
    const res = await app.inject('/no-such-page');
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /Page not found/);
    assert.match(res.body, /<html lang="en"/);
  });

  it('sets the form-token cookie only on a page that has a form', async () => {
    const home = await app.inject('/');
    assert.equal(
      home.cookies.find((c) => c.name === 'csrf'),
      undefined,
    );
    const signIn = await app.inject('/sign-in');
    const cookie = signIn.cookies.find((c) => c.name === 'csrf');
    assert.ok(cookie, 'the sign-in form sets its cookie');
    // The token is made once a page, however many forms write it.
    const tokens = new Set(
      [...signIn.body.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]),
    );
    assert.equal(tokens.size, 1);
  });

  it('sends a strict Content-Security-Policy whose nonce the inline script carries', async () => {
    const res = await app.inject('/');
    const csp = res.headers['content-security-policy'] as string;
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, 'a script nonce');
    assert.match(res.body, new RegExp(`<script nonce="${nonce}">document.body.className`));
  });

  it('serves the organisation favicon and logo, never the crown', async () => {
    const favicon = await app.inject('/organisation/favicon.svg');
    assert.equal(favicon.statusCode, 200);
    assert.match(favicon.body, /fill="#1d5b79"/);
    const noLogo = await app.inject('/organisation/logo');
    assert.equal(noLogo.statusCode, 404);
    const home = await app.inject('/');
    assert.doesNotMatch(home.body, /govuk-icon|favicon\.ico/);
  });

  it('reports health and readiness', async () => {
    assert.equal((await app.inject('/healthz')).statusCode, 200);
    const ready = await app.inject('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready' });
  });

  it('serves the stylesheet and scripts with long-lived cache headers, compressed', async () => {
    const css = await app.inject({
      url: '/assets/build/app.css',
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(css.statusCode, 200);
    assert.match(css.headers['cache-control'] as string, /max-age=31536000, immutable/);
    assert.equal(css.headers['content-encoding'], 'gzip');
    const js = await app.inject('/assets/js/govuk-frontend.min.js');
    assert.equal(js.statusCode, 200);
    const hidden = await app.inject('/assets/js/index.scss');
    assert.equal(hidden.statusCode, 404);
  });

  it('refuses an over-size request body with a plain page', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `a=${'x'.repeat(70 * 1024)}`,
    });
    assert.ok(res.statusCode === 413 || res.statusCode === 404, `got ${res.statusCode}`);
    assert.doesNotMatch(res.body, /at .*\.ts:\d+/);
  });
});

describe('the staff side', () => {
  it('sends a signed-out visitor to sign in', async () => {
    const res = await app.inject('/staff/services');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/sign-in?returnTo=%2Fstaff%2Fservices');
  });

  it('shows the no-access page to a customer', async () => {
    const res = await app.inject({
      url: '/staff/services',
      headers: signedInAs(demo, ['customer']),
    });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /You do not have access to this page/);
    assert.doesNotMatch(res.body, /Demo Hostel/);
  });

  it('shows another organisation’s staff no data of this one', async () => {
    const res = await app.inject({ url: '/staff/services', headers: signedInAs(other, ['admin']) });
    assert.equal(res.statusCode, 403);
    assert.doesNotMatch(res.body, /Demo Hostel|Secret Other House/);
  });

  it('lists the organisation’s own services for its staff, and no other’s', async () => {
    const res = await app.inject({ url: '/staff/services', headers: signedInAs(demo, ['staff']) });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Demo Hostel/);
    assert.doesNotMatch(res.body, /Secret Other House/);
    assert.match(res.body, /Staff area/);
  });

  it('builds the staff home from the module manifests', async () => {
    const res = await app.inject({
      url: '/staff',
      headers: signedInAs(demo, ['involvement_lead']),
    });
    assert.equal(res.statusCode, 200);
    // The navigation is one row of areas; the register's area holds services.
    assert.match(res.body, /href="\/staff\/areas\/register"/);
    const area = await app.inject({
      url: '/staff/areas/register',
      headers: signedInAs(demo, ['involvement_lead']),
    });
    assert.match(area.body, /href="\/staff\/services"/);
  });
});

describe('query counts', () => {
  it('stay flat on the services page as the services grow', async () => {
    const headers = signedInAs(demo, ['staff']);
    const few = await testDb.countQueries(() => app.inject({ url: '/staff/services', headers }));
    await testDb.database.withOrganisation(demo.id, (tx) =>
      addServices(
        tx,
        Array.from({ length: 40 }, (_, i) => ({
          organisationId: demo.id,
          code: `MANY-${i}`,
          name: `Scheme ${i}`,
          type: 'Supported housing',
          specialism: 'Mental health',
        })),
      ),
    );
    const many = await testDb.countQueries(() => app.inject({ url: '/staff/services', headers }));
    assert.equal(many.result.statusCode, 200);
    assert.match(many.result.body, /Scheme 39/);
    assert.ok(few.queries > 0, 'the counter sees the queries');
    assert.equal(
      many.queries,
      few.queries,
      `${few.queries} queries with 1 service, ${many.queries} with 41`,
    );
  });
});

describe('a host that reaches no organisation', () => {
  it('gets a plain 404 page, while health checks still answer', async () => {
    const lonely = await createTestApp(testDb.database, undefined, { defaultOrg: 'nobody-here' });
    try {
      const page = await lonely.inject({ url: '/', headers: { host: 'unknown.example.org' } });
      assert.equal(page.statusCode, 404);
      assert.match(page.body, /Page not found/);
      assert.doesNotMatch(page.body, /Demo Homes|Other Care/);
      const health = await lonely.inject({
        url: '/healthz',
        headers: { host: 'unknown.example.org' },
      });
      assert.equal(health.statusCode, 200);
    } finally {
      await lonely.close();
    }
  });
});
