import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { apiAccess, apiError } from '../../platform/api/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { can, guard } from '../../platform/auth/index.ts';
import { todayInLondon } from '../../platform/calendar/index.ts';
import type { Queryable } from '../../platform/db/index.ts';
import { withShapes } from '../../platform/forms/schema.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { notFound } from '../../platform/http/params.ts';
import { translator, type Translator } from '../../platform/i18n/index.ts';
import {
  currentPeriod,
  financialYear,
  periodLabel,
  quartersOf,
  type ReportingPeriod,
} from '../../platform/periods/index.ts';
import { sendPdf } from '../../platform/pdf/index.ts';
import { xlsxStream } from '../../platform/spreadsheets/index.ts';
import {
  statisticRecords,
  statistics,
  type StatisticRecords,
} from '../../platform/statistics/index.ts';
import { listServices, loadOptions, optionLabel, optionLabelOnPage } from '../people/index.ts';
import { boardPack, exportRows, EXPORT_HEADER_KEYS } from './exports.ts';
import { KPIS } from './definitions.ts';
import {
  computeHeadcounts,
  computeKpis,
  computeMeasures,
  type PlaceFilter,
  type KpiResult,
} from './engine.ts';
import { kpiPeriod } from './period.ts';
import { kpiJson } from './results.ts';
import { ApiQuery, CodeParams, DashboardQuery, DrillQuery } from './schemas.ts';
import {
  headcountRow,
  kpiChart,
  measureColumns,
  measureText,
  notFilteredNote,
  percentText,
  tileOf,
  trendRows,
  STATUS_TAGS,
} from './view-model.ts';

const PAGE_SIZE = 25;
const FIRST_YEAR = 2018;

interface DashboardInput {
  period?: string;
  service: string[];
  specialism: string[];
  area: string[];
}

interface Place {
  place: PlaceFilter;
  /** The choices offered by the filters, each marked when chosen. */
  services: Array<{ value: string; text: string; selected: boolean }>;
  specialisms: Array<{ value: string; text: string; selected: boolean }>;
  areas: Array<{ value: string; text: string; selected: boolean }>;
  /** Words for what is chosen, for the board pack and the spreadsheet. */
  described: string[];
}

/**
 * The filters as the organisation has them: a service id, specialism code or
 * area that is not one of its services' is dropped (and so not chosen).
 */
async function placeOf(tx: Queryable, input: DashboardInput, language: string): Promise<Place> {
  const [services, options] = await Promise.all([listServices(tx), loadOptions(tx)]);
  const serviceIds = input.service.filter((id) => services.some((s) => s.id === id));
  const specialismCodes = [...new Set(services.map((s) => s.specialism))].sort();
  const specialisms = input.specialism.filter((c) => specialismCodes.includes(c));
  const areaNames = [
    ...new Set(services.map((s) => s.area).filter((a): a is string => !!a)),
  ].sort();
  const areas = input.area.filter((a) => areaNames.includes(a));
  const specialismLabel = (code: string) => optionLabel(options, 'specialism', code, language);
  return {
    place: { serviceIds, specialisms, areas },
    services: services.map((s) => ({
      value: s.id,
      text: s.name,
      selected: serviceIds.includes(s.id),
    })),
    specialisms: specialismCodes.map((c) => ({
      value: c,
      text: optionLabelOnPage(options, 'specialism', c, language),
      selected: specialisms.includes(c),
    })),
    areas: areaNames.map((a) => ({ value: a, text: a, selected: areas.includes(a) })),
    described: [
      ...services.filter((s) => serviceIds.includes(s.id)).map((s) => s.name),
      ...specialisms.map(specialismLabel),
      ...areas,
    ],
  };
}

/** The query string that keeps the period and the filters, for links. */
function queryOf(period: ReportingPeriod, place: PlaceFilter, extra: Record<string, string> = {}) {
  const params = new URLSearchParams({ period: period.name });
  for (const id of place.serviceIds ?? []) params.append('service', id);
  for (const code of place.specialisms ?? []) params.append('specialism', code);
  for (const area of place.areas ?? []) params.append('area', area);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return `?${params.toString()}`;
}

/** The period asked for, or the current financial year with a flag when it was not one. */
function periodFrom(name: string | undefined): { period: ReportingPeriod; unknown: boolean } {
  const trimmed = (name ?? '').trim();
  const period = kpiPeriod(trimmed);
  if (period) return { period, unknown: false };
  return { period: currentPeriod('financial-year'), unknown: trimmed !== '' };
}

