// npm run bench (operations part): a synthetic large landlord on PostgreSQL
// (bench/landlord.ts) and the import of 1,000,000 repairs through the
// repairs import kind, as a ratio to a plain COPY of the same file into a
// table of the same columns with no indexes, in the same run (aim: the
// import at a quarter of COPY's speed or better).
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import {
  APP_ROLE,
  migrateDatabase,
  openDatabase,
  rowsOf,
  type Queryable,
} from '../src/platform/db/index.ts';
import { createOrganisation } from '../src/platform/tenancy/index.ts';
import {
  applyImport,
  canApply,
  checkImport,
  findImportKind,
} from '../src/platform/imports/index.ts';
import { installModules } from '../src/platform/manifest.ts';
import { MODULES } from '../src/modules.ts';
import { withDatabase } from './lib.ts';
import { LARGE_LANDLORD, writeRepairsCsv } from './landlord.ts';
import { seedLandlord } from './landlord.ts';

installModules(MODULES);

const root = path.resolve(import.meta.dirname, '..');
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.error(
    'npm run bench runs against PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL).',
  );
  process.exit(2);
}
const loadBefore = loadavg();
const REPAIRS = Number(process.env.BENCH_REPAIRS ?? LARGE_LANDLORD.repairs);
const size = { ...LARGE_LANDLORD, repairs: REPAIRS };

/**
 * CPU seconds so far of this process and of one PostgreSQL backend (the
 * server is on this machine: its /proc), null where it cannot be read. On a
 * shared machine the wall clock says as much about the other work as about
 * ours; CPU time does not.
 */
