import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { initiatives } from '../initiatives/index.ts';
import { addPeople, type NewPerson } from '../people/index.ts';
import { createActivity, inviteToActivity, sendDueReminders } from './activities.ts';
import {
  SIGN_UP_LIMITS,
  createOpportunity,
  decideSignUp,
  publishOpportunity,
} from './opportunities.ts';

// Easy read that is easier (issue 10 §3): the sign-up one question a page, and
// messages in easy read to people whose record asks for it.

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let initiativeId: string;
let opportunityId: string;

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>) =>
  testDb.database.withOrganisation(org.id, async (tx) => rowsOf<T>(await tx.execute(text)));

/** A visitor in the easy-read display. */
function easyVisitor(): TestClient {
  const client = new TestClient(app);
  client.cookies.set('display', 'easy');
  return client;
}

const unescape = (s: string) =>
  s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');

/**
 * The hidden fields of the page's main form (the one that says which page it
 * is, name="at"): what a browser would send back with the visible answers.
 */
function carried(page: LightMyRequestResponse): Record<string, string[]> {
  const form = /<form[^>]*>(?:(?!<\/form>)[\s\S])*?name="at"[\s\S]*?<\/form>/.exec(page.body);
  assert.ok(form, 'the page has its form');
  const fields: Record<string, string[]> = {};
  for (const m of form[0].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    if (m[1] === '_csrf') continue;
    (fields[m[1]!] ??= []).push(unescape(m[2]!));
  }
  return fields;
}

/** Sends the page's main form with these answers, as a person pressing Continue. */
function answer(
  client: TestClient,
  page: LightMyRequestResponse,
  answers: Record<string, string | string[]>,
) {
  return client.post(`/opportunities/${opportunityId}/sign-up/easy`, {
    ...carried(page),
    ...answers,
  });
}

/** Presses a Back or Change button: its form carries every answer so far. */
function press(client: TestClient, page: LightMyRequestResponse, go: string) {
  const form = new RegExp(
    `<form[^>]*>(?:(?!</form>)[\\s\\S])*?name="go" value="${go}"[\\s\\S]*?</form>`,
  ).exec(page.body);
  assert.ok(form, `a button to ${go}`);
  const fields: Record<string, string[]> = {};
  for (const m of form[0].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    if (m[1] !== '_csrf') (fields[m[1]!] ??= []).push(unescape(m[2]!));
  return client.post(`/opportunities/${opportunityId}/sign-up/easy`, fields);
}

let counter = 0;
async function person(fields: Partial<NewPerson>): Promise<string> {
  counter += 1;
  const [id] = await testDb.database.withOrganisation(org.id, (tx) =>
    addPeople(tx, [
      {
        organisationId: org.id,
        reference: `EASY${counter}`,
        firstName: `First${counter}`,
        lastName: `Last${counter}`,
        kinds: ['customer'],
        ...fields,
      },
    ]),
  );
  return id!;
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  const [row] = await testDb.database.withOrganisation(org.id, (tx) =>
    tx
      .insert(initiatives)
      .values({
        organisationId: org.id,
        title: 'Redesigning repairs',
        summary: 'Tenants and staff design a better way to report repairs.',
        kind: 'co_production',
        rung: 5,
        status: 'active',
        publishedAt: new Date(),
        canChange: 'How you report a repair and how we keep you updated.',
        fixed: 'Gas safety checks: the law requires them.',
        decider: 'The Director of Property signs the new process off.',
        feedback: 'We will write to everyone who took part in March.',
      })
      .returning({ id: initiatives.id }),
  );
  initiativeId = row!.id;
  opportunityId = await testDb.database.withOrganisation(org.id, (tx) =>
    createOpportunity(tx, SYSTEM_ACTOR, {
      initiativeId,
      title: 'Help us make repairs better',
      description: 'Come to four meetings and tell us what you think of our repairs.',
      timeAsked: 'Two hours a month',
      whenWhere: 'Our office on Grey Street',
      accessProvisions: ['step_free'],
      rewardOffered: 'A £10 voucher for each hour',
      whoCanApply: 'Anyone who lives in one of our homes',
      closesOn: '2099-12-31',
      interests: ['repairs'],
    }),
  );
  const published = await testDb.database.withOrganisation(org.id, (tx) =>
    publishOpportunity(tx, SYSTEM_ACTOR, opportunityId, { confirmFindings: true }),
  );
  assert.deepEqual(published, { published: true });
  SIGN_UP_LIMITS.perAddress = 1000;
});
after(async () => {
  await app.close();
  await testDb.close();
});

