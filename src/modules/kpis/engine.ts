import type { Queryable } from '../../platform/db/index.ts';
import {
  financialQuarterOf,
  previousPeriod,
  quartersOf,
  type ReportingPeriod,
} from '../../platform/periods/index.ts';
import {
  computeStatistic,
  computeStatisticsSeries,
  filtersNotTaken,
  type StatisticFilter,
  type StatisticFilterName,
  type StatisticValue,
} from '../../platform/statistics/index.ts';
import {
  HEADCOUNT_TARGETS,
  KPIS,
  MEASURES,
  type HeadcountTarget,
  type InvolvementMeasure,
  type KpiDefinition,
  type StatisticQuery,
} from './definitions.ts';

/**
 * The KPI engine (issue 14 §3): each KPI divides one registered statistic
 * by another, for a period and the dashboard's filters. It reads only
 * statistics (platform/statistics), never another module's tables.
 */

/** Where the dashboard narrows to: the register's services, specialisms and areas. */
export interface PlaceFilter {
  serviceIds?: readonly string[];
  specialisms?: readonly string[];
  areas?: readonly string[];
}

export type KpiStatus = 'green' | 'amber' | 'red' | 'no-data' | 'not-judged';

/** One period's figure: a percentage to one decimal place, or null with nothing to divide by. */
export interface KpiPoint {
  period: ReportingPeriod;
  value: number | null;
  numerator: number;
  denominator: number;
}

export interface KpiResult extends KpiPoint {
  code: string;
  definition: KpiDefinition;
  target: number;
  status: KpiStatus;
  /** The place filters its statistics cannot take: the figure is the whole organisation's for those. */
  notFiltered: StatisticFilterName[];
  /** The quarters before and up to the period's end, oldest first. */
  trend: KpiPoint[];
}

/** A percentage to one decimal place; null when the denominator is 0 ("no data", never 0% or 100%). */
export function percentage(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return Math.round((numerator * 1000) / denominator) / 10;
}

/** Red, amber or green for a value shown (rounded as it is shown). */
export function statusOf(
  definition: KpiDefinition,
  value: number | null,
  period: ReportingPeriod,
): KpiStatus {
  if (value === null) return 'no-data';
  if (definition.yearOnly && period.kind !== 'financial-year') return 'not-judged';
  const { green, amber } = definition.thresholds;
  const reaches = (mark: number) =>
    definition.direction === 'higher' ? value >= mark : value <= mark;
  if (reaches(green)) return 'green';
  return reaches(amber) ? 'amber' : 'red';
}

/** The quarters a trend line shows: the `count` quarters ending with the period's last. */
export function trendQuarters(period: ReportingPeriod, count = 8): ReportingPeriod[] {
  let quarter = financialQuarterOf(period.to);
  const quarters = [quarter];
  while (quarters.length < count) {
    quarter = previousPeriod(quarter);
    quarters.unshift(quarter);
  }
  return quarters;
}

const PLACE_FILTERS: StatisticFilterName[] = ['service', 'specialism', 'area'];

function placeUsed(place: PlaceFilter): boolean {
  return Boolean(place.serviceIds?.length || place.specialisms?.length || place.areas?.length);
}

/** The place filters one of the statistics cannot take (both sides are narrowed alike, or neither). */
function notTaken(queries: StatisticQuery[], place: PlaceFilter): StatisticFilterName[] {
  if (!placeUsed(place)) return [];
  const names = new Set<StatisticFilterName>();
  for (const q of queries)
    for (const name of filtersNotTaken(q.statistic, { ...place, ...q.filter }))
      if (PLACE_FILTERS.includes(name)) names.add(name);
  return [...names];
}

/** The place filter without the filters named. */
function without(place: PlaceFilter, names: StatisticFilterName[]): PlaceFilter {
  return {
    ...(names.includes('service') ? {} : { serviceIds: place.serviceIds }),
    ...(names.includes('specialism') ? {} : { specialisms: place.specialisms }),
    ...(names.includes('area') ? {} : { areas: place.areas }),
  };
}

