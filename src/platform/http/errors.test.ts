import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { createTestApp, makeOrganisation } from '../testing/app.ts';
import { AppError } from './errors.ts';
import { serializeError } from './logging.ts';

let testDb: TestDatabase;
let app: FastifyInstance;

before(async () => {
  testDb = await createTestDatabase();
  await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database, (instance) => {
    instance.get('/boom', async () => {
      throw new Error('secret internals at /srv/app.ts:12');
    });
    instance.get('/teapot', async () => {
      throw new AppError(429, 'SLOW_DOWN', 'errors.tooMany');
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
