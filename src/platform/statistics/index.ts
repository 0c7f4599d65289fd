import type { Queryable } from '../db/index.ts';
import { installedModules } from '../manifest.ts';

export * from './suppression.ts';

/**
 * What a statistic may be narrowed by. A period is given as its first and
 * last day (platform/periods turns "2025-Q3" into those); the rest are
 * codes or ids of the register's services, specialisms and areas.
 *
 * A headcount on a day ("people holding the Quality Checker role with
 * Quality Checker training on 31 March 2019") is asked with `on` (filter
 * name `date`), `roles` (`role`, codes of the register's involvement_role
 * list) and `training` (`training`, codes of its training_module list).
 * Only statistics that list these filters take them; any other refuses
 * them, as for every filter.
 */
export interface StatisticFilter {
  from?: string;
  to?: string;
  serviceIds?: readonly string[];
  specialisms?: readonly string[];
  areas?: readonly string[];
  /** The day a headcount is taken on, YYYY-MM-DD. */
  on?: string;
  /** Involvement role codes: a person holding any of them on the day counts. */
  roles?: readonly string[];
  /** Training module codes: a person must have completed every one by the day. */
  training?: readonly string[];
}

export type StatisticFilterName =
  'period' | 'service' | 'specialism' | 'area' | 'date' | 'role' | 'training';

/** A count, or a ratio with the two counts it comes from (null when the denominator is 0). */
export interface StatisticValue {
  value: number | null;
  numerator?: number;
  denominator?: number;
}

/**
 * A named count or ratio a module owns over its own tables (after Decidim's
 * stats). KPIs and reports read only these, never another module's tables.
 */
export interface StatisticDefinition {
  /** `module.name`, e.g. "participation.hours". */
  name: string;
  /** i18n key of its name on a dashboard. */
  labelKey: string;
  kind: 'count' | 'sum' | 'ratio';
  /** What the figure counts, for formatting: people, hours, pence, a share (0 to 1). */
  unit: 'people' | 'records' | 'hours' | 'pence' | 'share';
  /** The filters it understands; any other given is refused. */
  filters: readonly StatisticFilterName[];
  /** One query, whatever the number of rows. */
  compute(tx: Queryable, filter: StatisticFilter): Promise<StatisticValue>;
  /**
   * Optional: the same figure for several periods in one query (a trend
   * line, a year and its quarters), in the order given. The filter's own
   * period is ignored; each period's `from` and `to` stand in for it.
   * Without it `computeStatisticSeries` calls `compute` once a period.
   */
  computeSeries?(
    tx: Queryable,
    filter: StatisticFilter,
    periods: ReadonlyArray<{ from: string; to: string }>,
  ): Promise<StatisticValue[]>;
  /**
   * Optional: statistics that can be counted together (the same table and
   * date, say) share a batch key, and `computeSeries` here gives several of
   * them for the same filter and periods in one query: a value a statistic
   * named, a period given, in order. `computeStatisticsSeries` uses it.
   */
  batch?: {
    key: string;
    computeSeries(
      tx: Queryable,
      names: readonly string[],
      filter: StatisticFilter,
      periods: ReadonlyArray<{ from: string; to: string }>,
    ): Promise<StatisticValue[][]>;
  };
  /**
   * The records a count is made of, a page at a time, for a dashboard's
   * "show the records behind this figure" (a KPI's numerator or denominator).
   * `total` equals the count `compute` gives for the same filter.
   */
  records?(
    tx: Queryable,
    filter: StatisticFilter,
    page: { limit: number; offset: number },
  ): Promise<StatisticRecords>;
}

/** A page of the records behind a count. */
export interface StatisticRecords {
  total: number;
  rows: Array<{
    /** The record's reference as people know it, e.g. "REP-10442". */
    reference: string;
    /** A short description, already in the reader's language where it has words. */
    label: string;
    /** The date that placed it in the period, YYYY-MM-DD. */
    date: string | null;
    href?: string;
  }>;
}

/** Thrown for a statistic no module declares, or a filter it does not take. */
export class StatisticError extends Error {}

/** Every declared statistic, in module order. */
export function statistics(): StatisticDefinition[] {
  return installedModules().flatMap((m) => m.statistics ?? []);
}

function usedFilters(filter: StatisticFilter): StatisticFilterName[] {
  const used: StatisticFilterName[] = [];
  if (filter.from !== undefined || filter.to !== undefined) used.push('period');
  if (filter.serviceIds?.length) used.push('service');
  if (filter.specialisms?.length) used.push('specialism');
  if (filter.areas?.length) used.push('area');
  if (filter.on !== undefined) used.push('date');
  if (filter.roles?.length) used.push('role');
  if (filter.training?.length) used.push('training');
  return used;
}

/** The filters a statistic does not take, of those given (empty: it takes them all). */
export function filtersNotTaken(name: string, filter: StatisticFilter): StatisticFilterName[] {
  const definition = statistics().find((s) => s.name === name);
  if (!definition) throw new StatisticError(`No module declares the statistic "${name}"`);
  return usedFilters(filter).filter((f) => !definition.filters.includes(f));
}

