// The CPU a request costs the server, from /proc, which on a shared machine
// is steadier than requests per second: tsx bench/cost.ts [path …]. Starts
// the bare route and `coproduce serve` on BENCH_COST_DB (made with the demo
// if it is not there), sends COST_REQUESTS requests to each path with 10
// connections and prints the server's CPU microseconds a request.
import autocannon from 'autocannon';
import pg from 'pg';
import { adminUrlOrExit, cpuMs, signIn, start, startApp, withDatabase } from './lib.ts';
import { migrateDatabase, openDatabase } from '../src/platform/db/index.ts';
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.ts';
import { installModules } from '../src/platform/manifest.ts';
import { MODULES } from '../src/modules.ts';

installModules(MODULES);

const adminUrl = adminUrlOrExit();
const name = process.env.BENCH_COST_DB ?? 'coproduce_cost';
const requests = Number(process.env.COST_REQUESTS ?? 20_000);
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
const url = withDatabase(adminUrl, name);
const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
if (exists.rowCount === 0) {
  await admin.query(`CREATE DATABASE ${name}`);
  const database = await openDatabase({ databaseUrl: url });
  await migrateDatabase(database, url);
  await seedDemo(database);
  await database.close();
}
await admin.end();
const bare = await start(
  ['--import', 'tsx', 'bench/bare-server.ts'],
  { PORT: '0' },
  /listening (\d+)/,
);
const app = await startApp(url);
try {
  const base = `http://127.0.0.1:${app.port}`;
  const staff = await signIn(base, 'lead@demo.example', DEMO_PASSWORD);
  const cost = async (
    pid: number | undefined,
    target: string,
    headers: Record<string, string> = {},
  ) => {
    await autocannon({ url: target, connections: 10, amount: Math.min(2000, requests), headers });
    const before = cpuMs(pid)!;
    const result = await autocannon({ url: target, connections: 10, amount: requests, headers });
    const used = cpuMs(pid)! - before;
    return {
      us: (used * 1000) / result.requests.total,
      rps: result.requests.average,
      bad: result.non2xx,
    };
  };
  const ceiling = await cost(bare.child.pid, `http://127.0.0.1:${bare.port}/`);
  console.log(`bare route: ${ceiling.us.toFixed(0)} µs a request (${Math.round(ceiling.rps)}/s)`);
  const paths = process.argv.slice(2).length
    ? process.argv.slice(2)
    : ['/healthz', '/', '/sign-in', '/opportunities'];
  for (const path of paths) {
    const staffPage = path.startsWith('/staff') || path.startsWith('/admin');
    const figures = await cost(app.child.pid, `${base}${path}`, staffPage ? { cookie: staff } : {});
    console.log(
      `${path}: ${figures.us.toFixed(0)} µs a request, ${(ceiling.us / figures.us).toFixed(3)} of the bare route's CPU (${Math.round(figures.rps)}/s${figures.bad ? `, ${figures.bad} not 2xx` : ''})`,
    );
  }
} finally {
  bare.child.kill('SIGTERM');
  app.child.kill('SIGTERM');
}
