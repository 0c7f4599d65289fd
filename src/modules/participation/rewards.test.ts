import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { todayInLondon } from '../../platform/calendar/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { initiatives } from '../initiatives/index.ts';
import { addPeople } from '../people/index.ts';
import {
  budgetSpend,
  computeRewardsForActivity,
  levelOf,
  parsePounds,
  rewardFor,
  rewardTotals,
  taxYearOf,
  weekOf,
  type RewardPolicy,
} from './rewards.ts';
import { activities, attendance, expenseClaims, rewards } from './tables.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;
let staff: TestClient;
let initiativeId: string;

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const POLICY: RewardPolicy = {
  perHourPence: 1000,
  capPerActivityPence: 3000,
  weeklyThresholdPence: 2000,
  monthlyThresholdPence: 8000,
  taxYearThresholdPence: 100000,
};

const inOrg = <T>(work: (tx: Queryable) => Promise<T>) =>
  testDb.database.withOrganisation(org.id, work);
const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>) =>
  inOrg(async (tx) => rowsOf<T>(await tx.execute(text)));

let counter = 0;
async function person(firstName: string, lastName = 'Tester'): Promise<string> {
  counter += 1;
  const [id] = await inOrg((tx) =>
    addPeople(tx, [
      {
        organisationId: org.id,
        reference: `RW${counter}`,
        firstName,
        lastName,
        kinds: ['customer'],
      },
    ]),
  );
  return id!;
}

async function activity(startsAt: string, title = 'Tenant panel'): Promise<string> {
  const [row] = await inOrg((tx) =>
    tx
      .insert(activities)
      .values({
        organisationId: org.id,
        initiativeId,
        kind: 'meeting',
        title,
        startsAt: new Date(startsAt),
        endsAt: new Date(new Date(startsAt).getTime() + 2 * 3600_000),
        status: 'planned',
      })
      .returning({ id: activities.id }),
  );
  return row!.id;
}

async function attend(activityId: string, personId: string, status: string, hours: number) {
  await inOrg((tx) =>
    tx
      .insert(attendance)
      .values({ organisationId: org.id, activityId, personId, status, hours })
      .onConflictDoUpdate({
        target: [attendance.organisationId, attendance.activityId, attendance.personId],
        set: { status, hours },
      }),
  );
}

const compute = (activityId: string) =>
  inOrg((tx) => computeRewardsForActivity(tx, SYSTEM_ACTOR, activityId));

async function reward(
  personId: string,
  amountPence: number,
  earnedOn: string,
  extra: { status?: string; choice?: string; activityId?: string; paidOn?: string } = {},
) {
  await inOrg((tx) =>
    tx.insert(rewards).values({
      organisationId: org.id,
      personId,
      amountPence,
      earnedOn,
      status: extra.status ?? 'due',
      choice: extra.choice ?? 'voucher',
      activityId: extra.activityId ?? null,
      paidOn: extra.paidOn ?? null,
    }),
  );
}

const rewardsOf = (activityId: string) =>
  q<{ personId: string; amountPence: number; status: string; choice: string; earnedOn: string }>(
    sql`select person_id as "personId", amount_pence as "amountPence", status, choice,
      earned_on::text as "earnedOn" from rewards where activity_id = ${activityId}`,
  );

