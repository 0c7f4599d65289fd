import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { MODULES } from '../../modules.ts';
import { createApiToken } from '../../platform/api/index.ts';
import { rowsOf } from '../../platform/db/index.ts';
import { runImportCommand } from '../../platform/imports/index.ts';
import { installModules } from '../../platform/manifest.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { findTemplate, surveyTables } from '../surveys/index.ts';
import { seededRandom } from '../../demo/random.ts';
import { tsmCommand } from './cli.ts';
import { seedTsmDemo } from './demo.ts';
import { tsmResults } from './service.ts';
import {
  achievedMargin,
  requiredMargin,
  requiredResponses,
  sampleCheck,
  tpMeasures,
  type TsmResponse,
} from './measures.ts';

/**
 * The Tenant Satisfaction Measures end to end: TP01–TP12 on a fixture worked
 * out by hand (below), weighting, the sample check against the reference's
 * bands, the import (problems by line and column, nothing saved, idempotent),
 * the tsm-perception survey responses, the command's JSON, the API with a
 * token, and the staff pages.
 */

const TP = [
  'TP01',
  'TP02',
  'TP03',
  'TP04',
  'TP05',
  'TP06',
  'TP07',
  'TP08',
  'TP09',
  'TP10',
  'TP11',
  'TP12',
];
const HEADER = `respondent_ref,tenure,collected_on,method,repair_12m,complaint_12m,communal_areas,${TP.join(',')}`;

/*
 * The fixture: five LCRA and three LCHO respondents in 2025 to 2026.
 * Columns: ref, tenure, date, method, repair, complaint, communal, TP01 … TP12.
 * vs = very_satisfied, fs = fairly_satisfied, ne = neither,
 * fd = fairly_dissatisfied, vd = very_dissatisfied, dk = dont_know,
 * na = not_applicable, sa = strongly_agree, ag = agree, di = disagree,
 * sd = strongly_disagree, '' = blank.
 *
 *      tenure rep com comm TP01 TP02 TP03 TP04 TP05 TP06 TP07 TP08 TP09 TP10 TP11 TP12
 * R1   LCRA   yes yes yes  vs   fs   ne   vs   dk   fs   vd   sa   fd   vs   na   ''
 * R2   LCRA   no  no  no   fs   ''   ''   fd   vs   ne   fs   ag   ''   ''   fs   dk
 * R3   LCRA   yes no  yes  ne   vs   vd   ''   fs   dk   na   ne   ''   fd   vd   vs
 * R4   LCRA   yes yes no   vd   fd   fs   ne   vd   vs   ''   dk   vs   ''   ne   fd
 * R5   LCRA   ''  ''  ''   ''   ''   ''   ''   na   ''   ''   ''   ''   ''   ''   ''
 * H1   LCHO   ''  yes yes  fs   ''   ''   ''   ne   vs   fs   di   ne   fs   dk   na
 * H2   LCHO   yes no  no   vd   vs   ''   vs   fs   fd   ''   sa   ''   ''   vs   ne
 * H3   LCHO   no  no  yes  vs   ''   ''   ''   vs   na   vd   sd   ''   vd   fs   dk
 *
 * LCRA, numerator / denominator (only the five substantive answers count):
 *   TP01 R1 vs+, R2 fs+, R3 ne, R4 vd (R5 blank)           2/4 = 50.0
 *   TP02 only repair yes (R1, R3, R4): fs+, vs+, fd         2/3 = 66.7
 *   TP03 only repair yes: ne, vd, fs+                       1/3 = 33.3
 *   TP04 R1 vs+, R2 fd, R4 ne (R3 blank)                    1/3 = 33.3
 *   TP05 R2 vs+, R3 fs+, R4 vd (R1 dk, R5 na out)           2/3 = 66.7
 *   TP06 R1 fs+, R2 ne, R4 vs+ (R3 dk out)                  2/3 = 66.7
 *   TP07 R1 vd, R2 fs+ (R3 na, R4 blank out)                1/2 = 50.0
 *   TP08 R1 sa+, R2 ag+, R3 ne (R4 dk out)                  2/3 = 66.7
 *   TP09 only complaint yes (R1, R4): fd, vs+               1/2 = 50.0
 *   TP10 only communal yes (R1, R3): vs+, fd                1/2 = 50.0
 *   TP11 R2 fs+, R3 vd, R4 ne (R1 na out)                   1/3 = 33.3
 *   TP12 R3 vs+, R4 fd (R1 blank, R2 dk out)                1/2 = 50.0
 * LCHO (TP02–TP04 are reported for LCRA only, so H2's answers to them count nowhere):
 *   TP01 fs+, vd, vs+                                       2/3 = 66.7
 *   TP05 ne, fs+, vs+                                       2/3 = 66.7
 *   TP06 vs+, fd (H3 na out)                                1/2 = 50.0
 *   TP07 fs+, vd (H2 blank out)                             1/2 = 50.0
 *   TP08 di, sa+, sd                                        1/3 = 33.3
 *   TP09 only complaint yes (H1): ne                        0/1 = 0.0
 *   TP10 only communal yes (H1, H3): fs+, vd                1/2 = 50.0
 *   TP11 vs+, fs+ (H1 dk out)                               2/2 = 100.0
 *   TP12 ne (H1 na, H3 dk out)                              0/1 = 0.0
 */
