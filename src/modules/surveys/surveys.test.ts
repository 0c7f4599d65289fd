import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addServices } from '../people/index.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;
let board: TestClient;

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>) =>
  testDb.database.withOrganisation(org.id, async (tx) => rowsOf<T>(await tx.execute(text)));

/** The path a 303 goes to. */
const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location ?? '');

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Riverside Homes' });
  other = await makeOrganisation(testDb.database, { slug: 'elsewhere', name: 'Other Homes' });
  await testDb.database.withOrganisation(org.id, (tx) =>
    addServices(tx, [
      {
        organisationId: org.id,
        code: 'GS',
        name: 'Grey Street',
        type: 'Hostel',
        specialism: 'homelessness',
        area: 'North',
      },
    ]),
  );
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  board = new TestClient(app, signedInAs(org, ['board_member']));
});
after(async () => {
  await app.close();
  await testDb.close();
});

/** Builds "Repairs check": q1 (yes/no, required) on page 1, q2 (satisfaction) on page 2 shown only after "yes". */
async function buildConditionalSurvey(): Promise<string> {
  const made = await lead.post(
    '/staff/surveys',
    { kind: 'survey', title: 'Repairs check', template: '', anonymous: 'no' },
    { from: '/staff/surveys/new' },
  );
  assert.equal(made.statusCode, 303);
  const id = /\/staff\/surveys\/([0-9a-f-]{36})/.exec(location(made))![1]!;
  const base = `/staff/surveys/${id}`;
  assert.equal(
    (await lead.post(`${base}/sections`, { title: 'Your view' }, { from: base })).statusCode,
    303,
  );
  const q1 = await lead.post(
    `${base}/questions`,
    {
      section: 's1',
      code: 'had_repair',
      type: 'yesno',
      text: 'Did we repair something in your home this year?',
      required: 'yes',
    },
    { from: `${base}/questions/new?section=s1` },
  );
  assert.equal(q1.statusCode, 303, q1.body.slice(0, 2000));
  // A condition on a question in the same section is refused, naming the field.
  const same = await lead.post(
    `${base}/questions`,
    {
      section: 's1',
      code: 'q_same',
      type: 'satisfaction',
      text: 'Same page?',
      required: 'no',
      condition: 'had_repair=yes',
    },
    { from: `${base}/questions/new?section=s1` },
  );
  assert.equal(same.statusCode, 400);
  assert.match(same.body, /A condition can only use answers to questions in earlier sections/);
  const q2 = await lead.post(
    `${base}/questions`,
    {
      section: 's2',
      code: 'repair_sat',
      type: 'satisfaction',
      text: 'How satisfied are you with the repair?',
      required: 'no',
      condition: 'had_repair=yes',
      dontKnow: 'yes',
    },
    { from: `${base}/questions/new?section=s2` },
  );
  assert.equal(q2.statusCode, 303, q2.body.slice(0, 2000));
  const q3 = await lead.post(
    `${base}/questions`,
    { section: 's2', code: 'comments', type: 'text', text: 'Anything else?', required: 'no' },
    { from: `${base}/questions/new?section=s2` },
  );
  assert.equal(q3.statusCode, 303);
  const published = await lead.post(`${base}/publish`, {}, { from: base });
  assert.equal(published.statusCode, 303);
  return id;
}

