import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/index.ts';
import { SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { makeOrganisation } from '../../platform/testing/app.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople, createPerson } from './service.ts';

let testDb: TestDatabase;
let org: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'dups', name: 'Dup Homes' });
});
after(async () => {
  await testDb.close();
});

const inOrg = <T>(work: Parameters<TestDatabase['database']['withOrganisation']>[1]) =>
  testDb.database.withOrganisation(org.id, work) as Promise<T>;

async function reasonsFor(personId: string): Promise<Array<{ other: string; reason: string }>> {
  return inOrg(async (tx) =>
    rowsOf<{ other: string; reason: string }>(
      await tx.execute(sql`select other_id as other, reason from possible_duplicates
        where person_id = ${personId} order by reason`),
    ),
  );
}

const add = (fields: Record<string, unknown>) =>
  inOrg<{ id: string; duplicates: number }>((tx) =>
    createPerson(tx, SYSTEM_ACTOR, {
      firstName: 'Someone',
      lastName: 'New',
      kinds: ['customer'],
      ...fields,
    } as Parameters<typeof createPerson>[2]),
  );

describe('the duplicate check on a new person', () => {
  it('flags the same email, the same phone, and a similar name with the same postcode, each once', async () => {
    const [byEmail, byPhone, byName, otherBirthday] = await inOrg<string[]>((tx) =>
      addPeople(tx, [
        {
          organisationId: org.id,
          reference: 'D-1',
          firstName: 'Ann',
          lastName: 'Lee',
          email: 'ann@example.org',
          kinds: ['customer'],
        },
        {
          organisationId: org.id,
          reference: 'D-2',
          firstName: 'Bob',
          lastName: 'Ray',
          phone: '07700 900123',
          kinds: ['customer'],
        },
        {
          organisationId: org.id,
          reference: 'D-3',
          firstName: 'Marguerite',
          lastName: 'Oyelaran',
          postcode: 'LS1 4AP',
          kinds: ['customer'],
        },
        {
          organisationId: org.id,
          reference: 'D-4',
          firstName: 'Marguerite',
          lastName: 'Oyelaran',
          dateOfBirth: '1970-01-01',
          postcode: 'M1 1AA',
          kinds: ['customer'],
        },
      ]),
    );
    const person = await add({
      firstName: 'Marguerite',
      lastName: 'Oyelaran',
      email: 'ANN@example.org',
      phone: '077009 00123',
      postcode: 'LS1 4AP',
      dateOfBirth: '1980-05-05',
    });
    assert.equal(person.duplicates, 3);
    assert.deepEqual(
      await reasonsFor(person.id),
      [
        { other: byEmail, reason: 'same_email' },
        { other: byPhone, reason: 'same_phone' },
        { other: byName, reason: 'similar_name' },
      ],
      'a similar name with another date of birth and postcode is not flagged',
    );
    assert.ok(otherBirthday);
  });

  it('takes the first reason that holds when one person matches several ways', async () => {
    const [both] = await inOrg<string[]>((tx) =>
      addPeople(tx, [
        {
          organisationId: org.id,
          reference: 'D-5',
          firstName: 'Cy',
          lastName: 'Twombly',
          email: 'cy@example.org',
          phone: '07700 900555',
          kinds: ['customer'],
        },
      ]),
    );
    const person = await add({
      firstName: 'Cy',
      lastName: 'Twombly',
      email: 'cy@example.org',
      phone: '07700900555',
    });
    assert.deepEqual(await reasonsFor(person.id), [{ other: both, reason: 'same_email' }]);
  });

  it('stays bounded however many earlier people share the email and name, in statements and in pairs flagged', async () => {
    const kiosk = (n: number) => ({
      organisationId: org.id,
      reference: `K-${n}`,
      firstName: 'Kiosk',
      lastName: 'Visitor',
      email: 'kiosk@example.org',
      kinds: ['customer'],
    });
    await inOrg((tx) => addPeople(tx, [kiosk(0)]));
    const few = await testDb.countQueries(() =>
      add({ firstName: 'Kiosk', lastName: 'Visitor', email: 'kiosk@example.org' }),
    );
    await inOrg((tx) =>
      addPeople(
        tx,
        Array.from({ length: 60 }, (_, i) => kiosk(i + 1)),
      ),
    );
    const many = await testDb.countQueries(() =>
      add({ firstName: 'Kiosk', lastName: 'Visitor', email: 'kiosk@example.org' }),
    );
    assert.equal(many.queries, few.queries);
    assert.equal(few.result.duplicates, 1);
    assert.equal(many.result.duplicates, 20, 'at most 20 pairs for one person');
  });
});
