import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf } from '../../platform/db/index.ts';
import { raiseEvents } from '../../platform/events/index.ts';
import { Worker } from '../../platform/jobs/index.ts';
import { todayInLondon } from '../../platform/calendar/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople } from '../people/index.ts';
import { sendDueReminders } from './invitations.ts';

/**
 * Email invitations and the operations trigger (issue 12 §3): a personal
 * single-use link to those the register lets us email, everyone else
 * counted with the reason; one reminder with its own link; and a fixture
 * operations event that invites the person it names and records the
 * feedback opportunity as offered.
 */

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;
let ids: Record<string, string>;

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>) =>
  testDb.database.withOrganisation(org.id, async (tx) => rowsOf<T>(await tx.execute(text)));
const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location ?? '');

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Riverside Homes' });
  other = await makeOrganisation(testDb.database, { slug: 'elsewhere', name: 'Other Homes' });
  const person = (reference: string, first: string, extra: Record<string, unknown>) => ({
    organisationId: org.id,
    reference,
    firstName: first,
    lastName: 'Tester',
    ...extra,
  });
  const made = await testDb.database.withOrganisation(org.id, (tx) =>
    addPeople(tx, [
      person('P-ANN', 'Ann', { email: 'ann@example.org', consents: ['register', 'contact_email'] }),
      person('P-BOB', 'Bob', { email: 'bob@example.org', consents: ['register'] }),
      person('P-DAN', 'Dan', { phone: '07700 900123', consents: ['register', 'contact_phone'] }),
      person('P-EVE', 'Eve', {
        email: 'eve@example.org',
        consents: ['register', 'contact_email'],
        doNotContact: true,
      }),
    ]),
  );
  ids = { ann: made[0]!, bob: made[1]!, dan: made[2]!, eve: made[3]! };
  await testDb.database.withOrganisation(other.id, (tx) =>
    addPeople(tx, [
      {
        organisationId: other.id,
        reference: 'P-OTH',
        firstName: 'Other',
        lastName: 'Person',
        email: 'other@example.org',
        consents: ['register', 'contact_email'],
      },
    ]),
  );
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
});
after(async () => {
  await app.close();
  await testDb.close();
});

async function publishedFrom(template: string, title: string): Promise<string> {
  const made = await lead.post(
    '/staff/surveys',
    { kind: 'survey', title, template, anonymous: 'no' },
    { from: '/staff/surveys/new' },
  );
  assert.equal(made.statusCode, 303, made.body.slice(0, 1000));
  const id = /\/staff\/surveys\/([0-9a-f-]{36})/.exec(location(made))![1]!;
  const published = await lead.post(
    `/staff/surveys/${id}/publish`,
    {},
    {
      from: `/staff/surveys/${id}`,
    },
  );
  assert.equal(published.statusCode, 303, published.body.slice(0, 1000));
  return id;
}

const outbox = (template: string) =>
  q<{ to_address: string; text_body: string }>(
    sql`select to_address, text_body from outbox where template = ${template} order by to_address, created_at`,
  );