/** Posts the claim form as multipart, as a browser does, with its CSRF token. */
async function postClaim(
  personId: string,
  fields: Record<string, string>,
  file?: { name: string; type: string; content: Buffer },
) {
  const headers = signedInAs(org, ['involvement_lead']);
  const url = `/staff/rewards/people/${personId}/claims/new`;
  const page = await app.inject({ url, headers });
  assert.equal(page.statusCode, 200, page.body.slice(0, 500));
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const cookie = page.cookies.find((c) => c.name === 'csrf')!.value;
  const boundary = `----coproduce${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries({ _csrf: token, ...fields }))
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="receipt"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    cookies: { csrf: cookie },
    payload: Buffer.concat(parts),
  });
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  staff = new TestClient(app, signedInAs(org, ['staff']));
  const [row] = await inOrg((tx) =>
    tx
      .insert(initiatives)
      .values({ organisationId: org.id, title: 'Repairs panel', kind: 'panel', rung: 5 })
      .returning({ id: initiatives.id }),
  );
  initiativeId = row!.id;
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('periods and money', () => {
  it('puts 5 April in the tax year before and 6 April in the new one', () => {
    assert.deepEqual(taxYearOf('2026-04-05'), { year: 2025, from: '2025-04-06', to: '2026-04-05' });
    assert.deepEqual(taxYearOf('2026-04-06'), { year: 2026, from: '2026-04-06', to: '2027-04-05' });
    assert.equal(taxYearOf('2027-01-15').year, 2026);
  });

  it('counts weeks Monday to Sunday', () => {
    assert.deepEqual(weekOf('2026-05-13'), { from: '2026-05-11', to: '2026-05-17' });
    assert.deepEqual(weekOf('2026-05-11'), { from: '2026-05-11', to: '2026-05-17' });
    assert.deepEqual(weekOf('2026-05-17'), { from: '2026-05-11', to: '2026-05-17' });
  });

  it('works out a reward from hours, the rate and the cap, in whole pence', () => {
    assert.equal(rewardFor(2, POLICY), 2000);
    assert.equal(rewardFor(1.25, POLICY), 1250);
    assert.equal(rewardFor(5, POLICY), 3000, 'capped');
    assert.equal(rewardFor(5, { ...POLICY, capPerActivityPence: 0 }), 5000, '0 is no cap');
    assert.equal(rewardFor(1.33, { ...POLICY, perHourPence: 755 }), 1004);
  });

  it('says near at 80 % and over at 100 %', () => {
    assert.equal(levelOf(1599, 2000), null);
    assert.equal(levelOf(1600, 2000), 'near');
    assert.equal(levelOf(1999, 2000), 'near');
    assert.equal(levelOf(2000, 2000), 'over');
    assert.equal(levelOf(5000, 0), null, 'no threshold, no warning');
  });

  it('reads pounds as people type them', () => {
    assert.equal(parsePounds('10'), 1000);
    assert.equal(parsePounds('10.5'), 1050);
    assert.equal(parsePounds('£1,000.00'), 100000);
    assert.equal(parsePounds('ten'), null);
    assert.equal(parsePounds('1.234'), null);
    assert.equal(parsePounds('-5'), null);
  });
});

describe('rewards computed from attendance', () => {
  it('pays hours at the rate up to the cap, on the day of the activity in England', async () => {
    const two = await person('Two');
    const five = await person('Five');
    const quarter = await person('Quarter');
    const apologies = await person('Apologies');
    const none = await person('Nohours');
    // 23:30 UTC on 30 June is 00:30 on 1 July in England (BST).
    const id = await activity('2026-06-30T23:30:00Z');
    await attend(id, two, 'attended', 2);
    await attend(id, five, 'attended', 5);
    await attend(id, quarter, 'attended', 1.25);
    await attend(id, apologies, 'apologies', 0);
    await attend(id, none, 'attended', 0);
    const outcome = await compute(id);
    assert.deepEqual(outcome, { created: 3, updated: 0, removed: 0, flagged: 0 });
    const rows = await rewardsOf(id);
    const amount = (p: string) => rows.find((r) => r.personId === p)?.amountPence;
    assert.equal(amount(two), 2000);
    assert.equal(amount(five), 3000, 'capped at £30');
    assert.equal(amount(quarter), 1250);
    assert.equal(amount(apologies), undefined);
    assert.equal(amount(none), undefined);
    assert.ok(rows.every((r) => r.earnedOn === '2026-07-01' && r.status === 'due'));
    assert.ok(
      rows.every((r) => r.choice === 'voucher'),
      'the default choice',
    );
    assert.equal(await compute(UNKNOWN), null);
  });

  it('recomputes when attendance changes: unpaid follow, paid stay and are flagged', async () => {
    const a = await person('Alpha');
    const b = await person('Bravo');
    const c = await person('Charlie');
    const id = await activity('2026-05-12T10:00:00Z', 'Audit visit');
    await attend(id, a, 'attended', 2);
    await attend(id, b, 'attended', 2);
    await attend(id, c, 'attended', 2);
    await compute(id);
    await q(
      sql`update rewards set status = 'paid', paid_on = '2026-05-20' where activity_id = ${id} and person_id = ${c}`,
    );
    await attend(id, a, 'attended', 1);
    await attend(id, b, 'did_not_attend', 0);
    await attend(id, c, 'apologies', 0);
    const outcome = await compute(id);
    assert.deepEqual(outcome, { created: 0, updated: 1, removed: 1, flagged: 1 });
    const rows = await rewardsOf(id);
    assert.equal(rows.find((r) => r.personId === a)?.amountPence, 1000);
    assert.equal(
      rows.find((r) => r.personId === b),
      undefined,
      'an unpaid reward goes',
    );
    assert.equal(rows.find((r) => r.personId === c)?.status, 'paid', 'a paid reward stays');
    const page = await lead.get(`/staff/rewards/people/${c}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Check: no longer attended/);
    assert.match((await lead.get('/staff/rewards')).body, /Paid rewards to check/);
    const audits = await q<{ action: string }>(
      sql`select action from audit_log where entity = 'person' and entity_id = ${b} order by id`,
    );
    assert.deepEqual(
      audits.map((r) => r.action),
      ['reward.add', 'reward.remove'],
    );
  });

  it('flags a paid reward however its attendance is lost, and clears the flag when it comes back', async () => {
    const flagged = async (activityId: string, personId: string) =>
      (
        await q<{ lost: boolean }>(
          sql`select attendance_lost as lost from rewards where activity_id = ${activityId} and person_id = ${personId}`,
        )
      )[0]?.lost;
    const d = await person('Delta');
    const e = await person('Echo');
    const id = await activity('2026-05-14T10:00:00Z', 'Mystery shop');
    await attend(id, d, 'attended', 2);
    await attend(id, e, 'attended', 2);
    await compute(id);
    await q(
      sql`update rewards set status = 'paid', paid_on = '2026-05-20' where activity_id = ${id}`,
    );
    assert.equal(await flagged(id, d), false, 'paid with attendance: not flagged');
    // Attendance changed by any path (here a plain statement, not the register's page).
    await q(sql`update attendance set hours = 0 where activity_id = ${id} and person_id = ${d}`);
    assert.equal(await flagged(id, d), true, 'hours gone');
    assert.equal(await flagged(id, e), false, 'the other pair untouched');
    await q(sql`update attendance set hours = 1.5 where activity_id = ${id} and person_id = ${d}`);
    assert.equal(await flagged(id, d), false, 'hours back');
    await q(sql`delete from attendance where activity_id = ${id} and person_id = ${e}`);
    assert.equal(await flagged(id, e), true, 'attendance removed');
    await attend(id, e, 'attended', 3);
    assert.equal(await flagged(id, e), false, 'attendance added again');
    // A due reward is never flagged, and paying one whose attendance is gone flags it.
    await q(
      sql`update rewards set status = 'due', paid_on = null where activity_id = ${id} and person_id = ${e}`,
    );
    await q(
      sql`update attendance set status = 'apologies', hours = 0 where activity_id = ${id} and person_id = ${e}`,
    );
    assert.equal(await flagged(id, e), false, 'due: not flagged');
    await q(
      sql`update rewards set status = 'paid', paid_on = '2026-05-21' where activity_id = ${id} and person_id = ${e}`,
    );
    assert.equal(await flagged(id, e), true, 'paid with no attendance');
    const page = await lead.get('/staff/rewards');
    assert.match(page.body, /Paid rewards to check/);
    assert.match(page.body, /Echo/);
    assert.match((await lead.get(`/staff/rewards/people/${e}`)).body, /Check: no longer attended/);
    assert.doesNotMatch(
      (await lead.get(`/staff/rewards/people/${d}`)).body,
      /Check: no longer attended/,
    );
  });

  it("uses the person's standing choice for new rewards", async () => {
    const p = await person('Decliner');
    await reward(p, 500, '2026-01-10', { status: 'declined', choice: 'declined' });
    const id = await activity('2026-02-10T10:00:00Z', 'Workshop');
    await attend(id, p, 'attended', 1);
    await compute(id);
    const [row] = await rewardsOf(id);
    assert.equal(row!.choice, 'declined');
    assert.equal(row!.status, 'declined');
  });

  it('lets staff change the choice on an unpaid reward', async () => {
    const p = await person('Chooser');
    const id = await activity('2026-03-03T10:00:00Z', 'Drop-in');
    await attend(id, p, 'attended', 1);
    await compute(id);
    const [row] = await q<{ id: string }>(sql`select id from rewards where activity_id = ${id}`);
    const res = await lead.post(
      `/staff/rewards/people/${p}/choices`,
      { [`choice-${row!.id}`]: 'declined' },
      { from: `/staff/rewards/people/${p}` },
    );
    assert.equal(res.statusCode, 303);
    const [after] = await rewardsOf(id);
    assert.equal(after!.choice, 'declined');
    assert.equal(after!.status, 'declined');
    const page = await lead.get(`/staff/rewards/people/${p}`);
    assert.match(page.body, /Their choice now: Declined/);
  });
});

