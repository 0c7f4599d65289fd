import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { initiatives } from '../initiatives/index.ts';
import {
  createOpportunity,
  easyReadPoints,
  publishOpportunity,
  type OpportunityInput,
} from './opportunities.ts';

// The easy-read version of an opportunity (issue 10 §3): written by staff,
// checked by the plain-English check with easy read's shorter sentences, and
// shown in the easy-read display as points with a picture beside each.

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;
let board: TestClient;
let initiativeId: string;

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>) =>
  testDb.database.withOrganisation(org.id, async (tx) => rowsOf<T>(await tx.execute(text)));

const PLAIN: Omit<OpportunityInput, 'initiativeId'> = {
  title: 'Help us make repairs better',
  description: 'Come to four meetings and tell us what you think of our repairs.',
  timeAsked: 'Two hours a month',
  whenWhere: 'Our office on Grey Street',
  accessProvisions: ['step_free'],
  rewardOffered: 'A £10 voucher for each hour',
  whoCanApply: 'Anyone who lives in one of our homes',
  closesOn: '2099-12-31',
  interests: ['repairs'],
};

const EASY =
  'You come to four meetings.\nYou tell us about repairs.\n\nWe pay you £10 for each hour.';

/** The form as staff send it, with these changes. */
const formOf = (fields: Record<string, string>) => ({
  initiativeId,
  title: PLAIN.title,
  description: PLAIN.description,
  whenWhere: PLAIN.whenWhere!,
  mode: 'in_person',
  expensesOffered: 'yes',
  ...fields,
});

async function addOpportunity(fields: Partial<OpportunityInput> = {}): Promise<string> {
  return testDb.database.withOrganisation(org.id, (tx) =>
    createOpportunity(tx, SYSTEM_ACTOR, { initiativeId, ...PLAIN, ...fields }),
  );
}

async function publish(id: string): Promise<void> {
  const result = await testDb.database.withOrganisation(org.id, (tx) =>
    publishOpportunity(tx, SYSTEM_ACTOR, id, { confirmFindings: true }),
  );
  assert.deepEqual(result, { published: true });
}

