// npm run bench (second part): the involvement register on PostgreSQL with
// 100,000 people. Name search p95 (target: under 50 ms) and a 50,000-row
// import (target: under 20 s), each beside a ceiling measured in the same run
// on the same database: a bare query in an organisation-scoped transaction,
// and a plain multi-row INSERT of the same rows into a table with no indexes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { migrateDatabase, openDatabase } from '../src/platform/db/index.ts';
import { createOrganisation } from '../src/platform/tenancy/index.ts';
import { addPeople, addServices } from '../src/modules/people/service.ts';
import { areasInUse, parseFilter, searchPeople } from '../src/modules/people/queries.ts';
import { PEOPLE_COLUMNS, peopleImport } from '../src/modules/people/import-kinds.ts';
import { applyImport, canApply, checkImport } from '../src/platform/imports/index.ts';
import { installModules } from '../src/platform/manifest.ts';
import { MODULES } from '../src/modules.ts';
import { csvLine } from '../src/platform/spreadsheets/index.ts';
import { seededRandom } from '../src/demo/random.ts';
import { FIRST, LAST } from '../src/demo/register.ts';
import { withDatabase } from './lib.ts';

// The import pipeline finds the people kind among the installed modules.
installModules(MODULES);

const root = path.resolve(import.meta.dirname, '..');
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.error(
    'npm run bench runs against PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL).',
  );
  process.exit(2);
}
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 300);
const AREA_RUNS = Number(process.env.BENCH_AREA_RUNS ?? 100);

