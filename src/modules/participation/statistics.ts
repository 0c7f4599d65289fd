import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { activityHeld } from './activities.ts';
import { attendedAt, registerOf, startedBetween, startedOn } from './attended.ts';
import type {
  StatisticDefinition,
  StatisticFilter,
  StatisticValue,
} from '../../platform/statistics/index.ts';

/**
 * The figures participation owns, over its own tables, for KPIs and reports.
 * An activity counts on the day it started (in England), as the ladder
 * profile counts it, once it was held (activityHeld: started, not cancelled,
 * someone attended); only attendance marked "attended" counts.
 */

function heldIn(filter: StatisticFilter): SQL {
  return sql`${activityHeld(sql`a`)} ${startedOn(sql`a`, filter.from, filter.to)}`;
}

type Periods = ReadonlyArray<{ from: string; to: string }>;

/** The whole span of several periods, as a filter. */
function spanOf(periods: Periods): StatisticFilter {
  return {
    from: periods.reduce((a, p) => (p.from < a ? p.from : a), periods[0]!.from),
    to: periods.reduce((a, p) => (p.to > a ? p.to : a), periods[0]!.to),
  };
}

/**
 * The activities of a span that may have been held (started, not
 * cancelled), with the day each started in England: found along
 * activities_starts_idx by the span's bounds, so the work is the span's
 * activities, not the whole history. Whether one was held (someone
 * attended) follows from its register, read beside it.
 */
function startedIn(filter: StatisticFilter): SQL {
  return sql`select a.id, (a.starts_at at time zone 'Europe/London')::date as day
    from activities a
    where ${startedBetween(sql`a`, filter.from, filter.to)}`;
}

/** The periods a day falls in, as bits of a bigint (period i is bit i). */
function periodBits(day: SQL, periods: Periods): SQL {
  return sql.join(
    periods.map(
      (p, i) =>
        sql`(case when ${day} between ${p.from}::date and ${p.to}::date then ${sql.raw(`${2n ** BigInt(i)}`)}::bigint else 0 end)`,
    ),
    sql` | `,
  );
}

/** At most this many periods a query: one bit a period in a bigint. */
const PERIOD_BITS = 62;

/**
 * The distinct people who attended an activity held in each period, in one
 * query for up to 62 periods: each person's periods are gathered as bits
 * (one small group a person), then counted a bit at a time. Attendance is
 * read from attendance_attended_idx alone, an activity at a time.
 */
async function peopleSeries(tx: Queryable, periods: Periods): Promise<StatisticValue[]> {
  const values: StatisticValue[] = [];
  for (let start = 0; start < periods.length; start += PERIOD_BITS) {
    const chunk = periods.slice(start, start + PERIOD_BITS);
    const counts = sql.join(
      chunk.map(
        (_, i) =>
          sql`count(*) filter (where bits & ${sql.raw(`${2n ** BigInt(i)}`)}::bigint <> 0)::int as ${sql.raw(`v${i}`)}`,
      ),
      sql`, `,
    );
    const [row] = rowsOf<Record<string, number | string | null>>(
      await tx.execute(sql`
        with held as materialized (
          select s.id, ${periodBits(sql`s.day`, chunk)} as bits from (${startedIn(spanOf(chunk))}) s
        ),
        people as (
          select t.person_id, bit_or(held.bits) as bits
          from held cross join lateral (${attendedAt(sql`held.id`)}) t
          group by t.person_id
        )
        select ${counts} from people`),
    );
    values.push(...chunk.map((_, i) => ({ value: Number(row?.[`v${i}`] ?? 0) })));
  }
  return values;
}

/** The hours attended at the activities held in each period: one query, a register an activity. */
async function hoursSeries(tx: Queryable, periods: Periods): Promise<StatisticValue[]> {
  if (periods.length === 0) return [];
  const sums = sql.join(
    periods.map(
      (p, i) =>
        sql`coalesce(sum(r.hours) filter (where held.day between ${p.from}::date and ${p.to}::date), 0)::float8 as ${sql.raw(`v${i}`)}`,
    ),
    sql`, `,
  );
  const [row] = rowsOf<Record<string, number | string | null>>(
    await tx.execute(sql`
      select ${sums}
      from (${startedIn(spanOf(periods))}) held
      cross join lateral (${registerOf(sql`held.id`)}) r`),
  );
  return periods.map((_, i) => ({ value: Number(row?.[`v${i}`] ?? 0) }));
}

async function one(tx: Queryable, query: SQL): Promise<StatisticValue> {
  const [row] = rowsOf<{ value: number | string | null }>(await tx.execute(query));
  return { value: Number(row?.value ?? 0) };
}

export const participationStatistics: StatisticDefinition[] = [
  {
    name: 'participation.activities-held',
    labelKey: 'activities.statistics.activitiesHeld',
    kind: 'count',
    unit: 'records',
    filters: ['period'],
    compute: (tx, filter) =>
      one(tx, sql`select count(*)::int as value from activities a where ${heldIn(filter)}`),
  },
  {
    name: 'participation.people-involved',
    labelKey: 'activities.statistics.peopleInvolved',
    kind: 'count',
    unit: 'people',
    filters: ['period'],
    compute: (tx, filter) =>
      one(
        tx,
        sql`select count(distinct t.person_id)::int as value
          from attendance t join activities a on a.id = t.activity_id
          where t.status = 'attended' and ${heldIn(filter)}`,
      ),
    computeSeries: (tx, _filter, periods) => peopleSeries(tx, periods),
  },
  {
    name: 'participation.hours',
    labelKey: 'activities.statistics.hours',
    kind: 'sum',
    unit: 'hours',
    filters: ['period'],
    compute: (tx, filter) =>
      one(
        tx,
        sql`select coalesce(sum(t.hours), 0)::float8 as value
          from attendance t join activities a on a.id = t.activity_id
          where t.status = 'attended' and ${heldIn(filter)}`,
      ),
    computeSeries: (tx, _filter, periods) => hoursSeries(tx, periods),
  },
  {
    name: 'participation.rewards-paid',
    labelKey: 'activities.statistics.rewardsPaid',
    kind: 'sum',
    unit: 'pence',
    filters: ['period'],
    compute: (tx, filter) =>
      one(
        tx,
        sql`select coalesce(sum(amount_pence), 0)::int as value from rewards
          where status = 'paid'
          ${filter.from ? sql`and paid_on >= ${filter.from}::date` : sql``}
          ${filter.to ? sql`and paid_on <= ${filter.to}::date` : sql``}`,
      ),
  },
];