/** Answers a survey through its public link as a new visitor; returns the response's address. */
async function answerByLink(
  id: string,
  answers: Array<Record<string, string>>,
  finish: Record<string, string> = {},
) {
  const visitor = new TestClient(app);
  const start = await visitor.post(`/s/${id}/start`, {}, { from: `/s/${id}` });
  assert.equal(start.statusCode, 303);
  const token = location(start);
  let at = location(await visitor.get(token));
  for (const page of answers) {
    assert.match(at, /\/step\//);
    const res = await visitor.post(at, page, { from: at });
    assert.equal(res.statusCode, 303, res.body.slice(0, 1500));
    at = location(res);
  }
  assert.match(at, /\/finish$/);
  const done = await visitor.post(at, finish, { from: at });
  assert.equal(done.statusCode, 303);
  return { visitor, finish: at, token };
}

describe('surveys: access', () => {
  it('sends the signed-out to sign in and refuses customers the builder', async () => {
    const out = await app.inject('/staff/surveys');
    assert.equal(out.statusCode, 303);
    const customer = new TestClient(app, signedInAs(org, ['customer']));
    assert.equal((await customer.get('/staff/surveys')).statusCode, 403);
    assert.equal((await board.get('/staff/surveys/new')).statusCode, 403);
  });
});

describe('surveys: build, publish, answer by link, analyse', () => {
  let id = '';
  before(async () => {
    id = await buildConditionalSurvey();
  });

  it('publishes version 1 and shows the public start page', async () => {
    const [row] = await q<{ status: string; current_version: number }>(
      sql`select status, current_version from surveys where id = ${id}`,
    );
    assert.deepEqual(row, { status: 'published', current_version: 1 });
    const start = await new TestClient(app).get(`/s/${id}`);
    assert.equal(start.statusCode, 200);
    assert.match(start.body, /Repairs check/);
    // The honeypot is out of sight, out of the tab order, and hidden from screen readers.
    assert.match(start.body, /aria-hidden="true">\s*<label for="website">/);
    assert.match(start.body, /name="website" value="" tabindex="-1" autocomplete="off"/);
  });

  it('asks the conditional question only after the answer that shows it, and saves each page', async () => {
    const visitor = new TestClient(app);
    const start = await visitor.post(`/s/${id}/start`, {}, { from: `/s/${id}` });
    const first = location(await visitor.get(location(start)));
    assert.match(first, /\/step\/section-s1$/);
    // Required: an empty page comes back with the message on the field.
    const empty = await visitor.post(first, {}, { from: first });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Answer this question/);
    assert.match(empty.body, /href="#q_had_repair"/);
    const yes = await visitor.post(first, { q_had_repair: 'yes' }, { from: first });
    assert.match(location(yes), /\/step\/section-s2$/);
    const page2 = await visitor.get(location(yes));
    assert.match(page2.body, /How satisfied are you with the repair\?/);
    // The partial answers are kept in the database before the end.
    const [partial] = await q<{ progress: Record<string, unknown>; status: string }>(
      sql`select progress, status from survey_responses where survey_id = ${id} and status = 'partial' order by started_at desc limit 1`,
    );
    assert.deepEqual(partial, { progress: { had_repair: 'yes' }, status: 'partial' });
    // Going back and answering "no" leaves the repair question off page 2.
    const no = await visitor.post(first, { q_had_repair: 'no' }, { from: first });
    const without = await visitor.get(location(no));
    assert.doesNotMatch(without.body, /How satisfied are you with the repair\?/);
    assert.match(without.body, /Anything else\?/);
  });

  it('completes once: a second send with the same address is refused kindly and adds nothing', async () => {
    const { visitor, finish } = await answerByLink(
      id,
      [{ q_had_repair: 'yes' }, { q_repair_sat: 'very_satisfied', q_comments: 'Quick and tidy.' }],
      { mayQuote: 'yes' },
    );
    const again = await visitor.post(finish, {}, { from: finish });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /You have already answered/);
    const [count] = await q<{ n: number }>(
      sql`select count(*)::int as n from survey_responses where survey_id = ${id} and status = 'complete'`,
    );
    assert.equal(count!.n, 1);
    const answers = await q<{ question_code: string; choice: string | null; body: string | null }>(
      sql`select question_code, choice, body from survey_answers where survey_id = ${id} order by question_code`,
    );
    assert.deepEqual(answers, [
      { question_code: 'comments', choice: null, body: 'Quick and tidy.' },
      { question_code: 'had_repair', choice: 'yes', body: null },
      { question_code: 'repair_sat', choice: 'very_satisfied', body: null },
    ]);
  });

  it('keeps nothing from a program that fills the hidden field', async () => {
    const before = await q<{ n: number }>(
      sql`select count(*)::int as n from survey_responses where survey_id = ${id}`,
    );
    const bot = new TestClient(app);
    const res = await bot.post(
      `/s/${id}/start`,
      { website: 'http://spam.example' },
      { from: `/s/${id}` },
    );
    assert.equal(res.statusCode, 303);
    assert.match(location(res), /\/thanks$/);
    const after = await q<{ n: number }>(
      sql`select count(*)::int as n from survey_responses where survey_id = ${id}`,
    );
    assert.equal(after[0]!.n, before[0]!.n);
  });

  it('counts answers with percentages and a Wilson interval, the same number of queries however many answer', async () => {
    await answerByLink(id, [{ q_had_repair: 'yes' }, { q_repair_sat: 'fairly_dissatisfied' }]);
    await answerByLink(id, [{ q_had_repair: 'yes' }, { q_repair_sat: 'dont_know' }]);
    await answerByLink(id, [{ q_had_repair: 'no' }, {}]);
    const page = await board.get(`/staff/surveys/${id}/analysis`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /id="completed-count">4</);
    // repair_sat: 1 very satisfied, 1 fairly dissatisfied, 1 don't know: 1 of the 2 substantive answers.
    assert.match(
      page.body,
      /Satisfied or agreeing: <strong>50% <span class="govuk-body-s">\(95% interval 9\.5% to 90\.5%\)/,
    );
    assert.match(page.body, /<svg class="app-chart"/);
    const before = (
      await testDb.countQueries(() => board.get(`/staff/surveys/${id}/analysis?cut=tenure`))
    ).queries;
    for (let i = 0; i < 3; i++)
      await answerByLink(id, [{ q_had_repair: 'yes' }, { q_repair_sat: 'very_satisfied' }]);
    const afterMore = (
      await testDb.countQueries(() => board.get(`/staff/surveys/${id}/analysis?cut=tenure`))
    ).queries;
    assert.equal(afterMore, before);
  });

  it('keeps the version a response answered when changes are published', async () => {
    const base = `/staff/surveys/${id}`;
    const added = await lead.post(
      `${base}/questions`,
      {
        section: 's2',
        code: 'would_recommend',
        type: 'scale10',
        text: 'Would you recommend us?',
        required: 'no',
      },
      { from: `${base}/questions/new?section=s2` },
    );
    assert.equal(added.statusCode, 303);
    await lead.post(`${base}/publish`, {}, { from: base });
    await answerByLink(id, [{ q_had_repair: 'no' }, { q_would_recommend: '9' }]);
    const versions = await q<{ version: number; n: number }>(sql`
      select v.version, count(*)::int as n from survey_responses r join survey_versions v on v.id = r.version_id
      where r.survey_id = ${id} and r.status = 'complete' group by 1 order by 1`);
    assert.equal(versions.length, 2);
    assert.equal(versions[1]!.version, 2);
    assert.equal(versions[1]!.n, 1);
  });

  it('shows nothing of it to another organisation', async () => {
    const stranger = new TestClient(app, signedInAs(other, ['admin']));
    const res = await stranger.get(`/staff/surveys/${id}/analysis`);
    assert.ok([403, 404].includes(res.statusCode));
  });
});

