// npm run bench:profile: a CPU profile of the server answering each page of
// the request path, under load, and where the busy time went.
//
// Starts `coproduce serve` on a fresh PostgreSQL database with the demo, with
// bench/profiler.mjs preloaded; for each target it starts the profiler
// (SIGUSR2), loads the page with autocannon, stops it, and summarises the
// profile (bench/cpuprofile.ts). PROFILE_SECONDS (default 5) per target;
// PROFILE_ONLY=name,name to run some; PROFILE_OUT=file to keep the Markdown;
// PROFILE_DATABASE=name to profile a database that is there already, such as
// the large landlord `npm run bench:data` keeps (left as it is).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { adminUrlOrExit, formToken, signIn, signUpBody, startApp, withDatabase } from './lib.ts';
import { summarise, type CpuProfile } from './cpuprofile.ts';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';

const adminUrl = adminUrlOrExit();
const seconds = Number(process.env.PROFILE_SECONDS ?? 5);
const only = process.env.PROFILE_ONLY?.split(',');
const dir = mkdtempSync(path.join(tmpdir(), 'coproduce-profile-'));
const kept = process.env.PROFILE_DATABASE;
const name = kept ?? `coproduce_profile_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
if (!kept) await admin.query(`CREATE DATABASE ${name}`);

interface Target {
  name: string;
  path: string;
  staff?: boolean;
  signUp?: boolean;
}
const TARGETS: Target[] = [
  { name: 'healthz', path: '/healthz' },
  { name: 'home', path: '/' },
  { name: 'opportunities', path: '/opportunities' },
  { name: 'opportunity', path: '/opportunities/:id' },
  { name: 'sign-in', path: '/sign-in' },
  { name: 'sign-up', path: '/opportunities/:id/sign-up', signUp: true },
  { name: 'staff-people', path: '/staff/people', staff: true },
  { name: 'staff-initiatives', path: '/staff/initiatives', staff: true },
  { name: 'staff-activities', path: '/staff/activities', staff: true },
  { name: 'staff-kpis', path: '/staff/kpis', staff: true },
  { name: 'staff-ladder', path: '/staff/ladder', staff: true },
];

const out: string[] = [];
const say = (line = '') => {
  out.push(line);
  console.log(line);
};
let server: Awaited<ReturnType<typeof startApp>> | null = null;
try {
  server = await startApp(withDatabase(adminUrl, name), ['--import', './bench/profiler.mjs'], {
    PROFILE_DIR: dir,
  });
  const child = server.child;
  const base = `http://127.0.0.1:${server.port}`;
  const staff = await signIn(base, 'lead@demo.example', DEMO_PASSWORD);
  const list = await (await fetch(`${base}/opportunities`)).text();
  const opportunity = /href="\/opportunities\/([0-9a-f-]{36})"/.exec(list)?.[1] ?? '';
  let profiles = 0;
  const waitFor = (pattern: string) =>
    new Promise<void>((resolve) => {
      const check = () => (server!.output().includes(pattern) ? resolve() : setTimeout(check, 50));
      check();
    });

  for (const target of TARGETS) {
    if (only && !only.includes(target.name)) continue;
    const url = `${base}${target.path.replace(':id', opportunity)}`;
    const options: Partial<autocannon.Options> = { url, connections: 10 };
    if (target.staff) options.headers = { cookie: staff };
    if (target.signUp) {
      const form = await formToken(url);
      options.method = 'POST';
      options.headers = {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: form.cookie,
      };
      options.body = signUpBody(form.token);
    }
    await autocannon({ ...options, url, duration: 2 });
    child.kill('SIGUSR2');
    await waitFor(`profiling ${profiles + 1}`);
    const result = await autocannon({ ...options, url, duration: seconds });
    child.kill('SIGUSR2');
    profiles += 1;
    await waitFor(`profiled ${profiles}`);
    const file = path.join(dir, `profile-${profiles}.cpuprofile`);
    const summary = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, 10);
    const bad = result.non2xx - (result.statusCodeStats?.['303']?.count ?? 0) + result.errors;
    say(
      `### ${target.name}: \`${target.path}\` — ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms${bad ? `, ${bad} errors` : ''}; busy ${(summary.busyMs / 1000).toFixed(1)} s of ${((summary.busyMs + summary.idleMs) / 1000).toFixed(1)} s (${file})`,
    );
    say();
    say('| self time in | share |');
    say('|---|---:|');
    for (const g of summary.groups) say(`| ${g.group} | ${(g.share * 100).toFixed(1)}% |`);
    say();
    say('| our function (inclusive) | share |');
    say('|---|---:|');
    for (const f of summary.ours) say(`| \`${f.fn}\` | ${(f.share * 100).toFixed(1)}% |`);
    say();
  }
  if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, `${out.join('\n')}\n`);
} finally {
  server?.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  if (!kept) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
