import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { lockDataDir, type DataDirLock } from './lock.ts';
import { APP_ROLE } from './tenant.ts';

export { APP_ROLE } from './tenant.ts';
export { DataDirLockedError } from './lock.ts';

/**
 * The extensions the migrations create, loaded into every embedded database:
 * pg_trgm for the register's typo-tolerant name search. A server has them in
 * Debian's postgresql package (contrib) and creates them as trusted extensions.
 */
export const PGLITE_EXTENSIONS = { pg_trgm } satisfies PGliteOptions['extensions'];

/** Opens a PGlite with the extensions the schema needs. */
export function newPglite(dataDir?: string, options: PGliteOptions = {}): PGlite {
  // new PGlite(undefined, options) ignores the options: pass them alone then.
  const withExtensions = { ...options, extensions: PGLITE_EXTENSIONS };
  return dataDir ? new PGlite(dataDir, withExtensions) : new PGlite(withExtensions);
}

/** A Drizzle handle: the database, or a transaction on it. */
export type Queryable = PgDatabase<PgQueryResultHKT>;
/** The organisation-scoped transaction a request's database work runs in. */
export type Tx = Queryable;

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);

// int8 (counts, sums) as numbers on the server driver too, as PGlite gives them;
// dates as their YYYY-MM-DD text, never shifted by the process's time zone.
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1082, (value) => value);

