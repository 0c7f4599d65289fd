import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf } from '../../platform/db/index.ts';
import { Worker } from '../../platform/jobs/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople, type NewPerson } from '../people/index.ts';
import { initiatives } from '../initiatives/index.ts';
import {
  RegisterRefused,
  saveAttendance,
  REMINDERS_JOB,
  createActivity,
  durationHours,
  inviteToActivity,
  londonDateTime,
  parseTime,
} from './activities.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;
let initiativeId: string;
const actor = { userId: null, label: 'test', ip: null };

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>) =>
  testDb.database.withOrganisation(org.id, async (tx) => rowsOf<T>(await tx.execute(text)));

let counter = 0;
async function person(fields: Partial<NewPerson> = {}): Promise<{ id: string; reference: string }> {
  counter += 1;
  const reference = fields.reference ?? `ACT${String(counter).padStart(4, '0')}`;
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

/** An activity made through the service, starting `hoursFromNow` hours from now. */
async function activity(hoursFromNow: number, lengthMinutes = 150, title = 'Panel meeting') {
  const startsAt = new Date(Date.now() + hoursFromNow * 3_600_000);
  return testDb.database.withOrganisation(org.id, (tx) =>
    createActivity(
      tx,
      actor,
      {
        initiativeId,
        kind: 'meeting',
        title,
        startsAt,
        endsAt: new Date(startsAt.getTime() + lengthMinutes * 60_000),
        location: 'The Hub, 1 High Street',
        onlineLink: null,
        capacity: 20,
      },
      { baseUrl: 'http://demo.test' },
    ),
  );
}

const invite = (activityId: string, ids: string[]) =>
  testDb.database.withOrganisation(org.id, (tx) =>
    inviteToActivity(tx, actor, activityId, ids, { baseUrl: 'http://demo.test' }),
  );

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  const [row] = await testDb.database.withOrganisation(org.id, (tx) =>
    tx
      .insert(initiatives)
      .values({
        organisationId: org.id,
        title: 'Tenant panel',
        kind: 'panel',
        rung: 5,
        status: 'active',
      })
      .returning({ id: initiatives.id }),
  );
  initiativeId = row!.id;
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('activities: times', () => {
  it('reads times as people write them and works in UK time', () => {
    assert.equal(parseTime('2:30pm'), '14:30');
    assert.equal(parseTime('14.30'), '14:30');
    assert.equal(parseTime('12am'), '00:00');
    assert.equal(parseTime('9'), '09:00');
    assert.equal(parseTime('25:00'), null);
    assert.equal(parseTime('13pm'), null);
    // British Summer Time in July, Greenwich Mean Time in January.
    assert.equal(londonDateTime('2030-07-02', '10:00').toISOString(), '2030-07-02T09:00:00.000Z');
    assert.equal(londonDateTime('2030-01-02', '10:00').toISOString(), '2030-01-02T10:00:00.000Z');
    assert.equal(
      durationHours(new Date('2030-01-01T10:00:00Z'), new Date('2030-01-01T12:30:00Z')),
      2.5,
    );
  });
});

describe('activities: who may see them', () => {
  it('sends the signed out to sign in and refuses board members', async () => {
    const out = await app.inject('/staff/activities');
    assert.equal(out.statusCode, 303);
    const board = new TestClient(app, signedInAs(org, ['board_member']));
    assert.equal((await board.get('/staff/activities')).statusCode, 403);
  });

  it('answers 404 for an activity that does not exist', async () => {
    const missing = randomUUID();
    for (const url of [
      `/staff/activities/${missing}`,
      `/staff/activities/${missing}/edit`,
      '/staff/activities/not-an-id',
    ])
      assert.equal((await lead.get(url)).statusCode, 404, url);
    const post = await lead.post(
      `/staff/activities/${missing}/attendance`,
      {},
      { from: '/staff/activities' },
    );
    assert.equal(post.statusCode, 404);
    const invited = await lead.post(
      `/staff/activities/${missing}/invitations`,
      { references: 'X1' },
      { from: '/staff/activities' },
    );
    assert.equal(invited.statusCode, 404);
  });
});

describe('activities: adding and changing', () => {
  it('refuses an end before the start, keeping what was typed', async () => {
    const res = await lead.post(
      '/staff/activities',
      {
        initiativeId,
        kind: 'meeting',
        title: 'Keep this title',
        'date-day': '2',
        'date-month': '7',
        'date-year': '2030',
        startTime: '2pm',
        endTime: '1pm',
        location: 'The Hub',
      },
      { from: '/staff/activities/new' },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /End time must be after the start time/);
    assert.match(res.body, /href="#endTime"/);
    assert.match(res.body, /value="Keep this title"/);
    // A time that is not a time says whether it is the start or the end (issue 10 §11).
    const times = await lead.post(
      '/staff/activities',
      {
        initiativeId,
        kind: 'meeting',
        title: 'Keep this title',
        'date-day': '2',
        'date-month': '7',
        'date-year': '2030',
        startTime: 'soon',
        endTime: 'later',
      },
      { from: '/staff/activities/new' },
    );
    assert.equal(times.statusCode, 400);
    assert.match(times.body, /href="#startTime">Enter a start time like 10:30am or 14:30/);
  });

  it('adds an activity in UK time and queues its reminders for 48 hours before', async () => {
    const res = await lead.post(
      '/staff/activities',
      {
        initiativeId,
        kind: 'workshop',
        title: 'Repairs design workshop',
        'date-day': '2',
        'date-month': '7',
        'date-year': '2030',
        startTime: '10:00am',
        endTime: '12:30pm',
        location: 'Community room',
        onlineLink: 'https://meet.example.org/abc',
        capacity: '12',
      },
      { from: '/staff/activities/new' },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 1000));
    const id = /\/staff\/activities\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
    const [row] = await q<{ starts: string; ends: string }>(
      sql`select to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as starts,
        to_char(ends_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as ends from activities where id = ${id}`,
    );
    assert.equal(row!.starts, '2030-07-02 09:00');
    assert.equal(row!.ends, '2030-07-02 11:30');
    const [job] = rowsOf<{ run: string }>(
      await testDb.database.system.execute(
        sql`select to_char(run_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as run from jobs where kind = ${REMINDERS_JOB} and organisation_id = ${org.id} order by id desc limit 1`,
      ),
    );
    assert.equal(job!.run, '2030-06-30 09:00');

    const page = await lead.get(`/staff/activities/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Repairs design workshop/);
    assert.match(page.body, /2 July 2030, 10am to 12:30pm/);
    const list = await lead.get('/staff/activities');
    assert.match(list.body, /Repairs design workshop/);

    const edit = await lead.get(`/staff/activities/${id}/edit`);
    assert.match(edit.body, /value="10:00"/);
    const changed = await lead.post(
      `/staff/activities/${id}`,
      {
        initiativeId,
        kind: 'workshop',
        title: 'Repairs design workshop (moved)',
        'date-day': '3',
        'date-month': '7',
        'date-year': '2030',
        startTime: '10:00',
        endTime: '12:30',
        location: 'Community room',
      },
      { from: `/staff/activities/${id}/edit` },
    );
    assert.equal(changed.statusCode, 303);
    assert.match((await lead.get(`/staff/activities/${id}`)).body, /\(moved\)/);
  });
});

describe('activities: invitations, needs and RSVP', () => {
  let activityId: string;
  let withEmail: { id: string; reference: string };
  let byPhone: { id: string; reference: string };

  before(async () => {
    activityId = await activity(24 * 20);
  });

  it('reports unknown references by line and invites no one', async () => {
    withEmail = await person({
      firstName: 'Marjorie',
      lastName: 'Fairweather',
      email: 'marjorie@example.org',
      consents: ['register', 'contact_email'],
      needs: ['step_free', 'bsl_interpreter'],
    });
    const res = await lead.post(
      `/staff/activities/${activityId}/invitations`,
      { references: `${withEmail.reference}\nNOPE-999\n` },
      { from: `/staff/activities/${activityId}` },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Line 2: no one on the register has the reference NOPE-999/);
    assert.match(res.body, new RegExp(withEmail.reference), 'the references are kept');
    const rows = await q(sql`select 1 from invitations where activity_id = ${activityId}`);
    assert.equal(rows.length, 0);
  });

  it('invites by reference: an email with a calendar file and an RSVP link, or the phone list', async () => {
    byPhone = await person({
      firstName: 'Percy',
      lastName: 'Phonebook',
      phone: '07700 900111',
      needs: ['step_free'],
    });
    const noConsent = await person({
      email: 'noconsent@example.org',
      consents: ['register'],
      needs: ['step_free'],
    });
    const res = await lead.post(
      `/staff/activities/${activityId}/invitations`,
      {
        references: `${withEmail.reference}\n\n${byPhone.reference.toLowerCase()}\n${noConsent.reference}`,
      },
      { from: `/staff/activities/${activityId}` },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
    const mails = await q<{
      to_address: string;
      text_body: string;
      attachments: Array<{ filename: string; contentType: string; content: string }>;
    }>(
      sql`select to_address, text_body, attachments from outbox where template = 'activity-invitation'`,
    );
    assert.equal(mails.length, 1, 'only the person who can be emailed');
    const [mail] = mails;
    assert.equal(mail!.to_address, 'marjorie@example.org');
    assert.match(
      mail!.text_body,
      /http:\/\/localhost(:\d+)?\/rsvp\/[A-Za-z0-9_-]{43}|\/rsvp\/[A-Za-z0-9_-]{43}/,
    );
    const [ics] = mail!.attachments;
    assert.equal(ics!.filename, 'invitation.ics');
    assert.match(ics!.contentType, /^text\/calendar/);
    const calendar = Buffer.from(ics!.content, 'base64').toString('utf8');
    assert.match(calendar, /^BEGIN:VCALENDAR\r\n/);
    assert.match(
      calendar,
      /BEGIN:VEVENT[\s\S]*DTSTART:\d{8}T\d{6}Z[\s\S]*DTEND:\d{8}T\d{6}Z[\s\S]*END:VEVENT/,
    );
    assert.match(calendar, /LOCATION:The Hub\\, 1 High Street/);
    assert.match(calendar, /ORGANIZER;CN="Demo Homes"/);
    assert.match(calendar, /END:VCALENDAR(\r\n)?$/);

    const page = await lead.get(`/staff/activities/${activityId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /3 need step-free access/);
    assert.match(page.body, /1 needs a BSL interpreter/);
    const contact = page.body.slice(
      page.body.indexOf('id="contact"'),
      page.body.indexOf('id="register"'),
    );
    assert.match(contact, /Percy Phonebook/);
    assert.match(contact, /07700 900111/);
    assert.doesNotMatch(contact, /Marjorie/);

    // Never twice.
    const again = await lead.post(
      `/staff/activities/${activityId}/invitations`,
      { references: withEmail.reference },
      { from: `/staff/activities/${activityId}` },
    );
    assert.equal(again.statusCode, 303);
    assert.match(String(again.headers.location), /invited=0&.*already=1/);
    const [count] = await q<{ n: number }>(
      sql`select count(*)::int as n from invitations where activity_id = ${activityId}`,
    );
    assert.equal(count!.n, 3);
    const audits = await q(
      sql`select 1 from audit_log where action = 'invite' and entity = 'person' and entity_id = ${withEmail.id}`,
    );
    assert.equal(audits.length, 1);
  });

  it('takes an answer by link without signing in; an unknown link is a plain 404', async () => {
    const [mail] = await q<{ text_body: string }>(
      sql`select text_body from outbox where template = 'activity-invitation' and to_address = 'marjorie@example.org'`,
    );
    const token = /\/rsvp\/([A-Za-z0-9_-]{43})/.exec(mail!.text_body)![1]!;
    const visitor = new TestClient(app);
    const page = await visitor.get(`/rsvp/${token}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Hello Marjorie/);
    assert.doesNotMatch(page.body, /Fairweather|marjorie@example\.org|BSL/);
    assert.match(page.body, /Tell us what you need/);
    assert.match(page.body, /Panel meeting/);
    assert.equal(page.headers['cache-control'], 'no-store');

    const empty = await visitor.post(`/rsvp/${token}`, {});
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Select yes if you can come/);

    const yes = await visitor.post(`/rsvp/${token}`, { answer: 'yes' }, { from: `/rsvp/${token}` });
    assert.equal(yes.statusCode, 303);
    const [row] = await q<{ rsvp: string; responded_at: Date | null }>(
      sql`select rsvp, responded_at from invitations where person_id = ${withEmail.id}`,
    );
    assert.equal(row!.rsvp, 'yes');
    assert.ok(row!.responded_at);
    const done = await visitor.get(String(yes.headers.location));
    assert.match(done.body, /We have your answer: you can come/);

    const unknown = await visitor.get(`/rsvp/${'x'.repeat(43)}`);
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /This link does not work/);
    const unknownPost = await visitor.post(
      `/rsvp/${'y'.repeat(43)}`,
      { answer: 'yes' },
      { from: `/rsvp/${token}` },
    );
    assert.equal(unknownPost.statusCode, 404);
  });

  it('records answers staff took by phone', async () => {
    const res = await lead.post(
      `/staff/activities/${activityId}/answers`,
      { [`rsvp-${byPhone.id}`]: 'no' },
      { from: `/staff/activities/${activityId}` },
    );
    assert.equal(res.statusCode, 303);
    const [row] = await q<{ rsvp: string }>(
      sql`select rsvp from invitations where person_id = ${byPhone.id} and activity_id = ${activityId}`,
    );
    assert.equal(row!.rsvp, 'no');
  });

  it('invites accepted sign-ups of the same initiative', async () => {
    const signedUp = await person({ email: 'signedup@example.org', consents: ['contact_email'] });
    const declined = await person({ email: 'declined@example.org', consents: ['contact_email'] });
    await q(sql`
      with o as (insert into opportunities (organisation_id, initiative_id, title, status)
        values (${org.id}, ${initiativeId}, 'Join the panel', 'published') returning id)
      insert into sign_ups (organisation_id, opportunity_id, person_id, status)
      select ${org.id}, o.id, x.person_id, x.status from o,
        (values (${signedUp.id}::uuid, 'accepted'), (${declined.id}::uuid, 'declined')) x(person_id, status)`);
    const page = await lead.get(`/staff/activities/${activityId}`);
    assert.match(page.body, /1 person accepted for this initiative/);
    const res = await lead.post(
      `/staff/activities/${activityId}/invitations/sign-ups`,
      {},
      { from: `/staff/activities/${activityId}` },
    );
    assert.equal(res.statusCode, 303);
    const rows = await q<{ person_id: string }>(
      sql`select person_id from invitations where activity_id = ${activityId} and person_id in (${signedUp.id}, ${declined.id})`,
    );
    assert.deepEqual(
      rows.map((r) => r.person_id),
      [signedUp.id],
    );
  });

  it('emails an accepted sign-up who asked to hear by email, without the wider consent', async () => {
    const own = await activity(24 * 9, 60, 'Design workshop');
    const applicant = await person({
      email: 'applicant@example.org',
      consents: ['register'],
      preferredChannels: ['email'],
    });
    const bystander = await person({
      email: 'bystander@example.org',
      consents: ['register'],
      preferredChannels: ['email'],
    });
    await q(sql`
      with o as (insert into opportunities (organisation_id, initiative_id, title, status)
        values (${org.id}, ${initiativeId}, 'Design group', 'published') returning id)
      insert into sign_ups (organisation_id, opportunity_id, person_id, status)
      select ${org.id}, o.id, ${applicant.id}::uuid, 'accepted' from o`);
    await testDb.database.withOrganisation(org.id, (tx) =>
      inviteToActivity(tx, actor, own, [applicant.id, bystander.id], {
        baseUrl: 'http://demo.test',
      }),
    );
    const sent = await q<{ to_address: string }>(
      sql`select to_address from outbox where to_address in ('applicant@example.org', 'bystander@example.org')`,
    );
    assert.deepEqual(
      sent.map((m) => m.to_address),
      ['applicant@example.org'],
    );
  });

  it('keeps the activity page to a flat number of queries as invitees grow', async () => {
    const count = async () =>
      (await testDb.countQueries(() => lead.get(`/staff/activities/${activityId}`))).queries;
    const listCount = async () =>
      (await testDb.countQueries(() => lead.get('/staff/activities'))).queries;
    const before = await count();
    const beforeList = await listCount();
    const many = await testDb.database.withOrganisation(org.id, (tx) =>
      addPeople(
        tx,
        Array.from({ length: 40 }, (_, i) => ({
          organisationId: org.id,
          reference: `MANY${i}`,
          firstName: `Many${i}`,
          lastName: 'Invitee',
          kinds: ['customer'],
          needs: i % 2 ? ['large_print'] : [],
        })),
      ),
    );
    await invite(activityId, many);
    await activity(24 * 30, 60, 'Another meeting');
    assert.equal(await count(), before);
    assert.equal(await listCount(), beforeList);
  });
});

describe('activities: reminders', () => {
  it('queues a reminder once to those coming or not answered, and both links work', async () => {
    const coming = await person({ email: 'coming@example.org', consents: ['contact_email'] });
    const notComing = await person({ email: 'notcoming@example.org', consents: ['contact_email'] });
    const silent = await person({ email: 'silent@example.org', consents: ['contact_email'] });
    const noConsent = await person({ email: 'quiet@example.org', consents: [] });
    const soon = await activity(24, 90, 'Soon meeting');
    await invite(soon, [coming.id, notComing.id, silent.id, noConsent.id]);
    await q(sql`update invitations set rsvp = 'yes' where person_id = ${coming.id}`);
    await q(sql`update invitations set rsvp = 'no' where person_id = ${notComing.id}`);
    const oldLink = (
      await q<{ text_body: string }>(
        sql`select text_body from outbox where to_address = 'silent@example.org' and template = 'activity-invitation'`,
      )
    )[0]!.text_body;
    const oldToken = /\/rsvp\/([A-Za-z0-9_-]{43})/.exec(oldLink)![1]!;

    const worker = new Worker(testDb.database);
    await worker.runDue();
    const reminders = async () =>
      await q<{ to_address: string; text_body: string }>(
        sql`select to_address, text_body from outbox where template = 'activity-reminder' order by to_address`,
      );
    const sent = await reminders();
    assert.deepEqual(
      sent.map((r) => r.to_address),
      ['coming@example.org', 'silent@example.org'],
    );
    const [marked] = await q<{ reminders_sent_at: Date | null }>(
      sql`select reminders_sent_at from activities where id = ${soon}`,
    );
    assert.ok(marked!.reminders_sent_at);

    // Running it again sends nothing more.
    await testDb.database.withOrganisation(org.id, async (tx) => {
      const { enqueue } = await import('../../platform/jobs/index.ts');
      await enqueue(tx, REMINDERS_JOB, { baseUrl: 'http://demo.test' });
    });
    await worker.runDue();
    assert.equal((await reminders()).length, 2);

    const newToken = /\/rsvp\/([A-Za-z0-9_-]{43})/.exec(sent[1]!.text_body)![1]!;
    const visitor = new TestClient(app);
    assert.notEqual(newToken, oldToken);
    assert.equal((await visitor.get(`/rsvp/${newToken}`)).statusCode, 200);
    // The first email's link keeps working: people answer from whichever they find.
    assert.equal((await visitor.get(`/rsvp/${oldToken}`)).statusCode, 200);
    assert.equal((await visitor.get(`/rsvp/${'x'.repeat(43)}`)).statusCode, 404);
  });
});

describe('activities: the attendance register', () => {
  it('gives hours from the length for those who came, 0 otherwise, and moves last involved on', async () => {
    // A 2h30 meeting, yesterday.
    const held = await activity(-26, 150, 'Held meeting');
    const chair = await person({ lastInvolvedOn: '2020-01-01' });
    const sorry = await person({ lastInvolvedOn: '2020-01-01' });
    const later = await person({ lastInvolvedOn: '2099-01-01' });
    const walkIn = await person();
    const custom = await person();
    await invite(held, [chair.id, sorry.id, later.id, custom.id]);
    const from = `/staff/activities/${held}`;

    const bad = await lead.post(
      `/staff/activities/${held}/attendance`,
      { [`status-${custom.id}`]: 'attended', [`hours-${custom.id}`]: 'lots' },
      { from },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter hours as a number/);
    assert.equal((await q(sql`select 1 from attendance where activity_id = ${held}`)).length, 0);

    const unknownRef = await lead.post(
      `/staff/activities/${held}/attendance`,
      { [`status-${chair.id}`]: 'attended', addReference: 'NO-SUCH-REF' },
      { from },
    );
    assert.equal(unknownRef.statusCode, 400);
    assert.match(unknownRef.body, /No one on the register has that reference/);

    const res = await lead.post(
      `/staff/activities/${held}/attendance`,
      {
        [`status-${chair.id}`]: 'attended',
        [`role-${chair.id}`]: 'Chair',
        [`status-${sorry.id}`]: 'apologies',
        [`status-${later.id}`]: 'attended',
        [`status-${custom.id}`]: 'attended',
        [`hours-${custom.id}`]: '1.75',
        addReference: walkIn.reference,
        addStatus: 'attended',
        addRole: 'Observer',
      },
      { from },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
    const rows = await q<{ person_id: string; status: string; role: string | null; hours: number }>(
      sql`select person_id, status, role, hours::float8 as hours from attendance where activity_id = ${held}`,
    );
    const by = new Map(rows.map((r) => [r.person_id, r]));
    assert.equal(by.get(chair.id)!.hours, 2.5);
    assert.equal(by.get(chair.id)!.role, 'Chair');
    assert.equal(by.get(sorry.id)!.hours, 0);
    assert.equal(by.get(sorry.id)!.status, 'apologies');
    assert.equal(by.get(walkIn.id)!.hours, 2.5);
    assert.equal(by.get(walkIn.id)!.role, 'Observer');
    assert.equal(by.get(custom.id)!.hours, 1.75);
    const [reward] = await q<{ amount_pence: number }>(
      sql`select amount_pence from rewards where activity_id = ${held} and person_id = ${chair.id}`,
    );
    assert.equal(reward!.amount_pence, 2500, 'rewards follow from attendance');

    const [{ day }] = (await q<{ day: string }>(
      sql`select (starts_at at time zone 'Europe/London')::date::text as day from activities where id = ${held}`,
    )) as [{ day: string }];
    const involved = new Map(
      (
        await q<{ id: string; last: string }>(
          sql`select id, last_involved_on::text as last from people where id in (${chair.id}, ${sorry.id}, ${later.id}, ${walkIn.id})`,
        )
      ).map((r) => [r.id, r.last]),
    );
    assert.equal(involved.get(chair.id), day);
    assert.equal(involved.get(walkIn.id), day);
    assert.equal(involved.get(sorry.id), '2020-01-01', 'apologies do not count as involvement');
    assert.equal(involved.get(later.id), '2099-01-01', 'never moved backwards');
    // Held because the register says someone came, not because it was saved.
    const [status] = await q<{ status: string }>(
      sql`select status from activities where id = ${held}`,
    );
    assert.equal(status!.status, 'planned', 'the stored status is only planned or cancelled');
    assert.match((await lead.get(from)).body, /Held/);

    // Saving again updates rather than duplicates.
    await lead.post(
      `/staff/activities/${held}/attendance`,
      { [`status-${chair.id}`]: 'did_not_attend' },
      { from },
    );
    const again = await q<{ hours: number }>(
      sql`select hours::float8 as hours from attendance where activity_id = ${held} and person_id = ${chair.id}`,
    );
    assert.equal(again.length, 1);
    assert.equal(again[0]!.hours, 0);
    const audit = await q(
      sql`select 1 from audit_log where entity = 'activity' and entity_id = ${held} and action = 'attendance'`,
    );
    assert.equal(audit.length, 2);
  });

  it('refuses a register before the activity starts, naming the day, and nothing follows from it', async () => {
    const soon = await activity(30, 120, 'Future forum');
    const someone = await person({ firstName: 'Fran', lastName: 'Future' });
    await invite(soon, [someone.id]);
    const from = `/staff/activities/${soon}`;

    const page = await lead.get(from);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Save the register/, 'no register form before the start');
    assert.match(
      page.body,
      /You can take the register once the activity has started, on \d{1,2} \w+ \d{4}, \d{1,2}(:\d\d)?[ap]m/,
    );

    const res = await lead.post(
      `/staff/activities/${soon}/attendance`,
      { [`status-${someone.id}`]: 'attended' },
      { from },
    );
    assert.equal(res.statusCode, 400);
    assert.match(
      res.body,
      /You cannot take the register yet: the activity starts on \d{1,2} \w+ \d{4}/,
    );
    assert.match(res.body, /govuk-error-summary/);
    assert.equal((await q(sql`select 1 from attendance where activity_id = ${soon}`)).length, 0);
    assert.equal((await q(sql`select 1 from rewards where activity_id = ${soon}`)).length, 0);
    assert.match((await lead.get(from)).body, /Planned/);
    const rsvp = await q<{ id: string }>(
      sql`select id from invitations where activity_id = ${soon} and person_id = ${someone.id}`,
    );
    assert.equal(rsvp.length, 1);

    // The service refuses it too, for any other way in.
    await assert.rejects(
      testDb.database.withOrganisation(org.id, (tx) =>
        saveAttendance(tx, actor, soon, [
          { personId: someone.id, status: 'attended', role: null, hours: null },
        ]),
      ),
      RegisterRefused,
    );
  });

  it('is held when it has started and someone came; over with no register, the register is due', async () => {
    const over = await activity(-30, 60, 'Register due meeting');
    const someone = await person({ firstName: 'Dee', lastName: 'Due' });
    await invite(over, [someone.id]);
    const list = await lead.get('/staff/activities');
    assert.match(
      list.body,
      /Register due meeting<\/a>[\s\S]{0,400}?Register to take/,
      'a past activity with no register says the register is due',
    );
    await lead.post(
      `/staff/activities/${over}/attendance`,
      { [`status-${someone.id}`]: 'apologies' },
      { from: `/staff/activities/${over}` },
    );
    assert.match((await lead.get(`/staff/activities/${over}`)).body, /No one came/);
    await lead.post(
      `/staff/activities/${over}/attendance`,
      { [`status-${someone.id}`]: 'attended' },
      { from: `/staff/activities/${over}` },
    );
    assert.match((await lead.get(`/staff/activities/${over}`)).body, /Held/);
  });

  it("shows participation on the person's timeline", async () => {
    const held = await activity(-50, 120, 'Timeline workshop');
    const someone = await person({ firstName: 'Tilly', lastName: 'Timeline' });
    await invite(held, [someone.id]);
    await lead.post(
      `/staff/activities/${held}/attendance`,
      { [`status-${someone.id}`]: 'attended', [`role-${someone.id}`]: 'Note taker' },
      { from: `/staff/activities/${held}` },
    );
    const page = await lead.get(`/staff/people/${someone.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Invited to Timeline workshop/);
    assert.match(page.body, /Attended Timeline workshop/);
    assert.match(page.body, /2 hours, as Note taker/);
    assert.match(page.body, new RegExp(`href="/staff/activities/${held}"`));
    assert.match(page.body, /Reward of £20 for Timeline workshop/);
    const sar = JSON.parse(
      (await lead.get(`/staff/people/${someone.id}/subject-access.json`)).body,
    );
    assert.equal(sar.participation.attendance[0].hours, 2);
    assert.equal(sar.participation.invitations[0].activity, 'Timeline workshop');
  });
});

describe('activities: the list in pages of 50', () => {
  let paged: string;
  const ids = new Map<string, string>();
  // 53 upcoming activities a day or more away, soonest first, and 52 past
  // ones, latest first, of an initiative of their own; each upcoming one
  // with an invitation not answered.
  before(async () => {
    const [row] = await testDb.database.withOrganisation(org.id, (tx) =>
      tx
        .insert(initiatives)
        .values({ organisationId: org.id, title: 'Paging panel', kind: 'panel', rung: 4 })
        .returning({ id: initiatives.id }),
    );
    paged = row!.id;
    const invitee = await person({ firstName: 'Ivy', lastName: 'Invited' });
    const add = (hoursFromNow: number, title: string) => {
      const startsAt = new Date(Date.now() + hoursFromNow * 3_600_000);
      return testDb.database.withOrganisation(org.id, (tx) =>
        createActivity(
          tx,
          actor,
          {
            initiativeId: paged,
            kind: 'meeting',
            title,
            startsAt,
            endsAt: new Date(startsAt.getTime() + 3_600_000),
            location: 'The Hub',
            onlineLink: null,
            capacity: null,
          },
          { baseUrl: 'http://demo.test' },
        ),
      );
    };
    for (let i = 1; i <= 53; i++) {
      const title = `Paged ${String(i).padStart(2, '0')}`;
      const id = await add(24 + i, title);
      ids.set(title, id);
      await invite(id, [invitee.id]);
    }
    for (let i = 1; i <= 52; i++) {
      const title = `Gone ${String(i).padStart(2, '0')}`;
      ids.set(title, await add(-(24 + i), title));
    }
    // The 51st upcoming: two invited, one said yes. The 51st past: held.
    const yes = await person({ firstName: 'Yas', lastName: 'Yes' });
    await invite(ids.get('Paged 51')!, [yes.id]);
    await q(sql`update invitations set rsvp = 'yes', responded_at = now()
      where activity_id = ${ids.get('Paged 51')!} and person_id = ${yes.id}`);
    const came = await person({ firstName: 'Cam', lastName: 'Came' });
    await invite(ids.get('Gone 51')!, [came.id]);
    await testDb.database.withOrganisation(org.id, (tx) =>
      saveAttendance(tx, actor, ids.get('Gone 51')!, [
        { personId: came.id, status: 'attended', role: null, hours: null },
      ]),
    );
  });

  /** The titles in a table of the page, in order. */
  const table = (body: string, id: 'upcoming' | 'past') => {
    const start = body.indexOf(`id="${id}"`);
    if (start < 0) return [];
    const end = body.indexOf('</table>', start);
    return [...body.slice(start, end).matchAll(/>((?:Paged|Gone) \d\d)<\/a>/g)].map((m) => m[1]);
  };
  /** A row's cells after its link: invited, said yes, attended. */
  const counts = (body: string, title: string) => {
    const row = body.slice(body.indexOf(`>${title}</a>`));
    const cells = [...row.matchAll(/govuk-table__cell--numeric">(\d+)/g)].slice(0, 3);
    return cells.map((m) => Number(m[1]));
  };
  const list = (query: string) => lead.get(`/staff/activities?initiative=${paged}${query}`);

  it('shows 50 of each, the totals, and the 51st on page 2 with its counts', async () => {
    const first = await list('');
    assert.equal(first.statusCode, 200);
    const upcoming = table(first.body, 'upcoming');
    assert.equal(upcoming.length, 50);
    assert.equal(upcoming[0], 'Paged 01');
    assert.equal(upcoming[49], 'Paged 50');
    const past = table(first.body, 'past');
    assert.equal(past.length, 50);
    assert.equal(past[0], 'Gone 01', 'the latest first');
    assert.match(first.body, /53 activities/);
    assert.match(first.body, /52 activities/);
    assert.match(first.body, /Page 1 of 2/);
    // The links keep the initiative.
    assert.ok(
      first.body.includes(
        `href="/staff/activities?initiative=${paged}&amp;upcomingPage=2#upcoming"`,
      ),
    );
    assert.ok(
      first.body.includes(`href="/staff/activities?initiative=${paged}&amp;pastPage=2#past"`),
    );

    const second = await list('&upcomingPage=2');
    assert.deepEqual(table(second.body, 'upcoming'), ['Paged 51', 'Paged 52', 'Paged 53']);
    assert.deepEqual(counts(second.body, 'Paged 51'), [2, 1, 0]);
    assert.deepEqual(counts(second.body, 'Paged 52'), [1, 0, 0]);
    assert.equal(table(second.body, 'past')[0], 'Gone 01', 'the other table stays on its page');
    assert.match(second.body, /53 activities/);
    // Each table's links keep the other's page.
    assert.ok(
      second.body.includes(
        `href="/staff/activities?initiative=${paged}&amp;upcomingPage=2&amp;pastPage=2#past"`,
      ),
    );
    assert.ok(second.body.includes(`href="/staff/activities?initiative=${paged}#upcoming"`));

    const pastTwo = await list('&pastPage=2');
    assert.deepEqual(table(pastTwo.body, 'past'), ['Gone 51', 'Gone 52']);
    assert.deepEqual(counts(pastTwo.body, 'Gone 51'), [1, 0, 1]);
    assert.match(pastTwo.body, /Gone 51<\/a>[\s\S]{0,400}?Held/);
    assert.match(pastTwo.body, /Gone 52<\/a>[\s\S]{0,400}?Register to take/);
  });

  it('keeps the waiting filter in its links', async () => {
    const waiting = await list('&waiting=unanswered');
    assert.equal(table(waiting.body, 'upcoming').length, 50);
    assert.deepEqual(table(waiting.body, 'past'), [], 'no past ones');
    assert.ok(
      waiting.body.includes(
        `href="/staff/activities?initiative=${paged}&amp;waiting=unanswered&amp;upcomingPage=2#upcoming"`,
      ),
    );
    const next = await list('&waiting=unanswered&upcomingPage=2');
    assert.deepEqual(table(next.body, 'upcoming'), ['Paged 51', 'Paged 52', 'Paged 53']);
  });

  it('shows the last page for a page past it, and the first for a page that is no number', async () => {
    const beyond = await list('&upcomingPage=40&pastPage=7');
    assert.equal(beyond.statusCode, 200);
    assert.deepEqual(table(beyond.body, 'upcoming'), ['Paged 51', 'Paged 52', 'Paged 53']);
    assert.deepEqual(table(beyond.body, 'past'), ['Gone 51', 'Gone 52']);
    assert.match(beyond.body, /Page 2 of 2/);
    for (const bad of ['abc', '-1', '0', '2.5', '', '%20', '1e3']) {
      const res = await list(`&upcomingPage=${bad}&pastPage=${bad}`);
      assert.equal(res.statusCode, 200, `page=${bad}`);
      assert.equal(table(res.body, 'upcoming')[0], 'Paged 01', `page=${bad}`);
      assert.equal(table(res.body, 'past')[0], 'Gone 01', `page=${bad}`);
    }
  });

  it('says there are none where a table is empty, on any page', async () => {
    const [row] = await testDb.database.withOrganisation(org.id, (tx) =>
      tx
        .insert(initiatives)
        .values({ organisationId: org.id, title: 'Quiet panel', kind: 'panel', rung: 4 })
        .returning({ id: initiatives.id }),
    );
    const empty = await lead.get(`/staff/activities?initiative=${row!.id}&upcomingPage=3`);
    assert.equal(empty.statusCode, 200);
    assert.equal((empty.body.match(/There are no activities here\./g) ?? []).length, 2);
    assert.doesNotMatch(empty.body, /govuk-pagination/);
  });

  it('reads each page with the same number of queries, however many rows', async () => {
    const count = async (query: string) => (await testDb.countQueries(() => list(query))).queries;
    const first = await count('');
    assert.equal(await count('&upcomingPage=2&pastPage=2'), first);
    const more = await testDb.database.withOrganisation(org.id, (tx) =>
      addPeople(
        tx,
        Array.from({ length: 30 }, (_, i) => ({
          organisationId: org.id,
          reference: `PAGED${i}`,
          firstName: `Paged${i}`,
          lastName: 'Invitee',
          kinds: ['customer'],
        })),
      ),
    );
    await invite(ids.get('Paged 01')!, more);
    await invite(ids.get('Paged 02')!, more);
    assert.equal(await count(''), first);
  });
});
