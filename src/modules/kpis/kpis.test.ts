import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { MODULES } from '../../modules.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { installModules } from '../../platform/manifest.ts';
import { financialQuarter, financialYear } from '../../platform/periods/index.ts';
import { computeStatistic, StatisticError } from '../../platform/statistics/index.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { kpisCommand } from './cli.ts';
import { computeHeadcounts, computeKpis, computeMeasures, percentage } from './engine.ts';

/**
 * Every KPI on fixtures worked out by hand (financial year 2019 is 1 April
 * 2019 to 31 March 2020), with the records' dates at the period's edges,
 * the audit types left out, and periods with nothing to divide by.
 */

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
const ids: Record<string, string> = {};

async function inOrg<T>(fn: (tx: Queryable) => Promise<T>, organisation = org): Promise<T> {
  return testDb.database.withOrganisation(organisation.id, fn);
}

async function one<T>(tx: Queryable, query: ReturnType<typeof sql>): Promise<T> {
  return rowsOf<T>(await tx.execute(query))[0]!;
}

async function seed(tx: Queryable): Promise<void> {
  for (const [code, specialism, area] of [
    ['S1', 'mental_health', 'North'],
    ['S2', 'older_people', 'South'],
  ] as const) {
    const row = await one<{ id: string }>(
      tx,
      sql`insert into services (organisation_id, code, name, type, specialism, area)
        values (app_organisation_id(), ${code}, ${`Service ${code}`}, 'hostel', ${specialism}, ${area}) returning id`,
    );
    ids[code] = row.id;
  }
  const S1 = ids.S1!;
  const S2 = ids.S2!;
  const list = (items: string[]) =>
    sql`array[${sql.join(
      items.map((i) => sql`${i}`),
      sql`, `,
    )}]::text[]`;
  // Recruitments: (reference, closed_on, involvement, service).
  const recruitments: Array<[string, string | null, string[], string]> = [
    ['R1', '2019-04-01', ['interview_panel'], S1], // first day of the year: involved
    ['R2', '2019-06-30', [], S1], // last day of Q1: not involved
    ['R3', '2020-03-31', ['shortlisting'], S2], // last day of the year: involved
    ['R4', '2020-04-01', ['interview_panel'], S1], // next year
    ['R5', '2019-03-31', [], S1], // year 2018, not involved
    ['R6', null, ['interview_panel'], S1], // not closed
    ['R7', '2019-10-10', ['question_setting', 'shortlisting'], S2], // involved
  ];
  for (const [reference, closed, involvement, service] of recruitments)
    await tx.execute(sql`insert into recruitments (organisation_id, reference, title, service_id, opened_on, closed_on, involvement)
      values (app_organisation_id(), ${reference}, ${`Post ${reference}`}, ${service}, '2019-01-01', ${closed}, ${involvement.length ? list(involvement) : sql`'{}'::text[]`})`);
  // Audits: (reference, type, completed_on, quality checkers).
  const audits: Array<[string, string, string, number]> = [
    ['A1', 'standard', '2019-05-01', 1],
    ['A2', 'thematic', '2019-08-01', 0],
    ['A3', 'implementation', '2019-09-01', 2], // left out
    ['A4', 'follow_up', '2019-09-02', 1], // left out
    ['A5', 'regulatory', '2019-09-03', 1], // left out
    ['A6', 'retender', '2019-09-04', 1], // left out
    ['A7', 'standard', '2020-02-01', 0],
  ];
  for (const [reference, type, completed, checkers] of audits)
    await tx.execute(sql`insert into quality_audits (organisation_id, reference, service_id, audit_type, completed_on, customer_quality_checkers)
      values (app_organisation_id(), ${reference}, ${S1}, ${type}, ${completed}, ${checkers})`);
  // Complaint stages: (reference, stage, responded_on, feedback offered, panel reps).
  const stages: Array<[string, number, string | null, string | null, number | null]> = [
    ['C1', 3, '2019-05-01', null, 2],
    ['C2', 3, '2019-07-01', null, 1],
    ['C3', 3, '2019-09-01', null, 0],
    ['C4', 3, null, null, 2], // not responded to
    ['C5', 3, '2020-04-02', null, 2], // next year
    ['C1', 1, '2019-04-10', '2019-04-11', null],
    ['C2', 1, '2019-04-20', null, null], // offered by a triggered survey (a link)
    ['C3', 1, '2019-12-20', null, null],
    ['C6', 1, '2018-12-01', '2018-12-02', null], // year 2018
  ];
  for (const [reference, stage, responded, offered, reps] of stages) {
    const row = await one<{ id: string }>(
      tx,
      sql`insert into complaint_stages (organisation_id, reference, stage, received_on, responded_on, feedback_offered_on, panel_customer_reps, service_id)
        values (app_organisation_id(), ${reference}, ${stage}, '2018-11-01', ${responded}, ${offered}, ${reps}, ${S1}) returning id`,
    );
    ids[`${reference}-${stage}`] = row.id;
  }
  await tx.execute(sql`insert into record_links (organisation_id, from_kind, from_id, name, to_kind, to_id)
    values (app_organisation_id(), 'surveys.invitation', gen_random_uuid(), 'feedback-offered', 'operations.complaint', ${ids['C2-1']!})`);
  // Repairs: (reference, completed_on, feedback_requested_on).
  const repairs: Array<[string, string | null, string | null]> = [
    ['P1', '2019-04-05', '2019-04-06'],
    ['P2', '2019-05-05', null],
    ['P3', '2020-03-31', '2020-04-02'], // asked just after the year: still counts for the repair
    ['P4', null, null],
    ['P5', '2020-04-01', '2020-04-01'],
  ];
  for (const [reference, completed, requested] of repairs)
    await tx.execute(sql`insert into repairs (organisation_id, reference, service_id, priority, reported_on, target_on, completed_on, feedback_requested_on)
      values (app_organisation_id(), ${reference}, ${S2}, 'non_emergency', '2019-03-01', '2019-04-30', ${completed}, ${requested})`);
  // Volunteer obligations: (reference, period_end, required, delivered).
  const obligations: Array<[string, string, number, number]> = [
    ['V1', '2019-06-30', 10, 10],
    ['V2', '2019-09-30', 10, 9],
    ['V3', '2020-03-31', 5, 6],
    ['V4', '2020-04-30', 1, 1],
  ];
  for (const [reference, end, required, delivered] of obligations)
    await tx.execute(sql`insert into volunteer_obligations (organisation_id, reference, service_id, period_start, period_end, required, delivered)
      values (app_organisation_id(), ${reference}, ${S1}, '2019-01-01', ${end}, ${required}, ${delivered})`);

  // The register: 9 panel members (one ended on 30 June, still held that day; one starts on 1 July).
  const person = async (reference: string, erased = false) =>
    (
      await one<{ id: string }>(
        tx,
        sql`insert into people (organisation_id, reference, first_name, last_name, erased_at)
        values (app_organisation_id(), ${reference}, 'Person', ${reference}, ${erased ? sql`now()` : null}) returning id`,
      )
    ).id;
  const role = (personId: string, code: string, started: string, ended: string | null = null) =>
    tx.execute(sql`insert into person_roles (organisation_id, person_id, role, started_on, ended_on)
      values (app_organisation_id(), ${personId}, ${code}, ${started}, ${ended})`);
  const training = (
    personId: string,
    module: string,
    completed: string,
    expires: string | null = null,
  ) =>
    tx.execute(sql`insert into person_training (organisation_id, person_id, module, completed_on, expires_on)
      values (app_organisation_id(), ${personId}, ${module}, ${completed}, ${expires})`);
  for (let i = 1; i <= 9; i += 1) {
    const id = await person(`PM${i}`);
    if (i === 1) await role(id, 'panel_member', '2018-01-01', '2019-06-30');
    else if (i === 9) await role(id, 'panel_member', '2019-07-01');
    else await role(id, 'panel_member', '2019-01-01');
  }
  // A co-chair whose chairing training came after 30 June 2019.
  const chair = await person('CC1');
  await role(chair, 'co_chair', '2019-05-01');
  await training(chair, 'chairing', '2019-07-01');
  // 16 quality checkers: 15 trained by 31 March 2019, one the day after; one more erased.
  for (let i = 1; i <= 16; i += 1) {
    const id = await person(`QC${i}`);
    await role(id, 'quality_checker', '2018-06-01');
    await training(id, 'quality_checking', i === 16 ? '2019-04-01' : '2019-02-01');
  }
  const erased = await person('QC17', true);
  await role(erased, 'quality_checker', '2018-06-01');
  await training(erased, 'quality_checking', '2019-02-01');
}

