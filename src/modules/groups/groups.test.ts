import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf } from '../../platform/db/index.ts';
import { Worker } from '../../platform/jobs/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople, addServices, linkPeopleToServices, type NewPerson } from '../people/index.ts';
import { addDays, addMonths, createGroup, londonToday } from './groups.ts';
import { loadRepresentation, representationOf } from './representation.ts';
import { dayInWords, sendTermReminders } from './reminders.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;
const today = londonToday();

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>, orgId = org.id) =>
  testDb.database.withOrganisation(orgId, async (tx) => rowsOf<T>(await tx.execute(text)));

let counter = 0;
async function person(fields: Partial<NewPerson> = {}, orgId = org.id) {
  counter += 1;
  const reference = fields.reference ?? `GRP${String(counter).padStart(4, '0')}`;
  const [id] = await testDb.database.withOrganisation(orgId, (tx) =>
    addPeople(tx, [
      {
        organisationId: orgId,
        reference,
        firstName: `First${counter}`,
        lastName: `Last${counter}`,
        kinds: ['customer'],
        ...fields,
      },
    ]),
  );
  return { id: id!, reference };
}

const services: Record<string, string> = {};

/** A body made through the staff pages, with its id. */
async function makeGroup(title: string, extra: Record<string, string | string[]> = {}) {
  const res = await lead.post(
    '/staff/groups',
    {
      title,
      summary: 'Customers scrutinise how we do.',
      kind: 'panel',
      rung: '5',
      roleCode: 'panel_member',
      papersDaysBefore: '7',
      agendaDaysBefore: '14',
      termReminderDays: '60',
      tieRule: 'lot',
      ...extra,
    },
    { from: '/staff/groups/new' },
  );
  assert.equal(res.statusCode, 303, res.body);
  return /\/staff\/groups\/([0-9a-f-]{36})/.exec(res.headers.location as string)![1]!;
}

async function addSeat(groupId: string, fields: Record<string, string>) {
  const res = await lead.post(`/staff/groups/${groupId}/seats`, fields, {
    from: `/staff/groups/${groupId}/seats/new`,
  });
  assert.equal(res.statusCode, 303, res.body);
  const [seat] = await q<{ id: string }>(
    sql`select id from group_seats where group_id = ${groupId} and label = ${fields.label}`,
  );
  return seat!.id;
}

const dateFields = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return {
    [`${name}-day`]: String(Number(d)),
    [`${name}-month`]: String(Number(m)),
    [`${name}-year`]: y!,
  };
};

