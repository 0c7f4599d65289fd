import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import type {
  StatisticDefinition,
  StatisticFilter,
  StatisticRecords,
  StatisticValue,
} from '../../platform/statistics/index.ts';
import { listServices } from '../people/index.ts';
import { AUDIT_TYPES_LEFT_OUT } from './kinds.ts';

/**
 * The counts operations owns (the helpers' contract; issue 14 §3): the KPI
 * engine divides one by another. Each counts records by the date the KPI
 * names (closed, completed, responded to, period end) within the period,
 * and may be narrowed to services, specialisms and areas of the register's
 * services. `records()` lists the records behind a count, for the drill-down.
 */

export type OperationsStatistic = StatisticDefinition & {
  records(
    tx: Queryable,
    filter: StatisticFilter,
    page: { limit: number; offset: number },
  ): Promise<StatisticRecords>;
};

/** The service ids a filter narrows to (null: no narrowing), from the register's services. */
async function servicesIn(tx: Queryable, filter: StatisticFilter): Promise<string[] | null> {
  const { serviceIds, specialisms, areas } = filter;
  if (!serviceIds?.length && !specialisms?.length && !areas?.length) return null;
  return (await listServices(tx))
    .filter(
      (s) =>
        (!serviceIds?.length || serviceIds.includes(s.id)) &&
        (!specialisms?.length || specialisms.includes(s.specialism)) &&
        (!areas?.length || (s.area !== null && areas.includes(s.area))),
    )
    .map((s) => s.id);
}

interface CountSpec {
  name: string;
  labelKey: string;
  table: string;
  /** The date the period filter reads. */
  date: string;
  /** Which rows count at all, e.g. stage 1 responded to. */
  where: SQL;
  /** The kind's URL segment, for the record links. */
  kind: string;
  /** A short label for each record, from its row (the service's name comes from `service`). */
  label: string;
}

async function whereOf(tx: Queryable, spec: CountSpec, filter: StatisticFilter): Promise<SQL> {
  const date = sql.raw(`r.${spec.date}`);
  const parts: SQL[] = [spec.where, sql`${date} is not null`];
  if (filter.from) parts.push(sql`${date} >= ${filter.from}::date`);
  if (filter.to) parts.push(sql`${date} <= ${filter.to}::date`);
  const services = await servicesIn(tx, filter);
  if (services !== null)
    parts.push(services.length ? sql`r.service_id = any(${uuidArray(services)})` : sql`false`);
  return sql.join(parts, sql` and `);
}

/**
 * Counts of rows meeting each condition, by day, summed into each period: one
 * scan of the periods' whole span (with the index on the date, an index-only
 * one), whatever the number of periods and conditions.
 */
async function countsByPeriod(
  tx: Queryable,
  spec: CountSpec,
  conditions: readonly SQL[],
  filter: StatisticFilter,
  periods: ReadonlyArray<{ from: string; to: string }>,
): Promise<number[][]> {
  if (periods.length === 0) return conditions.map(() => []);
  const from = periods.reduce((a, p) => (p.from < a ? p.from : a), periods[0]!.from);
  const to = periods.reduce((a, p) => (p.to > a ? p.to : a), periods[0]!.to);
  const where = await whereOf(tx, { ...spec, where: sql`true` }, { ...filter, from, to });
  const date = sql.raw(`r.${spec.date}`);
  const counts = sql.join(
    conditions.map((c, i) => sql`count(*) filter (where ${c})::int as ${sql.raw(`c${i}`)}`),
    sql`, `,
  );
  const rows = rowsOf<Record<string, number | string>>(
    await tx.execute(
      sql`select ${date}::text as day, ${counts} from ${sql.raw(spec.table)} r where ${where} group by ${date}`,
    ),
  );
  return conditions.map((_, i) =>
    periods.map((p) =>
      rows.reduce(
        (sum, row) =>
          String(row.day) >= p.from && String(row.day) <= p.to ? sum + Number(row[`c${i}`]) : sum,
        0,
      ),
    ),
  );
}

/** Each statistic's count, by name, for the batches. */
const SPECS_BY_NAME = new Map<string, CountSpec>();

function countStatistic(spec: CountSpec): OperationsStatistic {
  SPECS_BY_NAME.set(spec.name, spec);
  return {
    name: spec.name,
    labelKey: spec.labelKey,
    kind: 'count',
    unit: 'records',
    filters: ['period', 'service', 'specialism', 'area'],
    async compute(tx, filter): Promise<StatisticValue> {
      const [row] = rowsOf<{ value: number }>(
        await tx.execute(
          sql`select count(*)::int as value from ${sql.raw(spec.table)} r where ${await whereOf(tx, spec, filter)}`,
        ),
      );
      return { value: Number(row?.value ?? 0) };
    },
    // KPI trend lines: one scan for every period.
    async computeSeries(tx, filter, periods): Promise<StatisticValue[]> {
      const [values] = await countsByPeriod(tx, spec, [spec.where], filter, periods);
      return (values ?? []).map((value) => ({ value }));
    },
    // A KPI's numerator and denominator over the same table and date: one scan for both.
    batch: {
      key: `operations:${spec.table}:${spec.date}`,
      async computeSeries(tx, names, filter, periods) {
        const specs = names.map((n) => SPECS_BY_NAME.get(n)!);
        const values = await countsByPeriod(
          tx,
          spec,
          specs.map((s) => s.where),
          filter,
          periods,
        );
        return values.map((series) => series.map((value) => ({ value })));
      },
    },
    async records(tx, filter, page) {
      const where = await whereOf(tx, spec, filter);
      // The count apart from the page: a window count would sort every row for 25.
      const [count] = rowsOf<{ total: number }>(
        await tx.execute(
          sql`select count(*)::int as total from ${sql.raw(spec.table)} r where ${where}`,
        ),
      );
      const rows = rowsOf<{
        id: string;
        reference: string;
        label: string;
        date: string | null;
      }>(
        await tx.execute(sql`
          select r.id, r.reference, ${sql.raw(spec.label)} as label, r.${sql.raw(spec.date)}::text as date
          from ${sql.raw(spec.table)} r where ${where}
          order by r.${sql.raw(spec.date)}, r.reference
          limit ${Math.max(0, Math.min(page.limit, 1000))} offset ${Math.max(0, page.offset)}`),
      );
      return {
        total: Number(count?.total ?? 0),
        rows: rows.map((r) => ({
          reference: r.reference,
          label: r.label,
          date: r.date,
          href: `/staff/operations/${spec.kind}/${r.id}`,
        })),
      };
    },
  };
}

