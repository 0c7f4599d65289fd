import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf, type Tx } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople } from '../people/index.ts';
import { initiatives } from '../initiatives/index.ts';
import { activities, attendance } from './tables.ts';
import { financialYearOf, ladderProfile } from './ladder-profile.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;
let board: TestClient;
const PERIOD = { from: '2025-04-01', to: '2026-03-31' };
const PERIOD_QUERY = 'from-day=1&from-month=4&from-year=2025&to-day=31&to-month=3&to-year=2026';

const withOrg = <T>(work: (tx: Tx) => Promise<T>) => testDb.database.withOrganisation(org.id, work);

async function initiative(
  rung: number,
  status: string,
  startsOn: string | null,
  endsOn: string | null = null,
): Promise<string> {
  const [row] = await testDb.database.withOrganisation(org.id, (tx) =>
    tx
      .insert(initiatives)
      .values({
        organisationId: org.id,
        title: `Rung ${rung} ${status}`,
        kind: 'panel',
        rung,
        status,
        startsOn,
        endsOn,
      })
      .returning({ id: initiatives.id }),
  );
  return row!.id;
}

/** An activity from a London wall-clock start to end, e.g. '2025-05-10 10:00'. */
async function activity(
  initiativeId: string,
  start: string,
  end: string,
  status = 'planned',
  title = 'Meeting',
): Promise<string> {
  const [row] = await testDb.database.withOrganisation(org.id, (tx) =>
    tx
      .insert(activities)
      .values({
        organisationId: org.id,
        initiativeId,
        kind: 'meeting',
        title,
        startsAt: sql`${`${start} Europe/London`}::timestamptz`,
        endsAt: sql`${`${end} Europe/London`}::timestamptz`,
        location: 'Hall',
        status,
      })
      .returning({ id: activities.id }),
  );
  return row!.id;
}

async function attend(activityId: string, personId: string, status: string, hours: number) {
  await testDb.database.withOrganisation(org.id, (tx) =>
    tx.insert(attendance).values({ organisationId: org.id, activityId, personId, status, hours }),
  );
}

async function people(n: number, prefix: string): Promise<string[]> {
  return testDb.database.withOrganisation(org.id, (tx) =>
    addPeople(
      tx,
      Array.from({ length: n }, (_, i) => ({
        organisationId: org.id,
        reference: `${prefix}${i}`,
        firstName: `${prefix}${i}`,
        lastName: 'Person',
        kinds: ['customer'],
      })),
    ),
  );
}

const profile = () => withOrg((tx) => ladderProfile(tx, PERIOD));

