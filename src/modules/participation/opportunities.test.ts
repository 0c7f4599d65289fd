import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
// saxes comes with exceljs: a strict XML parser, to prove the feed is well-formed.
import { SaxesParser } from 'saxes';
import { SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { initiatives } from '../initiatives/index.ts';
import { addPeople } from '../people/index.ts';
import {
  SIGN_UP_LIMITS,
  createOpportunity,
  publishOpportunity,
  readSignUpForm,
  recordSignUp,
  type OpportunityInput,
} from './opportunities.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;
let board: TestClient;
let active: string;
let draftInitiative: string;
let noPurpose: string;

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>) =>
  testDb.database.withOrganisation(org.id, async (tx) => rowsOf<T>(await tx.execute(text)));

const PURPOSE = {
  canChange: 'How you report a repair and how we keep you updated.',
  fixed: 'Gas safety checks: the law requires them.',
  decider: 'The Director of Property signs the new process off.',
  feedback: 'We will write to everyone who took part in March.',
};

const PLAIN: Omit<OpportunityInput, 'initiativeId'> = {
  title: 'Help us make repairs better',
  description: 'Come to four meetings and tell us what you think of our repairs.',
  timeAsked: 'Two hours a month',
  whenWhere: 'Our office on Grey Street',
  accessProvisions: ['step_free', 'hearing_loop'],
  rewardOffered: 'A £10 voucher for each hour',
  whoCanApply: 'Anyone who lives in one of our homes',
  closesOn: '2099-12-31',
  interests: ['repairs'],
};

async function addOpportunity(fields: Partial<OpportunityInput> = {}): Promise<string> {
  return testDb.database.withOrganisation(org.id, (tx) =>
    createOpportunity(tx, SYSTEM_ACTOR, { initiativeId: active, ...PLAIN, ...fields }),
  );
}

async function publish(id: string): Promise<void> {
  const result = await testDb.database.withOrganisation(org.id, (tx) =>
    publishOpportunity(tx, SYSTEM_ACTOR, id, { confirmFindings: true }),
  );
  assert.deepEqual(result, { published: true });
}

