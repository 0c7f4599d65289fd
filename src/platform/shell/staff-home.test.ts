// The staff home (issue 10 §5): the work waiting for someone, each figure a
// link to the list it counts, shown only to those who may open that list,
// and what is coming up in the next seven days, in a flat number of queries.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { todayInLondon, workDays } from '../calendar/index.ts';
import type { Tx } from '../db/index.ts';
import type { Role } from '../auth/index.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../testing/app.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import type { Organisation } from '../tenancy/index.ts';
import { createInitiative } from '../../modules/initiatives/index.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
const inOrg = <T>(work: (tx: Tx) => Promise<T>): Promise<T> =>
  testDb.database.withOrganisation(org.id, work);
const get = (url: string, roles: Role[]) => app.inject({ url, headers: signedInAs(org, roles) });

let counter = 0;
async function person(tx: Tx, fields: { email?: string; phone?: string; channel?: string } = {}) {
  counter += 1;
  const id = randomUUID();
  await tx.execute(sql`insert into people (organisation_id, id, reference, first_name, last_name,
      email, phone, preferred_channels)
    values (${org.id}, ${id}, ${`SH${counter}`}, ${`Person${counter}`}, 'Home',
      ${fields.email ?? null}, ${fields.phone ?? null},
      ${fields.channel ? sql`array[${fields.channel}]::text[]` : sql`'{}'::text[]`})`);
  return id;
}

/** Seeds one of each kind of waiting work (and some that is not waiting). */
async function seed(tag: string) {
  const days = workDays(todayInLondon());
  return inOrg(async (tx) => {
    const { id: initiativeId } = await createInitiative(tx, SYSTEM_ACTOR, {
      kind: 'project',
      title: `Repairs ${tag}`,
      rung: 3,
    });
    const opportunityId = randomUUID();
    await tx.execute(sql`insert into opportunities (organisation_id, id, initiative_id, title, status)
      values (${org.id}, ${opportunityId}, ${initiativeId}, ${`Tenant panel ${tag}`}, 'published')`);
    const quiet = randomUUID();
    await tx.execute(sql`insert into opportunities (organisation_id, id, initiative_id, title, status)
      values (${org.id}, ${quiet}, ${initiativeId}, ${`Quiet one ${tag}`}, 'published')`);
    const byEmail = await person(tx, { email: `e${tag}@example.com`, channel: 'email' });
    const byPhone = await person(tx, { phone: '07700 900123', channel: 'phone' });
    const signUp = (personId: string, status: string, opportunity = opportunityId) =>
      tx.execute(sql`insert into sign_ups (organisation_id, opportunity_id, person_id, status)
        values (${org.id}, ${opportunity}, ${personId}, ${status})`);
    await signUp(byEmail, 'new');
    await signUp(await person(tx), 'new');
    await signUp(await person(tx), 'shortlisted');
    await signUp(byPhone, 'accepted'); // to phone
    await signUp(byEmail, 'accepted', quiet); // emailed: nobody need phone
    for (const status of ['submitted', 'submitted', 'approved'])
      await tx.execute(sql`insert into expense_claims (organisation_id, person_id, kind, amount_pence, status, incurred_on)
        values (${org.id}, ${byEmail}, 'travel', 500, ${status}, ${days.today})`);
    const activity = async (title: string, hours: number) => {
      const id = randomUUID();
      await tx.execute(sql`insert into activities (organisation_id, id, initiative_id, kind, title, starts_at, ends_at)
        values (${org.id}, ${id}, ${initiativeId}, 'meeting', ${title},
          now() + make_interval(hours => ${hours}), now() + make_interval(hours => ${hours + 2}))`);
      return id;
    };
    const soon = await activity(`Panel meeting ${tag}`, 26);
    const later = await activity(`Later meeting ${tag}`, 24 * 20);
    const invite = (activityId: string, personId: string, rsvp: string | null) =>
      tx.execute(sql`insert into invitations (organisation_id, activity_id, person_id, token_hash, rsvp)
        values (${org.id}, ${activityId}, ${personId}, ${randomUUID()}, ${rsvp})`);
    await invite(soon, byEmail, null);
    await invite(soon, byPhone, null);
    await invite(soon, await person(tx), 'yes');
    await invite(later, byEmail, null);
    const other = await person(tx);
    await tx.execute(sql`insert into possible_duplicates (organisation_id, person_id, other_id, reason)
      values (${org.id}, ${byEmail}, ${other}, 'similar_name')`);
    await tx.execute(sql`insert into possible_duplicates (organisation_id, person_id, other_id, reason, status)
      values (${org.id}, ${byPhone}, ${other}, 'similar_name', 'not_duplicate')`);
    await tx.execute(sql`insert into person_training (organisation_id, person_id, module, completed_on, expires_on)
      values (${org.id}, ${byPhone}, 'safeguarding', '2025-01-01', ${days.monthEnd}),
        (${org.id}, ${byEmail}, 'safeguarding', '2025-01-01', '2099-01-01')`);
    await tx.execute(sql`insert into rights_requests (organisation_id, person_id, kind, received_on, due_on, status)
      values (${org.id}, ${byEmail}, 'access', ${days.today}, (${days.today}::date + 3), 'open'),
        (${org.id}, ${byEmail}, 'access', ${days.today}, (${days.today}::date + 60), 'open'),
        (${org.id}, ${byEmail}, 'erasure', ${days.today}, (${days.today}::date - 1), 'completed')`);
    await tx.execute(sql`insert into imports (organisation_id, kind, filename, status)
      values (${org.id}, 'people', 'people.csv', 'checked'), (${org.id}, 'people', 'old.csv', 'imported')`);
    return { opportunityId, quiet, soon, later, byPhone, byEmail };
  });
}

