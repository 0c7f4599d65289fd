import nunjucks from 'nunjucks';
import type { Translator } from '../../platform/i18n/index.ts';
import type { ReportingPeriod } from '../../platform/periods/index.ts';
import type { StatisticFilterName } from '../../platform/statistics/index.ts';
import { formatDate } from '../../platform/views/index.ts';
import { trendChart } from './charts.ts';
import type { HeadcountResult, KpiPoint, KpiResult, KpiStatus, MeasureResult } from './engine.ts';

/** What the pages, the spreadsheet and the board pack show of the engine's results. */

type Html = nunjucks.runtime.SafeString;

export const STATUS_TAGS: Record<KpiStatus, string> = {
  green: 'govuk-tag--green',
  amber: 'govuk-tag--yellow',
  red: 'govuk-tag--red',
  'no-data': 'govuk-tag--grey',
  'not-judged': 'govuk-tag--blue',
};

/** "Q1 2019/20": a quarter of a financial year, short enough for an axis. */
export function quarterShort(period: ReportingPeriod, tr: Translator): string {
  if (period.kind !== 'quarter') return period.name;
  return tr.text('kpis.quarterShort', {
    quarter: period.quarter,
    year: period.year,
    next: String((period.year + 1) % 100).padStart(2, '0'),
  });
}

/** A percentage as shown, or "No data". */
export function percentText(value: number | null, tr: Translator): string {
  return value === null ? tr.text('kpis.noData') : `${value.toFixed(1)}%`;
}

/** "Not narrowed by area: the figure is the whole organisation's." */
export function notFilteredNote(names: StatisticFilterName[], tr: Translator): Html | null {
  if (!names.length) return null;
  return tr.t('kpis.notFiltered', {
    filters: names.map((n) => tr.text(`kpis.filterNames.${n}`)).join(tr.text('kpis.or')),
  });
}

export function trendRows(points: readonly KpiPoint[], tr: Translator): string[][] {
  return points.map((p) => [
    quarterShort(p.period, tr),
    percentText(p.value, tr),
    String(p.numerator),
    String(p.denominator),
  ]);
}

export function kpiChart(result: KpiResult, tr: Translator): Html {
  const name = tr.text(result.definition.nameKey);
  const svg = trendChart(
    result.trend.map((p) => ({ label: quarterShort(p.period, tr), value: p.value })),
    result.target,
    tr.text('kpis.chartAlt', { name, quarters: result.trend.length }),
    tr.text('kpis.targetLine', { target: result.target }),
  );
  // The alternative text is English where no trusted translation exists.
  return new nunjucks.runtime.SafeString(
    tr.has('kpis.chartAlt') ? svg : svg.replace('<svg ', '<svg lang="en" '),
  );
}

export interface Tile {
  code: string;
  name: Html;
  description: Html;
  value: string;
  target: Html;
  status: KpiStatus;
  statusText: Html;
  tag: string;
  numerator: number;
  denominator: number;
  fraction: Html;
  note: Html | null;
  chart: Html;
  trendCaption: string;
  trendHead: string[];
  trendRows: string[][];
  href: string;
}

export function tileOf(result: KpiResult, tr: Translator, query: string): Tile {
  return {
    code: result.code,
    name: tr.t(result.definition.nameKey),
    description: tr.t(result.definition.descriptionKey),
    value: percentText(result.value, tr),
    target: tr.t('kpis.target', { target: result.target }),
    status: result.status,
    statusText: tr.t(`kpis.status.${result.status}`),
    tag: STATUS_TAGS[result.status],
    numerator: result.numerator,
    denominator: result.denominator,
    fraction: tr.t('kpis.fraction', {
      numerator: result.numerator,
      denominator: result.denominator,
    }),
    note: notFilteredNote(result.notFiltered, tr),
    chart: kpiChart(result, tr),
    trendCaption: tr.text('kpis.trendCaption', { name: tr.text(result.definition.nameKey) }),
    trendHead: [
      tr.text('kpis.columns.quarter'),
      tr.text('kpis.columns.value'),
      tr.text('kpis.columns.numerator'),
      tr.text('kpis.columns.denominator'),
    ],
    trendRows: trendRows(result.trend, tr),
    href: `/staff/kpis/${result.code}${query}`,
  };
}

export interface HeadcountRow {
  name: Html;
  description: Html;
  dueOn: string;
  countedOn: string;
  count: number;
  atLeast: number;
  progress: number;
  status: HeadcountResult['status'];
  statusText: Html;
  tag: string;
  note: Html | null;
}

const HEADCOUNT_TAGS = {
  met: 'govuk-tag--green',
  'not-met': 'govuk-tag--red',
  'not-yet-due': 'govuk-tag--blue',
} as const;

export function headcountRow(result: HeadcountResult, tr: Translator): HeadcountRow {
  return {
    name: tr.t(result.definition.nameKey),
    description: tr.t(result.definition.descriptionKey),
    dueOn: formatDate(result.definition.dueOn, tr.language, false),
    countedOn: formatDate(result.countedOn, tr.language, false),
    count: result.count,
    atLeast: result.atLeast,
    progress: result.progress,
    status: result.status,
    statusText: tr.t(`kpis.headcountStatus.${result.status}`),
    tag: HEADCOUNT_TAGS[result.status],
    note: notFilteredNote(result.notFiltered, tr),
  };
}

/** A measure's figure as shown: people, hours, or a share. */
export function measureText(
  result: MeasureResult,
  point: MeasureResult['points'][number],
  tr: Translator,
): string {
  if (result.definition.unit === 'share') return percentText(point.value, tr);
  return String(point.value ?? 0);
}

export function measureColumns(result: MeasureResult | undefined, tr: Translator): string[] {
  return (result?.points ?? []).map((p) =>
    p.period.kind === 'quarter' ? quarterShort(p.period, tr) : tr.text('kpis.wholeYear'),
  );
}
