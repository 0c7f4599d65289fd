import type { Translator } from '../../platform/i18n/index.ts';
import { periodLabel, type ReportingPeriod } from '../../platform/periods/index.ts';
import { createPdf, heading, paragraph, table, type Pdf } from '../../platform/pdf/index.ts';
import type { HeadcountResult, KpiResult, MeasureResult } from './engine.ts';
import { measureColumns, measureText, percentText, quarterShort } from './view-model.ts';

/** The figures behind an export: the same the dashboard shows. */
export interface ExportData {
  period: ReportingPeriod;
  place: { described: string[] };
  kpis: KpiResult[];
  headcounts: HeadcountResult[];
  measures: MeasureResult[];
}

export const EXPORT_HEADER_KEYS = [
  'kpis.export.kind',
  'kpis.export.code',
  'kpis.export.name',
  'kpis.export.period',
  'kpis.export.value',
  'kpis.export.numerator',
  'kpis.export.denominator',
  'kpis.export.target',
  'kpis.export.status',
  'kpis.export.note',
];

function noteOf(names: readonly string[], tr: Translator): string {
  return names.length
    ? tr.text('kpis.notFiltered', {
        filters: names.map((n) => tr.text(`kpis.filterNames.${n}`)).join(tr.text('kpis.or')),
      })
    : '';
}

/**
 * The spreadsheet's rows: each KPI for the period and each quarter of its
 * trend, each headcount target, each measure by period. Values are numbers
 * (a percentage, a count), empty where there is no data.
 */
export function* exportRows(data: ExportData, tr: Translator): Generator<unknown[]> {
  for (const kpi of data.kpis) {
    const name = tr.text(kpi.definition.nameKey);
    const note = noteOf(kpi.notFiltered, tr);
    for (const point of [kpi, ...kpi.trend]) {
      yield [
        tr.text('kpis.export.kinds.kpi'),
        kpi.code,
        name,
        point.period.name,
        point.value,
        point.numerator,
        point.denominator,
        kpi.target,
        point === kpi ? tr.text(`kpis.status.${kpi.status}`) : '',
        note,
      ];
    }
  }
  for (const target of data.headcounts) {
    yield [
      tr.text('kpis.export.kinds.headcount'),
      target.code,
      tr.text(target.definition.nameKey),
      target.countedOn,
      target.count,
      null,
      null,
      target.atLeast,
      tr.text(`kpis.headcountStatus.${target.status}`),
      noteOf(target.notFiltered, tr),
    ];
  }
  for (const measure of data.measures) {
    for (const point of measure.points) {
      yield [
        tr.text('kpis.export.kinds.measure'),
        measure.code,
        tr.text(measure.definition.nameKey),
        point.period.name,
        point.value,
        point.numerator,
        point.denominator,
        null,
        '',
        noteOf(measure.notFiltered, tr),
      ];
    }
  }
}

/** The board pack: a tagged A4 PDF of the KPIs, the headcount targets and the measures. */
export function boardPack(data: ExportData, tr: Translator, organisation: string): Pdf {
  const period = periodLabel(data.period, tr);
  const pdf = createPdf({
    title: tr.text('kpis.pack.title', { period }),
    language: tr.language,
    author: organisation,
  });
  heading(pdf, tr.text('kpis.pack.title', { period }), 1);
  paragraph(pdf, organisation);
  paragraph(
    pdf,
    data.place.described.length
      ? tr.text('kpis.pack.filtered', { filters: data.place.described.join(', ') })
      : tr.text('kpis.pack.whole'),
  );
  heading(pdf, tr.text('kpis.title'), 2);
  table(pdf, {
    caption: tr.text('kpis.pack.kpiCaption', { period }),
    head: [
      tr.text('kpis.export.name'),
      tr.text('kpis.export.value'),
      tr.text('kpis.export.target'),
      tr.text('kpis.export.status'),
      tr.text('kpis.columns.fraction'),
    ],
    rows: data.kpis.map((k) => [
      tr.text(k.definition.nameKey) +
        (k.notFiltered.length ? ` (${noteOf(k.notFiltered, tr)})` : ''),
      percentText(k.value, tr),
      `${k.target}%`,
      tr.text(`kpis.status.${k.status}`),
      `${k.numerator} / ${k.denominator}`,
    ]),
  });
  const trend = data.kpis[0]?.trend ?? [];
  if (trend.length) {
    table(pdf, {
      caption: tr.text('kpis.pack.trendCaption'),
      head: [tr.text('kpis.export.name'), ...trend.map((p) => quarterShort(p.period, tr))],
      rows: data.kpis.map((k) => [
        tr.text(k.definition.nameKey),
        ...k.trend.map((p) => percentText(p.value, tr)),
      ]),
    });
  }
  heading(pdf, tr.text('kpis.headcounts.title'), 2);
  table(pdf, {
    caption: tr.text('kpis.headcounts.caption'),
    head: [
      tr.text('kpis.export.name'),
      tr.text('kpis.headcounts.due'),
      tr.text('kpis.headcounts.count'),
      tr.text('kpis.export.status'),
    ],
    rows: data.headcounts.map((h) => [
      tr.text(h.definition.nameKey),
      h.definition.dueOn,
      tr.text('kpis.headcounts.progress', {
        count: h.count,
        atLeast: h.atLeast,
        progress: h.progress,
      }),
      tr.text(`kpis.headcountStatus.${h.status}`),
    ]),
  });
  heading(pdf, tr.text('kpis.measures.title'), 2);
  table(pdf, {
    caption: tr.text('kpis.measures.caption', { period }),
    head: [tr.text('kpis.export.name'), ...measureColumns(data.measures[0], tr)],
    rows: data.measures.map((m) => [
      tr.text(m.definition.nameKey) +
        (m.notFiltered.length ? ` (${noteOf(m.notFiltered, tr)})` : ''),
      ...m.points.map((p) => measureText(m, p, tr)),
    ]),
  });
  return pdf;
}
