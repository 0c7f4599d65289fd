import { parsePeriod, type ReportingPeriod } from '../../platform/periods/index.ts';

/** A financial year (`2019`: April 2019 to March 2020) or a quarter of one (`2019-Q1`: April to June 2019), or null. */
export function kpiPeriod(name: string | undefined): ReportingPeriod | null {
  if (!name) return null;
  return parsePeriod('financial-year', name) ?? parsePeriod('quarter', name);
}
