import { rolesMayDo } from '../../platform/auth/index.ts';

/** What groups guards. */
export const GROUP_ACTIONS = ['groups:manage', 'groups:view'] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof GROUP_ACTIONS)[number], true> {}
}

/**
 * Staff who run involvement run panels and forums; the board reads them
 * (their pages and the reports that come up to it) without changing them.
 */
export const groupRules = rolesMayDo({
  'groups:manage': ['admin', 'involvement_lead', 'staff'],
  'groups:view': ['admin', 'involvement_lead', 'staff', 'board_member'],
});
