import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { apiAccess, apiError } from '../../platform/api/index.ts';
import { can, guard } from '../../platform/auth/index.ts';
import type { Queryable } from '../../platform/db/index.ts';
import { formErrors, type FieldProblem } from '../../platform/forms/index.ts';
import { withShapes } from '../../platform/forms/schema.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { asEnglish, forPage, translator, type Translator } from '../../platform/i18n/index.ts';
import { financialYear, financialYearOf } from '../../platform/periods/index.ts';
import { todayInLondon } from '../../platform/calendar/index.ts';
import { formatDate } from '../../platform/views/index.ts';
import { TP_CODES, tenuresOf, type TpMeasure } from './measures.ts';
import { ApproachForm, YearQuery } from './schemas.ts';
import {
  readApproach,
  readYear,
  saveApproach,
  tsmResults,
  type Approach,
  type TsmResults,
} from './service.ts';
import { draftSummary } from './summary.ts';

const FIRST_YEAR = 2023; // the TSM Standard came into force on 1 April 2023 (§1.1 [V])
const TEXT_LIMIT = 2000;
const BODY_LIMIT = 20_000;

/** The financial year asked for, or the one today falls in. */
function yearOf(value: string | undefined): number {
  const current = financialYearOf(todayInLondon()).year;
  if (value && /^\d{4}$/.test(value)) {
    const year = Number(value);
    if (year >= 2000 && year <= current + 1) return year;
  }
  return current;
}

function yearChoices(selected: number): Array<{ value: string; text: string; selected: boolean }> {
  const last = Math.max(financialYearOf(todayInLondon()).year, selected);
  const first = Math.min(FIRST_YEAR, selected);
  return Array.from({ length: last - first + 1 }, (_, i) => last - i).map((y) => ({
    value: String(y),
    text: `${y} to ${y + 1}`,
    selected: y === selected,
  }));
}

const grouped = (n: number) => n.toLocaleString('en-GB');

/** A figure as the page shows it: the value, and what it was worked out from. */
function figure(
  tr: Translator,
  m: { value: number | null; numerator: number; denominator: number },
  kind: 'percent' | 'rate',
): string {
  if (m.value === null) return tr.text('tsm.page.noData');
  const value =
    kind === 'percent'
      ? tr.text('tsm.page.percent', { value: m.value.toFixed(1) })
      : tr.text('tsm.page.rate', { value: m.value.toFixed(2) });
  return `${value} ${tr.text(kind === 'percent' ? 'tsm.page.ofPercent' : 'tsm.page.ofRate', {
    numerator: grouped(m.numerator),
    denominator: grouped(m.denominator),
  })}`;
}

/** The page's tables from the results, as govukTable rows. */
function tables(tr: Translator, results: TsmResults) {
  const tp = results.measures.filter((m): m is TpMeasure => m.code.startsWith('TP'));
  const perception = TP_CODES.map((code) => {
    const cells = (['LCRA', 'LCHO'] as const).map((part) => {
      if (!tenuresOf(code).includes(part)) return { text: tr.text('tsm.page.notReported') };
      const m = tp.find((x) => x.code === code && x.part === part);
      return { text: m ? figure(tr, m, 'percent') : tr.text('tsm.page.noData') };
    });
    return [{ text: `${code} ${tr.text(`tsm.measures.${code}`)}` }, ...cells];
  });
  const management = results.measures
    .filter((m) => !m.code.startsWith('TP'))
    .map((m) => [
      { text: `${m.code} ${tr.text(`tsm.measures.${m.code}`)}` },
      { text: tr.text(`tsm.parts.${m.part}`) },
      {
        text: figure(tr, m, m.code === 'CH01' || m.code === 'NM01' ? 'rate' : 'percent'),
      },
    ]);
  const sample = results.sample.map((s) => [
    // The regulator's tenure codes, English in either language.
    { text: tr.language === 'en' ? s.tenure : asEnglish(s.tenure) },
    {
      text: s.homes === null ? tr.text('tsm.page.noHomes') : grouped(s.homes),
      classes: 'govuk-table__cell--numeric',
    },
    { text: s.margin === null ? '–' : `±${s.margin}%`, classes: 'govuk-table__cell--numeric' },
    {
      text: s.required === null ? '–' : grouped(s.required),
      classes: 'govuk-table__cell--numeric',
    },
    { text: grouped(s.achieved), classes: 'govuk-table__cell--numeric' },
    {
      text: s.achieved_margin === null ? '–' : `±${s.achieved_margin.toFixed(1)}%`,
      classes: 'govuk-table__cell--numeric',
    },
    {
      text:
        s.met === null
          ? tr.text('tsm.page.unknown')
          : tr.text(s.met ? 'tsm.page.met' : 'tsm.page.notMet'),
    },
  ]);
  return { perception, management, sample };
}

