import type { ModuleManifest } from '../../platform/manifest.ts';
import { kpisCommand } from './cli.ts';
import { KPI_ACTIONS, kpiRules } from './permissions.ts';
import { kpiRoutes } from './routes.ts';

export { HEADCOUNT_TARGETS, KPIS, MEASURES } from './definitions.ts';
export type { HeadcountTarget, InvolvementMeasure, KpiDefinition } from './definitions.ts';
export { computeHeadcounts, computeKpis, computeMeasures, percentage } from './engine.ts';
export type {
  HeadcountResult,
  KpiResult,
  KpiStatus,
  MeasureResult,
  PlaceFilter,
} from './engine.ts';
export { kpiJson, type KpiJson } from './results.ts';

/**
 * The seed's KPIs, headcount targets and involvement measures, computed
 * from the statistics other modules register (issue 14 §§3, 5, 6): the
 * engine, `coproduce kpis`, `/api/v1/kpis` and the dashboard.
 */
export const kpisModule: ModuleManifest = {
  name: 'kpis',
  routes: kpiRoutes,
  permissions: { actions: KPI_ACTIONS, rules: [{ layer: 'organisation', rule: kpiRules }] },
  contributes: { commands: { kpis: kpisCommand } },
  navigation: [
    {
      side: 'staff',
      href: '/staff/kpis',
      labelKey: 'nav.kpis',
      order: 42,
      action: 'kpis:view',
      area: 'insight',
    },
  ],
};
