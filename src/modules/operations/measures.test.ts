import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MODULES } from '../../modules.ts';
import { installModules } from '../../platform/manifest.ts';
import { runImportCommand } from '../../platform/imports/index.ts';
import { makeOrganisation } from '../../platform/testing/app.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { updateSettings } from '../../platform/tenancy/index.ts';
import {
  homesFor,
  managementMeasures,
  percentage,
  perThousand,
  respondedInTime,
  responseDeadline,
} from './measures.ts';

/**
 * Complaint timeliness and the management measures on fixtures worked out by
 * hand with a calendar (England and Wales unless said): the working days are
 * counted in the comments.
 */

const E = 'england-and-wales' as const;
const none = { acknowledgedOn: null, extendedTo: null };

describe('complaint response deadlines', () => {
  it('counts 10 working days from the acknowledgement across Christmas and New Year', () => {
    // Ack Thu 19 Dec 2019: Fri 20 (1), Mon 23 (2), Tue 24 (3), 25 and 26 bank holidays,
    // Fri 27 (4), Mon 30 (5), Tue 31 (6), 1 Jan bank holiday, Thu 2 (7), Fri 3 (8), Mon 6 (9), Tue 7 (10).
    const dates = { receivedOn: '2019-12-17', acknowledgedOn: '2019-12-19', extendedTo: null };
    assert.equal(responseDeadline(1, dates, E), '2020-01-07');
    assert.equal(respondedInTime(1, { ...dates, respondedOn: '2020-01-07' }, E), true);
    assert.equal(respondedInTime(1, { ...dates, respondedOn: '2020-01-08' }, E), false);
    // Scotland also keeps 2 January: Fri 3 (7), Mon 6 (8), Tue 7 (9), Wed 8 (10).
    assert.equal(responseDeadline(1, dates, 'scotland'), '2020-01-08');
  });

  it('skips Good Friday and Easter Monday', () => {
    // Ack Mon 15 Apr 2019: Tue 16 (1), Wed 17 (2), Thu 18 (3), Good Friday 19, Easter Monday 22,
    // Tue 23 (4), Wed 24 (5), Thu 25 (6), Fri 26 (7), Mon 29 (8), Tue 30 (9), Wed 1 May (10).
    const dates = { receivedOn: '2019-04-12', acknowledgedOn: '2019-04-15', extendedTo: null };
    assert.equal(responseDeadline(1, dates, E), '2019-05-01');
    assert.equal(respondedInTime(1, { ...dates, respondedOn: '2019-05-02' }, E), false);
  });

  it('counts from the 5th working day after receipt when no acknowledgement is recorded', () => {
    // Received Mon 2 Dec 2019; the 5th working day is Mon 9 Dec; 10 more: Mon 23 Dec.
    assert.equal(responseDeadline(1, { receivedOn: '2019-12-02', ...none }, E), '2019-12-23');
    // Received on a Saturday: the 5th working day is Fri 13 Dec 2019 (Mon 9 … Fri 13), then Mon 16 … Fri 27,
    // skipping Christmas: Mon 16 (1) … Fri 20 (5), Mon 23 (6), Tue 24 (7), Fri 27 (8), Mon 30 (9), Tue 31 (10).
    assert.equal(responseDeadline(1, { receivedOn: '2019-12-07', ...none }, E), '2019-12-31');
  });

  it('moves the deadline to an extension, never more than 10 further working days', () => {
    // Ack Mon 3 Jun 2019: deadline Mon 17 Jun; the cap is 10 working days later, Mon 1 Jul.
    const base = { receivedOn: '2019-05-31', acknowledgedOn: '2019-06-03' };
    assert.equal(responseDeadline(1, { ...base, extendedTo: null }, E), '2019-06-17');
    assert.equal(responseDeadline(1, { ...base, extendedTo: '2019-06-21' }, E), '2019-06-21');
    assert.equal(
      respondedInTime(1, { ...base, extendedTo: '2019-06-21', respondedOn: '2019-06-24' }, E),
      false,
    );
    // An "extension" before the deadline changes nothing.
    assert.equal(responseDeadline(1, { ...base, extendedTo: '2019-06-14' }, E), '2019-06-17');
    // The cap.
    assert.equal(responseDeadline(1, { ...base, extendedTo: '2019-07-31' }, E), '2019-07-01');
    assert.equal(
      respondedInTime(1, { ...base, extendedTo: '2019-07-31', respondedOn: '2019-07-02' }, E),
      false,
    );
  });

  it('gives stage 2 twenty working days and an extension of twenty at most', () => {
    // Ack Mon 2 Sep 2019: Tue 3 … Fri 6 (4), 9–13 (9), 16–20 (14), 23–27 (19), Mon 30 Sep (20).
    const base = { receivedOn: '2019-08-30', acknowledgedOn: '2019-09-02' };
    assert.equal(responseDeadline(2, { ...base, extendedTo: null }, E), '2019-09-30');
    // The cap: Oct 1–4 (4), 7–11 (9), 14–18 (14), 21–25 (19), Mon 28 Oct (20).
    assert.equal(responseDeadline(2, { ...base, extendedTo: '2019-12-01' }, E), '2019-10-28');
  });

  it('rounds rates to two places and shares to one, null with nothing to divide by', () => {
    assert.equal(perThousand(4, 3000), 1.33);
    assert.equal(perThousand(2, 3000), 0.67);
    assert.equal(perThousand(1, 0), null);
    assert.equal(percentage(2, 3), 66.7);
    assert.equal(percentage(0, 0), null);
    assert.equal(percentage(1, 8), 12.5);
  });
});

