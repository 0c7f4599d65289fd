import type { FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may use the route: 'public', or the action requirePermission checks.
     * Every route declares it; the route-access test walks them all by it.
     */
    access?: 'public' | Action;
  }
}
import { AppError } from '../http/errors.ts';
import { installedModules, type ModuleManifest } from '../manifest.ts';

export const ROLES = ['admin', 'involvement_lead', 'staff', 'board_member', 'customer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is making the request, once signed in. */
export interface CurrentUser {
  id: string;
  organisationId: string;
  name: string;
  roles: Role[];
  /** Extra permissions a role does not give by itself, such as equality:read. */
  permissions: string[];
  /** In assisted mode: the member of staff acting for this customer. */
  assistedBy?: { id: string; name: string } | null;
  /**
   * The person on the register this account belongs to (users.person_id):
   * how a customer's own pages find their record. Null when nobody is linked;
   * optional only so that a test may build a user without it.
   */
  personId?: string | null;
}

/**
 * The actions there are. Each module adds its own by augmenting this
 * interface from its permissions file (derived from the list its manifest
 * declares), so an action is a checked name, and the platform knows none of
 * the modules' names:
 *
 *   declare module '../../platform/auth/index.ts' {
 *     interface Actions extends Record<(typeof PEOPLE_ACTIONS)[number], true> {}
 *   }
 */
export interface Actions extends Record<(typeof PLATFORM_ACTIONS)[number], true> {}
export type Action = keyof Actions & string;

/** The platform's own actions: reaching the staff area and using one's own account. */
export const PLATFORM_ACTIONS = ['staff-area:view', 'account:use'] as const;

export const STAFF_ROLES: Role[] = ['admin', 'involvement_lead', 'staff', 'board_member'];

/** What one layer of rules says: allow, deny, or nothing (leave it to the others). */
export type Decision = 'allow' | 'deny' | undefined;

/** What an action is taken on, when it matters: its organisation, its initiative. */
export interface Subject {
  organisationId?: string;
  initiativeId?: string;
  [key: string]: unknown;
}

export type PermissionRule = (
  user: CurrentUser,
  action: Action,
  subject: Subject | undefined,
) => Decision;

/** Checked in this order; a deny anywhere wins, and something must allow. */
export const PERMISSION_LAYERS = ['module', 'initiative', 'organisation'] as const;
export type PermissionLayer = (typeof PERMISSION_LAYERS)[number];

/**
 * An organisation-layer rule from a table of the roles that may take each
 * action: allows when the user has one of them, says nothing otherwise.
 */
export function rolesMayDo(table: Partial<Record<Action, readonly Role[]>>): PermissionRule {
  return (user, action) => {
    const roles = table[action];
    return roles && user.roles.some((role) => roles.includes(role)) ? 'allow' : undefined;
  };
}

/** The platform's rules: every staff role reaches the staff area; anyone signed in has an account. */
export const platformRule: PermissionRule = (user, action) => {
  if (action === 'account:use') return 'allow';
  if (action === 'staff-area:view')
    return rolesMayDo({ 'staff-area:view': STAFF_ROLES })(user, action, undefined);
  return undefined;
};

/** The rules of every installed module, by layer, gathered once per installed list. */
let gathered: {
  from: readonly ModuleManifest[];
  rules: Record<PermissionLayer, PermissionRule[]>;
} | null = null;
function rulesByLayer(): Record<PermissionLayer, PermissionRule[]> {
  const manifests = installedModules();
  if (gathered?.from !== manifests) {
    const rules: Record<PermissionLayer, PermissionRule[]> = {
      module: [],
      initiative: [],
      organisation: [],
    };
    for (const m of manifests)
      for (const { layer, rule } of m.permissions?.rules ?? []) rules[layer].push(rule);
    gathered = { from: manifests, rules };
  }
  return gathered.rules;
}

/**
 * Whether a user may take an action (on a subject). Pure, so that routes use
 * it to guard and views use it to hide controls. Rules are asked module, then
 * initiative, then organisation; the first deny wins, and without an allow
 * the answer is no. A subject of another organisation is always denied.
 */
export function can(user: CurrentUser | null, action: Action, subject?: Subject): boolean {
  if (!user) return false;
  if (subject?.organisationId && subject.organisationId !== user.organisationId) return false;
  const rules = rulesByLayer();
  let allowed = false;
  for (const layer of PERMISSION_LAYERS) {
    for (const rule of rules[layer]) {
      const decision = rule(user, action, subject);
      if (decision === 'deny') return false;
      if (decision === 'allow') allowed = true;
    }
  }
  return allowed;
}

/**
 * A preHandler that lets the request through only when the user may take the
 * action: signed out goes to sign-in, a user of another organisation or
 * without the permission gets the "no access" page.
 */
export function requirePermission(action: Action) {
  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const user = request.user;
    if (!user) {
      const returnTo = encodeURIComponent(request.url);
      return reply.redirect(`/sign-in?returnTo=${returnTo}`, 303);
    }
    if (user.organisationId !== request.organisation.id || !can(user, action)) {
      throw new AppError(403, 'FORBIDDEN', 'errors.forbidden');
    }
  };
}

/**
 * Route options that declare and enforce who may use a route. The check runs
 * on request, before the body is read, so nobody without the permission can
 * make the server read an upload (the user is known by then: request-context
 * resolves it in its own onRequest hook).
 */
export function guard(action: Action) {
  return { config: { access: action }, onRequest: requirePermission(action) };
}

/** Route options for a route anyone may use. */
export const PUBLIC_ROUTE = { config: { access: 'public' as const } };
