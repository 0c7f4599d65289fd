import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomText } from './random.ts';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

const COOKIE = 'csrf';
/**
 * The session cookie a form token is bound to: the identity module's
 * (identity/routes.ts SESSION_COOKIE; a test checks they agree).
 */
export const CSRF_SESSION_COOKIE = 'sid';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyReply {
    /** The form token to put in a hidden _csrf field; sets the cookie when new. */
    csrfToken(): string;
  }
  interface FastifyRequest {
    csrfSecure: boolean;
  }
}

/** What this request has decided about its visitor's nonce and session, once rotated. */
interface CsrfState {
  /** The nonce set in this response, when new. */
  issued?: string;
  /** The session this response starts or ends (null: signed out), when it changes. */
  session?: string | null;
}
const state = (request: FastifyRequest) => request as FastifyRequest & { csrfState?: CsrfState };

function cookieNonce(request: FastifyRequest): string | null {
  const raw = request.cookies[COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? unsigned.value : null;
}

/**
 * Starts a new form token, as at sign-in and sign-out, so that an old one no
 * longer works. `session` is the session cookie this response sets (or null
 * when it ends the session), so that a page rendered by the same response
 * carries a token bound to it.
 */
export function rotateCsrf(reply: FastifyReply, session?: string | null): void {
  issue(reply, randomText(24, 'base64url'));
  if (session !== undefined) (state(reply.request).csrfState ??= {}).session = session;
}

function issue(reply: FastifyReply, nonce: string): string {
  reply.setCookie(COOKIE, nonce, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: reply.request.csrfSecure,
    signed: true,
  });
  (state(reply.request).csrfState ??= {}).issued = nonce;
  return nonce;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The session the request's forms belong to: the one this response set, else the cookie's. */
function sessionOf(request: FastifyRequest): string {
  const changed = state(request).csrfState?.session;
  if (changed !== undefined) return changed ?? '';
  return request.cookies[CSRF_SESSION_COOKIE] ?? '';
}

/**
 * Protects every state-changing form (OWASP's signed double-submit cookie,
 * bound to the session). The signed `csrf` cookie holds a random nonce for
 * the visitor; the hidden field holds an HMAC of that nonce and the visitor's
 * session cookie (none before sign-in). A form is taken only when the field
 * matches the HMAC of the cookie sent and the session sent with it, so a
 * cookie and token fetched by someone else do not work with another person's
 * session, and a token from before sign-in stops working at sign-in (the
 * session changes, and the nonce is replaced too). The JSON API
 * authenticates by token instead and is left out.
 */
export const csrf = fp<{ secure: boolean }>(
  async (app, options) => {
    // A key for form tokens only, derived from the cookie secret (the secret
    // itself signs cookies; the derived key is never sent anywhere).
    let key: string | null = null;
    const keyFor = (instance: FastifyInstance) => {
      key ??= createHmac('sha256', instance.signCookie('coproduce form token key'))
        .update('csrf')
        .digest('base64url');
      return key;
    };
    const tokenFor = (nonce: string, session: string) =>
      createHmac('sha256', keyFor(app)).update(`${nonce}\n${session}`).digest('base64url');

    // The same for every request: a default on the request, not a hook.
    app.decorateRequest('csrfSecure', options.secure);
    app.decorateReply('csrfToken', function csrfToken(this: FastifyReply) {
      const nonce =
        state(this.request).csrfState?.issued ??
        cookieNonce(this.request) ??
        issue(this, randomText(24, 'base64url'));
      return tokenFor(nonce, sessionOf(this.request));
    });
    app.addHook('preHandler', async (request) => {
      if (!UNSAFE.has(request.method) || request.url.startsWith('/api/')) return;
      const body = request.body as Record<string, unknown> | undefined;
      const sent = typeof body?._csrf === 'string' ? body._csrf : '';
      const nonce = cookieNonce(request);
      const session = request.cookies[CSRF_SESSION_COOKIE] ?? '';
      if (!nonce || !sent || !same(sent, tokenFor(nonce, session))) {
        throw new AppError(403, 'CSRF', 'errors.csrf');
      }
    });
  },
  { name: 'csrf', dependencies: ['@fastify/cookie'] },
);
