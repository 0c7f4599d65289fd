import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { rowsOf } from '../../platform/db/index.ts';
import { Worker } from '../../platform/jobs/index.ts';
import { linksOf } from '../../platform/links/index.ts';
import { computeStatistic } from '../../platform/statistics/index.ts';
import { currentPeriod } from '../../platform/periods/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople } from '../people/index.ts';
import { feedbackPersonData } from './person-data.ts';
import { fileSurveyFreeText } from './intake.ts';
import { recordItems, type ItemInput } from './items.ts';
import { createAction, completeAction, closeLoop, findAction } from './actions.ts';
import { feedbackStatistics, loopDays } from './statistics.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;
let people: { ann: string; bob: string; cat: string; dan: string };

const inOrg = <T>(work: Parameters<TestDatabase['database']['withOrganisation']>[1]) =>
  testDb.database.withOrganisation(org.id, work) as Promise<T>;

const base: Omit<ItemInput, 'text' | 'channel'> = {
  sourceDetail: '',
  receivedOn: '2025-10-06',
  serviceId: null,
  initiativeId: null,
  personId: null,
  anonymous: false,
  mayQuote: false,
  hearBack: false,
  hearBackChannel: null,
  loggedBy: null,
};

async function outboxTo(address: string) {
  return rowsOf<{ template: string; text_body: string }>(
    await testDb.database.system.execute(
      sql`select template, text_body from outbox where to_address = ${address} and organisation_id = ${org.id}`,
    ),
  );
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  other = await makeOrganisation(testDb.database, { slug: 'other', name: 'Other Homes' });
  const ids = await testDb.database.withOrganisation(org.id, (tx) =>
    addPeople(tx, [
      {
        organisationId: org.id,
        reference: 'P-ANN',
        firstName: 'Ann',
        lastName: 'Able',
        email: 'ann@example.org',
      },
      {
        organisationId: org.id,
        reference: 'P-BOB',
        firstName: 'Bob',
        lastName: 'Best',
        email: 'bob@example.org',
      },
      {
        organisationId: org.id,
        reference: 'P-CAT',
        firstName: 'Cat',
        lastName: 'Cole',
        email: 'cat@example.org',
        needs: ['easy_read'],
      },
      {
        organisationId: org.id,
        reference: 'P-DAN',
        firstName: 'Dan',
        lastName: 'Dee',
        phone: '07700 900123',
      },
    ]),
  );
  people = { ann: ids[0]!, bob: ids[1]!, cat: ids[2]!, dan: ids[3]! };
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('feedback from every channel', () => {
  it('is logged by staff with a clear message for each wrong field, and nothing is lost', async () => {
    const refused = await lead.post(
      '/staff/feedback/items',
      {
        channel: 'drop_in',
        'receivedOn-day': '31',
        'receivedOn-month': '2',
        'receivedOn-year': '2025',
        text: 'The lift has been broken for a week',
        anonymous: 'yes',
        personReference: 'P-ANN',
        hearBack: 'yes',
      },
      { from: '/staff/feedback/items/new' },
    );
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /href="#receivedOn-day"/);
    assert.match(refused.body, /Anonymous feedback cannot name a person/);
    assert.match(refused.body, /The lift has been broken for a week/, 'what was typed is kept');

    const unknown = await lead.post('/staff/feedback/items', {
      channel: 'phone',
      'receivedOn-day': '6',
      'receivedOn-month': '10',
      'receivedOn-year': '2025',
      text: 'Nobody called back',
      personReference: 'P-NOBODY',
    });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /nobody on the register with this reference/);

    const noPhone = await lead.post('/staff/feedback/items', {
      channel: 'phone',
      'receivedOn-day': '6',
      'receivedOn-month': '10',
      'receivedOn-year': '2025',
      text: 'Nobody called back',
      personReference: 'P-ANN',
      hearBack: 'yes',
      hearBackChannel: 'phone',
    });
    assert.equal(noPhone.statusCode, 400);
    assert.match(noPhone.body, /no phone number for this person/);

    const saved = await lead.post('/staff/feedback/items', {
      channel: 'drop_in',
      sourceDetail: 'Drop-in at Grey Street',
      'receivedOn-day': '6',
      'receivedOn-month': '10',
      'receivedOn-year': '2025',
      text: 'Black mould in the bathroom again and the repair was never done',
      personReference: 'p-ann',
      mayQuote: 'yes',
      hearBack: 'yes',
      hearBackChannel: 'email',
    });
    assert.equal(saved.statusCode, 303);
    const page = await lead.get(saved.headers.location as string);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Ann Able/);
    assert.match(page.body, /Damp and mould/);
    assert.match(page.body, /Negative/);
  });

  it('comes from the public form with no account; the honeypot and the rate limit keep programs out', async () => {
    const visitor = new TestClient(app, {});
    const form = await visitor.get('/feedback');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /aria-hidden="true"/);
    const refused = await visitor.post('/feedback', {
      text: '',
      hearBack: 'yes',
      hearBackChannel: 'email',
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Enter what you want to tell us/);
    assert.match(refused.body, /Enter your name/);
    assert.match(refused.body, /Enter your email address/);

    const bot = await visitor.post('/feedback', {
      text: 'cheap pills',
      website: 'http://spam.example',
    });
    assert.equal(bot.statusCode, 303);
    const sent = await visitor.post('/feedback', {
      text: 'The communal hallway lights are out and it feels unsafe at night',
      hearBack: 'yes',
      name: 'Eve Evans',
      hearBackChannel: 'email',
      email: 'eve@example.org',
      mayQuote: 'yes',
    });
    assert.equal(sent.statusCode, 303);
    assert.equal(sent.headers.location, '/feedback/thanks');
    const rows = await inOrg<
      Array<{ person_id: string | null; channel: string; hear_back: boolean }>
    >(async (tx) =>
      rowsOf(
        await tx.execute(
          sql`select person_id, channel, hear_back from feedback_items where channel = 'web_form'`,
        ),
      ),
    );
    assert.equal(rows.length, 1, 'the honeypot one is not kept');
    assert.ok(
      rows[0]!.person_id,
      'someone who wants to hear back goes on the register as a new person',
    );
    assert.equal(rows[0]!.hear_back, true);

    // Ten an hour from one address, then a page that says to try later (no CAPTCHA).
    let last = 0;
    for (let i = 0; i < 10; i++)
      last = (await visitor.post('/feedback', { text: `Note ${i} about the garden` })).statusCode;
    assert.equal(last, 429);
  });

  it('files survey free text, naming the person only when the response was not anonymous, once', async () => {
    const events = [
      {
        organisationId: org.id,
        occurredOn: '2025-10-07',
        record: { kind: 'surveys.response', id: '00000000-0000-4000-8000-000000000001' },
        personId: people.bob,
        data: {
          collectedOn: '2025-10-07',
          anonymous: false,
          mayQuote: false,
          hearBack: true,
          freeText: [
            {
              questionCode: 'Q9',
              question: 'Anything else?',
              text: 'The damp in my flat is getting worse',
            },
          ],
        },
      },
      {
        organisationId: org.id,
        occurredOn: '2025-10-07',
        record: { kind: 'surveys.response', id: '00000000-0000-4000-8000-000000000002' },
        personId: people.dan,
        data: {
          anonymous: true,
          mayQuote: true,
          hearBack: true,
          freeText: [
            { questionCode: 'Q9', question: 'Anything else?', text: 'Mould on the ceiling' },
          ],
        },
      },
    ];
    const made = await inOrg<number>((tx) => fileSurveyFreeText(tx, events));
    assert.equal(made, 2);
    assert.equal(await inOrg<number>((tx) => fileSurveyFreeText(tx, events)), 0, 'filed once');
    const rows = await inOrg<
      Array<{ person_id: string | null; anonymous: boolean; hear_back: boolean }>
    >(async (tx) =>
      rowsOf(
        await tx.execute(
          sql`select person_id, anonymous, hear_back from feedback_items where channel = 'survey' order by source_id`,
        ),
      ),
    );
    assert.equal(rows[0]!.person_id, people.bob);
    assert.equal(rows[0]!.hear_back, true);
    assert.equal(rows[1]!.person_id, null, 'an anonymous response names nobody');
    assert.equal(rows[1]!.anonymous, true);
    assert.equal(rows[1]!.hear_back, false);
  });

  it('never links an anonymous item to a person, whoever asks', async () => {
    const [id] = await inOrg<string[]>((tx) =>
      recordItems(tx, SYSTEM_ACTOR, [
        {
          ...base,
          channel: 'suggestion_box',
          text: 'More benches in the garden please',
          anonymous: true,
          personId: people.ann,
          hearBack: true,
          hearBackChannel: 'email',
        },
      ]),
    );
    const [row] = await inOrg<Array<{ person_id: string | null; hear_back: boolean }>>(async (tx) =>
      rowsOf(
        await tx.execute(sql`select person_id, hear_back from feedback_items where id = ${id}`),
      ),
    );
    assert.equal(row!.person_id, null);
    assert.equal(row!.hear_back, false);
    const timeline = await lead.get(`/staff/people/${people.ann}`);
    assert.doesNotMatch(timeline.body, /More benches in the garden/);
  });
});

