import { actorOf } from '../../platform/http/actor.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { PUBLIC_ROUTE, ROLES, can, guard, type Role } from '../../platform/auth/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { rotateCsrf } from '../../platform/http/csrf.ts';
import { translator } from '../../platform/i18n/index.ts';
import { formErrors, problemOnUnique } from '../../platform/forms/index.ts';
import { withShapes } from '../../platform/forms/schema.ts';
import {
  AttachmentParams,
  AuditQuery,
  CodeForm,
  EmailForm,
  EmptyForm,
  IdParams,
  InvitationForm,
  InviteForm,
  InviteQuery,
  PasswordForm,
  PersonLinkForm,
  ReturnToQuery,
  SetUpCodeForm,
  SignInForm,
  TokenParams,
  UserForm,
  UsersQuery,
} from './schemas.ts';
import { queueMail, listOutbox, readOutboxMessage, usesSmtp } from '../../platform/mail/index.ts';
import {
  AUDIT_MAX_PAGE,
  audit,
  auditFacets,
  lastAuditPage,
  listAudit,
} from '../../platform/audit/index.ts';
import { organisationName } from '../../platform/tenancy/index.ts';
import { passwordProblem, verifyPassword } from './passwords.ts';
import {
  ADDRESS_FAILURE_LIMIT,
  EMAIL_FAILURE_LIMIT,
  addressKey,
  allowUse,
  checkTotp,
  clearFailures,
  consumeAuthToken,
  createAuthToken,
  createSession,
  createUser,
  emailKey,
  enableTotp,
  useTotpCode,
  endAllSessions,
  endSession,
  findUser,
  findUserByEmail,
  linkAccountToPerson,
  registerPerson,
  listUsers,
  lockedUntil,
  newTotpSecret,
  normaliseEmail,
  peekAuthToken,
  recordFailure,
  recordSignIn,
  isCustomerOnly,
  resolveSession,
  setPassword,
  totpUri,
  updateUser,
  useRecoveryCode,
} from './service.ts';
import type { UserRow } from './tables.ts';

export const SESSION_COOKIE = 'sid';
/** While staff help a customer, their own session waits here. */
export const STAFF_COOKIE = 'sid_staff';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** One field of a form body (each route declares its shape in schemas.ts), '' when not text. */
function field(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? Reflect.get(body, name) : undefined;
  return typeof value === 'string' ? value : '';
}

/** A field that may come many times, as its text values. */
function list(body: unknown, name: string): string[] {
  const value = body && typeof body === 'object' ? Reflect.get(body, name) : undefined;
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}

/** Only a path on this site: never send someone elsewhere after sign-in. */
function safeReturn(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : fallback;
}

function emailProblem(email: string): string | null {
  if (!email.trim()) return 'identity.errors.emailMissing';
  if (!EMAIL.test(email.trim()) || email.length > 320) return 'identity.errors.emailInvalid';
  return null;
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.csrfSecure,
  });
  // Forms are bound to the session: a new one takes a new token.
  rotateCsrf(reply, token);
}

function home(roles: Role[]): string {
  return roles.some((r) => r !== 'customer') ? '/staff' : '/my';
}

const noStore = async (_request: FastifyRequest, reply: FastifyReply) => {
  reply.header('cache-control', 'no-store');
};

/**
 * Answers a request for an emailed link (password reset, customer sign-in):
 * checks the address, applies the rate limits, and sends the link if an
 * account may have one. The answer is the same whether or not it exists.
 */
async function emailLink(
  request: FastifyRequest,
  reply: FastifyReply,
  options: {
    view: string;
    purpose: 'password-reset' | 'sign-in-link';
    path: string;
    eligible: (user: UserRow) => boolean;
  },
) {
  const email = field(request.body, 'email').trim();
  const tr = translator(request.language, request.translations);
  const invalid = formErrors(tr, { email: emailProblem(email) });
  if (invalid) return reply.code(400).page(options.view, { ...invalid, values: { email } });
  const allowed = await request.db(async (tx) => {
    if (!(await allowUse(tx, `${options.purpose}:${addressKey(request.ip)}`, 10, 15))) return false;
    if (!(await allowUse(tx, `${options.purpose}:${emailKey(email)}`, 5, 15))) return false;
    const user = await findUserByEmail(tx, email);
    if (user?.email && options.eligible(user)) {
      const token = await createAuthToken(tx, options.purpose, user.id);
      await queueMail(tx, {
        to: user.email,
        template: options.purpose,
        language: request.language,
        vars: { organisation: organisationName(request.organisation, request.language) },
        link: `${request.publicBaseUrl}${options.path}${token}`,
      });
    }
    return true;
  });
  if (!allowed) {
    return reply.code(429).page(options.view, {
      ...formErrors(tr, { email: 'identity.errors.tooMany' }),
      values: { email },
    });
  }
  return reply.page('identity/views/check-email.njk', { email });
}

