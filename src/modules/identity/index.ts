import type { FastifyRequest } from 'fastify';
import type { CurrentUser } from '../../platform/auth/index.ts';
import type { ModuleManifest } from '../../platform/manifest.ts';
import { identityRoutes, SESSION_COOKIE } from './routes.ts';
import { accountPersonData, resolveSession, toCurrentUser } from './service.ts';
import { IDENTITY_ACTIONS, identityRules } from './permissions.ts';

export {
  accountsForPerson,
  addressKey,
  allowUse,
  keyLocked,
  useWrites,
  findUser,
  eraseCustomerAccounts,
  createUser,
  createAuthToken,
  findUserByEmail,
  listUsers,
  normaliseEmail,
} from './service.ts';
export { hashPassword, passwordProblem } from './passwords.ts';

/**
 * The signed-in user from the session cookie. A session still owed its second
 * factor gives no user, only request.pendingUserId.
 */
export async function userFromSession(request: FastifyRequest): Promise<CurrentUser | null> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return null;
  const resolved = await request.db((tx) => resolveSession(tx, token));
  if (!resolved || resolved.user.organisationId !== request.organisation.id) return null;
  if (resolved.secondFactorPending) {
    request.pendingUserId = resolved.user.id;
    return null;
  }
  return toCurrentUser(resolved.user, resolved.assistedBy);
}

/** Sign-in, sessions, accounts and their administration, the audit trail and the outbox. */
export const identity: ModuleManifest = {
  name: 'identity',
  routes: identityRoutes,
  permissions: {
    actions: IDENTITY_ACTIONS,
    rules: [{ layer: 'organisation', rule: identityRules }],
  },
  // A person's accounts follow them: moved on a merge, erased with them, in
  // their subject access export (users.person_id).
  contributes: { personData: [accountPersonData] },
  mail: {
    'sign-in-link': { paragraphs: ['intro', 'expiry', 'ignore'], action: 'action' },
    'password-reset': { paragraphs: ['intro', 'expiry', 'ignore'], action: 'action' },
    invitation: { paragraphs: ['intro', 'expiry'], action: 'action' },
  },
  navigation: [
    {
      side: 'staff',
      href: '/admin/users',
      labelKey: 'nav.users',
      order: 80,
      action: 'users:manage',
      area: 'settings',
    },
    {
      side: 'staff',
      href: '/admin/audit',
      labelKey: 'nav.audit',
      order: 85,
      action: 'audit:read',
      area: 'settings',
    },
    {
      side: 'staff',
      href: '/admin/outbox',
      labelKey: 'nav.outbox',
      order: 90,
      action: 'outbox:read',
      area: 'settings',
    },
  ],
};
