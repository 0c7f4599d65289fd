import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can, guard } from '../../../platform/auth/index.ts';
import { type Cell } from '../../../platform/statistics/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { UUID, idParam, notFound } from '../../../platform/http/params.ts';
import { translator, type Language } from '../../../platform/i18n/index.ts';
import { listServices } from '../../people/index.ts';
import { listThemes } from '../../feedback/index.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { params } from '../../../platform/forms/schema.ts';
import { allQuestions, wordsIn, type SurveyDefinition } from '../definition.ts';
import {
  CUTS,
  SENTIMENTS,
  STAFF_THRESHOLD,
  TEXT_PAGE_SIZE,
  analyseSurvey,
  cutSurvey,
  recodeAnswer,
  textAnswers,
  trendOf,
  type Cut,
} from '../analysis.ts';
import { barChart } from '../charts.ts';
import { findSurvey, currentVersion } from '../service.ts';
import { AnalysisQuery, RecodeForm, TextAnswersQuery } from '../schemas.ts';
import { optionLabel } from './staff.ts';

/** A count as a staff page shows it: the number, or "fewer than 5" / "hidden". */
export function cellText(cell: Cell, language: Language): string {
  const tr = translator(language);
  if (cell.suppressed === false) return cell.value.toLocaleString('en-GB');
  return cell.suppressed === 'primary'
    ? tr.text('surveys.analysis.fewerThan', { n: STAFF_THRESHOLD })
    : tr.text('surveys.analysis.hidden');
}

/** The definition analysis reads: the latest published, else the draft. */
async function definitionFor(tx: Parameters<typeof findSurvey>[0], surveyId: string) {
  const survey = await findSurvey(tx, surveyId);
  if (!survey) return null;
  const version = await currentVersion(tx, survey);
  return { survey, definition: (version?.definition ?? survey.draft) as SurveyDefinition };
}

