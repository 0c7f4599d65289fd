import type { Queryable } from '../db/index.ts';
import { installedModules } from '../manifest.ts';

export * from './suppression.ts';

/**
 * What a statistic may be narrowed by. A period is given as its first and
 * last day (platform/periods turns "2025-Q3" into those); the rest are
 * codes or ids of the register's services, specialisms and areas.
 */
export interface StatisticFilter {
  from?: string;
  to?: string;
  serviceIds?: readonly string[];
  specialisms?: readonly string[];
  areas?: readonly string[];
}

export type StatisticFilterName = 'period' | 'service' | 'specialism' | 'area';

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
  return used;
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
