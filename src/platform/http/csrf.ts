import { randomBytes, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

const COOKIE = 'csrf';
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

function cookieToken(request: FastifyRequest): string | null {
  const raw = request.cookies[COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? unsigned.value : null;
}

/** Starts a new form token, as at sign-in, so that an old one no longer works. */
export function rotateCsrf(reply: FastifyReply): void {
  issue(reply, randomBytes(24).toString('base64url'));
}

function issue(reply: FastifyReply, token: string): string {
  reply.setCookie(COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: reply.request.csrfSecure,
    signed: true,
  });
  (reply.request as FastifyRequest & { csrfIssued?: string }).csrfIssued = token;
  return token;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Protects every state-changing form: a signed cookie and a hidden field must
 * carry the same random token (the double-submit pattern, OWASP). The JSON API
 * authenticates by token instead and is left out.
 */
export const csrf = fp<{ secure: boolean }>(
  async (app, options) => {
    app.decorateRequest('csrfSecure', false);
    app.addHook('onRequest', async (request) => {
      request.csrfSecure = options.secure;
    });
    app.decorateReply('csrfToken', function csrfToken(this: FastifyReply) {
      const issued = (this.request as FastifyRequest & { csrfIssued?: string }).csrfIssued;
      return (
        issued ?? cookieToken(this.request) ?? issue(this, randomBytes(24).toString('base64url'))
      );
    });
    app.addHook('preHandler', async (request) => {
      if (!UNSAFE.has(request.method) || request.url.startsWith('/api/')) return;
      const body = request.body as Record<string, unknown> | undefined;
      const sent = typeof body?._csrf === 'string' ? body._csrf : '';
      const expected = cookieToken(request);
      if (!expected || !sent || !same(sent, expected)) {
        throw new AppError(403, 'CSRF', 'errors.csrf');
      }
    });
  },
  { name: 'csrf', dependencies: ['@fastify/cookie'] },
);