/** Staff: the analysis of a survey, its cuts and its trend (issue 12 §6). */
export const analysisRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  const analyse = guard('surveys:analyse');

  app.get(
    '/staff/surveys/:id/analysis',
    { ...analyse, schema: { querystring: AnalysisQuery } },
    async (request, reply) => {
      const id = idParam(request);
      const language = request.language;
      const tr = translator(language, request.translations);
      const mayEquality = can(request.user, 'equality:stats');
      const requested = (request.query.cut ?? '').trim();
      const data = await request.db(async (tx) => {
        const found = await definitionFor(tx, id);
        if (!found) return null;
        const equalityCodes = allQuestions(found.definition)
          .filter((q) => q.equality)
          .map((q) => q.code);
        const allowed: string[] = [
          ...CUTS,
          ...(mayEquality ? equalityCodes.map((c) => `equality:${c}`) : []),
        ];
        const cut = allowed.includes(requested) ? (requested as Cut) : null;
        return {
          ...found,
          equalityCodes,
          allowed,
          cut,
          analysis: await analyseSurvey(tx, id, found.definition),
          themes: await listThemes(tx, { includeRetired: true }),
          cuts: cut ? await cutSurvey(tx, id, found.definition, cut) : [],
          trend: await trendOf(tx, found.survey.seriesId ?? id, found.definition),
          services: cut === 'service' ? await listServices(tx) : [],
        };
      });
      if (!data) throw notFound();
      const serviceNames = new Map(data.services.map((s) => [s.id, s.name]));
      const themeNames = new Map(data.themes.map((t) => [t.id, t.name]));
      const questions = data.analysis.questions
        // Equality answers are for those allowed to see equality figures.
        .filter((s) => !s.question.equality || mayEquality)
        .map((s) => {
          const label = (code: string) => optionLabel(s.question, code, language);
          return {
            ...s,
            title: wordsIn(s.question.text, language),
            rows: s.options.map((o) => ({ ...o, label: label(o.code) })),
            themes: (s.text?.themes ?? []).map((t) => ({
              name: themeNames.get(t.themeId) ?? t.themeId,
              count: t.count,
            })),
            chart:
              s.options.length > 0 && s.answered > 0
                ? barChart(
                    s.options.map((o) => ({
                      label: label(o.code),
                      percent: o.percent,
                      note: `${o.percent ?? 0}%`,
                    })),
                    tr.text('surveys.analysis.chartAlt', {
                      question: s.question.code,
                      count: s.answered,
                    }),
                  )
                : '',
          };
        });
      const groupLabel = (group: string) => {
        if (group === '') return tr.text('surveys.analysis.notKnown');
        if (data.cut === 'service') return serviceNames.get(group) ?? group;
        if (data.cut?.startsWith('equality:')) {
          const q = allQuestions(data.definition).find((x) => `equality:${x.code}` === data.cut);
          return q ? optionLabel(q, group, language) : group;
        }
        return group;
      };
      const cutTables = data.cuts
        .filter((c) => !c.question.equality || mayEquality)
        .map((c) => ({
          code: c.question.code,
          title: wordsIn(c.question.text, language),
          columns: c.columns.map((code) => optionLabel(c.question, code, language)),
          rows: c.rows.map((r) => ({
            group: groupLabel(r.group),
            cells: r.cells.map((cell) => cellText(cell, language)),
            total: cellText(r.total, language),
            positive: r.positive,
          })),
          totals: c.colTotals.map((cell) => cellText(cell, language)),
          grandTotal: cellText(c.grandTotal, language),
        }));
      const cutOptions = data.allowed.map((value) => ({
        value,
        text: value.startsWith('equality:')
          ? tr.text('surveys.analysis.cutEquality', { code: value.slice('equality:'.length) })
          : tr.text(`surveys.analysis.cuts.${value}`),
        selected: value === data.cut,
      }));
      return reply.page('surveys/views/staff/analysis.njk', {
        survey: data.survey,
        analysis: data.analysis,
        questions,
        cut: data.cut,
        cutOptions,
        cutTables,
        trend: data.trend.waves.length > 1 ? data.trend : null,
        threshold: STAFF_THRESHOLD,
        mayManage: can(request.user, 'surveys:manage'),
        // Names beside references: a survey that is not anonymous, staff who may see people.
        mayExportNames: !data.survey.anonymous && can(request.user, 'people:view'),
      });
    },
  );

  // One free-text question's answers, with the sentiment and themes each
  // carries; staff recode them against the organisation's theme list.
  const TextParams = params('id', 'code');
  const textPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    surveyId: string,
    code: string,
    page: number,
    extra: { saved?: boolean; problem?: { responseId: string; field: string } } = {},
  ) => {
    const language = request.language;
    const data = await request.db(async (tx) => {
      const found = await definitionFor(tx, surveyId);
      const question = found
        ? allQuestions(found.definition).find((q) => q.code === code && q.type === 'text')
        : undefined;
      if (!found || !question || question.equality) return null;
      return {
        survey: found.survey,
        question,
        answers: await textAnswers(tx, surveyId, code, page),
        themes: await listThemes(tx, { includeRetired: true }),
      };
    });
    if (!data) throw notFound();
    const names = new Map(data.themes.map((t) => [t.id, t.name]));
    const pages = Math.max(1, Math.ceil(data.answers.total / TEXT_PAGE_SIZE));
    const base = `/staff/surveys/${surveyId}/analysis/text/${encodeURIComponent(code)}`;
    return reply.code(extra.problem ? 400 : 200).page('surveys/views/staff/text.njk', {
      survey: data.survey,
      code,
      title: wordsIn(data.question.text, language),
      total: data.answers.total,
      page,
      previous: page > 1 ? `${base}?page=${page - 1}` : null,
      next: page < pages ? `${base}?page=${page + 1}` : null,
      action: base,
      saved: extra.saved ?? false,
      problem: extra.problem ?? null,
      sentiments: SENTIMENTS,
      answers: data.answers.rows.map((a, i) => ({
        ...a,
        n: (page - 1) * TEXT_PAGE_SIZE + i + 1,
        themeNames: a.themes.map((t) => names.get(t) ?? t),
        themeItems: data.themes
          .filter((t) => !t.retired || a.themes.includes(t.id))
          .map((t) => ({ value: t.id, text: t.name, checked: a.themes.includes(t.id) })),
      })),
    });
  };
  const pageOf = (value: string | undefined) =>
    Math.max(1, Math.min(100_000, Number.parseInt(value ?? '1', 10) || 1));

  app.get(
    '/staff/surveys/:id/analysis/text/:code',
    { ...analyse, schema: { params: TextParams, querystring: TextAnswersQuery } },
    async (request, reply) =>
      textPage(
        request,
        reply,
        idParam(request),
        request.params.code ?? '',
        pageOf(request.query.page),
        {
          saved: request.query.saved === 'recoded',
        },
      ),
  );

  app.post(
    '/staff/surveys/:id/analysis/text/:code',
    { ...analyse, schema: { params: TextParams, body: RecodeForm } },
    async (request, reply) => {
      const id = idParam(request);
      const code = request.params.code ?? '';
      const body = request.body;
      const page = pageOf(body.page);
      const responseId = body.responseId ?? '';
      const chosen = [...new Set(body.themes)];
      const sentiment = SENTIMENTS.find((s) => s === body.sentiment);
      const outcome = await request.db(async (tx) => {
        const found = await definitionFor(tx, id);
        const question = found
          ? allQuestions(found.definition).find((q) => q.code === code && q.type === 'text')
          : undefined;
        if (!found || !question || question.equality || !UUID.test(responseId))
          return 'missing' as const;
        const known = new Set((await listThemes(tx, { includeRetired: true })).map((t) => t.id));
        if (chosen.some((t) => !known.has(t))) return 'themes' as const;
        if (!sentiment) return 'sentiment' as const;
        const done = await recodeAnswer(tx, actorOf(request), id, code, responseId, {
          themes: chosen,
          sentiment,
        });
        return done ? ('done' as const) : ('missing' as const);
      });
      if (outcome === 'missing') throw notFound();
      if (outcome !== 'done')
        return textPage(request, reply, id, code, page, {
          problem: { responseId, field: outcome },
        });
      return reply.redirect(
        `/staff/surveys/${id}/analysis/text/${encodeURIComponent(code)}?page=${page}&saved=recoded#answer-${responseId}`,
        303,
      );
    },
  );
};
