import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf, type Tx } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { createUser } from '../identity/index.ts';
import { initiatives } from '../initiatives/index.ts';
import { addPeople } from '../people/index.ts';
import { activities, attendance, invitations, rewards } from './tables.ts';

// A customer's own pages find them through their account's person
// (users.person_id), never by email: a household may share one address.

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let account: { id: string; personId: string };
let herbert: string;
let upcoming: string;

const withOrg = <T>(work: (tx: Tx) => Promise<T>) => testDb.database.withOrganisation(org.id, work);
const customer = () => new TestClient(app, signedInAs(org, ['customer'], [], account));

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo' });
  other = await makeOrganisation(testDb.database);
  app = await createTestApp(testDb.database);
  account = await withOrg(async (tx) => {
    const actor = { userId: null, label: 'test', ip: null };
    const [winifred, sharer] = await addPeople(tx, [
      {
        organisationId: org.id,
        reference: 'SELF1',
        firstName: 'Winifred',
        lastName: 'Stonebridge',
        email: 'winifred@example.org',
        kinds: ['customer'],
      },
      // Herbert shares Winifred's address but has his own record and money.
      {
        organisationId: org.id,
        reference: 'SELF2',
        firstName: 'Herbert',
        lastName: 'Stonebridge',
        email: 'winifred@example.org',
        kinds: ['customer'],
      },
    ]);
    herbert = sharer!;
    await tx.insert(rewards).values([
      {
        organisationId: org.id,
        personId: winifred!,
        amountPence: 2750,
        earnedOn: '2026-10-01',
        status: 'paid',
        paidOn: '2026-10-08',
      },
      {
        organisationId: org.id,
        personId: herbert,
        amountPence: 9900,
        earnedOn: '2026-10-01',
        status: 'paid',
        paidOn: '2026-10-08',
      },
    ]);
    // Made from the register for Winifred: her email alone would match two people.
    const user = await createUser(tx, actor, {
      email: 'winifred@example.org',
      name: 'Winifred Stonebridge',
      roles: ['customer'],
      permissions: [],
      personId: winifred!,
    });
    const [initiative] = await tx
      .insert(initiatives)
      .values({ organisationId: org.id, title: 'Repairs panel', kind: 'panel', rung: 3 })
      .returning({ id: initiatives.id });
    const made = await tx
      .insert(activities)
      .values(
        [
          ['Repairs panel meeting', "now() + interval '10 days'", 'planned'],
          ['Garden open day', "now() - interval '30 days'", 'planned'],
          ['Estate walkabout', "now() - interval '60 days'", 'planned'],
          ['Herbert’s own meeting', "now() + interval '5 days'", 'planned'],
        ].map(([title, at, status]) => ({
          organisationId: org.id,
          initiativeId: initiative!.id,
          kind: 'meeting',
          title: title!,
          startsAt: sql.raw(at!),
          endsAt: sql.raw(`${at} + interval '2 hours'`),
          status: status!,
        })),
      )
      .returning({ id: activities.id });
    upcoming = made[0]!.id;
    await tx.insert(invitations).values([
      {
        organisationId: org.id,
        activityId: upcoming,
        personId: winifred!,
        tokenHash: randomUUID(),
      },
      {
        organisationId: org.id,
        activityId: made[3]!.id,
        personId: herbert,
        tokenHash: randomUUID(),
      },
    ]);
    await tx.insert(attendance).values([
      {
        organisationId: org.id,
        activityId: made[1]!.id,
        personId: winifred!,
        status: 'attended',
        hours: 2,
      },
      {
        organisationId: org.id,
        activityId: made[2]!.id,
        personId: winifred!,
        status: 'attended',
        hours: 1.5,
      },
      {
        organisationId: org.id,
        activityId: made[2]!.id,
        personId: herbert,
        status: 'attended',
        hours: 3,
      },
    ]);
    return { id: user.id, personId: user.personId! };
  });
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe("a customer's own statement", () => {
  it('sends a signed-out visitor to sign in', async () => {
    const res = await app.inject({ url: '/my/statement' });
    assert.equal(res.statusCode, 303);
    assert.match(res.headers.location as string, /\/sign-in/);
  });

  it('shows nothing to staff, or to an account linked to nobody', async () => {
    assert.equal(
      (await app.inject({ url: '/my/statement', headers: signedInAs(org, ['staff']) })).statusCode,
      404,
    );
    const unlinked = signedInAs(org, ['customer']);
    assert.equal((await app.inject({ url: '/my/statement', headers: unlinked })).statusCode, 404);
  });

  it('refuses an account of another organisation', async () => {
    const headers = signedInAs(other, ['customer'], [], account);
    assert.equal((await app.inject({ url: '/my/statement', headers })).statusCode, 403);
  });

  it('shows the rewards of the account’s person, not another person’s with the same email', async () => {
    const res = await customer().get('/my/statement?year=2026');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Winifred Stonebridge/);
    assert.match(res.body, /£27\.50/);
    assert.doesNotMatch(res.body, /Herbert|£99/);
    assert.doesNotMatch(res.body, /\/staff\/rewards/);
  });
});