let seeded: Awaited<ReturnType<typeof seed>>;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo' });
  app = await createTestApp(testDb.database);
  seeded = await seed('a');
});
after(async () => {
  await app.close();
  await testDb.close();
});

/** The figure linking to `href`, as its text, or null when the page has none. */
function figure(body: string, href: string): string | null {
  const escaped = href.replace(/[.?*+^$()[\]{}|\\]/g, '\\$&');
  const match = new RegExp(`<a [^>]*href="${escaped}"[^>]*>([^<]*)</a>`).exec(body);
  return match ? match[1]!.trim() : null;
}

describe('the staff home', () => {
  it('shows each figure of waiting work as a link to the list it counts', async () => {
    const home = await get('/staff', ['admin']);
    assert.equal(home.statusCode, 200);
    const expected: Array<[string, string]> = [
      ['/staff/opportunities?waiting=decide', '3 sign-ups to decide'],
      ['/staff/opportunities?waiting=tell', '1 person to phone or write to about a decision'],
      ['/staff/rewards#claims', '2 expense claims to approve'],
      ['/staff/people/duplicates', '1 possible duplicate to check'],
      ['/staff/people?training=expiring', '1 person whose training expires this month'],
      [
        '/staff/activities?waiting=unanswered',
        '2 invitations with no answer for activities in the next 7 days',
      ],
      ['/staff/imports', '1 import waiting for a decision'],
      ['/staff/rights?due=soon', '1 rights request due within 7 days or overdue'],
    ];
    for (const [href, text] of expected) assert.equal(figure(home.body, href), text, href);
    // Coming up: the meeting tomorrow, with its answers; not the one in 20 days.
    assert.match(home.body, new RegExp(`href="/staff/activities/${seeded.soon}">Panel meeting a<`));
    assert.match(home.body, /1 coming, 2 not answered/);
    assert.doesNotMatch(home.body, /Later meeting a/);
    // The cards that repeated the navigation are gone.
    assert.doesNotMatch(home.body, /Choose what you want to work on/);
  });

  it('leads to lists filtered to what was counted', async () => {
    const decide = await get('/staff/opportunities?waiting=decide', ['admin']);
    assert.match(decide.body, /Tenant panel a/);
    assert.doesNotMatch(decide.body, /Quiet one a/);
    const tell = await get('/staff/opportunities?waiting=tell', ['admin']);
    assert.match(tell.body, /Tenant panel a/);
    assert.doesNotMatch(tell.body, /Quiet one a/);
    const unanswered = await get('/staff/activities?waiting=unanswered', ['admin']);
    assert.match(unanswered.body, /Panel meeting a/);
    assert.doesNotMatch(unanswered.body, /Later meeting a/);
    const training = await get('/staff/people?training=expiring', ['admin']);
    assert.match(training.body, /SH2\b/);
    assert.doesNotMatch(training.body, /SH1\b/);
    const rights = await get('/staff/rights?due=soon', ['admin']);
    assert.equal((rights.body.match(/<tr class="govuk-table__row">/g) ?? []).length, 2); // header + one
    for (const url of ['/staff/people/duplicates', '/staff/rewards', '/staff/imports'])
      assert.equal((await get(url, ['admin'])).statusCode, 200, url);
  });

  it('shows a figure only to those who may open its list', async () => {
    // Staff: sign-ups, people and activities, but not claims, duplicates or rights requests.
    const staff = (await get('/staff', ['staff'])).body;
    assert.ok(figure(staff, '/staff/opportunities?waiting=decide'));
    assert.ok(figure(staff, '/staff/people?training=expiring'));
    for (const href of [
      '/staff/rewards#claims',
      '/staff/people/duplicates',
      '/staff/rights?due=soon',
    ])
      assert.equal(figure(staff, href), null, href);
    // A board member sees the staff area but none of these lists, nor what is coming up.
    const board = await get('/staff', ['board_member']);
    assert.equal(board.statusCode, 200);
    assert.match(board.body, /Nothing is waiting for you/);
    assert.doesNotMatch(board.body, /Panel meeting a/);
    for (const href of ['/staff/opportunities?waiting=decide', '/staff/imports'])
      assert.equal(figure(board.body, href), null, href);
  });

  it('makes the same number of queries however much is waiting', async () => {
    const before = (await testDb.countQueries(() => get('/staff', ['admin']))).queries;
    await seed('b');
    await seed('c');
    const home = await testDb.countQueries(() => get('/staff', ['admin']));
    assert.equal(home.queries, before);
    assert.equal(figure(home.result.body, '/staff/rewards#claims'), '6 expense claims to approve');
  });
});

