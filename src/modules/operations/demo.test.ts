import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MODULES } from '../../modules.ts';
import { installModules } from '../../platform/manifest.ts';
import { financialYear } from '../../platform/periods/index.ts';
import { computeStatistic } from '../../platform/statistics/index.ts';
import { makeOrganisation } from '../../platform/testing/app.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { seededRandom } from '../../demo/random.ts';
import { seedOperationsDemo } from './demo.ts';
import { homesFor, managementMeasures } from './measures.ts';

/** The demo's two years tell the story the dashboard shows: short last year, most targets met this year. */
let testDb: TestDatabase;
let org: Organisation;
const TODAY = '2026-12-02';

before(async () => {
  installModules(MODULES);
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database);
  const random = seededRandom(14);
  await testDb.database.withOrganisation(org.id, (tx) =>
    seedOperationsDemo(tx, { organisationId: org.id, today: TODAY, random: random.next }),
  );
});
after(() => testDb.close());

const share = async (year: number, numerator: string, denominator: string) =>
  testDb.database.withOrganisation(org.id, async (tx) => {
    const { from, to } = financialYear(year);
    const n = (await computeStatistic(tx, `operations.${numerator}`, { from, to })).value!;
    const d = (await computeStatistic(tx, `operations.${denominator}`, { from, to })).value!;
    return n / d;
  });

describe('the operations demo', () => {
  it('misses targets last year and meets most of them this year', async () => {
    assert.ok((await share(2025, 'recruitments_with_involvement', 'recruitments_closed')) < 0.8);
    assert.ok((await share(2026, 'recruitments_with_involvement', 'recruitments_closed')) >= 0.8);
    assert.ok((await share(2025, 'audits_with_quality_checker', 'audits_counted')) < 0.4);
    assert.ok((await share(2026, 'audits_with_quality_checker', 'audits_counted')) >= 0.4);
    assert.ok((await share(2025, 'repairs_feedback_requested', 'repairs_completed')) < 0.5);
    assert.ok((await share(2026, 'repairs_feedback_requested', 'repairs_completed')) >= 0.5);
    assert.ok((await share(2025, 'volunteer_obligations_met', 'volunteer_obligations_due')) < 0.85);
    assert.ok((await share(2025, 'stage1_feedback_offered', 'stage1_responded')) < 1);
    assert.ok((await share(2025, 'complaint_panels_with_customer', 'complaint_panels')) === 1);
  });

  it('has homes for both years and some complaint stages answered late', async () => {
    const measures = await testDb.database.withOrganisation(org.id, (tx) =>
      managementMeasures(tx, 2025),
    );
    const ch02 = measures.find((m) => m.code === 'CH02' && m.part === 'stage1')!;
    assert.ok(ch02.denominator > 20);
    assert.ok(ch02.value! < 100 && ch02.value! > 40, `CH02 stage 1 ${ch02.value}`);
    assert.ok(measures.find((m) => m.code === 'CH01' && m.part === 'stage1')!.value! > 0);
    assert.deepEqual(await testDb.database.withOrganisation(org.id, (tx) => homesFor(tx, 2026)), {
      LCRA: 2410,
      LCHO: 310,
    });
  });
});