const FIXTURE = [
  'R1,LCRA,2025-05-01,telephone,yes,yes,yes,very_satisfied,fairly_satisfied,neither,very_satisfied,dont_know,fairly_satisfied,very_dissatisfied,strongly_agree,fairly_dissatisfied,very_satisfied,not_applicable,',
  'R2,LCRA,2025-05-02,telephone,no,no,no,fairly_satisfied,,,fairly_dissatisfied,very_satisfied,neither,fairly_satisfied,agree,,,fairly_satisfied,dont_know',
  'R3,LCRA,2025-06-10,online,yes,no,yes,neither,very_satisfied,very_dissatisfied,,fairly_satisfied,dont_know,not_applicable,neither,,fairly_dissatisfied,very_dissatisfied,very_satisfied',
  'R4,LCRA,2025-07-15,postal,yes,yes,no,very_dissatisfied,fairly_dissatisfied,fairly_satisfied,neither,very_dissatisfied,very_satisfied,,dont_know,very_satisfied,,neither,fairly_dissatisfied',
  'R5,LCRA,2025-07-16,postal,,,,,,,,not_applicable,,,,,,,',
  'H1,LCHO,2025-08-01,online,,yes,yes,fairly_satisfied,,,,neither,very_satisfied,fairly_satisfied,disagree,neither,fairly_satisfied,dont_know,not_applicable',
  'H2,LCHO,2026-01-20,telephone,yes,no,no,very_dissatisfied,very_satisfied,,very_satisfied,fairly_satisfied,fairly_dissatisfied,,strongly_agree,,,very_satisfied,neither',
  'H3,LCHO,2026-03-31,face_to_face,no,no,yes,very_satisfied,,,,very_satisfied,not_applicable,very_dissatisfied,strongly_disagree,,very_dissatisfied,fairly_satisfied,dont_know',
];

const EXPECTED_2025: Array<[string, string, number | null, number, number]> = [
  ['TP01', 'LCRA', 50.0, 2, 4],
  ['TP01', 'LCHO', 66.7, 2, 3],
  ['TP02', 'LCRA', 66.7, 2, 3],
  ['TP03', 'LCRA', 33.3, 1, 3],
  ['TP04', 'LCRA', 33.3, 1, 3],
  ['TP05', 'LCRA', 66.7, 2, 3],
  ['TP05', 'LCHO', 66.7, 2, 3],
  ['TP06', 'LCRA', 66.7, 2, 3],
  ['TP06', 'LCHO', 50.0, 1, 2],
  ['TP07', 'LCRA', 50.0, 1, 2],
  ['TP07', 'LCHO', 50.0, 1, 2],
  ['TP08', 'LCRA', 66.7, 2, 3],
  ['TP08', 'LCHO', 33.3, 1, 3],
  ['TP09', 'LCRA', 50.0, 1, 2],
  ['TP09', 'LCHO', 0.0, 0, 1],
  ['TP10', 'LCRA', 50.0, 1, 2],
  ['TP10', 'LCHO', 50.0, 1, 2],
  ['TP11', 'LCRA', 33.3, 1, 3],
  ['TP11', 'LCHO', 100.0, 2, 2],
  ['TP12', 'LCRA', 50.0, 1, 2],
  ['TP12', 'LCHO', 0.0, 0, 1],
];

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;
let board: TestClient;
let dir: string;

