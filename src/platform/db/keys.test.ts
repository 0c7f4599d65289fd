import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import { makeOrganisation } from '../testing/app.ts';
import type { Organisation } from '../tenancy/index.ts';
import { rowsOf } from './index.ts';

/**
 * Tables with organisation_id that are not distributed by it: on Citus they
 * are reference tables, copied whole to every node (docs/scaling.md).
 */
const REFERENCE_TABLES: Record<string, string> = {
  // Looked up by host name before the organisation is known; a host belongs to
  // one organisation across the whole service, so its key is the host alone.
  organisation_hosts: 'found by host, before there is an organisation',
};

/**
 * Unique keys on a tenant table that may leave out organisation_id: only those
 * that must hold across every organisation. There are none: the tokens in
 * links and cookies are used on their organisation's host name, so they are
 * unique within it (docs/scaling.md says how a global one would be kept).
 */
const GLOBAL_UNIQUE_KEYS: Record<string, string> = {};

interface TableRow {
  name: string;
  hasId: boolean;
}
interface UniqueRow {
  table: string;
  index: string;
  primary: boolean;
  columns: string[];
}
interface ForeignKeyRow {
  name: string;
  table: string;
  target: string;
  columns: string[];
  targetColumns: string[];
  onDelete: string;
  onUpdate: string;
  setColumns: string[];
}

let testDb: TestDatabase;
let tenantTables: TableRow[];
let uniqueKeys: UniqueRow[];
let foreignKeys: ForeignKeyRow[];

/** The attribute names of an int2 vector of column numbers, in order. */
const columnNames = (vector: string, relation: string) => `array(
  select a.attname::text from unnest(${vector}::int2[]) with ordinality k(attnum, n)
  join pg_attribute a on a.attrelid = ${relation} and a.attnum = k.attnum
  order by k.n)`;

before(async () => {
  testDb = await createTestDatabase();
  const system = testDb.database.system;
  tenantTables = rowsOf<TableRow>(
    await system.execute(sql`
      select c.relname::text as name,
             exists (select 1 from pg_attribute a where a.attrelid = c.oid
                     and a.attname = 'id' and not a.attisdropped) as "hasId"
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid
                    and a.attname = 'organisation_id' and not a.attisdropped)
      order by 1`),
  ).filter((t) => !(t.name in REFERENCE_TABLES));
  uniqueKeys = rowsOf<UniqueRow>(
    await system.execute(
      sql.raw(`
      select t.relname::text as "table", i.relname::text as index, x.indisprimary as primary,
             ${columnNames('x.indkey', 'x.indrelid')} as columns
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_class t on t.oid = x.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and x.indisunique
      order by 1, 2`),
    ),
  );
  foreignKeys = rowsOf<ForeignKeyRow>(
    await system.execute(
      sql.raw(`
      select con.conname::text as name, src.relname::text as "table", dst.relname::text as target,
             ${columnNames('con.conkey', 'con.conrelid')} as columns,
             ${columnNames('con.confkey', 'con.confrelid')} as "targetColumns",
             con.confdeltype::text as "onDelete", con.confupdtype::text as "onUpdate",
             ${columnNames("coalesce(con.confdelsetcols, '{}')", 'con.conrelid')} as "setColumns"
      from pg_constraint con
      join pg_class src on src.oid = con.conrelid
      join pg_class dst on dst.oid = con.confrelid
      join pg_namespace n on n.oid = src.relnamespace
      where con.contype = 'f' and n.nspname = 'public'
      order by 2, 1`),
    ),
  );
});

after(() => testDb.close());

