import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { makeOrganisation } from '../testing/app.ts';
import type { Organisation } from '../tenancy/index.ts';
import { peopleTables } from '../../modules/people/index.ts';
import { organisations } from '../tenancy/tables.ts';
import { APP_ROLE, rowsOf } from './index.ts';

const { services } = peopleTables;

let testDb: TestDatabase;
let a: Organisation;
let b: Organisation;
let serviceOfB: string;

before(async () => {
  testDb = await createTestDatabase();
  a = await makeOrganisation(testDb.database, { name: 'A' });
  b = await makeOrganisation(testDb.database, { name: 'B' });
  const [row] = await testDb.database.withOrganisation(b.id, (tx) =>
    tx
      .insert(services)
      .values({
        organisationId: b.id,
        code: 'B1',
        name: 'B house',
        type: 'Hostel',
        specialism: 'x',
      })
      .returning({ id: services.id }),
  );
  serviceOfB = row!.id;
});

after(() => testDb.close());

describe('row-level security', () => {
  it('shows no tenant rows to the app role when no organisation is set', async () => {
    const seen = await testDb.database.system.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local role ${APP_ROLE}`));
      const orgs = rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from organisations`),
      );
      const svc = rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from services`),
      );
      return { orgs: orgs[0]!.n, services: svc[0]!.n };
    });
    assert.deepEqual(seen, { orgs: 0, services: 0 });
  });

  it("keeps organisation B's rows from A's transaction: no read, no write", async () => {
    const db = testDb.database;
    const read = await db.withOrganisation(a.id, (tx) =>
      tx.select().from(services).where(eq(services.id, serviceOfB)),
    );
    assert.equal(read.length, 0);

    const updated = await db.withOrganisation(a.id, (tx) =>
      tx.update(services).set({ name: 'taken' }).where(eq(services.id, serviceOfB)).returning(),
    );
    assert.equal(updated.length, 0);

    const deleted = await db.withOrganisation(a.id, (tx) =>
      tx.delete(services).where(eq(services.id, serviceOfB)).returning(),
    );
    assert.equal(deleted.length, 0);

    await assert.rejects(
      db.withOrganisation(a.id, (tx) =>
        tx
          .insert(services)
          .values({ organisationId: b.id, code: 'X', name: 'planted', type: 't', specialism: 's' }),
      ),
      (error: Error) => /row-level security/.test(String((error.cause as Error)?.message)),
    );

    const orgs = await db.withOrganisation(a.id, (tx) =>
      tx.select({ id: organisations.id }).from(organisations),
    );
    assert.deepEqual(orgs, [{ id: a.id }]);

    const [still] = await db.withOrganisation(b.id, (tx) =>
      tx.select({ name: services.name }).from(services).where(eq(services.id, serviceOfB)),
    );
    assert.equal(still?.name, 'B house');
  });

  it('does not let the app role turn security off or leave its organisation', async () => {
    await assert.rejects(
      testDb.database.withOrganisation(a.id, (tx) =>
        tx.execute(sql`alter table services disable row level security`),
      ),
    );
  });

  it('is enabled, forced and has a policy on every tenant table', async () => {
    const tables = rowsOf<{ name: string; rls: boolean; forced: boolean; policies: number }>(
      await testDb.database.system.execute(sql`
        select c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
               (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
          and (c.relname = 'organisations' or exists (
            select 1 from pg_attribute a
            where a.attrelid = c.oid and a.attname = 'organisation_id' and not a.attisdropped))
        order by 1`),
    );
    assert.ok(tables.length >= 5, 'finds the tenant tables');
    for (const table of tables) {
      assert.deepEqual(
        { name: table.name, rls: table.rls, forced: table.forced, hasPolicy: table.policies > 0 },
        { name: table.name, rls: true, forced: true, hasPolicy: true },
      );
    }
  });

  it('leaves the app role owning nothing', async () => {
    const owned = rowsOf<{ n: number }>(
      await testDb.database.system.execute(
        sql`select count(*)::int as n from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = ${APP_ROLE}`,
      ),
    );
    assert.equal(owned[0]!.n, 0);
  });
});