/** Computes one declared statistic, refusing filters it does not understand. */
export async function computeStatistic(
  tx: Queryable,
  name: string,
  filter: StatisticFilter = {},
): Promise<StatisticValue> {
  const definition = statistics().find((s) => s.name === name);
  if (!definition) throw new StatisticError(`No module declares the statistic "${name}"`);
  const unknown = usedFilters(filter).filter((f) => !definition.filters.includes(f));
  if (unknown.length)
    throw new StatisticError(`The statistic "${name}" cannot be filtered by ${unknown.join(', ')}`);
  return definition.compute(tx, filter);
}

/**
 * One declared statistic for several periods (a trend line, a year and its
 * quarters), in the order given: one query when the statistic has
 * `computeSeries`, else one `compute` a period. The filter's own period, if
 * any, is replaced by each of the periods; its other filters are checked as
 * `computeStatistic` checks them.
 */
export async function computeStatisticSeries(
  tx: Queryable,
  name: string,
  filter: StatisticFilter,
  periods: ReadonlyArray<{ from: string; to: string }>,
): Promise<StatisticValue[]> {
  const definition = statistics().find((s) => s.name === name);
  if (!definition) throw new StatisticError(`No module declares the statistic "${name}"`);
  const { from: _from, to: _to, ...rest } = filter;
  const unknown = usedFilters({ ...rest, ...(periods.length ? periods[0] : {}) }).filter(
    (f) => !definition.filters.includes(f),
  );
  if (unknown.length)
    throw new StatisticError(`The statistic "${name}" cannot be filtered by ${unknown.join(', ')}`);
  if (periods.length === 0) return [];
  if (definition.computeSeries) return definition.computeSeries(tx, rest, periods);
  const values: StatisticValue[] = [];
  for (const period of periods) values.push(await definition.compute(tx, { ...rest, ...period }));
  return values;
}

/**
 * Several declared statistics for several periods, each with its own
 * filter (checked as `computeStatisticSeries` checks it), in the order
 * asked: statistics that share a batch key and the same filter are counted
 * in one query (`batch`), the others one at a time. A KPI dashboard reads
 * every numerator and denominator through this.
 */
export async function computeStatisticsSeries(
  tx: Queryable,
  requests: ReadonlyArray<{ name: string; filter: StatisticFilter }>,
  periods: ReadonlyArray<{ from: string; to: string }>,
): Promise<StatisticValue[][]> {
  const results: StatisticValue[][] = new Array(requests.length);
  const groups = new Map<
    string,
    { definition: StatisticDefinition; filter: StatisticFilter; members: number[] }
  >();
  requests.forEach((request, index) => {
    const definition = statistics().find((s) => s.name === request.name);
    if (!definition) throw new StatisticError(`No module declares the statistic "${request.name}"`);
    const { from: _from, to: _to, ...filter } = request.filter;
    const unknown = usedFilters({ ...filter, ...(periods.length ? periods[0] : {}) }).filter(
      (f) => !definition.filters.includes(f),
    );
    if (unknown.length)
      throw new StatisticError(
        `The statistic "${request.name}" cannot be filtered by ${unknown.join(', ')}`,
      );
    const key = definition.batch
      ? `${definition.batch.key}\u0000${JSON.stringify(filter)}`
      : `\u0001${index}`;
    const group = groups.get(key) ?? { definition, filter, members: [] as number[] };
    group.members.push(index);
    groups.set(key, group);
  });
  for (const { definition, filter, members } of groups.values()) {
    if (definition.batch && members.length > 1 && periods.length > 0) {
      const values = await definition.batch.computeSeries(
        tx,
        members.map((i) => requests[i]!.name),
        filter,
        periods,
      );
      members.forEach((index, i) => (results[index] = values[i]!));
    } else {
      for (const index of members)
        results[index] = await computeStatisticSeries(tx, requests[index]!.name, filter, periods);
    }
  }
  return results;
}

/** The records behind a declared statistic, refusing filters it does not understand. */
export async function statisticRecords(
  tx: Queryable,
  name: string,
  filter: StatisticFilter,
  page: { limit: number; offset: number },
): Promise<StatisticRecords> {
  const definition = statistics().find((s) => s.name === name);
  if (!definition) throw new StatisticError(`No module declares the statistic "${name}"`);
  if (!definition.records)
    throw new StatisticError(`The statistic "${name}" does not list its records`);
  const unknown = usedFilters(filter).filter((f) => !definition.filters.includes(f));
  if (unknown.length)
    throw new StatisticError(`The statistic "${name}" cannot be filtered by ${unknown.join(', ')}`);
  return definition.records(tx, filter, page);
}

/** A ratio from two counts: null when there is nothing to divide by. */
export function ratio(numerator: number, denominator: number): StatisticValue {
  return { value: denominator === 0 ? null : numerator / denominator, numerator, denominator };
}