/** The periods the dashboard offers: each financial year since 2018 and its quarters, newest first. */
function periodChoices(chosen: ReportingPeriod, tr: Translator) {
  const last = currentPeriod('financial-year').year;
  const items: Array<{ value: string; text: string; selected: boolean }> = [];
  for (let year = last; year >= FIRST_YEAR; year -= 1) {
    for (const period of [financialYear(year), ...quartersOf(year)])
      items.push({
        value: period.name,
        text: periodLabel(period, tr),
        selected: period.name === chosen.name,
      });
  }
  return items;
}

/** Tiles two to a row. */
function pairs<T>(items: T[]): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += 2) rows.push(items.slice(i, i + 2));
  return rows;
}

/**
 * The translator the KPI pages are written with: the reader's language
 * where the KPI strings are translated, else English, and the pages then
 * mark their content lang="en" (no Welsh is claimed that is not there).
 */
function readerTranslator(request: Pick<FastifyRequest, 'language' | 'translations'>): {
  tr: Translator;
  contentLang: 'en' | null;
} {
  // The organisation's own translations count: its translators may have put the KPI pages into Welsh.
  const own = translator(request.language, request.translations);
  if (own.has('kpis.title')) return { tr: own, contentLang: null };
  return { tr: translator('en'), contentLang: 'en' };
}

function pageOf(value: string | undefined): number {
  return /^\d{1,6}$/.test(value ?? '') ? Math.max(1, Number(value)) : 1;
}

