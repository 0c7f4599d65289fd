import { and, eq, inArray, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import * as periods from '../../platform/periods/index.ts';
import { readModuleSettings } from '../../platform/tenancy/module-settings.ts';
import { participationSettings } from './settings.ts';
import { attendance, expenseClaims, rewardBudgets, rewards } from './tables.ts';

/**
 * Rewards and expenses within a budget (issue 5 §7): rewards computed from
 * attendance under the organisation's policy, each person's standing choice
 * (payment, voucher or decline), totals by week, month and tax year with
 * warnings near a threshold, expense claims with receipts, the reward budget
 * by quarter, the yearly statement and the finance export.
 *
 * Money is in pence (integers) everywhere; dates are ISO calendar dates
 * (YYYY-MM-DD) as they fall in England.
 */

// ---------------------------------------------------------------------------
// The policy

export interface RewardPolicy {
  perHourPence: number;
  /** 0: no cap. */
  capPerActivityPence: number;
  /** 0: no warning for that period. */
  weeklyThresholdPence: number;
  monthlyThresholdPence: number;
  taxYearThresholdPence: number;
}

/** The policy fields as organisation settings name them. */
export const POLICY_SETTINGS = {
  perHourPence: 'rewardPerHourPence',
  capPerActivityPence: 'rewardCapPerActivityPence',
  weeklyThresholdPence: 'rewardWeeklyThresholdPence',
  monthlyThresholdPence: 'rewardMonthlyThresholdPence',
  taxYearThresholdPence: 'rewardTaxYearThresholdPence',
} as const;

/** The reward policy of the transaction's organisation, defaults filled in. */
export async function readPolicy(tx: Queryable): Promise<RewardPolicy> {
  const settings = await readModuleSettings(tx, null, participationSettings);
  const policy = {} as RewardPolicy;
  for (const [field, setting] of Object.entries(POLICY_SETTINGS))
    policy[field as keyof RewardPolicy] = settings[setting];
  return policy;
}

/** A reward for hours at the policy's rate, in whole pence, capped per activity. */
export function rewardFor(hours: number, policy: RewardPolicy): number {
  const amount = Math.round((Math.round(hours * 100) * policy.perHourPence) / 100);
  return policy.capPerActivityPence > 0 ? Math.min(amount, policy.capPerActivityPence) : amount;
}

// ---------------------------------------------------------------------------
// Periods. ISO dates on UTC midnights, where no clock change can move a day.

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The ISO date n days after (before, when negative) another. */
export function addDays(iso: string, n: number): string {
  return isoOf(dayNumber(iso) + n);
}

/** A span of days, both ends included. */
export interface Period {
  from: string;
  to: string;
}

/** The week (Monday to Sunday) a day falls in. */
export function weekOf(iso: string): Period {
  const day = dayNumber(iso);
  const monday = day - ((((day + 3) % 7) + 7) % 7); // 1970-01-01 was a Thursday
  return { from: isoOf(monday), to: isoOf(monday + 6) };
}

/** The calendar month a day falls in. */
export function monthOf(iso: string): Period {
  const [y, m] = iso.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return { from: `${y}-${mm}-01`, to: `${y}-${mm}-${String(last).padStart(2, '0')}` };
}

export interface TaxYear extends Period {
  /** The calendar year it starts in: tax year 2026 runs 6 April 2026 to 5 April 2027. */
  year: number;
}

/** The UK tax year (6 April to 5 April) a day falls in, from platform/periods. */
export function taxYearOf(iso: string): TaxYear {
  return taxYear(periods.taxYearOf(iso).year);
}

/** Tax year `year`: 6 April `year` to 5 April the year after (platform/periods). */
export function taxYear(year: number): TaxYear {
  const { from, to } = periods.taxYear(year);
  return { year, from, to };
}

export interface FinancialYear extends Period {
  /** The calendar year it starts in: 2026 runs 1 April 2026 to 31 March 2027. */
  year: number;
}

/** The financial year (1 April to 31 March) the reward budget is set for (platform/periods). */
export function financialYear(year: number): FinancialYear {
  const { from, to } = periods.financialYear(year);
  return { year, from, to };
}

/** The financial year a day falls in. */
export function financialYearOf(iso: string): FinancialYear {
  return financialYear(periods.financialYearOf(iso).year);
}

/** The four quarters of a financial year: Q1 April to June … Q4 January to March. */
export function quartersOf(year: number): Array<Period & { quarter: number }> {
  return periods.quartersOf(year).map(({ quarter, from, to }) => ({ quarter: quarter!, from, to }));
}

// ---------------------------------------------------------------------------
// Thresholds
//
// [R] Our reading, not advice: a reward can count as income for welfare
// benefits. Some benefits are assessed week by week (for example legacy
// benefits such as Employment and Support Allowance or Income Support, with
// a weekly "permitted work" or earnings disregard limit), Universal Credit
// by monthly assessment period, and income tax and some benefit rules by the
// tax year from 6 April. Vouchers can count as well as money. Expenses paid
// back at cost (travel, childcare, replacement care) are usually not income,
// so the totals and warnings count rewards only, paid or due; declined
// rewards are not counted. The organisation sets a threshold for each period;
// we warn at 80 % ("near") and at 100 % ("over") so staff can talk to the
// person, who may want to decline or spread payments, before it matters.

export const PERIODS = ['week', 'month', 'taxYear'] as const;
export type PeriodName = (typeof PERIODS)[number];
export type WarningLevel = 'near' | 'over';

/** Near at 80 % of the threshold, over at 100 %; a threshold of 0 gives no warning. */
export function levelOf(totalPence: number, thresholdPence: number): WarningLevel | null {
  if (thresholdPence <= 0) return null;
  if (totalPence >= thresholdPence) return 'over';
  if (totalPence * 100 >= thresholdPence * 80) return 'near';
  return null;
}

const thresholdOf = (policy: RewardPolicy, period: PeriodName) =>
  period === 'week'
    ? policy.weeklyThresholdPence
    : period === 'month'
      ? policy.monthlyThresholdPence
      : policy.taxYearThresholdPence;

/** The week, month and tax year a day falls in. */
export function periodsOf(today: string): Record<PeriodName, Period> {
  return { week: weekOf(today), month: monthOf(today), taxYear: taxYearOf(today) };
}

export interface PeriodTotal extends Period {
  period: PeriodName;
  totalPence: number;
  thresholdPence: number;
  level: WarningLevel | null;
}

export interface RewardTotals {
  periods: PeriodTotal[];
  /** The periods near or over their threshold. */
  warnings: PeriodTotal[];
}

/**
 * A person's rewards (paid and due, declined left out) this week, this month
 * and this tax year, each against its threshold, in one query.
 */
export async function rewardTotals(
  tx: Queryable,
  personId: string,
  today: string,
  policy?: RewardPolicy,
): Promise<RewardTotals> {
  const rules = policy ?? (await readPolicy(tx));
  const spans = periodsOf(today);
  const [row] = rowsOf<Record<PeriodName, number>>(
    await tx.execute(sql`
      select
        coalesce(sum(amount_pence) filter (where earned_on between ${spans.week.from} and ${spans.week.to}), 0)::float8 as week,
        coalesce(sum(amount_pence) filter (where earned_on between ${spans.month.from} and ${spans.month.to}), 0)::float8 as month,
        coalesce(sum(amount_pence) filter (where earned_on between ${spans.taxYear.from} and ${spans.taxYear.to}), 0)::float8 as "taxYear"
      from rewards
      where person_id = ${personId} and status <> 'declined'`),
  );
  const periods = PERIODS.map((period): PeriodTotal => {
    const totalPence = Number(row?.[period] ?? 0);
    const thresholdPence = thresholdOf(rules, period);
    return {
      period,
      ...spans[period],
      totalPence,
      thresholdPence,
      level: levelOf(totalPence, thresholdPence),
    };
  });
  return { periods, warnings: periods.filter((p) => p.level) };
}

export interface PersonWarning {
  personId: string;
  reference: string;
  name: string;
  periods: PeriodTotal[];
}

/**
 * Everyone near or over a threshold this week, this month or this tax year,
 * in one query: the rewards summed a person first, and only those near a
 * threshold joined to the register (joining every reward's person first took
 * twice as long at a large landlord's 50,000 rewards).
 */
export async function thresholdWarnings(
  tx: Queryable,
  today: string,
  policy: RewardPolicy,
): Promise<PersonWarning[]> {
  const spans = periodsOf(today);
  const from = [spans.week.from, spans.month.from, spans.taxYear.from].sort()[0]!;
  const to = [spans.week.to, spans.month.to, spans.taxYear.to].sort()[2]!;
  const limit = (pence: number) =>
    pence > 0 ? Math.ceil((pence * 80) / 100) : Number.MAX_SAFE_INTEGER;
  const rows = rowsOf<{
    personId: string;
    reference: string;
    firstName: string;
    lastName: string;
    week: number;
    month: number;
    taxYear: number;
  }>(
    await tx.execute(sql`
      select t.*, p.reference, p.first_name as "firstName", p.last_name as "lastName"
      from (
        select r.person_id as "personId",
          coalesce(sum(r.amount_pence) filter (where r.earned_on between ${spans.week.from} and ${spans.week.to}), 0)::float8 as week,
          coalesce(sum(r.amount_pence) filter (where r.earned_on between ${spans.month.from} and ${spans.month.to}), 0)::float8 as month,
          coalesce(sum(r.amount_pence) filter (where r.earned_on between ${spans.taxYear.from} and ${spans.taxYear.to}), 0)::float8 as "taxYear"
        from rewards r
        where r.status <> 'declined' and r.earned_on between ${from} and ${to}
        group by r.person_id
      ) t join register_people p on p.id = t."personId"
      where t.week >= ${limit(policy.weeklyThresholdPence)}
        or t.month >= ${limit(policy.monthlyThresholdPence)}
        or t."taxYear" >= ${limit(policy.taxYearThresholdPence)}
      order by p.last_name, p.first_name, p.reference
      limit 500`),
  );
  return rows.map((row) => ({
    personId: row.personId,
    reference: row.reference,
    name: `${row.firstName} ${row.lastName}`.trim(),
    periods: PERIODS.map((period) => {
      const totalPence = Number(row[period]);
      const thresholdPence = thresholdOf(policy, period);
      return {
        period,
        ...spans[period],
        totalPence,
        thresholdPence,
        level: levelOf(totalPence, thresholdPence),
      };
    }).filter((p) => p.level),
  }));
}

// ---------------------------------------------------------------------------
// Computing rewards from attendance

export const CHOICES = ['payment', 'voucher', 'declined'] as const;
export type RewardChoice = (typeof CHOICES)[number];

/**
 * When a person has no reward yet, their choice is the table's default,
 * 'voucher'. After that, a person's standing choice is the choice on their
 * most recent reward (by the day it counts, then when it was made): there is
 * no column for it on people, and staff change it on the person's rewards
 * page, reward by reward.
 */
export const DEFAULT_CHOICE: RewardChoice = 'voucher';

/** The standing choice of each person who has a reward (see DEFAULT_CHOICE). */
export async function standingChoices(
  tx: Queryable,
  personIds: string[],
): Promise<Map<string, RewardChoice>> {
  if (personIds.length === 0) return new Map();
  const rows = rowsOf<{ personId: string; choice: RewardChoice }>(
    await tx.execute(sql`
      select distinct on (person_id) person_id as "personId", choice from rewards
      where person_id in (${sql.join(
        personIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})
      order by person_id, earned_on desc, created_at desc`),
  );
  return new Map(rows.map((r) => [r.personId, r.choice]));
}

const statusForChoice = (choice: RewardChoice) => (choice === 'declined' ? 'declined' : 'due');

export interface ComputeOutcome {
  created: number;
  updated: number;
  removed: number;
  /** Paid rewards kept for people no longer recorded as attending. */
  flagged: number;
}

/**
 * Computes the activity's rewards from its attendance register: for each
 * person who attended with hours, min(hours × rate, cap) in whole pence,
 * counting on the activity's day in England. Upserted by activity and person,
 * so it is safe to run again whenever attendance changes: an unpaid reward
 * follows the hours, and goes when the person is no longer recorded as
 * attending; a paid reward stays as paid (and is flagged on the pages).
 * Null when there is no such activity.
 */
export async function computeRewardsForActivity(
  tx: Queryable,
  actor: Actor,
  activityId: string,
): Promise<ComputeOutcome | null> {
  const [activity] = rowsOf<{ earnedOn: string }>(
    await tx.execute(sql`
      select ((starts_at at time zone 'Europe/London')::date)::text as "earnedOn"
      from activities where id = ${activityId}`),
  );
  if (!activity) return null;
  const policy = await readPolicy(tx);
  const attended = await tx
    .select({ personId: attendance.personId, hours: attendance.hours })
    .from(attendance)
    .where(
      and(
        eq(attendance.activityId, activityId),
        eq(attendance.status, 'attended'),
        sql`${attendance.hours} > 0`,
      ),
    );
  const existing = await tx
    .select({
      id: rewards.id,
      personId: rewards.personId,
      amountPence: rewards.amountPence,
      status: rewards.status,
      earnedOn: rewards.earnedOn,
    })
    .from(rewards)
    .where(eq(rewards.activityId, activityId));
  const byPerson = new Map(existing.map((r) => [r.personId, r]));
  const due = new Map<string, number>();
  for (const row of attended) {
    const amount = rewardFor(Number(row.hours), policy);
    if (amount > 0) due.set(row.personId, amount);
  }
  const newcomers = [...due.keys()].filter((id) => !byPerson.has(id));
  const choices = await standingChoices(tx, newcomers);
  const outcome: ComputeOutcome = { created: 0, updated: 0, removed: 0, flagged: 0 };

  if (newcomers.length > 0) {
    const inserted = await tx
      .insert(rewards)
      .values(
        newcomers.map((personId) => {
          const choice = choices.get(personId) ?? DEFAULT_CHOICE;
          return {
            organisationId: sql`app_organisation_id()`,
            personId,
            activityId,
            amountPence: due.get(personId)!,
            choice,
            status: statusForChoice(choice),
            earnedOn: activity.earnedOn,
          };
        }),
      )
      .onConflictDoNothing()
      .returning({
        id: rewards.id,
        personId: rewards.personId,
        amountPence: rewards.amountPence,
        choice: rewards.choice,
        status: rewards.status,
      });
    for (const row of inserted) {
      outcome.created += 1;
      await audit(tx, actor, {
        action: 'reward.add',
        entity: 'person',
        entityId: row.personId,
        after: {
          rewardId: row.id,
          activityId,
          amountPence: row.amountPence,
          choice: row.choice,
          status: row.status,
          earnedOn: activity.earnedOn,
        },
      });
    }
  }

  for (const reward of existing) {
    const amount = due.get(reward.personId);
    if (reward.status === 'paid') {
      if (amount === undefined) outcome.flagged += 1;
      continue;
    }
    if (amount === undefined) {
      await tx.delete(rewards).where(eq(rewards.id, reward.id));
      outcome.removed += 1;
      await audit(tx, actor, {
        action: 'reward.remove',
        entity: 'person',
        entityId: reward.personId,
        before: {
          rewardId: reward.id,
          activityId,
          amountPence: reward.amountPence,
          status: reward.status,
        },
      });
      continue;
    }
    if (amount === reward.amountPence && reward.earnedOn === activity.earnedOn) continue;
    await tx
      .update(rewards)
      .set({ amountPence: amount, earnedOn: activity.earnedOn })
      .where(eq(rewards.id, reward.id));
    outcome.updated += 1;
    await audit(tx, actor, {
      action: 'reward.change',
      entity: 'person',
      entityId: reward.personId,
      before: { rewardId: reward.id, amountPence: reward.amountPence, earnedOn: reward.earnedOn },
      after: { rewardId: reward.id, amountPence: amount, earnedOn: activity.earnedOn },
    });
  }
  return outcome;
}

// ---------------------------------------------------------------------------
// Paying and choosing

/**
 * The ids among `rewardIds` that are not rewards due in this organisation
 * (the transaction's): another organisation's, made up, or no longer due.
 */
export async function notDueRewards(tx: Queryable, rewardIds: string[]): Promise<string[]> {
  if (rewardIds.length === 0) return [];
  const due = await tx
    .select({ id: rewards.id })
    .from(rewards)
    .where(and(inArray(rewards.id, rewardIds), eq(rewards.status, 'due')));
  const found = new Set(due.map((r) => r.id));
  return rewardIds.filter((id) => !found.has(id));
}

/** Marks due rewards as paid on a day; the others chosen are left as they are. */
export async function markRewardsPaid(
  tx: Queryable,
  actor: Actor,
  rewardIds: string[],
  paidOn: string,
): Promise<number> {
  if (rewardIds.length === 0) return 0;
  const paid = await tx
    .update(rewards)
    .set({ status: 'paid', paidOn })
    .where(and(inArray(rewards.id, rewardIds), eq(rewards.status, 'due')))
    .returning({ id: rewards.id, personId: rewards.personId, amountPence: rewards.amountPence });
  for (const row of paid)
    await audit(tx, actor, {
      action: 'reward.paid',
      entity: 'person',
      entityId: row.personId,
      before: { rewardId: row.id, status: 'due' },
      after: { rewardId: row.id, status: 'paid', paidOn, amountPence: row.amountPence },
    });
  return paid.length;
}

/**
 * Changes the person's choice on unpaid rewards: declining makes a reward
 * 'declined' (not counted, not paid), and a payment or voucher makes it due.
 * Paid rewards keep the choice they were paid under.
 */
export async function changeRewardChoices(
  tx: Queryable,
  actor: Actor,
  personId: string,
  changes: Array<{ rewardId: string; choice: RewardChoice }>,
): Promise<number> {
  if (changes.length === 0) return 0;
  const current = await tx
    .select({ id: rewards.id, choice: rewards.choice, status: rewards.status })
    .from(rewards)
    .where(
      and(
        eq(rewards.personId, personId),
        inArray(
          rewards.id,
          changes.map((c) => c.rewardId),
        ),
      ),
    );
  let changed = 0;
  for (const row of current) {
    const choice = changes.find((c) => c.rewardId === row.id)!.choice;
    if (row.status === 'paid' || row.choice === choice) continue;
    const status = statusForChoice(choice);
    await tx.update(rewards).set({ choice, status }).where(eq(rewards.id, row.id));
    await audit(tx, actor, {
      action: 'reward.choice',
      entity: 'person',
      entityId: personId,
      before: { rewardId: row.id, choice: row.choice, status: row.status },
      after: { rewardId: row.id, choice, status },
    });
    changed += 1;
  }
  return changed;
}

// ---------------------------------------------------------------------------
// The budget

export interface QuarterSpend extends Period {
  quarter: number;
  paidPence: number;
  duePence: number;
  /** Paid and due: what counts against the budget. */
  totalPence: number;
  /** Expenses approved or paid, shown beside the rewards; not in the reward budget. */
  expensesPence: number;
}

export interface BudgetSpend extends FinancialYear {
  budgetPence: number | null;
  quarters: QuarterSpend[];
  paidPence: number;
  duePence: number;
  totalPence: number;
  expensesPence: number;
  /** Budget less spend; null without a budget; negative when overspent. */
  remainingPence: number | null;
}

/**
 * The reward budget of a financial year and the rewards against it by
 * quarter (paid and due; declined rewards cost nothing), in two queries.
 */
export async function budgetSpend(tx: Queryable, year: number): Promise<BudgetSpend> {
  const span = financialYear(year);
  const [budget] = await tx
    .select({ amountPence: rewardBudgets.amountPence })
    .from(rewardBudgets)
    .where(eq(rewardBudgets.year, year));
  // The quarter of each day, from the platform's quarters rather than months written again here.
  const quarterCase = (column: string) =>
    sql`case ${sql.join(
      quartersOf(year).map(
        (q) =>
          sql`when ${sql.raw(column)} between ${q.from} and ${q.to} then ${sql.raw(String(q.quarter))}`,
      ),
      sql` `,
    )} end`;
  const rows = rowsOf<{ quarter: number; paid: number; due: number; expenses: number }>(
    await tx.execute(sql`
      select quarter::int as quarter, sum(paid)::float8 as paid, sum(due)::float8 as due,
        sum(expenses)::float8 as expenses
      from (
        select ${quarterCase('earned_on')} as quarter,
          case when status = 'paid' then amount_pence else 0 end as paid,
          case when status = 'due' then amount_pence else 0 end as due,
          0 as expenses
        from rewards
        where earned_on between ${span.from} and ${span.to} and status in ('paid', 'due')
        union all
        select ${quarterCase('incurred_on')}, 0, 0, amount_pence
        from expense_claims
        where incurred_on between ${span.from} and ${span.to} and status in ('approved', 'paid')
      ) spend
      group by quarter`),
  );
  const quarters = quartersOf(year).map((q): QuarterSpend => {
    const row = rows.find((r) => Number(r.quarter) === q.quarter);
    const paidPence = Number(row?.paid ?? 0);
    const duePence = Number(row?.due ?? 0);
    return {
      ...q,
      paidPence,
      duePence,
      totalPence: paidPence + duePence,
      expensesPence: Number(row?.expenses ?? 0),
    };
  });
  const sum = (key: 'paidPence' | 'duePence' | 'totalPence' | 'expensesPence') =>
    quarters.reduce((total, q) => total + q[key], 0);
  const budgetPence = budget?.amountPence ?? null;
  return {
    ...span,
    budgetPence,
    quarters,
    paidPence: sum('paidPence'),
    duePence: sum('duePence'),
    totalPence: sum('totalPence'),
    expensesPence: sum('expensesPence'),
    remainingPence: budgetPence === null ? null : budgetPence - sum('totalPence'),
  };
}

/** Sets the reward budget for a financial year, with an audit record. */
export async function setBudget(
  tx: Queryable,
  actor: Actor,
  year: number,
  amountPence: number,
): Promise<void> {
  const [before] = await tx
    .select({ amountPence: rewardBudgets.amountPence })
    .from(rewardBudgets)
    .where(eq(rewardBudgets.year, year));
  await tx
    .insert(rewardBudgets)
    .values({ organisationId: sql`app_organisation_id()`, year, amountPence })
    .onConflictDoUpdate({
      target: [rewardBudgets.organisationId, rewardBudgets.year],
      set: { amountPence },
    });
  await audit(tx, actor, {
    action: 'update',
    entity: 'reward_budget',
    entityId: String(year),
    before: before ? { year, amountPence: before.amountPence } : null,
    after: { year, amountPence },
  });
}

// ---------------------------------------------------------------------------
// The overview's lists

export interface DueReward {
  id: string;
  personId: string;
  reference: string;
  name: string;
  activity: string | null;
  amountPence: number;
  choice: RewardChoice;
  earnedOn: string;
}

export const DUE_LIST_LIMIT = 200;

/**
 * The oldest rewards due to pay (up to DUE_LIST_LIMIT, the oldest by day
 * along the partial index rewards_due_idx, then shown by name within a day)
 * and how many there are, in one query.
 */
export async function dueRewards(tx: Queryable): Promise<{ rows: DueReward[]; total: number }> {
  const rows = rowsOf<DueReward & { firstName: string; lastName: string; total: number }>(
    await tx.execute(sql`
      select r.id, r.person_id as "personId", p.reference, p.first_name as "firstName",
        p.last_name as "lastName", a.title as activity, r.amount_pence as "amountPence",
        r.choice, r.earned_on::text as "earnedOn",
        (select count(*)::int from rewards where status = 'due') as total
      from (select * from rewards where status = 'due'
            order by earned_on, id limit ${DUE_LIST_LIMIT}) r
        join register_people p on p.id = r.person_id
        left join activities a on a.id = r.activity_id
      order by r.earned_on, p.last_name, p.first_name, r.id`),
  );
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.map(({ firstName, lastName, total: _total, ...row }) => ({
      ...row,
      name: `${firstName} ${lastName}`.trim(),
    })),
  };
}

