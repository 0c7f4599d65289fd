import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import {
  financialQuarterOf,
  previousPeriod,
  type ReportingPeriod,
} from '../../platform/periods/index.ts';
import { addPeople, type NewPerson } from '../people/index.ts';
import { addDays, groupById, londonToday } from './groups.ts';
import { publicMembers } from './public.ts';
import { quarterReport } from './report.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;
let visitor: TestClient;
const today = londonToday();

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>, orgId = org.id) =>
  testDb.database.withOrganisation(orgId, async (tx) => rowsOf<T>(await tx.execute(text)));

let counter = 0;
async function person(fields: Partial<NewPerson> = {}) {
  counter += 1;
  const reference = `PUB${String(counter).padStart(4, '0')}`;
  const [id] = await testDb.database.withOrganisation(org.id, (tx) =>
    addPeople(tx, [
      {
        organisationId: org.id,
        reference,
        firstName: `First${counter}`,
        lastName: `Last${counter}`,
        kinds: ['customer'],
        ...fields,
      },
    ]),
  );
  return { id: id!, reference, name: `First${counter} Last${counter}` };
}

const dateFields = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return {
    [`${name}-day`]: String(Number(d)),
    [`${name}-month`]: String(Number(m)),
    [`${name}-year`]: y!,
  };
};

/** A quarterly panel with an open seat; published when asked. */
async function panel(title: string, published: boolean) {
  const made = await lead.post(
    '/staff/groups',
    {
      title,
      summary: 'Tenants check our repairs.',
      kind: 'panel',
      rung: '5',
      roleCode: 'panel_member',
      papersDaysBefore: '7',
      agendaDaysBefore: '14',
      termReminderDays: '60',
      tieRule: 'lot',
      published: published ? 'yes' : '',
    },
    { from: '/staff/groups/new' },
  );
  assert.equal(made.statusCode, 303, made.body.slice(0, 3000));
  const id = /\/staff\/groups\/([0-9a-f-]{36})/.exec(String(made.headers.location))![1]!;
  await lead.post(`/staff/groups/${id}/terms`, {
    objectives: 'Scrutinise repairs and voids.',
    functions: 'Meets quarterly.',
    scrutinyAreas: 'Repairs\nVoids',
    frequency: 'quarterly',
    reportsTo: 'SLT and Board',
    reportsThrough: 'the Board Chair',
    decides: 'Recommendations.',
    decidesHow: 'By agreement.',
    easyRead: 'We check repairs.',
    ...dateFields('adoptedOn', today),
  });
  await lead.post(
    `/staff/groups/${id}/seats`,
    { label: 'Tenant member', holder: 'customer', fillBy: 'open' },
    { from: `/staff/groups/${id}/seats/new` },
  );
  const [seat] = await q<{ id: string }>(sql`select id from group_seats where group_id = ${id}`);
  const [{ slug } = { slug: '' }] = await q<{ slug: string }>(
    sql`select slug from groups where id = ${id}`,
  );
  const seatPerson = async (namedPublicly: boolean, startsOn = addDays(today, -400)) => {
    const p = await person();
    const res = await lead.post(`/staff/groups/${id}/members`, {
      reference: p.reference,
      seatId: seat!.id,
      filledBy: 'open',
      namedPublicly: namedPublicly ? 'yes' : '',
      ...dateFields('startsOn', startsOn),
    });
    assert.equal(res.statusCode, 303, res.body);
    return p;
  };
  return { id, slug, seatPerson };
}