/** The KPI pages: the dashboard, a KPI's records, the spreadsheet, the board pack and the API. */
export const kpiRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);

  app.get(
    '/api/v1/kpis',
    { ...apiAccess('kpis:view'), schema: { querystring: ApiQuery } },
    async (request, reply) => {
      const name = request.query.period?.trim();
      const period = name ? kpiPeriod(name) : currentPeriod('financial-year');
      if (!period)
        return apiError(
          reply,
          400,
          'BAD_PERIOD',
          'Give the period as a financial year like 2019 (April 2019 to March 2020) or a quarter like 2019-Q1 (April to June 2019).',
        );
      const results = await request.db((tx) => computeKpis(tx, period, {}, { trend: 0 }));
      return reply.type('application/json').send(kpiJson(results));
    },
  );

  app.get(
    '/staff/kpis',
    { ...guard('kpis:view'), schema: { querystring: DashboardQuery } },
    async (request, reply) => {
      const { tr, contentLang } = readerTranslator(request);
      const { period, unknown } = periodFrom(request.query.period);
      const today = todayInLondon();
      const data = await request.db(async (tx) => {
        const place = await placeOf(tx, request.query, request.language);
        const kpis = await computeKpis(tx, period, place.place);
        const headcounts = await computeHeadcounts(tx, today, place.place);
        const measures = await computeMeasures(tx, period, place.place);
        return { place, kpis, headcounts, measures };
      });
      const query = queryOf(period, data.place.place);
      return reply.page('kpis/views/dashboard.njk', {
        contentLang,
        period,
        periodName: periodLabel(period, tr),
        unknownPeriod: unknown ? request.query.period : null,
        periods: periodChoices(period, tr),
        services: data.place.services,
        specialisms: data.place.specialisms,
        areas: data.place.areas,
        filtered: data.place.described,
        tileRows: pairs(data.kpis.map((k) => tileOf(k, tr, query))),
        headcounts: data.headcounts.map((h) => headcountRow(h, tr)),
        measureColumns: measureColumns(data.measures[0], tr),
        measures: data.measures.map((m) => ({
          name: tr.t(m.definition.nameKey),
          description: tr.t(m.definition.descriptionKey),
          cells: m.points.map((p) => measureText(m, p, tr)),
          note: notFilteredNote(m.notFiltered, tr),
        })),
        query,
        canExport: can(request.user, 'kpis:export'),
      });
    },
  );

  /** The records of the spreadsheet and the board pack, after auditing the export. */
  async function exportData(request: FastifyRequest, format: 'xlsx' | 'pdf') {
    const input = request.query as DashboardInput;
    const { period } = periodFrom(input.period);
    const today = todayInLondon();
    return request.db(async (tx) => {
      const place = await placeOf(tx, input, request.language);
      await audit(tx, actorOf(request), {
        action: 'export',
        entity: 'kpis',
        after: { format, period: period.name, filter: place.place },
      });
      return {
        period,
        place,
        kpis: await computeKpis(tx, period, place.place),
        headcounts: await computeHeadcounts(tx, today, place.place),
        measures: await computeMeasures(tx, period, place.place),
      };
    });
  }

  app.get(
    '/staff/kpis/export.xlsx',
    { ...guard('kpis:export'), schema: { querystring: DashboardQuery } },
    async (request, reply) => {
      const { tr } = readerTranslator(request);
      const data = await exportData(request, 'xlsx');
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="kpis-${data.period.name}.xlsx"`)
        .header('cache-control', 'no-store');
      return reply.send(
        xlsxStream(
          tr.text('kpis.export.sheet'),
          EXPORT_HEADER_KEYS.map((k) => tr.text(k)),
          exportRows(data, tr),
        ),
      );
    },
  );

  app.get(
    '/staff/kpis/board-pack.pdf',
    { ...guard('kpis:export'), schema: { querystring: DashboardQuery } },
    async (request, reply) => {
      const { tr } = readerTranslator(request);
      const data = await exportData(request, 'pdf');
      return sendPdf(
        reply,
        boardPack(data, tr, request.organisation.name),
        `kpis-board-pack-${data.period.name}.pdf`,
      );
    },
  );

  app.get(
    '/staff/kpis/:code',
    { ...guard('kpis:view'), schema: { params: CodeParams, querystring: DrillQuery } },
    async (request, reply) => {
      const definition = KPIS.find((k) => k.code === request.params.code);
      if (!definition) throw notFound();
      const { tr, contentLang } = readerTranslator(request);
      const { period } = periodFrom(request.query.period);
      const mayList = can(request.user, 'kpis:records');
      const pages = {
        numerator: pageOf(request.query.numeratorPage),
        denominator: pageOf(request.query.denominatorPage),
      };
      const data = await request.db(async (tx) => {
        const place = await placeOf(tx, request.query, request.language);
        const [kpi] = await computeKpis(tx, period, place.place, { codes: [definition.code] });
        const result = kpi as KpiResult;
        const listed: Record<'numerator' | 'denominator', StatisticRecords | null> = {
          numerator: null,
          denominator: null,
        };
        if (mayList) {
          for (const side of ['numerator', 'denominator'] as const) {
            const query = definition[side];
            const owner = statistics().find((s) => s.name === query.statistic);
            if (!owner?.records) continue;
            const narrowed = { ...place.place };
            if (result.notFiltered.includes('service')) delete narrowed.serviceIds;
            if (result.notFiltered.includes('specialism')) delete narrowed.specialisms;
            if (result.notFiltered.includes('area')) delete narrowed.areas;
            listed[side] = await statisticRecords(
              tx,
              query.statistic,
              { ...narrowed, ...query.filter, from: period.from, to: period.to },
              { limit: PAGE_SIZE, offset: (pages[side] - 1) * PAGE_SIZE },
            );
          }
        }
        return { place, result, listed };
      });
      const { result } = data;
      const query = queryOf(period, data.place.place);
      const sides = (['numerator', 'denominator'] as const).map((side) => {
        const list = data.listed[side];
        const total = side === 'numerator' ? result.numerator : result.denominator;
        const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
        const page = Math.min(pages[side], pageCount);
        const other = side === 'numerator' ? 'denominatorPage' : 'numeratorPage';
        const otherPage = String(pages[side === 'numerator' ? 'denominator' : 'numerator']);
        const link = (p: number) =>
          `/staff/kpis/${definition.code}${queryOf(period, data.place.place, {
            [`${side}Page`]: String(p),
            [other]: otherPage,
          })}#${side}`;
        return {
          side,
          heading: tr.t(`kpis.drill.${side}Heading`, { count: total }),
          statistic: tr.t(
            statistics().find((s) => s.name === definition[side].statistic)!.labelKey,
          ),
          listed: list !== null,
          rows: (list?.rows ?? []).map((r) => ({
            reference: r.reference,
            label: r.label,
            date: r.date,
            href: r.href ?? null,
          })),
          page,
          pages: pageCount,
          previous: page > 1 ? link(page - 1) : null,
          next: page < pageCount ? link(page + 1) : null,
        };
      });
      return reply.page('kpis/views/kpi.njk', {
        contentLang,
        code: definition.code,
        name: tr.t(definition.nameKey),
        nameText: tr.text(definition.nameKey),
        description: tr.t(definition.descriptionKey),
        periodName: periodLabel(period, tr),
        value: percentText(result.value, tr),
        target: tr.t('kpis.target', { target: result.target }),
        statusText: tr.t(`kpis.status.${result.status}`),
        tag: STATUS_TAGS[result.status],
        fraction: tr.t('kpis.fraction', {
          numerator: result.numerator,
          denominator: result.denominator,
        }),
        note: notFilteredNote(result.notFiltered, tr),
        chart: kpiChart(result, tr),
        trendCaption: tr.text('kpis.trendCaption', { name: tr.text(definition.nameKey) }),
        trendHead: [
          tr.text('kpis.columns.quarter'),
          tr.text('kpis.columns.value'),
          tr.text('kpis.columns.numerator'),
          tr.text('kpis.columns.denominator'),
        ],
        trendRows: trendRows(result.trend, tr),
        sides,
        mayList,
        back: `/staff/kpis${query}`,
      });
    },
  );
};
