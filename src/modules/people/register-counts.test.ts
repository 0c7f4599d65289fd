import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople, type NewPerson } from './service.ts';
import { REGISTER_COUNT_FOLD_AFTER, registerCounts } from './queries.ts';

// register_counts (migration 0046) keeps the register's size and needs as
// people are written, for the people page. Whatever writes people (the
// triggers see every statement), the kept counts must equal a recount.

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  other = await makeOrganisation(testDb.database);
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
});
after(async () => {
  await app.close();
  await testDb.close();
});

const inOrg = <T>(organisation: Organisation, work: (tx: Queryable) => Promise<T>) =>
  testDb.database.withOrganisation(organisation.id, work);

/** The register counted the slow way: what the kept counts must equal. */
async function recount(tx: Queryable) {
  const [row] = rowsOf<{ total: number; needs: Record<string, number> | null }>(
    await tx.execute(sql`
      select (select count(*)::int from people where erased_at is null) as total,
        (select json_object_agg(need, n) from (
          select need, count(*)::int as n from people, unnest(needs) as need
          where erased_at is null group by need) x) as needs`),
  );
  return { total: row!.total, needs: row!.needs ?? {} };
}

async function kept(tx: Queryable) {
  const counts = await registerCounts(tx);
  return { total: counts.total, needs: Object.fromEntries(counts.needs.map((n) => [n.need, n.n])) };
}

async function assertKept(organisation: Organisation, message: string) {
  await inOrg(organisation, async (tx) => {
    assert.deepEqual(await kept(tx), await recount(tx), message);
  });
}

let serial = 0;
function person(organisation: Organisation, needs: string[] = []): NewPerson {
  serial += 1;
  return {
    organisationId: organisation.id,
    reference: `RC-${serial}`,
    firstName: `Person${serial}`,
    lastName: 'Counted',
    needs,
  };
}

describe('the register’s kept counts', () => {
  it('follow inserts, changes of needs, erasure and deletion, per organisation', async () => {
    const ids = await inOrg(org, (tx) =>
      addPeople(tx, [
        person(org, ['easy_read']),
        person(org, ['easy_read', 'bsl']),
        person(org),
        person(org, ['large_print']),
      ]),
    );
    await inOrg(other, (tx) => addPeople(tx, [person(other, ['bsl']), person(other)]));
    await assertKept(org, 'after an insert of four');
    await inOrg(org, async (tx) => {
      assert.deepEqual(await kept(tx), {
        total: 4,
        needs: { easy_read: 2, bsl: 1, large_print: 1 },
      });
    });
    await inOrg(other, async (tx) => {
      assert.deepEqual(
        await kept(tx),
        { total: 2, needs: { bsl: 1 } },
        'each organisation its own',
      );
    });

    await inOrg(org, (tx) =>
      tx.execute(sql`update people set needs = array['bsl', 'hearing_loop'] where id = ${ids[0]}`),
    );
    await assertKept(org, 'after a change of needs');
    await inOrg(org, (tx) =>
      tx.execute(sql`update people set first_name = 'Renamed' where id = ${ids[1]}`),
    );
    await assertKept(org, 'after a change that is not of needs');
    await inOrg(org, (tx) =>
      tx.execute(sql`update people set erased_at = now(), needs = '{}' where id = ${ids[1]}`),
    );
    await assertKept(org, 'after an erasure');
    await inOrg(org, (tx) => tx.execute(sql`delete from people where id = ${ids[2]}`));
    await assertKept(org, 'after a deletion');
    await assertKept(other, 'the other organisation untouched');
  });

  it('keep the people page’s query count flat as the register grows', async () => {
    const count = async (url: string) => (await testDb.countQueries(() => lead.get(url))).queries;
    await lead.get('/staff/people'); // per-organisation caches warmed, as on a running server
    const before = {
      whole: await count('/staff/people'),
      need: await count('/staff/people?need=bsl'),
    };
    await inOrg(org, (tx) =>
      addPeople(
        tx,
        Array.from({ length: 120 }, (_, i) => person(org, i % 2 ? ['bsl'] : [])),
      ),
    );
    assert.equal(await count('/staff/people'), before.whole);
    assert.equal(await count('/staff/people?need=bsl'), before.need);
    await assertKept(org, 'after a batch of 120');
  });

  it('fold many rows of changes into one a need, keeping the sums', async () => {
    for (let i = 0; i <= REGISTER_COUNT_FOLD_AFTER; i += 1) {
      await inOrg(org, (tx) => addPeople(tx, [person(org, i % 3 === 0 ? ['easy_read'] : [])]));
    }
    const rowsBefore = await inOrg(org, async (tx) =>
      rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from register_counts`)),
    );
    assert.ok(rowsBefore[0]!.n > REGISTER_COUNT_FOLD_AFTER);
    const expected = await inOrg(org, recount);
    // The read that finds too many rows folds them (after reading the sums).
    await inOrg(org, async (tx) => assert.deepEqual(await kept(tx), expected));
    const rowsAfter = await inOrg(org, async (tx) =>
      rowsOf<{ need: string; n: number }>(
        await tx.execute(sql`select need, count(*)::int as n from register_counts group by need`),
      ),
    );
    assert.ok(
      rowsAfter.every((row) => row.n === 1),
      `one row a need after the fold: ${JSON.stringify(rowsAfter)}`,
    );
    await assertKept(org, 'after the fold');
    await assertKept(other, 'the other organisation’s rows not folded away');
  });

  it('let an organisation be removed with its people', async () => {
    const gone = await makeOrganisation(testDb.database);
    await inOrg(gone, (tx) => addPeople(tx, [person(gone, ['bsl'])]));
    await testDb.database.system.execute(sql`delete from organisations where id = ${gone.id}`);
    const left = rowsOf<{ n: number }>(
      await testDb.database.system.execute(
        sql`select count(*)::int as n from register_counts where organisation_id = ${gone.id}`,
      ),
    );
    assert.equal(left[0]!.n, 0);
  });

  it('are what the people page shows for the whole register, and a filter still counts its matches', async () => {
    const expected = await inOrg(org, recount);
    const page = await lead.get('/staff/people');
    assert.equal(page.statusCode, 200);
    const shown = expected.total.toLocaleString('en-GB');
    assert.match(page.body, new RegExp(`\\b${shown} (people|person)\\b`), 'the total shown');
    const filtered = await lead.get('/staff/people?need=easy_read');
    assert.equal(filtered.statusCode, 200);
    assert.match(
      filtered.body,
      new RegExp(`\\b${expected.needs.easy_read!.toLocaleString('en-GB')} (people|person)\\b`),
    );
  });

  it('keep the page’s order by name, a page at a time', async () => {
    const page2 = await lead.get('/staff/people?page=2');
    assert.equal(page2.statusCode, 200);
    const names = await inOrg(org, async (tx) =>
      rowsOf<{ first_name: string }>(
        await tx.execute(sql`select first_name from people where erased_at is null
          order by last_name, first_name, id limit 1 offset 50`),
      ),
    );
    assert.match(page2.body, new RegExp(names[0]!.first_name));
  });
});
