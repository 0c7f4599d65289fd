import { STAFF_ROLES, rolesMayDo } from '../../platform/auth/index.ts';

/** What initiatives guard. */
export const INITIATIVE_ACTIONS = ['initiatives:view', 'initiatives:manage'] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof INITIATIVE_ACTIONS)[number], true> {}
}

/** Every member of staff sees initiatives (the board too); those who run involvement change them. */
export const initiativeRules = rolesMayDo({
  'initiatives:view': STAFF_ROLES,
  'initiatives:manage': ['admin', 'involvement_lead', 'staff'],
});
