// npm run bench:surveys: surveys on PostgreSQL (issue 12's benchmark).
// (a) Answer submissions per second through the real public routes, as a
//     ratio to the bare single-INSERT route (bench/insert-server.ts) measured
//     in the same run with the same client. A submission is what a browser
//     posts to answer a one-page survey of five questions: POST /s/:id/start,
//     POST /r/:token/step/section-s1 with the answers, POST /r/:token/finish (each with
//     the form's CSRF token and cookie, each answered by a 303). The GETs of
//     the pages in between are left out: they read, and the ceiling does not
//     render pages either. Each submission comes from its own address
//     (X-Forwarded-For, TRUST_PROXY=1), as the start limit is per address.
// (b) The staff analysis page over BENCH_SURVEY_RESPONSES (200,000) completed
//     responses of that survey (1,000,000 answers), made by INSERT … SELECT
//     with generate_series; loaded one request at a time (target: under one
//     second), beside a bare Fastify route loaded the same way.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DEMO_PASSWORD } from '../src/demo/seed.ts';
import { adminUrlOrExit, cookiesOf, ROOT, signIn, start, startApp, withDatabase } from './lib.ts';

const RESPONSES = Number(process.env.BENCH_SURVEY_RESPONSES ?? 200_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const RUNS = Number(process.env.BENCH_SURVEY_RUNS ?? 30);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const DEFINITION = {
  intro: { en: 'Tell us how we did.' },
  sections: [
    {
      id: 's1',
      title: { en: 'Your view' },
      questions: [
        { code: 'overall', type: 'satisfaction', text: { en: 'Overall?' }, required: true },
        { code: 'repairs', type: 'satisfaction', text: { en: 'Repairs?' }, required: false },
        {
          code: 'helped',
          type: 'multiple',
          text: { en: 'What helped?' },
          required: false,
          options: ['staff', 'room', 'food'].map((c) => ({ code: c, text: { en: c } })),
        },
        { code: 'score', type: 'scale10', text: { en: 'Score?' }, required: false },
        { code: 'comments', type: 'text', text: { en: 'Anything else?' }, required: false },
      ],
    },
  ],
};

/**
 * Runs `once` from CONNECTIONS workers for SECONDS (after a 2 s warm-up) and
 * returns the completed runs per second; a run that throws counts as an error.
 */
async function rate(once: (n: number) => Promise<void>) {
  let counter = 0;
  const phase = async (seconds: number) => {
    const until = performance.now() + seconds * 1000;
    let done = 0;
    let errors = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < until) {
          try {
            await once((counter += 1));
            done += 1;
          } catch (error) {
            errors += 1;
            if (errors === 1) console.error(error);
          }
        }
      }),
    );
    return { perSecond: done / seconds, errors };
  };
  await phase(2);
  return phase(SECONDS);
}

/** A POST of a form that must answer 303; returns where it goes. */
async function post(
  url: string,
  body: Record<string, string | string[]>,
  headers: Record<string, string>,
) {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body))
    for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  await response.arrayBuffer();
  if (response.status !== 303) throw new Error(`${url} answered ${response.status}`);
  return response.headers.get('location') ?? '';
}

/** Loads a URL one request at a time (after a warm-up) and returns each time in ms. */
async function timings(url: string, runs: number, headers: Record<string, string> = {}) {
  const once = async () => {
    const started = performance.now();
    const response = await fetch(url, { headers, redirect: 'manual' });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < Math.min(3, runs); i++) await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return times;
}

