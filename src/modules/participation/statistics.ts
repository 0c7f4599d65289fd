import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { activityHeld } from './activities.ts';
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
  const day = sql`(a.starts_at at time zone 'Europe/London')::date`;
  return sql`${activityHeld(sql`a`)}
    ${filter.from ? sql`and ${day} >= ${filter.from}::date` : sql``}
    ${filter.to ? sql`and ${day} <= ${filter.to}::date` : sql``}`;
}

type Periods = ReadonlyArray<{ from: string; to: string }>;

/** The whole span of several periods, as a filter. */
function spanOf(periods: Periods): StatisticFilter {
  return {
    from: periods.reduce((a, p) => (p.from < a ? p.from : a), periods[0]!.from),
    to: periods.reduce((a, p) => (p.to > a ? p.to : a), periods[0]!.to),
  };
}

/** One aggregate a period, each narrowed by a FILTER on the day the activity started: one query. */
async function series(
  tx: Queryable,
  periods: Periods,
  aggregate: SQL,
  from: (filter: StatisticFilter) => SQL,
): Promise<StatisticValue[]> {
  if (periods.length === 0) return [];
  const day = sql`(a.starts_at at time zone 'Europe/London')::date`;
  const columns = sql.join(
    periods.map(
      (p, i) =>
        sql`${aggregate} filter (where ${day} between ${p.from}::date and ${p.to}::date) as ${sql.raw(`v${i}`)}`,
    ),
    sql`, `,
  );
  const [row] = rowsOf<Record<string, number | string | null>>(
    await tx.execute(sql`select ${columns} ${from(spanOf(periods))}`),
  );
  return periods.map((_, i) => ({ value: Number(row?.[`v${i}`] ?? 0) }));
}

const attended = (filter: StatisticFilter) =>
  sql`from attendance t join activities a on a.id = t.activity_id
    where t.status = 'attended' and ${heldIn(filter)}`;

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
    computeSeries: (tx, _filter, periods) =>
      series(tx, periods, sql`count(distinct t.person_id)`, attended),
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
    computeSeries: (tx, _filter, periods) => series(tx, periods, sql`sum(t.hours)`, attended),
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
