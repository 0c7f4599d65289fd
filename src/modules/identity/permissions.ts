import { rolesMayDo, type PermissionRule } from '../../platform/auth/index.ts';

/** What identity guards: accounts, the audit trail, the outbox and assisted mode. */
export const IDENTITY_ACTIONS = [
  'users:manage',
  'audit:read',
  'outbox:read',
  'customers:assist',
] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof IDENTITY_ACTIONS)[number], true> {}
}

const byRole = rolesMayDo({
  'users:manage': ['admin'],
  'outbox:read': ['admin'],
  'customers:assist': ['admin', 'involvement_lead', 'staff'],
});

/** The audit trail is for administrators and those given it; no helping two customers at once. */
export const identityRules: PermissionRule = (user, action, subject) => {
  if (action === 'audit:read')
    return user.roles.includes('admin') || user.permissions.includes('audit:read')
      ? 'allow'
      : undefined;
  if (action === 'customers:assist' && user.assistedBy) return 'deny';
  return byRole(user, action, subject);
};
