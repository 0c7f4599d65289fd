import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { rowsOf } from '../../platform/db/index.ts';
import { Worker } from '../../platform/jobs/index.ts';
import { linksOf } from '../../platform/links/index.ts';
import { computeStatistic } from '../../platform/statistics/index.ts';
import { currentPeriod, parsePeriod, previousPeriod } from '../../platform/periods/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople } from '../people/index.ts';
import { feedbackPersonData } from './person-data.ts';
import { fileSurveyFreeText } from './intake.ts';
import { recordItems, type ItemInput } from './items.ts';
import {
  createAction,
  completeAction,
  closeLoop,
  findAction,
  type ActionFields,
} from './actions.ts';
import { editionContent } from './editions.ts';
import { quarterReport } from './report.ts';
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

/** An action's fields, done or not, for fixtures. */
const actionFields = (over: Partial<ActionFields> = {}): ActionFields => ({
  kind: 'did',
  youSaid: 'You told us about the bins.',
  weDid: 'We changed the day.',
  reason: '',
  youSaidEasy: '',
  weDidEasy: '',
  owner: '',
  dueOn: null,
  status: 'open',
  publish: true,
  specialisms: [],
  quoteItemId: null,
  ...over,
});

/** Makes an action answering items and marks it done on a day (the loop not yet closed). */
async function doneAction(
  fields: Partial<ActionFields>,
  itemIds: string[],
  today: string,
): Promise<string> {
  return inOrg<string>(async (tx) => {
    const id = await createAction(tx, SYSTEM_ACTOR, actionFields(fields), itemIds);
    await completeAction(tx, SYSTEM_ACTOR, (await findAction(tx, id))!, 'Done', {
      today,
      baseUrl: '',
    });
    return id;
  });
}