/** Everything the page and the approach form show for a year. */
async function pageData(tx: Queryable, year: number) {
  const read = await readYear(tx, year);
  const [results, approach] = await Promise.all([
    tsmResults(tx, year, read),
    readApproach(tx, year),
  ]);
  const facts = read.facts;
  const draft = draftSummary({ year, facts, sample: results.sample, approach });
  return { results, facts, approach, draft };
}

const paragraphs = (body: string) =>
  body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);

/** The fields of the approach form as typed, and the problems with them. */
function readApproachForm(body: Record<string, string | undefined>): {
  approach: Omit<Approach, 'saved' | 'updatedBy'>;
  values: Record<string, string>;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const field = (name: string, limit = TEXT_LIMIT) => {
    const value = (body[name] ?? '').replace(/\r\n/g, '\n').trim();
    if (value.length > limit)
      problems.push({
        field: name,
        key: 'tsm.approach.errors.tooLong',
        label: `tsm.approach.fieldNames.${name}`,
        vars: { limit: grouped(limit) },
      });
    return value;
  };
  const excludedText = (body.excludedHouseholds ?? '').trim().replace(/,/g, '');
  let excludedHouseholds: number | null = null;
  if (excludedText) {
    if (/^\d{1,7}$/.test(excludedText)) excludedHouseholds = Number(excludedText);
    else problems.push({ field: 'excludedHouseholds', key: 'tsm.approach.errors.excluded' });
  }
  const approach = {
    sampleMethod: field('sampleMethod'),
    representativeness: field('representativeness'),
    weightingCharacteristics: field('weightingCharacteristics'),
    contractor: field('contractor'),
    excludedHouseholds,
    exclusionReason: field('exclusionReason'),
    shortfallReason: field('shortfallReason'),
    incentives: field('incentives'),
    otherIssues: field('otherIssues'),
    body: field('body', BODY_LIMIT),
  };
  const values = Object.fromEntries(
    Object.keys(approach).map((k) => [k, (body[k] ?? '').replace(/\r\n/g, '\n')]),
  );
  return { approach, values, problems };
}

function approachValues(approach: Approach, body: string): Record<string, string> {
  return {
    sampleMethod: approach.sampleMethod,
    representativeness: approach.representativeness,
    weightingCharacteristics: approach.weightingCharacteristics,
    contractor: approach.contractor,
    excludedHouseholds:
      approach.excludedHouseholds === null ? '' : String(approach.excludedHouseholds),
    exclusionReason: approach.exclusionReason,
    shortfallReason: approach.shortfallReason,
    incentives: approach.incentives,
    otherIssues: approach.otherIssues,
    body,
  };
}

function renderApproachForm(
  request: FastifyRequest,
  reply: FastifyReply,
  data: {
    year: number;
    values: Record<string, string>;
    weighted: boolean;
    drafted: boolean;
    problems?: FieldProblem[];
  },
) {
  const errors = formErrors(
    translator(request.language, request.translations),
    data.problems ?? [],
  );
  return reply.page('tsm/views/approach.njk', {
    year: data.year,
    values: data.values,
    weighted: data.weighted,
    drafted: data.drafted,
    errorList: errors?.errorList,
    errors: errors?.errors ?? {},
  });
}

