import { STAFF_ROLES, rolesMayDo, type PermissionRule } from '../../platform/auth/index.ts';

/** What the register guards. */
export const PEOPLE_ACTIONS = [
  'services:view',
  'equality:read',
  'equality:stats',
  'people:view',
  'people:edit',
  'people:merge',
  'people:import',
  'people:export',
  'people:erase',
  'rights:manage',
  'register:configure',
] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof PEOPLE_ACTIONS)[number], true> {}
}

/**
 * The register holds personal data: staff who work with people see and edit
 * it; board members see only counts and services. Merging, importing,
 * exporting, erasing and rights requests are for leads and administrators.
 */
const byRole = rolesMayDo({
  'services:view': STAFF_ROLES,
  'equality:stats': STAFF_ROLES,
  'people:view': ['admin', 'involvement_lead', 'staff'],
  'people:edit': ['admin', 'involvement_lead', 'staff'],
  'people:merge': ['admin', 'involvement_lead'],
  'people:import': ['admin', 'involvement_lead'],
  'people:export': ['admin', 'involvement_lead'],
  'people:erase': ['admin', 'involvement_lead'],
  'rights:manage': ['admin', 'involvement_lead'],
  'register:configure': ['admin', 'involvement_lead'],
});

/** Special category data: only staff who hold the permission, whatever their role. */
export const peopleRules: PermissionRule = (user, action, subject) => {
  if (action === 'equality:read')
    return user.roles.some((r) => STAFF_ROLES.includes(r)) &&
      user.permissions.includes('equality:read')
      ? 'allow'
      : undefined;
  return byRole(user, action, subject);
};