function clean(filter: StatisticFilter): StatisticFilter {
  const out: StatisticFilter = {};
  for (const [key, value] of Object.entries(filter) as Array<[keyof StatisticFilter, unknown]>) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/**
 * Reads every (statistic, filter) the figures need for the periods, each
 * once (a denominator two KPIs share is counted once), through
 * `computeStatisticsSeries`: an owner that batches (operations) counts a
 * KPI's numerator and denominator in one scan.
 */
async function readAll(
  tx: Queryable,
  wanted: ReadonlyArray<{ query: StatisticQuery; place: PlaceFilter }>,
  periods: ReadonlyArray<{ from: string; to: string }>,
): Promise<(query: StatisticQuery, place: PlaceFilter) => StatisticValue[]> {
  const keyOf = (query: StatisticQuery, place: PlaceFilter) => {
    const filter = clean({ ...place, ...query.filter });
    return { key: `${query.statistic} ${JSON.stringify(filter)}`, filter };
  };
  const requests = new Map<string, { name: string; filter: StatisticFilter }>();
  for (const { query, place } of wanted) {
    const { key, filter } = keyOf(query, place);
    if (!requests.has(key)) requests.set(key, { name: query.statistic, filter });
  }
  const values = await computeStatisticsSeries(tx, [...requests.values()], periods);
  const byKey = new Map([...requests.keys()].map((key, i) => [key, values[i]!]));
  return (query, place) => byKey.get(keyOf(query, place).key)!;
}

/** Every KPI for a period, narrowed by place where its statistics allow, with its trend. */
export async function computeKpis(
  tx: Queryable,
  period: ReportingPeriod,
  place: PlaceFilter = {},
  options: { trend?: number; codes?: readonly string[] } = {},
): Promise<KpiResult[]> {
  const trend = options.trend === 0 ? [] : trendQuarters(period, options.trend ?? 8);
  const periods = [period, ...trend];
  const definitions = options.codes ? KPIS.filter((k) => options.codes!.includes(k.code)) : KPIS;
  const plans = definitions.map((definition) => {
    const dropped = notTaken([definition.numerator, definition.denominator], place);
    return { definition, dropped, narrowed: without(place, dropped) };
  });
  const read = await readAll(
    tx,
    plans.flatMap(({ definition, narrowed }) => [
      { query: definition.numerator, place: narrowed },
      { query: definition.denominator, place: narrowed },
    ]),
    periods,
  );
  const results: KpiResult[] = [];
  for (const { definition, dropped, narrowed } of plans) {
    const numerators = read(definition.numerator, narrowed);
    const denominators = read(definition.denominator, narrowed);
    const points: KpiPoint[] = periods.map((p, i) => {
      const numerator = Number(numerators[i]?.value ?? 0);
      const denominator = Number(denominators[i]?.value ?? 0);
      return { period: p, numerator, denominator, value: percentage(numerator, denominator) };
    });
    const [now, ...line] = points;
    results.push({
      ...now!,
      code: definition.code,
      definition,
      target: definition.target,
      status: statusOf(definition, now!.value, period),
      notFiltered: dropped,
      trend: line,
    });
  }
  return results;
}

export type HeadcountStatus = 'met' | 'not-met' | 'not-yet-due';

export interface HeadcountResult {
  code: string;
  definition: HeadcountTarget;
  /** The day counted: the due day, or today while it is still to come. */
  countedOn: string;
  count: number;
  atLeast: number;
  /** How far towards the number, 0 to 100. */
  progress: number;
  status: HeadcountStatus;
  notFiltered: StatisticFilterName[];
}

/** The dated headcount targets, each counted on its day (or today before it). */
export async function computeHeadcounts(
  tx: Queryable,
  today: string,
  place: PlaceFilter = {},
): Promise<HeadcountResult[]> {
  const results: HeadcountResult[] = [];
  for (const definition of HEADCOUNT_TARGETS) {
    const query = { statistic: definition.statistic, filter: definition.filter };
    const dropped = notTaken([query], place);
    const countedOn = definition.dueOn < today ? definition.dueOn : today;
    const value = await computeStatistic(
      tx,
      definition.statistic,
      clean({ ...without(place, dropped), ...definition.filter, on: countedOn }),
    );
    const count = Number(value.value ?? 0);
    results.push({
      code: definition.code,
      definition,
      countedOn,
      count,
      atLeast: definition.atLeast,
      progress: Math.min(100, Math.round((count * 100) / definition.atLeast)),
      status:
        count >= definition.atLeast ? 'met' : definition.dueOn < today ? 'not-met' : 'not-yet-due',
      notFiltered: dropped,
    });
  }
  return results;
}

export interface MeasureResult {
  code: string;
  definition: InvolvementMeasure;
  notFiltered: StatisticFilterName[];
  /** The period itself first, then (for a year) its quarters. */
  points: Array<{
    period: ReportingPeriod;
    value: number | null;
    numerator: number;
    denominator: number | null;
  }>;
}

/** The involvement measures for a period and, for a year, each of its quarters. */
export async function computeMeasures(
  tx: Queryable,
  period: ReportingPeriod,
  place: PlaceFilter = {},
): Promise<MeasureResult[]> {
  const periods = period.kind === 'quarter' ? [period] : [period, ...quartersOf(period.year)];
  const plans = MEASURES.map((definition) => {
    const sides = [
      definition.numerator,
      ...(definition.denominator ? [definition.denominator] : []),
    ];
    const dropped = notTaken(sides, place);
    return { definition, sides, dropped, narrowed: without(place, dropped) };
  });
  const read = await readAll(
    tx,
    plans.flatMap(({ sides, narrowed }) => sides.map((query) => ({ query, place: narrowed }))),
    periods,
  );
  const results: MeasureResult[] = [];
  for (const { definition, dropped, narrowed } of plans) {
    const numerators = read(definition.numerator, narrowed);
    const denominators = definition.denominator ? read(definition.denominator, narrowed) : null;
    results.push({
      code: definition.code,
      definition,
      notFiltered: dropped,
      points: periods.map((p, i) => {
        const numerator = Number(numerators[i]?.value ?? 0);
        if (!denominators)
          return {
            period: p,
            numerator,
            denominator: null,
            value: definition.unit === 'hours' ? Math.round(numerator * 10) / 10 : numerator,
          };
        const denominator = Number(denominators[i]?.value ?? 0);
        return { period: p, numerator, denominator, value: percentage(numerator, denominator) };
      }),
    });
  }
  return results;
}
