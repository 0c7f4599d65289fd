import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createTestDatabase, type TestDatabase } from './platform/testing/db.ts';
import { TEST_SESSION_SECRET, createTestApp, makeOrganisation } from './platform/testing/app.ts';

let testDb: TestDatabase;
let quick: FastifyInstance;
let port: number;

before(async () => {
  testDb = await createTestDatabase();
  await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  // A server that gives a request one second, listening on loopback only.
  quick = await buildApp({
    config: loadConfig({
      NODE_ENV: 'test',
      DEFAULT_ORG: 'demo',
      REQUEST_TIMEOUT_SECONDS: '1',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'coproduce-test-')),
    }),
    database: testDb.database,
    sessionSecret: TEST_SESSION_SECRET,
    logger: false,
  });
  await quick.listen({ host: '127.0.0.1', port: 0 });
  port = (quick.server.address() as AddressInfo).port;
});
after(async () => {
  await quick.close();
  await testDb.close();
});

/** Sends `text` and never finishes; resolves with what the server said and how long it held on. */
function sendAndStall(text: string): Promise<{ answer: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    // Bounded: a server that never lets go fails the test instead of hanging it.
    const limit = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server still held the connection after 10 s: ${answer}`));
    }, 10_000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(limit);
      resolve({ answer, ms: Date.now() - started });
    });
    socket.write(text);
  });
}

describe('server timeouts', () => {
  it('sets the timeouts Fastify leaves off, from the configuration', async () => {
    const testDbApp = await createTestApp(testDb.database);
    try {
      const server = testDbApp.server;
      assert.equal(server.requestTimeout, 120_000);
      assert.equal(server.headersTimeout, 20_000);
      assert.equal(server.timeout, 125_000);
      assert.equal(server.keepAliveTimeout, 72_000);
    } finally {
      await testDbApp.close();
    }
    assert.equal(quick.server.requestTimeout, 1000);
    assert.equal(quick.server.headersTimeout, 1000);
  });

  it('lets go of a body that never finishes, with a 408', async () => {
    const { answer, ms } = await sendAndStall(
      'POST /sign-in/link HTTP/1.1\r\nHost: localhost\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a',
    );
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.ok(ms < 5000, `held for ${ms} ms`);
  });

  it('lets go of headers that never finish', async () => {
    const { ms } = await sendAndStall('GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    assert.ok(ms < 5000, `held for ${ms} ms`);
  });

  it('still answers a request sent in good time', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/sign-in`);
    assert.equal(res.status, 200);
  });
});
