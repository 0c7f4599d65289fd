import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asc, sql } from 'drizzle-orm';
import { rowsOf } from '../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../platform/testing/db.ts';
import { peopleTables } from '../modules/people/index.ts';

const { people, personServices, services } = peopleTables;
import { EASY_READ_SENTENCE_WORDS, checkPlainEnglish } from '../platform/plain-english/index.ts';
import { seedDemo } from './seed.ts';
import { daysFrom } from './random.ts';

let first: TestDatabase;
let second: TestDatabase;

before(async () => {
  [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
after(async () => {
  await Promise.all([first.close(), second.close()]);
});

async function snapshot(db: TestDatabase, organisationId: string) {
  return db.database.withOrganisation(organisationId, async (tx) => ({
    services: await tx
      .select({ code: services.code, specialism: services.specialism })
      .from(services)
      .orderBy(asc(services.code)),
    people: await tx
      .select({
        reference: people.reference,
        name: sql<string>`${people.firstName} || ' ' || ${people.lastName}`,
        kinds: people.kinds,
      })
      .from(people)
      .orderBy(asc(people.reference)),
    started: await tx
      .select({ on: personServices.startedOn })
      .from(personServices)
      .orderBy(asc(personServices.startedOn)),
  }));
}

describe('the demo organisation', () => {
  it('is the same every time it is made, with dates relative to the day', async () => {
    const today = new Date(Date.UTC(2026, 10, 23));
    const a = await seedDemo(first.database, today);
    const b = await seedDemo(second.database, today);
    assert.equal(a.created, true);
    assert.equal(a.organisation.slug, 'demo');
    const [sa, sb] = await Promise.all([
      snapshot(first, a.organisation.id),
      snapshot(second, b.organisation.id),
    ]);
    assert.deepEqual(sa, sb);
    const specialisms = new Set(sa.services.map((s) => s.specialism));
    assert.deepEqual([...specialisms].sort(), [
      'floating_support',
      'homelessness',
      'learning_disabilities',
      'mental_health',
      'young_people',
    ]);
    assert.ok(sa.people.some((p) => p.kinds.includes('staff')));
    assert.ok(sa.people.some((p) => p.kinds.includes('customer')));
    for (const { on } of sa.started)
      assert.ok(on < daysFrom(today, 0) && on >= daysFrom(today, -365 * 4 - 1));
    // The demo customer's account knows its person, who has something coming up.
    const [customer] = await first.database.withOrganisation(a.organisation.id, async (tx) =>
      rowsOf<{ name: string; upcoming: number }>(
        await tx.execute(sql`
          select p.first_name || ' ' || p.last_name as name,
            (select count(*)::int from invitations v join activities t on t.id = v.activity_id
             where v.person_id = p.id and t.starts_at > ${today.toISOString()}::timestamptz) as upcoming
          from users u join people p on p.id = u.person_id
          where u.email = 'customer@demo.example'`),
      ),
    );
    assert.equal(customer?.name, 'Ben Jones');
    assert.ok(customer.upcoming > 0);
    // One published opportunity has an easy-read version (issue 10 §3), plain by easy read's rules.
    const easy = await first.database.withOrganisation(a.organisation.id, async (tx) =>
      rowsOf<{ easyRead: string }>(
        await tx.execute(sql`
          select easy_read as "easyRead" from opportunities
          where status = 'published' and easy_read is not null`),
      ),
    );
    assert.equal(easy.length, 1);
    const { findings } = checkPlainEnglish([{ field: 'easyRead', text: easy[0]!.easyRead }], {
      longSentenceWords: EASY_READ_SENTENCE_WORDS,
    });
    assert.deepEqual(findings, []);
  });

  it('does nothing when the demo is already there', async () => {
    const again = await seedDemo(first.database);
    assert.equal(again.created, false);
  });
});
