import { STAFF_ROLES, rolesMayDo } from '../../platform/auth/index.ts';

/** What feedback guards. */
export const FEEDBACK_ACTIONS = [
  'feedback:view',
  'feedback:log',
  'feedback:act',
  'feedback:publish',
  'feedback:themes',
] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof FEEDBACK_ACTIONS)[number], true> {}
}

/**
 * Staff who work with people log feedback and answer it; board members read
 * the themes and counts (the items hold people's words and names, so they see
 * the quarter's figures, not the items: feedback:view is the report).
 * Publishing and the theme list are for leads and administrators.
 */
export const feedbackRules = rolesMayDo({
  'feedback:view': STAFF_ROLES,
  'feedback:log': ['admin', 'involvement_lead', 'staff'],
  'feedback:act': ['admin', 'involvement_lead', 'staff'],
  'feedback:publish': ['admin', 'involvement_lead'],
  'feedback:themes': ['admin', 'involvement_lead'],
});
