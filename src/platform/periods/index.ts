/**
 * UK reporting periods: the financial year from 1 April, its quarters, and
 * the tax year from 6 April.
 *
 * Every period is named by the calendar year it starts in, as the reward
 * budget (`reward_budgets.year`) and the statements' `?year=` already are:
 * financial year `2025` runs 1 April 2025 to 31 March 2026, its third quarter
 * is `2025-Q3` (October to December 2025), and tax year `2025` runs 6 April
 * 2025 to 5 April 2026. Dates are ISO calendar dates (`YYYY-MM-DD`), both
 * ends included, read as days in England: pure date arithmetic on the text,
 * so no server time zone or clock change can move a day.
 *
 * [R] The financial year from 1 April is the public sector's and most housing
 * associations' and care providers'; an organisation with another year-end is
 * not provided for yet. The tax year from 6 April is the statutory one.
 */
import { todayInLondon } from '../calendar/index.ts';
import type { Translator } from '../i18n/index.ts';

/** A calendar date written `YYYY-MM-DD`. */
export type IsoDate = string;

/** The kinds of period: a financial year, a quarter of one, or a tax year. */
export type PeriodKind = 'financial-year' | 'quarter' | 'tax-year';

/** The kinds, for checking a form's or a query's choice. */
export const PERIOD_KINDS: readonly PeriodKind[] = ['financial-year', 'quarter', 'tax-year'];

/** One period: its name (`2025`, `2025-Q3`), the year it starts in and its first and last days. */
export interface ReportingPeriod {
  kind: PeriodKind;
  name: string;
  /** The calendar year the period (or, for a quarter, its financial year) starts in. */
  year: number;
  /** 1 to 4 for a quarter (Q1 April to June … Q4 January to March); null otherwise. */
  quarter: number | null;
  from: IsoDate;
  to: IsoDate;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FIRST_YEAR = 1000;
const LAST_YEAR = 9998; // so that a period's last day still has a four-digit year

/** The year, month and day of a valid ISO date; a RangeError names the bad input. */
function partsOf(date: IsoDate): { year: number; month: number; day: number } {
  const match = ISO_DATE.exec(date);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    if (
      days !== undefined &&
      day >= 1 &&
      day <= days &&
      year >= FIRST_YEAR &&
      year <= LAST_YEAR + 1
    )
      return { year, month, day };
  }
  throw new RangeError(`Expected a date written YYYY-MM-DD, like 2026-03-27, not "${date}"`);
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw new RangeError(`A period's year is ${FIRST_YEAR} to ${LAST_YEAR}, not ${year}`);
  }
}

const QUARTER_DAYS: ReadonlyArray<readonly [string, string, 0 | 1]> = [
  ['04-01', '06-30', 0],
  ['07-01', '09-30', 0],
  ['10-01', '12-31', 0],
  ['01-01', '03-31', 1], // Q4 falls in the next calendar year
];

/** Financial year `year`: 1 April `year` to 31 March the year after. */
export function financialYear(year: number): ReportingPeriod {
  assertYear(year);
  return {
    kind: 'financial-year',
    name: String(year),
    year,
    quarter: null,
    from: `${year}-04-01`,
    to: `${year + 1}-03-31`,
  };
}

/** Quarter `quarter` (1–4) of financial year `year`: Q1 April to June … Q4 January to March. */
export function financialQuarter(year: number, quarter: number): ReportingPeriod {
  assertYear(year);
  const days = QUARTER_DAYS[quarter - 1];
  if (!Number.isInteger(quarter) || !days) {
    throw new RangeError(`A quarter is 1 to 4, not ${quarter}`);
  }
  const [from, to, later] = days;
  return {
    kind: 'quarter',
    name: `${year}-Q${quarter}`,
    year,
    quarter,
    from: `${year + later}-${from}`,
    to: `${year + later}-${to}`,
  };
}

/** Tax year `year`: 6 April `year` to 5 April the year after. */
export function taxYear(year: number): ReportingPeriod {
  assertYear(year);
  return {
    kind: 'tax-year',
    name: String(year),
    year,
    quarter: null,
    from: `${year}-04-06`,
    to: `${year + 1}-04-05`,
  };
}

/** The financial year (1 April to 31 March) a date falls in. */
export function financialYearOf(date: IsoDate): ReportingPeriod {
  const { year } = partsOf(date);
  return financialYear(date.slice(5) >= '04-01' ? year : year - 1);
}

