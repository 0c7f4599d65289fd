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
import { addPeople, type NewPerson } from '../people/index.ts';
import { addDays, addMonths, londonToday } from './groups.ts';
import { carriedTo, checkLatePapers, type ActionView, type MeetingView } from './meetings.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;
const today = londonToday();

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>) =>
  testDb.database.withOrganisation(org.id, async (tx) => rowsOf<T>(await tx.execute(text)));

let counter = 0;
async function person(fields: Partial<NewPerson> = {}) {
  counter += 1;
  const reference = `MTG${String(counter).padStart(4, '0')}`;
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
  return { id: id!, reference };
}

const dateFields = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return {
    [`${name}-day`]: String(Number(d)),
    [`${name}-month`]: String(Number(m)),
    [`${name}-year`]: y!,
  };
};

const idIn = (location: unknown, after: string) =>
  new RegExp(`${after}/([0-9a-f-]{36})`).exec(String(location))![1]!;

/** A panel with terms (quarterly), an open seat and a chair's seat, and its meetings. */
async function panel(options: { clerkEmail?: string; terms?: boolean } = {}) {
  const made = await lead.post(
    '/staff/groups',
    {
      title: `Panel ${counter++}`,
      kind: 'panel',
      rung: '5',
      roleCode: 'panel_member',
      papersDaysBefore: '7',
      agendaDaysBefore: '14',
      termReminderDays: '60',
      tieRule: 'lot',
      clerkEmail: options.clerkEmail ?? '',
    },
    { from: '/staff/groups/new' },
  );
  const id = idIn(made.headers.location, '/staff/groups');
  if (options.terms !== false)
    await lead.post(`/staff/groups/${id}/terms`, {
      objectives: 'Scrutinise.',
      functions: 'Meets quarterly.',
      frequency: 'quarterly',
      reportsTo: 'The board',
      decides: 'Recommendations.',
      decidesHow: 'By agreement.',
      ...dateFields('adoptedOn', today),
    });
  for (const seat of <Array<Record<string, string>>>[
    { label: 'Member', holder: 'customer', fillBy: 'open' },
    { label: 'Customer chair', holder: 'customer', places: '1', fillBy: 'election', chairs: 'yes' },
  ])
    await lead.post(`/staff/groups/${id}/seats`, seat, { from: `/staff/groups/${id}/seats/new` });
  const seats = await q<{ id: string; label: string }>(
    sql`select id, label from group_seats where group_id = ${id}`,
  );
  const seatId = (label: string) => seats.find((s) => s.label === label)!.id;
  const seatPerson = async (label: string, fields: Partial<NewPerson> = {}) => {
    const p = await person(fields);
    const res = await lead.post(`/staff/groups/${id}/members`, {
      reference: p.reference,
      seatId: seatId(label),
      filledBy: 'appointment',
      ...dateFields('startsOn', addDays(today, -400)),
    });
    assert.equal(res.statusCode, 303, res.body);
    return p;
  };
  return { id, seatPerson };
}

async function schedule(groupId: string, firstOn: string, count = 3) {
  return lead.post(`/staff/groups/${groupId}/meetings`, {
    ...dateFields('firstOn', firstOn),
    time: '10:30am',
    lengthMinutes: '120',
    count: String(count),
    location: 'The Hub',
  });
}