describe('actions, closing the loop and publication', () => {
  let items: { ann: string; bob: string; cat: string; dan: string; anon: string };
  let actionId: string;

  before(async () => {
    const ids = await inOrg<string[]>((tx) =>
      recordItems(tx, SYSTEM_ACTOR, [
        {
          ...base,
          channel: 'meeting',
          text: 'Mould in the flats on Hill Road',
          personId: people.ann,
          hearBack: true,
          hearBackChannel: 'email',
          mayQuote: true,
        },
        {
          ...base,
          channel: 'phone',
          text: 'Damp in my bedroom, please help',
          personId: people.bob,
          hearBack: false,
          mayQuote: false,
        },
        {
          ...base,
          channel: 'survey',
          text: 'Mould everywhere',
          personId: people.cat,
          hearBack: true,
          hearBackChannel: 'email',
          mayQuote: false,
        },
        {
          ...base,
          channel: 'drop_in',
          text: 'Damp walls downstairs',
          personId: people.dan,
          hearBack: true,
          hearBackChannel: 'phone',
        },
        { ...base, channel: 'social_media', text: 'Mould mould mould', anonymous: true },
      ]),
    );
    items = { ann: ids[0]!, bob: ids[1]!, cat: ids[2]!, dan: ids[3]!, anon: ids[4]! };
  });

  it('links an action to items from different channels and refuses a quote without consent', async () => {
    const refs = await inOrg<Array<{ reference: string; id: string }>>(async (tx) =>
      rowsOf(
        await tx.execute(
          sql`select reference, id from feedback_items where id in (${items.ann}, ${items.bob}, ${items.cat}, ${items.dan}, ${items.anon})`,
        ),
      ),
    );
    const ref = (id: string) => refs.find((r) => r.id === id)!.reference;
    const made = await lead.post(
      '/staff/feedback/actions',
      {
        kind: 'did',
        youSaid: 'You told us about damp and mould in your homes.',
        weDid: 'We checked every flat on Hill Road and fixed the vents.',
        youSaidEasy: 'You said your home has mould.',
        weDidEasy: 'We fixed it.',
        owner: 'Property team',
        status: 'in_progress',
        publish: 'yes',
        quoteItemId: items.bob,
        items: [ref(items.ann), ref(items.bob), ref(items.cat)],
      },
      { from: '/staff/feedback/actions/new' },
    );
    assert.equal(made.statusCode, 400, 'Bob did not agree to being quoted');
    assert.match(made.body, /agreed to being quoted/);

    const ok = await lead.post('/staff/feedback/actions', {
      kind: 'did',
      youSaid: 'You told us about damp and mould in your homes.',
      weDid: 'We checked every flat on Hill Road and fixed the vents.',
      youSaidEasy: 'You said your home has mould.',
      weDidEasy: 'We fixed it.',
      owner: 'Property team',
      status: 'in_progress',
      publish: 'yes',
      quoteItemId: items.ann,
      items: [ref(items.ann), ref(items.bob), ref(items.cat)],
    });
    assert.equal(ok.statusCode, 303);
    actionId = /actions\/([0-9a-f-]{36})/.exec(ok.headers.location as string)![1]!;
    const linked = await lead.post(`/staff/feedback/actions/${actionId}/items`, {
      references: `${ref(items.dan)}, ${ref(items.anon)}`,
    });
    assert.equal(linked.statusCode, 303);
    const missing = await lead.post(`/staff/feedback/actions/${actionId}/items`, {
      references: 'FB-NOPE',
    });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /no feedback with the reference FB-NOPE/);
    const page = await lead.get(`/staff/feedback/actions/${actionId}`);
    assert.match(page.body, /Feedback it answers: 5 from 5 channels/);
    const links = await inOrg<Map<string, unknown[]>>((tx) =>
      linksOf(tx, 'feedback.action', [actionId]),
    );
    assert.equal(links.get(actionId)!.length, 5);
  });

  it('tells, when done, only those who asked to hear back, by their channel, easy read when asked', async () => {
    const refused = await lead.post(`/staff/feedback/actions/${actionId}/complete`, {
      outcome: '',
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Enter what came of it/);
    const done = await lead.post(`/staff/feedback/actions/${actionId}/complete`, {
      outcome: 'New extractor fans are in every bathroom.',
    });
    assert.equal(done.statusCode, 303);
    assert.equal(
      (await outboxTo('ann@example.org')).length,
      0,
      'nothing is sent inside the request',
    );
    await new Worker(testDb.database).runDue();

    const ann = await outboxTo('ann@example.org');
    assert.equal(ann.length, 1);
    assert.equal(ann[0]!.template, 'feedback-outcome');
    assert.match(ann[0]!.text_body, /You told us: "Mould in the flats on Hill Road"/);
    assert.match(ann[0]!.text_body, /We did this: We checked every flat/);
    assert.equal((await outboxTo('bob@example.org')).length, 0, 'Bob did not ask to hear back');
    const cat = await outboxTo('cat@example.org');
    assert.equal(cat[0]!.template, 'feedback-outcome-easy', 'Cat reads easy read');
    assert.match(cat[0]!.text_body, /We fixed it\./);

    const loop = await lead.get('/staff/feedback/loop');
    assert.match(loop.body, /Phone Dan Dee/);
    const [task] = await inOrg<Array<{ id: string }>>(async (tx) =>
      rowsOf(await tx.execute(sql`select id from feedback_loop_messages where sent_on is null`)),
    );
    assert.equal(
      (await lead.post('/staff/feedback/loop', { messageId: task!.id })).statusCode,
      303,
    );

    // Told once: running the loop again sends nothing more.
    assert.equal(
      await inOrg<number>((tx) => closeLoop(tx, actionId, { baseUrl: '', today: '2025-10-20' })),
      0,
    );
  });

  it('measures the share of feedback whose outcome reached the person, and how long it took', async () => {
    const filter = { from: '2025-10-01', to: '2025-12-31' };
    const eligible = await inOrg<{ value: number | null }>((tx) =>
      computeStatistic(tx, 'feedback.loop_eligible', filter),
    );
    const closed = await inOrg<{ value: number | null }>((tx) =>
      computeStatistic(tx, 'feedback.loop_closed', filter),
    );
    // Ann (email), Cat (email) and Dan (phone, marked done) asked and were told; Bob did not ask; the anonymous one cannot.
    assert.equal(eligible.value, 3);
    assert.equal(closed.value, 3);
    const outside = await inOrg<{ value: number | null }>((tx) =>
      computeStatistic(tx, 'feedback.loop_eligible', { from: '2026-01-01', to: '2026-03-31' }),
    );
    assert.equal(outside.value, 0);
    const definition = feedbackStatistics.find(
      (s) => s.name === 'feedback.loop_closed',
    ) as unknown as {
      records(
        tx: unknown,
        f: typeof filter,
        p: { limit: number; offset: number },
      ): Promise<{ total: number; rows: Array<{ label: string }> }>;
    };
    const drill = await inOrg<{ total: number; rows: Array<{ label: string }> }>((tx) =>
      definition.records(tx, filter, { limit: 2, offset: 0 }),
    );
    assert.equal(drill.total, 3);
    assert.equal(drill.rows.length, 2);
    assert.match(drill.rows[0]!.label, /outcome sent after \d+ days/);

    // A fixture with known days: an item from 1 November answered on 11 November, one never told.
    const ids = await inOrg<string[]>((tx) =>
      recordItems(tx, SYSTEM_ACTOR, [
        {
          ...base,
          channel: 'email',
          receivedOn: '2025-11-01',
          text: 'Bins not collected',
          personId: people.ann,
          hearBack: true,
          hearBackChannel: 'email',
        },
        {
          ...base,
          channel: 'email',
          receivedOn: '2025-11-02',
          text: 'Bins again',
          personId: people.ann,
          hearBack: true,
          hearBackChannel: 'letter',
        },
      ]),
    );
    await inOrg(async (tx) => {
      const id = await createAction(
        tx,
        SYSTEM_ACTOR,
        {
          kind: 'did',
          youSaid: 'Bins',
          weDid: 'We changed the day',
          reason: '',
          youSaidEasy: '',
          weDidEasy: '',
          owner: '',
          dueOn: null,
          status: 'open',
          publish: false,
          specialisms: [],
          quoteItemId: null,
        },
        ids,
      );
      const action = (await findAction(tx, id))!;
      await completeAction(tx, SYSTEM_ACTOR, action, 'Collected on Mondays now', {
        today: '2025-11-11',
        baseUrl: '',
      });
      await closeLoop(tx, id, { baseUrl: '', today: '2025-11-11' });
    });
    const measure = await inOrg<Awaited<ReturnType<typeof loopDays>>>((tx) => loopDays(tx, filter));
    assert.equal(measure.eligible, 5);
    assert.equal(measure.closed, 4, 'the letter not yet sent is not closed');
    const days = await inOrg<Array<{ reference: string; days: number }>>(async (tx) =>
      rowsOf(
        await tx.execute(sql`select i.reference, m.sent_on - i.received_on as days from feedback_loop_messages m
          join feedback_items i on i.id = m.item_id where m.sent_on is not null`),
      ),
    );
    assert.ok(days.some((d) => Number(d.days) === 10));
  });

  it('publishes the quarter on the web, as a poster and in easy read, quoting only those who agreed', async () => {
    // The action was done today, so it is in this quarter's edition.
    const quarter = currentPeriod('quarter').name;
    const preview = await lead.get(`/staff/feedback/editions?period=${quarter}`);
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /We checked every flat on Hill Road/);
    const published = await lead.post(`/staff/feedback/editions/${quarter}`, {
      intro: 'Thank you for telling us what you think.',
      confirmFindings: 'yes',
    });
    assert.equal(published.statusCode, 303);
    const visitor = new TestClient(app, {});
    const web = await visitor.get(`/you-said-we-did/${quarter}`);
    assert.equal(web.statusCode, 200);
    assert.match(web.body, /We checked every flat on Hill Road/);
    assert.match(web.body, /Mould in the flats on Hill Road/, 'Ann agreed to being quoted');
    for (const words of [
      'Damp in my bedroom',
      'Mould everywhere',
      'Damp walls downstairs',
      'Mould mould mould',
    ])
      assert.ok(!web.body.includes(words), `"${words}" is never published`);
    const poster = await visitor.get(`/you-said-we-did/${quarter}/poster`);
    assert.equal(poster.statusCode, 200);
    assert.match(poster.body, /<svg role="img" aria-label="QR code for/);
    const easy = await visitor.get(`/you-said-we-did/${quarter}/easy-read`);
    assert.equal(easy.statusCode, 200);
    assert.match(easy.body, /We fixed it\./);
    assert.match(easy.body, /app-easy-read__picture/);

    // Ann withdraws consent to being quoted: the published page drops her words at once.
    await inOrg((tx) =>
      tx.execute(sql`update feedback_items set may_quote = false where id = ${items.ann}`),
    );
    const after = await visitor.get(`/you-said-we-did/${quarter}`);
    assert.ok(!after.body.includes('Mould in the flats on Hill Road'));
    assert.equal((await visitor.get('/you-said-we-did/2024-Q1')).statusCode, 404);
  });

  it("shows each person's feedback and what came of it on their timeline, and erases their words", async () => {
    const page = await lead.get(`/staff/people/${people.ann}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Feedback by Meeting minutes/);
    assert.match(page.body, /New extractor fans are in every bathroom/);
    const exported = (await inOrg((tx) => feedbackPersonData.export(tx, people.ann))) as {
      items: unknown[];
    };
    assert.ok(exported.items.length >= 2);
    await inOrg((tx) => feedbackPersonData.erase(tx, { id: people.ann, email: 'ann@example.org' }));
    const left = await inOrg<Array<{ n: number }>>(async (tx) =>
      rowsOf(
        await tx.execute(
          sql`select count(*)::int as n from feedback_items where text like '%Hill Road%'`,
        ),
      ),
    );
    assert.equal(left[0]!.n, 0);
  });
});

describe('access', () => {
  it('keeps staff pages to staff, and ids to their organisation', async () => {
    const theirs = await testDb.database.withOrganisation(other.id, (tx) =>
      recordItems(tx, SYSTEM_ACTOR, [{ ...base, channel: 'email', text: 'Their feedback' }]),
    );
    assert.equal((await lead.get(`/staff/feedback/items/${theirs[0]}`)).statusCode, 404);
    const board = new TestClient(app, signedInAs(org, ['board_member']));
    assert.equal((await board.get('/staff/feedback')).statusCode, 403);
    assert.equal((await board.get('/staff/feedback/report?period=2025-Q3')).statusCode, 200);
    assert.equal((await new TestClient(app, {}).get('/staff/feedback')).statusCode, 303);
    const list = await lead.get('/staff/feedback');
    assert.ok(!list.body.includes('Their feedback'));
  });

  it('lists feedback in a number of queries that does not grow with the rows', async () => {
    const count = async () =>
      (await testDb.countQueries(() => lead.get('/staff/feedback?period=2025-Q3'))).queries;
    const first = await count();
    await inOrg((tx) =>
      recordItems(
        tx,
        SYSTEM_ACTOR,
        Array.from({ length: 30 }, (_, i) => ({
          ...base,
          channel: 'email' as const,
          text: `Repair number ${i} is late`,
        })),
      ),
    );
    assert.equal(await count(), first);
  });
});