before(async () => {
  installModules(MODULES);
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo' });
  other = await makeOrganisation(testDb.database, {
    slug: 'kpi-other',
    hostNames: ['other.example'],
  });
  await inOrg(seed);
  app = await createTestApp(testDb.database);
});
after(async () => {
  await app?.close();
  await testDb?.close();
});

const byCode = <T extends { code: string }>(rows: T[]) => new Map(rows.map((r) => [r.code, r]));

describe('percentage', () => {
  it('gives one decimal place, and null (never 0% or 100%) with nothing to divide by', () => {
    assert.equal(percentage(2, 3), 66.7);
    assert.equal(percentage(1, 3), 33.3);
    assert.equal(percentage(0, 4), 0);
    assert.equal(percentage(0, 0), null);
    assert.equal(percentage(3, 0), null);
  });
});

describe('the seed KPIs on hand-worked fixtures', () => {
  it('computes financial year 2019 (April 2019 to March 2020)', async () => {
    const kpis = byCode(
      await inOrg((tx) => computeKpis(tx, financialYear(2019), {}, { trend: 0 })),
    );
    const shown = (code: string) => {
      const k = kpis.get(code)!;
      return [k.numerator, k.denominator, k.value, k.status];
    };
    // R1 (1 April), R3 (31 March) and R7 involved; R2 not; R4, R5, R6 outside: 3 of 4.
    assert.deepEqual(shown('recruitment_involvement'), [3, 4, 75, 'amber']);
    // A1 of A1, A2, A7; implementation, follow-up, regulatory and retender left out: 1 of 3.
    assert.deepEqual(shown('audits_with_quality_checker'), [1, 3, 33.3, 'amber']);
    // Stage 3 responded in the year: C1 (2 reps), C2 (1), C3 (0); C4 not responded, C5 next year.
    assert.deepEqual(shown('complaint_panels_with_customer'), [2, 3, 66.7, 'red']);
    assert.deepEqual(shown('complaint_panels_with_two_customers'), [1, 3, 33.3, 'red']);
    // Stage 1: C1 (a date), C2 (a survey's link) of C1, C2, C3; C6 is 2018's.
    assert.deepEqual(shown('complainants_offered_feedback'), [2, 3, 66.7, 'red']);
    // P1 and P3 (asked after the year ended, for a repair completed in it) of P1, P2, P3.
    assert.deepEqual(shown('repairs_feedback_sought'), [2, 3, 66.7, 'green']);
    // V1 and V3 met of V1, V2, V3; V4 ends the next year.
    assert.deepEqual(shown('volunteer_obligations_met'), [2, 3, 66.7, 'red']);
  });

  it('tells a real 0% from no data, and never shows 0% or 100% with nothing to divide by', async () => {
    const kpis = byCode(
      await inOrg((tx) => computeKpis(tx, financialYear(2018), {}, { trend: 0 })),
    );
    // R5 closed 31 March 2019 without involvement: 0 of 1.
    const recruitment = kpis.get('recruitment_involvement')!;
    assert.deepEqual([recruitment.value, recruitment.status], [0, 'red']);
    // Nothing else in 2018 but C6's stage 1, offered feedback: 1 of 1.
    assert.equal(kpis.get('complainants_offered_feedback')!.value, 100);
    for (const code of [
      'audits_with_quality_checker',
      'repairs_feedback_sought',
      'complaint_panels_with_customer',
    ]) {
      const k = kpis.get(code)!;
      assert.deepEqual([k.value, k.denominator, k.status], [null, 0, 'no-data'], code);
    }
  });

  it('reads a quarter (April to June 2019) apart from the year, and judges the audits only on a year', async () => {
    const q1 = byCode(
      await inOrg((tx) => computeKpis(tx, financialQuarter(2019, 1), {}, { trend: 0 })),
    );
    // R1 (1 April) and R2 (30 June): 1 of 2.
    assert.deepEqual(
      [q1.get('recruitment_involvement')!.value, q1.get('recruitment_involvement')!.status],
      [50, 'red'],
    );
    // A1 alone: 100%, but the audits are judged at the end of Q4 on the whole year.
    const audits = q1.get('audits_with_quality_checker')!;
    assert.deepEqual([audits.value, audits.status], [100, 'not-judged']);
    const q2 = byCode(
      await inOrg((tx) => computeKpis(tx, financialQuarter(2019, 2), {}, { trend: 0 })),
    );
    assert.equal(q2.get('recruitment_involvement')!.value, null);
    // Q4 (January to March 2020) holds R3 only: 1 of 1.
    const q4 = byCode(
      await inOrg((tx) => computeKpis(tx, financialQuarter(2019, 4), {}, { trend: 0 })),
    );
    assert.equal(q4.get('recruitment_involvement')!.value, 100);
  });

  it('draws the trend from the quarters up to the period, each quarter alike', async () => {
    const [recruitment] = await inOrg((tx) =>
      computeKpis(tx, financialYear(2019), {}, { codes: ['recruitment_involvement'] }),
    );
    assert.deepEqual(
      recruitment!.trend.map((p) => [p.period.name, p.numerator, p.denominator, p.value]),
      [
        ['2018-Q1', 0, 0, null],
        ['2018-Q2', 0, 0, null],
        ['2018-Q3', 0, 0, null],
        ['2018-Q4', 0, 1, 0],
        ['2019-Q1', 1, 2, 50],
        ['2019-Q2', 0, 0, null],
        ['2019-Q3', 1, 1, 100],
        ['2019-Q4', 1, 1, 100],
      ],
    );
  });

  it('narrows by service, specialism and area', async () => {
    const s1 = byCode(
      await inOrg((tx) =>
        computeKpis(tx, financialYear(2019), { serviceIds: [ids.S1!] }, { trend: 0 }),
      ),
    );
    assert.deepEqual(
      [
        s1.get('recruitment_involvement')!.numerator,
        s1.get('recruitment_involvement')!.denominator,
      ],
      [1, 2],
    );
    // Repairs are all S2's.
    assert.equal(s1.get('repairs_feedback_sought')!.value, null);
    const south = byCode(
      await inOrg((tx) => computeKpis(tx, financialYear(2019), { areas: ['South'] }, { trend: 0 })),
    );
    assert.equal(south.get('recruitment_involvement')!.value, 100);
    const older = byCode(
      await inOrg((tx) =>
        computeKpis(tx, financialYear(2019), { specialisms: ['older_people'] }, { trend: 0 }),
      ),
    );
    assert.deepEqual(
      [older.get('repairs_feedback_sought')!.value, older.get('recruitment_involvement')!.value],
      [66.7, 100],
    );
    assert.deepEqual(s1.get('recruitment_involvement')!.notFiltered, []);
  });

  it("says which measures cannot be narrowed, and keeps another organisation's records out", async () => {
    const measures = byCode(
      await inOrg((tx) => computeMeasures(tx, financialYear(2019), { areas: ['North'] })),
    );
    assert.deepEqual(measures.get('people_involved')!.notFiltered, ['area']);
    assert.deepEqual(measures.get('feedback_outcome_reached')!.notFiltered, []);
    assert.equal(measures.get('people_involved')!.points.length, 5);
    assert.equal(measures.get('initiatives_co_produced')!.points[0]!.value, null);
    const elsewhere = await inOrg(
      (tx) => computeKpis(tx, financialYear(2019), {}, { trend: 0 }),
      other,
    );
    assert.ok(elsewhere.every((k) => k.denominator === 0 && k.value === null));
  });
});