describe('tenant keys in the catalogue', () => {
  it('finds the tenant tables and their keys', () => {
    assert.ok(tenantTables.length >= 30, `finds the tenant tables (${tenantTables.length})`);
    assert.ok(foreignKeys.length >= 30, 'finds the foreign keys');
  });

  it('gives every tenant table a primary key with organisation_id, and (organisation_id, id) unique', () => {
    for (const table of tenantTables) {
      const keys = uniqueKeys.filter((k) => k.table === table.name);
      const primary = keys.find((k) => k.primary);
      assert.ok(primary, `${table.name} has a primary key`);
      assert.ok(
        primary.columns.includes('organisation_id'),
        `${table.name}'s primary key (${primary.columns.join(', ')}) holds organisation_id`,
      );
      if (table.hasId) {
        assert.ok(
          keys.some(
            (k) =>
              k.columns.length === 2 &&
              k.columns.includes('organisation_id') &&
              k.columns.includes('id'),
          ),
          `${table.name} has (organisation_id, id) unique, for foreign keys to reference`,
        );
      }
    }
  });

  it('puts organisation_id in every unique key of a tenant table', () => {
    const tenant = new Set(tenantTables.map((t) => t.name));
    const without = uniqueKeys
      .filter((k) => tenant.has(k.table) && !k.columns.includes('organisation_id'))
      .map((k) => k.index)
      .filter((index) => !(index in GLOBAL_UNIQUE_KEYS));
    assert.deepEqual(without, [], 'unique keys without organisation_id');
  });

  it('carries organisation_id, at the same place, on both sides of every key between tenant tables', () => {
    const tenant = new Set(tenantTables.map((t) => t.name));
    const between = foreignKeys.filter((k) => tenant.has(k.table) && tenant.has(k.target));
    assert.ok(between.length >= 30, 'finds the keys between tenant tables');
    for (const key of between) {
      const at = key.columns.indexOf('organisation_id');
      assert.ok(at >= 0, `${key.name} holds ${key.table}.organisation_id`);
      assert.equal(
        key.targetColumns[at],
        'organisation_id',
        `${key.name} matches organisation_id to ${key.target}.organisation_id`,
      );
    }
  });

  it('never clears or changes organisation_id through a key', () => {
    for (const key of foreignKeys.filter((k) => k.columns.includes('organisation_id'))) {
      // n: SET NULL, d: SET DEFAULT. A key holding organisation_id may clear
      // only its other columns: ON DELETE SET NULL (x_id), PostgreSQL 15+.
      if (key.onDelete === 'n' || key.onDelete === 'd') {
        assert.ok(
          key.setColumns.length > 0 && !key.setColumns.includes('organisation_id'),
          `${key.name} clears only ${key.columns.filter((c) => c !== 'organisation_id').join(', ')} on delete`,
        );
      }
      // a: NO ACTION, r: RESTRICT. Citus refuses a cascading change of the
      // distribution column, and so do we: an organisation's id never changes.
      assert.ok(['a', 'r'].includes(key.onUpdate), `${key.name} has no ON UPDATE action`);
    }
  });

  it('has no key from a reference table to a tenant table', () => {
    const tenant = new Set(tenantTables.map((t) => t.name));
    const reference = new Set(['organisations', ...Object.keys(REFERENCE_TABLES)]);
    const wrongWay = foreignKeys
      .filter((k) => reference.has(k.table) && tenant.has(k.target))
      .map((k) => k.name);
    assert.deepEqual(wrongWay, []);
  });
});

/** The SQLSTATE of a database error, which drizzle may wrap. */
function sqlState(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.cause?.code ?? e.code;
}

describe('tenant keys at work', () => {
  // Plain SQL: the platform's tests name no module's tables in code.
  let a: Organisation;
  let b: Organisation;

  before(async () => {
    a = await makeOrganisation(testDb.database, { name: 'A' });
    b = await makeOrganisation(testDb.database, { name: 'B' });
  });

  it("refuses a row in one organisation that points at another's, even past row-level security", async () => {
    const system = testDb.database.system;
    const [personOfB] = rowsOf<{ id: string }>(
      await system.execute(sql`
        insert into people (organisation_id, reference, first_name)
        values (${b.id}, 'B-1', 'Bea') returning id`),
    );
    const [serviceOfA] = rowsOf<{ id: string }>(
      await system.execute(sql`
        insert into services (organisation_id, code, name, type, specialism)
        values (${a.id}, 'A1', 'A house', 't', 's') returning id`),
    );

    await assert.rejects(
      system.execute(sql`
        insert into person_services (organisation_id, person_id, service_id, started_on)
        values (${a.id}, ${personOfB!.id}, ${serviceOfA!.id}, '2026-01-01')`),
      (error) => sqlState(error) === '23503',
      'a foreign key violation',
    );
    await assert.rejects(
      system.execute(sql`
        insert into people (organisation_id, reference, first_name, supporter_id)
        values (${a.id}, 'A-1', 'Al', ${personOfB!.id})`),
      (error) => sqlState(error) === '23503',
    );
  });

  it('clears only the reference when the row it points at goes', async () => {
    const rows = await testDb.database.withOrganisation(a.id, async (tx) => {
      const one = async (query: ReturnType<typeof sql>) =>
        rowsOf<{ id: string }>(await tx.execute(query))[0]!.id;
      const partner = await one(sql`
        insert into partner_organisations (organisation_id, name, kind)
        values (${a.id}, 'Carers Together', 'carer-led') returning id`);
      const supporter = await one(sql`
        insert into people (organisation_id, reference, first_name)
        values (${a.id}, 'A-2', 'Sam') returning id`);
      const person = await one(sql`
        insert into people (organisation_id, reference, first_name, supporter_id, partner_organisation_id)
        values (${a.id}, 'A-3', 'Pat', ${supporter}, ${partner}) returning id`);
      await tx.execute(sql`delete from people where id = ${supporter}`);
      await tx.execute(sql`delete from partner_organisations where id = ${partner}`);
      return rowsOf(
        await tx.execute(sql`
          select organisation_id as "organisationId", supporter_id as "supporterId",
                 partner_organisation_id as "partnerOrganisationId"
          from people where id = ${person}`),
      );
    });
    assert.deepEqual(rows, [
      { organisationId: a.id, supporterId: null, partnerOrganisationId: null },
    ]);
  });
});
