// npm run bench:pages (issue 15): every page at a large landlord's scale,
// with its query count; 1,000 small organisations reached by host name; and
// the server in 1, 2 and 4 processes. Writes its section of
// docs/benchmarks.md, each figure beside a ceiling from the same run.
//
// 1. A fresh PostgreSQL database with the demo. The pages are found by
//    walking the links from /, /staff and /admin as the involvement lead and
//    as the administrator (one address for each route of the application;
//    downloads and pages that answer other than 200 are left out), and each
//    page's queries are counted (the app in this process, one request at a
//    time, after one to warm up).
// 2. The demo is grown to the large landlord (bench/data.ts) and the same
//    addresses counted again: a count that grows with the rows fails the bench.
// 3. `coproduce serve` is started and each page loaded with autocannon
//    (BENCH_PAGE_SECONDS, 3 by default, after 1 s of warm-up), as its user.
// 4. 1,000 small organisations are added, each with its own host name, and
//    their home and opportunities pages loaded across all the hosts, alone
//    and while the large organisation's busiest page is loaded beside them.
// 5. The home page and the busiest staff page with `serve --workers N`.
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { generateSecret } from 'otplib';
import {
  ROOT,
  adminUrlOrExit,
  cpuMs,
  measure,
  serverEnv,
  signIn,
  start,
  startApp,
  withDatabase,
  type Figures,
} from './lib.ts';
import { LARGE, addSmallOrganisations, growOrganisation } from './data.ts';
import { migrateDatabase, openDatabase } from '../src/platform/db/index.ts';
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { installModules } from '../src/platform/manifest.ts';
import { MODULES } from '../src/modules.ts';

