import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import type { StatisticDefinition, StatisticFilter } from '../../platform/statistics/index.ts';

/**
 * The figures the register owns, for KPIs and reports. A person is "in" a
 * service or specialism while they hold a current link to it; erased people
 * are never counted.
 */

const texts = (values: readonly string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

function whereOf(filter: StatisticFilter, period: SQL | null): SQL {
  const parts: SQL[] = [sql`p.erased_at is null`];
  if (period) parts.push(period);
  if (filter.areas?.length) parts.push(sql`p.area = any(${texts(filter.areas)})`);
  if (filter.serviceIds?.length || filter.specialisms?.length)
    parts.push(sql`exists (select 1 from person_services ps join services s on s.id = ps.service_id
      where ps.person_id = p.id and ps.ended_on is null
      ${filter.serviceIds?.length ? sql`and s.id = any(${uuidArray(filter.serviceIds)})` : sql``}
      ${filter.specialisms?.length ? sql`and s.specialism = any(${texts(filter.specialisms)})` : sql``})`);
  return sql.join(parts, sql` and `);
}

async function countPeople(tx: Queryable, where: SQL): Promise<{ value: number }> {
  const [row] = rowsOf<{ value: number }>(
    await tx.execute(sql`select count(*)::int as value from people p where ${where}`),
  );
  return { value: Number(row?.value ?? 0) };
}

export const peopleStatistics: StatisticDefinition[] = [
  {
    name: 'people.on-register',
    labelKey: 'register.statistics.onRegister',
    kind: 'count',
    unit: 'people',
    filters: ['service', 'specialism', 'area'],
    compute: (tx, filter) => countPeople(tx, whereOf(filter, null)),
  },
  {
    name: 'people.joined',
    labelKey: 'register.statistics.joined',
    kind: 'count',
    unit: 'people',
    filters: ['period', 'service', 'specialism', 'area'],
    compute: (tx, filter) =>
      countPeople(
        tx,
        whereOf(
          filter,
          sql`(p.created_at at time zone 'Europe/London')::date between
            coalesce(${filter.from ?? null}::date, '-infinity'::date) and coalesce(${filter.to ?? null}::date, 'infinity'::date)`,
        ),
      ),
  },
];