function visitor(display: 'easy' | 'standard'): TestClient {
  const client = new TestClient(app);
  client.cookies.set('display', display);
  return client;
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  other = await makeOrganisation(testDb.database, { slug: 'other', name: 'Other Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  board = new TestClient(app, signedInAs(org, ['board_member']));
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
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('the easy-read version: staff', () => {
  it('is not saved for a visitor who is not signed in, a board member, or another organisation', async () => {
    const id = await addOpportunity();
    const signedOut = await new TestClient(app).post(
      `/staff/opportunities/${id}`,
      formOf({ easyRead: EASY }),
      { csrf: null },
    );
    assert.equal(signedOut.statusCode, 303);
    assert.match(signedOut.headers.location as string, /sign-in/);
    const refused = await board.post(`/staff/opportunities/${id}`, formOf({ easyRead: EASY }), {
      from: '/staff',
    });
    assert.equal(refused.statusCode, 403);
    // Another organisation's opportunity is not found from here.
    const theirs = await testDb.database.withOrganisation(other.id, async (tx) => {
      const [initiative] = await tx
        .insert(initiatives)
        .values({ organisationId: other.id, title: 'Theirs', kind: 'consultation', rung: 3 })
        .returning({ id: initiatives.id });
      return createOpportunity(tx, SYSTEM_ACTOR, { ...PLAIN, initiativeId: initiative!.id });
    });
    const notFound = await lead.post(`/staff/opportunities/${theirs}`, formOf({ easyRead: EASY }), {
      from: '/staff/opportunities',
    });
    assert.equal(notFound.statusCode, 404);
    const [row] = await q(sql`select easy_read from opportunities where id = ${id}`);
    assert.equal(row!.easy_read, null);
    const [their] = await testDb.database.withOrganisation(other.id, async (tx) =>
      rowsOf<{ easy_read: string | null }>(
        await tx.execute(sql`select easy_read from opportunities where id = ${theirs}`),
      ),
    );
    assert.equal(their!.easy_read, null);
  });

  it('is an optional field of the form, with a hint, saved and audited', async () => {
    const form = await lead.get(`/staff/opportunities/new?initiative=${initiativeId}`);
    assert.match(form.body, /<label[^>]*for="easyRead"[^>]*>\s*Easy read version \(optional\)/);
    assert.match(form.body, /id="easyRead-hint"[^>]*>[^<]*short sentences, with one idea in each/);

    const made = await lead.post('/staff/opportunities', formOf({ easyRead: EASY }), {
      from: `/staff/opportunities/new?initiative=${initiativeId}`,
    });
    assert.equal(made.statusCode, 303, made.body.slice(0, 2000));
    const id = /\/staff\/opportunities\/([0-9a-f-]{36})/.exec(made.headers.location as string)![1]!;
    const [row] = await q(sql`select easy_read from opportunities where id = ${id}`);
    assert.equal(row!.easy_read, EASY);
    const [created] = await q<{ after: Record<string, unknown> }>(
      sql`select after from audit_log where entity = 'opportunity' and entity_id = ${id} and action = 'create'`,
    );
    assert.equal(created!.after.easyRead, EASY);
    const page = await lead.get(`/staff/opportunities/${id}`);
    assert.match(page.body, /Easy read version\s*<\/dt>/);
    assert.match(page.body, /You come to four meetings\.<br/);
    assert.match(
      (await lead.get(`/staff/opportunities/${id}/edit`)).body,
      /You tell us about repairs\./,
    );

    // Changed, the change is recorded with what it was; emptied, there is none.
    const changed = await lead.post(
      `/staff/opportunities/${id}`,
      formOf({ easyRead: 'You come to one meeting.' }),
      { from: `/staff/opportunities/${id}/edit` },
    );
    assert.equal(changed.statusCode, 303);
    const [update] = await q<{ before: Record<string, unknown>; after: Record<string, unknown> }>(
      sql`select before, after from audit_log where entity = 'opportunity' and entity_id = ${id} and action = 'update'`,
    );
    assert.deepEqual(update, {
      before: { easyRead: EASY },
      after: { easyRead: 'You come to one meeting.' },
    });
    await lead.post(`/staff/opportunities/${id}`, formOf({ easyRead: '  ' }), {
      from: `/staff/opportunities/${id}/edit`,
    });
    const [emptied] = await q(sql`select easy_read from opportunities where id = ${id}`);
    assert.equal(emptied!.easy_read, null);
  });

  it('names the field when it is too long, keeping what was typed', async () => {
    const long = `Keep this easy read. ${'word '.repeat(400)}`;
    const res = await lead.post('/staff/opportunities', formOf({ easyRead: long }), {
      from: `/staff/opportunities/new?initiative=${initiativeId}`,
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /href="#easyRead">Easy read version must be 2,000 characters or fewer/);
    assert.match(res.body, /id="easyRead-error"/);
    assert.match(res.body, /Keep this easy read\./);
    const [row] = await q<{ n: number }>(
      sql`select count(*)::int as n from opportunities where easy_read like 'Keep this%'`,
    );
    assert.equal(row!.n, 0);
  });
});

describe('the easy-read version: the plain-English check', () => {
  // 17 words: plain English for the standard text (25), too long for easy read (15).
  const SENTENCE =
    'You come to four short meetings at our office with other people who live in our homes.';

  it('finds long sentences and unexplained acronyms in the easy-read version, named as in it', async () => {
    const id = await addOpportunity({
      description: `${SENTENCE} It is part of the Tenant Satisfaction Measures (TSM) work.`,
      easyRead: `${SENTENCE}\nThis is about the TSM.`,
    });
    const check = await lead.get(`/staff/opportunities/${id}/publish`);
    assert.equal(check.statusCode, 200);
    const [standard, easy] = check.body.split(
      /<h3 class="govuk-heading-s">Easy read version<\/h3>/,
    );
    assert.ok(easy, 'the easy-read findings have their own heading');
    assert.doesNotMatch(standard!, /This sentence has 17 words/, 'plain enough for the standard');
    assert.match(easy, /<mark>You come to four short meetings[^<]*homes\.<\/mark>/);
    assert.match(easy, /This sentence has 17 words\. Try to keep sentences under 15 words/);
    // Its readers may read nothing else: the acronym is explained in the standard text only.
    assert.match(easy, /This is about the <mark>TSM<\/mark>\./);

    const held = await testDb.database.withOrganisation(org.id, (tx) =>
      publishOpportunity(tx, SYSTEM_ACTOR, id, { confirmFindings: false }),
    );
    assert.equal(held.published, false);
    assert.ok(held.published === false && held.reason === 'findings');
    assert.deepEqual(
      held.findings.filter((f) => f.field === 'easyRead').map((f) => f.kind),
      ['longSentence', 'acronym'],
    );
  });

  it('finds nothing in short plain easy read', async () => {
    const id = await addOpportunity({ easyRead: EASY });
    const check = await lead.get(`/staff/opportunities/${id}/publish`);
    assert.match(check.body, /We found nothing to change/);
  });
});

describe('the easy-read version: the public pages', () => {
  let withEasy: string;
  let withoutEasy: string;

  before(async () => {
    withEasy = await addOpportunity({ title: 'With easy read', easyRead: EASY });
    await publish(withEasy);
    withoutEasy = await addOpportunity({ title: 'Without easy read' });
    await publish(withoutEasy);
  });

  it('shows the easy-read version in easy read, a picture with words beside each point', async () => {
    const page = await visitor('easy').get(`/opportunities/${withEasy}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<p class="govuk-body-l">You come to four meetings\.<\/p>/);
    assert.match(page.body, /<p class="govuk-body-l">You tell us about repairs\.<\/p>/);
    assert.doesNotMatch(page.body, /Come to four meetings and tell us what you think/);
    // The first point is about meetings (a calendar), the second about pay (a coin).
    const pictures = [
      ...page.body.matchAll(/<svg class="app-easy-picture"[^>]*aria-label="([^"]+)"/g),
    ];
    assert.deepEqual(
      pictures.map((m) => m[1]),
      [
        'A calendar',
        'A pound coin',
        'A calendar',
        'Two people',
        'A pound coin',
        'An arrow pointing right',
      ],
    );
    assert.match(page.body, /You meet us in person\./);
    assert.match(page.body, /Sign up by 31 December 2099\./);
    assert.match(page.body, /href="\/opportunities\/[0-9a-f-]+\/sign-up"/);
  });

  it('prints the easy-read version on the poster in easy read, a picture beside each point, with the QR code', async () => {
    const easy = await visitor('easy').get(`/opportunities/${withEasy}/poster`);
    assert.equal(easy.statusCode, 200);
    assert.match(
      easy.body,
      /<p class="govuk-body app-poster__easy">You come to four meetings\.<\/p>/,
    );
    assert.doesNotMatch(easy.body, /Come to four meetings and tell us what you think/);
    const pictures = [
      ...easy.body.matchAll(/<svg class="app-easy-picture"[^>]*aria-label="([^"]+)"/g),
    ];
    assert.deepEqual(
      pictures.map((m) => m[1]),
      ['A calendar', 'A pound coin', 'A calendar'],
    );
    assert.match(easy.body, /Sign up by 31 December 2099\./);
    assert.match(easy.body, /<svg role="img" aria-label="QR code for/);
    const standard = await visitor('standard').get(`/opportunities/${withEasy}/poster`);
    assert.match(standard.body, /Come to four meetings and tell us what you think/);
    assert.doesNotMatch(standard.body, /<svg class="app-easy-picture"/);
    const none = await visitor('easy').get(`/opportunities/${withoutEasy}/poster`);
    assert.match(
      none.body,
      /Come to four meetings and tell us what you think/,
      'the facts when there is no easy-read version',
    );
  });

  it('shows the standard text in standard display, and today’s page in easy read when there is none', async () => {
    const standard = await visitor('standard').get(`/opportunities/${withEasy}`);
    assert.match(standard.body, /Come to four meetings and tell us what you think/);
    assert.doesNotMatch(standard.body, /You tell us about repairs/);
    assert.doesNotMatch(standard.body, /app-easy-picture/);

    const none = await visitor('easy').get(`/opportunities/${withoutEasy}`);
    assert.equal(none.statusCode, 200);
    assert.match(none.body, /Come to four meetings and tell us what you think/);
    assert.match(none.body, /What you will do/);
    assert.doesNotMatch(none.body, /app-easy-picture/);
  });

  it('shows the easy-read version’s first point on the list in easy read', async () => {
    const easy = await visitor('easy').get('/opportunities');
    const card = /With easy read<\/a><\/h3>([\s\S]*?)<\/li>/.exec(easy.body)![1]!;
    assert.match(card, /You come to four meetings\./);
    assert.match(card, /aria-label="A calendar"/);
    assert.doesNotMatch(card, /We pay you/);
    const plain = /Without easy read<\/a><\/h3>([\s\S]*?)<\/li>/.exec(easy.body)![1]!;
    assert.match(plain, /Come to four meetings and tell us/);

    const standard = await visitor('standard').get('/opportunities');
    assert.doesNotMatch(standard.body, /You come to four meetings\./);
  });
});

describe('easyReadPoints', () => {
  it('parts points at empty lines, a sentence a line, and picks a picture by the words', () => {
    assert.deepEqual(
      easyReadPoints(
        'We pay your bus fare.\r\n\r\nWe meet on Monday.\n\n\nYour supporter can come.\n\nYou tell us your ideas.\n\nYou choose what changes.\n\nThis is new.',
      ),
      [
        { picture: 'money', lines: ['We pay your bus fare.'] },
        { picture: 'calendar', lines: ['We meet on Monday.'] },
        { picture: 'people', lines: ['Your supporter can come.'] },
        { picture: 'talk', lines: ['You tell us your ideas.'] },
        { picture: 'decision', lines: ['You choose what changes.'] },
        { picture: 'paper', lines: ['This is new.'] },
      ],
    );
    assert.deepEqual(easyReadPoints(null), []);
    assert.deepEqual(easyReadPoints('  \n\n '), []);
  });
});
