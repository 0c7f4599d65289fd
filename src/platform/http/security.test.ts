import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { security } from './security.ts';

async function appWith(https: boolean) {
  const app = Fastify({ logger: false });
  await app.register(security, { https });
  app.get('/page', async (_request, reply) => {
    const { script, style } = reply.cspNonce;
    return reply
      .type('text/html')
      .send(`<script nonce="${script}"></script><style nonce="${style}"></style>`);
  });
  app.get('/json', async () => ({ ok: true }));
  return app;
}

describe('security headers', () => {
  it('sends the headers helmet sent, on every response', async () => {
    const app = await appWith(false);
    const res = await app.inject('/json');
    assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin');
    assert.equal(res.headers['strict-transport-security'], undefined);
    const csp = res.headers['content-security-policy'] as string;
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /nonce-|unsafe-inline|upgrade-insecure-requests/);
    await app.close();
  });

  it("puts a page's nonce in its policy, a new one each response", async () => {
    const app = await appWith(true);
    const first = await app.inject('/page');
    const second = await app.inject('/page');
    const nonceOf = (csp: unknown) => /script-src 'self' 'nonce-([^']+)'/.exec(String(csp))?.[1];
    const nonce = nonceOf(first.headers['content-security-policy']);
    assert.ok(nonce);
    assert.match(
      String(first.headers['content-security-policy']),
      new RegExp(`style-src 'self' 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'`),
    );
    assert.match(first.body, new RegExp(`<script nonce="${nonce.replace(/[+/]/g, '\\$&')}">`));
    assert.notEqual(nonce, nonceOf(second.headers['content-security-policy']));
    assert.match(String(first.headers['content-security-policy']), /upgrade-insecure-requests/);
    assert.match(String(first.headers['strict-transport-security']), /max-age=31536000/);
    await app.close();
  });
});
