import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  openAsBlob,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  MIGRATIONS_DIR,
  migrateDatabase,
  newPglite,
  openDatabase,
  type Database,
} from '../db/index.ts';
import { ROOT } from '../views/index.ts';
import { installModules } from '../manifest.ts';
import { MODULES } from '../../modules.ts';

/** Which database the suite runs on: TEST_DB=postgres with TEST_DATABASE_URL, else PGlite. */
export function testTarget(): 'embedded' | 'server' {
  return process.env.TEST_DB === 'postgres' ? 'server' : 'embedded';
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    if (file.endsWith('.sql'))
      hash.update(file).update(readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

/** Runs `make` once across parallel test processes, guarded by a lock folder. */
async function once(
  lockDir: string,
  done: () => boolean,
  make: () => Promise<void>,
): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (done()) return;
    try {
      mkdirSync(lockDir);
    } catch {
      await sleep(100);
      continue;
    }
    try {
      if (!done()) await make();
    } finally {
      rmSync(lockDir, { recursive: true, force: true });
    }
    return;
  }
  throw new Error(`Timed out waiting for ${lockDir}`);
}

/**
 * A migrated, empty PGlite data folder dump, made once per set of migrations
 * and reused: creating and migrating PGlite takes seconds, loading a dump one.
 * Dumps are plain tar, not gzip: each test file loads one, and unpacking gzip
 * was nearly half of the load (9.3 s against 5.1 s at load 8 on two cores).
 */
async function makeTemplateDump(file: string): Promise<void> {
  const client = newPglite();
  await client.waitReady;
  const tmp = `${file}.${process.pid}.tmp`;
  const db = await openDatabase({ pglite: client });
  await migrateDatabase(db);
  const dump = await client.dumpDataDir('none');
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, file);
  await client.close();
}

export interface TestDatabase {
  database: Database;
  /** Counts the queries run while `work` runs: a page's count must not grow with its rows. */
  countQueries<T>(work: () => Promise<T>): Promise<{ result: T; queries: number }>;
  /** The server URL of this test's own database (server target only). */
  url?: string;
  close(): Promise<void>;
}

/**
 * Data a test file starts from beyond the migrations (the demo organisation):
 * made once per set of migrations, source and day (demo dates are relative
 * to the day it is made), kept like the migrated template, and copied for
 * each file that asks, so seeding it is paid once per run, not once a file.
 */
export interface Seed {
  /** Names the cached copy: letters, digits and dashes. */
  name: string;
  make(database: Database): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite loaded from
 * the template, or on a server a new database copied from a migrated template;
 * with `seed`, from a template that has that seed's data too.
 */
export async function createTestDatabase(options: { seed?: Seed } = {}): Promise<TestDatabase> {
  // Services that tests call directly read the modules' manifests too.
  installModules(MODULES);
  const { seed } = options;
  if (testTarget() === 'embedded') {
    const dir = path.join(ROOT, '.cache/test');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `template-${migrationsHash()}.tar`);
    await once(
      `${file}.lock`,
      () => existsSync(file),
      () => makeTemplateDump(file),
    );
    let load = file;
    if (seed) {
      load = path.join(dir, `${seed.name}-${migrationsHash()}-${seedKey()}.tar`);
      await once(
        `${load}.lock`,
        () => existsSync(load),
        () => makeSeededDump(file, load, seed),
      );
    }
    const counter = queryCounter();
    const database = await openDatabase({
      loadDataDir: await openAsBlob(load),
      onQuery: counter.onQuery,
    });
    return { database, countQueries: counter.count, close: () => database.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
  const migrated = `coproduce_template_${migrationsHash()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(7204732)');
    await ensureServerDatabase(admin, adminUrl, migrated, null, (db, url) =>
      migrateDatabase(db, url),
    );
    let template = migrated;
    if (seed) {
      template = `coproduce_${seed.name.replace(/\W/g, '_')}_${migrationsHash()}_${seedKey()}`;
      await ensureServerDatabase(admin, adminUrl, template, migrated, seed.make);
    }
    const name = `coproduce_test_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.query('SELECT pg_advisory_unlock(7204732)');
    const url = withDatabase(adminUrl, name);
    const counter = queryCounter();
    const database = await openDatabase({
      databaseUrl: url,
      poolSize: 4,
      onQuery: counter.onQuery,
    });
    return {
      database,
      countQueries: counter.count,
      url,
      async close() {
        await database.close();
        // CI's server is thrown away after the run, and dropping a database
        // forces a checkpoint: a second or more of each file's time there.
        if (process.env.CI === 'true' || process.env.CI === '1') return;
        const cleanup = new pg.Client({ connectionString: adminUrl });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await cleanup.end();
      },
    };
  } finally {
    await admin.end();
  }
}

/**
 * Makes a template database on the server unless it is there: empty, or a
 * copy of `from`, then `fill`ed. Made under another name and renamed, so a
 * run stopped half way never leaves a template that looks finished.
 */
async function ensureServerDatabase(
  admin: pg.Client,
  adminUrl: string,
  name: string,
  from: string | null,
  fill: (db: Database, url: string) => Promise<void>,
): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount !== 0) return;
  const making = `${name.slice(0, 50)}_making`;
  await admin.query(`DROP DATABASE IF EXISTS ${making} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${making}${from ? ` TEMPLATE ${from}` : ''}`);
  const url = withDatabase(adminUrl, making);
  const db = await openDatabase({ databaseUrl: url, poolSize: 1 });
  try {
    await fill(db, url);
  } finally {
    await db.close();
  }
  await admin.query(`ALTER DATABASE ${making} RENAME TO ${name}`);
}

/** The migrated template with a seed's data, dumped. */
async function makeSeededDump(template: string, file: string, seed: Seed): Promise<void> {
  const database = await openDatabase({ loadDataDir: await openAsBlob(template) });
  try {
    await seed.make(database);
    const dump = await database.pglite!.dumpDataDir('none');
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file);
  } finally {
    await database.close();
  }
  // Earlier copies (other source, other days) go after an hour: a run that
  // started before this one may still be reading its own.
  const dir = path.dirname(file);
  for (const other of readdirSync(dir)) {
    const full = path.join(dir, other);
    if (
      other.startsWith(`${seed.name}-`) &&
      full !== file &&
      Date.now() - statSync(full).mtimeMs > 3_600_000
    )
      rmSync(full, { force: true });
  }
}

/**
 * What seeded data depends on besides the migrations: the code that makes it
 * (any source file, to be safe: hashing them takes milliseconds) and the day
 * in London, since demo dates are relative to it.
 */
function seedKey(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!entry.name.endsWith('.test.ts') && /\.(ts|json)$/.test(entry.name))
        hash.update(entry.name).update(readFileSync(full));
    }
  };
  walk(path.join(ROOT, 'src'));
  hash.update(new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' }));
  return hash.digest('hex').slice(0, 12);
}

function queryCounter() {
  let queries = 0;
  return {
    onQuery: () => {
      queries += 1;
    },
    async count<T>(work: () => Promise<T>) {
      const before = queries;
      const result = await work();
      return { result, queries: queries - before };
    },
  };
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
