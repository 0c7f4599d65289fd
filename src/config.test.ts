import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, sessionSecretFor } from './config.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.baseUrl, 'http://localhost:3000');
    assert.equal(config.defaultOrg, 'demo');
    assert.equal(config.dataDir, path.resolve('./data'));
    assert.equal(config.databaseUrl, undefined);
  });

  it('names the variable at fault', () => {
    const cases: Array<[NodeJS.ProcessEnv, string, RegExp]> = [
      [{ PORT: 'eighty' }, 'PORT', /whole number/],
      [{ PORT: '70000' }, 'PORT', /between 0 and 65535/],
      [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /PostgreSQL URL/],
      [{ BASE_URL: 'not a url' }, 'BASE_URL', /full URL/],
      [{ DEFAULT_ORG: 'Has Spaces' }, 'DEFAULT_ORG', /slug/],
      [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET', /32 characters/],
      [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db' }, 'SESSION_SECRET', /production/],
    ];
    for (const [env, variable, message] of cases) {
      assert.throws(
        () => loadConfig(env),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.variable === variable &&
          message.test(error.message) &&
          error.message.includes(variable),
        `${JSON.stringify(env)} should name ${variable}`,
      );
    }
  });

  it('makes a session secret once and keeps it in the data folder, readable by its owner only', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'coproduce-config-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir });
      const first = sessionSecretFor(config);
      assert.ok(first.length >= 32);
      assert.equal(sessionSecretFor(config), first);
      const file = path.join(dataDir, 'session-secret');
      assert.equal(readFileSync(file, 'utf8').trim(), first);
      assert.equal(statSync(file).mode & 0o077, 0);
      assert.equal(
        sessionSecretFor(loadConfig({ SESSION_SECRET: 'x'.repeat(40) })),
        'x'.repeat(40),
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
