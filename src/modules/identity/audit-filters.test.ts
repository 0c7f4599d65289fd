import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { audit, auditFacets, AUDIT_PAGE_SIZE, SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  // Two pages and a bit of trail.
  await testDb.database.withOrganisation(org.id, async (tx) => {
    for (let i = 0; i < AUDIT_PAGE_SIZE * 2 + 3; i += 1) {
      await audit(tx, SYSTEM_ACTOR, {
        action: 'update',
        entity: 'test_record',
        entityId: crypto.randomUUID(),
        after: { n: i },
      });
    }
  });
});
after(async () => {
  await app.close();
  await testDb.close();
});

const get = (url: string) => app.inject({ url, headers: signedInAs(org, ['admin']) });

describe('the audit trail’s filters', () => {
  it('sends a page past the end to the last page, keeping the filters', async () => {
    const res = await get('/admin/audit?entity=test_record&page=99999999999999999999');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin/audit?entity=test_record&page=3');
    const far = await get('/admin/audit?page=4000');
    assert.equal(far.statusCode, 303);
    assert.match(String(far.headers.location), /^\/admin\/audit\?page=\d+$/);
    const last = await get(String(res.headers.location));
    assert.equal(last.statusCode, 200);
    assert.match(last.body, /Newer records/);
  });

  it('shows the first page for a page that is not a number', async () => {
    for (const page of ['-3', '0', 'abc', '1.5', '1e400']) {
      const res = await get(`/admin/audit?page=${page}`);
      assert.equal(res.statusCode, 200, page);
      assert.doesNotMatch(res.body, /Newer records/);
    }
  });

  it('names a date that is not on the calendar, and shows the page', async () => {
    const res = await get('/admin/audit?from=2025-13-45&to=2025-02-30');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /There is a problem/);
    assert.match(res.body, /Enter a real date for ‘From’, like 2026-03-27/);
    assert.match(res.body, /Enter a real date for ‘To’, like 2026-03-27/);
    assert.match(res.body, /href="#from"/);
    assert.match(res.body, /value="2025-13-45"/);
  });

  it('names a date not written as one', async () => {
    const res = await get('/admin/audit?from=yesterday');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Enter a date like 2026-03-27 for ‘From’/);
  });

  it('takes real dates', async () => {
    const res = await get('/admin/audit?from=2024-02-29&to=2099-12-31');
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(res.body, /There is a problem/);
  });
});

describe('the audit trail’s filter lists', () => {
  it('lists every kind of record and action the trail holds, as a recount does', async () => {
    const other = await makeOrganisation(testDb.database, { slug: 'other', name: 'Other Homes' });
    await testDb.database.withOrganisation(other.id, (tx) =>
      audit(tx, SYSTEM_ACTOR, { action: 'only-elsewhere', entity: 'elsewhere_record' }),
    );
    await testDb.database.withOrganisation(org.id, async (tx) => {
      for (const [action, entity] of [
        ['create', 'a_record'],
        ['Zeta', 'b_record'],
        ['create', 'z_record'],
        ['delete', 'a_record'],
      ] as const)
        await audit(tx, SYSTEM_ACTOR, { action, entity });
    });
    const [facets, recount] = await testDb.database.withOrganisation(org.id, async (tx) => [
      await auditFacets(tx),
      {
        entities: rowsOf<{ v: string }>(
          await tx.execute(sql`select distinct entity as v from audit_log order by entity`),
        ).map((r) => r.v),
        actions: rowsOf<{ v: string }>(
          await tx.execute(sql`select distinct action as v from audit_log order by action`),
        ).map((r) => r.v),
      },
    ]);
    assert.deepEqual(facets, recount);
    assert.ok(facets.entities.includes('z_record'));
    assert.ok(!facets.actions.includes('only-elsewhere'));
  });
});