export interface FlaggedReward {
  id: string;
  personId: string;
  name: string;
  reference: string;
  activityId: string;
  activity: string;
  amountPence: number;
  earnedOn: string;
  paidOn: string | null;
}

/**
 * Paid rewards whose person is no longer recorded as attending (with hours):
 * to check. The flag is kept as attendance is written (rewards.attendance_lost),
 * so this reads the flagged few, not every paid reward.
 */
export async function flaggedRewards(tx: Queryable): Promise<FlaggedReward[]> {
  const rows = rowsOf<FlaggedReward & { firstName: string; lastName: string }>(
    await tx.execute(sql`
      select r.id, r.person_id as "personId", p.reference, p.first_name as "firstName",
        p.last_name as "lastName", a.id as "activityId", a.title as activity,
        r.amount_pence as "amountPence", r.earned_on::text as "earnedOn", r.paid_on::text as "paidOn"
      from rewards r join register_people p on p.id = r.person_id join activities a on a.id = r.activity_id
      where r.attendance_lost and r.status = 'paid'
      order by r.earned_on desc, r.id
      limit 100`),
  );
  return rows.map(({ firstName, lastName, ...row }) => ({
    ...row,
    name: `${firstName} ${lastName}`.trim(),
  }));
}

export const CLAIM_KINDS = ['travel', 'childcare', 'replacement_care', 'other'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];
export const CLAIM_STATUSES = ['submitted', 'approved', 'rejected', 'paid'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export interface OpenClaim {
  id: string;
  personId: string;
  name: string;
  reference: string;
  kind: ClaimKind;
  amountPence: number;
  status: ClaimStatus;
  incurredOn: string;
}

/** Claims waiting for a decision or for payment, oldest first. */
export async function openClaims(tx: Queryable): Promise<OpenClaim[]> {
  const rows = rowsOf<OpenClaim & { firstName: string; lastName: string }>(
    await tx.execute(sql`
      select e.id, e.person_id as "personId", p.reference, p.first_name as "firstName",
        p.last_name as "lastName", e.kind, e.amount_pence as "amountPence", e.status,
        e.incurred_on::text as "incurredOn"
      from expense_claims e join register_people p on p.id = e.person_id
      where e.status in ('submitted', 'approved')
      order by e.incurred_on, e.id
      limit 200`),
  );
  return rows.map(({ firstName, lastName, ...row }) => ({
    ...row,
    name: `${firstName} ${lastName}`.trim(),
  }));
}

// ---------------------------------------------------------------------------
// One person

export interface PersonSummary {
  id: string;
  reference: string;
  name: string;
}

/** The person, or null when there is no such person or they were erased. */
export async function personSummary(
  tx: Queryable,
  personId: string,
): Promise<PersonSummary | null> {
  const [row] = rowsOf<{ id: string; reference: string; firstName: string; lastName: string }>(
    await tx.execute(sql`
      select id, reference, first_name as "firstName", last_name as "lastName"
      from register_people where id = ${personId} and erased_at is null`),
  );
  return row
    ? { id: row.id, reference: row.reference, name: `${row.firstName} ${row.lastName}`.trim() }
    : null;
}

export interface PersonReward {
  id: string;
  activityId: string | null;
  activity: string | null;
  amountPence: number;
  choice: RewardChoice;
  status: 'due' | 'paid' | 'declined';
  earnedOn: string;
  paidOn: string | null;
  /** Paid, but the person is no longer recorded as attending. */
  flagged: boolean;
}

export interface PersonClaim {
  id: string;
  activityId: string | null;
  activity: string | null;
  kind: ClaimKind;
  amountPence: number;
  description: string | null;
  hasReceipt: boolean;
  receiptType: string | null;
  status: ClaimStatus;
  incurredOn: string;
  decidedBy: string | null;
  decidedAt: string | null;
  paidOn: string | null;
  /** Why it was rejected. */
  reason: string | null;
}

/** A person's rewards, newest first, each flagged when paid but no longer attended. */
export async function personRewards(
  tx: Queryable,
  personId: string,
  period?: Period,
): Promise<PersonReward[]> {
  return rowsOf<PersonReward>(
    await tx.execute(sql`
      select r.id, r.activity_id as "activityId", a.title as activity, r.amount_pence as "amountPence",
        r.choice, r.status, r.earned_on::text as "earnedOn", r.paid_on::text as "paidOn",
        (r.attendance_lost and r.status = 'paid') as flagged
      from rewards r left join activities a on a.id = r.activity_id
      where r.person_id = ${personId}
        ${period ? sql`and r.earned_on between ${period.from} and ${period.to}` : sql``}
      order by r.earned_on desc, r.created_at desc`),
  );
}

/** A person's expense claims, newest first, without the receipts' bytes. */
export async function personClaims(
  tx: Queryable,
  personId: string,
  options: { period?: Period; paidOnly?: boolean } = {},
): Promise<PersonClaim[]> {
  const { period, paidOnly } = options;
  return rowsOf<PersonClaim>(
    await tx.execute(sql`
      select e.id, e.activity_id as "activityId", a.title as activity, e.kind,
        e.amount_pence as "amountPence", e.description, e.receipt is not null as "hasReceipt",
        e.receipt_type as "receiptType", e.status, e.incurred_on::text as "incurredOn",
        e.decided_by as "decidedBy", e.decided_at as "decidedAt", e.paid_on::text as "paidOn",
        e.reason
      from expense_claims e left join activities a on a.id = e.activity_id
      where e.person_id = ${personId}
        ${period ? sql`and e.incurred_on between ${period.from} and ${period.to}` : sql``}
        ${paidOnly ? sql`and e.status = 'paid'` : sql``}
      order by e.incurred_on desc, e.created_at desc`),
  );
}

export interface TotalRow extends Period {
  label: string;
  rewardsPence: number;
  expensesPence: number;
  level: WarningLevel | null;
}

/**
 * A person's totals by week, by month and by tax year, newest first, from
 * their rewards (paid and due) and expenses paid back; each period's rewards
 * against its threshold.
 */
export function totalsByPeriod(
  rewardRows: PersonReward[],
  claimRows: PersonClaim[],
  policy: RewardPolicy,
): Record<PeriodName, TotalRow[]> {
  const spanOf: Record<PeriodName, (iso: string) => Period> = {
    week: weekOf,
    month: monthOf,
    taxYear: taxYearOf,
  };
  const result = {} as Record<PeriodName, TotalRow[]>;
  for (const period of PERIODS) {
    const rows = new Map<string, TotalRow>();
    const rowFor = (iso: string) => {
      const span = spanOf[period](iso);
      let row = rows.get(span.from);
      if (!row) {
        row = { ...span, label: span.from, rewardsPence: 0, expensesPence: 0, level: null };
        rows.set(span.from, row);
      }
      return row;
    };
    for (const r of rewardRows)
      if (r.status !== 'declined') rowFor(r.earnedOn).rewardsPence += r.amountPence;
    for (const c of claimRows)
      if (c.status === 'paid') rowFor(c.incurredOn).expensesPence += c.amountPence;
    result[period] = [...rows.values()]
      .map((row) => ({ ...row, level: levelOf(row.rewardsPence, thresholdOf(policy, period)) }))
      .sort((a, b) => (a.from < b.from ? 1 : -1));
  }
  return result;
}

/** The activities the person attended, newest first, for the claim form's list. */
export async function attendedActivities(
  tx: Queryable,
  personId: string,
): Promise<Array<{ id: string; title: string; on: string }>> {
  return rowsOf(
    await tx.execute(sql`
      select a.id, a.title, ((a.starts_at at time zone 'Europe/London')::date)::text as "on"
      from attendance t join activities a on a.id = t.activity_id
      where t.person_id = ${personId} and t.status = 'attended'
      order by a.starts_at desc
      limit 200`),
  );
}

// ---------------------------------------------------------------------------
// Expense claims

export interface Receipt {
  content: Buffer;
  contentType: string;
  name: string;
}

export interface NewClaim {
  kind: ClaimKind;
  amountPence: number;
  incurredOn: string;
  description: string | null;
  activityId: string | null;
  receipt: Receipt | null;
}

/** Records a claim staff entered for a person; the audit notes the receipt by type and size. */
export async function createClaim(
  tx: Queryable,
  actor: Actor,
  personId: string,
  claim: NewClaim,
): Promise<string> {
  const [row] = await tx
    .insert(expenseClaims)
    .values({
      organisationId: sql`app_organisation_id()`,
      personId,
      activityId: claim.activityId,
      kind: claim.kind,
      amountPence: claim.amountPence,
      description: claim.description,
      incurredOn: claim.incurredOn,
      receipt: claim.receipt?.content ?? null,
      receiptType: claim.receipt?.contentType ?? null,
      receiptName: claim.receipt?.name ?? null,
    })
    .returning({ id: expenseClaims.id });
  await audit(tx, actor, {
    action: 'expense.add',
    entity: 'person',
    entityId: personId,
    after: {
      claimId: row!.id,
      kind: claim.kind,
      amountPence: claim.amountPence,
      incurredOn: claim.incurredOn,
      activityId: claim.activityId,
      status: 'submitted',
      receipt: claim.receipt
        ? `${claim.receipt.contentType}, ${claim.receipt.content.length} bytes`
        : null,
    },
  });
  return row!.id;
}

/** A claim's person and status, or null when there is no such claim. */
export async function claimById(
  tx: Queryable,
  claimId: string,
): Promise<{ id: string; personId: string; status: ClaimStatus } | null> {
  const [row] = await tx
    .select({
      id: expenseClaims.id,
      personId: expenseClaims.personId,
      status: expenseClaims.status,
    })
    .from(expenseClaims)
    .where(eq(expenseClaims.id, claimId));
  return row ? { ...row, status: row.status as ClaimStatus } : null;
}

/** The receipt of a claim, or null when there is no claim or no receipt. */
export async function claimReceipt(
  tx: Queryable,
  claimId: string,
): Promise<(Receipt & { personId: string; incurredOn: string }) | null> {
  const [row] = await tx
    .select({
      personId: expenseClaims.personId,
      content: expenseClaims.receipt,
      contentType: expenseClaims.receiptType,
      name: expenseClaims.receiptName,
      incurredOn: expenseClaims.incurredOn,
    })
    .from(expenseClaims)
    .where(eq(expenseClaims.id, claimId));
  if (!row?.content || !row.contentType) return null;
  return {
    personId: row.personId,
    content: row.content,
    contentType: row.contentType,
    name: row.name ?? '',
    incurredOn: row.incurredOn,
  };
}

export type ClaimAction =
  { action: 'approve' } | { action: 'reject'; reason: string } | { action: 'paid'; paidOn: string };

const FROM_STATUS: Record<ClaimAction['action'], ClaimStatus> = {
  approve: 'submitted',
  reject: 'submitted',
  paid: 'approved',
};

/**
 * Approves or rejects a submitted claim (a rejection with its reason), or
 * records an approved one as paid. False when the claim was not in the
 * status the step starts from (already decided, say): nothing changes.
 */
export async function decideClaim(
  tx: Queryable,
  actor: Actor,
  claimId: string,
  step: ClaimAction,
): Promise<boolean> {
  const set: Partial<typeof expenseClaims.$inferInsert> =
    step.action === 'paid'
      ? { status: 'paid', paidOn: step.paidOn }
      : {
          status: step.action === 'approve' ? 'approved' : 'rejected',
          decidedBy: actor.label,
          decidedAt: new Date(),
          reason: step.action === 'reject' ? step.reason : null,
        };
  const [row] = await tx
    .update(expenseClaims)
    .set(set)
    .where(and(eq(expenseClaims.id, claimId), eq(expenseClaims.status, FROM_STATUS[step.action])))
    .returning({ personId: expenseClaims.personId, amountPence: expenseClaims.amountPence });
  if (!row) return false;
  await audit(tx, actor, {
    action: `expense.${step.action}`,
    entity: 'person',
    entityId: row.personId,
    before: { claimId, status: FROM_STATUS[step.action] },
    after: {
      claimId,
      status: set.status,
      amountPence: row.amountPence,
      ...(step.action === 'reject' ? { reason: step.reason } : {}),
      ...(step.action === 'paid' ? { paidOn: step.paidOn } : {}),
    },
  });
  return true;
}

// ---------------------------------------------------------------------------
// The finance export

export interface ExportRow {
  sortKey: string;
  date: string;
  reference: string;
  name: string;
  /** 'reward' or the expense kind. */
  kind: string;
  activity: string | null;
  amountPence: number;
  choice: string | null;
  status: string;
  paidOn: string | null;
}

/**
 * One batch of the finance export, rewards by the day they count and claims
 * by the day they were incurred, in date order; pass the last row's sortKey
 * to get the next batch.
 */
export async function exportBatch(
  tx: Queryable,
  period: Period,
  after: string | null,
  size = 500,
): Promise<ExportRow[]> {
  return rowsOf<ExportRow>(
    await tx.execute(sql`
      select * from (
        select r.earned_on::text || '|0|' || r.id::text as "sortKey", r.earned_on::text as date,
          p.reference, trim(p.first_name || ' ' || p.last_name) as name, 'reward' as kind,
          a.title as activity, r.amount_pence as "amountPence", r.choice, r.status,
          r.paid_on::text as "paidOn"
        from rewards r join register_people p on p.id = r.person_id left join activities a on a.id = r.activity_id
        where r.earned_on between ${period.from} and ${period.to}
        union all
        select e.incurred_on::text || '|1|' || e.id::text, e.incurred_on::text,
          p.reference, trim(p.first_name || ' ' || p.last_name), e.kind,
          a.title, e.amount_pence, null, e.status, e.paid_on::text
        from expense_claims e join register_people p on p.id = e.person_id left join activities a on a.id = e.activity_id
        where e.incurred_on between ${period.from} and ${period.to}
      ) x
      ${after ? sql`where "sortKey" > ${after}` : sql``}
      order by "sortKey"
      limit ${size}`),
  );
}

// ---------------------------------------------------------------------------
// Money

/** "£1,234.50" from 123450. */
export function money(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(Math.round(pence));
  const pounds = Math.floor(abs / 100).toLocaleString('en-GB');
  return `${sign}£${pounds}.${String(abs % 100).padStart(2, '0')}`;
}

/** "1234.50" from 123450: pounds as a number with two decimals, for spreadsheets and forms. */
export function poundsText(pence: number): string {
  const abs = Math.abs(Math.round(pence));
  return `${pence < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Pence from an amount typed in pounds: "10", "10.5", "10.50", "£1,000.00".
 * Null when it is not an amount of money.
 */
export function parsePounds(value: string): number | null {
  const tidy = value
    .trim()
    .replace(/^£/, '')
    .replace(/,(?=\d{3}(\D|$))/g, '')
    .trim();
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(tidy);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