/** A meeting on a day (past or not): scheduled ahead, then moved to the day. */
async function meetingOn(groupId: string, day: string): Promise<string> {
  const res = await lead.post(`/staff/groups/${groupId}/meetings`, {
    ...dateFields('firstOn', addDays(today, 60)),
    time: '10:30am',
    lengthMinutes: '120',
    count: '1',
    location: 'The Hub',
  });
  assert.equal(res.statusCode, 303, res.body);
  const [row] = await q<{ id: string }>(sql`
    select m.id from group_meetings m join activities a on a.id = m.activity_id
    where m.group_id = ${groupId} and (a.starts_at at time zone 'Europe/London')::date = ${addDays(today, 60)}::date
    order by m.created_at desc limit 1`);
  await q(sql`update activities set
      starts_at = (${day}::date + time '10:30') at time zone 'Europe/London',
      ends_at = (${day}::date + time '12:30') at time zone 'Europe/London'
    where id = (select activity_id from group_meetings where id = ${row!.id})`);
  return row!.id;
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  other = await makeOrganisation(testDb.database, {
    name: 'Elsewhere Homes',
    hostNames: ['elsewhere.example'],
  });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  visitor = new TestClient(app, {});
  await lead.get('/staff/groups/new');
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('the public page of a panel or forum', () => {
  it('names only the members who agreed, and counts the rest', async () => {
    const { id, slug, seatPerson } = await panel('Tenant and Landlord Panel', true);
    const named = await seatPerson(true);
    const unnamed = await seatPerson(false);
    const past = await seatPerson(true);
    await q(sql`update group_members set ended_on = ${addDays(today, -1)}::date
      where person_id = ${past.id}`);

    const listed = await testDb.database.withOrganisation(org.id, (tx) =>
      publicMembers(tx, id, today),
    );
    assert.deepEqual(
      listed.named.map((m) => m.name),
      [named.name],
    );
    assert.equal(listed.others, 1);

    const list = await visitor.get('/groups');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, new RegExp(`href="/groups/${slug}"`));
    const page = await visitor.get(`/groups/${slug}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(named.name));
    assert.doesNotMatch(page.body, new RegExp(unnamed.name));
    assert.doesNotMatch(page.body, new RegExp(unnamed.reference));
    assert.doesNotMatch(page.body, new RegExp(past.name));
    assert.match(page.body, /1 other member has not asked to be named/);
    assert.match(page.body, /Scrutinise repairs and voids/);
    assert.match(page.body, /SLT and Board, through the Board Chair/);
    const easy = await visitor.get(`/groups/${slug}/easy-read`);
    assert.equal(easy.statusCode, 200);
    assert.match(easy.body, /We check repairs/);
    assert.match(easy.body, /app-easy-picture/);
    assert.match(easy.body, new RegExp(named.name));
    assert.doesNotMatch(easy.body, new RegExp(unnamed.name));
  });

  it('is not there for a body that is not published, or for another organisation', async () => {
    const hidden = await panel('Hidden Forum', false);
    assert.equal((await visitor.get(`/groups/${hidden.slug}`)).statusCode, 404);
    assert.equal((await visitor.get(`/groups/${hidden.slug}/easy-read`)).statusCode, 404);
    assert.doesNotMatch((await visitor.get('/groups')).body, /Hidden Forum/);
    const shown = await panel('Shown Forum', true);
    assert.equal((await visitor.get(`/groups/${shown.slug}`)).statusCode, 200);
    const elsewhere = new TestClient(app, { host: 'elsewhere.example' });
    assert.equal((await elsewhere.get(`/groups/${shown.slug}`)).statusCode, 404);
    assert.doesNotMatch((await elsewhere.get('/groups')).body, /Shown Forum/);
    assert.equal((await visitor.get('/groups/NOT%20A%20SLUG')).statusCode, 404);
    assert.ok(other.id);
  });
});

describe('the report upwards', () => {
  it('holds the quarter’s meetings, decisions, open actions and attendance', async () => {
    const { id, seatPerson } = await panel('Care and Support Customer Forum', true);
    const keen = await seatPerson(false);
    const missing = await seatPerson(false);
    const thisQuarter = financialQuarterOf(today);
    const lastQuarter = previousPeriod(thisQuarter);
    const before = previousPeriod(lastQuarter);
    const m0 = await meetingOn(id, addDays(before.from, 20));
    const m1 = await meetingOn(id, addDays(lastQuarter.from, 10));
    const m2 = await meetingOn(id, addDays(lastQuarter.from, 45));
    const url = (m: string) => `/staff/groups/${id}/meetings/${m}`;
    for (const [m, missingStatus] of [
      [m0, 'attended'],
      [m1, 'apologies'],
      [m2, 'did_not_attend'],
    ] as const) {
      const res = await lead.post(
        `${url(m)}/attendance`,
        { [`status-${keen.id}`]: 'attended', [`status-${missing.id}`]: missingStatus },
        { from: url(m) },
      );
      assert.equal(res.statusCode, 303, res.body);
    }
    await lead.post(
      `${url(m0)}/decisions`,
      { what: 'Old decision', why: 'Before' },
      { from: url(m0) },
    );
    await lead.post(
      `${url(m1)}/decisions`,
      { what: 'Add a repairs slot', why: 'Waits are long', easyRead: 'We will fix things faster.' },
      { from: url(m1) },
    );
    await lead.post(
      `${url(m0)}/actions`,
      {
        what: 'Carried action',
        owner: 'Director of Care',
        ...dateFields('dueOn', addDays(before.from, 30)),
      },
      { from: url(m0) },
    );
    await lead.post(
      `${url(m1)}/actions`,
      { what: 'Done later', owner: 'Clerk' },
      { from: url(m1) },
    );
    await lead.post(
      `${url(m1)}/actions`,
      { what: 'Dropped one', owner: 'Clerk' },
      { from: url(m1) },
    );
    const actions = await q<{ id: string; what: string }>(
      sql`select id, what from group_actions where group_id = ${id}`,
    );
    const actionId = (what: string) => actions.find((a) => a.what === what)!.id;
    for (const [what, status, note] of [
      ['Carried action', 'in_progress', 'Draft shared'],
      ['Done later', 'done', 'Finished'],
      ['Dropped one', 'dropped', 'No longer needed'],
    ] as const) {
      const res = await lead.post(
        `/staff/groups/${id}/actions/${actionId(what)}`,
        { status, note, meetingId: m2 },
        { from: url(m2) },
      );
      assert.equal(res.statusCode, 303, res.body);
    }

    const report = (period: ReportingPeriod) =>
      testDb.database.withOrganisation(org.id, async (tx) =>
        quarterReport(tx, (await groupById(tx, id))!, period, today),
      );
    const last = await report(lastQuarter);
    assert.deepEqual(
      last.meetings.map((m) => [m.id, m.members, m.attended, m.apologies, m.absent]),
      [
        [m1, 2, 1, 1, 0],
        [m2, 2, 1, 0, 1],
      ],
    );
    assert.deepEqual(
      last.decisions.map((d) => d.what),
      ['Add a repairs slot'],
    );
    // Open at the quarter's end: the carried one (overdue), and those done or dropped after it ended.
    assert.deepEqual(
      last.openActions.map((a) => [a.what, a.status, a.overdue, a.lastUpdate]),
      [
        ['Carried action', 'open', true, null],
        ['Done later', 'open', false, null],
        ['Dropped one', 'open', false, null],
      ],
    );
    assert.deepEqual(last.doneActions, []);
    const byName = Object.fromEntries(last.members.map((m) => [m.personId, m]));
    assert.deepEqual(
      [byName[keen.id]!.meetings, byName[keen.id]!.attended, byName[keen.id]!.missedLastTwo],
      [2, 2, false],
    );
    assert.deepEqual(
      [
        byName[missing.id]!.attended,
        byName[missing.id]!.apologies,
        byName[missing.id]!.absent,
        byName[missing.id]!.missedLastTwo,
      ],
      [0, 1, 1, true],
    );

    // This quarter: the carried action's update, and what was done.
    const now = await report(thisQuarter);
    assert.deepEqual(now.meetings, []);
    assert.deepEqual(
      now.openActions.map((a) => [a.what, a.status, a.lastUpdate?.note]),
      [['Carried action', 'in_progress', 'Draft shared']],
    );
    assert.deepEqual(
      now.doneActions.map((a) => a.what),
      ['Done later'],
    );

    // The page to print, its easy-read form and both PDFs.
    const page = await lead.get(`/staff/groups/${id}/report?period=${lastQuarter.name}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Add a repairs slot/);
    assert.match(page.body, /Carried action/);
    assert.match(page.body, /For SLT and Board, through the Board Chair/);
    assert.match(page.body, /Missed the last two: check in/);
    const easy = await lead.get(`/staff/groups/${id}/report/easy-read?period=${lastQuarter.name}`);
    assert.equal(easy.statusCode, 200);
    assert.match(easy.body, /We will fix things faster/);
    assert.match(easy.body, /We met 2 times/);
    for (const path of ['report.pdf', 'report/easy-read.pdf']) {
      const pdf = await lead.get(`/staff/groups/${id}/${path}?period=${lastQuarter.name}`);
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    }
    // A customer may not read it; an unknown body is not found.
    const customer = new TestClient(app, signedInAs(org, ['customer']));
    assert.equal((await customer.get(`/staff/groups/${id}/report`)).statusCode, 403);
    assert.equal(
      (await lead.get('/staff/groups/00000000-0000-4000-8000-000000000000/report')).statusCode,
      404,
    );
  });
});
