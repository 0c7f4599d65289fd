import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { initiatives } from '../initiatives/index.ts';
import { createOpportunity, publishOpportunity } from './opportunities.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let opportunity: string;

const NUL = '\u0000';

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  opportunity = await testDb.database.withOrganisation(org.id, async (tx) => {
    const [initiative] = await tx
      .insert(initiatives)
      .values({
        organisationId: org.id,
        title: 'Redesigning repairs',
        kind: 'co_production',
        rung: 5,
        status: 'active',
        publishedAt: new Date(),
        canChange: 'How you report a repair.',
        fixed: 'Gas safety checks.',
        decider: 'The Director of Property.',
        feedback: 'We will write to everyone in March.',
      })
      .returning({ id: initiatives.id });
    const id = await createOpportunity(tx, SYSTEM_ACTOR, {
      initiativeId: initiative!.id,
      title: 'Help us make repairs better',
      description: 'Come to four meetings and tell us what you think of our repairs.',
      timeAsked: 'Two hours a month',
      whenWhere: 'Our office on Grey Street',
      accessProvisions: [],
      rewardOffered: 'A £10 voucher for each hour',
      whoCanApply: 'Anyone who lives in one of our homes',
      closesOn: '2099-12-31',
      interests: ['repairs'],
    });
    await publishOpportunity(tx, SYSTEM_ACTOR, id, { confirmFindings: true });
    return id;
  });
});
after(async () => {
  await app.close();
  await testDb.close();
});

/** The refusal page: a 400 in plain words naming the field, never a 500. */
function assertRefused(res: LightMyRequestResponse, field: string): void {
  assert.equal(
    res.statusCode,
    400,
    res.body
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .slice(0, 1500),
  );
  assert.match(res.body, /<h1 class="govuk-heading-l">Some of the text you sent cannot be saved/);
  assert.ok(
    res.body.includes(`The answer to ‘${field}’ has a hidden character`),
    `the page names ${field}`,
  );
  assert.match(res.body, /Nothing has been saved yet\./);
  assert.doesNotMatch(res.body, /errors\.unsavable/);
}

const SIGN_UP = {
  firstName: 'Rosa',
  lastName: 'Parkes',
  email: 'rosa@example.org',
  phone: '',
  addressLine1: '',
  addressLine2: '',
  town: '',
  postcode: '',
  channel: 'email',
  takePart: 'In person, on weekday mornings.',
  needsNote: '',
  consentRegister: 'yes',
  consentContact: 'yes',
  website: '',
};

describe('text that cannot be saved (a NUL byte)', () => {
  it('refuses it in a public page’s query string', async () => {
    assertRefused(await app.inject('/opportunities?interest=%00'), 'interest');
    assertRefused(await app.inject('/opportunities?x%00y=1'), 'xy');
  });

  it('refuses it in a route parameter', async () => {
    assertRefused(await app.inject('/sign-up/confirm/abc%00def'), 'token');
  });

  it('refuses it in every field of the public sign-up, and keeps nothing', async () => {
    const count = async () =>
      testDb.database.withOrganisation(org.id, async (tx) =>
        Number(
          rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from sign_ups`))[0]!
            .n,
        ),
      );
    const before = await count();
    const visitor = new TestClient(app);
    await visitor.get(`/opportunities/${opportunity}/sign-up`);
    const words: Record<string, string> = {
      firstName: 'first name',
      lastName: 'last name',
      email: 'email',
      takePart: 'take part',
      needsNote: 'needs note',
      postcode: 'postcode',
    };
    for (const [name, asWords] of Object.entries(words)) {
      const res = await visitor.post(`/opportunities/${opportunity}/sign-up`, {
        ...SIGN_UP,
        [name]: `Ro${NUL}sa`,
      });
      assertRefused(res, asWords);
    }
    assert.equal(await count(), before);
    // Without the character, the same form is taken.
    const ok = await visitor.post(`/opportunities/${opportunity}/sign-up`, SIGN_UP);
    assert.equal(
      ok.statusCode,
      303,
      ok.body
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 1500),
    );
    assert.equal(await count(), before + 1);
  });

  it('refuses it in the sign-in, sign-in link and password reset forms', async () => {
    const visitor = new TestClient(app);
    await visitor.get('/sign-in');
    assertRefused(
      await visitor.post('/sign-in', { email: `a${NUL}@example.org`, password: 'x' }),
      'email',
    );
    assertRefused(await visitor.post('/sign-in/link', { email: `a${NUL}@example.org` }), 'email');
    assertRefused(await visitor.post('/sign-in/forgot', { email: `a${NUL}@example.org` }), 'email');
  });

  it('checks the form token first', async () => {
    const res = await new TestClient(app).post(
      '/sign-in/link',
      { email: `a${NUL}@example.org` },
      { csrf: 'wrong' },
    );
    assert.equal(res.statusCode, 403);
  });

  it('refuses it in staff searches and the audit filters', async () => {
    const admin = signedInAs(org, ['admin']);
    assertRefused(await app.inject({ url: '/staff/people?q=%00', headers: admin }), 'q');
    assertRefused(await app.inject({ url: '/staff/opportunities?q=a%00', headers: admin }), 'q');
    for (const field of ['entity', 'action', 'actor', 'from', 'to']) {
      assertRefused(
        await app.inject({ url: `/admin/audit?${field}=a%00b`, headers: admin }),
        field,
      );
    }
  });

  it('refuses it in a multipart form’s text fields', async () => {
    const headers = signedInAs(org, ['admin']);
    const page = await app.inject({ url: '/admin/organisation', headers });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const cookies = Object.fromEntries(page.cookies.map((c) => [c.name, c.value]));
    const boundary = `----coproduce${randomBytes(8).toString('hex')}`;
    const fields = { _csrf: token, name: `Demo${NUL} Homes`, brandColour: '#1d5b79', welsh: 'no' };
    const body = Object.entries(fields)
      .map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      )
      .join('');
    const res = await app.inject({
      method: 'POST',
      url: '/admin/organisation',
      headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      cookies,
      payload: `${body}--${boundary}--\r\n`,
    });
    assertRefused(res, 'name');
  });
});
