import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { activityHeld } from './activities.ts';
import { attendedAt, startedBetween, startedOn } from './attended.ts';
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
 * The distinct people who attended an activity held in each period, and
 * their hours, in one query for up to 62 periods: each person's periods are
 * gathered as bits, with their hours a period in hundredths (whole numbers:
 * hours are kept to two places), one small group a person; then people are
 * counted and hours added a period at a time. Attendance is read from
 * attendance_attended_idx alone, an activity at a time.
 */
async function attendedSeries(
  tx: Queryable,
  periods: Periods,
): Promise<{ people: StatisticValue[]; hours: StatisticValue[] }> {
  const people: StatisticValue[] = [];
  const hours: StatisticValue[] = [];
  for (let start = 0; start < periods.length; start += PERIOD_BITS) {
    const chunk = periods.slice(start, start + PERIOD_BITS);
    const bit = (i: number) => sql.raw(`${2n ** BigInt(i)}::bigint`);
    const perPerson = sql.join(
      chunk.map(
        (_, i) =>
          sql`sum((t.hours * 100)::bigint) filter (where held.bits & ${bit(i)} <> 0) as ${sql.raw(`h${i}`)}`,
      ),
      sql`, `,
    );
    const totals = sql.join(
      chunk.map(
        (_, i) =>
          sql`count(*) filter (where bits & ${bit(i)} <> 0)::int as ${sql.raw(`p${i}`)},
            (coalesce(sum(${sql.raw(`h${i}`)}), 0)::numeric / 100)::float8 as ${sql.raw(`h${i}`)}`,
      ),
      sql`, `,
    );
    const [row] = rowsOf<Record<string, number | string | null>>(
      await tx.execute(sql`
        with held as materialized (
          select s.id, ${periodBits(sql`s.day`, chunk)} as bits from (${startedIn(spanOf(chunk))}) s
        ),
        attendees as (
          select t.person_id, bit_or(held.bits) as bits, ${perPerson}
          from held cross join lateral (${attendedAt(sql`held.id`)}) t
          group by t.person_id
        )
        select ${totals} from attendees`),
    );
    chunk.forEach((_, i) => {
      people.push({ value: Number(row?.[`p${i}`] ?? 0) });
      hours.push({ value: Number(row?.[`h${i}`] ?? 0) });
    });
  }
  return { people, hours };
}

const PEOPLE = 'participation.people-involved';

/** People involved and hours counted together (computeStatisticsSeries): one query for both. */
const attendedBatch: NonNullable<StatisticDefinition['batch']> = {
  key: 'participation.attended',
  async computeSeries(tx, names, _filter, periods) {
    const { people, hours } = await attendedSeries(tx, periods);
    return names.map((name) => (name === PEOPLE ? people : hours));
  },
};

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
    name: PEOPLE,
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
    computeSeries: async (tx, _filter, periods) => (await attendedSeries(tx, periods)).people,
    batch: attendedBatch,
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
    computeSeries: async (tx, _filter, periods) => (await attendedSeries(tx, periods)).hours,
    batch: attendedBatch,
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
