import { rolesMayDo } from '../../platform/auth/index.ts';

/** What the KPIs module guards. */
export const KPI_ACTIONS = ['kpis:view', 'kpis:records', 'kpis:export'] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof KPI_ACTIONS)[number], true> {}
}

/**
 * Every member of staff and the board see the KPIs and may take the board
 * pack and the spreadsheet (their exports are audited). The records behind
 * a figure are operational records and people: staff who work on
 * involvement see them, board members see the figures only (as operations
 * decides for its records).
 */
export const kpiRules = rolesMayDo({
  'kpis:view': ['admin', 'involvement_lead', 'staff', 'board_member'],
  'kpis:records': ['admin', 'involvement_lead', 'staff'],
  'kpis:export': ['admin', 'involvement_lead', 'staff', 'board_member'],
});
