import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { MODULES } from '../../modules.ts';
import { rowsOf } from '../../platform/db/index.ts';
import type { PlatformEvent } from '../../platform/events/index.ts';
import { runImportCommand } from '../../platform/imports/index.ts';
import { installModules, type ModuleManifest } from '../../platform/manifest.ts';
import { financialYear } from '../../platform/periods/index.ts';
import { computeStatistic } from '../../platform/statistics/index.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople, addServices } from '../people/index.ts';
import { operationsStatistics } from './statistics.ts';

/** The text of every Flate stream in a PDF, for reading what was tagged. */
function pdfText(pdf: Buffer): string {
  const text = pdf.toString('latin1');
  const out: string[] = [text];
  const re = /stream\r?\n/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text))) {
    const start = match.index + match[0].length;
    try {
      out.push(
        inflateSync(pdf.subarray(start, text.indexOf('endstream', start))).toString('latin1'),
      );
    } catch {
      // not a Flate stream
    }
  }
  return out.join('\n');
}

/**
 * Operations end to end: imports (problems by line and column, all or
 * nothing, idempotent), the events they raise once, the statistics on
 * hand-worked fixtures, the forms, lists, record pages and posters.
 */

const heard: PlatformEvent[] = [];
/** A module that listens to operations' events, as surveys will. */
const listener: ModuleManifest = {
  name: 'listener',
  events: {
    listens: {
      'operations.complaint_responded': async (_tx, events) => void heard.push(...events),
      'operations.repair_completed': async (_tx, events) => void heard.push(...events),
      'operations.interview_panel_held': async (_tx, events) => void heard.push(...events),
    },
  },
};
const modules = [...MODULES, listener];

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;
let staff: TestClient;
let dir: string;
const ids: Record<string, string> = {};

async function importFile(kind: string, csv: string, organisation = org) {
  installModules(modules);
  const file = path.join(dir, `${kind}-${randomUUID()}.csv`);
  writeFileSync(file, csv);
  const lines: string[] = [];
  const code = await runImportCommand(testDb.database, [kind, file, '--org', organisation.slug], {
    log: (l) => lines.push(l),
  });
  return { code, output: lines.join('\n') };
}

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>, organisation = org) =>
  testDb.database.withOrganisation(organisation.id, async (tx) =>
    rowsOf<T>(await tx.execute(text)),
  );

const FY2019 = financialYear(2019);
const stat = (name: string, filter: Record<string, unknown> = {}) =>
  testDb.database.withOrganisation(org.id, async (tx) => {
    installModules(modules);
    return (await computeStatistic(tx, name, { from: FY2019.from, to: FY2019.to, ...filter }))
      .value;
  });

