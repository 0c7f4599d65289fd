/**
 * The shapes of the identity module's requests (query strings and route
 * params, and the bodies of the sign-in and account forms). Lenient by
 * design (see platform/forms/schema.ts): an unknown token or id is a 404 or a
 * message from the route, never a bare 400.
 */
import { form, list, params, text } from '../../platform/forms/schema.ts';

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

/** Signing in: email, password, and where to go after. */
export const SignInForm = form({ email: text(), password: text(), returnTo: text() });

/** A code from an authenticator app. */
export const CodeForm = form({ code: text() });

/** Setting up an authenticator: the secret shown and the first code. */
export const SetUpCodeForm = form({ secret: text(), code: text() });

/** Asking for an emailed link (sign-in or password reset). */
export const EmailForm = form({ email: text() });

/** A new password. */
export const PasswordForm = form({ password: text() });

/** Accepting an invitation: name, email and a password. */
export const InvitationForm = form({ name: text(), email: text(), password: text() });

/** Inviting a user: name, email, equality permission, their person, and roles. */
export const InviteForm = form({
  name: text(),
  email: text(),
  equality: text(),
  personId: text(),
  roles: list(),
});

/** Linking an account to a person by reference (empty to unlink). */
export const PersonLinkForm = form({ reference: text() });

/** Changing a user: roles, name, status and the equality permission. */
export const UserForm = form({ roles: list(), name: text(), status: text(), equality: text() });

/** A form with no fields of its own (only the form token). */
export const EmptyForm = form({});