installModules(MODULES);
const adminUrl = adminUrlOrExit();
const pageSeconds = Number(process.env.BENCH_PAGE_SECONDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const organisations = Number(process.env.BENCH_ORGS ?? 1000);
const only = process.env.BENCH_PAGES_ONLY ? new RegExp(process.env.BENCH_PAGES_ONLY) : null;
const USERS = {
  lead: 'lead@demo.example',
  admin: 'admin@demo.example',
} as const;
type User = keyof typeof USERS | 'visitor';

/** A page loaded for the bench's seconds after 1 s of warm-up (lib.ts's measure). */
const load = (
  url: string,
  options: Partial<autocannon.Options> & { seconds?: number; warmup?: number } = {},
): Promise<Figures> => measure(url, { seconds: pageSeconds, warmup: 1, ...options });

const name = `coproduce_pages_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = withDatabase(adminUrl, name);
const children: Array<{ child: import('node:child_process').ChildProcess }> = [];
const lines: string[] = [];
let client: pg.Client | null = null;
const say = (line = '') => {
  lines.push(line);
  console.log(line);
};

try {
  // 1. The demo, its pages and their query counts.
  let queries = 0;
  const database = await openDatabase({ databaseUrl: url, onQuery: () => (queries += 1) });
  await migrateDatabase(database, url);
  const { organisation } = await seedDemo(database);
  const secret = randomBytes(32).toString('hex');
  const config = loadConfig({ ...serverEnv(url), SESSION_SECRET: secret });
  const app = await buildApp({ config, database, sessionSecret: secret, logger: false });

  // The administrator signs in with an authenticator, as administrators must.
  const totpSecret = generateSecret();
  const setSecret = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      `update users set totp_secret = $1, totp_enabled_at = now(), totp_last_epoch = null
       where email = $2`,
      [totpSecret, USERS.admin],
    );
    await client.end();
  };
  await setSecret();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const inProcess = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const cookies: Record<User, string> = {
    visitor: '',
    lead: await signIn(inProcess, USERS.lead, DEMO_PASSWORD),
    admin: await signIn(inProcess, USERS.admin, DEMO_PASSWORD, {}, totpSecret),
  };

  const patterns = app.routeCatalogue
    .filter((r) => r.method === 'GET' && !r.url.startsWith('/assets') && r.url !== '*')
    .map((r) => ({
      route: r.url,
      params: (r.url.match(/:/g) ?? []).length,
      regex: new RegExp(`^${r.url.replace(/:[A-Za-z]+/g, '[^/]+').replace(/\*/g, '.*')}$`),
    }))
    .sort((a, b) => a.params - b.params);
  const routeOf = (pathname: string) => patterns.find((p) => p.regex.test(pathname))?.route;

  interface Page {
    route: string;
    path: string;
    user: User;
    small?: number;
    large?: number;
    figures?: Figures;
    /** Measured one request at a time: none finished under the full load. */
    alone?: boolean;
  }
  const pages = new Map<string, Page>();
  const seen = new Set<string>();
  const expanded = new Map<string, number>();
  // Pages a user reached that another reached first stay the first's.
  const get = (path: string, user: User) =>
    app.inject({ url: path, headers: user === 'visitor' ? {} : { cookie: cookies[user] } });
  for (const user of ['visitor', 'lead', 'admin'] as const) {
    const queue = user === 'visitor' ? ['/'] : ['/staff', '/admin'];
    let fetched = 0;
    while (queue.length > 0 && fetched < 3000) {
      const path = queue.shift()!;
      const route = routeOf(path);
      // A few addresses a route for each user (the staff areas are one route
      // with a page each), enough to find the links onward.
      if (!route || seen.has(`${user} ${path}`) || (expanded.get(`${user} ${route}`) ?? 0) >= 8)
        continue;
      seen.add(`${user} ${path}`);
      fetched += 1;
      expanded.set(`${user} ${route}`, (expanded.get(`${user} ${route}`) ?? 0) + 1);
      const res = await get(path, user);
      if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/html'))
        continue;
      if (route && !pages.has(route)) pages.set(route, { route, path, user });
      for (const match of res.body.matchAll(/href="(\/[^"#?]*)/g)) {
        const next = match[1]!.replace(/&amp;/g, '&');
        if (next.startsWith('/assets') || next.includes('sign-out')) continue;
        if (user === 'visitor' && (next.startsWith('/staff') || next.startsWith('/admin')))
          continue;
        const nextRoute = routeOf(next);
        if (
          nextRoute &&
          !seen.has(`${user} ${next}`) &&
          (expanded.get(`${user} ${nextRoute}`) ?? 0) < 8
        )
          queue.push(next);
      }
    }
  }
  const chosen = [...pages.values()].filter((p) => !only || only.test(p.route));
  // The fewer of two counts after a warm-up: the organisation by host and
  // its translations are looked up again every 5 s whatever the page, and
  // such a refresh falls in one request now and then (it once added 2 to a
  // page's count at random).
  const count = async (page: Page) => {
    await get(page.path, page.user);
    const counts: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      queries = 0;
      const res = await get(page.path, page.user);
      if (res.statusCode !== 200) return -res.statusCode;
      counts.push(queries);
    }
    return Math.min(...counts);
  };
  for (const page of chosen) page.small = await count(page);
  console.log(
    `${pages.size} pages found, ${chosen.length} counted on the demo:`,
    [...pages.keys()].join(' '),
  );

  // 2. The large landlord, and the same pages counted again.
  client = new pg.Client({ connectionString: url });
  await client.connect();
  let started = performance.now();
  // BENCH_SCALE (1 unless set) shrinks the landlord for a quick try of the bench.
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  const grown = await growOrganisation(
    client,
    organisation.id,
    Object.fromEntries(
      Object.entries(LARGE).map(([k, v]) => [k, k === 'auditDays' ? v : Math.round(v * scale)]),
    ) as typeof LARGE,
  );
  const growSeconds = (performance.now() - started) / 1000;
  console.log(`grown in ${growSeconds.toFixed(1)} s`, grown);
  for (const page of chosen) page.large = await count(page);
  await app.close();
  await database.close();

  // 3. Each page under load, through a server of its own.
  const bare = await start(
    ['--import', 'tsx', 'bench/bare-server.ts'],
    { PORT: '0' },
    /listening (\d+)/,
  );
  children.push(bare);
  const server = await startApp(url);
  children.push(server);
  const base = `http://127.0.0.1:${server.port}`;
  await setSecret(); // a code works once: the step of the last one is forgotten
  const served: Record<User, string> = {
    visitor: '',
    lead: await signIn(base, USERS.lead, DEMO_PASSWORD),
    admin: await signIn(base, USERS.admin, DEMO_PASSWORD, {}, totpSecret),
  };
  // autocannon stops at the end of its time and leaves its last requests to
  // the server: each page waits until the one before has finished, the
  // server's CPU and the database idle, so a slow page does not starve the next.
  const settle = async () => {
    for (let waited = 0; waited < 60_000; waited += 250) {
      const before = cpuMs(server.child.pid) ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 250));
      const used = (cpuMs(server.child.pid) ?? 0) - before;
      const { rows } = await admin.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = $1 and state = 'active'`,
        [name],
      );
      if (used < 20 && rows[0]!.n === 0) return;
    }
  };
  const ceilingBefore = await load(`http://127.0.0.1:${bare.port}/`);
  for (const page of chosen) {
    await settle();
    const headers = page.user === 'visitor' ? {} : { cookie: served[page.user] };
    page.figures = await load(`${base}${page.path}`, { headers });
    // A page no request of which finished under the load: each request's own
    // time instead, one at a time for 10 s, so the table has a figure for it.
    if (page.figures.requests === 0) {
      await settle();
      page.figures = await load(`${base}${page.path}`, {
        headers,
        connections: 1,
        seconds: 10,
        warmup: 0,
      });
      page.alone = true;
    }
  }
  await settle();
  const ceilingAfter = await load(`http://127.0.0.1:${bare.port}/`);
  const ceiling = (ceilingBefore.requests + ceilingAfter.requests) / 2;

  // 4. Many small organisations, by host name.
  started = performance.now();
  const hosts = await addSmallOrganisations(client, organisation.id, organisations);
  const orgSeconds = (performance.now() - started) / 1000;
  await client.end();
  client = null;
  let next = 0;
  const acrossHosts = (
    pathname: string,
    extra: Partial<autocannon.Options> & { seconds?: number } = {},
  ) =>
    load(`${base}${pathname}`, {
      ...extra,
      requests: [
        {
          setupRequest: (request) => {
            next = (next + 1) % hosts.length;
            return { ...request, headers: { ...request.headers, host: hosts[next]! } };
          },
        },
      ],
    });
  const small = {
    home: await acrossHosts('/'),
    opportunities: await acrossHosts('/opportunities'),
  };
  const demoHome = await load(`${base}/`);
  // The busiest staff list: the register, the page staff open most.
  const busiest = chosen.find((p) => p.route === '/staff/people') ?? chosen.at(-1)!;
  await settle();
  const smallAlone = await acrossHosts('/', { seconds: 5 });
  const [smallBeside] = await Promise.all([
    acrossHosts('/', { seconds: 5 }),
    load(`${base}${busiest.path}`, {
      seconds: 6,
      warmup: 0,
      headers: { cookie: served[busiest.user] },
    }),
  ]);
  for (const child of children.splice(1)) child.child.kill('SIGTERM');

  // 5. Several processes on one port.
  const workers: Array<{ n: number; home: Figures; staff: Figures }> = [];
  for (const n of [1, 2, 4]) {
    const port = 47_000 + n;
    const cluster = await start(
      ['bin/coproduce.mjs', 'serve', '--workers', String(n)],
      serverEnv(url, { PORT: String(port) }),
      /running at http:\/\/localhost:(\d+)/,
    );
    const clusterBase = `http://127.0.0.1:${port}`;
    await setSecret();
    const cookie = await signIn(
      clusterBase,
      USERS[busiest.user as 'lead' | 'admin'],
      DEMO_PASSWORD,
      {},
      totpSecret,
    );
    workers.push({
      n,
      home: await load(`${clusterBase}/`, { seconds: 5 }),
      staff: await load(`${clusterBase}${busiest.path}`, { seconds: 5, headers: { cookie } }),
    });
    cluster.child.kill('SIGTERM');
    await new Promise((resolve) => cluster.child.once('exit', resolve));
  }

  // The section.
  const ratio = (f: Figures) => (f.requests / ceiling).toFixed(3);
  const row = (what: string, f: Figures, extra = '') =>
    `| ${what} | ${Math.round(f.requests)} | ${ratio(f)} | ${f.p50} | ${f.p99} | ${f.errors}${extra} |`;
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${(await admin.query('show server_version')).rows[0].server_version}`;
  const growing = chosen.filter((p) => (p.large ?? 0) > (p.small ?? 0));
  say('<!-- bench:pages:start -->');
  say('## Every page at a large landlord’s scale, many organisations, several processes');
  say();
  say(
    `Measured ${date} on ${machine}, with \`npm run bench:pages\`. The demo organisation grown to a large landlord by copying its own rows (bench/data.ts, ${growSeconds.toFixed(0)} s): ${Object.entries(
      grown,
    )
      .map(([table, n]) => `${n.toLocaleString('en-GB')} ${table.replace(/_/g, ' ')}`)
      .join(
        ', ',
      )}. Each page loaded by autocannon with ${connections} connections for ${pageSeconds} s after 1 s of warm-up, through \`coproduce serve\` (one process) on PostgreSQL, as the user who reached it; the ceiling is the bare Fastify route of the same run (${Math.round(ceilingBefore.requests)} requests/s before the pages and ${Math.round(ceilingAfter.requests)} after; ratios are to their mean). Queries are counted on the demo and again on the same addresses after the growth. A page marked “one at a time” finished no request under that load in its time, and is measured again with one connection for 10 s: its p50 is one request's own time.`,
  );
  say();
  say(
    growing.length === 0
      ? `**No page’s query count grows with its rows** (${chosen.length} pages).`
      : `**Query counts that grow with the rows (a failure):** ${growing.map((p) => `\`${p.path}\` ${p.small} → ${p.large}`).join(', ')}.`,
  );
  say();
  say('| page | as | requests/s | ratio | p50 ms | p99 ms | errors | queries (demo → large) |');
  say('|---|---|---:|---:|---:|---:|---:|---|');
  for (const page of chosen) {
    const f = page.figures!;
    say(
      `| \`${page.route}\`${page.alone ? ' (one at a time)' : ''} | ${page.user} | ${Math.round(f.requests)} | ${ratio(f)} | ${f.p50} | ${f.p99} | ${f.errors} | ${page.small} → ${page.large}${(page.large ?? 0) > (page.small ?? 0) ? ' **grows**' : ''} |`,
    );
  }
  say();
  say(
    `### ${organisations.toLocaleString('en-GB')} organisations by host name (added in ${orgSeconds.toFixed(1)} s)`,
  );
  say();
  say(
    `Each request to the next organisation’s host name (\`o1.bench.test\` …), each with the demo’s services, 20 people and its published opportunities, so every request looks its organisation up and renders its own page. The busiest staff page of the large organisation, \`${busiest.route}\`, loaded beside them with ${connections} more connections.`,
  );
  say();
  say('| what | requests/s | ratio | p50 ms | p99 ms | errors |');
  say('|---|---:|---:|---:|---:|---:|');
  say(row('Home page, the demo’s host only', demoHome));
  say(row(`Home page, across ${hosts.length} hosts`, small.home));
  say(row(`Opportunities, across ${hosts.length} hosts`, small.opportunities));
  say(row('Home page across the hosts, 5 s alone', smallAlone));
  say(row(`… the same beside the large organisation’s \`${busiest.route}\``, smallBeside));
  say();
  say('### Several processes (`coproduce serve --workers N`)');
  say();
  say(
    `The home page and the large organisation’s \`${busiest.route}\`, 5 s each, ${connections} connections, on a machine of ${cpus().length} cores that also runs PostgreSQL and the load.`,
  );
  say();
  say('| processes | home requests/s | ratio | p99 ms | staff page requests/s | ratio | p99 ms |');
  say('|---:|---:|---:|---:|---:|---:|---:|');
  for (const w of workers) {
    say(
      `| ${w.n} | ${Math.round(w.home.requests)} | ${ratio(w.home)} | ${w.home.p99} | ${Math.round(w.staff.requests)} | ${ratio(w.staff)} | ${w.staff.p99} |`,
    );
  }
  say('<!-- bench:pages:end -->');

  const file = path.join(ROOT, 'docs/benchmarks.md');
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = lines.join('\n');
  const pattern = /<!-- bench:pages:start -->[\s\S]*<!-- bench:pages:end -->/;
  text = pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
  console.log('Wrote docs/benchmarks.md');
  if (growing.length > 0) process.exitCode = 1;
} finally {
  await client?.end();
  for (const { child } of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  if (process.env.BENCH_KEEP) console.log(`kept ${url}`);
  else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
