import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ROOT } from '../views/index.ts';
import { withDatabase } from '../testing/db.ts';
import { portableDump } from './backup.ts';

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coproduce-backup-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function coproduce(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, ['bin/coproduce.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', ...env },
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The rows a backup holds, table by table, from its multi-row INSERTs. */
function dataLines(dump: string): string[] {
  return dump
    .split('\n')
    .filter((line) => line.startsWith('\t(') || line.startsWith('INSERT INTO'))
    .sort();
}

/**
 * One demo folder for both tests, seeded once: the demo is two years of
 * every module's records, and neither test changes the folder it backs up.
 */
let seededFolder: string | null = null;
function demoFolder(): string {
  if (seededFolder) return seededFolder;
  const source = temp();
  const seeded = coproduce(['seed-demo'], { DATA_DIR: source });
  assert.equal(seeded.code, 0, seeded.stderr);
  seededFolder = source;
  return source;
}

describe('backup and restore', () => {
  it('round-trips the embedded database through a plain SQL file into a fresh folder', () => {
    const source = demoFolder();

    const file = path.join(temp(), 'backup.sql');
    const backup = coproduce(['backup', file], { DATA_DIR: source });
    assert.equal(backup.code, 0, backup.stderr);
    const dump = readFileSync(file, 'utf8');
    assert.match(dump, /INSERT INTO public\.people VALUES/);
    assert.match(dump, /CREATE POLICY people_tenant_isolation/);

    // The same backup goes to standard output, and the logs stay out of it.
    const piped = coproduce(['backup', '-'], { DATA_DIR: source });
    assert.equal(piped.code, 0);
    assert.deepEqual(dataLines(piped.stdout), dataLines(dump));
    assert.doesNotMatch(piped.stdout, /Wrote the backup/);

    const target = temp();
    const restored = coproduce(['restore', file], { DATA_DIR: target });
    assert.equal(restored.code, 0, restored.stderr);
    const again = coproduce(['backup', '-'], { DATA_DIR: target });
    assert.deepEqual(dataLines(again.stdout), dataLines(dump));

    const refused = coproduce(['restore', file], { DATA_DIR: target });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already holds a database/);
  });

  it('moves an embedded backup up to a PostgreSQL server, and a server backup back down', async (t) => {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) {
      // The test runner fails the run under CI when this suite cannot run.
      if (process.env.CI === 'true') assert.fail('TEST_DATABASE_URL is needed under CI');
      t.skip('no PostgreSQL server: set TEST_DATABASE_URL');
      return;
    }
    const source = demoFolder();
    const file = path.join(temp(), 'up.sql');
    assert.equal(coproduce(['backup', file], { DATA_DIR: source }).code, 0);
    const dump = readFileSync(file, 'utf8');

    const name = `coproduce_move_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = withDatabase(adminUrl, name);
      const up = coproduce(['restore', file], { DATABASE_URL: url });
      assert.equal(up.code, 0, up.stderr);
      const served = coproduce(['backup', '-'], { DATABASE_URL: url });
      assert.equal(served.code, 0, served.stderr);
      assert.deepEqual(dataLines(portableDump(served.stdout)), dataLines(portableDump(dump)));

      const downFile = path.join(temp(), 'down.sql');
      writeFileSync(downFile, served.stdout);
      const down = coproduce(['restore', downFile], { DATA_DIR: temp() });
      assert.equal(down.code, 0, down.stderr);

      const notEmpty = coproduce(['restore', file], { DATABASE_URL: url });
      assert.equal(notEmpty.code, 2);
      assert.match(notEmpty.stderr, /not empty/);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
