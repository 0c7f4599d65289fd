import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import type { StatisticDefinition, StatisticFilter } from '../../platform/statistics/index.ts';
import { listServices } from '../people/index.ts';

/**
 * Closing the loop (issue 13 §5). An item is eligible when it came in the
 * period, names a person (never an anonymous one) who asked to hear back,
 * and an action that answers it is done. It is closed when the outcome was
 * sent: emailed through the outbox, or a letter, call or text staff marked
 * as made. The KPI engine divides closed by eligible.
 */

async function serviceIdsFor(tx: Queryable, filter: StatisticFilter): Promise<string[] | null> {
  if (!filter.serviceIds?.length && !filter.specialisms?.length && !filter.areas?.length)
    return null;
  const services = await listServices(tx);
  return services
    .filter(
      (s) =>
        (!filter.serviceIds?.length || filter.serviceIds.includes(s.id)) &&
        (!filter.specialisms?.length ||
          (s.specialism !== null && filter.specialisms.includes(s.specialism))) &&
        (!filter.areas?.length || (s.area !== null && filter.areas.includes(s.area))),
    )
    .map((s) => s.id);
}

async function eligibleWhere(tx: Queryable, filter: StatisticFilter): Promise<SQL> {
  const services = await serviceIdsFor(tx, filter);
  return sql`i.hear_back and not i.anonymous and i.person_id is not null
    ${filter.from ? sql`and i.received_on >= ${filter.from}::date` : sql``}
    ${filter.to ? sql`and i.received_on <= ${filter.to}::date` : sql``}
    ${services === null ? sql`` : services.length ? sql`and i.service_id = any(${uuidArray(services)})` : sql`and false`}
    and exists (select 1 from record_links l join feedback_actions a on a.id = l.from_id
      where l.from_kind = 'feedback.action' and l.name = 'answers' and l.to_kind = 'feedback.item'
        and l.to_id = i.id and a.status = 'done')`;
}

const closed = sql`exists (select 1 from feedback_loop_messages m where m.item_id = i.id and m.sent_on is not null)`;

async function count(tx: Queryable, where: SQL): Promise<number> {
  const [row] = rowsOf<{ n: number }>(
    await tx.execute(sql`select count(*)::int as n from feedback_items i where ${where}`),
  );
  return Number(row?.n ?? 0);
}

async function records(
  tx: Queryable,
  where: SQL,
  page: { limit: number; offset: number },
  loop = true,
): Promise<{
  total: number;
  rows: Array<{ reference: string; label: string; date: string | null; href?: string }>;
}> {
  const rows = rowsOf<{
    id: string;
    reference: string;
    channel: string;
    received_on: string;
    days: number | null;
  }>(
    await tx.execute(sql`
      select i.id, i.reference, i.channel, i.received_on::text as received_on,
        (select min(m.sent_on) - i.received_on from feedback_loop_messages m
          where m.item_id = i.id and m.sent_on is not null) as days
      from feedback_items i where ${where}
      order by i.received_on, i.reference
      limit ${page.limit} offset ${page.offset}`),
  );
  return {
    total: await count(tx, where),
    rows: rows.map((r) => ({
      reference: r.reference,
      // No words of the person's own: the drill-down may be seen by more people than the item.
      label: !loop
        ? `Feedback by ${r.channel.replace(/_/g, ' ')}`
        : r.days === null
          ? `Feedback by ${r.channel.replace(/_/g, ' ')}: outcome not yet sent`
          : `Feedback by ${r.channel.replace(/_/g, ' ')}: outcome sent after ${r.days} days`,
      date: r.received_on,
      href: `/staff/feedback/items/${r.id}`,
    })),
  };
}

/** The closing-the-loop measure: how long the outcome took to reach each person, in days. */
export async function loopDays(
  tx: Queryable,
  filter: StatisticFilter,
): Promise<{
  eligible: number;
  closed: number;
  medianDays: number | null;
  averageDays: number | null;
}> {
  const where = await eligibleWhere(tx, filter);
  const [row] = rowsOf<{
    eligible: number;
    closed: number;
    median: number | null;
    average: number | null;
  }>(
    await tx.execute(sql`
      with e as (
        select i.id, (select min(m.sent_on) - i.received_on from feedback_loop_messages m
          where m.item_id = i.id and m.sent_on is not null) as days
        from feedback_items i where ${where})
      select count(*)::int as eligible, count(days)::int as closed,
        percentile_cont(0.5) within group (order by days) as median,
        avg(days)::float8 as average
      from e`),
  );
  return {
    eligible: Number(row?.eligible ?? 0),
    closed: Number(row?.closed ?? 0),
    medianDays: row?.median === null || row?.median === undefined ? null : Number(row.median),
    averageDays: row?.average === null || row?.average === undefined ? null : Number(row.average),
  };
}

