import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit/index.ts';

/**
 * Who is acting in a request, for the audit trail: the signed-in user (in
 * assisted mode, with the member of staff who helped), a visitor half way
 * through signing in, or an anonymous visitor.
 */
export function actorOf(request: FastifyRequest): Actor {
  const user = request.user;
  if (!user && request.apiToken) {
    return { userId: null, label: `API token "${request.apiToken.name}"`, ip: request.ip };
  }
  return {
    userId: user?.id ?? request.pendingUserId ?? null,
    // In assisted mode the record says who helped.
    label: user
      ? user.assistedBy
        ? `${user.name} (helped by ${user.assistedBy.name})`
        : user.name
      : 'visitor',
    ip: request.ip,
  };
}
