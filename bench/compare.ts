// Compares two checkouts of Coproduce back to back on one machine, for when
// the machine is shared and absolute figures drift: both servers run on the
// same fresh database, and each page is loaded on the old, then the new, then
// the old … (COMPARE_ROUNDS, default 3), so drift falls on both alike.
//
//   tsx bench/compare.ts /path/to/old /path/to/new [/path ...]
//
// A path with "staff" in it is loaded signed in as the demo's involvement
// lead; "POST /opportunities/:id/sign-up" posts the public sign-up.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import autocannon from 'autocannon';
import {
  adminUrlOrExit,
  cpuMs,
  formToken,
  signUpBody,
  serverEnv,
  signIn,
  start,
  SERVER_READY,
  withDatabase,
} from './lib.ts';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';

const [oldDir, newDir, ...paths] = process.argv.slice(2);
if (!oldDir || !newDir || paths.length === 0) {
  console.error('Usage: tsx bench/compare.ts OLD_DIR NEW_DIR PATH...');
  process.exit(2);
}
const adminUrl = adminUrlOrExit();
const rounds = Number(process.env.COMPARE_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const name = `coproduce_compare_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const databaseUrl = withDatabase(adminUrl, name);
const secret = randomBytes(32).toString('hex');
const servers: Array<Awaited<ReturnType<typeof start>>> = [];
try {
  // The old one first: it makes the demo; the new one then migrates on top.
  for (const dir of [oldDir, newDir]) {
    servers.push(
      await start(
        [path.join(path.resolve(dir), 'bin/coproduce.mjs'), 'serve'],
        serverEnv(databaseUrl, {
          SESSION_SECRET: secret,
          ...(process.env.COMPARE_ENV ? JSON.parse(process.env.COMPARE_ENV) : {}),
        }),
        SERVER_READY,
      ),
    );
  }
  const bases = servers.map((s) => `http://127.0.0.1:${s.port}`);
  const staff = await signIn(bases[0]!, 'lead@demo.example', DEMO_PASSWORD);
  const list = await (await fetch(`${bases[0]}/opportunities`)).text();
  const opportunity = /href="\/opportunities\/([0-9a-f-]{36})"/.exec(list)?.[1] ?? '';
  console.log(
    '| path | old req/s | new req/s | new/old | old p99 | new p99 | old CPU ms/req | new CPU ms/req | new/old CPU |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const raw of paths) {
    const post = raw.startsWith('POST ');
    const target = raw.replace(/^POST /, '').replace(':id', opportunity);
    const runs: number[][] = [[], []];
    const p99: number[][] = [[], []];
    const cpu: number[][] = [[], []];
    const options = async (base: string): Promise<autocannon.Options> => {
      const url = `${base}${target}`;
      if (!post) {
        return { url, connections, headers: raw.includes('staff') ? { cookie: staff } : {} };
      }
      const form = await formToken(url);
      return {
        url,
        connections,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
        body: signUpBody(form.token),
      };
    };
    const prepared = [await options(bases[0]!), await options(bases[1]!)];
    for (const which of [0, 1]) await autocannon({ ...prepared[which]!, duration: 1 });
    for (let round = 0; round < rounds; round += 1) {
      for (const which of round % 2 === 0 ? [0, 1] : [1, 0]) {
        const before = cpuMs(servers[which]!.child.pid);
        const result = await autocannon({ ...prepared[which]!, duration: seconds });
        const after = cpuMs(servers[which]!.child.pid);
        if (before !== null && after !== null && result.requests.total > 0)
          cpu[which]!.push((after - before) / result.requests.total);
        const bad = result.errors + result.non2xx - (result.statusCodeStats?.['303']?.count ?? 0);
        if (bad > 0) console.error(`${raw} on ${which ? 'new' : 'old'}: ${bad} errors`);
        runs[which]!.push(result.requests.average);
        p99[which]!.push(result.latency.p99);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [o, n] = [median(runs[0]!), median(runs[1]!)];
    const fixed = (xs: number[]) => (xs.length ? median(xs).toFixed(2) : 'n/a');
    const co = cpu[0]!.length ? median(cpu[0]!) : Number.NaN;
    const cn = cpu[1]!.length ? median(cpu[1]!) : Number.NaN;
    console.log(
      `| ${raw} | ${Math.round(o)} | ${Math.round(n)} | ${(n / o).toFixed(2)} | ${median(p99[0]!)} | ${median(p99[1]!)} | ${fixed(cpu[0]!)} | ${fixed(cpu[1]!)} | ${Number.isNaN(cn / co) ? 'n/a' : (cn / co).toFixed(2)} |`,
    );
  }
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