describe('the staff navigation', () => {
  it('groups the links by area on one row, each area a page of its links', async () => {
    const home = (await get('/staff', ['involvement_lead'])).body;
    const nav = /<nav[^>]*govuk-service-navigation__wrapper[\s\S]*?<\/nav>/.exec(home)?.[0] ?? '';
    const labels = [...nav.matchAll(/govuk-service-navigation__link"[^>]*>\s*([^<]+?)\s*</g)].map(
      (m) => m[1],
    );
    assert.deepEqual(labels.slice(0, 5), [
      'Register',
      'Involvement',
      'Money',
      'Performance',
      'Settings',
    ]);
    const register = await get('/staff/areas/register', ['involvement_lead']);
    assert.equal(register.statusCode, 200);
    for (const href of ['/staff/people', '/staff/services', '/staff/rights'])
      assert.match(register.body, new RegExp(`<main[\\s\\S]*href="${href}"`));
    // The area of the page is marked in the navigation.
    const services = await get('/staff/services', ['involvement_lead']);
    assert.match(
      services.body,
      /govuk-service-navigation__item--active[^>]*>\s*<a[^>]*href="\/staff\/areas\/register"/,
    );
    assert.equal((await get('/staff/areas/nowhere', ['involvement_lead'])).statusCode, 404);
    // An area with no link the reader may follow is not there.
    assert.equal((await get('/staff/areas/money', ['staff'])).statusCode, 404);
  });
});
