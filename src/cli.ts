import cluster from 'node:cluster';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { ConfigError, loadConfig, type Config } from './config.ts';
import {
  DataDirLockedError,
  ensureRoles,
  migrateDatabase,
  openDatabase,
  rowsOf,
  type Database,
} from './platform/db/index.ts';
import { backupDatabase, hasEmbeddedDatabase, restoreDatabase } from './platform/db/backup.ts';
import { createOrganisation, findOrganisationBySlug } from './platform/tenancy/index.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from './demo/seed.ts';
import { createAuthToken } from './modules/identity/index.ts';
import { Worker } from './platform/jobs/index.ts';
import {
  CommandUsageError,
  contributions,
  installModules,
  type CliCommand,
} from './platform/manifest.ts';
import { MODULES } from './modules.ts';
import { startServer } from './server.ts';
import { importHelp, importKinds, runImportCommand } from './platform/imports/index.ts';
import {
  PERSON_HELP,
  PersonCommandError,
  applySuppressionList,
  runPersonCommand,
} from './modules/people/index.ts';

// Logs and messages go to standard error; only output meant for a file
// (a backup written to "-") goes to standard output.
const log = (line: string) => process.stderr.write(`${line}\n`);

class UsageError extends Error {}

const HELP: Record<string, string> = {
  main: `Usage: coproduce <command> [options]

Commands:
  serve                      Run Coproduce (migrates, and makes the demo on a first start)
  migrate                    Bring the database up to date
  seed-demo                  Make the demo organisation (if it is not there)
  org create SLUG --name N   Make a new, empty organisation
  worker                     Run background jobs in their own process (PostgreSQL only)
  backup FILE                Write a plain SQL backup to FILE ("-" for standard output)
  restore FILE               Restore a backup into an empty database
  person export|erase REFERENCE --org SLUG
                             A person's data as JSON, or erase them (--yes)
  import KIND FILE --org SLUG
                             Import records of a kind from a CSV or .xlsx file
                             (kinds: {{importKinds}})
{{moduleCommands}}
Each command takes --help. Configuration comes from the environment:
DATABASE_URL (a PostgreSQL server; otherwise the embedded database in DATA_DIR,
default ./data), PORT, HOST, BASE_URL, DEFAULT_ORG, SESSION_SECRET.`,
  serve: `Usage: coproduce serve [--workers N]

Opens the database, brings it up to date, makes the demo organisation when the
database is empty, and serves Coproduce on HOST:PORT (default 127.0.0.1:3000).

--workers N runs N server processes behind the one port (node:cluster), to use
more than one CPU core. Only on PostgreSQL (DATABASE_URL): the embedded
database belongs to one process. A process that stops is started again.`,
  migrate: `Usage: coproduce migrate

Runs every migration not yet run. On the embedded database, stop the server
first; on PostgreSQL it can run beside running servers.`,
  'seed-demo': `Usage: coproduce seed-demo

Makes the demo organisation (slug "demo") with services, staff and customers.
Does nothing if it is already there.`,
  org: `Usage: coproduce org create SLUG --name NAME [--host HOST ...] [--welsh]

Makes a new, empty organisation. SLUG is lower-case letters, digits and
hyphens. --host names a host name that reaches it (repeatable); --welsh offers
the Welsh language switch.`,
  worker: `Usage: coproduce worker

Runs queued background jobs (sending mail, reminders) in a process of its own,
beside the servers. Only on PostgreSQL: on the embedded database the server
runs them itself.`,
  backup: `Usage: coproduce backup FILE

Writes a plain SQL backup of the whole database to FILE, or to standard output
when FILE is "-". It restores into a fresh embedded folder or into a PostgreSQL
server with "coproduce restore FILE".`,
  restore: `Usage: coproduce restore FILE

Restores a backup made by "coproduce backup" into an empty database: a data
folder with no database in it, or the empty PostgreSQL database in DATABASE_URL.
It creates the database roles first, then brings the schema up to date.

People erased after the backup was made are erased again: the restore reads the
suppression list kept in the data folder (suppression-list.txt), or the file
given with --suppression-list FILE (copy it from the old data folder).`,
  person: PERSON_HELP,
};

