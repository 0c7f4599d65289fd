// Runs every suite this machine can run, and says in one line why it skips any:
//   1. unit and route tests on the embedded database (PGlite);
//   2. the same route suite again on a PostgreSQL server (TEST_DATABASE_URL);
//   3. browser tests in Chromium with axe (test/e2e).
// Under CI=true a skipped suite fails the run.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const ci = process.env.CI === 'true' || process.env.CI === '1';
const only = process.argv.slice(2);

function find(dir: string, match: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : find(full, match);
    return match(entry.name) ? [path.relative(root, full)] : [];
  });
}

const unit = find(path.join(root, 'src'), (n) => n.endsWith('.test.ts'));
// The PostgreSQL pass runs the files that open a test database (through
// platform/testing); pure logic gives the same answer on either.
const serverSuite = unit.filter(
  (f) =>
    !f.endsWith('.embedded.test.ts') &&
    /\/testing\/\w+\.ts/.test(readFileSync(path.join(root, f), 'utf8')),
);
// Under CI, with a server, the modules' database files run on the server
// alone: the same SQL on the same engine (PGlite is PostgreSQL compiled to
// WebAssembly), and running every one of them twice was a third of CI's time
// over its 25 minutes. The platform's database files (the adapter, row-level
// security, keys, jobs, imports, the app, the demo, the command) still run on
// both, and \`npm test\` without a server runs everything on PGlite, as
// developers do. EMBEDDED_SUITE=all runs every file on both.
const embeddedSuite =
  ci && process.env.TEST_DATABASE_URL && process.env.EMBEDDED_SUITE !== 'all'
    ? unit.filter((f) => !(f.startsWith('src/modules/') && serverSuite.includes(f)))
    : unit;
const e2e = find(path.join(root, 'test/e2e'), (n) => n.endsWith('.test.ts'));
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let passed = 0;
let failed = 0;
const skipped: string[] = [];

function run(
  label: string,
  files: string[],
  env: NodeJS.ProcessEnv,
  concurrency: number,
  // The runner applies it to each file as a whole too: a browser file with
  // two passes and the sign-in's 30-second codes outlasts five minutes when
  // it shares the machine with another file.
  timeoutMs = 600_000,
): Promise<number> {
  process.stderr.write(`\n== ${label}: ${files.length} files\n`);
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${concurrency}`,
        `--test-timeout=${timeoutMs}`,
        '--test-reporter=spec',
        ...files,
      ],
      {
        cwd: root,
        env: { ...process.env, NODE_ENV: 'test', ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      const pass = Number(/ℹ pass (\d+)/.exec(tail)?.[1] ?? 0);
      const fail = Number(/ℹ fail (\d+)/.exec(tail)?.[1] ?? 0);
      const cancelled = Number(/ℹ cancelled (\d+)/.exec(tail)?.[1] ?? 0);
      passed += pass;
      failed += fail + cancelled + (code !== 0 && fail + cancelled === 0 ? 1 : 0);
      resolve(code ?? 1);
    });
  });
}

function skip(label: string, why: string) {
  skipped.push(label);
  process.stderr.write(`\n== ${label}: skipped, ${why}\n`);
}

const wants = (name: string) => only.length === 0 || only.includes(name);

if (wants('unit')) {
  await run('unit and route tests on the embedded database', embeddedSuite, {}, 2);
}

if (wants('postgres')) {
  if (process.env.TEST_DATABASE_URL) {
    await run('route tests on PostgreSQL', serverSuite, { TEST_DB: 'postgres' }, 2);
  } else {
    skip('route tests on PostgreSQL', 'no server: set TEST_DATABASE_URL (see README)');
  }
}

if (wants('e2e')) {
  if (existsSync(chromium)) {
    // Two browser files at once: each is one Node process (server, database
    // and test) beside its Chromium, and mostly waits on one core, so two
    // keep a two-core machine busy (E2E_CONCURRENCY=1 to run them in turn).
    const concurrency = Number(process.env.E2E_CONCURRENCY ?? 2) || 1;
    // With a server, the browser files run on it: PGlite runs inside the
    // server's own process, so each query there holds up the pages, and
    // loading its demo takes seconds where copying a template database takes
    // one. Without one they run on PGlite, as `npm start` does.
    const server = process.env.TEST_DATABASE_URL ? { TEST_DB: 'postgres' } : {};
    const on = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'the embedded database';
    await run(
      `browser tests on ${on}`,
      e2e,
      { CHROMIUM_PATH: chromium, ...server },
      concurrency,
      900_000,
    );
  } else {
    skip(
      'browser tests',
      `no Chromium at ${chromium}: apt-get install chromium, or set CHROMIUM_PATH`,
    );
  }
}

const skippedNote = skipped.length ? `, ${skipped.length} skipped` : '';
process.stdout.write(`\n${passed} passed, ${failed} failed${skippedNote}\n`);
if (failed > 0) process.exit(1);
if (ci && skipped.length > 0) {
  process.stderr.write(`CI=true: a skipped suite is a failure (${skipped.join('; ')})\n`);
  process.exit(1);
}