/** The Tenant Satisfaction Measures pages and the JSON API. */
export const tsmRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  const view = guard('tsm:view');
  const edit = guard('tsm:edit');

  app.get('/staff/tsm', { ...view, schema: { querystring: YearQuery } }, async (request, reply) => {
    const year = yearOf(request.query.year);
    const data = await request.db((tx) => pageData(tx, year));
    // The tables go into the page alone: English without Welsh is marked.
    const tr = forPage(translator(request.language, request.translations));
    const period = financialYear(year);
    return reply.page('tsm/views/index.njk', {
      year,
      years: yearChoices(year),
      from: formatDate(period.from, request.language, false),
      to: formatDate(period.to, request.language, false),
      tables: tables(tr, data.results),
      facts: data.facts,
      weighting: data.results.weighting,
      summary: paragraphs(data.approach.saved ? data.approach.body : data.draft),
      summarySaved: data.approach.saved,
      summaryBy: data.approach.updatedBy,
      saved: request.query.saved === '1',
      canEdit: can(request.user, 'tsm:edit'),
      canImport: can(request.user, 'tsm:import'),
      smallLandlord: data.results.sample.some((s) => s.homes !== null && s.homes < 1000),
    });
  });

  app.get(
    '/staff/tsm/approach',
    { ...edit, schema: { querystring: YearQuery } },
    async (request, reply) => {
      const year = yearOf(request.query.year);
      const data = await request.db((tx) => pageData(tx, year));
      return renderApproachForm(request, reply, {
        year,
        values: approachValues(
          data.approach,
          data.approach.saved ? data.approach.body : data.draft,
        ),
        weighted: data.facts.weighted,
        drafted: !data.approach.saved,
      });
    },
  );

  app.post(
    '/staff/tsm/approach',
    { ...edit, schema: { body: ApproachForm } },
    async (request, reply) => {
      const year = yearOf(request.body.year);
      const form = readApproachForm(request.body as Record<string, string | undefined>);
      if (request.body.intent === 'draft') {
        // Draft the text again from the data and the facts as typed; nothing is saved.
        const data = await request.db((tx) => pageData(tx, year));
        const draft = draftSummary({
          year,
          facts: data.facts,
          sample: data.results.sample,
          approach: form.approach,
        });
        return renderApproachForm(request, reply, {
          year,
          values: { ...form.values, body: draft },
          weighted: data.facts.weighted,
          drafted: true,
          problems: form.problems.filter((p) => p.field !== 'body'),
        });
      }
      if (!form.approach.body && !form.problems.some((p) => p.field === 'body'))
        form.problems.push({ field: 'body', key: 'tsm.approach.errors.body' });
      if (form.problems.length > 0) {
        const weighted = await request.db(async (tx) => (await readYear(tx, year)).facts.weighted);
        return renderApproachForm(request, reply.code(400), {
          year,
          values: form.values,
          weighted,
          drafted: false,
          problems: form.problems,
        });
      }
      await request.db((tx) => saveApproach(tx, actorOf(request), year, form.approach));
      return reply.redirect(`/staff/tsm?year=${year}&saved=1#approach`, 303);
    },
  );

  app.get(
    '/api/v1/tsm',
    { ...apiAccess('tsm:view'), schema: { querystring: YearQuery } },
    async (request, reply) => {
      const year = request.query.year;
      if (!year || !/^\d{4}$/.test(year) || Number(year) < 2000 || Number(year) > 2100)
        return apiError(
          reply,
          400,
          'BAD_YEAR',
          'Give the financial year as ?year=YYYY, like ?year=2025 for April 2025 to March 2026.',
        );
      return request.db((tx) => tsmResults(tx, Number(year)));
    },
  );
};