before(async () => {
  installModules(modules);
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'ops', name: 'Ops Homes' });
  other = await makeOrganisation(testDb.database, { slug: 'ops-other' });
  app = await createTestApp(testDb.database, undefined, { defaultOrg: 'ops', modules });
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  staff = new TestClient(app, signedInAs(org, ['staff']));
  dir = mkdtempSync(path.join(tmpdir(), 'coproduce-operations-'));
  await testDb.database.withOrganisation(org.id, async (tx) => {
    const made = await addServices(tx, [
      {
        organisationId: org.id,
        code: 'BRI',
        name: 'Bridge House',
        type: 'supported_housing',
        specialism: 'mental_health',
        area: 'North',
      },
      {
        organisationId: org.id,
        code: 'OAK',
        name: 'Oak Court',
        type: 'supported_housing',
        specialism: 'learning_disability',
        area: 'South',
      },
    ]);
    for (const s of made) ids[s.code] = s.id;
    const [person] = await addPeople(tx, [
      {
        organisationId: org.id,
        reference: 'P-1',
        firstName: 'Pat',
        lastName: 'Lee',
        kinds: ['customer'],
      },
    ]);
    ids.person = person!;
  });
  await testDb.database.withOrganisation(other.id, (tx) =>
    addServices(tx, [
      {
        organisationId: other.id,
        code: 'BRI',
        name: 'Elsewhere',
        type: 'supported_housing',
        specialism: 'mental_health',
      },
    ]),
  );
});
after(async () => {
  await app.close();
  await testDb.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('operations imports', () => {
  it('refuses a file with problems, naming each line and column, and saves nothing', async () => {
    const bad = await importFile(
      'recruitment',
      [
        'reference,title,service_code,opened_on,closed_on,involvement',
        'REC-1,Support worker,BRI,2019-05-01,2019-06-14,interview_panel',
        'REC-2,,NOPE,2019-13-01,,tea_party',
        'REC-3,Cook,OAK,2019-07-01,2019-06-01,',
        'REC-1,Repeat,BRI,2019-05-01,,',
      ].join('\n'),
    );
    assert.equal(bad.code, 1);
    assert.match(bad.output, /line 3, column title: Fill in this cell/);
    assert.match(bad.output, /line 3, column service_code: No service has this code/);
    assert.match(bad.output, /line 3, column opened_on: Enter a real date/);
    assert.match(
      bad.output,
      /line 3, column involvement: Use only codes of your organisation's involvement menu/,
    );
    assert.match(
      bad.output,
      /line 4, column closed_on: The closing date must be on or after opened_on/,
    );
    assert.match(bad.output, /line 5, column reference: This reference is already used/);
    assert.deepEqual(await q(sql`select * from recruitments`), []);
    assert.equal(heard.length, 0);
  });

  it('imports each kind, matches on the reference (a complaint on its stage too) and raises each event once', async () => {
    const recruitment = [
      'reference,title,service_code,opened_on,closed_on,involvement',
      'REC-1,Support worker,bri,2019-05-01,2019-06-14,interview_panel;question_setting',
      'REC-2,Cook,OAK,2019-05-01,2019-07-01,',
      'REC-3,Manager,OAK,2019-01-01,2019-03-31,shortlisting',
      'REC-4,Night worker,BRI,2020-02-01,,',
    ].join('\n');
    const first = await importFile('recruitment', recruitment);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /To add 4 recruitment, update 0, unchanged 0/);
    assert.deepEqual(
      heard.map((e) => [e.name, e.data]),
      [['operations.interview_panel_held', { reference: 'REC-1', title: 'Support worker' }]],
    );
    const again = await importFile('recruitment', recruitment);
    assert.match(again.output, /To add 0 recruitment, update 0, unchanged 4/);
    assert.equal(heard.length, 1, 'importing the same file again raises nothing');

    heard.length = 0;
    const complaints = [
      'reference,stage,received_on,acknowledged_on,responded_on,extended_to,feedback_offered_on,panel_customer_reps,service_code,person_reference',
      'C-1,1,2019-05-01,2019-05-02,2019-05-10,,2019-05-10,,BRI,P-1',
      'C-1,2,2019-06-01,2019-06-03,,,,,BRI,P-1',
      'C-1,3,2019-08-01,,2019-08-20,,,2,BRI,',
      'C-2,1,2019-05-01,,2019-05-20,,,,OAK,',
      'C-3,1,2019-07-01,,,,,,OAK,',
      'C-4,3,2019-09-01,,2019-09-20,,,1,OAK,',
      'C-5,3,2019-09-01,,2019-09-21,,,0,OAK,',
    ].join('\n');
    const stages = await importFile('complaints', complaints);
    assert.equal(stages.code, 0, stages.output);
    assert.deepEqual(
      heard
        .map(
          (e) =>
            `${e.name} ${String(e.data.reference)}/${String(e.data.stage)} ${e.personId === ids.person ? 'P-1' : String(e.personId)}`,
        )
        .sort(),
      [
        'operations.complaint_responded C-1/1 P-1',
        'operations.complaint_responded C-1/3 null',
        'operations.complaint_responded C-2/1 null',
        'operations.complaint_responded C-4/3 null',
        'operations.complaint_responded C-5/3 null',
      ],
    );
    const [c2] = await q<{ id: string }>(
      sql`select id from complaint_stages where reference = 'C-2'`,
    );
    assert.equal(heard.find((e) => e.data.reference === 'C-2')?.record.id, c2!.id);
    assert.equal(heard[0]!.record.kind, 'operations.complaint');
    // The stage 2 response comes in a later file: only that row changes, one event.
    heard.length = 0;
    const later = await importFile(
      'complaints',
      complaints.replace(
        'C-1,2,2019-06-01,2019-06-03,,',
        'C-1,2,2019-06-01,2019-06-03,2019-06-25,',
      ),
    );
    assert.match(later.output, /update 1, unchanged 6/);
    assert.deepEqual(
      heard.map((e) => e.data),
      [{ stage: 2, reference: 'C-1' }],
    );
    const repeated = await importFile(
      'complaints',
      'reference,stage,received_on\nC-9,1,2019-01-01\nC-9,1,2019-01-02\n',
    );
    assert.match(repeated.output, /line 3, column reference/);
    const person = await importFile(
      'complaints',
      'reference,stage,received_on,person_reference\nC-9,1,2019-01-01,NOBODY\n',
    );
    assert.match(
      person.output,
      /line 2, column person_reference: No one on the register has this reference/,
    );

    heard.length = 0;
    const repairs = [
      'reference,service_code,priority,reported_on,target_on,completed_on,feedback_requested_on,person_reference',
      'R-1,BRI,emergency,2019-06-01,2019-06-02,2019-06-02,2019-06-03,P-1',
      'R-2,OAK,non_emergency,2019-06-01,2019-06-30,2019-06-20,,',
      'R-3,OAK,non_emergency,2019-06-01,2019-06-30,,,',
      'R-4,BRI,non_emergency,2020-03-01,2020-03-30,2020-04-02,2020-04-02,',
    ].join('\n');
    assert.equal((await importFile('repairs', repairs)).code, 0);
    assert.deepEqual(
      heard.map((e) => [e.data.reference, e.data.priority, e.occurredOn, e.personId]),
      [
        ['R-1', 'emergency', '2019-06-02', ids.person],
        ['R-2', 'non_emergency', '2019-06-20', null],
        ['R-4', 'non_emergency', '2020-04-02', null],
      ],
    );
    heard.length = 0;
    await importFile(
      'repairs',
      repairs.replace(
        'R-3,OAK,non_emergency,2019-06-01,2019-06-30,,',
        'R-3,OAK,non_emergency,2019-06-01,2019-06-30,2019-07-01,',
      ),
    );
    assert.deepEqual(
      heard.map((e) => e.data.reference),
      ['R-3'],
    );

    const audits = [
      'reference,service_code,audit_type,completed_on,rating,customer_quality_checkers,strengths',
      'QA-1,BRI,standard,2019-05-01,requires_improvement,1,Warm welcome;Clean kitchen',
      'QA-2,OAK,thematic,2019-06-01,good,0,Clear menus',
      'QA-3,OAK,implementation,2019-06-01,,2,',
      'QA-4,BRI,follow_up,2019-07-01,,1,',
      'QA-5,BRI,regulatory,2019-07-01,,1,',
      'QA-6,BRI,retender,2019-07-01,,1,',
      'QA-7,BRI,standard,2020-04-01,outstanding,1,',
    ].join('\n');
    assert.equal((await importFile('audits', audits)).code, 0);
    const badAudit = await importFile(
      'audits',
      'reference,service_code,audit_type,completed_on,rating,customer_quality_checkers\nQA-9,BRI,casual,2019-01-01,great,some\n',
    );
    assert.match(badAudit.output, /column audit_type: Use one of the codes/);
    assert.match(badAudit.output, /column rating: Use one of the codes/);
    assert.match(badAudit.output, /column customer_quality_checkers: Enter a whole number/);

    const obligations = [
      'reference,service_code,period_start,period_end,required,delivered',
      'V-1,BRI,2019-04-01,2019-06-30,10,10',
      'V-2,OAK,2019-04-01,2019-06-30,10,9',
      'V-3,OAK,2019-07-01,2020-03-31,5,6',
      'V-4,OAK,2020-04-01,2020-06-30,5,6',
    ].join('\n');
    assert.equal((await importFile('volunteer-obligations', obligations)).code, 0);
    assert.equal(
      (await importFile('asb-cases', 'reference,opened_on,hate_incident\nA-1,2019-05-01,yes\n'))
        .code,
      0,
    );
    const badAsb = await importFile(
      'asb-cases',
      'reference,opened_on,hate_incident\nA-2,2019-05-01,maybe\n',
    );
    assert.match(badAsb.output, /column hate_incident: Enter yes or no/);

    // Nothing of one organisation reaches another: the other's BRI is its own.
    assert.deepEqual(await q(sql`select * from repairs`, other), []);
  });
  it('checks and applies a file longer than a batch without keeping its rows, refusing a repeated reference by line', async () => {
    const rows = ['reference,service_code,priority,reported_on,target_on,completed_on'];
    for (let i = 1; i <= 12_001; i++)
      rows.push(`BIG-${i},OAK,non_emergency,2021-01-04,2021-02-01,`);
    rows.push('BIG-5,OAK,non_emergency,2021-01-05,2021-02-01,');
    const csv = rows.join('\n');
    const refused = await importFile('repairs', csv);
    assert.equal(refused.code, 1);
    assert.match(refused.output, /line 12003, column reference/);
    const count = async () =>
      (
        await q<{ n: number }>(
          sql`select count(*)::int as n from repairs where reference like 'BIG-%'`,
        )
      )[0]!.n;
    assert.equal(await count(), 0, 'a refused file saves nothing');
    installModules(modules);
    const file = path.join(dir, `repairs-${randomUUID()}.csv`);
    writeFileSync(file, csv);
    const skipped = await runImportCommand(
      testDb.database,
      ['repairs', file, '--org', org.slug, '--skip-invalid'],
      { log: () => {} },
    );
    assert.equal(skipped, 0);
    assert.equal(await count(), 12_001);
    const [first] = await q<{ reported_on: string }>(
      sql`select reported_on from repairs where reference = 'BIG-5'`,
    );
    assert.equal(
      first!.reported_on,
      '2021-01-04',
      'the first of the repeated lines is the one kept',
    );
    // Once more with one change: only that row is updated.
    const again = await importFile(
      'repairs',
      rows
        .slice(0, -1)
        .join('\n')
        .replace(
          'BIG-7,OAK,non_emergency,2021-01-04,2021-02-01,',
          'BIG-7,OAK,emergency,2021-01-04,2021-02-01,',
        ),
    );
    assert.equal(again.code, 0);
    assert.match(again.output, /update 1, unchanged 12000/);
    assert.equal(await count(), 12_001);
  });
});

describe('operations statistics', () => {
  it('counts each statistic for 2019 to 2020 as worked out by hand', async () => {
    // Recruitments closed in the year: REC-1, REC-2 (REC-3 closed March 2019, REC-4 open); with involvement: REC-1.
    assert.equal(await stat('operations.recruitments_closed'), 2);
    assert.equal(await stat('operations.recruitments_with_involvement'), 1);
    // Audits in the year, implementation, follow-up, regulatory and retender left out: QA-1, QA-2; with a checker: QA-1.
    assert.equal(await stat('operations.audits_counted'), 2);
    assert.equal(await stat('operations.audits_with_quality_checker'), 1);
    // Stage 3 panels responded to: C-1/3 (2 reps), C-4 (1), C-5 (0).
    assert.equal(await stat('operations.complaint_panels'), 3);
    assert.equal(await stat('operations.complaint_panels_with_customer'), 2);
    assert.equal(await stat('operations.complaint_panels_with_two_customers'), 1);
    // Stage 1 responded to: C-1, C-2 (C-3 not yet); feedback offered: C-1 by date.
    assert.equal(await stat('operations.stage1_responded'), 2);
    assert.equal(await stat('operations.stage1_feedback_offered'), 1);
    // Repairs completed in the year: R-1, R-2, R-3 (R-4 in April 2020); feedback requested: R-1.
    assert.equal(await stat('operations.repairs_completed'), 3);
    assert.equal(await stat('operations.repairs_feedback_requested'), 1);
    // Obligations ending in the year: V-1, V-2, V-3; met: V-1, V-3.
    assert.equal(await stat('operations.volunteer_obligations_due'), 3);
    assert.equal(await stat('operations.volunteer_obligations_met'), 2);
  });

  it('counts an invitation a triggered survey sent as feedback offered', async () => {
    const [c2] = await q<{ id: string }>(
      sql`select id from complaint_stages where reference = 'C-2'`,
    );
    // Surveys records the offer as a `feedback-offered` link from its invitation.
    await q(sql`insert into record_links (organisation_id, from_kind, from_id, name, to_kind, to_id)
      values (app_organisation_id(), 'surveys.invitation', ${randomUUID()}, 'feedback-offered', 'operations.complaint', ${c2!.id})`);
    assert.equal(await stat('operations.stage1_feedback_offered'), 2);
  });

  it('narrows by service, specialism and area', async () => {
    assert.equal(await stat('operations.repairs_completed', { serviceIds: [ids.BRI] }), 1);
    assert.equal(
      await stat('operations.repairs_completed', { specialisms: ['learning_disability'] }),
      2,
    );
    assert.equal(await stat('operations.repairs_completed', { areas: ['North'] }), 1);
    assert.equal(await stat('operations.repairs_completed', { areas: ['Nowhere'] }), 0);
    assert.equal(await stat('operations.audits_counted', { serviceIds: [ids.OAK] }), 1);
    assert.equal(
      await stat('operations.volunteer_obligations_met', { specialisms: ['learning_disability'] }),
      1,
    );
    // An id that is none of the organisation's services narrows to nothing.
    assert.equal(await stat('operations.repairs_completed', { serviceIds: [randomUUID()] }), 0);
  });

  it('lists the records behind each count for the drill-down', async () => {
    const definition = operationsStatistics.find((s) => s.name === 'operations.audits_counted')!;
    const found = await testDb.database.withOrganisation(org.id, (tx) =>
      definition.records(tx, { from: FY2019.from, to: FY2019.to }, { limit: 1, offset: 0 }),
    );
    assert.equal(found.total, 2);
    assert.equal(found.rows.length, 1);
    assert.equal(found.rows[0]!.reference, 'QA-1');
    assert.equal(found.rows[0]!.date, '2019-05-01');
    assert.match(found.rows[0]!.href!, /^\/staff\/operations\/audits\/[0-9a-f-]{36}$/);
    for (const s of operationsStatistics) {
      const count = await stat(s.name);
      const listed = await testDb.database.withOrganisation(org.id, (tx) =>
        s.records(tx, { from: FY2019.from, to: FY2019.to }, { limit: 100, offset: 0 }),
      );
      assert.equal(listed.total, count, s.name);
      assert.equal(listed.rows.length, count, s.name);
    }
  });
});

describe('operations pages', () => {
  it('sends the signed out to sign in, and lets staff view but not enter', async () => {
    assert.equal((await app.inject('/staff/operations')).statusCode, 303);
    const board = new TestClient(app, signedInAs(org, ['board_member']));
    assert.equal((await board.get('/staff/operations/repairs')).statusCode, 403);
    assert.equal((await staff.get('/staff/operations/repairs')).statusCode, 200);
    assert.equal((await staff.get('/staff/operations/repairs/new')).statusCode, 403);
    assert.equal((await staff.get('/admin/operations')).statusCode, 403);
    assert.equal((await lead.get('/staff/operations/widgets')).statusCode, 404);
    assert.equal((await lead.get(`/staff/operations/repairs/${randomUUID()}`)).statusCode, 404);
    // Another organisation's record is not found.
    const [r1] = await q<{ id: string }>(sql`select id from repairs where reference = 'R-1'`);
    const outsider = new TestClient(app, signedInAs(other, ['involvement_lead']));
    assert.equal((await outsider.get(`/staff/operations/repairs/${r1!.id}`)).statusCode, 403);
  });

  it('lists records with filters, in the same number of queries whatever their number', async () => {
    const page = await lead.get(`/staff/operations/repairs?year=2019&service=${ids.OAK}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /R-2/);
    assert.match(page.body, /R-3/);
    assert.doesNotMatch(page.body, />R-1</);
    const before = (await testDb.countQueries(() => lead.get('/staff/operations/repairs'))).queries;
    const many = Array.from(
      { length: 60 },
      (_, i) => `X-${i},BRI,emergency,2019-06-01,2019-06-02,2019-06-02,,`,
    );
    await importFile(
      'repairs',
      [
        'reference,service_code,priority,reported_on,target_on,completed_on,feedback_requested_on',
        ...many,
      ].join('\n'),
    );
    const afterCount = (await testDb.countQueries(() => lead.get('/staff/operations/repairs')))
      .queries;
    assert.equal(afterCount, before);
    const second = await lead.get('/staff/operations/repairs?page=2');
    assert.match(second.body, /Page 2 of 2/);
  });

  it('enters a record on the form, naming the field of each problem, and raises the event', async () => {
    const form = await lead.get('/staff/operations/complaints/new');
    assert.equal(form.statusCode, 200);
    heard.length = 0;
    const bad = await lead.post('/staff/operations/complaints', {
      reference: 'F-1',
      stage: '',
      'received_on-day': '12',
      'received_on-month': '',
      'received_on-year': '2019',
      'responded_on-day': '1',
      'responded_on-month': '1',
      'responded_on-year': '2019',
      panel_customer_reps: 'two',
      person_reference: 'NOBODY',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#stage">Select stage/);
    assert.match(bad.body, /href="#received_on-month">Date received must include a month/);
    assert.match(
      bad.body,
      /href="#panel_customer_reps">Enter customer representatives on the panel as a whole number/,
    );
    assert.match(bad.body, /href="#person_reference">No one on the register has this reference/);
    assert.match(bad.body, /value="F-1"/);
    assert.equal((await q(sql`select id from complaint_stages where reference = 'F-1'`)).length, 0);

    const good = await lead.post('/staff/operations/complaints', {
      reference: 'F-1',
      stage: '1',
      'received_on-day': '2',
      'received_on-month': '12',
      'received_on-year': '2019',
      'responded_on-day': '23',
      'responded_on-month': '12',
      'responded_on-year': '2019',
      service_code: 'BRI',
      person_reference: 'P-1',
    });
    assert.equal(good.statusCode, 303, good.body);
    const location = good.headers.location as string;
    assert.deepEqual(
      heard.map((e) => [e.name, e.personId]),
      [['operations.complaint_responded', ids.person]],
    );
    const page = await lead.get(location.split('?')[0]!);
    assert.match(page.body, /23 December 2019 — Responded in time/);
    assert.match(page.body, /Bridge House/);
    assert.match(page.body, /P-1/);
    const audit = await q<{ action: string }>(
      sql`select action from audit_log where entity = 'operations.complaints'`,
    );
    assert.deepEqual(
      audit.map((a) => a.action),
      ['create'],
    );

    // The same stage again is refused on the reference field.
    const twice = await lead.post('/staff/operations/complaints', {
      reference: 'F-1',
      stage: '1',
      'received_on-day': '2',
      'received_on-month': '12',
      'received_on-year': '2019',
    });
    assert.equal(twice.statusCode, 400);
    assert.match(twice.body, /This stage of the complaint is already recorded/);

    // Saving the form again raises nothing.
    heard.length = 0;
    const id = location.split('/').pop()!.split('?')[0]!;
    const edit = await lead.get(`/staff/operations/complaints/${id}/edit`);
    assert.match(edit.body, /name="received_on-day"[^>]*value="2"/);
    const resaved = await lead.post(`/staff/operations/complaints/${id}`, {
      reference: 'F-1',
      stage: '1',
      'received_on-day': '2',
      'received_on-month': '12',
      'received_on-year': '2019',
      'responded_on-day': '23',
      'responded_on-month': '12',
      'responded_on-year': '2019',
      service_code: 'BRI',
      person_reference: 'P-1',
      'feedback_offered_on-day': '23',
      'feedback_offered_on-month': '12',
      'feedback_offered_on-year': '2019',
    });
    assert.equal(resaved.statusCode, 303);
    assert.equal(heard.length, 0);
  });

  it('enters a recruitment with its involvement from the menu the organisation sets', async () => {
    const saved = await lead.post(
      '/admin/operations',
      { menu: 'interview_panel: On the panel\npeer_visit: Peer visit' },
      { from: '/admin/operations' },
    );
    assert.equal(saved.statusCode, 303);
    const bad = await lead.post(
      '/admin/operations',
      { menu: 'Not A Code' },
      { from: '/admin/operations' },
    );
    assert.equal(bad.statusCode, 400);
    const form = await lead.get('/staff/operations/recruitment/new');
    assert.match(form.body, /Peer visit/);
    heard.length = 0;
    const made = await lead.post('/staff/operations/recruitment', {
      reference: 'F-REC',
      title: 'Chef',
      'opened_on-day': '1',
      'opened_on-month': '5',
      'opened_on-year': '2019',
      involvement: ['interview_panel', 'peer_visit'],
    });
    assert.equal(made.statusCode, 303, made.body);
    assert.deepEqual(
      heard.map((e) => e.data),
      [{ reference: 'F-REC', title: 'Chef' }],
    );
  });

  it('prints an audit poster with the rating only when good or outstanding', async () => {
    const [ri] = await q<{ id: string }>(
      sql`select id from quality_audits where reference = 'QA-1'`,
    );
    const [good] = await q<{ id: string }>(
      sql`select id from quality_audits where reference = 'QA-2'`,
    );
    const poor = await staff.get(`/staff/operations/audits/${ri!.id}/poster`);
    assert.equal(poor.statusCode, 200);
    assert.match(poor.body, /Warm welcome/);
    assert.match(poor.body, /Clean kitchen/);
    assert.doesNotMatch(poor.body, /Requires improvement/i);
    assert.doesNotMatch(poor.body, /Rating/);
    const fine = await staff.get(`/staff/operations/audits/${good!.id}/poster`);
    assert.match(fine.body, /Rating/);
    assert.match(fine.body, />Good</);
    assert.match(fine.body, /Clear menus/);
    assert.equal(
      (await staff.get(`/staff/operations/audits/${randomUUID()}/poster`)).statusCode,
      404,
    );

    // The tagged PDF: no Rating heading for requires improvement, one for good.
    const headings = async (id: string) => {
      const res = await app.inject({
        url: `/staff/operations/audits/${id}/poster.pdf`,
        headers: signedInAs(org, ['staff']),
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/pdf');
      const text = pdfText(res.rawPayload);
      assert.match(text, /\/StructTreeRoot/);
      assert.match(text, /\/Lang \(en-GB\)/);
      return text.match(/\/S \/H2\b/g)?.length ?? 0;
    };
    assert.equal(await headings(ri!.id), 1);
    assert.equal(await headings(good!.id), 2);
  });
});