/** The columns a sign-up sets on the new person, for comparing the two forms. */
const PERSON_COLUMNS = sql`p.first_name as "firstName", p.last_name as "lastName", p.email,
  p.phone, p.address_line_1 as "addressLine1", p.postcode, p.kinds, p.source, p.language,
  p.preferred_channels as channels, p.needs, p.needs_note as "needsNote", p.consents`;

describe('the easy-read sign-up', () => {
  let easyPersonId: string;
  let easySignUpId: string;

  it('keeps the standard form in the standard display', async () => {
    const page = await new TestClient(app).get(`/opportunities/${opportunityId}/sign-up`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Postal address/);
    assert.match(page.body, new RegExp(`action="/opportunities/${opportunityId}/sign-up"`));
    assert.doesNotMatch(page.body, /sign-up\/easy/);
  });

  it('asks one question a page, keeps the answers, and names the question in each error', async () => {
    const client = easyVisitor();
    // An existing person with the same address: the sign-up is flagged, as from the standard form.
    const existing = await person({ firstName: 'Rosa', email: 'rosa.easy@example.org' });

    const name = await client.get(`/opportunities/${opportunityId}/sign-up`);
    assert.equal(name.statusCode, 200);
    assert.match(name.body, /<html[^>]*class="[^"]*app-easy-read/);
    assert.match(name.body, /<h1 class="govuk-fieldset__heading">\s*What is your name\?/);
    assert.match(name.body, /Question 1 of 3/);
    assert.match(name.body, /class="app-easy-picture"/);
    assert.doesNotMatch(name.body, /Postal address/, 'only the question of this page');
    assert.equal(name.headers['cache-control'], 'no-store');

    // A missing answer first: the error names the question.
    const noName = await answer(client, name, { at: 'name', firstName: '', lastName: 'Easy' });
    assert.equal(noName.statusCode, 400);
    assert.match(
      noName.body,
      /href="#firstName">What is your name\? Please write your first name\./,
    );
    assert.match(
      noName.body,
      /id="lastName" name="lastName"[^>]* value="Easy"/,
      'the answer is kept',
    );

    const contact = await answer(client, noName, { firstName: 'Rosa', lastName: 'Easy' });
    assert.equal(contact.statusCode, 200, contact.body.slice(0, 2000));
    assert.match(contact.body, /How can we contact you\?/);
    assert.match(contact.body, /Question 2 of 3/);
    assert.deepEqual(carried(contact).firstName, ['Rosa'], 'the name travels on, hidden');

    // No way to reach them: the error names the question, and the name is still kept.
    const noEmail = await answer(client, contact, { at: 'contact', email: '', phone: '' });
    assert.equal(noEmail.statusCode, 400);
    assert.match(
      noEmail.body,
      /href="#email">How can we contact you\? Please write your email address or phone number\./,
    );
    assert.deepEqual(carried(noEmail).firstName, ['Rosa']);
    assert.deepEqual(carried(noEmail).lastName, ['Easy']);
    const badEmail = await answer(client, noEmail, { email: 'rosa@' });
    assert.equal(badEmail.statusCode, 400);
    assert.match(badEmail.body, /How can we contact you\? Your email address does not look right/);

    const help = await answer(client, badEmail, { email: 'Rosa.Easy@example.org' });
    assert.equal(help.statusCode, 200);
    assert.match(help.body, /Do you need help to take part\?/);
    assert.match(help.body, /Question 3 of 3/);

    // Back keeps every answer: the contact page shows the address given.
    const back = await press(client, help, 'contact');
    assert.equal(back.statusCode, 200);
    assert.match(
      back.body,
      /id="email" name="email" type="email"[^>]* value="Rosa.Easy@example.org"/,
    );
    // What the browser sends back: the answers shown in the page's own fields.
    const helpAgain = await answer(client, back, { email: 'Rosa.Easy@example.org' });
    assert.match(helpAgain.body, /Do you need help to take part\?/);

    const check = await answer(client, helpAgain, {
      needs: ['easy_read', 'step_free'],
      needsNote: 'I come with my support worker.',
    });
    assert.equal(check.statusCode, 200);
    assert.match(check.body, /<h1 class="govuk-heading-xl">\s*Check your answers/);
    assert.match(check.body, /Rosa Easy/);
    assert.match(check.body, /Email: Rosa.Easy@example.org/);
    assert.match(check.body, /<li>Easy read<\/li><li>Step-free access<\/li>/);
    assert.match(check.body, /I come with my support worker\./);
    assert.match(check.body, /We will ask you the rest later\. Or someone will phone you\./);

    // Change an answer from the check page: Continue goes back to the check page.
    const change = await press(client, check, 'name');
    assert.match(change.body, /What is your name\?/);
    const checkAgain = await answer(client, change, { firstName: 'Rosa', lastName: 'Easton' });
    assert.match(checkAgain.body, /Check your answers/);
    if (process.env.DUMP)
      (await import('node:fs')).writeFileSync('/tmp/easy-check.html', checkAgain.body);
    assert.match(checkAgain.body, /Rosa Easton/);
    assert.match(checkAgain.body, /<li>Easy read<\/li>/, 'the later answers are kept');

    const noConsent = await answer(client, checkAgain, { consentContact: 'yes' });
    assert.equal(noConsent.statusCode, 400);
    assert.match(
      noConsent.body,
      /href="#consentRegister">Can we keep your details\? Tick the box to say yes\./,
    );
    assert.equal(
      (await q(sql`select 1 from sign_ups where opportunity_id = ${opportunityId}`)).length,
      0,
      'nothing kept before Send',
    );

    const sent = await answer(client, noConsent, { consentRegister: 'yes', consentContact: 'yes' });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 2000));
    const location = String(sent.headers.location);
    assert.equal(location, `/opportunities/${opportunityId}/sign-up/done?by=email&confirm=1`);
    const done = await client.get(location);
    assert.match(done.body, /We have your answers\./);
    assert.match(done.body, /We will email you\./);

    const [made] = await q<Record<string, unknown> & { id: string }>(
      sql`select p.id, ${PERSON_COLUMNS} from people p join sign_ups s on s.person_id = p.id
          where s.opportunity_id = ${opportunityId}`,
    );
    assert.deepEqual(
      { ...made, id: undefined },
      {
        id: undefined,
        firstName: 'Rosa',
        lastName: 'Easton',
        email: 'rosa.easy@example.org',
        phone: null,
        addressLine1: null,
        postcode: null,
        kinds: ['customer'],
        source: 'signup',
        language: 'en',
        channels: ['email'],
        needs: ['easy_read', 'step_free'],
        needsNote: 'I come with my support worker.',
        consents: ['register'],
      },
    );
    easyPersonId = made!.id;
    const [duplicate] = await q(
      sql`select reason from possible_duplicates where person_id = ${easyPersonId} and other_id = ${existing}`,
    );
    assert.equal(duplicate?.reason, 'same_email', 'the same duplicate check');
    const audited = await q<{ action: string }>(
      sql`select action from audit_log where entity = 'person' and entity_id = ${easyPersonId} order by action`,
    );
    assert.deepEqual(
      audited.map((a) => a.action),
      ['consent', 'create', 'sign-up'],
    );
    const [signUp] = await q<{ id: string }>(
      sql`select id from sign_ups where person_id = ${easyPersonId}`,
    );
    easySignUpId = signUp!.id;

    // The same answers through the standard form make the same records.
    const standard = new TestClient(app);
    await standard.get(`/opportunities/${opportunityId}/sign-up`);
    const plain = await standard.post(`/opportunities/${opportunityId}/sign-up`, {
      firstName: 'Rosa',
      lastName: 'Easton',
      email: 'rosa.standard@example.org',
      channel: 'email',
      needs: ['easy_read', 'step_free'],
      needsNote: 'I come with my support worker.',
      consentRegister: 'yes',
      consentContact: 'yes',
      website: '',
    });
    assert.equal(plain.statusCode, 303);
    assert.equal(String(plain.headers.location), location);
    const [twin] = await q<Record<string, unknown>>(
      sql`select p.id, ${PERSON_COLUMNS} from people p where p.email = 'rosa.standard@example.org'`,
    );
    assert.deepEqual(
      { ...twin, id: undefined, email: undefined },
      { ...made, id: undefined, email: undefined },
    );
  });

  it('sends the same email to confirm the address, and its link works', async () => {
    const [mail] = await q<{ text_body: string }>(
      sql`select text_body from outbox where to_address = 'rosa.easy@example.org' and template = 'sign-up-confirm-contact'`,
    );
    assert.ok(mail, 'the confirmation email');
    const token = /\/sign-up\/confirm\/([A-Za-z0-9_-]{43})/.exec(mail.text_body)![1]!;
    const reader = easyVisitor();
    const page = await reader.get(`/sign-up/confirm/${token}`);
    assert.equal(page.statusCode, 200);
    const pressed = await reader.post(`/sign-up/confirm/${token}`, {});
    assert.equal(pressed.statusCode, 303);
    // Proven, the address joins the sign-up to the one person who had it (issue 10 §9),
    // their needs joined: easy read with them.
    const [after] = await q<{ id: string; consents: string[]; needs: string[] }>(
      sql`select p.id, p.consents, p.needs from sign_ups s join people p on p.id = s.person_id
          where s.id = ${easySignUpId}`,
    );
    assert.notEqual(after!.id, easyPersonId);
    assert.ok(after!.consents.includes('contact_email'));
    assert.ok(after!.needs.includes('easy_read'));
  });

  it('phones a person who gives only a phone number', async () => {
    const client = easyVisitor();
    await client.get(`/opportunities/${opportunityId}/sign-up`);
    const res = await client.post(`/opportunities/${opportunityId}/sign-up/easy`, {
      at: 'check',
      firstName: 'Phoebe',
      phone: '07700 900777',
      consentRegister: 'yes',
    });
    assert.equal(res.statusCode, 303);
    assert.equal(
      String(res.headers.location),
      `/opportunities/${opportunityId}/sign-up/done?by=phone`,
    );
    const [made] = await q<{ channels: string[] }>(
      sql`select preferred_channels as channels from people where first_name = 'Phoebe'`,
    );
    assert.deepEqual(made?.channels, ['phone']);
  });

  it('takes nothing from a program that fills in the hidden field, and says all went well', async () => {
    const client = easyVisitor();
    await client.get(`/opportunities/${opportunityId}/sign-up`);
    const res = await client.post(`/opportunities/${opportunityId}/sign-up/easy`, {
      at: 'check',
      firstName: 'Bot',
      channel: 'email',
      email: 'bot@example.org',
      consentRegister: 'yes',
      website: 'http://spam.example',
    });
    assert.equal(res.statusCode, 303);
    assert.equal(String(res.headers.location), `/opportunities/${opportunityId}/sign-up/done`);
    assert.equal((await q(sql`select 1 from people where email = 'bot@example.org'`)).length, 0);
  });

  it('sends the easy-read acceptance to the person whose record asks for easy read', async () => {
    const decide = (signUpId: string) =>
      testDb.database.withOrganisation(org.id, (tx) =>
        decideSignUp(tx, SYSTEM_ACTOR, opportunityId, signUpId, 'accepted', {
          organisation: 'Demo Homes',
          baseUrl: 'http://demo.test',
        }),
      );
    assert.deepEqual(await decide(easySignUpId), { done: true, mailed: true, channel: 'email' });
    const [easy] = await q<{ subject: string; text_body: string; html_body: string }>(
      sql`select subject, text_body, html_body from outbox
          where to_address = 'rosa.easy@example.org' and template = 'sign-up-accepted'`,
    );
    assert.equal(easy!.subject, 'Yes, you can take part in Help us make repairs better');
    assert.equal(
      easy!.text_body,
      [
        'Hello Rosa,',
        'Thank you for signing up for Help us make repairs better.',
        'We would like you to take part.',
        'We will contact you soon. We will tell you what happens next.',
        'Do you need help to take part? Tell us. We will help.',
        `Read about it again: http://demo.test/opportunities/${opportunityId}`,
        easy!.text_body.split('\n\n').at(-1),
      ].join('\n\n'),
    );
    assert.match(easy!.html_body, /font-size: 24px/);

    // Another person, with no need for easy read, has the standard words.
    const [other] = await q<{ id: string }>(
      sql`select s.id from sign_ups s join people p on p.id = s.person_id
          where p.email = 'rosa.standard@example.org'`,
    );
    await testDb.database.withOrganisation(org.id, (tx) =>
      tx.execute(
        sql`update people set needs = '{step_free}' where email = 'rosa.standard@example.org'`,
      ),
    );
    await decide(other!.id);
    const [standard] = await q<{ subject: string; text_body: string }>(
      sql`select subject, text_body from outbox
          where to_address = 'rosa.standard@example.org' and template = 'sign-up-accepted'`,
    );
    assert.equal(standard!.subject, 'You can take part in Help us make repairs better');
    assert.match(
      standard!.text_body,
      /Thank you for signing up for Help us make repairs better\. We would like you to take part\./,
    );
    assert.doesNotMatch(standard!.text_body, /Tell us\. We will help\./);
  });
});