function cpuSeconds(backendPid: number): { node: number; server: number | null } {
  const usage = process.cpuUsage();
  let server: number | null;
  try {
    const fields = readFileSync(`/proc/${backendPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks of 1/100 s.
    server = (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    server = null;
  }
  return { node: (usage.user + usage.system) / 1e6, server };
}

async function backendPid(tx: Queryable): Promise<number> {
  return rowsOf<{ pid: number }>(await tx.execute(sql`select pg_backend_pid() as pid`))[0]!.pid;
}

/** CPU seconds spent since `from`, the server's and this process's together (null when unknown). */
function cpuSince(from: { node: number; server: number | null }, pid: number): number | null {
  const now = cpuSeconds(pid);
  return now.server === null || from.server === null
    ? null
    : now.server - from.server + (now.node - from.node);
}

const name = `coproduce_bench_operations_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = withDatabase(adminUrl, name);
const db = await openDatabase({ databaseUrl: url, poolSize: 4 });
const work = mkdtempSync(path.join(tmpdir(), 'coproduce-bench-ops-'));
chmodSync(work, 0o755);
try {
  await migrateDatabase(db, url);
  const org = await createOrganisation(db.system, { slug: 'bench', name: 'Bench Homes' });
  const seedStart = performance.now();
  await seedLandlord(db, org.id, size, { withRepairs: false });
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const file = path.join(work, 'repairs.csv');
  await writeRepairsCsv(file, REPAIRS, size.services);
  chmodSync(file, 0o644);
  const megabytes = statSync(file).size / 2 ** 20;

  // Ceiling: COPY of the same file into a table of the same columns, no indexes.
  await db.system.execute(sql`create table bench_repairs_copy (
    reference text, service_code text, priority text, reported_on date, target_on date,
    completed_on date, feedback_requested_on date)`);
  const direct = new pg.Client({ connectionString: url });
  await direct.connect();
  const copyPid = (await direct.query('select pg_backend_pid() as pid')).rows[0].pid as number;
  const copyCpuFrom = cpuSeconds(copyPid);
  const copyStart = performance.now();
  // The file is on this machine (the benchmark's PostgreSQL runs on loopback); the server reads it.
  await direct.query(`COPY bench_repairs_copy FROM '${file}' WITH (FORMAT csv, HEADER true)`);
  const copySeconds = (performance.now() - copyStart) / 1000;
  const copyCpu = cpuSince(copyCpuFrom, copyPid);
  await direct.end();

  // The floor of any import into the repairs table: the copied rows written into it by one
  // INSERT … SELECT as the app role (its keys, indexes, foreign keys and row-level security), undone.
  await db.system.execute(sql.raw(`grant select on bench_repairs_copy to ${APP_ROLE}`));
  let floorSeconds = 0;
  let floorCpu: number | null = null;
  const undo = new Error('undo');
  await db
    .withOrganisation(org.id, async (tx) => {
      const pid = await backendPid(tx);
      const from = cpuSeconds(pid);
      const start = performance.now();
      await tx.execute(sql`insert into repairs (organisation_id, reference, service_id, priority,
          reported_on, target_on, completed_on, feedback_requested_on)
        select app_organisation_id(), c.reference, s.id, c.priority, c.reported_on, c.target_on,
          c.completed_on, c.feedback_requested_on
        from bench_repairs_copy c left join services s on lower(s.code) = lower(c.service_code)`);
      floorSeconds = (performance.now() - start) / 1000;
      floorCpu = cpuSince(from, pid);
      throw undo;
    })
    .catch((error: unknown) => {
      if (error !== undo) throw error;
    });

  // The undone rows' dead index entries would slow what follows: cleared, as autovacuum would.
  await db.system.execute(sql`vacuum analyze repairs`);

  const kind = findImportKind('repairs')!;
  const actor = { userId: null, label: 'bench', ip: null };
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  let peakHeap = heapBefore;
  let peakRss = rssBefore;
  const sample = setInterval(() => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  }, 200);
  const importStart = performance.now();
  let checkSeconds = 0;
  let importPid = 0;
  let checkCpu: number | null = null;
  let importCpuFrom = cpuSeconds(0);
  const counts = await db.withOrganisation(org.id, async (tx) => {
    importPid = await backendPid(tx);
    importCpuFrom = cpuSeconds(importPid);
    const plan = await checkImport(
      tx,
      kind,
      { path: file },
      { organisationId: org.id, today: '2026-12-02' },
    );
    checkSeconds = (performance.now() - importStart) / 1000;
    checkCpu = cpuSince(importCpuFrom, importPid);
    if (!canApply(plan, false))
      throw new Error(`the bench file has problems: ${JSON.stringify(plan.problems.slice(0, 3))}`);
    return applyImport(tx, actor, plan, {
      filename: 'repairs.csv',
      today: '2026-12-02',
      organisationId: org.id,
    });
  });
  const importSeconds = (performance.now() - importStart) / 1000;
  const importCpu = cpuSince(importCpuFrom, importPid);
  clearInterval(sample);

  const rerunStart = performance.now();
  let rerunPid = 0;
  let rerunCpuFrom = cpuSeconds(0);
  const rerun = await db.withOrganisation(org.id, async (tx) => {
    rerunPid = await backendPid(tx);
    rerunCpuFrom = cpuSeconds(rerunPid);
    const plan = await checkImport(
      tx,
      kind,
      { path: file },
      { organisationId: org.id, today: '2026-12-02' },
    );
    return applyImport(tx, actor, plan, {
      filename: 'repairs.csv',
      today: '2026-12-02',
      organisationId: org.id,
    });
  });
  const rerunSeconds = (performance.now() - rerunStart) / 1000;
  const rerunCpu = cpuSince(rerunCpuFrom, rerunPid);

  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${(await admin.query('show server_version')).rows[0].server_version}`;
  const cpu = (seconds: number | null) => (seconds === null ? '–' : seconds.toFixed(2));
  const cpuShare = (seconds: number | null) =>
    seconds === null || copyCpu === null ? '–' : (copyCpu / seconds).toFixed(2);
  const load = (averages: number[]) => averages.map((a) => a.toFixed(1)).join(', ');
  const speed = (s: number) => Math.round(REPAIRS / s).toLocaleString('en-GB');
  const section = [
    '<!-- bench:operations:start -->',
    '## Operations: a large landlord and the repairs import',
    '',
    `Measured ${date} on ${machine}, load average ${load(loadBefore)} (1, 5 and 15 minutes) at the start and ${load(loadavg())} at the end. A synthetic landlord (bench/landlord.ts, exported for other benchmarks): ${size.homes.toLocaleString('en-GB')} homes, ${size.complaintRows.toLocaleString('en-GB')} complaint rows, ${size.audits.toLocaleString('en-GB')} audits and ${size.recruitments.toLocaleString('en-GB')} recruitments over ${size.services} services (seeded in ${seedSeconds.toFixed(1)} s), then ${REPAIRS.toLocaleString('en-GB')} repairs (a ${megabytes.toFixed(0)} MB CSV) imported through the repairs import kind in one transaction: read as a stream a chunk (about a thousand rows) at a time, every row checked (dates, priority, service code) by checks made once a file, the good rows kept in a temporary table of the transaction (10,000 a statement, unnested column arrays, sent while the next rows are read) rather than in memory, matched on their reference (the unchanged forgotten, the changed marked), then written by \`INSERT … SELECT\` and \`UPDATE … FROM\` 10,000 lines of the file at a time, each range raising its \`operations.repair_completed\` events while the next is written. The ceiling is PostgreSQL's own \`COPY\` of the same file into a table of the same columns with no indexes, measured in the same run; the floor is what writing those rows into the real table costs by itself, however the file is read and checked. CPU seconds are the server's backend's (read from /proc: the server runs on this machine) and this process's, which a shared machine's other work does not stretch as it does the wall clock.`,
    '',
    '| what | seconds | rows/s | speed as a share of COPY | CPU seconds (PostgreSQL and Node) | CPU as a share of COPY |',
    '|---|---:|---:|---:|---:|---:|',
    `| Ceiling: \`COPY\` of the file into a plain table | ${copySeconds.toFixed(2)} | ${speed(copySeconds)} | 1.00 | ${cpu(copyCpu)} | 1.00 |`,
    `| Floor: the same rows put into the repairs table by one \`INSERT … SELECT\` (its keys, indexes, foreign keys and row-level security; undone) | ${floorSeconds.toFixed(2)} | ${speed(floorSeconds)} | ${(copySeconds / floorSeconds).toFixed(2)} | ${cpu(floorCpu)} | ${cpuShare(floorCpu)} |`,
    `| Import: check and apply (${counts.created.toLocaleString('en-GB')} created) | ${importSeconds.toFixed(2)} | ${speed(importSeconds)} | ${(copySeconds / importSeconds).toFixed(2)} | ${cpu(importCpu)} | ${cpuShare(importCpu)} |`,
    `| … of which the check (read, validate, compare with what is stored) | ${checkSeconds.toFixed(2)} | | | ${cpu(checkCpu)} | |`,
    `| … of which the apply (insert, events, commit) | ${(importSeconds - checkSeconds).toFixed(2)} | | | ${importCpu === null || checkCpu === null ? '–' : cpu(importCpu - checkCpu)} | |`,
    `| The same file again (${rerun.unchanged.toLocaleString('en-GB')} unchanged) | ${rerunSeconds.toFixed(2)} | ${speed(rerunSeconds)} | ${(copySeconds / rerunSeconds).toFixed(2)} | ${cpu(rerunCpu)} | ${cpuShare(rerunCpu)} |`,
    '',
    `While importing, the benchmark's process (which runs the import) grew by at most ${((peakHeap - heapBefore) / 2 ** 20).toFixed(0)} MB of JavaScript heap and ${((peakRss - rssBefore) / 2 ** 20).toFixed(0)} MB of resident memory (sampled every 200 ms; ${(heapBefore / 2 ** 20).toFixed(0)} MB heap and ${(rssBefore / 2 ** 20).toFixed(0)} MB resident before).`,
    '<!-- bench:operations:end -->',
  ].join('\n');

  const docs = path.join(root, 'docs/benchmarks.md');
  const current = existsSync(docs) ? readFileSync(docs, 'utf8') : '# Benchmarks\n';
  const pattern = /<!-- bench:operations:start -->[\s\S]*<!-- bench:operations:end -->/;
  writeFileSync(
    docs,
    pattern.test(current)
      ? current.replace(pattern, section)
      : `${current.trimEnd()}\n\n${section}\n`,
  );
  console.log(section);
} finally {
  await db.close();
  rmSync(work, { recursive: true, force: true });
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
