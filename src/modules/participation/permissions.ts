import { rolesMayDo } from '../../platform/auth/index.ts';

/** What participation guards. */
export const PARTICIPATION_ACTIONS = ['participation:manage', 'rewards:manage'] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof PARTICIPATION_ACTIONS)[number], true> {}
}

/** Staff who run involvement run opportunities and activities; money is for leads and admins. */
export const participationRules = rolesMayDo({
  'participation:manage': ['admin', 'involvement_lead', 'staff'],
  'rewards:manage': ['admin', 'involvement_lead'],
});