describe('threshold warnings', () => {
  it('fires for the week at 80 % and 100 %', async () => {
    const p = await person('Weekly');
    const today = '2026-05-13';
    await reward(p, 1600, '2026-05-11');
    await reward(p, 5000, '2026-05-10', { status: 'declined', choice: 'declined' });
    let totals = await inOrg((tx) => rewardTotals(tx, p, today, POLICY));
    const week = () => totals.periods.find((x) => x.period === 'week')!;
    assert.equal(week().totalPence, 1600, 'declined rewards do not count');
    assert.equal(week().level, 'near');
    await reward(p, 400, '2026-05-17');
    totals = await inOrg((tx) => rewardTotals(tx, p, today, POLICY));
    assert.equal(week().level, 'over');
    assert.ok(totals.warnings.some((w) => w.period === 'week' && w.level === 'over'));
  });

  it('fires for the tax year, which starts on 6 April', async () => {
    const p = await person('Yearly');
    await reward(p, 70000, '2026-04-05', { status: 'paid' });
    await reward(p, 79000, '2026-04-06', { status: 'paid' });
    const level = async (today: string) =>
      (await inOrg((tx) => rewardTotals(tx, p, today, POLICY))).periods.find(
        (x) => x.period === 'taxYear',
      )!;
    const before = await level('2026-04-05');
    assert.equal(before.totalPence, 70000);
    assert.equal(before.level, null);
    let now = await level('2026-06-01');
    assert.equal(now.totalPence, 79000, 'the 5 April reward belongs to the year before');
    assert.equal(now.level, null);
    await reward(p, 1000, '2026-05-01');
    now = await level('2026-06-01');
    assert.equal(now.level, 'near', '80 % of £1,000');
    await reward(p, 20000, '2027-04-05');
    now = await level('2027-04-05');
    assert.equal(now.level, 'over');
  });

  it('lists people near or over a threshold on the overview', async () => {
    const p = await person('Nearly', 'Overlimit');
    await reward(p, 1700, todayInLondon());
    const page = await lead.get('/staff/rewards');
    assert.equal(page.statusCode, 200);
    const section = page.body.slice(page.body.indexOf('id="warnings"'));
    assert.match(section, /Nearly Overlimit/);
    assert.match(section, /This week/);
    assert.match(section, />\s*Near\s*</);
    const own = await lead.get(`/staff/rewards/people/${p}`);
    assert.match(own.body, /Near the weekly threshold: £17.00 of £20.00 this week/);
  });
});