async function importFile(kind: string, csv: string, organisation = org) {
  installModules(MODULES);
  const file = path.join(dir, `${kind}-${randomUUID()}.csv`);
  writeFileSync(file, csv);
  const lines: string[] = [];
  const code = await runImportCommand(testDb.database, [kind, file, '--org', organisation.slug], {
    log: (l) => lines.push(l),
  });
  return { code, output: lines.join('\n') };
}

async function command(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await tsmCommand.run(testDb.database, args, {
    log: () => undefined,
    out: async (text) => void (out += text),
  });
  return { code, out };
}

const tpOf = (
  measures: Array<{
    code: string;
    part: string;
    value: number | null;
    numerator: number;
    denominator: number;
  }>,
) =>
  measures
    .filter((m) => m.code.startsWith('TP'))
    .map((m) => [m.code, m.part, m.value, m.numerator, m.denominator]);

before(async () => {
  installModules(MODULES);
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, {
    slug: 'tsm',
    name: 'TSM Homes',
    welshEnabled: true,
  });
  other = await makeOrganisation(testDb.database, { slug: 'tsm-other' });
  app = await createTestApp(testDb.database, undefined, { defaultOrg: 'tsm' });
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  board = new TestClient(app, signedInAs(org, ['board_member']));
  dir = mkdtempSync(path.join(tmpdir(), 'coproduce-tsm-'));
});
after(async () => {
  await app.close();
  await testDb.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A response as tpMeasures reads it, for the pure tests. */
const response = (over: Partial<TsmResponse>): TsmResponse => ({
  tenure: 'LCRA',
  repair12m: null,
  complaint12m: null,
  communalAreas: null,
  answers: {},
  weight: null,
  collectedOn: '2025-05-01',
  method: 'online',
  source: 'import',
  ...over,
});

describe('TP measures and the sample check (pure)', () => {
  it('gives null, not 0 or 100, where the denominator is zero, and reports TP02–TP04 for LCRA only', () => {
    // One LCRA tenant who said don't know to TP05: every base is empty.
    const measures = tpMeasures([response({ answers: { TP05: 'dont_know' } })]);
    assert.ok(measures.every((m) => m.value === null && m.numerator === 0 && m.denominator === 0));
    assert.deepEqual(
      measures.filter((m) => m.part === 'LCHO').map((m) => m.code),
      ['TP01', 'TP05', 'TP06', 'TP07', 'TP08', 'TP09', 'TP10', 'TP11', 'TP12'],
    );
    assert.equal(measures.length, 12 + 9);
  });

  it('weights by the weight column: sums of weights, a missing weight counting 1', () => {
    // TP01, LCRA: A very satisfied (weight 2), B very dissatisfied (no weight: 1),
    // C don't know (weight 5, out of the base). Weighted 2 / (2 + 1) = 66.7%;
    // unweighted it would be 1 / 2 = 50.0%. The counts stay 1 and 2.
    const measures = tpMeasures([
      response({ answers: { TP01: 'very_satisfied' }, weight: 2 }),
      response({ answers: { TP01: 'very_dissatisfied' } }),
      response({ answers: { TP01: 'dont_know' }, weight: 5 }),
    ]);
    const tp01 = measures.find((m) => m.code === 'TP01' && m.part === 'LCRA')!;
    assert.deepEqual(tp01, {
      code: 'TP01',
      part: 'LCRA',
      value: 66.7,
      numerator: 1,
      denominator: 2,
      weighted_numerator: 2,
      weighted_denominator: 3,
    });
    // Without any weight the same answers give the plain share.
    const plain = tpMeasures([
      response({ answers: { TP01: 'very_satisfied' } }),
      response({ answers: { TP01: 'very_dissatisfied' } }),
    ]).find((m) => m.code === 'TP01' && m.part === 'LCRA')!;
    assert.equal(plain.value, 50);
    assert.equal(plain.weighted_numerator, undefined);
  });

  it("reproduces the reference's sample-size table and bands", () => {
    // uk-standards.md §1.4: fewer than 2,500 homes ±5%, 2,500–24,999 ±4%, 25,000 or more ±3%.
    assert.equal(requiredMargin(999), 5);
    assert.equal(requiredMargin(2499), 5);
    assert.equal(requiredMargin(2500), 4);
    assert.equal(requiredMargin(24_999), 4);
    assert.equal(requiredMargin(25_000), 3);
    // The table's example responses needed (p = 0.5), and Livin's 8,797 homes at ±4%.
    const table: Array<[number, number]> = [
      [1000, 278],
      [2499, 333],
      [2500, 484],
      [8797, 562],
      [24_999, 586],
      [25_000, 1023],
      [50_000, 1045],
    ];
    for (const [homes, needed] of table)
      assert.equal(requiredResponses(homes, requiredMargin(homes)), needed, `${homes} homes`);
    // The achieved margin is the inverse: the required number reaches the margin.
    assert.ok(achievedMargin(562, 8797)! <= 4.0);
    assert.ok(achievedMargin(561, 8797)! > 3.99);
    assert.equal(achievedMargin(0, 8797), null);
    const check = sampleCheck({ LCRA: 278, LCHO: 483 }, { LCRA: 1000, LCHO: 2500 });
    assert.deepEqual(
      check.map((s) => [s.tenure, s.homes, s.margin, s.required, s.achieved, s.met]),
      [
        ['LCRA', 1000, 5, 278, 278, true],
        ['LCHO', 2500, 4, 484, 483, false],
      ],
    );
    assert.deepEqual(
      sampleCheck({ LCRA: 0, LCHO: 0 }, { LCRA: null, LCHO: 0 }).map((s) => [s.required, s.met]),
      [
        [null, null],
        [null, null],
      ],
    );
  });
});

describe('tsm-responses import', () => {
  it('reports every bad row by line, column and reason, and saves nothing', async () => {
    const bad = await importFile(
      'tsm-responses',
      [
        HEADER,
        FIXTURE[0],
        'B1,XYZ,2025-02-30,carrier_pigeon,yes,yes,yes,very_satisfied,,,,,,,,,,,',
        'B2,LCRA,2025-05-01,online,maybe,no,no,happy,,,,,,,not_applicable,,,,',
        'B3,LCRA,2025-05-01,online,no,no,no,,very_satisfied,,,,,,,very_satisfied,,,',
        'R1,LCRA,2025-09-01,online,no,no,no,,,,,,,,,,,,',
      ].join('\n'),
    );
    assert.equal(bad.code, 1, bad.output);
    assert.match(bad.output, /line 3, column tenure: Enter LCRA or LCHO/);
    assert.match(bad.output, /line 3, column collected_on: Enter a real date/);
    assert.match(
      bad.output,
      /line 3, column method: Enter online, telephone, postal or face_to_face/,
    );
    assert.match(bad.output, /line 4, column repair_12m: Enter yes or no/);
    assert.match(bad.output, /line 4, column tp01: Enter very_satisfied, fairly_satisfied/);
    assert.match(bad.output, /line 4, column tp08: Enter strongly_agree, agree/);
    assert.match(bad.output, /line 5, column tp02: Leave this blank unless repair_12m is yes/);
    assert.match(bad.output, /line 5, column tp09: Leave this blank unless complaint_12m is yes/);
    // R1 again in the same financial year (April 2025 to March 2026).
    assert.match(bad.output, /line 6, column respondent_ref: This reference is already used/);
    assert.match(bad.output, /Nothing was saved/);
    const rows = await testDb.database.withOrganisation(org.id, async (tx) =>
      rowsOf(await tx.execute(sql`select id from tsm_responses`)),
    );
    assert.deepEqual(rows, []);
  });

  it('refuses a file without the TP columns, naming each missing one', async () => {
    const bad = await importFile(
      'tsm-responses',
      'respondent_ref,tenure,collected_on,method\nX,LCRA,2025-05-01,online',
    );
    assert.equal(bad.code, 1);
    assert.match(bad.output, /line 1, column repair_12m: The header row has no column/);
    assert.match(bad.output, /line 1, column tp12: The header row has no column/);
  });

  it('offers a template whose example row imports cleanly', async () => {
    const template = await lead.get('/staff/imports/template/tsm-responses.csv');
    assert.equal(template.statusCode, 200);
    assert.match(template.body, /^\uFEFF?respondent_ref,tenure,collected_on,method,repair_12m,/);
    const scratch = await makeOrganisation(testDb.database, { slug: 'tsm-template' });
    const dry = await importFile('tsm-responses', template.body, scratch);
    assert.equal(dry.code, 0, dry.output);
    assert.match(dry.output, /To add 1 tsm-responses/);
  });

  it('imports the fixture, and is idempotent on respondent_ref and year', async () => {
    const csv = [HEADER, ...FIXTURE].join('\n');
    const first = await importFile('tsm-responses', csv);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /To add 8 tsm-responses, update 0, unchanged 0/);
    const again = await importFile('tsm-responses', csv);
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, /To add 0 tsm-responses, update 0, unchanged 8/);
    // The same respondent in another financial year is another response;
    // a changed answer updates the stored one.
    const next = await importFile(
      'tsm-responses',
      [
        HEADER,
        'R1,LCRA,2026-04-02,online,no,no,no,fairly_satisfied,,,,,,,,,,,',
        FIXTURE[1]!.replace(
          'fairly_satisfied,,,fairly_dissatisfied',
          'fairly_satisfied,,,fairly_dissatisfied',
        ),
        FIXTURE[2]!,
      ].join('\n'),
    );
    assert.match(next.output, /To add 1 tsm-responses, update 0, unchanged 2/);
    const counts = await testDb.database.withOrganisation(org.id, async (tx) =>
      rowsOf<{ year: number; n: number }>(
        await tx.execute(
          sql`select year, count(*)::int as n from tsm_responses group by year order by year`,
        ),
      ),
    );
    assert.deepEqual(counts, [
      { year: 2025, n: 8 },
      { year: 2026, n: 1 },
    ]);
    // Nothing of one organisation is seen by another.
    const elsewhere = await testDb.database.withOrganisation(other.id, async (tx) =>
      rowsOf(await tx.execute(sql`select id from tsm_responses`)),
    );
    assert.deepEqual(elsewhere, []);
  });

  it('updates a stored response whose answers changed', async () => {
    const changed = FIXTURE[4]!.replace(
      'postal,,,,,,,,not_applicable',
      'postal,,,,fairly_satisfied,,,,not_applicable',
    );
    const res = await importFile('tsm-responses', [HEADER, changed].join('\n'));
    assert.match(res.output, /To add 0 tsm-responses, update 1, unchanged 0/);
    // Put R5 back as the fixture has it (TP01 blank).
    const back = await importFile('tsm-responses', [HEADER, FIXTURE[4]].join('\n'));
    assert.match(back.output, /update 1/);
  });
});