const adminUrl = adminUrlOrExit();
const name = `coproduce_bench_surveys_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = withDatabase(adminUrl, name);
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
    { PORT: '0', DATABASE_URL: url },
    /listening (\d+)/,
  );
  children.push(insert.child);
  // `serve` migrates the new database and makes the demo organisation.
  const app = await startApp(url, [], { TRUST_PROXY: '1' });
  children.push(app.child);
  const base = `http://127.0.0.1:${app.port}`;

  // The survey, published as publishing leaves it (as the owner: no row-level security to pass).
  const direct = new pg.Client({ connectionString: url });
  // Dropping the database at the end ends this connection too, if an error left it open.
  direct.on('error', () => {});
  await direct.connect();
  const org = (await direct.query(`select id from organisations where slug = 'demo'`)).rows[0].id;
  const definition = JSON.stringify(DEFINITION);
  const survey = (
    await direct.query(
      `insert into surveys (organisation_id, title, status, draft, current_version, published_at)
       values ($1, 'Bench: how did we do?', 'published', $2::jsonb, 1, now()) returning id`,
      [org, definition],
    )
  ).rows[0].id as string;
  await direct.query(`update surveys set series_id = id where id = $1`, [survey]);
  await direct.query(
    `insert into survey_versions (organisation_id, survey_id, version, definition)
     values ($1, $2, 1, $3::jsonb)`,
    [org, survey, definition],
  );

  // (a) Submissions against the single-INSERT ceiling.
  const page = await fetch(`${base}/s/${survey}`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const cookie = cookiesOf(page);
  if (!token) throw new Error('the start page has no CSRF token');
  const answers = {
    q_overall: 'fairly_satisfied',
    q_repairs: 'very_satisfied',
    q_helped: ['staff', 'food'],
    q_score: '8',
    q_comments: 'The staff were kind and the room was warm.',
  };
  const insertBody = { _csrf: token, ...answers };
  const ceiling = await rate(async () => {
    await post(`http://127.0.0.1:${insert.port}/`, insertBody, {});
  });
  const submissions = await rate(async (n) => {
    const headers = {
      cookie,
      'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
    };
    const step = await post(`${base}/s/${survey}/start`, { _csrf: token }, headers);
    const respond = /^\/r\/([^/]+)/.exec(step)?.[1];
    if (!respond) throw new Error(`start went to ${step}`);
    const finish = await post(
      `${base}/r/${respond}/step/section-s1`,
      { _csrf: token, ...answers },
      headers,
    );
    if (!finish.endsWith('/finish')) throw new Error(`the page went to ${finish}`);
    const done = await post(
      `${base}/r/${respond}/finish`,
      { _csrf: token, mayQuote: 'yes' },
      headers,
    );
    if (!done.endsWith('/done')) throw new Error(`finishing went to ${done}`);
  });
  const submitted = (
    await direct.query(
      `select count(*)::int as n from survey_responses where survey_id = $1 and status = 'complete'`,
      [survey],
    )
  ).rows[0].n as number;

  // (b) The analysis over RESPONSES responses: the survey's answers as people give them.
  const seedStart = performance.now();
  const version = (
    await direct.query(`select id from survey_versions where survey_id = $1`, [survey])
  ).rows[0].id;
  const service = (
    await direct.query(
      `select id, specialism, area from services where organisation_id = $1 limit 1`,
      [org],
    )
  ).rows[0] as { id: string; specialism: string | null; area: string | null } | undefined;
  await direct.query('begin');
  await direct.query(
    `insert into survey_responses (organisation_id, survey_id, version_id, method, status,
       token_hash, service_id, specialism, area, tenure, collected_on, started_at, completed_at)
     select $1, $2, $3, (array['online','kiosk','paper','phone'])[1 + g % 4], 'complete',
       md5('bench' || g), $5, $6, (array['North','South','East','West'])[1 + g % 4],
       (array['LCRA','LCHO'])[1 + g % 2], date '2025-04-01' + (g % 365),
       timestamptz '2025-04-01' + g * interval '2 minutes',
       timestamptz '2025-04-01' + g * interval '2 minutes' + interval '5 minutes'
     from generate_series(1, $4::int) g`,
    [org, survey, version, RESPONSES, service?.id ?? null, service?.specialism ?? null],
  );
  const scale = `array['very_satisfied','fairly_satisfied','neither','fairly_dissatisfied','very_dissatisfied']`;
  await direct.query(
    `insert into survey_answers (organisation_id, response_id, survey_id, question_code,
       choice, choices, number, body, sentiment)
     select r.organisation_id, r.id, r.survey_id, q.code,
       case q.code when 'overall' then (${scale})[1 + (h % 5)]
                   when 'repairs' then (${scale})[1 + ((h / 5) % 5)] end,
       case when q.code = 'helped' then (case h % 3 when 0 then array['staff'] when 1 then array['staff','room'] else array['food'] end)
            else '{}' end,
       case when q.code = 'score' then h % 11 end,
       case when q.code = 'comments' then 'Bench comment ' || (h % 97) end,
       case when q.code = 'comments' then (array['positive','neutral','negative'])[1 + h % 3] end
     from (select r.*, abs(hashtext(r.token_hash)) as h from survey_responses r
           where r.survey_id = $1) r,
       (values (1, 'overall'), (2, 'repairs'), (3, 'helped'), (4, 'score'), (5, 'comments')) q(n, code)
     -- As answering writes them: a response's answers together, in the order responses come.
     order by r.completed_at, r.id, q.n
     -- The responses of part (a) have their answers already.
     on conflict do nothing`,
    [survey],
  );
  await direct.query('commit');
  await direct.query('vacuum analyze survey_responses');
  await direct.query('vacuum analyze survey_answers');
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const counts = (
    await direct.query(
      `select (select count(*) from survey_responses where survey_id = $1 and status = 'complete')::int as responses,
              (select count(*) from survey_answers where survey_id = $1)::int as answers`,
      [survey],
    )
  ).rows[0] as { responses: number; answers: number };

  const staff = await signIn(base, 'lead@demo.example', DEMO_PASSWORD);
  const bareTimes = await timings(`http://127.0.0.1:${bare.port}/`, 200);
  const analysisTimes = await timings(`${base}/staff/surveys/${survey}/analysis`, RUNS, {
    cookie: staff,
  });
  const cutTimes = await timings(`${base}/staff/surveys/${survey}/analysis?cut=area`, RUNS, {
    cookie: staff,
  });
  await direct.end();

  // The export of every response (as CSV), read by a sink that only counts,
  // while the server's resident memory is sampled from /proc.
  const rssOf = (pid: number | undefined) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      return 0;
    }
  };
  const rssBefore = rssOf(app.child.pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssOf(app.child.pid));
  }, 50);
  const exportStart = performance.now();
  const exported = await fetch(`${base}/staff/surveys/${survey}/export.csv`, {
    headers: { cookie: staff },
  });
  let exportLines = 0;
  let exportBytes = 0;
  for await (const chunk of exported.body as AsyncIterable<Uint8Array>) {
    exportBytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) exportLines += 1;
  }
  const exportSeconds = (performance.now() - exportStart) / 1000;
  clearInterval(sampler);
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

  const ms = (v: number) => v.toFixed(1);
  const row = (what: string, times: number[]) =>
    `| ${what} | ${times.length} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 95))} |`;
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${(await admin.query('show server_version')).rows[0].server_version}`;
  const ratio = submissions.perSecond / ceiling.perSecond;
  const analysis95 = percentile(analysisTimes, 95);
  const section = [
    '<!-- bench:surveys:start -->',
    '## Surveys: answering, and the analysis of 200,000 responses',
    '',
    `Measured ${date} on ${machine} with \`npm run bench:surveys\` (about two minutes; not part of \`npm run bench\`). Server, load and PostgreSQL on the same machine (loopback); the machine is shared, so read the ratios.`,
    '',
    `**Answering.** ${CONNECTIONS} clients for ${SECONDS} s after a 2 s warm-up. A submission is the three posts a browser makes to answer a one-page survey of five questions (a satisfaction scale twice, several choices, 0–10 and free text) through the real public routes: \`POST /s/:id/start\`, \`POST /r/:token/step/section-s1\` with the answers, \`POST /r/:token/finish\`, each with the form's CSRF token and cookie and each answered by a 303; each submission from its own address (the start limit is per address). The page views between the posts are left out. The ceiling is the bare single-INSERT route (\`bench/insert-server.ts\`: one INSERT in one transaction, then a 303), posted the same answers by the same client in the same run.`,
    '',
    '| what | per second | ratio to ceiling | errors |',
    '|---|---:|---:|---:|',
    `| Ceiling: \`POST /\` on the bare single-INSERT route | ${ceiling.perSecond.toFixed(0)} | 1.000 | ${ceiling.errors} |`,
    `| Survey answer submissions (3 requests each; ${submitted.toLocaleString('en-GB')} completed in all) | ${submissions.perSecond.toFixed(1)} | ${ratio.toFixed(3)} | ${submissions.errors} |`,
    `| … as requests (3 a submission) | ${(submissions.perSecond * 3).toFixed(0)} | ${((submissions.perSecond * 3) / ceiling.perSecond).toFixed(3)} | |`,
    '',
    `**Analysis.** ${counts.responses.toLocaleString('en-GB')} completed responses of that survey with ${counts.answers.toLocaleString('en-GB')} answers, made by \`INSERT … SELECT\` over \`generate_series\` in ${seedSeconds.toFixed(1)} s (then \`VACUUM ANALYZE\`, as autovacuum leaves a settled table). Each page loaded one request at a time through the running server, signed in as the involvement lead (row-level security on), after three loads to warm up. Target: under one second.`,
    '',
    '| what | loads | p50 ms | p95 ms |',
    '|---|---:|---:|---:|',
    row('Ceiling: `GET /` on a bare Fastify server', bareTimes),
    row(
      '`GET /staff/surveys/:id/analysis`: counts and percentages for each question, satisfaction with its Wilson interval, numbers, sentiment, responses by method, response rate, trend',
      analysisTimes,
    ),
    row('The same with a cut: `?cut=area` (suppression applied)', cutTimes),
    '',
    `The analysis page's p95 is ${analysis95 < 1000 ? 'under' : 'over'} the one-second target.`,
    '',
    `**Export.** \`GET /staff/surveys/:id/export.csv\` of the same survey, read by a client that only counts: ${(exportLines - 1).toLocaleString('en-GB')} rows (${mb(exportBytes)} MB) in ${exportSeconds.toFixed(1)} s (${Math.round((exportLines - 1) / exportSeconds).toLocaleString('en-GB')} rows/s), read in batches of 1,000 responses each in its own transaction. The server's resident memory (VmRSS, sampled every 50 ms): ${mb(rssBefore)} MB before, at most ${mb(rssPeak)} MB during: the export added ${mb(Math.max(0, rssPeak - rssBefore))} MB (issue 12: the process under 300 MB).`,
    '<!-- bench:surveys:end -->',
  ].join('\n');

  const docs = path.join(ROOT, 'docs/benchmarks.md');
  const current = existsSync(docs) ? readFileSync(docs, 'utf8') : '# Benchmarks\n';
  const pattern = /<!-- bench:surveys:start -->[\s\S]*<!-- bench:surveys:end -->/;
  writeFileSync(
    docs,
    pattern.test(current)
      ? current.replace(pattern, section)
      : `${current.trimEnd()}\n\n${section}\n`,
  );
  console.log(section);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  // BENCH_KEEP=1 keeps the database, to look at plans afterwards with psql.
  if (process.env.BENCH_KEEP) console.log(`Kept the database ${name}`);
  else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