describe('the budget', () => {
  it('sets a budget and counts spend by quarter, leaving out declined rewards', async () => {
    const p = await person('Budget');
    await reward(p, 1000, '2030-04-01', { status: 'paid' });
    await reward(p, 2000, '2030-08-15', { status: 'due' });
    await reward(p, 5000, '2030-11-01', { status: 'declined', choice: 'declined' });
    await reward(p, 500, '2031-03-31', { status: 'paid' });
    await reward(p, 9900, '2031-04-01', { status: 'paid' });
    const res = await lead.post(
      '/staff/rewards/budget',
      { year: '2030', amount: '1,000.00' },
      { from: '/staff/rewards' },
    );
    assert.equal(res.statusCode, 303);
    const spend = await inOrg((tx) => budgetSpend(tx, 2030));
    assert.equal(spend.budgetPence, 100000);
    assert.deepEqual(
      spend.quarters.map((x) => x.totalPence),
      [1000, 2000, 0, 500],
    );
    assert.equal(spend.paidPence, 1500);
    assert.equal(spend.duePence, 2000);
    assert.equal(spend.remainingPence, 100000 - 3500);
    const page = await lead.get('/staff/rewards?year=2030');
    assert.match(page.body, /£35.00 of the £1,000.00 budget is paid or due/);
    assert.match(page.body, /role="img"/);
    assert.match(
      page.body,
      /<desc id="budget-chart-desc">Rewards paid or due by quarter: Q1 £10.00; Q2 £20.00; Q3 £0.00; Q4 £5.00/,
    );
    const [audit] = await q<{ after: { amountPence: number } }>(
      sql`select after from audit_log where entity = 'reward_budget' and entity_id = '2030'`,
    );
    assert.equal(audit!.after.amountPence, 100000);
  });

  it('refuses a budget that is not an amount, naming the field and keeping it', async () => {
    const res = await lead.post(
      '/staff/rewards/budget',
      { year: '2030', amount: 'lots' },
      { from: '/staff/rewards' },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /href="#budget-amount">Budget must be an amount in pounds/);
    assert.match(res.body, /value="lots"/);
  });
});

