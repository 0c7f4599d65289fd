import type { FastifyReply, FastifyRequest } from 'fastify';
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
}

export type Action = 'staff-area:view' | 'services:view' | 'organisation:manage';

const STAFF_ROLES: Role[] = ['admin', 'involvement_lead', 'staff', 'board_member'];

function hasAnyRole(user: CurrentUser, roles: Role[]): boolean {
  return user.roles.some((role) => roles.includes(role));
}

/**
 * Whether a user may take an action. Pure, so that routes use it to guard and
 * views use it to hide controls. Module rules are added here as modules land;
 * an unknown action is denied.
 */
export function can(user: CurrentUser | null, action: Action): boolean {
  if (!user) return false;
  switch (action) {
    case 'staff-area:view':
    case 'services:view':
      return hasAnyRole(user, STAFF_ROLES);
    case 'organisation:manage':
      return user.roles.includes('admin');
    default:
      return false;
  }
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