describe('coproduce tsm and /api/v1/tsm', () => {
  it('computes the hand-worked fixture, with the management measures and the sample check', async () => {
    const homes = await importFile('homes', 'year,tenure,homes\n2025,LCRA,1000\n2025,LCHO,2500');
    assert.equal(homes.code, 0, homes.output);
    const { code, out } = await command(['--org', 'tsm', '--year', '2025', '--json']);
    assert.equal(code, 0);
    const json = JSON.parse(out);
    assert.deepEqual(Object.keys(json), ['year', 'measures', 'sample', 'weighting']);
    assert.equal(json.year, 2025);
    assert.deepEqual(tpOf(json.measures), EXPECTED_2025);
    // CH01, CH02, NM01 and RP02 from operations: no records, 3,500 homes.
    assert.deepEqual(
      json.measures
        .filter((m: { code: string }) => !m.code.startsWith('TP'))
        .map((m: { code: string; part: string; value: number | null; denominator: number }) => [
          m.code,
          m.part,
          m.value,
          m.denominator,
        ]),
      [
        ['CH01', 'stage1', 0, 3500],
        ['CH01', 'stage2', 0, 3500],
        ['CH02', 'stage1', null, 0],
        ['CH02', 'stage2', null, 0],
        ['NM01', 'all', 0, 3500],
        ['NM01', 'hate', 0, 3500],
        ['RP02', 'emergency', null, 0],
        ['RP02', 'non_emergency', null, 0],
      ],
    );
    assert.deepEqual(json.sample, [
      {
        tenure: 'LCRA',
        homes: 1000,
        margin: 5,
        required: 278,
        achieved: 5,
        achieved_margin: 43.7,
        met: false,
      },
      {
        tenure: 'LCHO',
        homes: 2500,
        margin: 4,
        required: 484,
        achieved: 3,
        achieved_margin: 56.6,
        met: false,
      },
    ]);
    assert.deepEqual(json.weighting, { applied: false, characteristics: null });
  });

  it('counts the tsm-perception survey responses beside the imported ones', async () => {
    // One LCHO response to a survey made from the template, by phone, with
    // complaint_12m yes: TP01 fairly satisfied and TP09 very satisfied.
    // LCHO TP01 becomes 3/4 = 75.0 and TP09 1/2 = 50.0; nothing else moves.
    // A partial response and one from 2024 count nowhere.
    const template = findTemplate('tsm-perception')!;
    await testDb.database.withOrganisation(org.id, async (tx) => {
      const [survey] = await tx
        .insert(surveyTables.surveys)
        .values({
          organisationId: org.id,
          title: 'Tenant satisfaction survey',
          template: 'tsm-perception',
          status: 'published',
          draft: template.definition,
          currentVersion: 1,
        })
        .returning({ id: surveyTables.surveys.id });
      const [version] = await tx
        .insert(surveyTables.surveyVersions)
        .values({
          organisationId: org.id,
          surveyId: survey!.id,
          version: 1,
          definition: template.definition,
        })
        .returning({ id: surveyTables.surveyVersions.id });
      const answer = async (
        status: string,
        collectedOn: string,
        answers: Record<string, string>,
      ) => {
        const [r] = await tx
          .insert(surveyTables.surveyResponses)
          .values({
            organisationId: org.id,
            surveyId: survey!.id,
            versionId: version!.id,
            method: 'phone',
            status,
            tokenHash: randomUUID(),
            tenure: answers.tenure,
            collectedOn,
          })
          .returning({ id: surveyTables.surveyResponses.id });
        if (status === 'complete')
          await tx.insert(surveyTables.surveyAnswers).values(
            Object.entries(answers).map(([questionCode, choice]) => ({
              organisationId: org.id,
              responseId: r!.id,
              surveyId: survey!.id,
              questionCode,
              choice,
            })),
          );
      };
      const lcho = {
        tenure: 'LCHO',
        complaint_12m: 'yes',
        communal_areas: 'no',
        TP01: 'fairly_satisfied',
        TP09: 'very_satisfied',
      };
      await answer('complete', '2025-10-01', lcho);
      await answer('partial', '2025-10-02', lcho);
      await answer('complete', '2025-03-31', lcho);
    });
    const { out } = await command(['--org', 'tsm', '--year', '2025', '--json']);
    const json = JSON.parse(out);
    const expected = EXPECTED_2025.map((row) =>
      row[0] === 'TP01' && row[1] === 'LCHO'
        ? ['TP01', 'LCHO', 75.0, 3, 4]
        : row[0] === 'TP09' && row[1] === 'LCHO'
          ? ['TP09', 'LCHO', 50.0, 1, 2]
          : row,
    );
    assert.deepEqual(tpOf(json.measures), expected);
    assert.equal(json.sample[1].achieved, 4);
  });

  it('refuses the command without --org or a year, and an unknown organisation', async () => {
    await assert.rejects(command(['--year', '2025']), /--org SLUG/);
    await assert.rejects(command(['--org', 'tsm', '--year', '25']), /--year YYYY/);
    await assert.rejects(command(['--org', 'nobody', '--year', '2025']), /no organisation/);
  });

  it('answers /api/v1/tsm with a token that may tsm:view, in the same shape', async () => {
    const anon = await app.inject({ url: '/api/v1/tsm?year=2025' });
    assert.equal(anon.statusCode, 401);
    const token = await testDb.database.withOrganisation(org.id, (tx) =>
      createApiToken(
        tx,
        { userId: null, label: 'test', ip: null },
        { name: 'Reports', actions: ['tsm:view'] },
      ),
    );
    const res = await app.inject({
      url: '/api/v1/tsm?year=2025',
      headers: { authorization: `Bearer ${token.token}` },
    });
    assert.equal(res.statusCode, 200, res.body);
    const json = res.json();
    assert.equal(json.year, 2025);
    assert.deepEqual(json.measures[0], {
      code: 'TP01',
      part: 'LCRA',
      value: 50,
      numerator: 2,
      denominator: 4,
    });
    assert.equal(json.sample.length, 2);
    const noYear = await app.inject({
      url: '/api/v1/tsm',
      headers: { authorization: `Bearer ${token.token}` },
    });
    assert.equal(noYear.statusCode, 400);
    assert.equal(noYear.json().error.code, 'BAD_YEAR');
    // A token of another organisation is unknown here.
    const otherToken = await testDb.database.withOrganisation(other.id, (tx) =>
      createApiToken(
        tx,
        { userId: null, label: 'test', ip: null },
        { name: 'Elsewhere', actions: ['tsm:view'] },
      ),
    );
    const refused = await app.inject({
      url: '/api/v1/tsm?year=2025',
      headers: { authorization: `Bearer ${otherToken.token}` },
    });
    assert.equal(refused.statusCode, 401);
  });

  it('weights the figures when the responses carry weights, naming the characteristics once saved', async () => {
    // 2024 to 2025: two LCRA tenants; W1 very satisfied with weight 3, W2 fairly
    // dissatisfied with weight 1: TP01 = 3 / 4 = 75.0 (unweighted 1 / 2).
    const csv = [
      `${HEADER},weight`,
      'W1,LCRA,2024-06-01,online,no,no,no,very_satisfied,,,,,,,,,,,,3',
      'W2,LCRA,2024-06-02,online,no,no,no,fairly_dissatisfied,,,,,,,,,,,,1',
    ].join('\n');
    const res = await importFile('tsm-responses', csv);
    assert.equal(res.code, 0, res.output);
    let json = JSON.parse((await command(['--org', 'tsm', '--year', '2024', '--json'])).out);
    assert.deepEqual(json.measures[0], {
      code: 'TP01',
      part: 'LCRA',
      value: 75,
      numerator: 1,
      denominator: 2,
      weighted_numerator: 3,
      weighted_denominator: 4,
    });
    assert.deepEqual(json.weighting, { applied: true, characteristics: null });
    const page = await lead.get('/staff/tsm?year=2024');
    assert.match(page.body, /weighting characteristics are not named yet/);
    const saved = await lead.post(
      '/staff/tsm/approach',
      {
        year: '2024',
        weightingCharacteristics: 'age and area',
        body: 'Weighted by age and area.',
        intent: 'save',
      },
      { from: '/staff/tsm/approach?year=2024' },
    );
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 400));
    json = JSON.parse((await command(['--org', 'tsm', '--year', '2024', '--json'])).out);
    assert.deepEqual(json.weighting, { applied: true, characteristics: 'age and area' });
  });
});