describe('surveys: kiosk and paper entry', () => {
  let id = '';
  before(async () => {
    id = await buildConditionalSurvey();
  });

  it('runs a kiosk that starts again for the next person and keeps nothing on the device', async () => {
    const share = `/staff/surveys/${id}/share`;
    const made = await lead.post(
      `/staff/surveys/${id}/kiosks`,
      { label: 'Reception', serviceId: '' },
      { from: share },
    );
    assert.equal(made.statusCode, 200);
    const url = /id="kiosk-link">([^<]+)</.exec(made.body)![1]!;
    const path = new URL(url).pathname;
    const tablet = new TestClient(app);
    const welcome = await tablet.get(path);
    assert.equal(welcome.statusCode, 200);
    const start = await tablet.post(`${path}/start`, {}, { from: path });
    let at = location(await tablet.get(location(start)));
    at = location(await tablet.post(at, { q_had_repair: 'no' }, { from: at }));
    at = location(await tablet.post(at, {}, { from: at }));
    const done = await tablet.post(at, {}, { from: at });
    const thanks = await tablet.get(location(done));
    assert.match(thanks.body, /Start again for the next person/);
    const next = await tablet.post(
      `${location(done).replace(/\/done$/, '')}/next`,
      {},
      { from: location(done) },
    );
    assert.equal(next.statusCode, 303);
    assert.notEqual(location(next), location(start));
    // Only the form token's cookie: nothing about the tablet or the person.
    assert.deepEqual(
      [...tablet.cookies.keys()].filter((c) => c !== 'csrf'),
      [],
    );
    const rows = await q<{ method: string; status: string }>(
      sql`select method, status from survey_responses where survey_id = ${id} order by started_at`,
    );
    assert.deepEqual(rows, [
      { method: 'kiosk', status: 'complete' },
      { method: 'kiosk', status: 'partial' },
    ]);
  });

  it('lets staff type in paper answers, recording the method, the day and who typed them', async () => {
    const form = `/staff/surveys/${id}/enter`;
    const bad = await lead.post(
      form,
      {
        method: 'paper',
        'collectedOn-day': '31',
        'collectedOn-month': '2',
        'collectedOn-year': '2026',
      },
      { from: form },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /must be a real date/);
    const ok = await lead.post(
      form,
      {
        method: 'paper',
        'collectedOn-day': '3',
        'collectedOn-month': '2',
        'collectedOn-year': '2026',
      },
      { from: form },
    );
    assert.equal(ok.statusCode, 303);
    let at = location(await lead.get(location(ok)));
    at = location(await lead.post(at, { q_had_repair: 'yes' }, { from: at }));
    at = location(await lead.post(at, { q_repair_sat: 'fairly_satisfied' }, { from: at }));
    assert.match(at, /\/finish$/);
    const done = await lead.post(at, {}, { from: at });
    assert.equal(done.statusCode, 303);
    const [row] = await q<{ method: string; collected_on: string; entered_by: string }>(
      sql`select method, collected_on, entered_by from survey_responses where survey_id = ${id} and method = 'paper'`,
    );
    assert.deepEqual(row, { method: 'paper', collected_on: '2026-02-03', entered_by: 'Test User' });
  });
});