export interface Database {
  readonly kind: 'embedded' | 'server';
  /**
   * The owner's handle, which row-level security does not limit. Only the
   * paths named in docs/architecture.md use it: finding an organisation by
   * host, migrations, the CLI, the job worker.
   */
  readonly system: Queryable;
  /** Runs work in one short transaction scoped to an organisation, as the app role. */
  withOrganisation<T>(organisationId: string, work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs raw SQL (several statements) as the owner: restore, test set-up. */
  exec(text: string): Promise<void>;
  /** The embedded PGlite instance, for backups; null on a server. */
  readonly pglite: PGlite | null;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** DATABASE_URL: a PostgreSQL server. Otherwise the embedded database in dataDir. */
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** What is opening it, shown to a second process that finds the folder locked. */
  command?: string;
  /** An in-memory PGlite made from a data folder dump (tests). */
  loadDataDir?: Blob;
  /** An already open PGlite (tests, templates): used as it is, with no lock. */
  pglite?: PGlite;
  /** Pool size on a server. */
  poolSize?: number;
  /** Called with every query's SQL text (tests count queries to catch N+1). */
  onQuery?: (sql: string) => void;
}

function scoped(system: Queryable) {
  return <T>(organisationId: string, work: (tx: Tx) => Promise<T>): Promise<T> =>
    system.transaction(async (tx) => {
      // One round trip sets both: the organisation for the policies, and the
      // non-owner role so that row-level security applies.
      await tx.execute(
        sql`select set_config('app.organisation_id', ${organisationId}, true), set_config('role', ${APP_ROLE}, true)`,
      );
      return work(tx);
    });
}

function queryLogger(options: OpenOptions) {
  const onQuery = options.onQuery;
  return onQuery ? { logQuery: (query: string) => onQuery(query) } : false;
}

/** Opens the embedded database (taking the data folder's lock) or a server pool. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      application_name: 'coproduce',
    });
    pool.on('error', () => {
      /* an idle client lost its connection; the pool replaces it */
    });
    const system = drizzlePg({
      client: pool,
      logger: queryLogger(options),
    }) as unknown as Queryable;
    return {
      kind: 'server',
      system,
      withOrganisation: scoped(system),
      exec: async (text) => {
        await pool.query(text);
      },
      pglite: null,
      close: () => pool.end(),
    };
  }

  let lock: DataDirLock | null = null;
  let client: PGlite;
  if (options.pglite) {
    client = options.pglite;
  } else if (options.loadDataDir) {
    client = newPglite(undefined, { loadDataDir: options.loadDataDir });
  } else {
    const dataDir = options.dataDir ?? './data';
    lock = lockDataDir(dataDir, options.command ?? 'coproduce');
    try {
      const pgDir = path.join(dataDir, 'pg');
      if (!existsSync(pgDir)) mkdirSync(pgDir, { recursive: true });
      client = newPglite(pgDir);
      await client.waitReady;
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  await client.waitReady;
  const system = drizzlePglite({ client, logger: queryLogger(options) }) as unknown as Queryable;
  return {
    kind: 'embedded',
    system,
    withOrganisation: scoped(system),
    exec: async (text) => {
      await client.exec(text);
    },
    pglite: client,
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * Creates the cluster-wide roles the migrations grant to. Safe to repeat, and
 * safe when several processes start at once.
 */
export async function ensureRoles(db: Database): Promise<void> {
  try {
    await db.exec(`DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        CREATE ROLE ${APP_ROLE} NOLOGIN;
      END IF;
    END $$;`);
  } catch (error) {
    // Two processes created it at the same moment: the role exists, as wanted.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42710') {
      throw new Error(
        `Could not create the database role ${APP_ROLE}: ${(error as Error).message}. ` +
          'The user in DATABASE_URL needs the CREATEROLE privilege, or an administrator ' +
          `can run: CREATE ROLE ${APP_ROLE} NOLOGIN; GRANT ${APP_ROLE} TO <that user>;`,
        { cause: error },
      );
    }
  }
  if (db.kind === 'server') {
    // Row-level security is forced on the tables, owner included, so the
    // system paths (host lookup, the worker, the CLI) need a user that
    // bypasses it. Say so plainly rather than serve empty pages.
    const [me] = rowsOf<{ ok: boolean }>(
      await db.system.execute(
        sql`select (rolsuper or rolbypassrls) as ok from pg_roles where rolname = current_user`,
      ),
    );
    if (!me?.ok) {
      throw new Error(
        'The user in DATABASE_URL must bypass row-level security for the paths that work across organisations. ' +
          'As a superuser run: ALTER ROLE <that user> BYPASSRLS; (requests still run as coproduce_app, which does not).',
      );
    }
    // The connecting user must be a member to SET ROLE to it.
    await db.exec(`DO $$ BEGIN
      IF NOT pg_has_role(current_user, '${APP_ROLE}', 'MEMBER') THEN
        EXECUTE format('GRANT ${APP_ROLE} TO %I', current_user);
      END IF;
    END $$;`);
  }
}

/** Creates the roles, then runs every pending migration (one at a time on a server). */
export async function migrateDatabase(db: Database, databaseUrl?: string): Promise<void> {
  await ensureRoles(db);
  if (db.kind === 'embedded') {
    await migratePglite(db.system as never, { migrationsFolder: MIGRATIONS_DIR });
    return;
  }
  // Several servers may start at once: an advisory lock lets one migrate.
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(7204731)');
    await migratePg(drizzlePg({ client }), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await client.query('SELECT pg_advisory_unlock(7204731)').catch(() => undefined);
    await client.end();
  }
}

/** One of several writes sent as one statement: a data-modifying CTE named `name`. */
export interface Write {
  name: string;
  statement: SQL;
}

/**
 * Several writes as one statement, so one round trip: each write a CTE of the
 * `with`, then `select` (which may read what they return). Every write sees the
 * database as it was before the statement, so none sees another's rows except
 * through its `returning`: use it for writes that do not read each other.
 * Constraints are checked at the end of the statement, when all are done.
 */
export function inOneStatement(writes: Write[], select: SQL): SQL {
  const parts = writes.map((w) => sql`${sql.raw(w.name)} as (${w.statement})`);
  return sql`with ${sql.join(parts, sql.raw(', '))} ${select}`;
}

const dialect = new PgDialect();
const statementNames = new Map<string, string>();
/** Statement texts given a name: a bound on what each connection keeps prepared. */
const NAMED_STATEMENTS = 200;

/**
 * Runs a statement as execute() does, but by name on a server: PostgreSQL
 * parses and plans it once a connection, and later runs send only the
 * parameters, not the text. For hot statements of a fixed shape (the public
 * sign-up); each distinct text gets its own name, up to a bound, then they
 * go unnamed. PGlite runs it as execute() does.
 */
export async function executeNamed<T>(tx: Queryable, query: SQL): Promise<T[]> {
  const compiled = dialect.sqlToQuery(query);
  let name = statementNames.get(compiled.sql);
  if (name === undefined && statementNames.size < NAMED_STATEMENTS) {
    name = `coproduce_${statementNames.size + 1}`;
    statementNames.set(compiled.sql, name);
  }
  // The session of a Drizzle handle runs a compiled query with a name (its
  // own prepared queries do so); it is not in Drizzle's public types.
  const session = (tx as unknown as { session: NamedSession }).session;
  const result = await session.prepareQuery(compiled, undefined, name, false).execute();
  return rowsOf<T>(result);
}

interface NamedSession {
  prepareQuery(
    query: { sql: string; params: unknown[] },
    fields: undefined,
    name: string | undefined,
    isResponseInArrayMode: boolean,
  ): { execute(): Promise<unknown> };
}

/** The rows of a raw `execute()` result, which both drivers return as `.rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
