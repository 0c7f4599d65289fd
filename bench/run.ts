// npm run bench: measures Coproduce against a ceiling measured in the same run,
// on PostgreSQL, and writes the figures to docs/benchmarks.md as ratios.
// Needs a PostgreSQL server: BENCH_DATABASE_URL or TEST_DATABASE_URL (a URL
// whose user may create databases); it makes and drops its own database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { columns } from './data.ts';
import { signUpBody, withDatabase } from './lib.ts';

const root = path.resolve(import.meta.dirname, '..');
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.error(
    'npm run bench runs against PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL).',
  );
  process.exit(2);
}
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

function start(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve({ child, port: Number(match[1]) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    setTimeout(() => reject(new Error(`did not start:\n${output}`)), 120_000);
  });
}

interface Figures {
  requests: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(url: string, options: Partial<autocannon.Options> = {}): Promise<Figures> {
  // A short warm-up, then the measured run.
  await autocannon({ url, connections, duration: 2, ...options });
  const result = await autocannon({ url, connections, duration: seconds, ...options });
  return {
    requests: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    // A sign-up answers 303 (see other): a redirect is its success.
    errors: result.errors + result.non2xx - (result.statusCodeStats?.['303']?.count ?? 0),
  };
}

/**
 * Copies the published opportunities of the database's organisations (the
 * demo's) until `target` are published; returns how many are.
 */
async function publishCopies(databaseUrl: string, target: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const count = async () =>
      (
        await client.query<{ n: number }>(
          `select count(*)::int as n from opportunities where status = 'published'`,
        )
      ).rows[0]!.n;
    const have = await count();
    if (have === 0 || have >= target) return have;
    const copied = (await columns(client, 'opportunities')).filter((c) => c !== 'id');
    await client.query(
      `insert into opportunities (${copied.map((c) => `"${c}"`).join(', ')})
       select ${copied.map((c) => (c === 'title' ? `o.title || ' ' || g` : `o."${c}"`)).join(', ')}
       from (select * from opportunities where status = 'published') o,
         generate_series(2, $1::int) g
       order by g, o.id
       limit $2`,
      [Math.ceil(target / have) + 1, target - have],
    );
    return await count();
  } finally {
    await client.end();
  }
}

const name = `coproduce_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const databaseUrl = withDatabase(adminUrl, name);
const children: ChildProcess[] = [];
try {
  const bare = await start(
    ['--import', 'tsx', 'bench/bare-server.ts'],
    { PORT: '0' },
    /listening (\d+)/,
  );
  children.push(bare.child);
  const insert = await start(
    ['--import', 'tsx', 'bench/insert-server.ts'],
    { PORT: '0', DATABASE_URL: databaseUrl },
    /listening (\d+)/,
  );
  children.push(insert.child);
  const app = await start(
    ['bin/coproduce.mjs', 'serve'],
    {
      DATABASE_URL: databaseUrl,
      PORT: '0',
      NODE_ENV: 'production',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      // The sign-up benchmark posts from one address, as a kiosk at an event does.
      SIGNUP_LIMIT_PER_ADDRESS: '1000000',
      SIGNUP_LIMIT_PER_OPPORTUNITY: '1000000',
    },
    /running at http:\/\/localhost:(\d+)/,
  );
  children.push(app.child);

  const base = `http://127.0.0.1:${app.port}`;
  const rows: Array<[string, string, Figures]> = [];
  const ceiling = await measure(`http://127.0.0.1:${bare.port}/`);
  rows.push(['Bare Fastify route (the ceiling)', '`GET /` on a bare Fastify server', ceiling]);
  rows.push([
    'Health check',
    '`GET /healthz`: no database, no page',
    await measure(`${base}/healthz`),
  ]);
  rows.push([
    'Readiness',
    '`GET /readyz`: one query on PostgreSQL',
    await measure(`${base}/readyz`),
  ]);
  rows.push([
    'Home page',
    '`GET /`: organisation, layout and page rendered',
    await measure(`${base}/`),
  ]);
  rows.push([
    'Home page in Welsh, easy read',
    '`GET /?lang=cy&display=easy`',
    await measure(`${base}/?lang=cy&display=easy`),
  ]);
  rows.push([
    'Sign-in page',
    '`GET /sign-in`: a form, with a new CSRF token and signed cookie',
    await measure(`${base}/sign-in`),
  ]);

  // The public opportunities (issue 5): the list, one opportunity, and a sign-up.
  const list = await (await fetch(`${base}/opportunities`)).text();
  const opportunity = /href="\/opportunities\/([0-9a-f-]{36})"/.exec(list)?.[1];
  if (!opportunity) throw new Error('the demo has no published opportunity');
  rows.push([
    'Opportunities',
    '`GET /opportunities`: the published opportunities, with filters',
    await measure(`${base}/opportunities`),
  ]);
  // The target (issue 15) is for 50 published opportunities: the demo's are
  // copied, titles numbered, until there are 50, and the list measured again.
  const published = await publishCopies(databaseUrl, 50);
  rows.push([
    `Opportunities, ${published} published`,
    `\`GET /opportunities\`: the same page with ${published} cards`,
    await measure(`${base}/opportunities`),
  ]);
  rows.push([
    'An opportunity',
    '`GET /opportunities/:id`: with its initiative’s purpose statement',
    await measure(`${base}/opportunities/${opportunity}`),
  ]);
  const form = await fetch(`${base}/opportunities/${opportunity}/sign-up`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const cookie = (form.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const body = signUpBody(token);
  const insertCeiling = await measure(`http://127.0.0.1:${insert.port}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  rows.push([
    'Bare single-INSERT route (the ceiling for forms)',
    '`POST /` on a bare Fastify server: one INSERT in one transaction on PostgreSQL, then a redirect',
    insertCeiling,
  ]);
  rows.push([
    'Sign-up',
    '`POST /opportunities/:id/sign-up`: checks, a new person with consents, the duplicate check, the sign-up, the email that confirms the address, the audit, then a redirect',
    await measure(`${base}/opportunities/${opportunity}/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body,
    }),
  ]);

  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${(await admin.query('show server_version')).rows[0].server_version}`;
  const table = [
    '| what | how | requests/s | ratio to ceiling | p50 ms | p99 ms | errors |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      ([what, how, f]) =>
        `| ${what} | ${how} | ${Math.round(f.requests)} | ${(f.requests / ceiling.requests).toFixed(3)} | ${f.p50} | ${f.p99} | ${f.errors} |`,
    ),
  ].join('\n');
  const signUp = rows.find(([what]) => what === 'Sign-up')![2];
  const formLine = `The sign-up against the bare single-INSERT route of the same run: ${(signUp.requests / insertCeiling.requests).toFixed(3)} (target 0.25).`;
  const section = [
    '<!-- bench:foundation:start -->',
    '## The web: the shell and the public opportunities',
    '',
    `Measured ${date} on ${machine}; autocannon, ${connections} connections, ${seconds} s after a 2 s warm-up, server and load on the same machine (loopback). Ratios are to the bare Fastify route measured in the same run: the machine is shared, so read the ratios, not the absolute figures.`,
    '',
    table,
    '',
    formLine,
    '<!-- bench:foundation:end -->',
  ].join('\n');

  const file = path.join(root, 'docs/benchmarks.md');
  const header =
    '# Benchmarks\n\n`npm run bench` writes this file. Each section is measured in one run against a ceiling measured in that same run.\n\n';
  let text = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const pattern = /<!-- bench:foundation:start -->[\s\S]*<!-- bench:foundation:end -->/;
  text = pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
  console.log(table);
  console.log(`\nWrote docs/benchmarks.md`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