async function meetingIds(groupId: string) {
  return (
    await q<{ id: string }>(sql`
      select m.id from group_meetings m join activities a on a.id = m.activity_id
      where m.group_id = ${groupId} order by a.starts_at`)
  ).map((r) => r.id);
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  await lead.get('/staff/groups/new');
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('meetings: the schedule', () => {
  it('follows the frequency in the terms of reference, and needs them first', async () => {
    const none = await panel({ terms: false });
    const refused = await schedule(none.id, addDays(today, 30));
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Write the terms of reference first/);
    const bad = await lead.post(`/staff/groups/${none.id}/meetings`, {
      time: '25:00',
      count: '40',
    });
    assert.match(bad.body, /Enter the day of the first meeting/);
    assert.match(bad.body, /Enter a start time/);
    assert.match(bad.body, /from 1 to 12/);

    const { id } = await panel();
    const first = addDays(today, 30);
    assert.equal((await schedule(id, first, 3)).statusCode, 303);
    const rows = await q<{
      day: string;
      agenda: string;
      papers: string;
      kind: string;
      initiative: boolean;
    }>(sql`
      select (a.starts_at at time zone 'Europe/London')::date::text as day, m.agenda_deadline::text as agenda,
        m.papers_due_on::text as papers, a.kind,
        a.initiative_id = (select initiative_id from groups where id = ${id}) as initiative
      from group_meetings m join activities a on a.id = m.activity_id
      where m.group_id = ${id} order by a.starts_at`);
    assert.deepEqual(
      rows.map((r) => r.day),
      [first, addMonths(first, 3), addMonths(first, 6)],
    );
    assert.equal(rows[0]!.agenda, addDays(first, -14));
    assert.equal(rows[0]!.papers, addDays(first, -7));
    assert.ok(rows.every((r) => r.kind === 'meeting' && r.initiative));
  });
});