describe('themes per quarter, segmented editions and the plain-English check', () => {
  // Financial quarters: 2025-Q1 is April to June 2025, the one before January to March.
  const quarter = parsePeriod('quarter', '2025-Q1')!;
  const before = previousPeriod(quarter);

  it('lets staff confirm or recode the suggested themes, and refuses a theme not on the list', async () => {
    const [id] = await inOrg<string[]>((tx) =>
      recordItems(tx, SYSTEM_ACTOR, [
        { ...base, channel: 'email', receivedOn: before.from, text: 'Black mould in the kitchen' },
      ]),
    );
    const themes = await inOrg<Array<{ id: string; code: string }>>(async (tx) =>
      rowsOf(await tx.execute(sql`select id, code from feedback_themes`)),
    );
    const code = (c: string) => themes.find((t) => t.code === c)!.id;
    const page = await lead.get(`/staff/feedback/items/${id}`);
    assert.match(page.body, /suggested by the keywords/);
    const current = async () =>
      inOrg<Array<{ theme_id: string; origin: string }>>(async (tx) =>
        rowsOf(
          await tx.execute(
            sql`select theme_id, origin from feedback_item_themes where item_id = ${id}`,
          ),
        ),
      );
    assert.deepEqual(
      (await current()).map((r) => [r.theme_id, r.origin]),
      [[code('damp-mould'), 'suggested']],
    );

    const wrong = await lead.post(`/staff/feedback/items/${id}/themes`, {
      themes: ['00000000-0000-4000-8000-00000000dead'],
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /Select themes from the list/);

    const recoded = await lead.post(`/staff/feedback/items/${id}/themes`, {
      themes: [code('damp-mould'), code('repairs')],
    });
    assert.equal(recoded.statusCode, 303);
    assert.deepEqual(
      (await current()).map((r) => r.origin),
      ['staff', 'staff'],
    );
    const after = await lead.get(`/staff/feedback/items/${id}`);
    assert.match(after.body, /Staff have checked these themes/);
  });

  it('counts themes by channel each quarter, shows what is rising, and quotes only those who agreed', async () => {
    const day = (p: typeof quarter, n: number) =>
      `${p.from.slice(0, 8)}${String(n + 1).padStart(2, '0')}`;
    await inOrg((tx) =>
      recordItems(tx, SYSTEM_ACTOR, [
        // Damp and mould: once the quarter before (plus the recoded one above), eight times now across channels.
        { ...base, channel: 'phone', receivedOn: day(before, 3), text: 'Mould on my wall' },
        ...(
          [
            'meeting',
            'drop_in',
            'survey',
            'phone',
            'email',
            'meeting',
            'drop_in',
            'survey',
          ] as const
        ).map((channel, i) => ({
          ...base,
          channel,
          receivedOn: day(quarter, i),
          text: `Damp in flat ${i} again`,
          personId: people.bob,
          mayQuote: i === 0,
        })),
        // Rent: six the quarter before, one now, so it is falling.
        ...Array.from({ length: 6 }, (_, i) => ({
          ...base,
          channel: 'email' as const,
          receivedOn: day(before, i),
          text: `My rent statement ${i} is wrong`,
        })),
        { ...base, channel: 'email', receivedOn: day(quarter, 9), text: 'Rent went up a lot' },
      ]),
    );
    const report = await inOrg<Awaited<ReturnType<typeof quarterReport>>>((tx) =>
      quarterReport(tx, quarter),
    );
    assert.equal(report.previous.name, before.name);
    const damp = report.rows.find((r) => r.theme.code === 'damp-mould')!;
    assert.equal(damp.change, 'up');
    assert.deepEqual(
      report.rising.map((r) => [r.theme.code, r.now, r.before]),
      [['damp-mould', 8, 2]],
      'rising: at least five now and more than before; rent fell',
    );
    assert.equal(report.rows.find((r) => r.theme.code === 'rent-money')!.change, 'down');
    // Small counts are hidden: two of eight by meeting is below five.
    const meeting = damp.cells[report.channels.indexOf('meeting')]!;
    assert.equal(meeting.suppressed, 'primary');
    const dampQuotes = report.quotes.find((q) => q.theme.code === 'damp-mould')!;
    assert.deepEqual(
      dampQuotes.quotes.map((q) => q.text),
      ['Damp in flat 0 again'],
      'only the item whose person agreed is quoted',
    );

    const page = await lead.get(`/staff/feedback/report?period=${quarter.name}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Damp and mould: 8, up from 2/);
    assert.match(page.body, /Damp in flat 0 again/);
    assert.doesNotMatch(page.body, /Damp in flat 1 again/);
  });

  it('publishes an edition per specialism with its own actions and those for everyone', async () => {
    const inQuarter = `${quarter.from.slice(0, 8)}20`;
    await doneAction(
      { youSaid: 'The garden needs benches.', weDid: 'We put in two benches.' },
      [],
      inQuarter,
    );
    await doneAction(
      {
        youSaid: 'Our support plans are hard to read.',
        weDid: 'We wrote them again with you.',
        specialisms: ['mental_health'],
      },
      [],
      inQuarter,
    );
    await doneAction(
      {
        youSaid: 'We want more trips out.',
        weDid: 'We plan a trip each month.',
        specialisms: ['learning_disabilities'],
      },
      [],
      inQuarter,
    );
    await doneAction(
      { youSaid: 'Not for publishing.', weDid: 'Kept inside.', publish: false },
      [],
      inQuarter,
    );
    const says = async (segment: string) =>
      (
        await inOrg<Awaited<ReturnType<typeof editionContent>>>((tx) =>
          editionContent(tx, quarter, segment),
        )
      ).entries
        .map((e) => e.weDid)
        .sort();
    assert.deepEqual(await says(''), [
      'We plan a trip each month.',
      'We put in two benches.',
      'We wrote them again with you.',
    ]);
    assert.deepEqual(await says('mental_health'), [
      'We put in two benches.',
      'We wrote them again with you.',
    ]);

    const published = await lead.post(`/staff/feedback/editions/${quarter.name}`, {
      segment: 'mental_health',
      intro: 'What people who use our mental health services told us.',
      confirmFindings: 'yes',
    });
    assert.equal(published.statusCode, 303);
    assert.match(published.headers.location as string, /segment=mental_health/);
    const visitor = new TestClient(app, {});
    const web = await visitor.get(`/you-said-we-did/${quarter.name}/mental_health`);
    assert.equal(web.statusCode, 200);
    assert.match(web.body, /Mental health/);
    assert.match(web.body, /We wrote them again with you\./);
    assert.match(web.body, /We put in two benches\./);
    assert.doesNotMatch(web.body, /We plan a trip each month/);
    assert.doesNotMatch(web.body, /Kept inside/);
    const easy = await visitor.get(`/you-said-we-did/${quarter.name}/mental_health/easy-read`);
    assert.match(easy.body, /This is for people who use Mental health services/);
    const poster = await visitor.get(`/you-said-we-did/${quarter.name}/mental_health/poster`);
    assert.equal(poster.statusCode, 200);
    assert.match(poster.body, new RegExp(`/you-said-we-did/${quarter.name}/mental_health`));
    // Only the segment was published; an unknown specialism is refused.
    assert.equal((await visitor.get(`/you-said-we-did/${quarter.name}`)).statusCode, 404);
    assert.equal(
      (
        await lead.post(`/staff/feedback/editions/${quarter.name}`, {
          segment: 'astronauts',
          confirmFindings: 'yes',
        })
      ).statusCode,
      404,
    );
    const list = await visitor.get('/you-said-we-did');
    assert.match(list.body, new RegExp(`href="/you-said-we-did/${quarter.name}/mental_health"`));
  });

  it('runs the plain-English check on every text before publishing, and asks the publisher to confirm', async () => {
    const period = parsePeriod('quarter', '2024-Q2')!;
    await doneAction(
      {
        youSaid: 'You said the ASB on the estate was bad.',
        weDid:
          'We will leverage our multi-agency stakeholder partnerships going forward in order to facilitate the remediation of antisocial behaviour across the neighbourhood portfolio, notwithstanding the resource constraints that are currently impacting upon operational delivery.',
      },
      [],
      `${period.from.slice(0, 8)}15`,
    );
    const preview = await lead.get(`/staff/feedback/editions?period=${period.name}`);
    assert.match(preview.body, /Plain English check/);
    assert.match(preview.body, /The check found \d+ things to look at/);
    const refused = await lead.post(`/staff/feedback/editions/${period.name}`, { intro: '' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Read what the plain English check found, then confirm it/);
    assert.match(refused.body, /href="#confirmFindings"/);
    const visitor = new TestClient(app, {});
    assert.equal(
      (await visitor.get(`/you-said-we-did/${period.name}`)).statusCode,
      404,
      'nothing is published without the check read',
    );
    const confirmed = await lead.post(`/staff/feedback/editions/${period.name}`, {
      intro: '',
      confirmFindings: 'yes',
    });
    assert.equal(confirmed.statusCode, 303);
    assert.equal((await visitor.get(`/you-said-we-did/${period.name}`)).statusCode, 200);
  });

  it('measures the closing-the-loop share and the days it took on a fixture of its own', async () => {
    // October to December 2024: four ask to hear back; three are told 30, 20 and 10 days on; a call is not yet made.
    const period = parsePeriod('quarter', '2024-Q3')!;
    const ids = await inOrg<string[]>((tx) =>
      recordItems(tx, SYSTEM_ACTOR, [
        {
          ...base,
          channel: 'email',
          receivedOn: '2024-10-01',
          text: 'Lift broken',
          personId: people.bob,
          hearBack: true,
          hearBackChannel: 'email',
        },
        {
          ...base,
          channel: 'phone',
          receivedOn: '2024-10-11',
          text: 'Lift still broken',
          personId: people.cat,
          hearBack: true,
          hearBackChannel: 'email',
        },
        {
          ...base,
          channel: 'meeting',
          receivedOn: '2024-10-21',
          text: 'Lift again',
          personId: people.bob,
          hearBack: true,
          hearBackChannel: 'email',
        },
        {
          ...base,
          channel: 'drop_in',
          receivedOn: '2024-10-21',
          text: 'The lift',
          personId: people.dan,
          hearBack: true,
          hearBackChannel: 'phone',
        },
        {
          ...base,
          channel: 'drop_in',
          receivedOn: '2024-10-22',
          text: 'Lift, no reply wanted',
          personId: people.dan,
        },
        {
          ...base,
          channel: 'suggestion_box',
          receivedOn: '2024-10-23',
          text: 'Lift!',
          anonymous: true,
        },
      ]),
    );
    const actionId = await doneAction(
      { youSaid: 'The lift', weDid: 'We mended the lift.' },
      ids,
      '2024-10-31',
    );
    await inOrg((tx) => closeLoop(tx, actionId, { baseUrl: '', today: '2024-10-31' }));
    const measure = await inOrg<Awaited<ReturnType<typeof loopDays>>>((tx) =>
      loopDays(tx, { from: period.from, to: period.to }),
    );
    assert.deepEqual(measure, { eligible: 4, closed: 3, medianDays: 20, averageDays: 20 });
    const messages = await inOrg<Array<{ item_id: string }>>(async (tx) =>
      rowsOf(
        await tx.execute(
          sql`select item_id from feedback_loop_messages where action_id = ${actionId}`,
        ),
      ),
    );
    assert.equal(
      messages.length,
      4,
      'no message for the one who did not ask, nor the anonymous one',
    );
    assert.ok(!messages.some((m) => m.item_id === ids[4] || m.item_id === ids[5]));
    const page = await lead.get(`/staff/feedback/report?period=${period.name}`);
    assert.match(
      page.body,
      /Of 4 pieces of feedback whose person asked to hear back and whose action is done, 3 people have been told/,
    );
    assert.match(page.body, /It took 20 days \(median\) and 20 days on average/);
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