const LEFT_OUT = sql.raw(AUDIT_TYPES_LEFT_OUT.map((t) => `'${t}'`).join(', '));
const FEEDBACK_OFFERED = sql`(r.feedback_offered_on is not null or exists (
  select 1 from record_links l
  where l.name = 'feedback-offered' and l.to_kind = 'operations.complaint' and l.to_id = r.id))`;

const recruitments = {
  table: 'recruitments',
  date: 'closed_on',
  kind: 'recruitment',
  label: 'r.title',
};
const audits = {
  table: 'quality_audits',
  date: 'completed_on',
  kind: 'audits',
  label: "r.audit_type || ' audit'",
};
const panels = {
  table: 'complaint_stages',
  date: 'responded_on',
  kind: 'complaints',
  label: "'Stage ' || r.stage",
};
const repairs = {
  table: 'repairs',
  date: 'completed_on',
  kind: 'repairs',
  label: "replace(r.priority, '_', '-') || ' repair'",
};
const obligations = {
  table: 'volunteer_obligations',
  date: 'period_end',
  kind: 'volunteer-obligations',
  label: "r.delivered || ' of ' || r.required",
};

export const operationsStatistics: OperationsStatistic[] = [
  countStatistic({
    ...recruitments,
    name: 'operations.recruitments_closed',
    labelKey: 'operations.statistics.recruitmentsClosed',
    where: sql`true`,
  }),
  countStatistic({
    ...recruitments,
    name: 'operations.recruitments_with_involvement',
    labelKey: 'operations.statistics.recruitmentsWithInvolvement',
    where: sql`cardinality(r.involvement) > 0`,
  }),
  countStatistic({
    ...audits,
    name: 'operations.audits_counted',
    labelKey: 'operations.statistics.auditsCounted',
    where: sql`r.audit_type not in (${LEFT_OUT})`,
  }),
  countStatistic({
    ...audits,
    name: 'operations.audits_with_quality_checker',
    labelKey: 'operations.statistics.auditsWithQualityChecker',
    where: sql`r.audit_type not in (${LEFT_OUT}) and r.customer_quality_checkers >= 1`,
  }),
  countStatistic({
    ...panels,
    name: 'operations.complaint_panels',
    labelKey: 'operations.statistics.complaintPanels',
    where: sql`r.stage = 3`,
  }),
  countStatistic({
    ...panels,
    name: 'operations.complaint_panels_with_customer',
    labelKey: 'operations.statistics.complaintPanelsWithCustomer',
    where: sql`r.stage = 3 and coalesce(r.panel_customer_reps, 0) >= 1`,
  }),
  countStatistic({
    ...panels,
    name: 'operations.complaint_panels_with_two_customers',
    labelKey: 'operations.statistics.complaintPanelsWithTwoCustomers',
    where: sql`r.stage = 3 and coalesce(r.panel_customer_reps, 0) >= 2`,
  }),
  countStatistic({
    ...panels,
    name: 'operations.stage1_responded',
    labelKey: 'operations.statistics.stage1Responded',
    where: sql`r.stage = 1`,
  }),
  countStatistic({
    ...panels,
    name: 'operations.stage1_feedback_offered',
    labelKey: 'operations.statistics.stage1FeedbackOffered',
    where: sql`r.stage = 1 and ${FEEDBACK_OFFERED}`,
  }),
  countStatistic({
    ...repairs,
    name: 'operations.repairs_completed',
    labelKey: 'operations.statistics.repairsCompleted',
    where: sql`true`,
  }),
  countStatistic({
    ...repairs,
    name: 'operations.repairs_feedback_requested',
    labelKey: 'operations.statistics.repairsFeedbackRequested',
    where: sql`r.feedback_requested_on is not null`,
  }),
  countStatistic({
    ...obligations,
    name: 'operations.volunteer_obligations_due',
    labelKey: 'operations.statistics.volunteerObligationsDue',
    where: sql`true`,
  }),
  countStatistic({
    ...obligations,
    name: 'operations.volunteer_obligations_met',
    labelKey: 'operations.statistics.volunteerObligationsMet',
    where: sql`r.delivered >= r.required`,
  }),
];
