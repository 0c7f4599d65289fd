import { randomText } from './random.ts';
import fp from 'fastify-plugin';
import type { FastifyReply } from 'fastify';

declare module 'fastify' {
  interface FastifyReply {
    /**
     * The nonces an inline script or style carries (one value for both). Made
     * on first use, which also puts it in this response's
     * Content-Security-Policy; a response that never asks (a redirect, JSON,
     * a health check) pays nothing for it.
     */
    readonly cspNonce: { script: string; style: string };
  }
}

/** The Content-Security-Policy, with or without a nonce for inline scripts and styles. */
export function contentSecurityPolicy(https: boolean, nonce?: string): string {
  const inline = nonce ? ` 'nonce-${nonce}'` : '';
  return [
    "default-src 'self'",
    `script-src 'self'${inline}`,
    `style-src 'self'${inline}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join(';');
}

/**
 * The rest of the headers helmet 8 sets by default (as @fastify/helmet sent
 * them before): they do not vary by request, so they are fixed here once.
 */
function fixedHeaders(https: boolean): Record<string, string> {
  return {
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
}

/**
 * Security headers with a strict Content-Security-Policy: scripts and styles
 * from this origin, or inline only with the per-response nonce.
 *
 * Built here rather than with @fastify/helmet, which worked every header out
 * again on every request (its CSP directives parsed and two nonces made each
 * time): that was a seventh of a health check's time (docs/benchmarks.md).
 * The headers are the ones it sent.
 */
export const security = fp<{ https: boolean }>(
  async (app, options) => {
    const https = options.https;
    const fixed = {
      ...fixedHeaders(https),
      'content-security-policy': contentSecurityPolicy(https),
    };
    const names = Object.keys(fixed);
    const values = names.map((name) => fixed[name as keyof typeof fixed]);

    const nonces = new WeakMap<FastifyReply, { script: string; style: string }>();
    app.decorateReply('cspNonce', {
      getter(this: FastifyReply) {
        let nonce = nonces.get(this);
        if (!nonce) {
          const value = randomText(16, 'hex');
          nonce = { script: value, style: value };
          nonces.set(this, nonce);
          this.header('content-security-policy', contentSecurityPolicy(https, value));
        }
        return nonce;
      },
    });
    app.addHook('onRequest', (_request, reply, done) => {
      const raw = reply.raw;
      for (let i = 0; i < names.length; i += 1) raw.setHeader(names[i]!, values[i]!);
      done();
    });
  },
  { name: 'security' },
);