/** A date typed as YYYY-MM-DD that is a day on the calendar (not 2025-13-45), or undefined. */
function realDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value
    ? value
    : undefined;
}

/** The message for a date filter: not written as a date, or not a day on the calendar. */
function dateProblem(
  typed: unknown,
  read: string | undefined,
  format: string,
  invalid: string,
): string | null {
  if (!typed || read) return null;
  return typeof typed === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(typed) ? invalid : format;
}

/** A page number from the address: a whole number from 1, at most the trail's last possible page. */
function pageNumber(value: unknown): number {
  const asked = typeof value === 'string' && /^\d{1,20}$/.test(value) ? Number(value) : 1;
  return Math.min(AUDIT_MAX_PAGE, Math.max(1, asked));
}

/** The unique constraints a new account can break, as the field messages they mean. */
const ACCOUNT_TAKEN = {
  users_email_idx: { field: 'email', key: 'identity.errors.emailTaken' },
  users_person_idx: { field: 'personId', key: 'identity.errors.personTaken' },
};

export const identityRoutes: FastifyPluginAsync = async (plugin) => {
  const app = withShapes(plugin);
  app.addHook('onRequest', noStore);

  // ------------------------------------------------------------ staff sign-in
  app.get(
    '/sign-in',
    { ...PUBLIC_ROUTE, schema: { querystring: ReturnToQuery } },
    async (request, reply) => {
      const returnTo = safeReturn(request.query.returnTo, '');
      return reply.page('identity/views/sign-in.njk', { returnTo, values: {} });
    },
  );

  app.post(
    '/sign-in',
    { ...PUBLIC_ROUTE, schema: { querystring: ReturnToQuery, body: SignInForm } },
    async (request, reply) => {
      const email = field(request.body, 'email').trim();
      const password = field(request.body, 'password');
      const returnTo = safeReturn(field(request.body, 'returnTo'), '');
      const tr = translator(request.language, request.translations);
      const invalid = formErrors(tr, {
        email: emailProblem(email),
        password: password ? null : 'identity.errors.passwordMissing',
      });
      if (invalid) {
        return reply
          .code(400)
          .page('identity/views/sign-in.njk', { ...invalid, returnTo, values: { email } });
      }
      const keys = [emailKey(email), addressKey(request.ip)];
      const outcome = await request.db(async (tx) => {
        if (await lockedUntil(tx, keys)) return { kind: 'locked' as const };
        const user = await findUserByEmail(tx, email);
        const ok = await verifyPassword(
          user?.status === 'active' ? user.passwordHash : null,
          password,
        );
        if (!ok || !user) {
          await recordFailure(tx, keys[0]!, EMAIL_FAILURE_LIMIT);
          await recordFailure(tx, keys[1]!, ADDRESS_FAILURE_LIMIT);
          return { kind: 'wrong' as const };
        }
        await clearFailures(tx, keys[0]!);
        const needsSecond = Boolean(user.totpEnabledAt) || user.roles.includes('admin');
        const token = await createSession(tx, user.id, { secondFactorPending: needsSecond });
        if (!needsSecond)
          await recordSignIn(
            tx,
            { userId: user.id, label: user.name, ip: request.ip },
            user.id,
            'password',
          );
        return {
          kind: 'ok' as const,
          token,
          needsSecond,
          hasTotp: Boolean(user.totpEnabledAt),
          roles: user.roles as Role[],
        };
      });
      if (outcome.kind === 'locked') {
        return reply.code(429).page('identity/views/sign-in.njk', {
          ...formErrors(tr, { email: 'identity.signIn.locked' }),
          returnTo,
          values: { email },
        });
      }
      if (outcome.kind === 'wrong') {
        return reply.code(400).page('identity/views/sign-in.njk', {
          ...formErrors(tr, { email: 'identity.signIn.wrong' }),
          returnTo,
          values: { email },
        });
      }
      setSessionCookie(request, reply, outcome.token);
      const next = returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : '';
      if (outcome.needsSecond) {
        return reply.redirect(
          outcome.hasTotp ? `/sign-in/code${next}` : `/sign-in/set-up-code${next}`,
          303,
        );
      }
      return reply.redirect(returnTo || home(outcome.roles), 303);
    },
  );

  // ------------------------------------------------------------ second factor
  async function pendingUser(request: FastifyRequest) {
    if (!request.pendingUserId) return null;
    return request.db((tx) => findUser(tx, request.pendingUserId!));
  }

  /** Ends the half-finished session and starts a full one: the session id rotates. */
  async function completeSignIn(
    request: FastifyRequest,
    reply: FastifyReply,
    userId: string,
    method: string,
  ) {
    const old = request.cookies[SESSION_COOKIE];
    const user = await request.db(async (tx) => {
      if (old) await endSession(tx, old);
      const token = await createSession(tx, userId);
      const found = await findUser(tx, userId);
      await recordSignIn(
        tx,
        { userId, label: found?.name ?? 'user', ip: request.ip },
        userId,
        method,
      );
      return { token, roles: (found?.roles ?? []) as Role[] };
    });
    setSessionCookie(request, reply, user.token);
    return reply.redirect(safeReturn(field(request.query, 'returnTo'), home(user.roles)), 303);
  }

  app.get('/sign-in/code', PUBLIC_ROUTE, async (request, reply) => {
    if (!request.pendingUserId) return reply.redirect('/sign-in', 303);
    return reply.page('identity/views/code.njk', {});
  });

  app.post(
    '/sign-in/code',
    { ...PUBLIC_ROUTE, schema: { body: CodeForm } },
    async (request, reply) => {
      const user = await pendingUser(request);
      if (!user?.totpSecret) return reply.redirect('/sign-in', 303);
      const code = field(request.body, 'code');
      const tr = translator(request.language, request.translations);
      const key = `code:${user.id}`;
      const ok = await request.db(async (tx) => {
        if (await lockedUntil(tx, [key])) return 'locked';
        const good =
          (await useTotpCode(tx, user, code)) || (await useRecoveryCode(tx, user.id, code));
        if (!good) await recordFailure(tx, key, EMAIL_FAILURE_LIMIT);
        else await clearFailures(tx, key);
        return good ? 'ok' : 'wrong';
      });
      if (ok === 'locked') {
        return reply
          .code(429)
          .page(
            'identity/views/code.njk',
            formErrors(tr, { code: 'identity.signIn.locked' }) ?? {},
          );
      }
      if (ok === 'wrong') {
        return reply
          .code(400)
          .page('identity/views/code.njk', formErrors(tr, { code: 'identity.code.wrong' }) ?? {});
      }
      return completeSignIn(request, reply, user.id, 'password+totp');
    },
  );

  async function showSetup(
    request: FastifyRequest,
    reply: FastifyReply,
    secret: string,
    status = 200,
    errors = {},
  ) {
    const user = request.user
      ? await request.db((tx) => findUser(tx, request.user!.id))
      : await pendingUser(request);
    if (!user) return reply.redirect('/sign-in', 303);
    const uri = totpUri(
      secret,
      organisationName(request.organisation, 'en'),
      user.email ?? user.name,
    );
    const qr = await QRCode.toString(uri, { type: 'svg', margin: 1 });
    return reply.code(status).page('identity/views/two-factor.njk', {
      secret,
      qrDataUri: `data:image/svg+xml;base64,${Buffer.from(qr).toString('base64')}`,
      action: request.user ? '/account/two-factor' : '/sign-in/set-up-code',
      ...errors,
    });
  }

  async function confirmSetup(request: FastifyRequest, reply: FastifyReply) {
    const secret = field(request.body, 'secret');
    const code = field(request.body, 'code');
    const tr = translator(request.language, request.translations);
    const userId = request.user?.id ?? request.pendingUserId;
    if (!userId || !/^[A-Z2-7]{16,64}$/.test(secret)) return reply.redirect('/sign-in', 303);
    const epoch = await checkTotp(secret, code);
    if (epoch === null) {
      return showSetup(
        request,
        reply,
        secret,
        400,
        formErrors(tr, { code: 'identity.setup.wrong' }) ?? {},
      );
    }
    const codes = await request.db((tx) => enableTotp(tx, actorOf(request), userId, secret, epoch));
    if (!request.user) {
      // The password was right and the code is right: finish signing in.
      const old = request.cookies[SESSION_COOKIE];
      const token = await request.db(async (tx) => {
        if (old) await endSession(tx, old);
        const created = await createSession(tx, userId);
        await recordSignIn(tx, { ...actorOf(request), userId }, userId, 'password+totp');
        return created;
      });
      setSessionCookie(request, reply, token);
    }
    return reply.page('identity/views/recovery-codes.njk', { codes });
  }

  // Only for someone who has no authenticator yet: with one, the password alone
  // must never be enough to set up another (that would skip the second factor).
  async function mayFirstSetUp(request: FastifyRequest): Promise<boolean> {
    const user = await pendingUser(request);
    return Boolean(user && !user.totpEnabledAt);
  }
  app.get('/sign-in/set-up-code', PUBLIC_ROUTE, async (request, reply) => {
    if (!(await mayFirstSetUp(request))) return reply.redirect('/sign-in', 303);
    return showSetup(request, reply, newTotpSecret());
  });
  app.post(
    '/sign-in/set-up-code',
    { ...PUBLIC_ROUTE, schema: { body: SetUpCodeForm } },
    async (request, reply) => {
      if (!(await mayFirstSetUp(request))) return reply.redirect('/sign-in', 303);
      return confirmSetup(request, reply);
    },
  );

  // ------------------------------------------------------------ password reset
  app.get('/sign-in/forgot', PUBLIC_ROUTE, async (_request, reply) =>
    reply.page('identity/views/forgot.njk', { values: {} }),
  );

  app.post(
    '/sign-in/forgot',
    { ...PUBLIC_ROUTE, schema: { body: EmailForm } },
    async (request, reply) =>
      emailLink(request, reply, {
        view: 'identity/views/forgot.njk',
        purpose: 'password-reset',
        path: '/reset-password/',
        eligible: (user) => user.status === 'active' && Boolean(user.passwordHash),
      }),
  );

  app.get(
    '/reset-password/:token',
    { ...PUBLIC_ROUTE, schema: { params: TokenParams } },
    async (request, reply) => {
      const { token } = request.params;
      const row = await request.db((tx) => peekAuthToken(tx, token, 'password-reset'));
      if (!row)
        return reply.code(410).page('identity/views/expired.njk', { again: '/sign-in/forgot' });
      return reply.page('identity/views/reset.njk', { token });
    },
  );

  app.post(
    '/reset-password/:token',
    { ...PUBLIC_ROUTE, schema: { params: TokenParams, body: PasswordForm } },
    async (request, reply) => {
      const { token } = request.params;
      const password = field(request.body, 'password');
      const tr = translator(request.language, request.translations);
      const result = await request.db(async (tx) => {
        const row = await peekAuthToken(tx, token, 'password-reset');
        if (!row?.userId) return 'expired';
        const user = await findUser(tx, row.userId);
        const problem = passwordProblem(password, { email: user?.email ?? '' });
        if (problem) return problem;
        if (!(await consumeAuthToken(tx, token, 'password-reset'))) return 'expired';
        await setPassword(
          tx,
          { userId: row.userId, label: user?.name ?? 'user', ip: request.ip },
          row.userId,
          password,
        );
        await clearFailures(tx, emailKey(user?.email ?? ''));
        return 'ok';
      });
      if (result === 'expired')
        return reply.code(410).page('identity/views/expired.njk', { again: '/sign-in/forgot' });
      if (result !== 'ok') {
        return reply
          .code(400)
          .page('identity/views/reset.njk', { token, ...formErrors(tr, { password: result }) });
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      rotateCsrf(reply, null);
      return reply.page('identity/views/reset-done.njk', {});
    },
  );

  // ------------------------------------------------------------ customer sign-in by link
  app.get('/sign-in/link', PUBLIC_ROUTE, async (_request, reply) =>
    reply.page('identity/views/link-request.njk', { values: {} }),
  );

  app.post(
    '/sign-in/link',
    { ...PUBLIC_ROUTE, schema: { body: EmailForm } },
    async (request, reply) =>
      emailLink(request, reply, {
        view: 'identity/views/link-request.njk',
        purpose: 'sign-in-link',
        path: '/sign-in/link/',
        // Only customers: staff sign in with their password (and authenticator).
        eligible: (user) => user.status === 'active' && isCustomerOnly(user.roles),
      }),
  );

  // Opening the link shows a button: mail scanners that follow links do not use it up.
  app.get(
    '/sign-in/link/:token',
    { ...PUBLIC_ROUTE, schema: { params: TokenParams } },
    async (request, reply) => {
      const { token } = request.params;
      const row = await request.db((tx) => peekAuthToken(tx, token, 'sign-in-link'));
      if (!row)
        return reply.code(410).page('identity/views/expired.njk', { again: '/sign-in/link' });
      return reply.page('identity/views/link-confirm.njk', { token });
    },
  );

  app.post(
    '/sign-in/link/:token',
    { ...PUBLIC_ROUTE, schema: { params: TokenParams, body: EmptyForm } },
    async (request, reply) => {
      const { token } = request.params;
      const old = request.cookies[SESSION_COOKIE];
      const result = await request.db(async (tx) => {
        const row = await consumeAuthToken(tx, token, 'sign-in-link');
        if (!row?.userId) return null;
        const user = await findUser(tx, row.userId);
        if (!user || user.status !== 'active') return null;
        if (old) await endSession(tx, old);
        const session = await createSession(tx, user.id);
        await recordSignIn(
          tx,
          { userId: user.id, label: user.name, ip: request.ip },
          user.id,
          'email-link',
        );
        return { session, roles: user.roles as Role[] };
      });
      if (!result)
        return reply.code(410).page('identity/views/expired.njk', { again: '/sign-in/link' });
      setSessionCookie(request, reply, result.session);
      return reply.redirect(home(result.roles), 303);
    },
  );

  // ------------------------------------------------------------ signing out, the account
  app.post(
    '/sign-out',
    { ...PUBLIC_ROUTE, schema: { body: EmptyForm } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      const staffToken = request.cookies[STAFF_COOKIE];
      // Signing out while helping someone ends the helper's waiting session too.
      await request.db(async (tx) => {
        if (token) await endSession(tx, token);
        if (staffToken) await endSession(tx, staffToken);
      });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(STAFF_COOKIE, { path: '/' });
      rotateCsrf(reply, null);
      return reply.redirect('/', 303);
    },
  );

  app.get('/account', guard('account:use'), async (request, reply) => {
    const user = await request.db((tx) => findUser(tx, request.user!.id));
    return reply.page('identity/views/account.njk', {
      account: user,
      isStaff: can(request.user, 'staff-area:view'),
    });
  });

  app.post(
    '/account/sign-out-everywhere',
    { ...guard('account:use'), schema: { body: EmptyForm } },
    async (request, reply) => {
      await request.db((tx) => endAllSessions(tx, actorOf(request), request.user!.id));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      rotateCsrf(reply, null);
      return reply.redirect('/sign-in', 303);
    },
  );

  // Turning the authenticator on, for staff who have none. Replacing one would
  // need the current one first: that is not offered yet.
  async function hasAuthenticator(request: FastifyRequest): Promise<boolean> {
    const user = await request.db((tx) => findUser(tx, request.user!.id));
    return Boolean(user?.totpEnabledAt);
  }
  app.get('/account/two-factor', guard('staff-area:view'), async (request, reply) => {
    if (await hasAuthenticator(request)) return reply.redirect('/account', 303);
    return showSetup(request, reply, newTotpSecret());
  });
  app.post(
    '/account/two-factor',
    { ...guard('staff-area:view'), schema: { body: SetUpCodeForm } },
    async (request, reply) => {
      if (await hasAuthenticator(request)) return reply.redirect('/account', 303);
      return confirmSetup(request, reply);
    },
  );

  // ------------------------------------------------------------ invitations
  app.get(
    '/invitation/:token',
    { ...PUBLIC_ROUTE, schema: { params: TokenParams } },
    async (request, reply) => {
      const { token } = request.params;
      const found = await request.db(async (tx) => {
        const row =
          (await peekAuthToken(tx, token, 'invitation')) ??
          (await peekAuthToken(tx, token, 'first-admin'));
        if (!row) return null;
        return { first: row.purpose === 'first-admin' };
      });
      if (!found) return reply.code(410).page('identity/views/expired.njk', { again: null });
      return reply.page('identity/views/invitation.njk', { token, first: found.first, values: {} });
    },
  );

  app.post(
    '/invitation/:token',
    { ...PUBLIC_ROUTE, schema: { params: TokenParams, body: InvitationForm } },
    async (request, reply) => {
      const { token } = request.params;
      const tr = translator(request.language, request.translations);
      const values = {
        name: field(request.body, 'name').trim(),
        email: field(request.body, 'email').trim(),
      };
      const password = field(request.body, 'password');
      const result = await request.db(async (tx) => {
        const row =
          (await peekAuthToken(tx, token, 'invitation')) ??
          (await peekAuthToken(tx, token, 'first-admin'));
        if (!row) return { kind: 'expired' as const };
        const first = row.purpose === 'first-admin';
        const existing = row.userId ? await findUser(tx, row.userId) : null;
        const problems = {
          name: first && !values.name ? 'identity.errors.nameMissing' : null,
          email: first
            ? (emailProblem(values.email) ??
              ((await findUserByEmail(tx, values.email)) ? 'identity.errors.emailTaken' : null))
            : null,
          password: passwordProblem(password, {
            email: first ? values.email : (existing?.email ?? ''),
          }),
        };
        const invalid = formErrors(tr, problems);
        if (invalid) return { kind: 'invalid' as const, invalid, first };
        if (!(await consumeAuthToken(tx, token, row.purpose as 'invitation' | 'first-admin')))
          return { kind: 'expired' as const };
        const actor = {
          userId: null,
          label: values.name || existing?.name || 'invited user',
          ip: request.ip,
        };
        let userId = existing?.id;
        if (first) {
          const created = await createUser(tx, actor, {
            email: values.email,
            name: values.name,
            roles: ['admin'],
            permissions: [],
          });
          userId = created.id;
        }
        await setPassword(tx, actor, userId!, password);
        return { kind: 'ok' as const };
      });
      if (result.kind === 'expired')
        return reply.code(410).page('identity/views/expired.njk', { again: null });
      if (result.kind === 'invalid') {
        return reply.code(400).page('identity/views/invitation.njk', {
          token,
          first: result.first,
          values,
          ...result.invalid,
        });
      }
      return reply.redirect('/sign-in', 303);
    },
  );

  // ------------------------------------------------------------ administration
  // ------------------------------------------------------------ assisted mode
  // Staff act for a customer who has no email or cannot use the site alone.
  // The customer's session records who is helping; every change is audited
  // with both names, and stopping returns the member of staff to their own.
  const assist = guard('customers:assist');

  app.get('/staff/assist', assist, async (request, reply) => {
    const customers = (await request.db((tx) => listUsers(tx))).filter(
      (u) => u.status === 'active' && isCustomerOnly(u.roles),
    );
    return reply.page('identity/views/assist.njk', { customers });
  });

  app.post(
    '/staff/assist/:id',
    { ...assist, schema: { params: IdParams, body: EmptyForm } },
    async (request, reply) => {
      const { id } = request.params;
      const staffToken = request.cookies[SESSION_COOKIE];
      const result = await request.db(async (tx) => {
        const customer = await findUser(tx, id);
        if (!customer || customer.status !== 'active' || !isCustomerOnly(customer.roles))
          return null;
        const token = await createSession(tx, customer.id, { assistedBy: request.user!.id });
        await audit(tx, actorOf(request), {
          action: 'assist-start',
          entity: 'user',
          entityId: customer.id,
        });
        return token;
      });
      if (!result) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      if (staffToken) {
        reply.setCookie(STAFF_COOKIE, staffToken, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: request.csrfSecure,
        });
      }
      setSessionCookie(request, reply, result);
      return reply.redirect('/my', 303);
    },
  );

  app.post(
    '/assist/stop',
    { ...guard('account:use'), schema: { body: EmptyForm } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      const staffToken = request.cookies[STAFF_COOKIE];
      const helper = request.user?.assistedBy ?? null;
      const restore = await request.db(async (tx) => {
        if (helper) {
          await audit(tx, actorOf(request), {
            action: 'assist-stop',
            entity: 'user',
            entityId: request.user!.id,
          });
        }
        if (token) await endSession(tx, token);
        if (!staffToken) return false;
        // Only the helper's own session comes back, and only from an assisted one.
        const waiting = await resolveSession(tx, staffToken);
        if (helper && waiting && waiting.user.id === helper.id && !waiting.secondFactorPending) {
          return true;
        }
        await endSession(tx, staffToken);
        return false;
      });
      reply.clearCookie(STAFF_COOKIE, { path: '/' });
      if (staffToken && restore) {
        setSessionCookie(request, reply, staffToken);
        return reply.redirect('/staff/assist', 303);
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      rotateCsrf(reply, null);
      return reply.redirect('/sign-in', 303);
    },
  );

  const manage = guard('users:manage');

  app.get(
    '/admin/users',
    { ...manage, schema: { querystring: UsersQuery } },
    async (request, reply) => {
      const rows = await request.db((tx) => listUsers(tx));
      return reply.page('identity/views/users.njk', {
        users: rows,
        sent: request.query.sent,
      });
    },
  );

  const roleItems = (chosen: string[]) =>
    ROLES.map((role) => ({
      value: role,
      key: `identity.roles.${role}`,
      checked: chosen.includes(role),
    }));

  // From the register (?person=): the account is made for that person, with
  // their name and email to start from, and knows them (users.person_id).
  app.get(
    '/admin/users/invite',
    { ...manage, schema: { querystring: InviteQuery } },
    async (request, reply) => {
      const personId = request.query.person;
      const person =
        typeof personId === 'string'
          ? await request.db((tx) => registerPerson(tx, personId))
          : null;
      if (typeof personId === 'string' && !person)
        throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      return reply.page('identity/views/invite.njk', {
        values: person ? { name: person.name, email: person.email ?? '', personId: person.id } : {},
        person,
        roles: roleItems(person ? ['customer'] : []),
      });
    },
  );

  app.post(
    '/admin/users/invite',
    { ...manage, schema: { body: InviteForm } },
    async (request, reply) => {
      const tr = translator(request.language, request.translations);
      const values = {
        name: field(request.body, 'name').trim(),
        email: normaliseEmail(field(request.body, 'email')),
        equality: field(request.body, 'equality') === 'yes',
        personId: field(request.body, 'personId'),
      };
      const roles = list(request.body, 'roles').filter((r): r is Role =>
        (ROLES as readonly string[]).includes(r),
      );
      const written = await problemOnUnique(
        () =>
          request.db(async (tx) => {
            const person = values.personId ? await registerPerson(tx, values.personId) : null;
            if (values.personId && !person) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
            const customerOnly = isCustomerOnly(roles);
            // A customer may have no email: staff then help them take part (assisted mode).
            const noEmailAllowed = customerOnly && !values.email;
            const problems = {
              name: values.name ? null : 'identity.errors.nameMissing',
              email: noEmailAllowed
                ? null
                : (emailProblem(values.email) ??
                  ((await findUserByEmail(tx, values.email))
                    ? 'identity.errors.emailTaken'
                    : null)),
              roles: roles.length ? null : 'identity.errors.rolesMissing',
              // One account per person: an existing account is changed, not doubled.
              personId: person?.account ? 'identity.errors.personTaken' : null,
            };
            const invalid = formErrors(tr, problems);
            if (invalid) return { ...invalid, person };
            const user = await createUser(tx, actorOf(request), {
              email: values.email || null,
              name: values.name,
              roles,
              permissions: values.equality ? ['equality:read'] : [],
              status: customerOnly ? 'active' : 'invited',
              ...(person ? { personId: person.id } : {}),
            });
            if (!customerOnly && user.email) {
              const token = await createAuthToken(tx, 'invitation', user.id);
              await queueMail(tx, {
                to: user.email,
                template: 'invitation',
                language: request.language,
                vars: {
                  organisation: organisationName(request.organisation, request.language),
                  inviter: request.user!.name,
                },
                link: `${request.publicBaseUrl}/invitation/${token}`,
              });
            }
            return null;
          }),
        ACCOUNT_TAKEN,
      );
      // Another request may have taken the email or the person between the check and the write.
      const result = written.ok
        ? written.value
        : { ...formErrors(tr, [written.problem]), person: null };
      if (result) {
        return reply
          .code(400)
          .page('identity/views/invite.njk', { ...result, values, roles: roleItems(roles) });
      }
      return reply.redirect(`/admin/users?sent=${encodeURIComponent(values.email)}`, 303);
    },
  );

  app.get(
    '/admin/users/:id',
    { ...manage, schema: { params: IdParams } },
    async (request, reply) => {
      const { id } = request.params;
      const found = await request.db(async (tx) => {
        const user = await findUser(tx, id);
        return (
          user && { user, person: user.personId ? await registerPerson(tx, user.personId) : null }
        );
      });
      if (!found) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      const { user, person } = found;
      return reply.page('identity/views/user-edit.njk', {
        account: user,
        person,
        roles: roleItems(user.roles),
        values: {
          name: user.name,
          status: user.status,
          equality: user.permissions.includes('equality:read'),
          reference: person?.reference ?? '',
        },
      });
    },
  );

  // Links an account to its person on the register by reference (an account
  // made before accounts knew their person, or one the one-off match left).
  app.post(
    '/admin/users/:id/person',
    { ...manage, schema: { params: IdParams, body: PersonLinkForm } },
    async (request, reply) => {
      const { id } = request.params;
      const reference = field(request.body, 'reference').trim();
      const result = await request.db(async (tx) => {
        const user = await findUser(tx, id);
        if (!user) return null;
        const problem = await linkAccountToPerson(tx, actorOf(request), id, reference);
        const person = problem && user.personId ? await registerPerson(tx, user.personId) : null;
        return { user, problem, person };
      });
      if (!result) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      if (result.problem) {
        const { user } = result;
        return reply.code(400).page('identity/views/user-edit.njk', {
          ...formErrors(translator(request.language, request.translations), {
            reference: result.problem,
          }),
          account: user,
          person: result.person,
          roles: roleItems(user.roles),
          values: {
            name: user.name,
            status: user.status,
            equality: user.permissions.includes('equality:read'),
            reference,
          },
        });
      }
      return reply.redirect(`/admin/users/${id}`, 303);
    },
  );

  app.post(
    '/admin/users/:id',
    { ...manage, schema: { params: IdParams, body: UserForm } },
    async (request, reply) => {
      const { id } = request.params;
      const tr = translator(request.language, request.translations);
      const roles = list(request.body, 'roles').filter((r): r is Role =>
        (ROLES as readonly string[]).includes(r),
      );
      const values = {
        name: field(request.body, 'name').trim(),
        status: field(request.body, 'status') === 'disabled' ? 'disabled' : 'active',
        equality: field(request.body, 'equality') === 'yes',
      };
      const result = await request.db(async (tx) => {
        const user = await findUser(tx, id);
        if (!user) return { kind: 'missing' as const };
        const invalid = formErrors(tr, {
          name: values.name ? null : 'identity.errors.nameMissing',
          roles: roles.length ? null : 'identity.errors.rolesMissing',
        });
        if (invalid) {
          const person = user.personId ? await registerPerson(tx, user.personId) : null;
          return { kind: 'invalid' as const, invalid, user, person };
        }
        const permissions = user.permissions.filter((p) => p !== 'equality:read');
        if (values.equality) permissions.push('equality:read');
        await updateUser(tx, actorOf(request), id, {
          name: values.name,
          roles,
          permissions,
          status:
            user.status === 'invited' && values.status === 'active' ? 'invited' : values.status,
        });
        return { kind: 'ok' as const };
      });
      if (result.kind === 'missing') throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      if (result.kind === 'invalid') {
        return reply.code(400).page('identity/views/user-edit.njk', {
          ...result.invalid,
          account: result.user,
          person: result.person,
          roles: roleItems(roles),
          values: { ...values, reference: result.person?.reference ?? '' },
        });
      }
      return reply.redirect('/admin/users', 303);
    },
  );

  app.get(
    '/admin/audit',
    { ...guard('audit:read'), schema: { querystring: AuditQuery } },
    async (request, reply) => {
      const q = request.query;
      const text = (v: unknown) =>
        typeof v === 'string' && v.trim() ? v.trim().slice(0, 100) : undefined;
      const filter = {
        entity: text(q.entity),
        action: text(q.action),
        actor: text(q.actor),
        from: realDate(q.from),
        to: realDate(q.to),
        page: pageNumber(q.page),
      };
      const tr = translator(request.language, request.translations);
      const invalid = formErrors(tr, {
        from: dateProblem(q.from, filter.from, 'audit.fromFormat', 'audit.fromInvalid'),
        to: dateProblem(q.to, filter.to, 'audit.toFormat', 'audit.toInvalid'),
      });
      const found = await request.db(async (tx) => {
        const listed = await listAudit(tx, filter);
        // A page past the end (an old link, or a number typed in) shows the last page.
        const last =
          listed.rows.length === 0 && filter.page > 1 ? await lastAuditPage(tx, filter) : null;
        return { ...listed, last, facets: await auditFacets(tx) };
      });
      const { rows, more, facets, last } = found;
      const params = new URLSearchParams(
        Object.entries({
          entity: filter.entity,
          action: filter.action,
          actor: filter.actor,
          from: filter.from,
          to: filter.to,
        }).filter((e): e is [string, string] => Boolean(e[1])),
      );
      if (last !== null && last < filter.page) {
        return reply.redirect(
          `/admin/audit?${[params.toString(), `page=${last}`].filter(Boolean).join('&')}`,
          303,
        );
      }
      return reply.page('identity/views/audit.njk', {
        rows: rows.map((r) => ({
          ...r,
          details: JSON.stringify({ before: r.before, after: r.after }),
        })),
        more,
        filter,
        facets,
        query: params.toString(),
        ...(invalid ?? {}),
        values: q,
      });
    },
  );

  const outboxAccess = guard('outbox:read');
  app.get('/admin/outbox', outboxAccess, async (request, reply) => {
    const messages = await request.db((tx) => listOutbox(tx));
    return reply.page('identity/views/outbox.njk', { messages, smtp: usesSmtp() });
  });
  app.get(
    '/admin/outbox/:id',
    { ...outboxAccess, schema: { params: IdParams } },
    async (request, reply) => {
      const { id } = request.params;
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      const message = await request.db((tx) => readOutboxMessage(tx, id));
      if (!message) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      const link = /https?:\/\/\S+/.exec(message.textBody)?.[0] ?? null;
      return reply.page('identity/views/outbox-message.njk', { message, link, smtp: usesSmtp() });
    },
  );

  app.get(
    '/admin/outbox/:id/attachments/:index',
    { ...outboxAccess, schema: { params: AttachmentParams } },
    async (request, reply) => {
      const { id, index } = request.params;
      if (!/^[0-9a-f-]{36}$/i.test(id) || !/^\d{1,2}$/.test(index))
        throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      const message = await request.db((tx) => readOutboxMessage(tx, id));
      const file = message?.attachments[Number(index)];
      if (!file) throw new AppError(404, 'NOT_FOUND', 'errors.notFound');
      return reply
        .header('content-type', file.contentType)
        .header(
          'content-disposition',
          `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
        )
        .header('cache-control', 'no-store')
        .send(Buffer.from(file.content, 'base64'));
    },
  );
};