describe('meetings: a co-designed agenda', () => {
  it('takes a member’s item from their own side until the deadline; the chair accepts it', async () => {
    const { id, seatPerson } = await panel();
    const member = await seatPerson('Member');
    const chair = await seatPerson('Customer chair');
    const outsider = await person();
    await schedule(id, addDays(today, 30), 2);
    const [meeting] = await meetingIds(id);
    const memberClient = new TestClient(
      app,
      signedInAs(org, ['customer'], [], { personId: member.id }),
    );
    const page = await memberClient.get(`/my/groups/meetings/${meeting}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Suggest something to talk about/);
    // Their own page lists the meeting.
    assert.match(
      (await memberClient.get('/my')).body,
      new RegExp(`/my/groups/meetings/${meeting}`),
    );

    const empty = await memberClient.post(`/my/groups/meetings/${meeting}/items`, { title: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Enter the item/);
    const sent = await memberClient.post(`/my/groups/meetings/${meeting}/items`, {
      title: 'Repairs that take too long',
      detail: 'Three of us waited months.',
    });
    assert.equal(sent.statusCode, 303);
    assert.match((await memberClient.get(String(sent.headers.location))).body, /With the chair/);

    // Someone not on the panel cannot see or propose.
    const stranger = new TestClient(
      app,
      signedInAs(org, ['customer'], [], { personId: outsider.id }),
    );
    assert.equal((await stranger.get(`/my/groups/meetings/${meeting}`)).statusCode, 404);
    // A member who does not chair cannot accept.
    const [item] = await q<{ id: string }>(
      sql`select id from group_agenda_items where meeting_id = ${meeting}`,
    );
    await memberClient.get(`/my/groups/meetings/${meeting}`);
    assert.equal(
      (
        await memberClient.post(`/my/groups/meetings/${meeting}/items/${item!.id}`, {
          decision: 'accepted',
        })
      ).statusCode,
      404,
    );
    // The customer chair accepts it from their own side.
    const chairClient = new TestClient(
      app,
      signedInAs(org, ['customer'], [], { personId: chair.id }),
    );
    const chairPage = await chairClient.get(`/my/groups/meetings/${meeting}`);
    assert.match(chairPage.body, /Suggestions for you to decide, as chair/);
    const accepted = await chairClient.post(`/my/groups/meetings/${meeting}/items/${item!.id}`, {
      decision: 'accepted',
      response: 'Good idea.',
    });
    assert.equal(accepted.statusCode, 303);
    const after = (await memberClient.get(`/my/groups/meetings/${meeting}`)).body;
    assert.match(after, /On the agenda/);
    assert.match(after, /The chair said: Good idea\./);

    // After the deadline a member cannot add one; staff still can.
    await q(
      sql`update group_meetings set agenda_deadline = ${addDays(today, -1)}::date where id = ${meeting}`,
    );
    await memberClient.get(`/my/groups/meetings/${meeting}`);
    const late = await memberClient.post(`/my/groups/meetings/${meeting}/items`, {
      title: 'Too late',
    });
    assert.equal(late.statusCode, 400);
    assert.match(late.body, /closed/);
    const staffItem = await lead.post(
      `/staff/groups/${id}/meetings/${meeting}/agenda`,
      { title: 'Budget' },
      {
        from: `/staff/groups/${id}/meetings/${meeting}`,
      },
    );
    assert.equal(staffItem.statusCode, 303);
  });
});

describe('meetings: papers, minutes, decisions and actions', () => {
  it('needs an easy-read version of each paper, sends them, and tells the clerk when they are late', async () => {
    const { id, seatPerson } = await panel({ clerkEmail: 'clerk@example.org' });
    await seatPerson('Member', { email: 'member@example.org', consents: ['contact_email'] });
    await seatPerson('Member');
    await schedule(id, addDays(today, 30), 2);
    const [first, second] = await meetingIds(id);
    const url = `/staff/groups/${id}/meetings/${first}`;
    const noEasy = await lead.post(
      `${url}/papers`,
      { title: 'Repairs report', body: 'Figures.' },
      { from: url },
    );
    assert.equal(noEasy.statusCode, 400);
    assert.match(noEasy.body, /Enter the easy-read version/);
    assert.equal(
      (
        await lead.post(
          `${url}/papers`,
          { title: 'Repairs report', body: 'Figures.', easyRead: 'We fixed most things fast.' },
          { from: url },
        )
      ).statusCode,
      303,
    );
    assert.equal((await lead.post(`${url}/papers/send`, {}, { from: url })).statusCode, 303);
    const mail = await q<{ to_address: string }>(
      sql`select to_address from outbox where template = 'group-papers'`,
    );
    assert.deepEqual(
      mail.map((m) => m.to_address),
      ['member@example.org'],
    );
    // The second meeting's papers are made due today and not sent: the check tells the clerk, once.
    await q(sql`update group_meetings set papers_due_on = ${today}::date where id = ${second}`);
    const told = await testDb.database.withOrganisation(org.id, (tx) =>
      checkLatePapers(tx, { baseUrl: 'http://x' }),
    );
    assert.equal(told, 1);
    assert.equal(
      await testDb.database.withOrganisation(org.id, (tx) =>
        checkLatePapers(tx, { baseUrl: 'http://x' }),
      ),
      0,
    );
    const late = await q<{ to_address: string }>(
      sql`select to_address from outbox where template = 'group-papers-late'`,
    );
    assert.deepEqual(
      late.map((m) => m.to_address),
      ['clerk@example.org'],
    );
    // The job queued when the meetings were scheduled runs the same check.
    await new Worker(testDb.database).runDue();
  });

  it('sends the papers in easy read to a member whose record asks for it (issue 10 §3)', async () => {
    const { id, seatPerson } = await panel();
    const contact = { consents: ['register', 'contact_email'] };
    await seatPerson('Member', {
      firstName: 'Ivy',
      preferredName: 'Ivy',
      email: 'ivy.papers@example.org',
      needs: ['easy_read'],
      ...contact,
    });
    await seatPerson('Member', { firstName: 'Jon', email: 'jon.papers@example.org', ...contact });
    await schedule(id, addDays(today, 30), 1);
    const [meeting] = await meetingIds(id);
    const url = `/staff/groups/${id}/meetings/${meeting}`;
    await lead.post(
      `${url}/papers`,
      { title: 'Repairs report', body: 'Figures.', easyRead: 'We fixed most things fast.' },
      { from: url },
    );
    assert.equal((await lead.post(`${url}/papers/send`, {}, { from: url })).statusCode, 303);
    const mail = await q<{ to_address: string; subject: string; text_body: string }>(
      sql`select to_address, subject, text_body from outbox
          where template = 'group-papers' and to_address like '%.papers@example.org'
          order by to_address`,
    );
    const [ivy, jon] = mail;
    const [{ title }] = (await q<{ title: string }>(
      sql`select i.title from groups g join initiative_summaries i on i.id = g.initiative_id
          where g.id = ${id}`,
    )) as [{ title: string }];
    const [{ day }] = (await q<{ day: string }>(
      sql`select (a.starts_at at time zone 'Europe/London')::date::text as day
          from group_meetings m join activities a on a.id = m.activity_id where m.id = ${meeting}`,
    )) as [{ day: string }];
    const date = new Date(`${day}T12:00:00Z`).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    assert.equal(ivy!.to_address, 'ivy.papers@example.org');
    assert.equal(ivy!.subject, `Your papers for ${title} are ready`);
    const lines = ivy!.text_body.split('\n\n');
    assert.deepEqual(lines.slice(0, 7), [
      'Hello Ivy,',
      `${title} has a meeting on ${date}.`,
      'The papers for the meeting are ready.',
      'The papers tell you what the meeting will talk about.',
      'Each paper has an easy read version.',
      'You need to sign in to read them. Sign in means you use your email address to get into our website.',
      'Press the link below to read the papers.',
    ]);
    // The button after all the words.
    assert.match(
      lines[7]!,
      new RegExp(`^Read the papers: http://[^ ]+/my/groups/meetings/${meeting}$`),
    );
    assert.equal(jon!.to_address, 'jon.papers@example.org');
    assert.equal(jon!.subject, `Papers for ${title} on ${date}`);
    assert.match(jon!.text_body, /^Hello Jon,/);
    assert.match(jon!.text_body, /are ready\. Sign in to read them\./);
    assert.match(jon!.text_body, /Each paper has an easy read version beside it\./);
    assert.doesNotMatch(jon!.text_body, /The papers tell you/);
  });

  it('records minutes, decisions and an action that carries to the next meeting until done', async () => {
    const { id, seatPerson } = await panel();
    await seatPerson('Member', { needs: ['step_free', 'large_print'] });
    await schedule(id, addDays(today, 30), 3);
    const [first, second, third] = await meetingIds(id);
    const at = (m: string) => `/staff/groups/${id}/meetings/${m}`;
    assert.equal(
      (await lead.post(`${at(first!)}/minutes`, { minutes: 'We met.' }, { from: at(first!) }))
        .statusCode,
      303,
    );
    const noWhy = await lead.post(
      `${at(first!)}/decisions`,
      { what: 'Repairs first' },
      { from: at(first!) },
    );
    assert.match(noWhy.body, /Enter why it was decided/);
    assert.equal(
      (
        await lead.post(
          `${at(first!)}/decisions`,
          { what: 'Look at repairs first', why: 'Most complaints are about repairs.' },
          { from: at(first!) },
        )
      ).statusCode,
      303,
    );
    const noOwner = await lead.post(
      `${at(first!)}/actions`,
      { what: 'Bring repair times' },
      { from: at(first!) },
    );
    assert.match(noOwner.body, /Enter who will do it/);
    assert.equal(
      (
        await lead.post(
          `${at(first!)}/actions`,
          {
            what: 'Bring repair times',
            owner: 'Head of Repairs',
            ...dateFields('dueOn', addDays(today, 60)),
          },
          { from: at(first!) },
        )
      ).statusCode,
      303,
    );
    const secondPage = (await lead.get(at(second!))).body;
    assert.match(secondPage, /Carried from earlier meetings \(1\)/);
    assert.match(secondPage, /Bring repair times/);
    // Access needs of the members are summed on the meeting.
    assert.match(secondPage, /needs step-free access|step-free/i);
    const [action] = await q<{ id: string }>(
      sql`select id from group_actions where group_id = ${id}`,
    );
    const update = await lead.post(
      `/staff/groups/${id}/actions/${action!.id}`,
      { status: 'in_progress', note: 'Figures asked for', meetingId: second! },
      { from: at(second!) },
    );
    assert.equal(update.statusCode, 303);
    assert.match((await lead.get(at(third!))).body, /Figures asked for/);
    await lead.post(
      `/staff/groups/${id}/actions/${action!.id}`,
      { status: 'done', note: 'Presented' },
      { from: `/staff/groups/${id}/actions` },
    );
    assert.match((await lead.get(at(third!))).body, /Carried from earlier meetings \(0\)/);
    const log = (await lead.get(`/staff/groups/${id}/actions`)).body;
    assert.match(log, /Done or dropped/);
  });

  it('carries an action done on or after a meeting’s day to it, and not one done before', () => {
    const meeting = { id: 'm2', day: '2030-06-01' } as MeetingView;
    const base = {
      meetingId: 'm1',
      setOn: '2030-03-01',
      what: 'x',
      owner: 'y',
      dueOn: null,
      updates: [],
    };
    const actions: ActionView[] = [
      { ...base, id: 'open', status: 'open', doneOn: null },
      { ...base, id: 'doneBefore', status: 'done', doneOn: '2030-05-01' },
      { ...base, id: 'doneAfter', status: 'done', doneOn: '2030-06-01' },
      { ...base, id: 'here', meetingId: 'm2', setOn: '2030-06-01', status: 'open', doneOn: null },
    ];
    assert.deepEqual(
      carriedTo(meeting, actions).map((a) => a.id),
      ['open', 'doneAfter'],
    );
  });

  it('refuses a register before the meeting starts, naming the day, and counts no one', async () => {
    const { id, seatPerson } = await panel();
    const member = await seatPerson('Member');
    await schedule(id, addDays(today, 30), 1);
    const [m] = await meetingIds(id);
    const url = `/staff/groups/${id}/meetings/${m}`;
    const res = await lead.post(
      `${url}/attendance`,
      { [`status-${member.id}`]: 'attended' },
      { from: url },
    );
    assert.equal(res.statusCode, 400);
    assert.match(
      res.body,
      /You cannot take the register yet: the activity starts on \d{1,2} \w+ \d{4}/,
    );
    const [count] = await q<{ n: number }>(
      sql`select count(*)::int as n from attendance where person_id = ${member.id}`,
    );
    assert.equal(count!.n, 0);
  });

  it('flags a member who missed the last two meetings', async () => {
    const { id, seatPerson } = await panel();
    const keen = await seatPerson('Member');
    const missing = await seatPerson('Member');
    await schedule(id, addDays(today, 30), 3);
    const ids = await meetingIds(id);
    // Move the meetings into the past, as if held.
    for (const [n, m] of ids.entries())
      await q(sql`update activities set starts_at = now() - ${`${(3 - n) * 30} days`}::interval,
        ends_at = now() - ${`${(3 - n) * 30} days`}::interval + interval '2 hours'
        where id = (select activity_id from group_meetings where id = ${m})`);
    for (const m of ids) {
      const url = `/staff/groups/${id}/meetings/${m}`;
      const res = await lead.post(
        `${url}/attendance`,
        { [`status-${keen.id}`]: 'attended', [`status-${missing.id}`]: 'apologies' },
        { from: url },
      );
      assert.equal(res.statusCode, 303);
    }
    const page = (await lead.get(`/staff/groups/${id}/members`)).body;
    assert.match(page, /Came to 3 of 3/);
    assert.match(page, /Came to 0 of 3/);
    assert.equal((page.match(/Missed the last two: check in/g) ?? []).length, 1);
    // The meeting's own page flags them too, so whoever runs it checks in.
    const meetingPage = (await lead.get(`/staff/groups/${id}/meetings/${ids[2]}`)).body;
    assert.match(meetingPage, /id="check-in"/);
    assert.equal((meetingPage.match(/Missed the last two: check in/g) ?? []).length, 1);
    // Hours follow attendance through participation.
    const [hours] = await q<{ hours: number }>(
      sql`select sum(hours)::float8 as hours from attendance where person_id = ${keen.id}`,
    );
    assert.equal(hours!.hours, 6);
  });

  it('reads a meeting page in the same number of queries however long its agenda', async () => {
    const { id, seatPerson } = await panel();
    await seatPerson('Member');
    await schedule(id, addDays(today, 30), 2);
    const [m] = await meetingIds(id);
    const url = `/staff/groups/${id}/meetings/${m}`;
    const count = async () => (await testDb.countQueries(() => lead.get(url))).queries;
    await lead.post(`${url}/agenda`, { title: 'One' }, { from: url });
    const one = await count();
    for (const t of ['Two', 'Three', 'Four']) {
      await lead.post(`${url}/agenda`, { title: t }, { from: url });
      await lead.post(`${url}/actions`, { what: t, owner: 'Me' }, { from: url });
      await lead.post(`${url}/decisions`, { what: t, why: t }, { from: url });
    }
    await seatPerson('Member');
    assert.equal(await count(), one);
  });
});
