import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../testing/app.ts';
import { TestClient } from '../testing/client.ts';
import type { Organisation } from '../tenancy/index.ts';
import { AppError } from './errors.ts';
import { serializeError } from './logging.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database, (instance) => {
    instance.get('/boom', async () => {
      throw new Error('secret internals at /srv/app.ts:12');
    });
    instance.get('/teapot', async () => {
      throw new AppError(429, 'SLOW_DOWN', 'errors.tooMany');
    });
    instance.get('/message-key', async () => {
      // A message key rather than a page key: the page for the status is shown.
      throw new AppError(404, 'NOT_FOUND', 'errors.notFound.title');
    });
    instance.get(
      '/checked',
      { schema: { querystring: { type: 'object', properties: { n: { type: 'integer' } } } } },
      async () => 'ok',
    );
    instance.get('/sign-in-needed', async () => {
      throw new AppError(401, 'SIGN_IN', 'errors.signInNeeded');
    });
    instance.get('/too-large', async () => {
      throw new AppError(413, 'TOO_LARGE', 'errors.tooLarge');
    });
  });
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('error pages', () => {
  it('shows a plain 500 page with a reference and nothing of the error', async () => {
    const res = await app.inject('/boom');
    assert.equal(res.statusCode, 500);
    assert.match(res.body, /Sorry, there is a problem with the service/);
    assert.match(res.body, /give this reference: [0-9a-f-]{36}/);
    assert.doesNotMatch(res.body, /secret internals|app\.ts/);
    assert.match(res.body, /<h1 class="govuk-heading-l">/);
  });

  it('shows the page an AppError names, with its status', async () => {
    const res = await app.inject('/teapot');
    assert.equal(res.statusCode, 429);
    assert.match(res.body, /Too many requests/);
  });

  /** The page's heading and title: the words a person reads first. */
  function heading(body: string): string {
    return /<h1 class="govuk-heading-l">([^<]*)<\/h1>/.exec(body)?.[1]?.trim() ?? '';
  }
  function noRawKeys(body: string): void {
    assert.doesNotMatch(body, /errors\.[a-zA-Z]+/, 'an i18n key shows on the page');
  }

  it('words the 404 for an unknown record, not its i18n key', async () => {
    const res = await app.inject(`/opportunities/${crypto.randomUUID()}`);
    assert.equal(res.statusCode, 404);
    assert.equal(heading(res.body), 'Page not found');
    assert.match(res.body, /<title>Page not found/);
    assert.match(res.body, /If you typed the web address, check it is correct\./);
    assert.match(res.body, /check you copied the entire address/);
    noRawKeys(res.body);
  });

  it('words the 404 for an id that is not an id', async () => {
    const res = await app.inject('/opportunities/not-an-id');
    assert.equal(res.statusCode, 404);
    assert.equal(heading(res.body), 'Page not found');
    noRawKeys(res.body);
  });

  it('words the 404 for an unknown address', async () => {
    const res = await app.inject('/no/such/page');
    assert.equal(res.statusCode, 404);
    assert.equal(heading(res.body), 'Page not found');
    assert.match(res.body, /If you typed the web address, check it is correct\./);
    noRawKeys(res.body);
  });

  it('shows the page for the status when an error names a message, not a page', async () => {
    const res = await app.inject('/message-key');
    assert.equal(res.statusCode, 404);
    assert.equal(heading(res.body), 'Page not found');
    noRawKeys(res.body);
  });

  it('words the 403 for a signed-in user without the permission', async () => {
    const res = await app.inject({
      url: '/staff/people',
      headers: signedInAs(org, ['customer']),
    });
    assert.equal(res.statusCode, 403);
    assert.equal(heading(res.body), 'You do not have access to this page');
    assert.match(res.body, /Your account does not let you see this page\./);
    assert.match(res.body, /ask your manager/);
    noRawKeys(res.body);
  });

  it('words the 403 for a form sent without its token', async () => {
    const client = new TestClient(app);
    const res = await client.post('/sign-in', { email: 'a@example.org' }, { csrf: null });
    assert.equal(res.statusCode, 403);
    assert.equal(heading(res.body), 'This form has expired');
    assert.match(res.body, /Go back, reload the page and try again\./);
    noRawKeys(res.body);
  });

  it('words the 400 for a request that fails its schema', async () => {
    const res = await app.inject('/checked?n=many');
    assert.equal(res.statusCode, 400);
    assert.equal(heading(res.body), 'Sorry, we could not understand that request');
    assert.match(res.body, /Go back and try again\./);
    noRawKeys(res.body);
  });

  it('words the 400 for a body of a kind no route reads', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { 'content-type': 'text/x-unknown' },
      payload: 'hello',
    });
    assert.equal(res.statusCode, 415);
    assert.equal(heading(res.body), 'Sorry, we could not understand that request');
    noRawKeys(res.body);
  });

  it('words the 401, 413 and 429 pages', async () => {
    const signIn = await app.inject('/sign-in-needed');
    assert.equal(signIn.statusCode, 401);
    assert.equal(heading(signIn.body), 'You need to sign in');
    assert.match(signIn.body, /This page is for staff\. Sign in to see it\./);
    const large = await app.inject('/too-large');
    assert.equal(large.statusCode, 413);
    assert.equal(heading(large.body), 'The information you sent is too large');
    assert.match(large.body, /Go back and send less, or a smaller file\./);
    const many = await app.inject('/teapot');
    assert.equal(heading(many.body), 'Too many requests');
    assert.match(many.body, /Wait a minute, then try again\./);
    for (const res of [signIn, large, many]) noRawKeys(res.body);
  });

  it('words the 500 page', async () => {
    const res = await app.inject('/boom');
    assert.equal(heading(res.body), 'Sorry, there is a problem with the service');
    assert.match(res.body, /Try again later\./);
    assert.match(res.body, /Nothing you had already saved has been lost\./);
    noRawKeys(res.body);
  });

  it('answers the JSON API in JSON', async () => {
    const res = await app.inject('/api/v1/nothing-here');
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { error: { code: 'NOT_FOUND', status: 404 } });
  });

  it('keeps a failed query’s values out of the log', () => {
    const error = Object.assign(
      new Error('Failed query: insert …\nparams: Jo Bloggs,jo@example.org'),
      {
        name: 'DrizzleQueryError',
        query: 'insert into people (first_name, email) values ($1, $2)',
        cause: Object.assign(new Error('duplicate key value violates unique constraint'), {
          code: '23505',
        }),
      },
    );
    const logged = JSON.stringify(serializeError(error));
    assert.doesNotMatch(logged, /Jo Bloggs|jo@example\.org/);
    assert.match(logged, /23505/);
  });
});