/** One count a period (by the day it came in), each narrowed by a FILTER: one query for all. */
async function countSeries(
  tx: Queryable,
  filter: StatisticFilter,
  periods: ReadonlyArray<{ from: string; to: string }>,
  whereOf: (filter: StatisticFilter) => Promise<SQL>,
): Promise<Array<{ value: number }>> {
  if (periods.length === 0) return [];
  const from = periods.reduce((a, p) => (p.from < a ? p.from : a), periods[0]!.from);
  const to = periods.reduce((a, p) => (p.to > a ? p.to : a), periods[0]!.to);
  const columns = sql.join(
    periods.map(
      (p, i) =>
        sql`count(*) filter (where i.received_on between ${p.from}::date and ${p.to}::date)::int as ${sql.raw(`c${i}`)}`,
    ),
    sql`, `,
  );
  const [row] = rowsOf<Record<string, number>>(
    await tx.execute(
      sql`select ${columns} from feedback_items i where ${await whereOf({ ...filter, from, to })}`,
    ),
  );
  return periods.map((_, i) => ({ value: Number(row?.[`c${i}`] ?? 0) }));
}

type RecordsOf = (
  tx: Queryable,
  filter: StatisticFilter,
  page: { limit: number; offset: number },
) => ReturnType<typeof records>;

/** A count statistic with the records behind it, for the KPI drill-down. */
function withRecords(definition: StatisticDefinition, recordsOf: RecordsOf): StatisticDefinition {
  return Object.assign(definition, { records: recordsOf });
}

async function itemsWhere(tx: Queryable, filter: StatisticFilter): Promise<SQL> {
  const services = await serviceIdsFor(tx, filter);
  return sql`true ${filter.from ? sql`and i.received_on >= ${filter.from}::date` : sql``}
    ${filter.to ? sql`and i.received_on <= ${filter.to}::date` : sql``}
    ${services === null ? sql`` : services.length ? sql`and i.service_id = any(${uuidArray(services)})` : sql`and false`}`;
}

export const feedbackStatistics: StatisticDefinition[] = [
  withRecords(
    {
      name: 'feedback.loop_eligible',
      labelKey: 'feedback.statistics.loopEligible',
      kind: 'count',
      unit: 'records',
      filters: ['period', 'service', 'specialism', 'area'],
      compute: async (tx, filter) => ({ value: await count(tx, await eligibleWhere(tx, filter)) }),
      computeSeries: (tx, filter, periods) =>
        countSeries(tx, filter, periods, (f) => eligibleWhere(tx, f)),
    },
    async (tx, filter, page) => records(tx, await eligibleWhere(tx, filter), page),
  ),
  withRecords(
    {
      name: 'feedback.loop_closed',
      labelKey: 'feedback.statistics.loopClosed',
      kind: 'count',
      unit: 'records',
      filters: ['period', 'service', 'specialism', 'area'],
      compute: async (tx, filter) => ({
        value: await count(tx, sql`${await eligibleWhere(tx, filter)} and ${closed}`),
      }),
      computeSeries: (tx, filter, periods) =>
        countSeries(
          tx,
          filter,
          periods,
          async (f) => sql`${await eligibleWhere(tx, f)} and ${closed}`,
        ),
    },
    async (tx, filter, page) =>
      records(tx, sql`${await eligibleWhere(tx, filter)} and ${closed}`, page),
  ),
  withRecords(
    {
      name: 'feedback.items',
      labelKey: 'feedback.statistics.items',
      kind: 'count',
      unit: 'records',
      filters: ['period', 'service', 'specialism', 'area'],
      compute: async (tx, filter) => ({ value: await count(tx, await itemsWhere(tx, filter)) }),
    },
    async (tx, filter, page) => records(tx, await itemsWhere(tx, filter), page, false),
  ),
];
