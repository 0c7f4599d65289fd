import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { makeOrganisation } from '../../platform/testing/app.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { applySuppressionList, runPersonCommand } from './person-cli.ts';
import { addPeople } from './service.ts';

let testDb: TestDatabase;
let org: Organisation;
const dataDir = mkdtempSync(path.join(tmpdir(), 'coproduce-person-cli-'));

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'riverside' });
});
after(() => testDb.close());

const person = (reference: string) => ({
  organisationId: org.id,
  reference,
  firstName: 'Ottoline',
  lastName: 'Brackenbury',
  email: 'ottoline@example.org',
  kinds: ['customer'],
});

async function run(args: string[]) {
  let out = '';
  const lines: string[] = [];
  const code = await runPersonCommand(
    testDb.database,
    dataDir,
    args,
    async (text) => {
      out += text;
    },
    (line) => lines.push(line),
  );
  return { code, out, lines };
}

const named = async () =>
  rowsOf(
    await testDb.database.system.execute(
      sql`select id from people where first_name = 'Ottoline' and erased_at is null`,
    ),
  ).length;

describe('coproduce person', () => {
  it('exports a person as JSON and erases them only with --yes', async () => {
    await testDb.database.withOrganisation(org.id, (tx) => addPeople(tx, [person('RV-1')]));
    const exported = await run(['export', 'RV-1', '--org', 'riverside']);
    assert.equal(exported.code, 0);
    assert.equal(JSON.parse(exported.out).person.lastName, 'Brackenbury');
    assert.equal((await run(['export', 'NOPE', '--org', 'riverside'])).code, 1);
    assert.equal((await run(['erase', 'RV-1', '--org', 'riverside'])).code, 1, 'asks for --yes');
    assert.equal(await named(), 1);
    assert.equal((await run(['erase', 'RV-1', '--org', 'riverside', '--yes'])).code, 0);
    assert.equal(await named(), 0);
  });

  it('erases again, after a restore, someone a backup brought back', async () => {
    // As if an old backup were restored: the person is back, the list is not.
    await testDb.database.system.execute(sql`delete from erasure_suppressions`);
    await testDb.database.withOrganisation(org.id, (tx) => addPeople(tx, [person('RV-1')]));
    assert.equal(await named(), 1);
    const applied = await applySuppressionList(testDb.database, dataDir);
    assert.equal(applied.erased, 1);
    assert.equal(await named(), 0);
    const prints = rowsOf(
      await testDb.database.system.execute(sql`select 1 from erasure_suppressions`),
    );
    assert.ok(prints.length >= 2);
  });
});
