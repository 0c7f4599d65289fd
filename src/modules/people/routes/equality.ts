import type { FastifyPluginAsync } from 'fastify';
import { withShapes } from '../../../platform/forms/schema.ts';
import { EqualityQuery } from '../schemas.ts';
import { guard } from '../../../platform/auth/index.ts';
import { forPage, translator, type Translator } from '../../../platform/i18n/index.ts';
import type { Cell } from '../../../platform/statistics/suppression.ts';
import { readModuleSettings } from '../../../platform/tenancy/module-settings.ts';
import { registerSettings } from '../settings.ts';
import {
  MORE_THAN_ONE,
  NO_SERVICE,
  NOT_ANSWERED,
  equalityFigures,
  type EqualityFigures,
  type EqualityFilter,
  type FigureTable,
} from '../equality.ts';
import { PERSON_KINDS } from '../lists.ts';
import { loadOptions, optionLabelOnPage, type Options } from '../options.ts';

/** A cell as words: the count, "fewer than 5", or "hidden". */
function describe(tr: Translator, cell: Cell, threshold: number): string {
  if (cell.suppressed === false) return cell.value.toLocaleString('en-GB');
  return cell.suppressed === 'primary'
    ? tr.text('equality.fewerThan', { threshold })
    : tr.text('equality.hidden');
}

function describePercent(tr: Translator, percent: number | null): string {
  if (percent === null) return tr.text('equality.hidden');
  if (percent > 0 && percent < 0.5) return tr.text('equality.lessThanOne');
  return `${Math.round(percent)}%`;
}

function answerLabel(tr: Translator, question: string, code: string): string {
  if (code === NOT_ANSWERED && question !== 'age') return tr.text('equality.notAnswered');
  if (code === 'prefer_not_to_say') return tr.text('equality.preferNotToSay');
  return tr.text(`equality.answers.${question}.${code}`);
}

function tableView(tr: Translator, table: FigureTable, threshold: number) {
  return {
    id: table.question,
    caption: tr.text(`equality.questions.${table.question}`),
    rows: table.rows.map((row) => ({
      label: answerLabel(tr, table.question, row.code),
      count: describe(tr, row.cell, threshold),
      percent: describePercent(tr, row.percent),
      hidden: row.cell.suppressed !== false,
    })),
    total: describe(tr, table.total, threshold),
  };
}

function crossTabView(tr: Translator, figures: EqualityFigures, options: Options) {
  const cross = figures.ageBySpecialism;
  const columnLabel = (code: string) =>
    code === MORE_THAN_ONE
      ? tr.text('equality.crossTab.moreThanOne')
      : code === NO_SERVICE
        ? tr.text('equality.crossTab.noService')
        : optionLabelOnPage(options, 'specialism', code, tr.language);
  const cell = (c: Cell) => describe(tr, c, figures.threshold);
  return {
    columns: cross.columns.map(columnLabel),
    rows: cross.rows.map((code, index) => ({
      label: answerLabel(tr, 'age', code),
      cells: cross.cells[index]!.map(cell),
      total: cell(cross.rowTotals[index]!),
    })),
    totals: cross.colTotals.map(cell),
    grandTotal: cell(cross.grandTotal),
  };
}

/** The filter from the query string: only a known specialism or kind counts. */
function readFilter(query: Record<string, unknown>, options: Options): EqualityFilter {
  const specialism = typeof query.specialism === 'string' ? query.specialism : '';
  const kind = typeof query.kind === 'string' ? query.kind : '';
  return {
    specialism: options.specialism.some((o) => o.code === specialism) ? specialism : null,
    kind: (PERSON_KINDS as readonly string[]).includes(kind) ? kind : null,
  };
}

/** Equality monitoring figures with small-count suppression (issue 4 §6). */
export const equalityRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  app.get(
    '/staff/people/equality',
    { ...guard('equality:stats'), schema: { querystring: EqualityQuery } },
    async (request, reply) => {
      const query = request.query;
      const { figures, options, filter } = await request.db(async (tx) => {
        const settings = await readModuleSettings(tx, request.organisation.id, registerSettings);
        const options = await loadOptions(tx);
        const filter = readFilter(query, options);
        const figures = await equalityFigures(tx, {
          threshold: settings.suppressionStaff,
          filter,
          specialisms: options.specialism.filter((o) => !o.retired).map((o) => o.code),
        });
        return { figures, options, filter };
      });
      // Everything made here goes only into the page: English without Welsh is marked there.
      const tr = forPage(translator(request.language, request.translations));
      const people = figures.people;
      return reply.page('people/views/equality/figures.njk', {
        threshold: figures.threshold,
        filter: { specialism: filter.specialism ?? '', kind: filter.kind ?? '' },
        specialisms: options.specialism.map((o) => ({
          value: o.code,
          text: optionLabelOnPage(options, 'specialism', o.code, tr.language),
        })),
        kinds: PERSON_KINDS.map((kind) => ({
          value: kind,
          text: tr.text(`equality.kinds.${kind}`),
        })),
        state: people.suppressed !== false ? 'tooFew' : people.value === 0 ? 'nobody' : 'figures',
        counted: people.suppressed === false ? people.value.toLocaleString('en-GB') : null,
        hasHidden: figures.hasHidden,
        tables: figures.tables.map((table) => tableView(tr, table, figures.threshold)),
        crossTab: crossTabView(tr, figures, options),
      });
    },
  );
};
