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

/**
 * People holding any of the roles on the day, with every training module
 * completed by then and not expired before it (issue 14 §3's headcount
 * targets: "at least 16 Quality Checkers with Quality Checker training on
 * 31 March 2019"). A role is held from its start day to its end day, both
 * included. Without `on`, today (the database's day).
 */
function holdingRoleWhere(filter: StatisticFilter): SQL {
  const day = filter.on ? sql`${filter.on}::date` : sql`current_date`;
  const parts: SQL[] = [];
  if (filter.roles?.length)
    parts.push(sql`exists (select 1 from person_roles r where r.person_id = p.id
      and r.role = any(${texts(filter.roles)}) and r.started_on <= ${day}
      and (r.ended_on is null or r.ended_on >= ${day}))`);
  for (const module of filter.training ?? [])
    parts.push(sql`exists (select 1 from person_training t where t.person_id = p.id
      and t.module = ${module} and t.completed_on <= ${day}
      and (t.expires_on is null or t.expires_on >= ${day}))`);
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}

const holdingRole: StatisticDefinition = {
  name: 'people.holding-role',
  labelKey: 'register.statistics.holdingRole',
  kind: 'count',
  unit: 'people',
  filters: ['date', 'role', 'training', 'service', 'specialism', 'area'],
  compute: (tx, filter) => countPeople(tx, whereOf(filter, holdingRoleWhere(filter))),
  async records(tx, filter, page) {
    const where = whereOf(filter, holdingRoleWhere(filter));
    const rows = rowsOf<{ id: string; reference: string; name: string; total: number }>(
      await tx.execute(sql`
        select p.id, p.reference, trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name) as name,
          count(*) over ()::int as total
        from people p where ${where}
        order by p.last_name, p.first_name, p.reference
        limit ${Math.max(0, Math.min(page.limit, 1000))} offset ${Math.max(0, page.offset)}`),
    );
    return {
      total: Number(rows[0]?.total ?? 0),
      rows: rows.map((r) => ({
        reference: r.reference,
        label: r.name,
        date: filter.on ?? null,
        href: `/staff/people/${r.id}`,
      })),
    };
  },
};

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
  holdingRole,
];