describe('paying rewards', () => {
  it('marks the chosen rewards as paid on a date', async () => {
    const p = await person('Payee');
    const id = await activity('2026-04-20T10:00:00Z', 'Pay me');
    await attend(id, p, 'attended', 2);
    await compute(id);
    const [row] = await q<{ id: string }>(sql`select id from rewards where activity_id = ${id}`);
    const none = await lead.post(
      '/staff/rewards/paid',
      { 'paidOn-day': '1', 'paidOn-month': '5', 'paidOn-year': '2026' },
      { from: '/staff/rewards' },
    );
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Select the rewards you have paid/);
    const res = await lead.post(
      '/staff/rewards/paid',
      { rewards: [row!.id], 'paidOn-day': '1', 'paidOn-month': '5', 'paidOn-year': '2026' },
      { from: '/staff/rewards' },
    );
    assert.equal(res.statusCode, 303);
    const [paid] = await q<{ status: string; paidOn: string }>(
      sql`select status, paid_on::text as "paidOn" from rewards where id = ${row!.id}`,
    );
    assert.deepEqual(paid, { status: 'paid', paidOn: '2026-05-01' });
  });
});

describe('the reward policy', () => {
  it('refuses a bad amount, naming the field and losing nothing', async () => {
    const res = await lead.post(
      '/staff/rewards/policy',
      {
        perHourPence: '12.50',
        capPerActivityPence: 'thirty',
        weeklyThresholdPence: '20',
        monthlyThresholdPence: '80',
        taxYearThresholdPence: '1000',
      },
      { from: '/staff/rewards/policy' },
    );
    assert.equal(res.statusCode, 400);
    assert.match(
      res.body,
      /href="#capPerActivityPence">Most for one activity must be an amount in pounds/,
    );
    assert.match(res.body, /value="12.50"/);
    assert.match(res.body, /value="thirty"/);
  });

  it('saves the policy in pounds, with an audit record', async () => {
    const res = await lead.post(
      '/staff/rewards/policy',
      {
        perHourPence: '12.50',
        capPerActivityPence: '40',
        weeklyThresholdPence: '20.00',
        monthlyThresholdPence: '80.00',
        taxYearThresholdPence: '1000.00',
      },
      { from: '/staff/rewards/policy' },
    );
    assert.equal(res.statusCode, 303);
    const page = await lead.get('/staff/rewards/policy');
    assert.match(page.body, /value="12.50"/);
    assert.match(page.body, /value="40.00"/);
    const [row] = await q<{ after: Record<string, number> }>(
      sql`select after from audit_log where entity = 'organisation_settings' order by id desc limit 1`,
    );
    assert.equal(row!.after.rewardPerHourPence, 1250);
    assert.equal(row!.after.rewardCapPerActivityPence, 4000);
    // Back to the defaults for the other tests.
    await lead.post(
      '/staff/rewards/policy',
      {
        perHourPence: '10',
        capPerActivityPence: '30',
        weeklyThresholdPence: '20',
        monthlyThresholdPence: '80',
        taxYearThresholdPence: '1000',
      },
      { from: '/staff/rewards/policy' },
    );
  });
});

