import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { DEFAULT_THEMES, listThemes, sentimentOf, suggestThemes } from './index.ts';
import { keywordPattern, matchThemes, parseKeywords } from './themes.ts';

describe('keyword rules', () => {
  it('match whole words in any case, with a trailing * for any ending', () => {
    const pattern = keywordPattern(['repair*', 'hot water', 'asb'])!;
    assert.ok(pattern.test('The REPAIRS took weeks'));
    assert.ok(pattern.test('it was repaired'));
    assert.ok(pattern.test('no hot   water since Monday'));
    assert.ok(pattern.test('ASB on the estate'));
    assert.ok(!pattern.test('irreparable'), 'a keyword does not match inside a word');
    assert.ok(!pattern.test('basbo'), 'nor does a word without a star match a longer word');
    assert.equal(keywordPattern(['*', '  ']), null, 'a rule of nothing matches nothing');
  });

  it('take special characters as themselves', () => {
    const pattern = keywordPattern(['c++', 'a.b'])!;
    assert.ok(pattern.test('we use c++ here'));
    assert.ok(!pattern.test('axb'));
  });

  it('give theme ids per text, in the themes order', () => {
    const themes = [
      { id: 'r', keywords: ['repair*'] },
      { id: 'd', keywords: ['damp', 'mould*'] },
      { id: 'none', keywords: [] },
    ];
    assert.deepEqual(matchThemes(themes, ['Mouldy walls after the repair', 'Thank you', 'damp']), [
      ['r', 'd'],
      [],
      ['d'],
    ]);
  });

  it('are read from a box one a line or separated by commas, without repeats', () => {
    assert.deepEqual(parseKeywords('Repair*, leak\n\n  hot   water \nleak'), [
      'repair*',
      'leak',
      'hot water',
    ]);
  });
});

describe('sentimentOf', () => {
  it('reads positive, neutral and negative feedback, with negation', () => {
    assert.equal(sentimentOf('The repairs team were brilliant, thank you'), 'positive');
    assert.equal(sentimentOf('Damp and mould in the bathroom for months'), 'negative');
    assert.equal(sentimentOf('I am not happy with the service'), 'negative');
    assert.equal(sentimentOf('The meeting is on Tuesday'), 'neutral');
    assert.equal(sentimentOf(''), 'neutral');
  });
});

describe('themes of an organisation', () => {
  let testDb: TestDatabase;
  let app: FastifyInstance;
  let org: Organisation;
  let other: Organisation;
  let lead: TestClient;

  before(async () => {
    testDb = await createTestDatabase();
    org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
    other = await makeOrganisation(testDb.database, { slug: 'other', name: 'Other Homes' });
    app = await createTestApp(testDb.database);
    lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  });
  after(async () => {
    await app.close();
    await testDb.close();
  });

  it('start with the housing and care defaults, made once', async () => {
    const themes = await testDb.database.withOrganisation(org.id, async (tx) => {
      await listThemes(tx);
      return listThemes(tx);
    });
    assert.deepEqual(
      themes.map((t) => t.code),
      DEFAULT_THEMES.map((t) => t.code),
    );
    const [texts] = await testDb.database.withOrganisation(org.id, (tx) =>
      suggestThemes(tx, ['Black mould in the bedroom and the boiler is broken']),
    );
    const codes = texts!.map((id) => themes.find((t) => t.id === id)!.code);
    assert.deepEqual(codes, ['repairs', 'damp-mould']);
    assert.deepEqual(
      await testDb.database.withOrganisation(org.id, (tx) => suggestThemes(tx, [])),
      [],
    );
  });

  it('are managed by leads: added, changed and retired, with messages that name the field', async () => {
    const refused = await lead.post(
      '/staff/feedback/themes',
      { name: '', description: '', keywords: 'lift*' },
      { from: '/staff/feedback/themes/new' },
    );
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /href="#name"/);
    assert.match(refused.body, /Enter the theme&#39;s name|Enter the theme's name/);
    assert.match(refused.body, /lift\*/, 'the keywords typed are kept');

    const taken = await lead.post('/staff/feedback/themes', {
      name: 'repairs',
      description: '',
      keywords: '',
    });
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /already a theme with this name/);

    const added = await lead.post('/staff/feedback/themes', {
      name: 'Lifts',
      description: 'Lifts out of order',
      keywords: 'lift*, elevator',
    });
    assert.equal(added.statusCode, 303);
    const page = await lead.get('/staff/feedback/themes');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Lifts/);
    assert.match(page.body, /lift\*, elevator/);

    const lifts = await testDb.database.withOrganisation(org.id, async (tx) =>
      (await listThemes(tx)).find((t) => t.name === 'Lifts')!,
    );
    assert.equal(lifts.code, 'lifts');
    const [suggested] = await testDb.database.withOrganisation(org.id, (tx) =>
      suggestThemes(tx, ['The lift is broken again']),
    );
    assert.ok(suggested!.includes(lifts.id));

    const changed = await lead.post(`/staff/feedback/themes/${lifts.id}`, {
      name: 'Lifts and stairs',
      description: '',
      keywords: 'lift*\nstairlift*',
    });
    assert.equal(changed.statusCode, 303);
    const retired = await lead.post(`/staff/feedback/themes/${lifts.id}/retire`, {
      retired: 'yes',
    });
    assert.equal(retired.statusCode, 303);
    const [after] = await testDb.database.withOrganisation(org.id, (tx) =>
      suggestThemes(tx, ['The lift is broken again']),
    );
    assert.ok(!after!.includes(lifts.id), 'a retired theme is no longer suggested');
    const all = await testDb.database.withOrganisation(org.id, (tx) =>
      listThemes(tx, { includeRetired: true }),
    );
    assert.equal(all.find((t) => t.id === lifts.id)?.name, 'Lifts and stairs');
    assert.equal(all.find((t) => t.id === lifts.id)?.retired, true);
  });

  it('are refused to staff without the right, and stay within the organisation', async () => {
    const staff = new TestClient(app, signedInAs(org, ['staff']));
    assert.equal((await staff.get('/staff/feedback/themes')).statusCode, 403);
    const signedOut = new TestClient(app, {});
    assert.equal((await signedOut.get('/staff/feedback/themes')).statusCode, 303);
    const theirs = await testDb.database.withOrganisation(other.id, async (tx) => listThemes(tx));
    assert.equal((await lead.get(`/staff/feedback/themes/${theirs[0]!.id}`)).statusCode, 404);
    const moved = await lead.post(`/staff/feedback/themes/${theirs[0]!.id}/retire`, {
      retired: 'yes',
    });
    assert.equal(moved.statusCode, 404);
  });
});