/** The quarter of the financial year a date falls in. */
export function financialQuarterOf(date: IsoDate): ReportingPeriod {
  const { month } = partsOf(date);
  const { year } = financialYearOf(date);
  return financialQuarter(year, month >= 4 ? Math.floor((month - 4) / 3) + 1 : 4);
}

/** The tax year (6 April to 5 April) a date falls in. */
export function taxYearOf(date: IsoDate): ReportingPeriod {
  const { year } = partsOf(date);
  return taxYear(date.slice(5) >= '04-06' ? year : year - 1);
}

/** The period of a kind that a date falls in. */
export function periodOf(kind: PeriodKind, date: IsoDate): ReportingPeriod {
  if (kind === 'financial-year') return financialYearOf(date);
  if (kind === 'quarter') return financialQuarterOf(date);
  return taxYearOf(date);
}

/** The period of a kind that today falls in, in England (not the server's zone). */
export function currentPeriod(kind: PeriodKind, now: Date = new Date()): ReportingPeriod {
  return periodOf(kind, todayInLondon(now));
}

/** The four quarters of financial year `year`, Q1 first. */
export function quartersOf(year: number): ReportingPeriod[] {
  return [1, 2, 3, 4].map((quarter) => financialQuarter(year, quarter));
}

/**
 * The period a name stands for (`2025` for a year, `2025-Q3` for a quarter),
 * or null when the name is not one of that kind: use it to check a query
 * string or a form answer before trusting it.
 */
export function parsePeriod(kind: PeriodKind, name: string): ReportingPeriod | null {
  const match = (kind === 'quarter' ? /^(\d{4})-Q([1-4])$/ : /^(\d{4})$/).exec(name.trim());
  if (!match) return null;
  const year = Number(match[1]);
  if (year < FIRST_YEAR || year > LAST_YEAR) return null;
  if (kind === 'quarter') return financialQuarter(year, Number(match[2]));
  return kind === 'financial-year' ? financialYear(year) : taxYear(year);
}

/** Whether a name is a period of the kind (see `parsePeriod`). */
export function isPeriodName(kind: PeriodKind, name: string): boolean {
  return parsePeriod(kind, name) !== null;
}

/** The period just before (`step` -1) or after (`step` 1) another. */
function stepPeriod(period: ReportingPeriod, step: 1 | -1): ReportingPeriod {
  if (period.kind === 'quarter') {
    const index = period.year * 4 + (period.quarter! - 1) + step;
    return financialQuarter(Math.floor(index / 4), (index % 4) + 1);
  }
  const year = period.year + step;
  return period.kind === 'financial-year' ? financialYear(year) : taxYear(year);
}

/** The period before this one, of the same kind. */
export function previousPeriod(period: ReportingPeriod): ReportingPeriod {
  return stepPeriod(period, -1);
}

/** The period after this one, of the same kind. */
export function nextPeriod(period: ReportingPeriod): ReportingPeriod {
  return stepPeriod(period, 1);
}

/**
 * Every period of a kind that has a day between two dates (both included),
 * oldest first: 2025-05-10 to 2025-11-01 gives 2025-Q1, 2025-Q2 and 2025-Q3.
 * Empty when `to` is before `from`.
 */
export function periodsBetween(kind: PeriodKind, from: IsoDate, to: IsoDate): ReportingPeriod[] {
  partsOf(to);
  const periods: ReportingPeriod[] = [];
  if (to < from) {
    partsOf(from);
    return periods;
  }
  for (let period = periodOf(kind, from); period.from <= to; period = nextPeriod(period)) {
    periods.push(period);
  }
  return periods;
}

/** Whether a date is in a period (both ends included). */
export function isInPeriod(period: ReportingPeriod, date: IsoDate): boolean {
  partsOf(date);
  return date >= period.from && date <= period.to;
}

/**
 * The period's name for people, in the translator's language: "2025 to
 * 2026" for a financial year, "6 April 2025 to 5 April 2026" for a tax year
 * and "Quarter 3 2025 to 2026 (October to December 2025)" for a quarter.
 */
export function periodLabel(period: ReportingPeriod, tr: Pick<Translator, 'text'>): string {
  const years = { from: period.year, to: period.year + 1 };
  if (period.kind === 'financial-year') return tr.text('periods.financialYear', years);
  if (period.kind === 'tax-year') return tr.text('periods.taxYear', years);
  const month = (date: IsoDate) => tr.text(`periods.months.${Number(date.slice(5, 7))}`);
  return tr.text('periods.quarter', {
    ...years,
    quarter: period.quarter,
    firstMonth: month(period.from),
    lastMonth: month(period.to),
    calendarYear: Number(period.to.slice(0, 4)),
  });
}
