import type { KpiResult } from './engine.ts';

/** One KPI as the command line and the API give it (issue 14 §5). */
export interface KpiJson {
  code: string;
  /** A percentage to one decimal place; null when the denominator is 0. */
  value: number | null;
  numerator: number;
  denominator: number;
  /** The target, a percentage. */
  target: number;
  /** green, amber, red; no-data with nothing to divide by; not-judged for a year-end KPI in a quarter. */
  status: string;
}

export function kpiJson(results: readonly KpiResult[]): KpiJson[] {
  return results.map((r) => ({
    code: r.code,
    value: r.value,
    numerator: r.numerator,
    denominator: r.denominator,
    target: r.target,
    status: r.status,
  }));
}
