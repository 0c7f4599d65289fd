import { rolesMayDo } from '../../platform/auth/index.ts';

/** What operations guards. */
export const OPERATIONS_ACTIONS = [
  'operations:view',
  'operations:enter',
  'operations:import',
  'operations:configure',
] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof OPERATIONS_ACTIONS)[number], true> {}
}

/**
 * The records hold no personal fields beyond a person's reference, but they
 * are the organisation's own operational data: staff who work on involvement
 * see them (and print posters); involvement leads and administrators enter,
 * import and set the involvement menu. Board members see the KPIs built on
 * them, not the records.
 */
export const operationsRules = rolesMayDo({
  'operations:view': ['admin', 'involvement_lead', 'staff'],
  'operations:enter': ['admin', 'involvement_lead'],
  'operations:import': ['admin', 'involvement_lead'],
  'operations:configure': ['admin', 'involvement_lead'],
});
