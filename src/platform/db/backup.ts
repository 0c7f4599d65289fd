import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import type { Database } from './index.ts';

/**
 * pg_dump options for both databases: multi-row INSERTs (not COPY FROM stdin,
 * which PGlite cannot take) and no ownership, so that a backup restores into
 * a fresh embedded folder or into a PostgreSQL server as whoever restores it.
 */
const DUMP_ARGS = ['--rows-per-insert=500', '--no-owner'];

/** A plain SQL dump of the whole database. */
export async function backupDatabase(
  database: Database,
  databaseUrl: string | undefined,
): Promise<string> {
  if (database.pglite) {
    const file = await pgDump({ pg: database.pglite, args: DUMP_ARGS });
    return file.text();
  }
  if (!databaseUrl) throw new Error('DATABASE_URL is needed to back up a server');
  return new Promise((resolve, reject) => {
    const child = spawn('pg_dump', [...DUMP_ARGS, '--dbname', databaseUrl], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) =>
      reject(
        new Error(`Could not run pg_dump (is the PostgreSQL client installed?): ${error.message}`),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`pg_dump failed: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
  });
}

/**
 * Makes a dump from either database restorable into the other: drops psql
 * meta-commands (\restrict), settings an older server does not know
 * (transaction_timeout is PostgreSQL 17+), and default privileges tied to the
 * role that made the dump.
 */
export function portableDump(dump: string): string {
  return dump
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .filter((line) => !/^SET transaction_timeout\b/.test(line))
    .map((line) =>
      line.replace(/^ALTER DEFAULT PRIVILEGES FOR ROLE \S+ /, 'ALTER DEFAULT PRIVILEGES '),
    )
    .join('\n');
}

/** Whether a data folder already holds an embedded database. */
export function hasEmbeddedDatabase(dataDir: string): boolean {
  const pgDir = path.join(dataDir, 'pg');
  return existsSync(pgDir) && readdirSync(pgDir).length > 0;
}

/** Restores a dump into an empty database (the roles must exist: see ensureRoles). */
export async function restoreDatabase(database: Database, dump: string): Promise<void> {
  await database.exec(portableDump(dump));
}
