import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from './app.ts';
import { main } from './cli.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './platform/db/index.ts';
import { ROOT } from './platform/views/index.ts';
import { TestClient } from './platform/testing/client.ts';
import { TEST_SESSION_SECRET } from './platform/testing/app.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function coproduce(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['bin/coproduce.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The command's main() in this process, with what it writes to standard
 * error (standard output is the test runner's own channel: the spawned
 * command above shows help keeps off it).
 */
async function inProcess(args: string[]) {
  let stderr = '';
  const err = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof err;
  try {
    const code = await main(args);
    return { code, stderr };
  } finally {
    process.stderr.write = err;
  }
}

describe('the coproduce command', () => {
  it('explains each command with --help, on standard error', async () => {
    // The command itself once; the rest through its main(), in this process:
    // each spawn costs seconds of start-up, and main() is what the command runs.
    const served = coproduce(['serve', '--help']);
    assert.equal(served.code, 0);
    assert.match(served.stderr, /Usage: coproduce serve/);
    assert.equal(served.stdout, '');
    for (const command of ['migrate', 'seed-demo', 'org', 'worker', 'backup', 'restore']) {
      const res = await inProcess([command, '--help']);
      assert.equal(res.code, 0, command);
      assert.match(res.stderr, new RegExp(`Usage: coproduce ${command}`));
    }
    const unknown = await inProcess(['fly']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "fly"/);
  });

  it('leaves background jobs to the server on the embedded database', () => {
    const res = coproduce(['worker']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /the server runs background jobs itself/);
  });

  it('stops at once on bad configuration, naming the variable', () => {
    const res = coproduce(['migrate'], { PORT: 'eighty' });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /PORT/);
  });

  it('makes a new organisation and prints a single-use link for its first administrator', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'coproduce-org-'));
    dirs.push(dataDir);
    const bad = coproduce(['org', 'create', 'Bad Slug', '--name', 'X'], { DATA_DIR: dataDir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /slug/);
    const made = coproduce(
      [
        'org',
        'create',
        'riverside',
        '--name',
        'Riverside Homes',
        '--host',
        'involve.riverside.example',
      ],
      {
        DATA_DIR: dataDir,
      },
    );
    assert.equal(made.code, 0, made.stderr);
    const link = made.stdout.trim();
    assert.match(link, /^https:\/\/involve\.riverside\.example\/invitation\/[\w-]{43}$/);
    assert.equal(
      coproduce(['org', 'create', 'riverside', '--name', 'Again'], { DATA_DIR: dataDir }).code,
      2,
    );

    const database = await openDatabase({ dataDir, command: 'test' });
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DEFAULT_ORG: 'demo' });
    const app = await buildApp({
      config,
      database,
      sessionSecret: TEST_SESSION_SECRET,
      logger: false,
    });
    try {
      const client = new TestClient(app, { host: 'involve.riverside.example' });
      const invitation = new URL(link).pathname;
      const page = await client.get(invitation);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Set up the first administrator/);
      assert.match(page.body, /Riverside Homes/);
      const done = await client.post(invitation, {
        name: 'Rhian Roberts',
        email: 'rhian@riverside.example',
        password: 'three words together',
      });
      assert.equal(done.statusCode, 303);
      const signIn = await client.post(
        '/sign-in',
        { email: 'rhian@riverside.example', password: 'three words together' },
        { from: '/sign-in' },
      );
      assert.equal(
        signIn.headers.location,
        '/sign-in/set-up-code',
        'an administrator sets up a second factor',
      );
      assert.equal(
        (await new TestClient(app, { host: 'involve.riverside.example' }).get(invitation))
          .statusCode,
        410,
      );
    } finally {
      await app.close();
      await database.close();
    }
  });
});