describe("a customer's own page", () => {
  it('sends a signed-out visitor to sign in', async () => {
    assert.equal((await app.inject({ url: '/my' })).statusCode, 303);
    assert.equal((await app.inject({ url: `/my/activities/${upcoming}` })).statusCode, 303);
  });

  it('shows no activities to an account linked to nobody', async () => {
    const unlinked = new TestClient(app, signedInAs(org, ['customer']));
    const res = await unlinked.get('/my');
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(res.body, /Repairs panel meeting|Your upcoming activities/);
    assert.match(res.body, /\/my\/statement/);
    assert.equal((await unlinked.get(`/my/activities/${upcoming}`)).statusCode, 404);
  });

  it('refuses an account of another organisation', async () => {
    const headers = signedInAs(other, ['customer'], [], account);
    assert.equal((await app.inject({ url: '/my', headers })).statusCode, 403);
    assert.equal(
      (await app.inject({ url: `/my/activities/${upcoming}`, headers })).statusCode,
      403,
    );
  });

  it('lists their upcoming activity with their answer, and past hours, in a fixed number of queries', async () => {
    const client = customer();
    const { result: res, queries } = await testDb.countQueries(() => client.get('/my'));
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Your upcoming activities/);
    assert.match(
      res.body,
      new RegExp(`href="/my/activities/${upcoming}"[^>]*>Repairs panel meeting`),
    );
    assert.match(res.body, /You have not answered yet/);
    assert.doesNotMatch(res.body, /Herbert’s own meeting/);
    assert.match(res.body, /Garden open day/);
    assert.match(res.body, /Estate walkabout/);
    assert.match(res.body, /Times you took part: 2\. Hours in all: 3\.5\./);
    assert.match(res.body, /: 2 hours/);
    assert.match(res.body, /\/my\/statement/);
    assert.ok(queries < 15, `one query a section (${queries})`);
  });

  it('takes their answer to an invitation without the emailed link', async () => {
    const client = customer();
    const page = await client.get(`/my/activities/${upcoming}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Repairs panel meeting/);
    const res = await client.post(`/my/activities/${upcoming}`, { answer: 'yes' });
    assert.equal(res.statusCode, 303);
    const [row] = rowsOf<{ rsvp: string }>(
      await withOrg((tx) =>
        tx.execute(
          sql`select rsvp from invitations where activity_id = ${upcoming} and person_id = ${account.personId}`,
        ),
      ),
    );
    assert.equal(row!.rsvp, 'yes');
    assert.match((await client.get('/my')).body, /You said you are coming/);
    // Herbert's invitation is not theirs to answer.
    const [theirs] = rowsOf<{ id: string }>(
      await withOrg((tx) =>
        tx.execute(sql`select activity_id as id from invitations where person_id = ${herbert}`),
      ),
    );
    assert.equal((await client.get(`/my/activities/${theirs!.id}`)).statusCode, 404);
  });
});

describe('opportunities for the customer', () => {
  const ids: Record<string, string> = {};
  before(async () => {
    await withOrg(async (tx) => {
      await tx.execute(sql`update people set interests = array['gardening'], area = 'North'
        where id = ${account.personId}`);
      const initiative = async (title: string, status: string, areas: string[]) => {
        const [row] = await tx
          .insert(initiatives)
          .values({
            organisationId: org.id,
            title,
            kind: 'project',
            rung: 3,
            status,
            audienceAreas: areas,
          })
          .returning({ id: initiatives.id });
        return row!.id;
      };
      const everyone = await initiative('Open to all', 'active', []);
      const north = await initiative('North estates', 'active', ['North']);
      const south = await initiative('South estates', 'active', ['South']);
      const ended = await initiative('Finished project', 'closed', []);
      const opportunity = async (
        key: string,
        initiativeId: string,
        fields: { interests?: string[]; status?: string; closes?: string },
      ) => {
        const id = randomUUID();
        ids[key] = id;
        await tx.execute(sql`insert into opportunities (organisation_id, id, initiative_id, title,
            status, interests, closes_on, published_at)
          values (${org.id}, ${id}, ${initiativeId}, ${`Opportunity ${key}`},
            ${fields.status ?? 'published'},
            ${fields.interests ? sql`array[${sql.join(fields.interests, sql`, `)}]::text[]` : sql`'{}'::text[]`},
            ${fields.closes ?? null}::date, now())`);
      };
      await opportunity('garden', everyone, { interests: ['gardening'], closes: '2099-05-01' });
      await opportunity('northern', north, {});
      await opportunity('repairs', everyone, { interests: ['repairs'] });
      await opportunity('general', everyone, {});
      await opportunity('southern', south, { interests: ['gardening'] });
      await opportunity('draft', everyone, { interests: ['gardening'], status: 'draft' });
      await opportunity('closed', everyone, { interests: ['gardening'], closes: '2020-01-01' });
      await opportunity('ended', ended, { interests: ['gardening'] });
      await opportunity('joined', everyone, { interests: ['gardening'] });
      await tx.execute(sql`insert into sign_ups (organisation_id, opportunity_id, person_id, status)
        values (${org.id}, ${ids.joined}, ${account.personId}, 'new')`);
      // Herbert's interests are not hers.
      await tx.execute(sql`update people set interests = array['repairs'] where id = ${herbert}`);
    });
  });

  it('lists the open opportunities that fit them, each a link, in one query', async () => {
    const client = customer();
    const res = await client.get('/my');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Opportunities for you/);
    assert.match(
      res.body,
      new RegExp(`href="/opportunities/${ids.garden}"[^>]*>Opportunity garden`),
    );
    assert.match(res.body, /It matches your interests\. Closes on 1 May 2099\./);
    assert.match(res.body, new RegExp(`href="/opportunities/${ids.northern}"`));
    assert.match(res.body, /It is for people in your service, area or role\./);
    for (const key of ['repairs', 'general', 'southern', 'draft', 'closed', 'ended', 'joined'])
      assert.doesNotMatch(res.body, new RegExp(`Opportunity ${key}<`), key);
    // The section is one statement, whatever the number of opportunities.
    const { queries: before } = await testDb.countQueries(() => client.get('/my'));
    await withOrg((tx) =>
      tx.execute(sql`insert into opportunities (organisation_id, initiative_id, title, status, interests)
        select organisation_id, initiative_id, title || ' again', status, interests
        from opportunities where id = ${ids.garden}`),
    );
    const { result, queries } = await testDb.countQueries(() => client.get('/my'));
    assert.match(result.body, /Opportunity garden again/);
    assert.equal(queries, before);
  });

  it('shows the section with its easy-read words when easy read is chosen', async () => {
    const res = await customer().get('/my?display=easy');
    assert.match(res.body, /These are ways to get involved that we think you will like/);
    assert.match(res.body, /class="app-easy-picture"/);
    const standard = await customer().get('/my?display=standard');
    assert.doesNotMatch(standard.body, /These are ways to get involved/);
  });

  it('shows no opportunities to an account linked to nobody', async () => {
    const res = await new TestClient(app, signedInAs(org, ['customer'])).get('/my');
    assert.doesNotMatch(res.body, /Opportunities for you/);
  });
});
