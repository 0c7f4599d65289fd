import { form, list, params, text } from '../../platform/forms/schema.ts';

/** Request shapes of the KPI pages (meaning is checked by the routes). */

/** The dashboard's period and filters; a filter may come more than once. */
export const DashboardQuery = form({
  period: text(),
  service: list(),
  specialism: list(),
  area: list(),
});

/** A KPI's records: the dashboard's query and a page for each side. */
export const DrillQuery = form({
  period: text(),
  service: list(),
  specialism: list(),
  area: list(),
  numeratorPage: text(),
  denominatorPage: text(),
});

export const CodeParams = params('code');

export const ApiQuery = form({ period: text() });
