import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { DataDirLockedError, lockDataDir } from './lock.ts';
import { ROOT } from '../views/index.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'coproduce-lock-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts a process and resolves when a line of its output matches. */
function startAndWaitFor(
  args: string[],
  env: NodeJS.ProcessEnv,
  pattern: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out waiting for ${pattern}; output:\n${output}`));
    }, 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}; output:\n${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('the data folder lock', () => {
  it('refuses a second lock while the first is held, and frees it on release', () => {
    const dir = tempDir();
    const first = lockDataDir(dir, 'first');
    assert.throws(
      () => lockDataDir(dir, 'second'),
      (error: unknown) => {
        assert.ok(error instanceof DataDirLockedError);
        assert.equal(error.owner.pid, process.pid);
        assert.match(error.message, /in use by process \d+ \(first/);
        return true;
      },
    );
    first.release();
    lockDataDir(dir, 'third').release();
  });

  it('takes over a lock whose process has died', () => {
    const dir = tempDir();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(gone.stdout.toString());
    writeFileSync(
      path.join(dir, 'coproduce.lock'),
      JSON.stringify({
        pid: deadPid,
        host: hostname(),
        startedAt: 'then',
        procStart: null,
        command: 'dead',
      }),
    );
    const lock = lockDataDir(dir, 'new owner');
    assert.match(readFileSync(lock.file, 'utf8'), /new owner/);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to another process', () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'coproduce.lock'),
      JSON.stringify({
        pid: process.ppid,
        host: hostname(),
        startedAt: 'then',
        procStart: '1',
        command: 'old',
      }),
    );
    const lock = lockDataDir(dir, 'new owner');
    lock.release();
  });

  it('survives kill -9: the next server takes the stale lock over, nothing committed is lost, and a second process is refused', async () => {
    const dataDir = tempDir();
    const holder = await startAndWaitFor(
      ['--import', 'tsx', 'src/platform/db/fixtures/hold-and-write.ts'],
      { DATA_DIR: dataDir },
      /written/,
    );
    holder.child.kill('SIGKILL');
    await exited(holder.child);
    assert.ok(existsSync(path.join(dataDir, 'coproduce.lock')), 'the killed process left its lock');

    const server = await startAndWaitFor(
      ['bin/coproduce.mjs', 'serve'],
      { DATA_DIR: dataDir, PORT: '0', DEFAULT_ORG: 'kept' },
      /Coproduce is running at (http:\/\/localhost:\d+)/,
    );
    try {
      const url = server.match[1]!;
      const home = await fetch(`${url}/`);
      assert.equal(home.status, 200);
      assert.match(await home.text(), /Kept Homes/, 'the committed organisation is still there');

      const second = spawnSync(process.execPath, ['bin/coproduce.mjs', 'migrate'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(second.status, 3);
      assert.match(
        second.stderr,
        new RegExp(`in use by process ${server.child.pid} \\(coproduce serve`),
      );
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await exited(server.child), 0);
    assert.equal(
      existsSync(path.join(dataDir, 'coproduce.lock')),
      false,
      'a clean stop frees the lock',
    );
  });
});