async function open(config: Config, command: string): Promise<Database> {
  return openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, command });
}

async function withDatabase<T>(
  config: Config,
  command: string,
  work: (db: Database) => Promise<T>,
): Promise<T> {
  const db = await open(config, command);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** `serve --workers N`: how many server processes to run (1 unless asked). */
function workersFrom(args: string[]): number {
  const { values } = parseArgs({ args, options: { workers: { type: 'string' } } });
  if (values.workers === undefined) return 1;
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new UsageError('Give --workers a whole number from 1 to 64, like --workers 4');
  return workers;
}

/**
 * The primary process of `serve --workers N`: brings the database up to date
 * and makes the demo once, then runs N server processes that share the port
 * (node:cluster hands each new connection to one of them), starting again any
 * that stops, until it is told to stop.
 */
async function servePrimary(config: Config, workers: number): Promise<void> {
  if (!config.databaseUrl) {
    throw new UsageError(
      'Several processes need PostgreSQL (DATABASE_URL): the embedded database belongs to one process.',
    );
  }
  await withDatabase(config, 'coproduce serve', async (db) => {
    await migrateDatabase(db, config.databaseUrl);
    if (!(await hasOrganisations(db))) {
      log('The database is empty: making the demo organisation …');
      await seedDemo(db);
    }
  });
  let stopping = false;
  let url = '';
  let ready = 0;
  const fork = () => cluster.fork();
  cluster.on('message', (_worker, message: { listening?: string }) => {
    if (!message.listening) return;
    url = message.listening;
    ready += 1;
    if (ready === workers) {
      log(`Coproduce is running at ${url} in ${workers} processes`);
      log('Press Ctrl+C to stop.');
    }
  });
  cluster.on('exit', (worker, code) => {
    if (stopping) return;
    log(`A server process (${worker.process.pid}) stopped (${code}); starting another.`);
    fork();
  });
  for (let i = 0; i < workers; i += 1) fork();
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`Stopping (${signal}) …`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    const check = setInterval(() => {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        clearInterval(check);
        process.exit(0);
      }
    }, 100);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Whether the database holds an organisation yet. */
async function hasOrganisations(db: Database): Promise<boolean> {
  const rows = rowsOf<{ n: number }>(
    await db.system.execute(sql`select count(*)::int as n from organisations`),
  );
  return (rows[0]?.n ?? 0) > 0;
}

async function serve(config: Config, args: string[] = []): Promise<void> {
  const workers = workersFrom(args);
  if (workers > 1 && cluster.isPrimary) return servePrimary(config, workers);
  const server = await startServer(config, log);
  if (cluster.isWorker) {
    // One of several: the primary says where Coproduce is running.
    process.send?.({ listening: server.url });
    const stop = () => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', () => undefined);
    return;
  }
  log('');
  log(`Coproduce is running at ${server.url}`);
  log(`  Public site:  ${server.url}/`);
  log(`  Staff area:   ${server.url}/staff`);
  log(`  Welsh:        ${server.url}/?lang=cy`);
  log(`  Easy read:    ${server.url}/?display=easy`);
  log('');
  log('Demo accounts (for the demo only):');
  for (const user of DEMO_USERS) {
    const staff = user.roles.some((role) => role !== 'customer');
    log(
      `  ${user.roles.join(', ').padEnd(18)} ${user.email.padEnd(24)} ${
        staff ? `password "${DEMO_PASSWORD}"` : 'asks for a sign-in link; it appears in the outbox'
      }`,
    );
  }
  log('  The administrator sets up an authenticator app at first sign-in.');
  log(
    `  Messages, sign-in links among them, appear at ${server.url}/admin/outbox (as the administrator).`,
  );
  log('Press Ctrl+C to stop.');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`Stopping (${signal}) …`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function orgCreate(config: Config, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      host: { type: 'string', multiple: true },
      welsh: { type: 'boolean', default: false },
    },
  });
  const [sub, slug] = positionals;
  if (sub !== 'create')
    throw new UsageError('Say what to do: coproduce org create SLUG --name NAME');
  if (!slug || !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(slug)) {
    throw new UsageError(
      'Give a slug of lower-case letters, digits and hyphens, like "riverside-homes"',
    );
  }
  const name = values.name?.trim();
  if (!name)
    throw new UsageError('Give the organisation a name with --name, like --name "Riverside Homes"');
  await withDatabase(config, 'coproduce org create', async (db) => {
    await migrateDatabase(db, config.databaseUrl);
    if (await findOrganisationBySlug(db.system, slug)) {
      throw new UsageError(`An organisation with the slug "${slug}" already exists`);
    }
    const org = await createOrganisation(db.system, {
      slug,
      name,
      welshEnabled: values.welsh,
      hostNames: values.host ?? [],
    });
    const token = await db.withOrganisation(org.id, (tx) =>
      createAuthToken(tx, 'first-admin', null),
    );
    const where = values.host?.[0] ? `https://${values.host[0]}` : config.baseUrl;
    log(`Made the organisation "${org.name}" (${org.slug}).`);
    log(`It is reached at ${where}${values.host?.length ? '' : ` when DEFAULT_ORG=${slug}`}.`);
    log(
      'Its first administrator sets up their sign-in with this link (it works once, for 7 days):',
    );
    process.stdout.write(`${where}/invitation/${token}\n`);
  });
}