/** A typing slip: two letters swapped, or one dropped. */
function misspell(word: string, random: ReturnType<typeof seededRandom>): string {
  if (word.length < 4) return word;
  const i = random.int(1, word.length - 3);
  return random.chance(0.5)
    ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)
    : word.slice(0, i) + word.slice(i + 1);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const name = `coproduce_bench_register_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const db = await openDatabase({ databaseUrl: withDatabase(adminUrl, name), poolSize: 4 });
const work = mkdtempSync(path.join(tmpdir(), 'coproduce-bench-'));
try {
  await migrateDatabase(db, withDatabase(adminUrl, name));
  const org = await createOrganisation(db.system, { slug: 'bench', name: 'Bench Homes' });
  const random = seededRandom(42);

  // 100,000 people across 40 services.
  await db.withOrganisation(org.id, (tx) =>
    addServices(
      tx,
      Array.from({ length: 40 }, (_, i) => ({
        organisationId: org.id,
        code: `S${i}`,
        name: `Service ${i}`,
        type: 'supported_housing',
        specialism: 'mental_health',
        area: `Area ${i % 5}`,
      })),
    ),
  );
  const seedStart = performance.now();
  for (let done = 0; done < PEOPLE; done += 10_000) {
    await db.withOrganisation(org.id, (tx) =>
      addPeople(
        tx,
        Array.from({ length: Math.min(10_000, PEOPLE - done) }, (_, i) => {
          const first = random.pick(FIRST);
          const last = random.pick(LAST);
          return {
            organisationId: org.id,
            reference: `P${done + i}`,
            firstName: first,
            lastName: `${last}${random.chance(0.5) ? '' : `-${random.pick(LAST)}`}`,
            email: random.chance(0.6)
              ? `${first}.${last}.${done + i}@example.org`.toLowerCase()
              : null,
            phone: random.chance(0.8) ? `07700 ${String(random.int(100000, 999999))}` : null,
            kinds: ['customer'],
            needs: random.chance(0.1) ? ['step_free'] : [],
            area: random.chance(0.85) ? `Area ${random.int(0, 29)}` : null,
          };
        }),
      ),
    );
  }
  const seedSeconds = (performance.now() - seedStart) / 1000;
  await db.system.execute(sql`analyze`);

  // Name search: misspelt names typed into the search box.
  const ceilingTimes: number[] = [];
  const searchTimes: number[] = [];
  let found = 0;
  for (let i = 0; i < SEARCHES + 20; i++) {
    const q = `${misspell(random.pick(FIRST), random)} ${misspell(random.pick(LAST), random)}`;
    const t0 = performance.now();
    await db.withOrganisation(org.id, (tx) => tx.execute(sql`select 1`));
    const t1 = performance.now();
    const result = await db.withOrganisation(org.id, (tx) => searchPeople(tx, parseFilter({ q })));
    const t2 = performance.now();
    if (i < 20) continue; // warm-up
    ceilingTimes.push(t1 - t0);
    searchTimes.push(t2 - t1);
    if (result.total > 0) found++;
  }

  // The people page's list of areas: the loose index scan it uses, and the
  // DISTINCT over every person it replaced.
  const areaTimes: number[] = [];
  const distinctTimes: number[] = [];
  const areaCeiling: number[] = [];
  let areaCount = 0;
  for (let i = 0; i < AREA_RUNS + 5; i++) {
    const t0 = performance.now();
    await db.withOrganisation(org.id, (tx) => tx.execute(sql`select 1`));
    const t1 = performance.now();
    const areas = await db.withOrganisation(org.id, (tx) => areasInUse(tx));
    const t2 = performance.now();
    await db.withOrganisation(org.id, (tx) =>
      tx.execute(
        sql`select distinct area from (select area from services union select area from people where erased_at is null) a where area is not null order by area`,
      ),
    );
    const t3 = performance.now();
    if (i < 5) continue; // warm-up
    areaCeiling.push(t1 - t0);
    areaTimes.push(t2 - t1);
    distinctTimes.push(t3 - t2);
    areaCount = areas.length;
  }

  // Import: 50,000 new people from a CSV with services, roles and needs.
  const file = path.join(work, 'people.csv');
  // The issue's ten columns, the first ten the import documents.
  const header = PEOPLE_COLUMNS.slice(0, 10).map((c) => c.name);
  const lines = [csvLine(header)];
  const rows: string[][] = [];
  for (let i = 0; i < IMPORT_ROWS; i++) {
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    const row = [
      `IMP${i}`,
      first,
      last,
      random.chance(0.5) ? `imp.${i}@example.org` : '',
      random.chance(0.7) ? `07800 ${String(random.int(100000, 999999))}` : '',
      `NE${random.int(1, 15)} ${random.int(1, 9)}AB`,
      `19${random.int(40, 99)}-0${random.int(1, 9)}-1${random.int(0, 9)}`,
      `S${random.int(0, 39)}`,
      random.chance(0.05) ? 'quality_checker' : '',
      random.chance(0.1) ? 'step_free;large_print' : '',
    ];
    rows.push(row);
    lines.push(csvLine(row));
  }
  writeFileSync(file, lines.join(''));

  // Ceiling: the same rows in plain multi-row INSERTs into a table with no indexes.
  await db.system.execute(
    sql.raw(`create table bench_plain (${header.map((h) => `${h} text`).join(', ')})`),
  );
  const plainStart = performance.now();
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    await db.system.execute(
      sql`insert into bench_plain values ${sql.join(
        batch.map(
          (r) =>
            sql`(${sql.join(
              r.map((v) => sql`${v}`),
              sql`, `,
            )})`,
        ),
        sql`, `,
      )}`,
    );
  }
  const plainSeconds = (performance.now() - plainStart) / 1000;

  const actor = { userId: null, label: 'bench', ip: null };
  const importStart = performance.now();
  let checkSeconds = 0;
  const counts = await db.withOrganisation(org.id, async (tx) => {
    const plan = await checkImport(
      tx,
      peopleImport,
      { path: file },
      { organisationId: org.id, today: '2026-11-23' },
    );
    checkSeconds = (performance.now() - importStart) / 1000;
    if (!canApply(plan, false))
      throw new Error(`the bench file has problems: ${JSON.stringify(plan.problems.slice(0, 3))}`);
    return applyImport(tx, actor, plan, {
      filename: 'people.csv',
      today: '2026-11-23',
      organisationId: org.id,
    });
  });
  const importSeconds = (performance.now() - importStart) / 1000;
  const rerunStart = performance.now();
  const rerun = await db.withOrganisation(org.id, async (tx) => {
    const plan = await checkImport(
      tx,
      peopleImport,
      { path: file },
      { organisationId: org.id, today: '2026-11-23' },
    );
    return applyImport(tx, actor, plan, {
      filename: 'people.csv',
      today: '2026-11-23',
      organisationId: org.id,
    });
  });
  const rerunSeconds = (performance.now() - rerunStart) / 1000;

  const p50 = percentile(searchTimes, 50);
  const p95 = percentile(searchTimes, 95);
  const ceilingP95 = percentile(ceilingTimes, 95);
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${(await admin.query('show server_version')).rows[0].server_version}`;
  const ms = (v: number) => v.toFixed(1);
  const section = [
    '<!-- bench:register:start -->',
    '## The involvement register',
    '',
    `Measured ${date} on ${machine}. ${PEOPLE.toLocaleString('en-GB')} people in one organisation (seeded in ${seedSeconds.toFixed(1)} s), queried through the app's own functions in organisation-scoped transactions with row-level security, as a request does. Ratios are to a ceiling measured in the same run.`,
    '',
    `### Name search (target: p95 under 50 ms)`,
    '',
    `${SEARCHES} searches for a misspelt first and last name (a letter swapped or dropped in each), each the whole of the people page's database work: the page of 50 matches in order of likeness, the count, and the access needs summed; ${found} of ${SEARCHES} found someone.`,
    '',
    '| what | p50 ms | p95 ms | p95 ratio to ceiling |',
    '|---|---:|---:|---:|',
    `| Ceiling: \`select 1\` in an organisation-scoped transaction | ${ms(percentile(ceilingTimes, 50))} | ${ms(ceilingP95)} | 1.0 |`,
    `| Name search (2 queries, one trigram search) | ${ms(p50)} | ${ms(p95)} | ${(p95 / ceilingP95).toFixed(1)} |`,
    '',
    `### The people page's list of areas`,
    '',
    `The area filter lists the ${areaCount} areas of people and services, read ${AREA_RUNS} times.`,
    '',
    '| what | p50 ms | p95 ms | p95 ratio to ceiling |',
    '|---|---:|---:|---:|',
    `| Ceiling: \`select 1\` in an organisation-scoped transaction | ${ms(percentile(areaCeiling, 50))} | ${ms(percentile(areaCeiling, 95))} | 1.0 |`,
    `| Areas by skipping along the area index (what the page does) | ${ms(percentile(areaTimes, 50))} | ${ms(percentile(areaTimes, 95))} | ${(percentile(areaTimes, 95) / percentile(areaCeiling, 95)).toFixed(1)} |`,
    `| For comparison: DISTINCT over every person (what it did) | ${ms(percentile(distinctTimes, 50))} | ${ms(percentile(distinctTimes, 95))} | ${(percentile(distinctTimes, 95) / percentile(areaCeiling, 95)).toFixed(1)} |`,
    '',
    `### Import (target: ${IMPORT_ROWS.toLocaleString('en-GB')} rows under 20 s)`,
    '',
    `A CSV of ${IMPORT_ROWS.toLocaleString('en-GB')} new people (reference, names, email, phone, postcode, date of birth, service code, roles, needs) checked and imported in one transaction beside the ${PEOPLE.toLocaleString('en-GB')} already there: every row validated, matched on reference, checked against the suppression list, inserted, linked to its service, roles started, and possible duplicates flagged.`,
    '',
    '| what | seconds | ratio to ceiling |',
    '|---|---:|---:|',
    `| Ceiling: the same rows as plain multi-row INSERTs into a table with no indexes | ${plainSeconds.toFixed(2)} | 1.0 |`,
    `| Import: check and apply (${counts.created} created) | ${importSeconds.toFixed(2)} | ${(importSeconds / plainSeconds).toFixed(1)} |`,
    `| … of which the check (read, validate, compare) | ${checkSeconds.toFixed(2)} | ${(checkSeconds / plainSeconds).toFixed(1)} |`,
    `| … of which the apply (insert, link, flag duplicates, commit) | ${(importSeconds - checkSeconds).toFixed(2)} | ${((importSeconds - checkSeconds) / plainSeconds).toFixed(1)} |`,
    `| The same file again (${rerun.unchanged} unchanged, ${rerun.created} created) | ${rerunSeconds.toFixed(2)} | ${(rerunSeconds / plainSeconds).toFixed(1)} |`,
    '<!-- bench:register:end -->',
  ].join('\n');

  const docs = path.join(root, 'docs/benchmarks.md');
  const current = existsSync(docs) ? readFileSync(docs, 'utf8') : '# Benchmarks\n';
  const pattern = /<!-- bench:register:start -->[\s\S]*<!-- bench:register:end -->/;
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
