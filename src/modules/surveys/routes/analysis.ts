import type { FastifyPluginAsync } from 'fastify';
import { can, guard } from '../../../platform/auth/index.ts';
import { type Cell } from '../../../platform/statistics/index.ts';
import { withShapes } from '../../../platform/forms/schema.ts';
import { idParam, notFound } from '../../../platform/http/params.ts';
import { translator, type Language } from '../../../platform/i18n/index.ts';
import { listServices } from '../../people/index.ts';
import { allQuestions, wordsIn, type SurveyDefinition } from '../definition.ts';
import { CUTS, STAFF_THRESHOLD, analyseSurvey, cutSurvey, trendOf, type Cut } from '../analysis.ts';
import { barChart } from '../charts.ts';
import { findSurvey, currentVersion } from '../service.ts';
import { AnalysisQuery } from '../schemas.ts';
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
      const tr = translator(language);
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
          cuts: cut ? await cutSurvey(tx, id, found.definition, cut) : [],
          trend: await trendOf(tx, found.survey.seriesId ?? id, found.definition),
          services: cut === 'service' ? await listServices(tx) : [],
        };
      });
      if (!data) throw notFound();
      const serviceNames = new Map(data.services.map((s) => [s.id, s.name]));
      const questions = data.analysis.questions
        // Equality answers are for those allowed to see equality figures.
        .filter((s) => !s.question.equality || mayEquality)
        .map((s) => {
          const label = (code: string) => optionLabel(s.question, code, language);
          return {
            ...s,
            title: wordsIn(s.question.text, language),
            rows: s.options.map((o) => ({ ...o, label: label(o.code) })),
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
      });
    },
  );
};
