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
 */
async function makeTemplateDump(file: string): Promise<void> {
  const client = newPglite();
  await client.waitReady;
  const tmp = `${file}.${process.pid}.tmp`;
  const db = await openDatabase({ pglite: client });
  await migrateDatabase(db);
  const dump = await client.dumpDataDir('gzip');
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
 * A fresh, migrated database for one test file: an in-memory PGlite loaded from
 * the template, or on a server a new database copied from a migrated template.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  // Services that tests call directly read the modules' manifests too.
  installModules(MODULES);
  if (testTarget() === 'embedded') {
    const dir = path.join(ROOT, '.cache/test');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `template-${migrationsHash()}.tar.gz`);
    await once(
      `${file}.lock`,
      () => existsSync(file),
      () => makeTemplateDump(file),
    );
    const counter = queryCounter();
    const database = await openDatabase({
      loadDataDir: await openAsBlob(file),
      onQuery: counter.onQuery,
    });
    return { database, countQueries: counter.count, close: () => database.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
  const template = `coproduce_template_${migrationsHash()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(7204732)');
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${template}`);
      const templateDb = await openDatabase({
        databaseUrl: withDatabase(adminUrl, template),
        poolSize: 1,
      });
      try {
        await migrateDatabase(templateDb, withDatabase(adminUrl, template));
      } finally {
        await templateDb.close();
      }
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