describe('expense claims', () => {
  const fields = {
    kind: 'travel',
    amount: '12.40',
    'incurredOn-day': '2',
    'incurredOn-month': '5',
    'incurredOn-year': '2026',
    description: 'Bus there and back, typed before the upload',
  };
  const claimCount = async (personId: string) =>
    (await q(sql`select id from expense_claims where person_id = ${personId}`)).length;

  it('refuses an oversized receipt, keeps every other answer and saves nothing', async () => {
    const p = await person('Oversize');
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(5 * 1024 * 1024 + 10)]);
    const res = await postClaim(p, fields, {
      name: 'receipt.pdf',
      type: 'application/pdf',
      content: big,
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /href="#receipt">The receipt must be 5 MB or smaller/);
    assert.match(res.body, /value="12.40"/);
    assert.match(res.body, /Bus there and back, typed before the upload/);
    assert.match(res.body, /value="travel" checked/);
    assert.match(res.body, /name="incurredOn-month" type="text" value="5"|value="5"/);
    assert.equal(await claimCount(p), 0);
  });

  it('refuses a program renamed .pdf, by its first bytes', async () => {
    const p = await person('Wrongtype');
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00'), randomBytes(2048)]);
    const res = await postClaim(p, fields, {
      name: 'receipt.pdf',
      type: 'application/pdf',
      content: exe,
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /href="#receipt">The receipt must be a PDF, PNG or JPEG file/);
    assert.match(res.body, /value="12.40"/);
    assert.match(res.body, /Bus there and back/);
    assert.equal(await claimCount(p), 0);
  });

  it('asks for the receipt again when another answer was wrong', async () => {
    const p = await person('Again');
    const pdf = Buffer.from('%PDF-1.4\n% a receipt\n');
    const res = await postClaim(
      p,
      { ...fields, amount: '' },
      { name: 'r.pdf', type: 'application/pdf', content: pdf },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /href="#amount">Enter the amount/);
    assert.match(res.body, /Choose the receipt again/);
    assert.equal(await claimCount(p), 0);
  });

  it('saves a good PDF claim, which only rewards staff can download, and takes it through to paid', async () => {
    const p = await person('Goodclaim');
    const act = await activity('2026-04-30T09:00:00Z', 'Interview panel');
    await attend(act, p, 'attended', 3);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(1024)]);
    const res = await postClaim(
      p,
      { ...fields, activityId: act },
      { name: '../../etc/receipt.pdf', type: 'application/octet-stream', content: pdf },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 1000));
    const [claim] = await q<{
      id: string;
      status: string;
      receiptType: string;
      activityId: string;
      amountPence: number;
    }>(
      sql`select id, status, receipt_type as "receiptType", activity_id as "activityId",
        amount_pence as "amountPence" from expense_claims where person_id = ${p}`,
    );
    assert.equal(claim!.status, 'submitted');
    assert.equal(claim!.receiptType, 'application/pdf', 'the type the bytes say');
    assert.equal(claim!.activityId, act);
    assert.equal(claim!.amountPence, 1240);
    const download = await lead.get(`/staff/rewards/claims/${claim!.id}/receipt`);
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'application/pdf');
    assert.match(
      String(download.headers['content-disposition']),
      /^attachment; filename="receipt-2026-05-02.pdf"$/,
    );
    assert.ok(download.rawPayload.equals(pdf));
    assert.equal((await staff.get(`/staff/rewards/claims/${claim!.id}/receipt`)).statusCode, 403);
    const [added] = await q<{ after: Record<string, unknown> }>(
      sql`select after from audit_log where action = 'expense.add' and entity_id = ${p}`,
    );
    assert.match(String(added!.after.receipt), /^application\/pdf, 1033 bytes$/);
    assert.ok(!JSON.stringify(added!.after).includes('PDF-1.4'), 'no receipt bytes in the audit');

    const from = `/staff/rewards/people/${p}`;
    assert.equal(
      (await lead.post(`/staff/rewards/claims/${claim!.id}/approve`, {}, { from })).statusCode,
      303,
    );
    const noDate = await lead.post(`/staff/rewards/claims/${claim!.id}/paid`, {}, { from });
    assert.equal(noDate.statusCode, 400);
    assert.match(noDate.body, /Enter the date paid/);
    const paid = await lead.post(
      `/staff/rewards/claims/${claim!.id}/paid`,
      {
        [`paidOn-${claim!.id}-day`]: '10',
        [`paidOn-${claim!.id}-month`]: '5',
        [`paidOn-${claim!.id}-year`]: '2026',
      },
      { from },
    );
    assert.equal(paid.statusCode, 303);
    const [after] = await q<{ status: string; paidOn: string }>(
      sql`select status, paid_on::text as "paidOn" from expense_claims where id = ${claim!.id}`,
    );
    assert.deepEqual(after, { status: 'paid', paidOn: '2026-05-10' });
  });

  it('rejects a claim only with a reason, and shows the reason', async () => {
    const p = await person('Rejected');
    assert.equal((await postClaim(p, fields)).statusCode, 303, 'a receipt is optional');
    const [claim] = await q<{ id: string }>(
      sql`select id from expense_claims where person_id = ${p}`,
    );
    const from = `/staff/rewards/people/${p}`;
    const bare = await lead.post(
      `/staff/rewards/claims/${claim!.id}/reject`,
      { reason: '' },
      { from },
    );
    assert.equal(bare.statusCode, 400);
    assert.match(
      bare.body,
      new RegExp(`href="#reason-${claim!.id}">Enter the reason for rejecting`),
    );
    const res = await lead.post(
      `/staff/rewards/claims/${claim!.id}/reject`,
      { reason: 'This journey was paid by the taxi account' },
      { from },
    );
    assert.equal(res.statusCode, 303);
    const page = await lead.get(from);
    assert.match(page.body, /This journey was paid by the taxi account/);
    assert.match(page.body, /Rejected/);
    const again = await lead.post(`/staff/rewards/claims/${claim!.id}/approve`, {}, { from });
    assert.match(String(again.headers.location), /unchanged=1/);
  });
});