describe('invitations in easy read', () => {
  it('invites a person whose record says easy read in easy read, and another in the standard words', async () => {
    const easy = await person({
      firstName: 'Eddie',
      email: 'eddie@example.org',
      consents: ['register', 'contact_email'],
      needs: ['easy_read'],
    });
    const plain = await person({
      firstName: 'Pat',
      email: 'pat@example.org',
      consents: ['register', 'contact_email'],
      needs: ['large_print'],
    });
    // Tomorrow at 10am UTC (10am or 11am in London), so the reminder is
    // due too, and the two hours never cross midnight whatever the hour the
    // test runs at.
    const startsAt = new Date(Date.now() + 24 * 3_600_000);
    startsAt.setUTCHours(10, 0, 0, 0);
    const activityId = await testDb.database.withOrganisation(org.id, (tx) =>
      createActivity(
        tx,
        SYSTEM_ACTOR,
        {
          initiativeId,
          kind: 'meeting',
          title: 'Repairs panel',
          startsAt,
          endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
          location: 'The Hub, 1 High Street',
          onlineLink: null,
          capacity: 20,
        },
        { baseUrl: 'http://demo.test' },
      ),
    );
    const outcome = await testDb.database.withOrganisation(org.id, (tx) =>
      inviteToActivity(tx, SYSTEM_ACTOR, activityId, [easy, plain], {
        baseUrl: 'http://demo.test',
      }),
    );
    assert.equal(outcome?.emailed, 2);
    const mails = await q<{ to_address: string; subject: string; text_body: string }>(
      sql`select to_address, subject, text_body from outbox
          where template = 'activity-invitation' order by to_address`,
    );
    const [eddie, pat] = mails;
    assert.equal(eddie!.to_address, 'eddie@example.org');
    assert.equal(eddie!.subject, 'You are invited: Repairs panel');
    const lines = eddie!.text_body.split('\n\n');
    assert.equal(lines[0], 'Hello Eddie,');
    assert.equal(lines[1], 'You are invited to Repairs panel.');
    assert.equal(lines[2], 'The invitation is from Demo Homes.');
    // The date, the time and the place each on a line of their own.
    assert.match(
      lines[3]!,
      /^Date: (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} [A-Z][a-z]+ \d{4}$/,
    );
    assert.match(lines[4]!, /^Time: \d{1,2}(:\d\d)?(am|pm) to \d{1,2}(:\d\d)?(am|pm)$/);
    assert.equal(lines[5], 'Place: The Hub, 1 High Street');
    assert.equal(lines[8], 'Can you come? Please tell us. Press the link below.');
    assert.match(
      lines[9]!,
      /^Tell us if you can come: http:\/\/demo\.test\/rsvp\/[A-Za-z0-9_-]{43}$/,
    );
    for (const line of lines.slice(1, 9))
      assert.ok(line.split(/\s+/).length <= 15, `a short sentence: ${line}`);

    assert.equal(pat!.to_address, 'pat@example.org');
    assert.equal(pat!.subject, 'Invitation: Repairs panel');
    assert.match(pat!.text_body, /Demo Homes would like to invite you to Repairs panel/);
    assert.match(pat!.text_body, /When: /);
    assert.doesNotMatch(pat!.text_body, /Date: /);

    // The reminder two days before follows the same record.
    await testDb.database.withOrganisation(org.id, (tx) =>
      sendDueReminders(tx, { baseUrl: 'http://demo.test' }),
    );
    const reminders = await q<{ to_address: string; text_body: string }>(
      sql`select to_address, text_body from outbox where template = 'activity-reminder' order by to_address`,
    );
    assert.equal(reminders.length, 2);
    assert.match(reminders[0]!.text_body, /This is a reminder about Repairs panel\.\n\nDate: /);
    assert.match(reminders[0]!.text_body, /Can you still come\? Please tell us\./);
    assert.match(reminders[1]!.text_body, /When: /);
  });
});