const BUILT_IN_COMMANDS = [
  'serve',
  'migrate',
  'seed-demo',
  'org',
  'worker',
  'backup',
  'restore',
  'import',
  'person',
  'help',
];

/** The commands the installed modules bring (`contributes.commands`), by name. */
function moduleCommands(): Map<string, CliCommand> {
  const commands = new Map<string, CliCommand>();
  for (const { module, value } of contributions('commands')) {
    for (const [name, command] of Object.entries(value)) {
      if (BUILT_IN_COMMANDS.includes(name))
        throw new Error(`Module ${module} declares the built-in command "${name}"`);
      commands.set(name, command);
    }
  }
  return commands;
}

/** The lines of `coproduce --help` for the modules' commands. */
function moduleCommandLines(commands: Map<string, CliCommand>): string {
  return [...commands]
    .map(([name, command]) => `  ${name.padEnd(27)}${command.summary}\n`)
    .join('');
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // The worker, the imports, erasure and the rest read the modules' manifests.
  installModules(MODULES);
  const commands = moduleCommands();
  // The import kinds are the installed modules' own, so their help is written now.
  const help: Record<string, string> = {
    ...HELP,
    main: HELP.main!.replace(
      '{{importKinds}}',
      importKinds()
        .map((k) => k.kind)
        .join(', '),
    ).replace('{{moduleCommands}}', moduleCommandLines(commands)),
    import: importHelp(),
    ...Object.fromEntries([...commands].map(([name, command]) => [name, command.help])),
  };
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    log(help.main ?? '');
    return command ? 0 : 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    const commandHelp = help[command];
    if (!commandHelp) {
      log(`Unknown command "${command}".\n\n${help.main}`);
      return 2;
    }
    log(commandHelp);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      log(error.message);
      return 2;
    }
    throw error;
  }
  try {
    switch (command) {
      case 'serve':
        await serve(config, rest);
        return -1; // keeps running
      case 'migrate':
        await withDatabase(config, 'coproduce migrate', (db) =>
          migrateDatabase(db, config.databaseUrl),
        );
        log('The database is up to date.');
        return 0;
      case 'seed-demo': {
        const result = await withDatabase(config, 'coproduce seed-demo', async (db) => {
          await migrateDatabase(db, config.databaseUrl);
          return seedDemo(db);
        });
        log(
          result.created
            ? `Made the demo organisation with ${result.services} services and ${result.people} people.`
            : 'The demo organisation is already there.',
        );
        return 0;
      }
      case 'org':
        await orgCreate(config, rest);
        return 0;
      case 'worker': {
        if (!config.databaseUrl) {
          throw new UsageError(
            'On the embedded database the server runs background jobs itself. Run "coproduce worker" beside servers on PostgreSQL (DATABASE_URL).',
          );
        }
        const db = await open(config, 'coproduce worker');
        const worker = new Worker(db, {
          log: (message, details) => log(`${message} ${JSON.stringify(details ?? {})}`),
        });
        worker.start();
        log('The worker is running background jobs. Press Ctrl+C to stop.');
        const stop = () => {
          void worker
            .stop()
            .then(() => db.close())
            .then(() => process.exit(0));
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        return -1;
      }
      case 'backup': {
        const file = rest[0];
        if (!file)
          throw new UsageError(
            'Say where to write the backup: coproduce backup FILE (or - for standard output)',
          );
        const dump = await withDatabase(config, 'coproduce backup', (db) =>
          backupDatabase(db, config.databaseUrl),
        );
        if (file === '-') {
          // Wait until the pipe has taken it all: the process exits right after.
          await new Promise<void>((resolve, reject) =>
            process.stdout.write(dump, (error) => (error ? reject(error) : resolve())),
          );
        } else {
          writeFileSync(file, dump, { mode: 0o600 });
          log(`Wrote the backup to ${file} (${Math.round(dump.length / 1024)} KB).`);
        }
        return 0;
      }
      case 'restore': {
        const { values: restoreOptions, positionals: restoreFiles } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { 'suppression-list': { type: 'string' } },
        });
        const file = restoreFiles[0];
        const suppressionList = restoreOptions['suppression-list'];
        if (!file) throw new UsageError('Say which backup to restore: coproduce restore FILE');
        const dump = readFileSync(file === '-' ? 0 : file, 'utf8');
        if (!config.databaseUrl && hasEmbeddedDatabase(config.dataDir)) {
          throw new UsageError(
            `The data folder ${config.dataDir} already holds a database. Restore into a new, empty folder (set DATA_DIR).`,
          );
        }
        await withDatabase(config, 'coproduce restore', async (db) => {
          const { sql } = await import('drizzle-orm');
          const tables = await db.system.execute(
            sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
          );
          if ((rowsOf<{ n: number }>(tables)[0]?.n ?? 0) > 0) {
            throw new UsageError(
              'The database in DATABASE_URL is not empty. Restore into a new, empty database.',
            );
          }
          await ensureRoles(db);
          await restoreDatabase(db, dump);
          await migrateDatabase(db, config.databaseUrl);
          // People erased after the backup was made stay erased.
          const applied = await applySuppressionList(db, config.dataDir, suppressionList);
          if (applied.erased > 0)
            log(`Erased ${applied.erased} people again who were erased after the backup was made.`);
        });
        log(`Restored ${file}.`);
        return 0;
      }
      case 'import':
        return await withDatabase(config, 'coproduce import', async (db) => {
          await migrateDatabase(db, config.databaseUrl);
          return runImportCommand(db, rest, { log });
        });
      case 'person':
        return await withDatabase(config, 'coproduce person', async (db) => {
          await migrateDatabase(db, config.databaseUrl);
          return runPersonCommand(
            db,
            config.dataDir,
            rest,
            (text) =>
              new Promise<void>((resolve, reject) =>
                process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
              ),
            log,
          );
        });
      default: {
        const moduleCommand = commands.get(command);
        if (!moduleCommand) {
          log(`Unknown command "${command}".\n\n${help.main}`);
          return 2;
        }
        return await withDatabase(config, `coproduce ${command}`, async (db) => {
          await migrateDatabase(db, config.databaseUrl);
          return moduleCommand.run(db, rest, {
            log,
            out: (text) =>
              new Promise<void>((resolve, reject) =>
                process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
              ),
          });
        });
      }
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof PersonCommandError ||
      error instanceof CommandUsageError
    ) {
      log(error.message);
      return 2;
    }
    if (error instanceof DataDirLockedError) {
      log(error.message);
      return 3;
    }
    if (error instanceof ConfigError) {
      log(error.message);
      return 2;
    }
    log(`coproduce ${command} failed: ${(error as Error).message}`);
    return 1;
  }
}
