// The public sign-up against its ceiling, the bare single-INSERT route
// (bench/insert-server.ts), measured alternately in one run: the ceiling, the
// sign-up, the ceiling … (SIGNUP_ROUNDS, default 3, BENCH_SECONDS each after a
// 2 s warm-up), so a shared machine's drift falls on both alike. Prints each
// round's ratio and the load average; writes nothing.
//
//   BENCH_DATABASE_URL=postgres://… tsx bench/signup.ts
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import {
  adminUrlOrExit,
  formToken,
  signUpBody,
  measure,
  start,
  startApp,
  withDatabase,
  type Figures,
} from './lib.ts';

const adminUrl = adminUrlOrExit();
const rounds = Number(process.env.SIGNUP_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const name = `coproduce_signup_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const databaseUrl = withDatabase(adminUrl, name);
const children: Array<{ child: { kill: (s: NodeJS.Signals) => boolean } }> = [];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
const line = (what: string, f: Figures) =>
  `${what.padEnd(10)} ${f.requests.toFixed(0).padStart(6)}/s  p50 ${String(f.p50).padStart(4)} ms  p99 ${String(f.p99).padStart(4)} ms  errors ${f.errors}`;
try {
  const app = await startApp(databaseUrl);
  children.push(app);
  const insert = await start(
    ['--import', 'tsx', 'bench/insert-server.ts'],
    { PORT: '0', DATABASE_URL: databaseUrl },
    /listening (\d+)/,
  );
  children.push(insert);
  const base = `http://127.0.0.1:${app.port}`;
  const list = await (await fetch(`${base}/opportunities`)).text();
  const opportunity = /href="\/opportunities\/([0-9a-f-]{36})"/.exec(list)?.[1];
  if (!opportunity) throw new Error('the demo has no published opportunity');
  const url = `${base}/opportunities/${opportunity}/sign-up`;
  const form = await formToken(url);
  const body = signUpBody(form.token);
  const post = (cookie = '') => ({
    method: 'POST' as const,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body,
    seconds,
  });
  console.log(`load average ${load()} at the start`);
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const ceiling = await measure(`http://127.0.0.1:${insert.port}/`, post());
    const signUp = await measure(url, post(form.cookie));
    ratios.push(signUp.requests / ceiling.requests);
    console.log(`round ${round} (load ${load()})`);
    console.log(line('INSERT', ceiling));
    console.log(line('sign-up', signUp));
    console.log(`ratio ${ratios.at(-1)!.toFixed(3)}`);
  }
  console.log(
    `ratios ${ratios.map((r) => r.toFixed(3)).join(', ')}; load average ${load()} at the end`,
  );
} finally {
  for (const c of children) c.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
