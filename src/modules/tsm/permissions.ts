import { STAFF_ROLES, rolesMayDo } from '../../platform/auth/index.ts';

/** What the tsm module guards. */
export const TSM_ACTIONS = ['tsm:view', 'tsm:import', 'tsm:edit'] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof TSM_ACTIONS)[number], true> {}
}

/**
 * The measures are the figures a landlord publishes: every member of staff
 * (board members too) reads them, and an API token may be given `tsm:view`.
 * Importing responses and writing the summary of approach are for
 * involvement leads and administrators.
 */
export const tsmRules = rolesMayDo({
  'tsm:view': STAFF_ROLES,
  'tsm:import': ['admin', 'involvement_lead'],
  'tsm:edit': ['admin', 'involvement_lead'],
});