/** A visitor with a browser of their own: cookies and the form token. */
const visitor = () => new TestClient(app);

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
  needs: ['step_free'],
  needsNote: 'I use a wheelchair.',
  consentRegister: 'yes',
  consentContact: 'yes',
  website: '',
};

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  board = new TestClient(app, signedInAs(org, ['board_member']));
  const made = await testDb.database.withOrganisation(org.id, (tx) =>
    tx
      .insert(initiatives)
      .values([
        {
          organisationId: org.id,
          title: 'Redesigning repairs',
          summary: 'Tenants and staff design a better way to report repairs.',
          kind: 'co_production',
          rung: 5,
          status: 'active',
          publishedAt: new Date(),
          ...PURPOSE,
        },
        {
          organisationId: org.id,
          title: 'A draft initiative',
          kind: 'consultation',
          rung: 3,
          status: 'draft',
          ...PURPOSE,
        },
        {
          organisationId: org.id,
          title: 'An initiative with no purpose',
          kind: 'consultation',
          rung: 3,
          status: 'active',
          canChange: 'Something',
        },
      ])
      .returning({ id: initiatives.id }),
  );
  [active, draftInitiative, noPurpose] = made.map((r) => r.id) as [string, string, string];
  SIGN_UP_LIMITS.perAddress = 1000;
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('opportunities: staff', () => {
  it('sends a visitor to sign in, and refuses board members', async () => {
    const signedOut = await visitor().get('/staff/opportunities');
    assert.equal(signedOut.statusCode, 303);
    assert.equal((await board.get('/staff/opportunities')).statusCode, 403);
  });

  it('adds an opportunity through the form, and answers bad input keeping what was typed', async () => {
    const bad = await lead.post(
      '/staff/opportunities',
      { initiativeId: active, title: '', description: 'Keep this text', 'closesOn-day': '31' },
      { from: `/staff/opportunities/new?initiative=${active}` },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter a title/);
    assert.match(bad.body, /href="#title"/);
    assert.match(bad.body, /Say when and where it happens/);
    assert.match(bad.body, /The closing date must be a real date/);
    assert.match(bad.body, /Keep this text/);

    const form = await lead.get(`/staff/opportunities/new?initiative=${active}`);
    assert.match(form.body, new RegExp(`<option value="${active}" selected>`));
    assert.match(form.body, /BSL interpreter/, 'access provisions are the register’s needs');
    assert.doesNotMatch(form.body, /An initiative with no purpose" selected/);
    const res = await lead.post('/staff/opportunities', {
      initiativeId: active,
      title: 'Join the repairs group',
      description: 'Meet once a month.',
      whenWhere: 'Grey Street',
      mode: 'in_person',
      accessProvisions: ['step_free', 'not_a_need'],
      interests: ['repairs'],
      expensesOffered: 'yes',
      'closesOn-day': '1',
      'closesOn-month': '6',
      'closesOn-year': '2099',
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
    const id = /\/staff\/opportunities\/([0-9a-f-]{36})/.exec(res.headers.location as string)![1]!;
    const [row] = await q<Record<string, unknown>>(
      sql`select status, access_provisions, closes_on::text as closes_on from opportunities where id = ${id}`,
    );
    assert.equal(row!.status, 'draft');
    assert.deepEqual(row!.access_provisions, ['step_free']);
    assert.equal(row!.closes_on, '2099-06-01');
    const [logged] = await q(
      sql`select action from audit_log where entity = 'opportunity' and entity_id = ${id}`,
    );
    assert.equal(logged!.action, 'create');
    const page = await lead.get(`/staff/opportunities/${id}`);
    assert.match(page.body, /Join the repairs group/);
    assert.match(page.body, /Step-free access/);
    const edit = await lead.post(
      `/staff/opportunities/${id}`,
      {
        initiativeId: active,
        title: 'Join the repairs group today',
        description: 'Meet once a month.',
        mode: 'online',
      },
      { from: `/staff/opportunities/${id}/edit` },
    );
    assert.equal(edit.statusCode, 303);
    const [changed] = await q(sql`select title, mode from opportunities where id = ${id}`);
    assert.deepEqual(changed, { title: 'Join the repairs group today', mode: 'online' });

    // Online and in person at once is a mode of its own, kept as it is.
    const both = await lead.post(
      `/staff/opportunities/${id}`,
      {
        initiativeId: active,
        title: 'Join the repairs group today',
        description: 'Meet once a month.',
        whenWhere: 'Grey Street, or join on Teams',
        mode: 'both',
      },
      { from: `/staff/opportunities/${id}/edit` },
    );
    assert.equal(both.statusCode, 303);
    const [hybrid] = await q(sql`select mode from opportunities where id = ${id}`);
    assert.deepEqual(hybrid, { mode: 'both' });
    assert.match((await lead.get(`/staff/opportunities/${id}`)).body, /Online or in person/);

    // The mode is asked, not assumed; a place is needed unless it is only online.
    const unsaid = await lead.post(
      `/staff/opportunities/${id}`,
      { initiativeId: active, title: 'No mode', description: 'Meet once a month.', mode: 'x' },
      { from: `/staff/opportunities/${id}/edit` },
    );
    assert.equal(unsaid.statusCode, 400);
    assert.match(unsaid.body, /Choose how people take part: in person, online, or both/);
    const nowhere = await lead.post(
      `/staff/opportunities/${id}`,
      { initiativeId: active, title: 'No place', description: 'Meet once a month.', mode: 'both' },
      { from: `/staff/opportunities/${id}/edit` },
    );
    assert.equal(nowhere.statusCode, 400);
    assert.match(nowhere.body, /Say when and where it happens/);
  });

  it('lists opportunities with their sign-up counts', async () => {
    const id = await addOpportunity({ title: 'Counted opportunity' });
    await publish(id);
    for (const email of ['c1@example.org', 'c2@example.org'])
      await visitor().post(
        `/opportunities/${id}/sign-up`,
        { ...SIGN_UP, email },
        { from: `/opportunities/${id}/sign-up` },
      );
    const page = await lead.get('/staff/opportunities');
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      /Counted opportunity<\/a><\/td>\s*<td[^>]*>Redesigning repairs<\/td>[\s\S]*?<td[^>]*>2<\/td>\s*<td[^>]*>2<\/td>/,
    );
  });

  it('refuses to publish while the initiative is not active or has no purpose statement', async () => {
    for (const [initiativeId, message] of [
      [draftInitiative, /its initiative, A draft initiative, is not published/],
      [noPurpose, /has no complete purpose statement/],
    ] as const) {
      const id = await addOpportunity({ initiativeId });
      const res = await lead.post(
        `/staff/opportunities/${id}/publish`,
        { confirmFindings: 'yes' },
        { from: `/staff/opportunities/${id}/publish` },
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, message);
      assert.match(res.body, /There is a problem/);
      const [row] = await q(sql`select status from opportunities where id = ${id}`);
      assert.equal(row!.status, 'draft', 'still a draft');
      const direct = await testDb.database.withOrganisation(org.id, (tx) =>
        publishOpportunity(tx, SYSTEM_ACTOR, id, { confirmFindings: true }),
      );
      assert.equal(direct.published, false);
    }
    const [row] = await q<{ n: number }>(
      sql`select count(*)::int as n from opportunities where initiative_id = ${noPurpose}`,
    );
    assert.equal(row!.n, 1);
    const page = await lead.get(
      `/staff/opportunities/${(await q<{ id: string }>(sql`select id from opportunities where initiative_id = ${noPurpose}`))[0]!.id}/publish`,
    );
    assert.match(page.body, /who makes the final decision/);
  });

  it('shows each plain-English finding where it occurs before publishing, and publishes once confirmed', async () => {
    const id = await addOpportunity({
      title: 'Tell us about the TSM survey',
      description: 'We will facilitate a workshop. Come along.',
    });
    const check = await lead.get(`/staff/opportunities/${id}/publish`);
    assert.equal(check.statusCode, 200);
    assert.match(check.body, /Tell us about the <mark>TSM<\/mark> survey/);
    assert.match(check.body, /Tenant Satisfaction Measures \(TSM\)/, 'suggests the words');
    assert.match(check.body, /We will <mark>facilitate<\/mark> a workshop\./);
    assert.match(check.body, /Publish anyway/);

    const unconfirmed = await lead.post(`/staff/opportunities/${id}/publish`, {});
    assert.equal(unconfirmed.statusCode, 400);
    assert.match(unconfirmed.body, /tick the box to publish it anyway/);
    assert.match(unconfirmed.body, /<mark>TSM<\/mark>/);
    assert.equal(
      (await q(sql`select status from opportunities where id = ${id}`))[0]!.status,
      'draft',
    );

    const confirmed = await lead.post(
      `/staff/opportunities/${id}/publish`,
      { confirmFindings: 'yes' },
      { from: `/staff/opportunities/${id}/publish` },
    );
    assert.equal(confirmed.statusCode, 303);
    const [row] = await q(sql`select status from opportunities where id = ${id}`);
    assert.equal(row!.status, 'published');
    const [logged] = await q<{ after: Record<string, unknown> }>(
      sql`select after from audit_log where entity = 'opportunity' and entity_id = ${id} and action = 'publish'`,
    );
    assert.equal(logged!.after.findingsConfirmed, true);
  });

  it('publishes plain text without asking for confirmation', async () => {
    const id = await addOpportunity();
    const check = await lead.get(`/staff/opportunities/${id}/publish`);
    assert.match(check.body, /We found nothing to change/);
    assert.doesNotMatch(check.body, /Publish anyway/);
    const res = await lead.post(`/staff/opportunities/${id}/publish`, {});
    assert.equal(res.statusCode, 303);
  });

  it('answers unknown ids with 404', async () => {
    for (const url of [
      `/staff/opportunities/${UNKNOWN}`,
      `/staff/opportunities/${UNKNOWN}/edit`,
      `/staff/opportunities/${UNKNOWN}/publish`,
      `/staff/opportunities/${UNKNOWN}/matches`,
      `/staff/opportunities/${UNKNOWN}/sign-ups/${UNKNOWN}/decline`,
      `/staff/opportunities/${UNKNOWN}/close`,
      '/staff/opportunities/not-an-id',
      `/opportunities/${UNKNOWN}`,
      `/opportunities/${UNKNOWN}/poster`,
      `/opportunities/${UNKNOWN}/sign-up`,
      `/opportunities/${UNKNOWN}/sign-up/done`,
      '/opportunities/nonsense',
    ])
      assert.equal((await lead.get(url)).statusCode, 404, url);
    const id = await addOpportunity();
    for (const url of [
      `/staff/opportunities/${id}/sign-ups/${UNKNOWN}/accept`,
      `/staff/opportunities/${UNKNOWN}/close`,
      `/staff/opportunities/${UNKNOWN}/publish`,
    ])
      assert.equal(
        (await lead.post(url, {}, { from: `/staff/opportunities/${id}` })).statusCode,
        404,
        url,
      );
    // A draft is not public.
    assert.equal((await visitor().get(`/opportunities/${id}`)).statusCode, 404);
  });
});

describe('opportunities: the public pages', () => {
  let open: string;
  let draft: string;
  let pastClosing: string;
  let closed: string;

  before(async () => {
    open = await addOpportunity({ title: 'Open & <welcome> opportunity', interests: ['quality'] });
    await publish(open);
    draft = await addOpportunity({ title: 'A draft nobody sees' });
    pastClosing = await addOpportunity({ title: 'Past its closing date' });
    await publish(pastClosing);
    await q(sql`update opportunities set closes_on = '2020-01-01' where id = ${pastClosing}`);
    closed = await addOpportunity({ title: 'Closed by staff' });
    await publish(closed);
    const res = await lead.post(
      `/staff/opportunities/${closed}/close`,
      {},
      { from: `/staff/opportunities/${closed}` },
    );
    assert.equal(res.statusCode, 303);
  });

  it('lists only published opportunities that are still open, with filters', async () => {
    const page = await visitor().get('/opportunities');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Open &amp; &lt;welcome&gt; opportunity/);
    assert.match(page.body, new RegExp(`href="/opportunities/${open}"`));
    assert.doesNotMatch(page.body, /A draft nobody sees/);
    assert.doesNotMatch(page.body, /Past its closing date/);
    assert.doesNotMatch(page.body, /Closed by staff/);
    assert.match(page.body, /application\/atom\+xml/);

    const quality = await visitor().get('/opportunities?interest=quality');
    assert.match(quality.body, /welcome/);
    assert.doesNotMatch(quality.body, /Help us make repairs better/);
    const online = await visitor().get('/opportunities?mode=online');
    assert.doesNotMatch(online.body, /welcome/);
    assert.match(online.body, /Nothing matches your choices/);
    assert.match((await visitor().get('/opportunities?need=hearing_loop')).body, /welcome/);
    assert.doesNotMatch(
      (await visitor().get('/opportunities?need=bsl_interpreter')).body,
      /welcome/,
    );
  });

  it('finds an opportunity by how people take part: one that is both is in either filter', async () => {
    const ids: Record<string, string> = {};
    for (const mode of ['in_person', 'online', 'both'] as const) {
      ids[mode] = await addOpportunity({ title: `Mode test ${mode}`, mode, interests: ['modes'] });
      await publish(ids[mode]!);
    }
    const shown = async (filter: string) => {
      const page = await visitor().get(`/opportunities?interest=modes${filter}`);
      assert.equal(page.statusCode, 200);
      return [...page.body.matchAll(/Mode test (in_person|online|both)/g)].map((m) => m[1]).sort();
    };
    assert.deepEqual(await shown(''), ['both', 'in_person', 'online']);
    assert.deepEqual(await shown('&mode=in_person'), ['both', 'in_person']);
    assert.deepEqual(await shown('&mode=online'), ['both', 'online']);
    assert.deepEqual(await shown('&mode=nonsense'), ['both', 'in_person', 'online']);
    const list = await visitor().get('/opportunities?interest=modes');
    assert.match(list.body, /Mode test both<\/a>[\s\S]*?Online or in person, as you choose/);
    const page = await visitor().get(`/opportunities/${ids.both}`);
    assert.match(page.body, /You can take part online or in person, as you choose/);
    const online = await visitor().get(`/opportunities/${ids.online}`);
    assert.match(online.body, /Online\./);
  });

  it('shows everything a person needs on an opportunity’s page, with the purpose in plain words', async () => {
    const page = await visitor().get(`/opportunities/${open}`);
    assert.equal(page.statusCode, 200);
    for (const text of [
      /Come to four meetings/,
      /Two hours a month/,
      /Our office on Grey Street/,
      /Hearing loop/,
      /A £10 voucher for each hour/,
      /We pay your expenses/,
      /Anyone who lives in one of our homes/,
      /Sign up by 31 December 2099/,
      /What you can change/,
      /How you report a repair/,
      /What is already decided, and why/,
      /Who makes the final decision/,
      /How you will hear what happened/,
      new RegExp(`href="/opportunities/${open}/sign-up"`),
    ])
      assert.match(page.body, text);
  });

  it('shows a kind closed page, not a form, once an opportunity has closed', async () => {
    for (const id of [pastClosing, closed]) {
      for (const url of [`/opportunities/${id}`, `/opportunities/${id}/sign-up`]) {
        const page = await visitor().get(url);
        assert.equal(page.statusCode, 200, url);
        assert.match(page.body, /This has closed/);
        assert.doesNotMatch(page.body, /<form method="post"/);
      }
      const client = visitor();
      const post = await client.post(`/opportunities/${id}/sign-up`, SIGN_UP, {
        from: `/opportunities/${open}/sign-up`,
      });
      assert.match(post.body, /This has closed/);
    }
    assert.equal((await visitor().get(`/opportunities/${draft}/sign-up`)).statusCode, 404);
  });

  it('serves an Atom feed that is well-formed XML, with the right content type', async () => {
    const res = await visitor().get('/opportunities.atom');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/atom+xml; charset=utf-8');
    const parser = new SaxesParser({ xmlns: true });
    const entries: string[] = [];
    let inTitle = false;
    let inEntry = false;
    let root = '';
    parser.on('opentag', (tag) => {
      if (!root) root = `${tag.uri} ${tag.local}`;
      if (tag.local === 'entry') inEntry = true;
      if (tag.local === 'title' && inEntry) inTitle = true;
    });
    parser.on('closetag', (tag) => {
      if (tag.local === 'entry') inEntry = false;
      if (tag.local === 'title') inTitle = false;
    });
    parser.on('text', (text) => {
      if (inTitle) entries.push(text);
    });
    parser.write(res.body).close();
    assert.equal(root, 'http://www.w3.org/2005/Atom feed');
    assert.ok(entries.includes('Open & <welcome> opportunity'), entries.join(' | '));
    assert.ok(!entries.includes('A draft nobody sees'));
    assert.match(res.body, new RegExp(`<id>urn:uuid:${open}</id>`));
    assert.match(res.body, /<updated>\d{4}-\d\d-\d\dT/);
    assert.match(
      res.body,
      new RegExp(`<link rel="alternate" type="text/html" href="http[^"]+/opportunities/${open}"/>`),
    );
    assert.match(res.body, /<summary type="text">Come to four meetings/);
  });

  it('prints a poster with a QR code as inline SVG', async () => {
    const res = await visitor().get(`/opportunities/${open}/poster`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<svg role="img" aria-label="QR code for http[^"]+\/opportunities\//);
    assert.match(res.body, /<path[^>]+d="M/);
    assert.match(res.body, /@page \{ size: A4/);
    assert.match(res.body, /<h1[^>]*>Open &amp; &lt;welcome&gt; opportunity<\/h1>/);
    assert.doesNotMatch(res.body, /<style>/, 'every style carries the nonce');
  });

  it('keeps the public pages’ query count flat as opportunities grow', async () => {
    const count = async (url: string) =>
      (await testDb.countQueries(() => visitor().get(url))).queries;
    const before = {
      list: await count('/opportunities'),
      feed: await count('/opportunities.atom'),
      page: await count(`/opportunities/${open}`),
    };
    for (let i = 0; i < 15; i++) await publish(await addOpportunity({ title: `More ${i}` }));
    assert.equal(await count('/opportunities'), before.list);
    assert.equal(await count('/opportunities.atom'), before.feed);
    assert.equal(await count(`/opportunities/${open}`), before.page);
  });
});

describe('signing up without an account', () => {
  let id: string;
  before(async () => {
    id = await addOpportunity({ title: 'Sign up here' });
    await publish(id);
  });

  it('adds a new person even when one with the same email exists, flags a possible duplicate, and records consents', async () => {
    const [existing] = await testDb.database.withOrganisation(org.id, (tx) =>
      addPeople(tx, [
        {
          organisationId: org.id,
          reference: 'EXIST-1',
          firstName: 'Rosa',
          lastName: 'Parks',
          email: 'rosa.same@example.org',
          phone: '07700 900111',
          kinds: ['customer'],
        },
      ]),
    );
    const before = await q(sql`select * from people where id = ${existing}`);
    const client = visitor();
    const form = await client.get(`/opportunities/${id}/sign-up`);
    assert.equal(form.statusCode, 200);
    // Hidden from screen readers too, so no one is told to leave a box empty (issue 10 §11).
    assert.match(
      form.body,
      /<div class="govuk-visually-hidden" aria-hidden="true">\s*<label[^>]*for="website"[^>]*>\s*Leave this empty/,
    );
    assert.match(form.body, /name="website" value="" tabindex="-1" autocomplete="off"/);
    const res = await client.post(`/opportunities/${id}/sign-up`, {
      ...SIGN_UP,
      email: 'ROSA.same@example.org',
      channel: 'email',
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 3000));
    assert.match(String(res.headers.location), /\/sign-up\/done\?by=email&confirm=1$/);
    const done = await client.get(String(res.headers.location));
    assert.match(done.body, /Thank you for signing up/);
    assert.match(done.body, /We will email you/);
    assert.match(done.body, /use the link in the email/);

    assert.deepEqual(
      await q(sql`select * from people where id = ${existing}`),
      before,
      'unchanged',
    );
    const [person] = await q<Record<string, unknown>>(
      sql`select p.* from people p join sign_ups s on s.person_id = p.id
          where s.opportunity_id = ${id} and p.id <> ${existing}`,
    );
    assert.ok(person, 'a new person');
    assert.equal(person.email, 'rosa.same@example.org');
    assert.deepEqual(person.kinds, ['customer']);
    assert.equal(person.source, 'signup');
    assert.match(String(person.reference), /^CP-/);
    assert.deepEqual(person.needs, ['step_free']);
    assert.deepEqual(person.preferred_channels, ['email']);
    // Email news of other ways to get involved waits for the address's owner to confirm.
    assert.deepEqual(person.consents, ['register']);
    const history = await q(
      sql`select purpose, status, method from consents where person_id = ${person.id as string} order by purpose`,
    );
    assert.deepEqual(history, [{ purpose: 'register', status: 'given', method: 'online' }]);
    const [duplicate] = await q(
      sql`select reason from possible_duplicates where person_id = ${person.id as string} and other_id = ${existing!}`,
    );
    assert.equal(duplicate!.reason, 'same_email');
    const [signUp] = await q(
      sql`select take_part, status from sign_ups where person_id = ${person.id as string}`,
    );
    assert.deepEqual(signUp, { take_part: 'In person, on weekday mornings.', status: 'new' });
    // Audited: the new person, their consents and the sign-up.
    const audited = await q<{ action: string }>(
      sql`select action from audit_log where entity = 'person' and entity_id = ${person.id as string}
          order by action`,
    );
    assert.deepEqual(
      audited.map((a) => a.action),
      ['consent', 'create', 'sign-up'],
    );
    // The creation's record holds the person's details as createPerson records them.
    const [created] = await q<{ after: Record<string, unknown> }>(
      sql`select after from audit_log where entity = 'person' and entity_id = ${person.id as string}
          and action = 'create'`,
    );
    assert.equal(created!.after.firstName, person!.first_name);
    assert.equal(created!.after.email, 'rosa.same@example.org');
    assert.deepEqual(created!.after.kinds, ['customer']);
    assert.equal(created!.after.dateOfBirth, null);
    assert.equal(created!.after.doNotContact, false);
    // The confirmation email is in the outbox with its delivery job, in the same transaction.
    const [job] = await q<{ kind: string }>(
      sql`select j.kind from jobs j join outbox o on o.id = (j.payload->>'outboxId')::uuid
          where o.to_address = 'rosa.same@example.org' and o.template = 'sign-up-confirm-contact'`,
    );
    assert.equal(job?.kind, 'mail.deliver');

    const staffPage = await lead.get(`/staff/opportunities/${id}`);
    assert.match(staffPage.body, /Possible duplicate/);
    assert.match(staffPage.body, new RegExp(`href="/staff/people/${existing}"`));
  });

  it('counts consent to email news only once the address is confirmed by the emailed link', async () => {
    const client = visitor();
    await client.get(`/opportunities/${id}/sign-up`);
    await client.post(`/opportunities/${id}/sign-up`, { ...SIGN_UP, email: 'confirm@example.org' });
    const [mail] = await q<{ subject: string; text_body: string }>(
      sql`select subject, text_body from outbox
          where to_address = 'confirm@example.org' and template = 'sign-up-confirm-contact'`,
    );
    assert.ok(mail, 'a confirmation email');
    assert.match(mail.subject, /Can we email you about other ways to get involved/);
    const token = /\/sign-up\/confirm\/([A-Za-z0-9_-]{43})/.exec(mail.text_body)![1]!;
    const consentsOf = async () =>
      (
        await q<{ consents: string[] }>(
          sql`select consents from people where email = 'confirm@example.org'`,
        )
      )[0]!.consents;

    // Opening the link (as a mail scanner would) gives no consent.
    const page = await visitor().get(`/sign-up/confirm/${token}`);
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.body, /Hello Rosa/);
    assert.match(page.body, /Yes, email me/);
    assert.deepEqual(await consentsOf(), ['register']);

    const reader = visitor();
    await reader.get(`/sign-up/confirm/${token}`);
    const pressed = await reader.post(`/sign-up/confirm/${token}`, {});
    assert.equal(pressed.statusCode, 303);
    const thanks = await reader.get(String(pressed.headers.location));
    assert.match(thanks.body, /We will email you about other ways to get involved/);
    assert.deepEqual(await consentsOf(), ['register', 'contact_email']);
    const history = await q(
      sql`select c.purpose, c.method from consents c join people p on p.id = c.person_id
          where p.email = 'confirm@example.org' and c.purpose = 'contact_email'`,
    );
    assert.deepEqual(history, [{ purpose: 'contact_email', method: 'emailLink' }]);

    // Pressed again: nothing more is recorded.
    await reader.post(`/sign-up/confirm/${token}`, {});
    assert.equal(
      (
        await q(
          sql`select 1 from consents c join people p on p.id = c.person_id
              where p.email = 'confirm@example.org' and c.purpose = 'contact_email'`,
        )
      ).length,
      1,
    );

    assert.equal((await visitor().get(`/sign-up/confirm/${'x'.repeat(43)}`)).statusCode, 404);
    assert.equal((await visitor().get('/sign-up/confirm/short')).statusCode, 404);
  });

  it('confirms only the address the link was sent to, not one changed or merged in since', async () => {
    const client = visitor();
    await client.get(`/opportunities/${id}/sign-up`);
    await client.post(`/opportunities/${id}/sign-up`, { ...SIGN_UP, email: 'moved@example.org' });
    const [mail] = await q<{ text_body: string }>(
      sql`select text_body from outbox where to_address = 'moved@example.org' and template = 'sign-up-confirm-contact'`,
    );
    const token = /\/sign-up\/confirm\/([A-Za-z0-9_-]{43})/.exec(mail!.text_body)![1]!;
    await q(
      sql`update people set email = 'someone.else@example.org' where email = 'moved@example.org'`,
    );
    const reader = visitor();
    assert.equal((await reader.get(`/sign-up/confirm/${token}`)).statusCode, 404);
    await client.get(`/opportunities/${id}/sign-up`);
    assert.equal((await client.post(`/sign-up/confirm/${token}`, {})).statusCode, 404);
    const [person] = await q<{ consents: string[] }>(
      sql`select consents from people where email = 'someone.else@example.org'`,
    );
    assert.deepEqual(person!.consents, ['register']);
  });

  it('links a confirmed sign-up to the one person on the register with that address, showing the visitor nothing of it', async () => {
    const add = (reference: string, firstName: string, email: string) =>
      testDb.database.withOrganisation(org.id, (tx) =>
        addPeople(tx, [
          {
            organisationId: org.id,
            reference,
            firstName,
            lastName: 'Known',
            email,
            kinds: ['customer'],
          },
        ]),
      );
    const [known] = await add('KNOWN-1', 'Kay', 'known@example.org');
    await add('TWIN-1', 'Tam', 'twins@example.org');
    await add('TWIN-2', 'Tom', 'twins@example.org');
    const signUpAndConfirm = async (email: string) => {
      const client = visitor();
      await client.get(`/opportunities/${id}/sign-up`);
      await client.post(`/opportunities/${id}/sign-up`, { ...SIGN_UP, email: email.toUpperCase() });
      const [mail] = await q<{ text_body: string }>(
        sql`select text_body from outbox where to_address = ${email} and template = 'sign-up-confirm-contact'`,
      );
      const token = /\/sign-up\/confirm\/([A-Za-z0-9_-]{43})/.exec(mail!.text_body)![1]!;
      const reader = visitor();
      const page = await reader.get(`/sign-up/confirm/${token}`);
      assert.match(page.body, /Hello Rosa/, 'the name typed, not the one on the register');
      const pressed = await reader.post(`/sign-up/confirm/${token}`, {});
      assert.equal(pressed.statusCode, 303);
      const done = await reader.get(String(pressed.headers.location));
      return done.body
        .replace(/name="_csrf" value="[^"]+"/g, '')
        .replace(/nonce="[^"]+"/g, '')
        .replaceAll(token, 'TOKEN');
    };

    const knownPage = await signUpAndConfirm('known@example.org');
    // The sign-up is Kay's now; the record it made is gone, merged into hers.
    const signUps = await q<{ person_id: string }>(
      sql`select s.person_id from sign_ups s join people p on p.id = s.person_id
          where p.email = 'known@example.org'`,
    );
    assert.deepEqual(signUps, [{ person_id: known }]);
    const people = await q<{ id: string; first_name: string; consents: string[]; needs: string[] }>(
      sql`select id, first_name, consents, needs from people where email = 'known@example.org'`,
    );
    assert.equal(people.length, 1);
    assert.equal(people[0]!.first_name, 'Kay', 'her own values kept');
    assert.deepEqual(people[0]!.consents.sort(), ['contact_email', 'register']);
    assert.deepEqual(people[0]!.needs, ['step_free']);
    assert.equal(
      (
        await q(
          sql`select 1 from possible_duplicates where person_id = ${known!} or other_id = ${known!}`,
        )
      ).length,
      0,
    );
    assert.equal(
      (await q(sql`select 1 from audit_log where action = 'merge' and entity_id = ${known!}`))
        .length,
      1,
    );

    // Two people with the address: nothing is linked, the flags stay for staff.
    const twinsPage = await signUpAndConfirm('twins@example.org');
    assert.equal((await q(sql`select 1 from people where email = 'twins@example.org'`)).length, 3);
    assert.equal(
      (
        await q(sql`select 1 from possible_duplicates where reason = 'same_email' and status = 'open'
          and (person_id in (select id from people where email = 'twins@example.org'))`)
      ).length,
      2,
    );
    // The visitor sees the same page either way, and nothing of Kay.
    assert.equal(knownPage, twinsPage);
    assert.doesNotMatch(knownPage, /Kay|KNOWN-1/);
  });

  it('lets a confirmation link lapse after 30 days unused, and never asks for a phone or letter', async () => {
    const client = visitor();
    await client.get(`/opportunities/${id}/sign-up`);
    await client.post(`/opportunities/${id}/sign-up`, { ...SIGN_UP, email: 'late@example.org' });
    const [mail] = await q<{ text_body: string }>(
      sql`select text_body from outbox where to_address = 'late@example.org' and template = 'sign-up-confirm-contact'`,
    );
    const token = /\/sign-up\/confirm\/([A-Za-z0-9_-]{43})/.exec(mail!.text_body)![1]!;
    await q(sql`update sign_ups s set created_at = now() - interval '31 days'
                from people p where p.id = s.person_id and p.email = 'late@example.org'`);
    const reader = visitor();
    const page = await reader.get(`/sign-up/confirm/${token}`);
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /This link does not work/);
    await client.get(`/opportunities/${id}/sign-up`);
    assert.equal((await client.post(`/sign-up/confirm/${token}`, {})).statusCode, 404);

    const byPhone = await client.post(`/opportunities/${id}/sign-up`, {
      ...SIGN_UP,
      email: '',
      phone: '07700 900222',
      channel: 'phone',
    });
    assert.match(String(byPhone.headers.location), /by=phone$/);
    const [phoned] = await q<{ consents: string[] }>(
      sql`select consents from people
          where source = 'signup' and preferred_channels = '{phone}' and email is null`,
    );
    assert.deepEqual(phoned!.consents, ['register', 'contact_phone']);
  });

  it('pretends all went well when the hidden field is filled, and saves nothing', async () => {
    const count = async () =>
      (await q<{ n: number }>(sql`select count(*)::int as n from people`))[0]!.n;
    const beforeCount = await count();
    const client = visitor();
    await client.get(`/opportunities/${id}/sign-up`);
    const res = await client.post(`/opportunities/${id}/sign-up`, {
      ...SIGN_UP,
      email: 'bot@example.org',
      website: 'http://spam.example',
    });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /\/sign-up\/done/);
    assert.equal(await count(), beforeCount);
  });

  it('re-shows the form with a missing name, keeping every other answer', async () => {
    const client = visitor();
    await client.get(`/opportunities/${id}/sign-up`);
    const res = await client.post(`/opportunities/${id}/sign-up`, {
      ...SIGN_UP,
      firstName: '',
      email: 'kept@example.org',
      channel: 'letter',
      consentRegister: '',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /There is a problem/);
    assert.match(res.body, /href="#firstName">Enter your first name/);
    assert.match(res.body, /href="#addressLine1">You chose a letter: enter your address/);
    assert.match(res.body, /href="#consentRegister">To sign up, tick the box/);
    assert.match(res.body, /value="kept@example.org"/);
    assert.match(res.body, /value="Parkes"/);
    assert.match(res.body, /In person, on weekday mornings\./);
    assert.match(res.body, /I use a wheelchair\./);
    assert.match(res.body, /value="step_free" checked/);
    assert.match(res.body, /value="letter" checked/);
    const none = await visitor().get(`/opportunities/${id}/sign-up`);
    assert.match(none.body, /Sign up/);

    const noContact = await client.post(`/opportunities/${id}/sign-up`, {
      ...SIGN_UP,
      email: '',
    });
    assert.match(noContact.body, /Give us a way to reach you/);
  });

  it('limits sign-ups from one address, keeping the answers', async () => {
    const client = visitor();
    SIGN_UP_LIMITS.perAddress = 1;
    try {
      await client.get(`/opportunities/${id}/sign-up`);
      // The use that reaches the limit is let through; the next is refused.
      await client.post(`/opportunities/${id}/sign-up`, { ...SIGN_UP, email: 'last@example.org' });
      const res = await client.post(`/opportunities/${id}/sign-up`, {
        ...SIGN_UP,
        email: 'limited@example.org',
      });
      assert.equal(res.statusCode, 429);
      assert.match(res.body, /a lot of sign-ups from your connection/);
      assert.match(res.body, /value="limited@example.org"/);
    } finally {
      SIGN_UP_LIMITS.perAddress = 1000;
      await q(sql`delete from auth_throttle`);
    }
  });

  it('says when the address is over its limit as the use is counted, and the route rolls back', async () => {
    // Another sign-up from the address may lock it after this one's first read:
    // recordSignUp counts the use with its writes and says whether it was allowed.
    const address = '203.0.113.9';
    SIGN_UP_LIMITS.perAddress = 1;
    try {
      const opportunity = { id, title: 'Too late' };
      const context = { language: 'en' as const, baseUrl: 'http://x', organisation: 'O', address };
      const take = (email: string) =>
        testDb.database.withOrganisation(org.id, async (tx) => {
          const form = readSignUpForm({ ...SIGN_UP, email }).form;
          const made = await recordSignUp(tx, SYSTEM_ACTOR, opportunity, form, context);
          // As takeSignUp does: nothing of it is kept.
          if (!made.allowed) throw new Error('over the limit');
          return made;
        });
      assert.equal((await take('first.in@example.org')).allowed, true);
      await assert.rejects(take('rolled.back@example.org'), /over the limit/);
      assert.equal(
        (await q(sql`select 1 from people where email = 'rolled.back@example.org'`)).length,
        0,
      );
    } finally {
      SIGN_UP_LIMITS.perAddress = 1000;
      await q(sql`delete from auth_throttle`);
    }
  });

  it('limits sign-ups to one opportunity in an hour, from anywhere', async () => {
    const [{ n } = { n: 0 }] = await q<{ n: number }>(
      sql`select count(*)::int as n from sign_ups
          where opportunity_id = ${id} and created_at > now() - interval '1 hour'`,
    );
    const limit = SIGN_UP_LIMITS.perOpportunityPerHour;
    SIGN_UP_LIMITS.perOpportunityPerHour = n;
    try {
      const client = visitor();
      await client.get(`/opportunities/${id}/sign-up`);
      const res = await client.post(`/opportunities/${id}/sign-up`, {
        ...SIGN_UP,
        email: 'one.too.many@example.org',
      });
      assert.equal(res.statusCode, 429);
      assert.equal(
        (await q(sql`select 1 from people where email = 'one.too.many@example.org'`)).length,
        0,
        'nothing kept',
      );
    } finally {
      SIGN_UP_LIMITS.perOpportunityPerHour = limit;
      await q(sql`delete from auth_throttle`);
    }
  });
});

describe('staff decisions on sign-ups', () => {
  let id: string;
  let byEmail: string;
  let byPhone: string;

  before(async () => {
    id = await addOpportunity({ title: 'Decide on these' });
    await publish(id);
    const signUp = async (fields: Record<string, string | string[]>) => {
      const client = visitor();
      await client.get(`/opportunities/${id}/sign-up`);
      const res = await client.post(`/opportunities/${id}/sign-up`, { ...SIGN_UP, ...fields });
      assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
    };
    await signUp({ firstName: 'Emma', lastName: 'Mail', email: 'emma@example.org' });
    await signUp({
      firstName: 'Phil',
      lastName: 'Phone',
      email: '',
      phone: '07700 900222',
      channel: 'phone',
    });
    const rows = await q<{ id: string; first_name: string }>(
      sql`select s.id, p.first_name from sign_ups s join people p on p.id = s.person_id where s.opportunity_id = ${id}`,
    );
    byEmail = rows.find((r) => r.first_name === 'Emma')!.id;
    byPhone = rows.find((r) => r.first_name === 'Phil')!.id;
  });

  it('shows each sign-up with contact, needs and how they would like to take part', async () => {
    const page = await lead.get(`/staff/opportunities/${id}`);
    assert.match(page.body, /Emma Mail/);
    assert.match(page.body, /emma@example.org/);
    assert.match(page.body, /07700 900222/);
    assert.match(page.body, /Step-free access/);
    assert.match(page.body, /I use a wheelchair/);
    assert.match(page.body, /In person, on weekday mornings/);
    assert.match(page.body, /Accept<span class="govuk-visually-hidden"> Emma Mail/);
  });

  it('declines with a kind message: emailed to an email person, listed to phone for a phone person', async () => {
    const form = await lead.get(`/staff/opportunities/${id}/sign-ups/${byEmail}/decline`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Thank you for offering to take part in Decide on these/);
    assert.match(form.body, /We will email this message to emma@example.org/);
    const empty = await lead.post(`/staff/opportunities/${id}/sign-ups/${byEmail}/decline`, {
      message: ' ',
    });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Write a message for them/);

    const res = await lead.post(
      `/staff/opportunities/${id}/sign-ups/${byEmail}/decline`,
      { message: 'Thank you, Emma. We had more offers than places this time.' },
      { from: `/staff/opportunities/${id}/sign-ups/${byEmail}/decline` },
    );
    assert.equal(res.statusCode, 303);
    const mail = await q<{ subject: string; text_body: string; template: string }>(
      sql`select subject, text_body, template from outbox
          where to_address = 'emma@example.org' and template <> 'sign-up-confirm-contact'`,
    );
    assert.equal(mail.length, 1);
    assert.equal(mail[0]!.template, 'sign-up-declined');
    assert.equal(mail[0]!.subject, 'About Decide on these');
    assert.match(
      mail[0]!.text_body,
      /Thank you, Emma\. We had more offers than places this time\./,
    );
    assert.match(mail[0]!.text_body, /From Demo Homes/);

    const phone = await lead.post(
      `/staff/opportunities/${id}/sign-ups/${byPhone}/decline`,
      { message: 'Sorry, Phil: not this time.' },
      { from: `/staff/opportunities/${id}/sign-ups/${byPhone}/decline` },
    );
    assert.equal(phone.statusCode, 303);
    assert.equal(
      (await q(sql`select 1 from outbox where text_body like '%Phil%'`)).length,
      0,
      'nothing emailed to the phone person',
    );
    const page = await lead.get(`/staff/opportunities/${id}`);
    const toContact = page.body.slice(page.body.indexOf('id="to-contact"'));
    assert.match(toContact, /Phil Phone/);
    assert.match(toContact, /Phone 07700 900222/);
    assert.match(toContact, /Sorry, Phil: not this time\./);
    assert.doesNotMatch(toContact, /Emma Mail/);

    const [logged] = await q<{ action: string; entity: string }>(
      sql`select action, entity from audit_log where action = 'sign-up-declined' limit 1`,
    );
    assert.deepEqual(logged, { action: 'sign-up-declined', entity: 'person' });
  });

  it('declines in easy read to a person whose record asks for it (issue 10 §3)', async () => {
    const signUp = async (firstName: string, needs: string[]) => {
      const client = visitor();
      await client.get(`/opportunities/${id}/sign-up`);
      const email = `${firstName.toLowerCase()}.declined@example.org`;
      const res = await client.post(`/opportunities/${id}/sign-up`, {
        ...SIGN_UP,
        firstName,
        lastName: 'Decline',
        email,
        needs,
      });
      assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
      const [row] = await q<{ id: string }>(
        sql`select s.id from sign_ups s join people p on p.id = s.person_id
            where s.opportunity_id = ${id} and p.email = ${email}`,
      );
      return row!.id;
    };
    const nia = await signUp('Nia', ['easy_read', 'step_free']);
    const pia = await signUp('Pia', ['easy_read']);
    const ola = await signUp('Ola', ['step_free']);
    const decline = async (signUpId: string, message?: string) => {
      const url = `/staff/opportunities/${id}/sign-ups/${signUpId}/decline`;
      const form = await lead.get(url);
      // The suggested message, as the form offers it, unless staff write their own.
      const suggested = /<textarea[^>]*name="message"[^>]*>([\s\S]*?)<\/textarea>/.exec(
        form.body,
      )![1]!;
      const res = await lead.post(
        url,
        { message: message ?? suggested.trim().replace(/&#39;/g, "'") },
        { from: url },
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
    };
    await decline(nia);
    await decline(pia, 'Thank you, Pia. The group is full.');
    await decline(ola);
    const mail = await q<{ to_address: string; subject: string; text_body: string }>(
      sql`select to_address, subject, text_body from outbox
          where template = 'sign-up-declined' and to_address like '%.declined@example.org'
          order by to_address`,
    );
    const [niaMail, olaMail, piaMail] = mail;
    assert.equal(niaMail!.to_address, 'nia.declined@example.org');
    assert.equal(niaMail!.subject, 'About Decide on these');
    const lines = niaMail!.text_body.split('\n\n');
    assert.deepEqual(lines.slice(0, 5), [
      'Hello Nia,',
      'Thank you for signing up for Decide on these.',
      // The suggested message left as it was: its easy-read words instead.
      'Sorry, we cannot include you this time. We had more people than places.',
      'There are other ways to take part. We would like to tell you about them.',
      'Press the link below to see other ways to take part.',
    ]);
    // The button after all the words.
    assert.match(lines[5]!, /^See other ways to take part: http:\/\/[^ ]+\/opportunities$/);

    // Staff's own words go into the easy version as they wrote them.
    assert.equal(piaMail!.to_address, 'pia.declined@example.org');
    assert.deepEqual(piaMail!.text_body.split('\n\n').slice(1, 3), [
      'Thank you for signing up for Decide on these.',
      'Thank you, Pia. The group is full.',
    ]);

    // Without the need, the standard message with the suggested words.
    assert.equal(olaMail!.to_address, 'ola.declined@example.org');
    assert.equal(olaMail!.subject, 'About Decide on these');
    assert.match(
      olaMail!.text_body,
      /^Hello Ola,\n\nThank you for offering to take part in Decide on these\. We had more offers than places this time/,
    );
    assert.match(olaMail!.text_body, /See other ways to get involved: /);
    assert.doesNotMatch(olaMail!.text_body, /We had more people than places/);
  });

  it('accepts and shortlists, emailing only an acceptance', async () => {
    const shortlist = await lead.post(
      `/staff/opportunities/${id}/sign-ups/${byPhone}/shortlist`,
      {},
      { from: `/staff/opportunities/${id}` },
    );
    assert.equal(shortlist.statusCode, 303);
    const accept = await lead.post(
      `/staff/opportunities/${id}/sign-ups/${byEmail}/accept`,
      {},
      { from: `/staff/opportunities/${id}` },
    );
    assert.equal(accept.statusCode, 303);
    assert.match(String(accept.headers.location), /mailed=1/);
    const mail = await q<{ template: string; text_body: string }>(
      sql`select template, text_body from outbox where to_address = 'emma@example.org'
          and template <> 'sign-up-confirm-contact' order by created_at`,
    );
    assert.deepEqual(
      mail.map((m) => m.template),
      ['sign-up-declined', 'sign-up-accepted'],
    );
    // Greeted by name, not a bare "Hello," (issue 10 §11).
    assert.match(mail[1]!.text_body, /^Hello Emma,\n/);
    const statuses = await q(
      sql`select status from sign_ups where id in (${byEmail}, ${byPhone}) order by status`,
    );
    assert.deepEqual(statuses, [{ status: 'accepted' }, { status: 'shortlisted' }]);
  });

  it('takes a phone person off the list once staff have told them, until a new decision', async () => {
    const toContact = async () => {
      const page = await lead.get(`/staff/opportunities/${id}`);
      const from = page.body.indexOf('id="to-contact"');
      return page.body.slice(from, page.body.indexOf('Already told', from) >>> 0);
    };
    await lead.post(
      `/staff/opportunities/${id}/sign-ups/${byPhone}/accept`,
      {},
      { from: `/staff/opportunities/${id}` },
    );
    assert.match(await toContact(), /Mark as told<span class="govuk-visually-hidden"> Phil Phone/);

    const told = await lead.post(
      `/staff/opportunities/${id}/sign-ups/${byPhone}/told`,
      {},
      { from: `/staff/opportunities/${id}` },
    );
    assert.equal(told.statusCode, 303);
    assert.match(String(told.headers.location), /saved=told#to-contact$/);
    const page = await lead.get(String(told.headers.location));
    assert.match(page.body, /Marked as told/);
    assert.match(page.body, /There is nobody to phone or write to/);
    assert.match(page.body, /Phil Phone: told by .+ on \d{1,2} [A-Z][a-z]+ \d{4}/);
    const [logged] = await q<{ after: { status: string } }>(
      sql`select after from audit_log where action = 'sign-up-told'`,
    );
    assert.equal(logged!.after.status, 'accepted');

    // Pressed again (a second tab): no second record.
    await lead.post(
      `/staff/opportunities/${id}/sign-ups/${byPhone}/told`,
      {},
      { from: `/staff/opportunities/${id}` },
    );
    assert.equal((await q(sql`select 1 from audit_log where action = 'sign-up-told'`)).length, 1);

    // A new decision has to be told again.
    await lead.post(
      `/staff/opportunities/${id}/sign-ups/${byPhone}/decline`,
      { message: 'Sorry, Phil: the date has moved and the places are full.' },
      { from: `/staff/opportunities/${id}/sign-ups/${byPhone}/decline` },
    );
    assert.match(await toContact(), /Phil Phone/);

    // Nothing to tell before a decision.
    const undecided = await lead.post(
      `/staff/opportunities/${id}/sign-ups/${byEmail}/shortlist`,
      {},
      { from: `/staff/opportunities/${id}` },
    );
    assert.equal(undecided.statusCode, 303);
    const early = await lead.post(
      `/staff/opportunities/${id}/sign-ups/${byEmail}/told`,
      {},
      { from: `/staff/opportunities/${id}` },
    );
    assert.equal(early.statusCode, 404);
  });
});

describe('closing an opportunity to sign-ups', () => {
  let id: string;
  let theirs: string;

  before(async () => {
    id = await addOpportunity({ title: 'Close me carefully' });
    await publish(id);
    for (const [firstName, email] of [
      ['Ada', 'ada@example.org'],
      ['Bea', 'bea@example.org'],
      ['Cy', 'cy@example.org'],
    ] as const) {
      const client = visitor();
      await client.get(`/opportunities/${id}/sign-up`);
      const res = await client.post(`/opportunities/${id}/sign-up`, {
        ...SIGN_UP,
        firstName,
        lastName: 'Waiting',
        email,
      });
      assert.equal(res.statusCode, 303);
    }
    // Another organisation's published opportunity, named by our staff.
    const other = await makeOrganisation(testDb.database, { slug: 'elsewhere', name: 'Elsewhere' });
    theirs = await testDb.database.withOrganisation(other.id, async (tx) => {
      const [initiative] = await tx
        .insert(initiatives)
        .values({
          organisationId: other.id,
          title: 'Their initiative',
          kind: 'consultation',
          rung: 3,
          status: 'active',
          publishedAt: new Date(),
          ...PURPOSE,
        })
        .returning({ id: initiatives.id });
      const made = await createOpportunity(tx, SYSTEM_ACTOR, {
        ...PLAIN,
        initiativeId: initiative!.id,
      });
      assert.deepEqual(
        await publishOpportunity(tx, SYSTEM_ACTOR, made, { confirmFindings: true }),
        { published: true },
      );
      return made;
    });
  });

  it('asks first: the opportunity page links to a confirmation page, which posts the closing', async () => {
    const page = await lead.get(`/staff/opportunities/${id}`);
    // The button is a link to the confirmation page, not a form that closes at once.
    assert.match(
      page.body,
      new RegExp(`<a href="/staff/opportunities/${id}/close"[^>]*>\\s*Close to sign-ups`),
    );
    assert.doesNotMatch(page.body, new RegExp(`action="/staff/opportunities/${id}/close"`));

    assert.equal((await visitor().get(`/staff/opportunities/${id}/close`)).statusCode, 303);
    assert.equal((await board.get(`/staff/opportunities/${id}/close`)).statusCode, 403);
    assert.equal((await lead.get(`/staff/opportunities/${theirs}/close`)).statusCode, 404);
    assert.equal(
      (
        await lead.post(
          `/staff/opportunities/${theirs}/close`,
          {},
          { from: `/staff/opportunities/${id}` },
        )
      ).statusCode,
      404,
    );
    const [theirStatus] = await testDb.database.system
      .execute(sql`select status from opportunities where id = ${theirs}`)
      .then((r) => rowsOf<{ status: string }>(r));
    assert.equal(theirStatus!.status, 'published');

    // One accepted, one shortlisted, one new: two of the three still wait for a decision.
    const rows = await q<{ id: string; first_name: string }>(
      sql`select s.id, p.first_name from sign_ups s join people p on p.id = s.person_id
          where s.opportunity_id = ${id}`,
    );
    const signUp = (name: string) => rows.find((r) => r.first_name === name)!.id;
    await q(sql`update sign_ups set status = 'accepted' where id = ${signUp('Ada')}`);
    await q(sql`update sign_ups set status = 'shortlisted' where id = ${signUp('Bea')}`);

    const confirm = await lead.get(`/staff/opportunities/${id}/close`);
    assert.equal(confirm.statusCode, 200);
    assert.match(
      confirm.body,
      /<h1 class="govuk-heading-l">Close this opportunity to sign-ups\?<\/h1>/,
    );
    assert.match(confirm.body, /nobody else can sign up/);
    assert.match(confirm.body, /2 sign-ups are waiting for a decision/);
    assert.match(
      confirm.body,
      new RegExp(`<form method="post" action="/staff/opportunities/${id}/close"`),
    );
    assert.match(confirm.body, /name="_csrf"/);
    assert.match(confirm.body, new RegExp(`href="/staff/opportunities/${id}">Keep it open</a>`));
    // Reading the page changes nothing.
    const [still] = await q<{ status: string }>(
      sql`select status from opportunities where id = ${id}`,
    );
    assert.equal(still!.status, 'published');

    const closed = await lead.post(`/staff/opportunities/${id}/close`, {});
    assert.equal(closed.statusCode, 303);
    assert.equal(closed.headers.location, `/staff/opportunities/${id}?saved=closed`);
    const [after] = await q<{ status: string }>(
      sql`select status from opportunities where id = ${id}`,
    );
    assert.equal(after!.status, 'closed');
    const [logged] = await q<{ after: { status: string } }>(
      sql`select after from audit_log where action = 'close' and entity_id = ${id}`,
    );
    assert.equal(logged!.after.status, 'closed');

    // Once closed there is nothing to confirm: back to the opportunity.
    const again = await lead.get(`/staff/opportunities/${id}/close`);
    assert.equal(again.statusCode, 303);
    assert.equal(again.headers.location, `/staff/opportunities/${id}`);
  });

  it('says so when no sign-up is waiting', async () => {
    const quiet = await addOpportunity({ title: 'Nobody came' });
    await publish(quiet);
    const confirm = await lead.get(`/staff/opportunities/${quiet}/close`);
    assert.match(confirm.body, /No sign-ups are waiting for a decision/);
    assert.match(confirm.body, /Its closing date is 31 December 2099/);
  });
});
