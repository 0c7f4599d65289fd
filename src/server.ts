import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { type Config, sessionSecretFor } from './config.ts';
import { migrateDatabase, openDatabase, rowsOf, type Database } from './platform/db/index.ts';
import { seedDemo } from './demo/seed.ts';
import { Worker } from './platform/jobs/index.ts';
import { sql } from 'drizzle-orm';

export interface RunningServer {
  app: FastifyInstance;
  database: Database;
  url: string;
  close(): Promise<void>;
}

/** Whether the database holds no organisation yet (a first start). */
async function isEmpty(database: Database): Promise<boolean> {
  const result = await database.system.execute(sql`select count(*)::int as n from organisations`);
  return (rowsOf<{ n: number }>(result)[0]?.n ?? 0) === 0;
}

/**
 * Opens the database (taking the embedded folder's lock), migrates, makes the
 * demo organisation on a first start, and listens.
 */
export async function startServer(
  config: Config,
  notes: (line: string) => void = () => undefined,
): Promise<RunningServer> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    command: 'coproduce serve',
  });
  let app: FastifyInstance | null = null;
  let worker: Worker | null = null;
  try {
    await migrateDatabase(database, config.databaseUrl);
    if (await isEmpty(database)) {
      notes('The database is empty: making the demo organisation …');
      const seeded = await seedDemo(database);
      notes(
        `Made "${seeded.organisation.name}" with ${seeded.services} services and ${seeded.people} people.`,
      );
    }
    app = await buildApp({ config, database, sessionSecret: sessionSecretFor(config) });
    if (!config.smtpUrl) {
      const note =
        'SMTP_URL is not set: messages, sign-in links among them, are kept in the outbox at /admin/outbox and not sent. Set SMTP_URL to send mail.';
      // In production a warning in the log; otherwise a line of the start banner.
      if (config.env === 'production') app.log.warn(note);
      else notes(note);
    }
    await app.listen({ port: config.port, host: config.host });
    worker = new Worker(database, {
      log: (message, details) => app?.log.warn(details ?? {}, message),
    });
    worker.start();
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.close();
    throw error;
  }
  const running = app;
  // With PORT=0 the system picks the port: say the one it picked.
  const address = running.server.address();
  const url =
    config.port === 0 && address && typeof address === 'object'
      ? `http://localhost:${address.port}`
      : config.baseUrl;
  return {
    app: running,
    database,
    url,
    async close() {
      await worker?.stop();
      await running.close();
      await database.close();
    },
  };
}
