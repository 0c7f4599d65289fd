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
}

export type Action =
  | 'staff-area:view'
  | 'services:view'
  | 'organisation:manage'
  | 'users:manage'
  | 'audit:read'
  | 'outbox:read'
  | 'equality:read'
  | 'account:use'
  | 'customers:assist'
  // The involvement register
  | 'people:view'
  | 'people:edit'
  | 'people:merge'
  | 'people:import'
  | 'people:export'
  | 'people:erase'
  | 'rights:manage'
  | 'register:configure'
  | 'equality:stats'
  // Initiatives and participation
  | 'initiatives:view'
  | 'initiatives:manage'
  | 'participation:manage'
  | 'rewards:manage';

const STAFF_ROLES: Role[] = ['admin', 'involvement_lead', 'staff', 'board_member'];

function hasAnyRole(user: CurrentUser, roles: Role[]): boolean {
  return user.roles.some((role) => roles.includes(role));
}

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

/** The organisation layer: what each role may do anywhere in its organisation. */
const organisationRoles: PermissionRule = (user, action) => {
  switch (action) {
    case 'staff-area:view':
    case 'services:view':
      return hasAnyRole(user, STAFF_ROLES) ? 'allow' : undefined;
    case 'organisation:manage':
    case 'users:manage':
    case 'outbox:read':
      return user.roles.includes('admin') ? 'allow' : undefined;
    case 'audit:read':
      return user.roles.includes('admin') || user.permissions.includes('audit:read')
        ? 'allow'
        : undefined;
    case 'equality:read':
      // Special category data: only staff who hold the permission, whatever their role.
      return hasAnyRole(user, STAFF_ROLES) && user.permissions.includes('equality:read')
        ? 'allow'
        : undefined;
    case 'account:use':
      return 'allow';
    // The register holds personal data: staff who work with people see and
    // edit it; board members see only counts. Merging, importing, exporting,
    // erasing and rights requests are for leads and administrators.
    case 'people:view':
    case 'people:edit':
      return hasAnyRole(user, ['admin', 'involvement_lead', 'staff']) ? 'allow' : undefined;
    case 'people:merge':
    case 'people:import':
    case 'people:export':
    case 'people:erase':
    case 'rights:manage':
    case 'register:configure':
      return hasAnyRole(user, ['admin', 'involvement_lead']) ? 'allow' : undefined;
    case 'equality:stats':
    case 'initiatives:view':
      return hasAnyRole(user, STAFF_ROLES) ? 'allow' : undefined;
    case 'initiatives:manage':
    case 'participation:manage':
      return hasAnyRole(user, ['admin', 'involvement_lead', 'staff']) ? 'allow' : undefined;
    case 'rewards:manage':
      return hasAnyRole(user, ['admin', 'involvement_lead']) ? 'allow' : undefined;
    case 'customers:assist':
      if (user.assistedBy) return 'deny'; // no helping someone else while helping one person
      return hasAnyRole(user, ['admin', 'involvement_lead', 'staff']) ? 'allow' : undefined;
    default:
      return undefined;
  }
};

const rules: Record<PermissionLayer, PermissionRule[]> = {
  module: [],
  initiative: [],
  organisation: [organisationRoles],
};

/** Adds a rule at a layer: modules add theirs when they are imported. */
export function registerPermissionRule(layer: PermissionLayer, rule: PermissionRule): void {
  rules[layer].push(rule);
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
