import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import type { StatisticDefinition, StatisticFilter } from '../../platform/statistics/index.ts';

/**
 * The figures initiatives owns, for KPIs and reports (issue 14 §3: "share of
 * initiatives at rung 5 or above"). An initiative counts in a period when it
 * was published (not a draft) and ran on a day of it: from its start day
 * (else the day it was published) to its end day, open-ended without one.
 * Co-produced is rung 5 (co-design) or above, as `isCoProduced` says.
 */

function runningIn(filter: StatisticFilter): SQL {
  const starts = sql`coalesce(i.starts_on, (i.published_at at time zone 'Europe/London')::date, (i.created_at at time zone 'Europe/London')::date)`;
  return sql`i.status <> 'draft'
    ${filter.to ? sql`and ${starts} <= ${filter.to}::date` : sql``}
    ${filter.from ? sql`and (i.ends_on is null or i.ends_on >= ${filter.from}::date)` : sql``}`;
}

async function count(tx: Queryable, where: SQL): Promise<{ value: number }> {
  const [row] = rowsOf<{ value: number }>(
    await tx.execute(sql`select count(*)::int as value from initiatives i where ${where}`),
  );
  return { value: Number(row?.value ?? 0) };
}

async function records(
  tx: Queryable,
  where: SQL,
  page: { limit: number; offset: number },
): Promise<{
  total: number;
  rows: Array<{ reference: string; label: string; date: string | null; href?: string }>;
}> {
  const rows = rowsOf<{ id: string; title: string; rung: number; starts: string; total: number }>(
    await tx.execute(sql`
      select i.id, i.title, i.rung,
        coalesce(i.starts_on, (i.published_at at time zone 'Europe/London')::date,
          (i.created_at at time zone 'Europe/London')::date)::text as starts,
        count(*) over ()::int as total
      from initiatives i where ${where}
      order by i.title, i.id
      limit ${Math.max(0, Math.min(page.limit, 1000))} offset ${Math.max(0, page.offset)}`),
  );
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.map((r) => ({
      reference: r.title,
      label: `Rung ${r.rung}`,
      date: r.starts,
      href: `/staff/initiatives/${r.id}`,
    })),
  };
}

const coProduced = sql`i.rung >= 5`;

/** One count a period, each a FILTER of the initiatives running in it: one query for all. */
async function countSeries(
  tx: Queryable,
  periods: ReadonlyArray<{ from: string; to: string }>,
  where: SQL,
): Promise<Array<{ value: number }>> {
  if (periods.length === 0) return [];
  const columns = sql.join(
    periods.map((p, i) => sql`count(*) filter (where ${runningIn(p)})::int as ${sql.raw(`c${i}`)}`),
    sql`, `,
  );
  const [row] = rowsOf<Record<string, number>>(
    await tx.execute(sql`select ${columns} from initiatives i where ${where}`),
  );
  return periods.map((_, i) => ({ value: Number(row?.[`c${i}`] ?? 0) }));
}

export const initiativeStatistics: StatisticDefinition[] = [
  {
    name: 'initiatives.running',
    labelKey: 'initiatives.statistics.running',
    kind: 'count',
    unit: 'records',
    filters: ['period'],
    compute: (tx, filter) => count(tx, runningIn(filter)),
    computeSeries: (tx, _filter, periods) => countSeries(tx, periods, sql`i.status <> 'draft'`),
    records: (tx, filter, page) => records(tx, runningIn(filter), page),
  },
  {
    name: 'initiatives.running-co-produced',
    labelKey: 'initiatives.statistics.runningCoProduced',
    kind: 'count',
    unit: 'records',
    filters: ['period'],
    compute: (tx, filter) => count(tx, sql`${runningIn(filter)} and ${coProduced}`),
    computeSeries: (tx, _filter, periods) =>
      countSeries(tx, periods, sql`i.status <> 'draft' and ${coProduced}`),
    records: (tx, filter, page) => records(tx, sql`${runningIn(filter)} and ${coProduced}`, page),
  },
];
