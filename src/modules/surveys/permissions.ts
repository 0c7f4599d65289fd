import { STAFF_ROLES, rolesMayDo } from '../../platform/auth/index.ts';

/** What surveys guard. */
export const SURVEY_ACTIONS = ['surveys:manage', 'surveys:analyse', 'surveys:coauthor'] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof SURVEY_ACTIONS)[number], true> {}
}

/**
 * Staff who run involvement build, publish and send surveys and type in
 * paper answers; every member of staff (board members too) reads the
 * analysis. Customers reach only the drafts they were asked to co-author
 * (the route checks their right on each survey).
 */
export const surveyRules = rolesMayDo({
  'surveys:manage': ['admin', 'involvement_lead', 'staff'],
  'surveys:analyse': STAFF_ROLES,
  'surveys:coauthor': ['customer'],
});