describe('survey invitations by email', () => {
  let surveyId: string;

  it('invites only those the register lets us email, and counts the rest with the reason', async () => {
    surveyId = await publishedFrom('annual-satisfaction', 'Annual survey 2026');
    const share = `/staff/surveys/${surveyId}/share`;
    const page = await lead.get(share);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Email invitations/);

    // A reference not on the register (or in another organisation) is named, and nothing is sent.
    const unknown = await lead.post(
      `/staff/surveys/${surveyId}/invitations`,
      { who: '', serviceId: '', references: 'P-ANN\nP-OTH' },
      { from: share },
    );
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /We could not find P-OTH on the register/);
    assert.match(unknown.body, /P-ANN\nP-OTH<\/textarea>/);
    assert.equal((await q(sql`select 1 from survey_invitations`)).length, 0);

    const sent = await lead.post(
      `/staff/surveys/${surveyId}/invitations`,
      { who: '', serviceId: '', references: 'P-ANN\nP-BOB\np-dan\nP-EVE' },
      { from: share },
    );
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 2000));
    const banner = await lead.get(location(sent));
    assert.match(banner.body, /1 invitations will be emailed now/);
    assert.match(banner.body, /1 have no email address/);
    assert.match(banner.body, /1 have not agreed to be contacted by email/);
    assert.match(banner.body, /1 asked us not to contact them/);

    await new Worker(testDb.database).runDue();
    const mail = await outbox('survey-invitation');
    assert.deepEqual(
      mail.map((m) => m.to_address),
      ['ann@example.org'],
    );
    const rows = await q<{ person_id: string; status: string; reason: string | null }>(
      sql`select person_id, status, reason from survey_invitations order by status, reason`,
    );
    assert.deepEqual(
      rows.map((r) => [r.person_id, r.status, r.reason]).sort(),
      [
        [ids.ann, 'sent', null],
        [ids.bob, 'not_sent', 'no_consent'],
        [ids.dan, 'not_sent', 'no_email'],
        [ids.eve, 'not_sent', 'do_not_contact'],
      ].sort(),
    );

    // The link opens the survey; once answered it answers no more.
    const token = /\/i\/([A-Za-z0-9_-]{20,})/.exec(mail[0]!.text_body)![1]!;
    const open = await lead.get(`/i/${token}`);
    assert.equal(open.statusCode, 303);
    assert.match(location(open), /^\/r\//);

    // Inviting again invites no one twice.
    const again = await lead.post(
      `/staff/surveys/${surveyId}/invitations`,
      { who: 'everyone', serviceId: '', references: '' },
      { from: share },
    );
    assert.equal(again.statusCode, 303);
    assert.match(location(again), /invited=0&already=4/);
  });

  it('sends one reminder with its own link after the reminder days, and no more', async () => {
    await q(sql`update survey_invitations set sent_at = now() - interval '8 days'
      where status = 'sent'`);
    const sent = await testDb.database.withOrganisation(org.id, (tx) =>
      sendDueReminders(tx, 'https://involve.example.org'),
    );
    assert.equal(sent, 1);
    const reminders = await outbox('survey-reminder');
    assert.deepEqual(
      reminders.map((m) => m.to_address),
      ['ann@example.org'],
    );
    assert.match(reminders[0]!.text_body, /https:\/\/involve\.example\.org\/i\//);
    const again = await testDb.database.withOrganisation(org.id, (tx) =>
      sendDueReminders(tx, 'https://involve.example.org'),
    );
    assert.equal(again, 0);
  });

  it('refuses a choice of no one, and a service that is not the organisation’s, naming the field', async () => {
    const share = `/staff/surveys/${surveyId}/share`;
    const none = await lead.post(
      `/staff/surveys/${surveyId}/invitations`,
      { who: '', serviceId: '', references: '' },
      { from: share },
    );
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /href="#who"/);
    const foreign = await lead.post(
      `/staff/surveys/${surveyId}/invitations`,
      { who: 'service', serviceId: randomUUID(), references: '' },
      { from: share },
    );
    assert.equal(foreign.statusCode, 400);
    assert.match(foreign.body, /Choose a service from the list/);
  });
});

describe('the operations trigger', () => {
  it('invites the person a fixture repair event names, once, and records the feedback offered', async () => {
    const surveyId = await publishedFrom('repairs-satisfaction', 'Your recent repair');
    const repair = randomUUID();
    const event = (personId: string | null, record = repair, occurredOn = todayInLondon()) => ({
      name: 'operations.repair_completed',
      organisationId: org.id,
      occurredOn,
      record: { kind: 'operations.repair', id: record },
      personId,
      data: { reference: 'REP-1' },
    });
    await testDb.database.withOrganisation(org.id, async (tx) => {
      await raiseEvents(tx, [event(ids.ann!)]);
      // The same record again (an import run twice) invites no one twice.
      await raiseEvents(tx, [event(ids.ann!)]);
      // A repair finished months ago (an import of history) sends nothing.
      await raiseEvents(tx, [event(ids.ann!, randomUUID(), '2025-01-06')]);
      // No person named: nothing to send.
      await raiseEvents(tx, [event(null, randomUUID())]);
      // Someone who has not agreed to email: recorded, not sent, not offered.
      await raiseEvents(tx, [event(ids.bob!, randomUUID())]);
    });
    const rows = await q<{ person_id: string; status: string; source_id: string }>(
      sql`select person_id, status, source_id from survey_invitations
        where survey_id = ${surveyId} order by status`,
    );
    assert.deepEqual(
      rows.map((r) => [r.person_id, r.status]),
      [
        [ids.bob, 'not_sent'],
        [ids.ann, 'queued'],
      ],
    );
    const offered = await q<{ to_id: string; to_kind: string }>(
      sql`select to_kind, to_id from record_links where name = 'feedback-offered'`,
    );
    assert.deepEqual(offered, [{ to_kind: 'operations.repair', to_id: repair }]);

    await new Worker(testDb.database).runDue();
    const mail = await outbox('survey-invitation');
    assert.equal(mail.filter((m) => m.to_address === 'ann@example.org').length, 2);
    assert.match(mail.at(-1)!.text_body, /Your recent repair/);
  });
});