describe('headcount targets', () => {
  it('counts people holding the role (and training) on the day: met, not met and progress', async () => {
    const targets = byCode(await inOrg((tx) => computeHeadcounts(tx, '2026-01-01')));
    // PM1 ended on 30 June (held that day), PM2–PM8 hold it, PM9 starts on 1 July: 8, met.
    assert.deepEqual(
      [targets.get('panel_members')!.count, targets.get('panel_members')!.status],
      [8, 'met'],
    );
    // The co-chair's chairing training came on 1 July: not met.
    assert.deepEqual(
      [targets.get('customer_co_chair')!.count, targets.get('customer_co_chair')!.status],
      [0, 'not-met'],
    );
    // 15 trained by 31 March 2019 (QC16 on 1 April; QC17 erased): 15 of 16.
    const checkers = targets.get('trained_quality_checkers')!;
    assert.deepEqual([checkers.count, checkers.progress, checkers.status], [15, 94, 'not-met']);
    // Before the day, it is counted on today and not yet due.
    const early = byCode(await inOrg((tx) => computeHeadcounts(tx, '2019-06-01')));
    assert.deepEqual(
      [early.get('customer_co_chair')!.countedOn, early.get('customer_co_chair')!.status],
      ['2019-06-01', 'not-yet-due'],
    );
    // Met before the day is met.
    assert.equal(early.get('panel_members')!.status, 'met');
  });

  it('refuses a headcount filter on a statistic that does not take it', async () => {
    await assert.rejects(
      inOrg((tx) => computeStatistic(tx, 'operations.repairs_completed', { on: '2019-06-30' })),
      StatisticError,
    );
    const held = await inOrg((tx) =>
      computeStatistic(tx, 'people.holding-role', { on: '2019-07-01', roles: ['panel_member'] }),
    );
    // PM1 ended the day before; PM9 started that day.
    assert.equal(held.value, 8);
  });
});