let rung7: string;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  board = new TestClient(app, signedInAs(org, ['board_member']));

  const [p1, p2, p3, p4, p5, p6] = (await people(6, 'LAD')) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const i0 = await initiative(0, 'active', '2025-05-01');
  const i3 = await initiative(3, 'active', '2024-01-01');
  const i5 = await initiative(5, 'active', '2025-06-01', '2025-12-31');
  rung7 = await initiative(7, 'closed', '2025-04-10', '2025-09-30');
  await initiative(6, 'draft', '2025-05-01');
  await initiative(5, 'closed', '2023-01-01', '2024-12-31');
  await initiative(4, 'active', '2026-06-01');

  const a0 = await activity(i0, '2025-05-10 10:00', '2025-05-10 12:00');
  await attend(a0, p1, 'attended', 2);
  await attend(a0, p2, 'attended', 2);
  const a3 = await activity(i3, '2025-06-01 10:00', '2025-06-01 11:30');
  await attend(a3, p1, 'attended', 1.5);
  await attend(a3, p3, 'apologies', 0);
  // The last evening of the period, in England (22:30 UTC).
  const late = await activity(i3, '2026-03-31 23:30', '2026-04-01 00:30');
  await attend(late, p5, 'attended', 1);
  // Just after midnight in England on 1 April: the next period, though still 31 March in UTC.
  const next = await activity(i3, '2026-04-01 00:30', '2026-04-01 01:30');
  await attend(next, p6, 'attended', 1);
  const a5a = await activity(i5, '2025-07-01 10:00', '2025-07-01 12:30');
  await attend(a5a, p1, 'attended', 2.5);
  await attend(a5a, p2, 'attended', 2.5);
  const a5b = await activity(i5, '2025-08-01 10:00', '2025-08-01 12:30');
  await attend(a5b, p2, 'attended', 2.5);
  await attend(a5b, p4, 'attended', 3);
  await activity(i5, '2025-09-01 10:00', '2025-09-01 12:00', 'planned');
  const old = await activity(rung7, '2024-12-01 10:00', '2024-12-01 12:00');
  await attend(old, p5, 'attended', 2);
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('the ladder profile', () => {
  it('starts the financial year on 1 April', () => {
    assert.deepEqual(financialYearOf('2026-03-31'), { from: '2025-04-01', to: '2026-03-31' });
    assert.deepEqual(financialYearOf('2026-04-01'), { from: '2026-04-01', to: '2027-03-31' });
  });

  it('counts initiatives, activities, people and hours by rung, leaving rung 0 out of the totals', async () => {
    const result = await profile();
    const by = new Map(result.rungs.map((r) => [r.rung, r]));
    assert.deepEqual(
      [0, 3, 5, 7].map((rung) => {
        const r = by.get(rung as 0)!;
        return [rung, r.initiatives, r.activities, r.people, r.hours];
      }),
      [
        [0, 1, 1, 2, 4],
        [3, 1, 2, 2, 2.5],
        [5, 1, 2, 3, 10.5],
        [7, 1, 0, 0, 0],
      ],
    );
    assert.equal(by.get(0)!.counted, false);
    assert.equal(by.get(6)!.initiatives, 0, 'drafts are not active');
    assert.equal(by.get(4)!.initiatives, 0, 'not started in the period');
    assert.deepEqual(result.counted, { initiatives: 3, activities: 4, people: 4, hours: 13 });
    assert.equal(result.coProducedInitiatives, 2);
    assert.equal(result.coProducedShare, 66.7);
    assert.equal(result.rungs[5]!.name, 'Co-design');
  });

  it('uses the organisation’s own names for rungs', async () => {
    await withOrg((tx) =>
      tx.execute(
        sql`insert into ladder_rungs (organisation_id, rung, name, description) values (${org.id}, 5, 'Designing together', 'Ours')`,
      ),
    );
    const result = await profile();
    assert.equal(result.rungs[5]!.name, 'Designing together');
    assert.match((await board.get(`/staff/ladder?${PERIOD_QUERY}`)).body, /Designing together/);
  });

  it('shows the chart with its data table to every staff role, and refuses customers', async () => {
    assert.equal((await app.inject('/staff/ladder')).statusCode, 303);
    const customer = new TestClient(app, signedInAs(org, ['customer']));
    assert.equal((await customer.get('/staff/ladder')).statusCode, 403);
    const page = await board.get(`/staff/ladder?${PERIOD_QUERY}&measure=hours`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /66\.7%/);
    assert.match(page.body, /<svg role="img" aria-labelledby="chart-caption chart-summary"/);
    assert.match(page.body, /id="chart-caption">Hours by rung/);
    assert.match(page.body, /<caption[^>]*>Figures by rung<\/caption>/);
    assert.match(page.body, /not counted/);
    assert.match(page.body, />10\.5</);
    const empty = await board.get(
      '/staff/ladder?from-day=1&from-month=4&from-year=2001&to-day=31&to-month=3&to-year=2002',
    );
    assert.match(empty.body, /No initiative that counts as involvement was active/);
    const thisYear = await board.get('/staff/ladder');
    assert.equal(thisYear.statusCode, 200);
    assert.match(thisYear.body, /1 April \d{4} to 31 March \d{4}/);
  });

  it('says what is wrong with a date that is not real', async () => {
    const page = await board.get(
      '/staff/ladder?from-day=31&from-month=2&from-year=2025&to-day=1&to-month=1&to-year=2026',
    );
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /The start of the period must be a real date/);
    assert.match(page.body, /href="#from-day"/);
  });

  it('keeps the page to a flat number of queries as activities grow', async () => {
    const count = async () =>
      (await testDb.countQueries(() => board.get(`/staff/ladder?${PERIOD_QUERY}`))).queries;
    const before = await count();
    const more = await people(10, 'MORE');
    for (let i = 0; i < 5; i++) {
      const a = await activity(rung7, `2025-05-${10 + i} 10:00`, `2025-05-${10 + i} 11:00`);
      for (const id of more) await attend(a, id, 'attended', 1);
    }
    assert.equal(await count(), before);
  });

  it('still counts the hours of someone erased, and no text anywhere holds who they were', async () => {
    const name = 'Ophelia';
    const surname = 'Wintersgill';
    const email = 'ophelia.wintersgill@example.org';
    const [id] = await withOrg((tx) =>
      addPeople(tx, [
        {
          organisationId: org.id,
          reference: 'OW-4242',
          firstName: name,
          lastName: surname,
          email,
          consents: ['register', 'contact_email'],
          kinds: ['customer'],
          needs: ['step_free'],
        },
      ]),
    );
    const personId = id!;
    const held = await activity(
      rung7,
      '2025-06-10 10:00',
      '2025-06-10 12:30',
      'planned',
      'Audit visit',
    );
    // A sign-up and a claim in their own words.
    await withOrg((tx) =>
      tx.execute(sql`
        with o as (insert into opportunities (organisation_id, initiative_id, title, status)
          values (${org.id}, ${rung7}, 'Quality checkers', 'published') returning id)
        insert into sign_ups (organisation_id, opportunity_id, person_id, take_part, message, status)
        select ${org.id}, o.id, ${personId}, ${`${name} would like to visit`}, ${`Welcome ${name}`}, 'accepted' from o`),
    );
    await withOrg((tx) =>
      tx.execute(sql`
        insert into expense_claims (organisation_id, person_id, activity_id, kind, amount_pence, description, receipt, receipt_type, receipt_name, incurred_on, status, reason)
        values (${org.id}, ${personId}, ${held}, 'travel', 420, ${`Bus fare for ${name} ${surname}`}, '\\x00'::bytea, 'image/png', ${`${surname}-ticket.png`}, '2025-06-10',
          'rejected', ${`${name} came by car`})`),
    );
    const before = (await profile()).counted.hours;
    const from = `/staff/activities/${held}`;
    const invited = await lead.post(`${from}/invitations`, { references: 'OW-4242' }, { from });
    assert.equal(invited.statusCode, 303);
    const [mail] = rowsOf<{ text_body: string }>(
      await testDb.database.system.execute(
        sql`select text_body from outbox where to_address = ${email}`,
      ),
    );
    const token = /\/rsvp\/([A-Za-z0-9_-]{43})/.exec(mail!.text_body)![1]!;
    // The activity is in the past: its link no longer takes answers, but still opens.
    assert.equal((await new TestClient(app).get(`/rsvp/${token}`)).statusCode, 200);
    const saved = await lead.post(
      `${from}/attendance`,
      { [`status-${personId}`]: 'attended', [`role-${personId}`]: 'Panel member' },
      { from },
    );
    assert.equal(saved.statusCode, 303);
    assert.equal((await profile()).counted.hours, before + 2.5);

    const erased = await lead.post(
      `/staff/people/${personId}/erase`,
      { confirm: 'OW-4242' },
      { from: `/staff/people/${personId}/erase` },
    );
    assert.equal(erased.statusCode, 303, erased.body.slice(0, 2000));

    assert.equal((await profile()).counted.hours, before + 2.5, 'their hours still count');
    const columns = rowsOf<{ table_name: string; column_name: string }>(
      await testDb.database.system.execute(sql`
        select table_name, column_name from information_schema.columns
        where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`),
    );
    for (const needle of [name, surname, email, 'OW-4242']) {
      for (const { table_name, column_name } of columns) {
        const hits = rowsOf(
          await testDb.database.system.execute(
            sql`select 1 from ${sql.identifier(table_name)} where ${sql.identifier(column_name)}::text ilike ${`%${needle}%`} limit 1`,
          ),
        );
        assert.equal(hits.length, 0, `${table_name}.${column_name} still holds ${needle}`);
      }
    }
    const [claim] = rowsOf<{ receipt: unknown; amount_pence: number }>(
      await testDb.database.system.execute(
        sql`select receipt, amount_pence from expense_claims where person_id = ${personId}`,
      ),
    );
    assert.equal(claim!.receipt, null);
    assert.equal(claim!.amount_pence, 420, 'the amount stays as a fact');
    assert.equal((await new TestClient(app).get(`/rsvp/${token}`)).statusCode, 404);
  });
});