describe('surveys: polls', () => {
  it('takes a vote in one tap and shows the results on a plain reload, counting one vote a browser', async () => {
    const made = await lead.post(
      '/staff/surveys',
      {
        kind: 'poll',
        title: 'Garden day',
        pollQuestion: 'Which day suits you?',
        pollOptions: 'Saturday\nSunday',
      },
      { from: '/staff/surveys/new' },
    );
    const id = /\/staff\/surveys\/([0-9a-f-]{36})/.exec(location(made))![1]!;
    await lead.post(`/staff/surveys/${id}/publish`, {}, { from: `/staff/surveys/${id}` });
    const voter = new TestClient(app);
    const page = await voter.get(`/p/${id}`);
    assert.match(page.body, /name="choice" value="saturday"/);
    const vote = await voter.post(`/p/${id}`, { choice: 'saturday' });
    assert.equal(location(vote), `/p/${id}/results?voted=1`);
    const again = await voter.post(`/p/${id}`, { choice: 'sunday' }, { from: `/p/${id}` });
    assert.match(location(again), /again=1/);
    await new TestClient(app).post(`/p/${id}`, { choice: 'sunday' }, { from: `/p/${id}` });
    const results = await new TestClient(app).get(`/p/${id}/results`);
    assert.match(results.body, /2 votes so far/);
    assert.match(results.body, /Saturday<\/th>\s*<td[^>]*>1</);
  });
});