describe('coproduce kpis', () => {
  it('prints a JSON array, one object per KPI', async () => {
    let output = '';
    const io = { log: () => undefined, out: async (text: string) => void (output += text) };
    const code = await kpisCommand.run(
      testDb.database,
      ['--org', 'demo', '--period', '2019', '--json'],
      io,
    );
    assert.equal(code, 0);
    const rows = JSON.parse(output) as Array<Record<string, unknown>>;
    assert.equal(rows.length, 7);
    assert.deepEqual(rows[0], {
      code: 'recruitment_involvement',
      value: 75,
      numerator: 3,
      denominator: 4,
      target: 80,
      status: 'amber',
    });
    assert.deepEqual(Object.keys(rows[1]!), [
      'code',
      'value',
      'numerator',
      'denominator',
      'target',
      'status',
    ]);
    output = '';
    await kpisCommand.run(testDb.database, ['--org', 'demo', '--period', '2019-Q2', '--json'], io);
    assert.equal((JSON.parse(output) as Array<{ value: unknown }>)[0]!.value, null);
    await assert.rejects(
      kpisCommand.run(testDb.database, ['--org', 'demo', '--period', '2019-13'], io),
      /period/,
    );
    await assert.rejects(
      kpisCommand.run(testDb.database, ['--org', 'nobody', '--period', '2019'], io),
      /no organisation/,
    );
  });
});

