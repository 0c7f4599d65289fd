import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { seedDemo } from '../../demo/seed.ts';
import { carriedTo, meetingsOf, actionsOf } from './meetings.ts';
import { publicGroupPage } from './public.ts';

let testDb: TestDatabase;
before(async () => {
  testDb = await createTestDatabase();
});
after(() => testDb.close());

describe('the demo’s panels and forums', () => {
  it('has both bodies of seed 000, published, with meetings, decisions and an action carried over', async () => {
    const { organisation } = await seedDemo(testDb.database);
    await testDb.database.withOrganisation(organisation.id, async (tx) => {
      const bodies = rowsOf<{ id: string; slug: string; published: boolean }>(
        await tx.execute(sql`select id, slug, published from groups order by slug`),
      );
      assert.deepEqual(
        bodies.map((b) => [b.slug, b.published]),
        [
          ['care-and-support-customer-forum', true],
          ['tenant-and-landlord-panel', true],
        ],
      );
      for (const b of bodies) {
        const page = (await publicGroupPage(tx, b.slug))!;
        assert.ok(page.terms, 'terms of reference');
        assert.ok(page.named.length > 0, 'members named with consent');
        assert.ok(page.upcoming.length >= 1, 'meetings to come');
        assert.ok(page.decisions.length >= 2, 'decisions');
        assert.ok(page.outcomes.length >= 1, 'an action done');
        const meetings = await meetingsOf(tx, b.id);
        assert.equal(meetings.length, 4);
        const papers = rowsOf<{ n: number }>(
          await tx.execute(sql`select count(*)::int as n from group_papers p
            join group_meetings m on m.id = p.meeting_id where m.group_id = ${b.id} and p.easy_read <> ''`),
        );
        assert.equal(papers[0]!.n, 3);
      }
      const panel = bodies.find((b) => b.slug === 'tenant-and-landlord-panel')!;
      const [, , next] = await meetingsOf(tx, panel.id);
      const carried = carriedTo(next!, await actionsOf(tx, panel.id));
      assert.ok(carried.some((a) => /empty homes/.test(a.what) && a.status === 'in_progress'));
    });
  });
});
