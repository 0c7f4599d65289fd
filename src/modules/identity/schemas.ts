/**
 * The shapes of the identity module's requests (query strings and route
 * params; the sign-in and account forms are read field by field). Lenient by
 * design (see platform/forms/schema.ts): an unknown token or id is a 404 or a
 * message from the route, never a bare 400.
 */
import { form, params, text } from '../../platform/forms/schema.ts';

/** A link sent by email: reset a password, sign in, accept an invitation. */
export const TokenParams = params('token');

/** A user, a person to assist or an outbox message, by id. */
export const IdParams = params('id');

/** One attachment of an outbox message: the message's id and the attachment's place. */
export const AttachmentParams = params('id', 'index');

/** Where to go after signing in: a path on this site, checked by safeReturn. */
export const ReturnToQuery = form({ returnTo: text() });

/** The users page after an invitation was sent: to whom. */
export const UsersQuery = form({ sent: text() });

/** An invitation made from the register: the person's id. */
export const InviteQuery = form({ person: text() });

/** The audit trail's filters: entity, action and actor, from and to dates, and the page. */
export const AuditQuery = form({
  entity: text(),
  action: text(),
  actor: text(),
  from: text(),
  to: text(),
  page: text(),
});