describe('GET /api/v1/kpis', () => {
  it('answers a token made for kpis:view with the JSON array, and refuses without one', async () => {
    assert.equal((await app.inject({ url: '/api/v1/kpis?period=2019' })).statusCode, 401);
    const admin = new TestClient(app, signedInAs(org, ['admin']));
    await admin.get('/admin/api-tokens');
    const made = await admin.post(
      '/admin/api-tokens',
      { name: 'Board system', actions: ['kpis:view'] },
      { from: '/admin/api-tokens' },
    );
    const token = /<code class="app-token" id="new-token">([^<]+)<\/code>/.exec(made.body)?.[1];
    assert.ok(token, 'the token is shown once');
    const res = await app.inject({
      url: '/api/v1/kpis?period=2019',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.statusCode, 200);
    const rows = res.json() as Array<{ code: string; value: number | null }>;
    assert.equal(rows.length, 7);
    assert.equal(rows.find((r) => r.code === 'audits_with_quality_checker')!.value, 33.3);
    const bad = await app.inject({
      url: '/api/v1/kpis?period=twenty',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'BAD_PERIOD');
    // A customer's session may not.
    const customer = await app.inject({
      url: '/api/v1/kpis?period=2019',
      headers: signedInAs(org, ['customer']),
    });
    assert.equal(customer.statusCode, 403);
  });
});

describe('the dashboard', () => {
  it('shows a tile per KPI with value, target, a worded status, a chart and its table', async () => {
    const board = new TestClient(app, signedInAs(org, ['board_member']));
    const res = await board.get('/staff/kpis?period=2019');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /data-kpi-value="recruitment_involvement">75\.0%</);
    assert.match(res.body, /data-kpi-value="audits_with_quality_checker">33\.3%</);
    assert.match(res.body, /Target 80%/);
    assert.match(res.body, /Close to target/);
    assert.equal((res.body.match(/<svg class="app-chart"/g) ?? []).length, 7);
    assert.match(res.body, /Recruitment with customer involvement by quarter/);
    assert.match(res.body, /Tenant and Landlord Panel members/);
    assert.match(res.body, /15 of 16 \(94%\)/);
    assert.match(res.body, /href="\/staff\/kpis\/export\.xlsx\?period=2019"/);
    const none = await board.get('/staff/kpis?period=2018');
    assert.match(none.body, /data-kpi-value="repairs_feedback_sought">No data</);
  });

  it('filters by service, specialism and area, and says where a figure cannot be narrowed', async () => {
    const staff = new TestClient(app, signedInAs(org, ['staff']));
    const res = await staff.get(`/staff/kpis?period=2019&service=${ids.S1}`);
    assert.match(res.body, /data-kpi-value="recruitment_involvement">50\.0%</);
    assert.match(res.body, /Narrowed to: Service S1/);
    assert.match(res.body, /Not narrowed by service: this figure is for the whole organisation/);
    const area = await staff.get('/staff/kpis?period=2019&area=South');
    assert.match(area.body, /data-kpi-value="recruitment_involvement">100\.0%</);
    // A service of another organisation is not a choice here: dropped, not applied.
    const stray = await staff.get(
      '/staff/kpis?period=2019&service=00000000-0000-4000-8000-000000000000',
    );
    assert.match(stray.body, /data-kpi-value="recruitment_involvement">75\.0%</);
    const unknown = await staff.get('/staff/kpis?period=nonsense');
    assert.match(unknown.body, /is not a period we know/);
  });

  it('drills into the records behind the numerator and the denominator, a page at a time', async () => {
    const staff = new TestClient(app, signedInAs(org, ['staff']));
    const res = await staff.get('/staff/kpis/recruitment_involvement?period=2019');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Counted: 3 records/);
    assert.match(res.body, /Out of: 4 records/);
    assert.match(res.body, />R2<\/a>/);
    assert.doesNotMatch(res.body, />R4<\/a>/);
    const filtered = await staff.get(`/staff/kpis/recruitment_involvement?period=2019&area=South`);
    assert.match(filtered.body, /Out of: 2 records/);
    assert.doesNotMatch(filtered.body, />R2<\/a>/);
    const board = new TestClient(app, signedInAs(org, ['board_member']));
    const figures = await board.get('/staff/kpis/recruitment_involvement?period=2019');
    assert.match(figures.body, /sees the figures but not the records/);
    assert.doesNotMatch(figures.body, />R2<\/a>/);
    assert.equal((await staff.get('/staff/kpis/nothing_like_it')).statusCode, 404);
  });

  it('pages the records', async () => {
    await inOrg(async (tx) => {
      await tx.execute(sql`insert into repairs (organisation_id, reference, priority, reported_on, target_on, completed_on)
        select app_organisation_id(), 'PX' || lpad(g::text, 3, '0'), 'emergency', '2021-05-01', '2021-05-02', '2021-05-02'
        from generate_series(1, 30) g`);
    });
    const staff = new TestClient(app, signedInAs(org, ['staff']));
    const first = await staff.get('/staff/kpis/repairs_feedback_sought?period=2021');
    assert.match(first.body, /Page 1 of 2/);
    assert.match(first.body, />PX025</);
    assert.doesNotMatch(first.body, />PX026</);
    const second = await staff.get(
      '/staff/kpis/repairs_feedback_sought?period=2021&denominatorPage=2',
    );
    assert.match(second.body, />PX026</);
    assert.match(second.body, /Page 2 of 2/);
  });

  it('exports the figures as a spreadsheet and a board pack, each audited', async () => {
    const lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
    const xlsx = await lead.get('/staff/kpis/export.xlsx?period=2019');
    assert.equal(xlsx.statusCode, 200);
    assert.match(String(xlsx.headers['content-type']), /spreadsheetml/);
    assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
    const pdf = await lead.get(`/staff/kpis/board-pack.pdf?period=2019&service=${ids.S1}`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(String(pdf.headers['content-type']), 'application/pdf');
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    const audited = await inOrg(async (tx) =>
      rowsOf<{ action: string; after: { format: string; period: string } }>(
        await tx.execute(
          sql`select action, after from audit_log where entity = 'kpis' order by at`,
        ),
      ),
    );
    assert.deepEqual(
      audited.map((a) => [a.action, a.after.format, a.after.period]),
      [
        ['export', 'xlsx', '2019'],
        ['export', 'pdf', '2019'],
      ],
    );
    const customer = new TestClient(app, signedInAs(org, ['customer']));
    assert.equal((await customer.get('/staff/kpis/export.xlsx?period=2019')).statusCode, 403);
  });
});

describe('statistics for several periods', () => {
  it('give what each period alone gives, batched or not', async () => {
    const { computeStatisticsSeries, computeStatisticSeries } =
      await import('../../platform/statistics/index.ts');
    const { KPIS, MEASURES } = await import('./definitions.ts');
    const names = [
      ...new Set(
        [...KPIS, ...MEASURES].flatMap((k) => [
          k.numerator.statistic,
          ...(k.denominator ? [k.denominator.statistic] : []),
        ]),
      ),
    ];
    const periods = [financialYear(2019), financialQuarter(2019, 1), financialQuarter(2018, 4)];
    // Initiatives: co-design or above all year, consultation in Q2 only, a draft (never counted).
    // Activities: 1 May 2019 (PM2 2 h, PM3 3 h), 1 August 2019 (PM2 1.5 h).
    await inOrg(async (tx) => {
      const initiative = async (
        title: string,
        rung: number,
        status: string,
        starts: string,
        ends: string | null,
      ) =>
        (
          await one<{ id: string }>(
            tx,
            sql`insert into initiatives (organisation_id, title, kind, rung, status, starts_on, ends_on)
              values (app_organisation_id(), ${title}, 'panel', ${rung}, ${status}, ${starts}, ${ends}) returning id`,
          )
        ).id;
      const panel = await initiative('Panel', 6, 'active', '2019-01-01', null);
      await initiative('Consultation', 3, 'closed', '2019-07-01', '2019-09-30');
      await initiative('Draft', 7, 'draft', '2019-01-01', null);
      for (const [starts, attended] of [
        [
          '2019-05-01 10:00+01',
          [
            ['PM2', 2],
            ['PM3', 3],
          ],
        ],
        ['2019-08-01 10:00+01', [['PM2', 1.5]]],
      ] as const) {
        const activity = await one<{ id: string }>(
          tx,
          sql`insert into activities (organisation_id, initiative_id, kind, title, starts_at, ends_at)
            values (app_organisation_id(), ${panel}, 'meeting', 'Meeting', ${starts}::timestamptz, ${starts}::timestamptz + interval '2 hours') returning id`,
        );
        for (const [reference, hours] of attended)
          await tx.execute(sql`insert into attendance (organisation_id, activity_id, person_id, status, hours)
            select app_organisation_id(), ${activity.id}, p.id, 'attended', ${hours} from people p where p.reference = ${reference}`);
      }
    });
    const measures = byCode(await inOrg((tx) => computeMeasures(tx, financialYear(2019))));
    const values = (code: string) => measures.get(code)!.points.map((p) => p.value);
    assert.deepEqual(values('people_involved'), [2, 2, 1, 0, 0]);
    assert.deepEqual(values('hours'), [6.5, 5, 1.5, 0, 0]);
    assert.deepEqual(values('initiatives_co_produced'), [50, 100, 50, 100, 100]);
    await inOrg(async (tx) => {
      const batched = await computeStatisticsSeries(
        tx,
        names.map((name) => ({ name, filter: {} })),
        periods,
      );
      for (const [i, name] of names.entries()) {
        const alone = await Promise.all(periods.map((p) => computeStatistic(tx, name, p)));
        assert.deepEqual(
          batched[i]!.map((v) => v.value),
          alone.map((v) => v.value),
          name,
        );
        assert.deepEqual(
          (await computeStatisticSeries(tx, name, {}, periods)).map((v) => v.value),
          alone.map((v) => v.value),
          name,
        );
      }
    });
  });
});

describe('the trend chart', () => {
  it('leaves a gap for a quarter with no data, never a fall to 0, and draws the target', async () => {
    const { trendChart } = await import('./charts.ts');
    const svg = trendChart(
      [
        { label: 'Q1', value: 50 },
        { label: 'Q2', value: 60 },
        { label: 'Q3', value: null },
        { label: 'Q4', value: 70 },
      ],
      80,
      'A trend <with> text',
      'Target 80%',
    );
    assert.equal((svg.match(/<polyline /g) ?? []).length, 1, 'only Q1 to Q2 is joined');
    assert.equal((svg.match(/<circle /g) ?? []).length, 3);
    assert.match(svg, /stroke-dasharray="6 4"/);
    assert.match(svg, /role="img"/);
    assert.match(svg, /aria-label="A trend &lt;with&gt; text"/);
  });
});

describe('in Welsh', () => {
  it('marks the pages English where the KPI strings have no trusted Welsh', async () => {
    const welsh = await makeOrganisation(testDb.database, {
      slug: 'kpi-cymraeg',
      welshEnabled: true,
      hostNames: ['cy.example'],
    });
    const res = await app.inject({
      url: '/staff/kpis?period=2019&lang=cy',
      headers: { ...signedInAs(welsh, ['staff']), host: 'cy.example' },
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<html lang="cy"/);
    assert.match(res.body, /<div lang="en">\s*<h1 class="govuk-heading-l">/);
  });
});
