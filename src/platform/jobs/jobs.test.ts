import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, testTarget, type TestDatabase } from '../testing/db.ts';
import { makeOrganisation } from '../testing/app.ts';
import { openDatabase, type Database } from '../db/index.ts';
import type { Organisation } from '../tenancy/index.ts';
import { Worker, enqueue, type JobHandler } from './index.ts';
import { installModules } from '../manifest.ts';
import { MODULES } from '../../modules.ts';
import { jobs } from './tables.ts';

let testDb: TestDatabase;
let org: Organisation;
const ran: string[] = [];

const flaky: JobHandler = async (_context, payload) => {
  ran.push(String(payload.name));
  throw new Error(`it broke for ${String(payload.name)}`);
};
const record: JobHandler = async ({ db }, payload) => {
  ran.push(String(payload.name));
  // Runs in the job's organisation: it sees that organisation's row and no other.
  const rows = await db((tx) => tx.execute(sql`select count(*)::int as n from organisations`));
  assert.equal((rows as unknown as { rows: Array<{ n: number }> }).rows[0]?.n, 1);
};

before(async () => {
  testDb = await createTestDatabase();
  // The worker finds handlers in the installed manifests only.
  installModules([
    ...MODULES,
    { name: 'test-jobs', jobs: { 'test.flaky': flaky, 'test.record': record } },
  ]);
  org = await makeOrganisation(testDb.database);
});
after(() => testDb.close());

async function jobRow(database: Database, id: number) {
  const [row] = await database.system.select().from(jobs).where(eq(jobs.id, id));
  return row!;
}

describe('the job queue', () => {
  it('retries a failing job with back-off, then marks it failed with its error', async () => {
    const id = await testDb.database.withOrganisation(org.id, (tx) =>
      enqueue(tx, 'test.flaky', { name: 'flaky' }, { maxAttempts: 3 }),
    );
    const worker = new Worker(testDb.database);
    assert.equal(await worker.runDue(), 1);
    let row = await jobRow(testDb.database, id);
    assert.equal(row.status, 'queued');
    assert.equal(row.attempts, 1);
    assert.match(row.lastError ?? '', /it broke for flaky/);
    assert.ok(row.runAt.getTime() > Date.now(), 'the next try waits');
    assert.equal(await worker.runDue(), 0, 'not before its time');

    for (let attempt = 2; attempt <= 3; attempt++) {
      await testDb.database.system
        .update(jobs)
        .set({ runAt: sql`now()` })
        .where(eq(jobs.id, id));
      await worker.runDue();
    }
    row = await jobRow(testDb.database, id);
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, 3);
    assert.match(row.lastError ?? '', /it broke/);
    assert.ok(row.finishedAt);
  });

  it('runs nothing of a transaction that rolled back', async () => {
    await assert.rejects(
      testDb.database.withOrganisation(org.id, async (tx) => {
        await enqueue(tx, 'test.record', { name: 'rolled back' });
        throw new Error('the change failed');
      }),
    );
    await new Worker(testDb.database).runDue();
    assert.equal(ran.includes('rolled back'), false);
  });

  it('keeps a queued job across a restart', async () => {
    // The job is committed, the database closed and opened again (a restart),
    // and a new worker runs it.
    if (testTarget() === 'server') {
      await testDb.database.withOrganisation(org.id, (tx) =>
        enqueue(tx, 'test.record', { name: 'survivor' }),
      );
      const reopened = await openDatabase({ databaseUrl: testDb.url, poolSize: 2 });
      try {
        await new Worker(reopened).runDue();
      } finally {
        await reopened.close();
      }
    } else {
      const { mkdtempSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const path = await import('node:path');
      const { migrateDatabase } = await import('../db/index.ts');
      const { createOrganisation } = await import('../tenancy/index.ts');
      const dir = mkdtempSync(path.join(tmpdir(), 'coproduce-jobs-'));
      try {
        const first = await openDatabase({ dataDir: dir, command: 'jobs test' });
        await migrateDatabase(first);
        const own = await createOrganisation(first.system, { slug: 'restart', name: 'Restart' });
        await first.withOrganisation(own.id, (tx) =>
          enqueue(tx, 'test.record', { name: 'survivor' }),
        );
        await first.close();
        const second = await openDatabase({ dataDir: dir, command: 'jobs test' });
        try {
          assert.equal(await new Worker(second).runDue(), 1);
        } finally {
          await second.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    assert.ok(ran.includes('survivor'));
  });
});