describe('the staff pages', () => {
  it('shows the measures with numerator and denominator, the sample check and a drafted summary', async () => {
    const res = await board.get('/staff/tsm?year=2025');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1 class="govuk-heading-l">Tenant Satisfaction Measures<\/h1>/);
    assert.match(res.body, /50\.0% \(2 of 4\)/);
    assert.match(res.body, /75\.0% \(3 of 4\)/);
    assert.match(res.body, /Not reported for shared ownership/);
    assert.match(res.body, /0\.00 per 1,000 homes \(0 for 3,500 homes\)/);
    assert.match(res.body, /role="region" aria-labelledby="tsm-perception-caption"/);
    assert.match(res.body, /Achieved sample size: 9 responses: 5 from tenants/);
    assert.match(
      res.body,
      /Collection methods: telephone \(4\); online \(2\); postal \(2\); face to face \(1\)\./,
    );
    assert.match(res.body, /LCRA: 5 responses from 1,000 homes, fewer than the 278 needed/);
    assert.match(res.body, /\[Give the reasons the required sample size was not met\.\]/);
    // A board member reads; only leads and administrators edit.
    assert.doesNotMatch(res.body, /Edit the summary of approach/);
    assert.equal((await board.get('/staff/tsm/approach?year=2025')).statusCode, 403);
    assert.match((await lead.get('/staff/tsm?year=2025')).body, /Edit the summary of approach/);
    // In Welsh, the strings with no trusted translation say they are English.
    const welsh = new TestClient(app, signedInAs(org, ['board_member']));
    const cy = await welsh.get('/staff/tsm?year=2025&lang=cy');
    assert.match(
      cy.body,
      /<h1 class="govuk-heading-l"><span lang="en">Tenant Satisfaction Measures<\/span><\/h1>/,
    );
    assert.match(cy.body, /<div class="app-summary-of-approach" lang="en">/);
  });

  it('drafts the summary again from the answers without saving, refuses a bad number, then saves and audits it', async () => {
    const form = await lead.get('/staff/tsm/approach?year=2025');
    assert.equal(form.statusCode, 200);
    assert.match(
      form.body,
      /Timing of the survey: Responses were collected from 1 May 2025 to 31 March 2026\./,
    );
    const drafted = await lead.post(
      '/staff/tsm/approach',
      {
        year: '2025',
        contractor: 'Acme Research collected the answers by telephone.',
        intent: 'draft',
        body: 'old',
      },
      { from: '/staff/tsm/approach?year=2025' },
    );
    assert.equal(drafted.statusCode, 200);
    assert.match(
      drafted.body,
      /External contractor: Acme Research collected the answers by telephone\./,
    );
    const none = await testDb.database.withOrganisation(org.id, async (tx) =>
      rowsOf(await tx.execute(sql`select id from tsm_approaches where year = 2025`)),
    );
    assert.deepEqual(none, [], 'drafting saves nothing');
    const refused = await lead.post(
      '/staff/tsm/approach',
      { year: '2025', excludedHouseholds: 'some', body: 'Text', intent: 'save' },
      { from: '/staff/tsm/approach?year=2025' },
    );
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Enter the number of households as a whole number/);
    const saved = await lead.post(
      '/staff/tsm/approach',
      {
        year: '2025',
        excludedHouseholds: '12',
        exclusionReason: 'legal dispute',
        body: 'Our approach.\n\nSecond paragraph.',
        intent: 'save',
      },
      { from: '/staff/tsm/approach?year=2025' },
    );
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, '/staff/tsm?year=2025&saved=1#approach');
    const page = await lead.get('/staff/tsm?year=2025&saved=1');
    assert.match(page.body, /The summary of approach is saved/);
    assert.match(
      page.body,
      /<p class="govuk-body">Our approach\.<\/p><p class="govuk-body">Second paragraph\.<\/p>/,
    );
    const audited = await testDb.database.withOrganisation(org.id, async (tx) =>
      rowsOf<{ action: string }>(
        await tx.execute(
          sql`select action from audit_log where entity = 'tsm_approach' order by id`,
        ),
      ),
    );
    assert.ok(audited.some((a) => a.action === 'create'));
  });
});