describe('the management measures of a year', () => {
  let testDb: TestDatabase;
  let org: Organisation;
  let dir: string;

  const importFile = async (kind: string, csv: string) => {
    const file = path.join(dir, `${kind}-${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(file, csv);
    const lines: string[] = [];
    const code = await runImportCommand(testDb.database, [kind, file, '--org', org.slug], {
      log: (l) => lines.push(l),
    });
    assert.equal(code, 0, lines.join('\n'));
  };
  const measures = (year: number) =>
    testDb.database.withOrganisation(org.id, (tx) => managementMeasures(tx, year));
  const part = (list: Awaited<ReturnType<typeof measures>>, code: string, name: string) =>
    list.find((m) => m.code === code && m.part === name);

  before(async () => {
    installModules(MODULES);
    testDb = await createTestDatabase();
    org = await makeOrganisation(testDb.database);
    dir = mkdtempSync(path.join(tmpdir(), 'coproduce-measures-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await testDb.close();
  });

  it('says null, not 0, when there are no homes and no records', async () => {
    const list = await measures(2019);
    assert.equal(list.length, 8);
    for (const m of list) {
      assert.equal(m.value, null, `${m.code} ${m.part}`);
      assert.equal(m.numerator, 0);
      assert.equal(m.denominator, 0);
    }
    assert.deepEqual(await testDb.database.withOrganisation(org.id, (tx) => homesFor(tx, 2019)), {
      LCRA: null,
      LCHO: null,
    });
  });

  it('works out CH01, CH02, NM01 and RP02 for 2019 to 2020 by hand', async () => {
    await importFile('homes', 'year,tenure,homes\n2019,LCRA,2900\n2019,LCHO,100\n2020,LCRA,3100\n');
    await importFile(
      'complaints',
      [
        'reference,stage,received_on,acknowledged_on,responded_on,extended_to,feedback_offered_on,panel_customer_reps,service_code',
        // In time across Christmas (deadline 7 Jan 2020).
        'A,1,2019-12-17,2019-12-19,2020-01-07,,,,',
        // Late across Easter (deadline 1 May 2019).
        'B,1,2019-04-12,2019-04-15,2019-05-02,,,,',
        // No acknowledgement: in time on the last day (23 Dec 2019).
        'C,1,2019-12-02,,2019-12-23,,,,',
        // Received in the year, responded to in the next: CH01 2019, CH02 2020.
        'D,1,2020-03-20,2020-03-23,2020-04-01,,,,',
        // Received the year before, responded to in this one: CH02 2019 only; in time (deadline 15 Apr).
        'E,1,2019-03-29,2019-04-01,2019-04-10,,,,',
        // Stage 2, extended past the cap, answered within it (cap 28 Oct 2019).
        'A,2,2019-08-30,2019-09-02,2019-10-25,2019-12-01,,,',
        // A stage 3 panel: not one of the Code's stages.
        'A,3,2019-11-01,,2019-11-20,,,2,',
      ].join('\n'),
    );
    await importFile(
      'asb-cases',
      'reference,opened_on,hate_incident\nS1,2019-04-01,no\nS2,2020-03-31,yes\nS3,2020-04-01,yes\n',
    );
    await importFile(
      'repairs',
      [
        'reference,service_code,priority,reported_on,target_on,completed_on,feedback_requested_on',
        'R1,,emergency,2019-06-01,2019-06-02,2019-06-02,',
        'R2,,emergency,2019-06-01,2019-06-02,2019-06-03,',
        'R3,,non_emergency,2019-06-01,2019-06-30,2019-06-29,',
        'R4,,non_emergency,2019-06-01,2019-06-30,2019-06-30,',
        'R5,,non_emergency,2019-06-01,2019-06-30,2019-07-01,',
        // Completed the year before, and not completed: left out.
        'R6,,non_emergency,2019-03-01,2019-03-30,2019-03-31,',
        'R7,,emergency,2019-06-01,2019-06-02,,',
      ].join('\n'),
    );

    const list = await measures(2019);
    // 3,000 homes. Stage 1 received in the year: A, B, C, D → 4 / 3000 × 1000 = 1.33.
    assert.deepEqual(part(list, 'CH01', 'stage1'), {
      code: 'CH01',
      part: 'stage1',
      value: 1.33,
      numerator: 4,
      denominator: 3000,
    });
    assert.deepEqual(part(list, 'CH01', 'stage2'), {
      code: 'CH01',
      part: 'stage2',
      value: 0.33,
      numerator: 1,
      denominator: 3000,
    });
    // Stage 1 responded to in the year: A, B, C, E; in time A, C, E → 75.0.
    assert.deepEqual(part(list, 'CH02', 'stage1'), {
      code: 'CH02',
      part: 'stage1',
      value: 75,
      numerator: 3,
      denominator: 4,
    });
    assert.deepEqual(part(list, 'CH02', 'stage2'), {
      code: 'CH02',
      part: 'stage2',
      value: 100,
      numerator: 1,
      denominator: 1,
    });
    // ASB opened in the year: S1, S2 (hate) → 0.67 and 0.33.
    assert.deepEqual(part(list, 'NM01', 'all'), {
      code: 'NM01',
      part: 'all',
      value: 0.67,
      numerator: 2,
      denominator: 3000,
    });
    assert.deepEqual(part(list, 'NM01', 'hate'), {
      code: 'NM01',
      part: 'hate',
      value: 0.33,
      numerator: 1,
      denominator: 3000,
    });
    // Repairs completed in the year: emergency R1 (in), R2 (late) → 50.0; non-emergency R3, R4 in, R5 late → 66.7.
    assert.deepEqual(part(list, 'RP02', 'emergency'), {
      code: 'RP02',
      part: 'emergency',
      value: 50,
      numerator: 1,
      denominator: 2,
    });
    assert.deepEqual(part(list, 'RP02', 'non_emergency'), {
      code: 'RP02',
      part: 'non_emergency',
      value: 66.7,
      numerator: 2,
      denominator: 3,
    });

    // The next year: D responded late? Ack Mon 23 Mar 2020 + 10 = Mon 6 Apr 2020; 1 Apr is in time.
    const next = await measures(2020);
    assert.deepEqual(part(next, 'CH02', 'stage1'), {
      code: 'CH02',
      part: 'stage1',
      value: 100,
      numerator: 1,
      denominator: 1,
    });
    // LCHO not imported for 2020: LCRA alone, 3,100 homes; S3 opened → 1 / 3100 × 1000 = 0.32.
    assert.deepEqual(part(next, 'NM01', 'hate'), {
      code: 'NM01',
      part: 'hate',
      value: 0.32,
      numerator: 1,
      denominator: 3100,
    });
    assert.equal(part(next, 'RP02', 'emergency')?.value, null);
    assert.deepEqual(await testDb.database.withOrganisation(org.id, (tx) => homesFor(tx, 2020)), {
      LCRA: 3100,
      LCHO: null,
    });
  });

  it("counts by the organisation's nation", async () => {
    const scottish = await makeOrganisation(testDb.database);
    await testDb.database.withOrganisation(scottish.id, (tx) =>
      updateSettings(tx, { userId: null, label: 'test', ip: null }, scottish.id, {
        nation: 'scotland',
      }),
    );
    const previous = org;
    org = scottish;
    try {
      // Answered on Wed 8 Jan 2020: late in England (deadline 7 Jan), in time in Scotland (2 Jan is a holiday).
      await importFile(
        'complaints',
        'reference,stage,received_on,acknowledged_on,responded_on\nS-1,1,2019-12-17,2019-12-19,2020-01-08\n',
      );
      const list = await measures(2019);
      assert.equal(part(list, 'CH02', 'stage1')?.value, 100);
    } finally {
      org = previous;
    }
  });
});