async function seat(
  groupId: string,
  seatId: string,
  reference: string,
  extra: Record<string, string> = {},
) {
  return lead.post(
    `/staff/groups/${groupId}/members`,
    { reference, seatId, filledBy: 'appointment', ...dateFields('startsOn', today), ...extra },
    { from: `/staff/groups/${groupId}/members/new` },
  );
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  other = await makeOrganisation(testDb.database, { slug: 'other', name: 'Other Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  const made = await testDb.database.withOrganisation(org.id, (tx) =>
    addServices(tx, [
      {
        organisationId: org.id,
        code: 'H1',
        name: 'Hostel one',
        type: 'hostel',
        specialism: 'homelessness',
        area: 'North',
      },
      {
        organisationId: org.id,
        code: 'S1',
        name: 'Supported one',
        type: 'supported_housing',
        specialism: 'mental_health',
        area: 'South',
      },
      {
        organisationId: org.id,
        code: 'U1',
        name: 'Flats',
        type: 'unsupported',
        specialism: 'homelessness',
        area: 'North',
      },
      {
        organisationId: org.id,
        code: 'L1',
        name: 'LD home',
        type: 'care_home',
        specialism: 'learning_disabilities',
        area: 'East',
      },
    ]),
  );
  for (const s of made as Array<{ id: string; code: string }>) services[s.code] = s.id;
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('groups: who may see and change them', () => {
  it('sends the signed-out to sign in and refuses customers', async () => {
    const signedOut = new TestClient(app);
    assert.equal((await signedOut.get('/staff/groups')).statusCode, 303);
    const customer = new TestClient(app, signedInAs(org, ['customer']));
    assert.equal((await customer.get('/staff/groups')).statusCode, 403);
    const board = new TestClient(app, signedInAs(org, ['board_member']));
    assert.equal((await board.get('/staff/groups')).statusCode, 200);
    assert.equal((await board.get('/staff/groups/new')).statusCode, 403);
  });

  it("does not show one organisation's body to another", async () => {
    const id = await makeGroup('Private panel');
    const stranger = new TestClient(app, signedInAs(other, ['involvement_lead']));
    assert.equal((await stranger.get(`/staff/groups/${id}`)).statusCode, 403);
    // An id of another organisation's body is not found from this one.
    const theirs = await testDb.database.withOrganisation(other.id, (tx) =>
      createGroup(
        tx,
        { userId: null, label: 'test', ip: null },
        {
          title: 'Their panel',
          summary: '',
          kind: 'panel',
          rung: 5,
          roleCode: 'panel_member',
          papersDaysBefore: 7,
          agendaDaysBefore: 14,
          termReminderDays: 60,
          tieRule: 'lot',
          clerkEmail: null,
          coverServiceTypes: [],
          coverSpecialisms: [],
          coverAreas: [],
          published: true,
        },
      ),
    );
    assert.equal((await lead.get(`/staff/groups/${theirs.id}`)).statusCode, 404);
    assert.equal((await lead.get(`/staff/groups/${theirs.id}/members`)).statusCode, 404);
    const res = await lead.post(
      `/staff/groups/${theirs.id}/seats`,
      { label: 'X', holder: 'customer', fillBy: 'open' },
      { from: '/staff/groups/new' },
    );
    assert.equal(res.statusCode, 404);
    assert.equal((await q(sql`select 1 from group_seats`, other.id)).length, 0);
  });
});

describe('groups: a body, its terms and seats', () => {
  it('makes a body as an initiative of kind panel, and names what is wrong in its form', async () => {
    const bad = await lead.post(
      '/staff/groups',
      { title: '', kind: 'club', rung: '9', papersDaysBefore: 'soon' },
      { from: '/staff/groups/new' },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter a name/);
    assert.match(bad.body, /Select what kind of body it is/);
    assert.match(bad.body, /Enter a number of days from 0 to 60/);
    const id = await makeGroup('Tenant and Landlord Panel');
    const [row] = await q<{ kind: string; title: string; slug: string }>(
      sql`select i.kind, i.title, g.slug from groups g join initiatives i on i.id = g.initiative_id where g.id = ${id}`,
    );
    assert.deepEqual(row, {
      kind: 'panel',
      title: 'Tenant and Landlord Panel',
      slug: 'tenant-and-landlord-panel',
    });
    // A second body of the same name gets its own address.
    const twin = await makeGroup('Tenant and Landlord Panel');
    const [again] = await q<{ slug: string }>(sql`select slug from groups where id = ${twin}`);
    assert.equal(again!.slug, 'tenant-and-landlord-panel-2');
  });

  it('keeps every version of the terms of reference', async () => {
    const id = await makeGroup('Versioned panel');
    const terms = (objectives: string) => ({
      objectives,
      functions: 'Meets quarterly.',
      scrutinyAreas: 'Repairs\nVoids\n- Compliance',
      frequency: 'quarterly',
      reportsTo: 'SLT and Board',
      reportsThrough: 'the Board Chair',
      decides: 'Recommendations to the board.',
      decidesHow: 'By agreement.',
      ...dateFields('adoptedOn', today),
    });
    const missing = await lead.post(
      `/staff/groups/${id}/terms`,
      { objectives: 'x' },
      { from: `/staff/groups/${id}/terms/new` },
    );
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Enter its functions/);
    assert.match(missing.body, /Select how often it meets/);
    assert.equal(
      (
        await lead.post(`/staff/groups/${id}/terms`, terms('First aims'), {
          from: `/staff/groups/${id}/terms/new`,
        })
      ).statusCode,
      303,
    );
    assert.equal(
      (
        await lead.post(`/staff/groups/${id}/terms`, terms('Second aims'), {
          from: `/staff/groups/${id}/terms/new`,
        })
      ).statusCode,
      303,
    );
    const versions = await q<{ version: number; objectives: string; scrutiny_areas: string[] }>(
      sql`select version, objectives, scrutiny_areas from group_terms where group_id = ${id} order by version`,
    );
    assert.deepEqual(
      versions.map((v) => [v.version, v.objectives]),
      [
        [1, 'First aims'],
        [2, 'Second aims'],
      ],
    );
    assert.deepEqual(versions[0]!.scrutiny_areas, ['Repairs', 'Voids', 'Compliance']);
    const page = await lead.get(`/staff/groups/${id}/terms`);
    assert.match(page.body, /Version 2, adopted/);
    assert.match(page.body, /Earlier versions/);
  });

  it('seats members for a term of office, with the role on the register, and refuses a full seat', async () => {
    const id = await makeGroup('Seated panel');
    const chairSeat = await addSeat(id, {
      label: 'Board Chair',
      holder: 'board',
      places: '1',
      fillBy: 'appointment',
    });
    const elected = await addSeat(id, {
      label: 'Elected customer: hostels',
      holder: 'customer',
      places: '2',
      fillBy: 'election',
      serviceType: 'hostel',
      termMonths: '24',
    });
    const a = await person();
    const b = await person();
    const c = await person();
    assert.equal((await seat(id, chairSeat, a.reference)).statusCode, 303);
    assert.equal((await seat(id, elected, b.reference, { filledBy: 'election' })).statusCode, 303);
    // The seat's term of office gives the end date; the register role runs for it.
    const [held] = await q<{
      term_ends_on: string;
      role: string;
      started_on: string;
      ended_on: string;
    }>(sql`
      select m.term_ends_on::text, r.role, r.started_on::text, r.ended_on::text
      from group_members m join person_roles r on r.id = m.person_role_id where m.person_id = ${b.id}`);
    assert.equal(held!.term_ends_on, addDays(addMonths(today, 24), -1));
    assert.deepEqual(
      [held!.role, held!.started_on, held!.ended_on],
      ['panel_member', today, held!.term_ends_on],
    );
    // The chair's seat is full; an unknown reference is named.
    const full = await seat(id, chairSeat, c.reference);
    assert.equal(full.statusCode, 400);
    assert.match(full.body, /Board Chair has no empty places/);
    const unknown = await seat(id, elected, 'NOBODY1');
    assert.match(unknown.body, /nobody on the register with the reference NOBODY1/);
    // Holding the seat twice is refused.
    const twice = await seat(id, elected, b.reference);
    assert.match(twice.body, /already hold a seat as Elected customer: hostels/);
    // Standing down ends the register role on the same day.
    const [member] = await q<{ id: string }>(
      sql`select id from group_members where person_id = ${b.id}`,
    );
    const yesterday = addDays(today, -1);
    const end = await lead.post(
      `/staff/groups/${id}/members/${member!.id}/end`,
      dateFields('endedOn', yesterday),
      { from: `/staff/groups/${id}/members/${member!.id}` },
    );
    assert.equal(end.statusCode, 303);
    const [role] = await q<{ ended_on: string }>(
      sql`select ended_on::text from person_roles where person_id = ${b.id}`,
    );
    assert.equal(role!.ended_on, yesterday);
    const page = await lead.get(`/staff/groups/${id}/members`);
    assert.match(page.body, /Former members/);
    assert.match(page.body, /2 empty/);
  });
});

describe('groups: who has a voice', () => {
  it('finds the specialism and the type of service with no member', async () => {
    const id = await makeGroup('Care and Support Customer Forum', {
      kind: 'forum',
      coverSpecialisms: ['homelessness', 'mental_health', 'learning_disabilities'],
      coverServiceTypes: ['hostel', 'unsupported'],
    });
    const open = await addSeat(id, { label: 'Forum member', holder: 'customer', fillBy: 'open' });
    const two = await addSeat(id, {
      label: 'Customer chair',
      holder: 'customer',
      places: '1',
      fillBy: 'election',
      chairs: 'yes',
    });
    const hostel = await person();
    const supported = await person();
    await testDb.database.withOrganisation(org.id, (tx) =>
      linkPeopleToServices(tx, [
        {
          organisationId: org.id,
          personId: hostel.id,
          serviceId: services.H1!,
          startedOn: '2020-01-01',
        },
        {
          organisationId: org.id,
          personId: supported.id,
          serviceId: services.S1!,
          startedOn: '2020-01-01',
        },
      ]),
    );
    await seat(id, open, hostel.reference, { filledBy: 'open' });
    await seat(id, open, supported.reference, { filledBy: 'open' });
    const rep = await testDb.database.withOrganisation(org.id, (tx) =>
      loadRepresentation(tx, id, { today }),
    );
    assert.deepEqual(rep!.gaps, [
      { dimension: 'serviceType', code: 'unsupported' },
      { dimension: 'specialism', code: 'learning_disabilities' },
    ]);
    assert.deepEqual(
      rep!.emptySeats.map((s) => s.seatId),
      [two],
    );
    const page = await lead.get(`/staff/groups/${id}/representation`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /No member from Learning disabilities/);
    assert.match(page.body, /No member from Unsupported housing/);
    assert.match(page.body, /Customer chair: 1 empty place/);
    // The register's small counts are hidden, as on any staff page.
    assert.match(page.body, /Fewer than 5/);
  });

  it('suppresses small register counts but shows a true zero', () => {
    const rep = representationOf({
      seats: [],
      cover: { serviceType: [], specialism: ['a', 'b', 'c'], area: [] },
      members: [{ personId: 'p', services: [{ type: 't', specialism: 'a', area: null }] }],
      register: {
        serviceType: new Map(),
        specialism: new Map([
          ['a', 40],
          ['b', 3],
          ['c', 0],
        ]),
        area: new Map(),
      },
      threshold: 5,
    });
    const rows = rep.dimensions[0]!.rows;
    assert.deepEqual(
      rows.map((r) => r.members),
      [1, 0, 0],
    );
    assert.equal(rows[1]!.register.suppressed, 'primary');
    assert.deepEqual(rows[2]!.register, { value: 0, suppressed: false });
    assert.deepEqual(
      rep.gaps.map((g) => g.code),
      ['b', 'c'],
    );
  });
});

describe('groups: term-end reminders', () => {
  it('go out by job, once, to the clerk and to a member who can be emailed', async () => {
    const id = await makeGroup('Reminding panel', {
      clerkEmail: 'clerk@example.org',
      termReminderDays: '30',
    });
    const s = await addSeat(id, {
      label: 'Member',
      holder: 'customer',
      places: '5',
      fillBy: 'appointment',
    });
    const soon = await person({ email: 'soon@example.org', consents: ['contact_email'] });
    const later = await person({ email: 'later@example.org', consents: ['contact_email'] });
    await seat(id, s, soon.reference, dateFields('termEndsOn', addDays(today, 20)));
    await seat(id, s, later.reference, dateFields('termEndsOn', addDays(today, 200)));
    const jobs = await q<{ run_at: Date }>(
      sql`select run_at from jobs where kind = 'groups.term-reminders' order by run_at`,
    );
    assert.ok(jobs.length >= 2);
    // The later term's job waits for its day.
    assert.ok(new Date(jobs.at(-1)!.run_at).getTime() > Date.now() + 100 * 86_400_000);
    const worker = new Worker(testDb.database);
    await worker.runDue();
    const sent = await q<{ to_address: string; subject: string }>(
      sql`select to_address, subject from outbox where template like 'group-term-ending%' order by to_address`,
    );
    assert.deepEqual(
      sent.map((m) => m.to_address),
      ['clerk@example.org', 'soon@example.org'],
    );
    assert.match(sent[0]!.subject, /term on Reminding panel ends on/);
    // Once only.
    await testDb.database.withOrganisation(org.id, async (tx) => {
      const { enqueue } = await import('../../platform/jobs/index.ts');
      await enqueue(tx, 'groups.term-reminders', { baseUrl: 'http://demo.test' });
    });
    await worker.runDue();
    const again = await q(sql`select 1 from outbox where template like 'group-term-ending%'`);
    assert.equal(again.length, 2);
  });
});

describe('groups: term-end reminders in easy read (issue 10 §3)', () => {
  it('remind a member whose record asks for easy read in easy read, and another in the standard words', async () => {
    const id = await makeGroup('Easy panel', { termReminderDays: '30' });
    const s = await addSeat(id, {
      label: 'Tenant member',
      holder: 'customer',
      places: '5',
      fillBy: 'appointment',
    });
    const contact = { consents: ['register', 'contact_email'] };
    const mia = await person({
      firstName: 'Mia',
      email: 'mia.term@example.org',
      needs: ['easy_read'],
      ...contact,
    });
    const ned = await person({ firstName: 'Ned', email: 'ned.term@example.org', ...contact });
    const ends = addDays(today, 20);
    await seat(id, s, mia.reference, dateFields('termEndsOn', ends));
    await seat(id, s, ned.reference, dateFields('termEndsOn', ends));
    await testDb.database.withOrganisation(org.id, (tx) =>
      sendTermReminders(tx, { baseUrl: 'http://demo.test' }),
    );
    const mail = await q<{ to_address: string; subject: string; text_body: string }>(
      sql`select to_address, subject, text_body from outbox
          where template = 'group-term-ending-member' and to_address like '%.term@example.org'
          order by to_address`,
    );
    const [miaMail, nedMail] = mail;
    const date = dayInWords(ends);
    assert.equal(miaMail!.to_address, 'mia.term@example.org');
    assert.equal(miaMail!.subject, 'Your time on Easy panel is ending');
    assert.deepEqual(miaMail!.text_body.split('\n\n').slice(0, 7), [
      'Hello Mia,',
      'Thank you for being on Easy panel.',
      `Your time as Tenant member ends on ${date}.`,
      'We will talk to you about what happens next.',
      'You may be able to stay on Easy panel for longer. We will tell you how.',
      'Press the link below to see what you have done with us.',
      'See what you have done with us: http://demo.test/my',
    ]);
    assert.equal(nedMail!.to_address, 'ned.term@example.org');
    assert.equal(nedMail!.subject, `Your time on Easy panel ends on ${date}`);
    assert.match(nedMail!.text_body, /^Hello Ned,/);
    assert.match(nedMail!.text_body, /You may be able to stand again\./);
    assert.doesNotMatch(nedMail!.text_body, /We will tell you how\./);
  });
});

describe('groups: pages stay fast', () => {
  it('reads the members page in the same number of queries however many members', async () => {
    const id = await makeGroup('Busy panel');
    const s = await addSeat(id, { label: 'Member', holder: 'customer', fillBy: 'open' });
    const count = async () =>
      (await testDb.countQueries(() => lead.get(`/staff/groups/${id}/members`))).queries;
    await seat(id, s, (await person()).reference, { filledBy: 'open' });
    const one = await count();
    for (let i = 0; i < 6; i += 1)
      await seat(id, s, (await person()).reference, { filledBy: 'open' });
    assert.equal(await count(), one);
    const list = async () => (await testDb.countQueries(() => lead.get('/staff/groups'))).queries;
    const before = await list();
    await makeGroup('Another busy panel');
    assert.equal(await list(), before);
  });
});

describe('groups: choosing a member’s buddy', () => {
  it('tells staff with the same name apart in the buddy list', async () => {
    const groupId = await makeGroup('Buddy list panel');
    const one = await person({
      firstName: 'Jo',
      lastName: 'Twin',
      kinds: ['staff'],
      reference: 'TW-1',
    });
    const two = await person({
      firstName: 'Jo',
      lastName: 'Twin',
      kinds: ['staff'],
      reference: 'TW-2',
    });
    const form = await lead.get(`/staff/groups/${groupId}/members/new`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, new RegExp(`value="${one.id}"[^>]*>Jo Twin \\(TW-1\\)</option>`));
    assert.match(form.body, new RegExp(`value="${two.id}"[^>]*>Jo Twin \\(TW-2\\)</option>`));
  });
});