describe('survey invitations in easy read (issue 10 §3)', () => {
  it('invites and reminds a person whose record asks for easy read in easy read, and another in the standard words', async () => {
    const [easy, plain] = await testDb.database.withOrganisation(org.id, (tx) =>
      addPeople(tx, [
        {
          organisationId: org.id,
          reference: 'P-FAY',
          firstName: 'Fay',
          lastName: 'Tester',
          email: 'fay@example.org',
          consents: ['register', 'contact_email'],
          needs: ['easy_read', 'large_print'],
        },
        {
          organisationId: org.id,
          reference: 'P-GUS',
          firstName: 'Gus',
          lastName: 'Tester',
          email: 'gus@example.org',
          consents: ['register', 'contact_email'],
          needs: ['large_print'],
        },
      ]),
    );
    const surveyId = await publishedFrom('annual-satisfaction', 'Homes survey');
    const sent = await lead.post(
      `/staff/surveys/${surveyId}/invitations`,
      { who: '', serviceId: '', references: 'P-FAY\nP-GUS' },
      { from: `/staff/surveys/${surveyId}/share` },
    );
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 2000));
    await new Worker(testDb.database).runDue();

    const mail = (template: string, to: string) =>
      q<{ subject: string; text_body: string; html_body: string }>(
        sql`select subject, text_body, html_body from outbox
            where template = ${template} and to_address = ${to}`,
      );
    const [fay] = await mail('survey-invitation', 'fay@example.org');
    assert.equal(fay!.subject, 'Tell us what you think: Homes survey');
    const lines = fay!.text_body.split('\n\n');
    assert.deepEqual(lines.slice(0, 9), [
      'Hello Fay,',
      'Riverside Homes wants to know what you think.',
      'Please answer our survey. It is called Homes survey.',
      'A survey is some questions for you to answer.',
      'Your answers help us make things better.',
      'You said we can email you. That is why we sent this.',
      'This link is only for you. It works one time.',
      'It takes a few minutes.',
      'Press the link below to start.',
    ]);
    // The button after all the words.
    assert.match(lines[9]!, /^Answer the survey: http:\/\/[^ ]+\/i\/[A-Za-z0-9_-]{20,}$/);
    assert.match(fay!.html_body, /font-size: 24px/);

    const [gus] = await mail('survey-invitation', 'gus@example.org');
    assert.equal(gus!.subject, 'Please tell us what you think: Homes survey');
    assert.match(gus!.text_body, /Riverside Homes would like to hear what you think\./);
    assert.doesNotMatch(gus!.text_body, /A survey is some questions/);

    // The reminder follows the same record.
    await q(sql`update survey_invitations set sent_at = now() - interval '8 days'
      where survey_id = ${surveyId} and person_id in (${easy!}, ${plain!})`);
    await testDb.database.withOrganisation(org.id, (tx) =>
      sendDueReminders(tx, 'https://involve.example.org'),
    );
    const [fayAgain] = await mail('survey-reminder', 'fay@example.org');
    assert.equal(fayAgain!.subject, 'Reminder: Homes survey');
    const again = fayAgain!.text_body.split('\n\n');
    assert.deepEqual(again.slice(0, 7), [
      'Hello Fay,',
      'We sent you a survey from Riverside Homes. It is called Homes survey.',
      'A survey is some questions for you to answer.',
      'We have not had your answers yet.',
      'You do not have to answer. If you do not want to, do nothing.',
      'This link is only for you. It works one time.',
      'Do you want to answer? Press the link below.',
    ]);
    assert.match(again[7]!, /^Answer the survey: https:\/\/involve\.example\.org\/i\//);
    const [gusAgain] = await mail('survey-reminder', 'gus@example.org');
    assert.equal(gusAgain!.subject, 'A reminder: Homes survey');
    assert.match(gusAgain!.text_body, /We have not heard from you yet\./);
  });
});