describe('the yearly statement', () => {
  it("lists the tax year's rewards and paid expenses, and nothing from the year before", async () => {
    const p = await person('Statement', 'Holder');
    const inYear = await activity('2026-04-06T09:00:00Z', 'First of the year');
    const yearBefore = await activity('2026-04-05T09:00:00Z', 'Last of the old year');
    await attend(inYear, p, 'attended', 2);
    await attend(yearBefore, p, 'attended', 1);
    await compute(inYear);
    await compute(yearBefore);
    await inOrg((tx) =>
      tx.insert(expenseClaims).values({
        organisationId: org.id,
        personId: p,
        kind: 'childcare',
        amountPence: 2500,
        incurredOn: '2026-06-01',
        status: 'paid',
        paidOn: '2026-06-05',
      }),
    );
    const page = await lead.get(`/staff/rewards/people/${p}/statement?year=2026`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /First of the year/);
    assert.doesNotMatch(page.body, /Last of the old year/);
    assert.match(page.body, /6 April 2026 to 5 April 2027/);
    assert.match(page.body, /Childcare/);
    assert.match(page.body, /£25.00/);
    assert.match(page.body, /Rewards we still need to pay you<\/dt>\s*<dd[^>]*>£20.00/);
    assert.match(page.body, /@page \{ size: A4/);
    const before = await lead.get(`/staff/rewards/people/${p}/statement?year=2025`);
    assert.match(before.body, /Last of the old year/);
  });
});

describe('the finance export', () => {
  it('streams rewards and claims as CSV, neutralising a name that starts with =', async () => {
    const p = await person('=HYPERLINK("http://evil.example")', 'Formula');
    await reward(p, 2000, '2029-05-01', {
      status: 'paid',
      choice: 'payment',
      paidOn: '2029-05-01',
    });
    await inOrg((tx) =>
      tx.insert(expenseClaims).values({
        organisationId: org.id,
        personId: p,
        kind: 'travel',
        amountPence: 350,
        incurredOn: '2029-05-02',
      }),
    );
    const res = await lead.get('/staff/rewards/export.csv?from=2029-04-01&to=2029-05-31');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /^attachment/);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.equal(
      lines[0],
      'Date,Person reference,Person name,Kind,Activity,Amount (£),Choice,Status,Paid on',
    );
    assert.equal(lines.length, 3);
    assert.match(
      lines[1]!,
      /^2029-05-01,RW\d+,"'=HYPERLINK\(""http:\/\/evil.example""\) Formula",Reward,,20.00,Payment,Paid,2029-05-01$/,
    );
    assert.match(lines[2]!, /^2029-05-02,RW\d+,.*,Travel,,3.50,,Waiting for a decision,$/);
    const [audit] = await q<{ after: { from: string } }>(
      sql`select after from audit_log where entity = 'rewards' and action = 'export'`,
    );
    assert.equal(audit!.after.from, '2029-04-01');
    const bad = await lead.get('/staff/rewards/export.csv?from=2029-02-30&to=2029-05-31');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#from-day">The start date must be a real date/);
  });
});