describe('the tsm demo', () => {
  it("surveys last year: enough LCRA responses for operations' demo homes, LCHO short", async () => {
    const demoOrg = await makeOrganisation(testDb.database, { slug: 'tsm-demo' });
    const random = seededRandom(12);
    await testDb.database.withOrganisation(demoOrg.id, (tx) =>
      seedTsmDemo(tx, {
        organisationId: demoOrg.id,
        today: '2026-12-02',
        random: random.next,
        userIds: {},
      }),
    );
    // The homes operations' demo gives 2025: LCRA 2,380 (±5%: 331 needed), LCHO 290 (165).
    const homes = await importFile(
      'homes',
      'year,tenure,homes\n2025,LCRA,2380\n2025,LCHO,290',
      demoOrg,
    );
    assert.equal(homes.code, 0, homes.output);
    const results = await testDb.database.withOrganisation(demoOrg.id, (tx) =>
      tsmResults(tx, 2025),
    );
    assert.deepEqual(
      results.sample.map((s) => [s.tenure, s.required, s.achieved, s.met]),
      [
        ['LCRA', 331, 340, true],
        ['LCHO', 165, 150, false],
      ],
    );
    const tp01 = results.measures.find((m) => m.code === 'TP01' && m.part === 'LCRA')!;
    assert.ok(tp01.value! > 55 && tp01.value! < 85, `TP01 ${tp01.value}`);
  });
});
