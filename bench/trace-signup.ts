// Lists the statements one public sign-up sends, with each one's time:
// tsx bench/trace-signup.ts (on a fresh PostgreSQL database with the demo).
// SIGNUPS=N posts N sign-ups with the same name and email first, to show
// whether the duplicate check grows with them.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { adminUrlOrExit, withDatabase } from './lib.ts';
import { migrateDatabase, openDatabase } from '../src/platform/db/index.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { installModules } from '../src/platform/manifest.ts';
import { MODULES } from '../src/modules.ts';

installModules(MODULES);

const adminUrl = adminUrlOrExit();
const name = `coproduce_trace_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = withDatabase(adminUrl, name);
let trace: Array<{ sql: string; at: number }> | null = null;
const database = await openDatabase({
  databaseUrl: url,
  onQuery: (text) =>
    trace?.push({ sql: text.replace(/\s+/g, ' ').slice(0, 110), at: performance.now() }),
});
try {
  await migrateDatabase(database, url);
  await seedDemo(database);
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url,
    NODE_ENV: 'production',
    SESSION_SECRET: 'x'.repeat(64),
    SIGNUP_LIMIT_PER_ADDRESS: '1000000',
    SIGNUP_LIMIT_PER_OPPORTUNITY: '1000000',
  });
  const app = await buildApp({ config, database, sessionSecret: 'x'.repeat(64), logger: false });
  const list = await app.inject('/opportunities');
  const id = /href="\/opportunities\/([0-9a-f-]{36})"/.exec(list.body)![1];
  const form = await app.inject(`/opportunities/${id}/sign-up`);
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const csrf = form.cookies.find((c) => c.name === 'csrf')!.value;
  const post = () =>
    app.inject({
      method: 'POST',
      url: `/opportunities/${id}/sign-up`,
      cookies: { csrf },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: token,
        firstName: 'Bench',
        lastName: 'Visitor',
        email: 'bench.visitor@example.org',
        channel: 'email',
        takePart: 'x',
        consentRegister: 'yes',
        consentContact: 'yes',
      }).toString(),
    });
  const before = Number(process.env.SIGNUPS ?? 0);
  for (let i = 0; i < before; i += 1) await post();
  for (let round = 0; round < 3; round += 1) {
    trace = [];
    const started = performance.now();
    const res = await post();
    const total = performance.now() - started;
    if (res.statusCode >= 500) console.log(res.body.slice(0, 3000));
    if (round < 2) continue;
    console.log(`status ${res.statusCode}, ${trace.length} statements, ${total.toFixed(1)} ms`);
    let last = started;
    for (const q of trace) {
      console.log(`${(q.at - last).toFixed(2).padStart(7)} ms before: ${q.sql}`);
      last = q.at;
    }
    console.log(`${(performance.now() - last).toFixed(2).padStart(7)} ms to the end`);
  }
  await app.close();
} finally {
  await database.close();
  if (process.env.KEEP) console.log(`kept ${name}`);
  else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
