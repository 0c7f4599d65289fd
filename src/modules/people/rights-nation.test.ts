import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { makeOrganisation } from '../../platform/testing/app.ts';
import { updateSettings, type Organisation } from '../../platform/tenancy/index.ts';
import { addPeople } from './service.ts';
import { extendRequest, logRequest } from './rights.ts';
import { rightsRequests } from './tables.ts';

let testDb: TestDatabase;
const actor = { userId: null, label: 'test', ip: null };

before(async () => {
  testDb = await createTestDatabase();
});
after(async () => {
  await testDb.close();
});

/** Logs a request in a new organisation of the nation, and extends it; gives both dates. */
async function deadlines(
  slug: string,
  nation: 'england-and-wales' | 'scotland' | 'northern-ireland' | null,
  receivedOn: string,
) {
  const org: Organisation = await makeOrganisation(testDb.database, { slug });
  return testDb.database.withOrganisation(org.id, async (tx) => {
    if (nation) await updateSettings(tx, actor, org.id, { nation });
    const [personId] = await addPeople(tx, [
      { organisationId: org.id, reference: `${slug}-1`, firstName: 'Ada', lastName: 'Lovelace' },
    ]);
    const id = await logRequest(tx, actor, {
      personId: personId!,
      kind: 'access',
      receivedOn,
      note: null,
    });
    await extendRequest(tx, actor, id, 'Complex');
    const [row] = await tx.select().from(rightsRequests).where(eq(rightsRequests.id, id));
    return { dueOn: row!.dueOn, extendedTo: row!.extendedTo };
  });
}

describe("a rights request's deadline follows the organisation's nation", () => {
  it("skips St Andrew's Day for a Scottish organisation", async () => {
    // 30 November 2026 is a Monday; extended, 30 January 2027 is a Saturday.
    assert.deepEqual(await deadlines('scot', 'scotland', '2026-10-30'), {
      dueOn: '2026-12-01',
      extendedTo: '2027-02-01',
    });
    // Three months from 30 August 2026 is St Andrew's Day too.
    assert.equal((await deadlines('scot-ext', 'scotland', '2026-08-30')).extendedTo, '2026-12-01');
    assert.equal((await deadlines('scot-jan', 'scotland', '2025-12-02')).dueOn, '2026-01-05');
  });

  it("skips St Patrick's Day and 12 July for a Northern Irish organisation", async () => {
    assert.equal((await deadlines('ni', 'northern-ireland', '2026-02-17')).dueOn, '2026-03-18');
    assert.equal(
      (await deadlines('ni-july', 'northern-ireland', '2027-04-12')).extendedTo,
      '2027-07-13',
    );
  });

  it('uses England and Wales when the organisation has not chosen', async () => {
    assert.deepEqual(await deadlines('default', null, '2026-10-30'), {
      dueOn: '2026-11-30',
      extendedTo: '2027-02-01',
    });
    assert.equal((await deadlines('ew', 'england-and-wales', '2026-02-17')).dueOn, '2026-03-17');
    assert.equal((await deadlines('ew-ext', null, '2026-08-30')).extendedTo, '2026-11-30');
  });
});