describe('surveys: free text with sentiment and themes', () => {
  let id: string;
  const themeId = async (code: string) =>
    (await q<{ id: string }>(sql`select id from feedback_themes where code = ${code}`))[0]!.id;
  const comment = async (text: string) =>
    (
      await q<{
        response_id: string;
        sentiment: string;
        themes: string[];
        recoded_by: string | null;
      }>(
        sql`select response_id, sentiment, themes, recoded_by from survey_answers
          where survey_id = ${id} and question_code = 'comments' and body = ${text}`,
      )
    )[0]!;

  before(async () => {
    id = await buildConditionalSurvey();
    await answerByLink(id, [
      { q_had_repair: 'yes' },
      { q_repair_sat: 'very_dissatisfied', q_comments: 'The black mould in my bathroom is awful' },
    ]);
    await answerByLink(id, [
      { q_had_repair: 'yes' },
      { q_repair_sat: 'very_satisfied', q_comments: 'Great staff, thank you so much' },
    ]);
    await answerByLink(id, [{ q_had_repair: 'no' }, {}]);
  });

  it('reads each answer with the feedback theme rules and sentiment, and counts them on the analysis', async () => {
    const mould = await comment('The black mould in my bathroom is awful');
    assert.equal(mould.sentiment, 'negative');
    assert.deepEqual(mould.themes, [await themeId('damp-mould')]);
    assert.equal(mould.recoded_by, null);
    assert.equal((await comment('Great staff, thank you so much')).sentiment, 'positive');

    const page = await board.get(`/staff/surveys/${id}/analysis`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Positive 1, neutral 0, negative 1\./);
    assert.match(page.body, /Themes: [^<]*Damp and mould 1/);
    assert.match(page.body, new RegExp(`href="/staff/surveys/${id}/analysis/text/comments"`));
  });

  it('lets staff recode an answer against the theme list, saying what is wrong', async () => {
    const mould = await comment('The black mould in my bathroom is awful');
    const base = `/staff/surveys/${id}/analysis/text/comments`;
    const list = await lead.get(base);
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /2 answers/);
    assert.match(list.body, /The black mould in my bathroom is awful/);

    const wrong = await lead.post(base, {
      responseId: mould.response_id,
      themes: ['00000000-0000-4000-8000-00000000dead'],
      sentiment: 'negative',
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /Choose themes from the list/);
    assert.match(wrong.body, new RegExp(`href="#themes-${mould.response_id}"`));
    const noFeeling = await lead.post(base, { responseId: mould.response_id, themes: [] });
    assert.equal(noFeeling.statusCode, 400);
    assert.match(noFeeling.body, /Choose positive, neutral or negative/);

    const repairs = await themeId('repairs');
    const damp = await themeId('damp-mould');
    const saved = await lead.post(base, {
      responseId: mould.response_id,
      themes: [damp, repairs],
      sentiment: 'neutral',
    });
    assert.equal(saved.statusCode, 303);
    assert.match(location(saved), /saved=recoded/);
    assert.match((await lead.get(location(saved))).body, /Themes and sentiment saved\./);
    const after = await comment('The black mould in my bathroom is awful');
    assert.deepEqual([...after.themes].sort(), [damp, repairs].sort());
    assert.equal(after.sentiment, 'neutral');
    assert.ok(after.recoded_by, 'who recoded it is kept');
    const analysis = await lead.get(`/staff/surveys/${id}/analysis`);
    assert.match(analysis.body, /Positive 1, neutral 1, negative 0\./);
    assert.match(analysis.body, /Repairs 1/);

    // Only an answer of this survey and question, in this organisation.
    assert.equal(
      (await lead.post(base, { responseId: 'nope', themes: [], sentiment: 'neutral' })).statusCode,
      404,
    );
    assert.equal(
      (
        await lead.post(`/staff/surveys/${id}/analysis/text/had_repair`, {
          responseId: mould.response_id,
          themes: [],
          sentiment: 'neutral',
        })
      ).statusCode,
      404,
      'only free-text questions are coded',
    );
    const stranger = new TestClient(app, signedInAs(other, ['involvement_lead']));
    assert.ok([403, 404].includes((await stranger.get(base)).statusCode));
    assert.equal(
      (await new TestClient(app, signedInAs(org, ['customer'])).get(base)).statusCode,
      403,
    );
  });

  it('keeps the counts the analysis reads equal to the answers counted afresh', async () => {
    type Answer = {
      survey_id: string;
      question_code: string;
      choice: string | null;
      choices: string[] | null;
      number: number | null;
      body: string | null;
      sentiment: string | null;
      themes: string[] | null;
      service: string | null;
      specialism: string | null;
      tenure: string | null;
      area: string | null;
    };
    const answers = await q<Answer>(sql`
      select a.survey_id, a.question_code, a.choice, a.choices, a.number, a.body, a.sentiment,
        a.themes, r.service_id::text as service, r.specialism, r.tenure, r.area
      from survey_answers a join survey_responses r on r.id = a.response_id`);
    assert.ok(answers.length > 10, 'the tests above have answered');
    const expected = new Map<string, number>();
    for (const a of answers) {
      const count = (cut: string, grp: string, kind: string, value: string) => {
        const key = [a.survey_id, a.question_code, cut, grp, kind, value].join('|');
        expected.set(key, (expected.get(key) ?? 0) + 1);
      };
      count('', '', 'answered', '');
      if (a.choice !== null) {
        count('', '', 'choice', a.choice);
        for (const cut of ['service', 'specialism', 'tenure', 'area'] as const)
          count(cut, a[cut] ?? '', 'choice', a.choice);
      }
      for (const c of a.choices ?? []) count('', '', 'choice', c);
      if (a.number !== null) count('', '', 'number', String(a.number));
      if (a.sentiment !== null) count('', '', 'sentiment', a.sentiment);
      if (a.body !== null) for (const t of a.themes ?? []) count('', '', 'theme', t);
    }
    const kept = await q<{ key: string; n: number }>(sql`
      select concat_ws('|', survey_id, question_code, cut, grp, kind, value) as key, n
      from survey_answer_counts where n <> 0`);
    const sorted = (m: Iterable<[string, number]>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
    assert.deepEqual(sorted(kept.map((k) => [k.key, k.n])), sorted(expected));
  });
});