describe('who may use the rewards pages', () => {
  it('refuses staff without rewards:manage', async () => {
    const p = await person('Private');
    for (const url of [
      '/staff/rewards',
      '/staff/rewards/policy',
      `/staff/rewards/people/${p}`,
      `/staff/rewards/people/${p}/statement`,
      `/staff/rewards/people/${p}/claims/new`,
      '/staff/rewards/export.csv',
    ])
      assert.equal((await staff.get(url)).statusCode, 403, url);
  });

  it('declares rewards:manage on every route, and answers each caller as the route walk expects', async () => {
    const mine = app.routeCatalogue.filter((r) => r.url.startsWith('/staff/rewards'));
    assert.ok(mine.length >= 14, `found ${mine.length} routes`);
    const other = await makeOrganisation(testDb.database, { slug: 'rewards-elsewhere' });
    for (const route of mine) {
      assert.equal(route.access, 'rewards:manage', route.url);
      const url = route.url.replace(/:[a-zA-Z]+/g, UNKNOWN);
      const call = (client: TestClient) =>
        route.method === 'GET' ? client.get(url) : client.post(url, {}, { from: '/sign-in' });
      const name = `${route.method} ${route.url}`;
      assert.equal((await call(new TestClient(app))).statusCode, 303, `${name} signed out`);
      assert.equal((await call(staff)).statusCode, 403, `${name} as staff`);
      const elsewhere = await call(new TestClient(app, signedInAs(other, ['involvement_lead'])));
      assert.ok([403, 404].includes(elsewhere.statusCode), `${name} elsewhere`);
      const ok = await call(lead);
      assert.ok(
        ok.statusCode < 500 && ![401, 403].includes(ok.statusCode),
        `${name}: ${ok.statusCode}`,
      );
      if (route.url.includes(':')) assert.equal(ok.statusCode, 404, `${name} unknown id`);
    }
  });

  it('answers 404 for ids that do not exist', async () => {
    for (const url of [
      `/staff/rewards/people/${UNKNOWN}`,
      `/staff/rewards/people/${UNKNOWN}/statement`,
      `/staff/rewards/people/${UNKNOWN}/claims/new`,
      `/staff/rewards/claims/${UNKNOWN}/receipt`,
      '/staff/rewards/people/not-an-id',
    ])
      assert.equal((await lead.get(url)).statusCode, 404, url);
    for (const url of [
      `/staff/rewards/claims/${UNKNOWN}/approve`,
      `/staff/rewards/claims/${UNKNOWN}/reject`,
      `/staff/rewards/people/${UNKNOWN}/choices`,
    ])
      assert.equal((await lead.post(url, {}, { from: '/staff/rewards' })).statusCode, 404, url);
  });
});

describe('the overview', () => {
  it('keeps its query count flat as rewards grow', async () => {
    const count = async () => (await testDb.countQueries(() => lead.get('/staff/rewards'))).queries;
    const before = await count();
    const ids = await inOrg((tx) =>
      addPeople(
        tx,
        Array.from({ length: 60 }, (_, i) => ({
          organisationId: org.id,
          reference: `BULK${i}`,
          firstName: `Bulk${i}`,
          lastName: 'Person',
          kinds: ['customer'],
        })),
      ),
    );
    const today = todayInLondon();
    await inOrg((tx) =>
      tx.insert(rewards).values(
        ids.flatMap((personId, i) => [
          { organisationId: org.id, personId, amountPence: 1900, earnedOn: today },
          {
            organisationId: org.id,
            personId,
            amountPence: 500,
            earnedOn: today,
            status: i % 2 ? 'paid' : 'due',
          },
        ]),
      ),
    );
    const afterCount = await count();
    assert.equal(afterCount, before);
    const page = await lead.get('/staff/rewards');
    assert.match(page.body, /Bulk59 Person/);
  });
});
