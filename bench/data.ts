// The data of the page benchmark (issue 15): the demo organisation grown to a
// large landlord's size, and many small organisations reached by host name.
//
// `npm run bench:data` builds it in a database of its own and keeps it
// (BENCH_DATA_NAME, default coproduce_bench_data, replaced if it is there),
// for `EXPLAIN ANALYZE` or a server of your own; bench/pages.ts calls the same
// functions on the database it measures.
//
// Growing the demo rather than inventing rows: every row made is a copy of a
// row the demo's own code wrote (with new ids, references and tokens, and its
// links mapped to the copies), so the large organisation's rows pass every
// check the application makes, and the demo's own pages and ids stay as they
// were: a page measured before and after the growth is the same page with
// more rows behind it.
import pg from 'pg';
import { adminUrlOrExit, withDatabase } from './lib.ts';

type Client = pg.Client | pg.PoolClient;

export interface Growth {
  people: number;
  initiatives: number;
  activities: number;
  /** Attendance rows, with an invitation and (for those who came) a reward each. */
  attendance: number;
  rewards: number;
  claims: number;
  /** Days of audit trail, ending today. */
  auditDays: number;
  auditPerDay: number;
}

export const LARGE: Growth = {
  people: 100_000,
  initiatives: 2_000,
  activities: 20_000,
  attendance: 200_000,
  rewards: 50_000,
  claims: 50_000,
  auditDays: 365,
  auditPerDay: 1_000,
};

export async function columns(client: Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select column_name as name from information_schema.columns
     where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER'
     order by ordinal_position`,
    [table],
  );
  return rows.map((r) => r.name);
}

/**
 * Copies `table`'s rows of the organisation once for each row of `from` (a
 * FROM clause over the source rows, aliased `src`, joined to maps), with the
 * columns named in `set` given by an expression and the rest copied.
 */
async function copyRows(
  client: Client,
  table: string,
  from: string,
  set: Record<string, string>,
  parameters: unknown[],
): Promise<number> {
  const names = await columns(client, table);
  const list = names.map((c) => `"${c}"`).join(', ');
  const values = names.map((c) => set[c] ?? `src."${c}"`).join(', ');
  const result = await client.query(
    `insert into ${table} (${list}) select ${values} from ${from}`,
    parameters,
  );
  return result.rowCount ?? 0;
}

/** A map from each of the organisation's rows of `table` to `times` new ids. */
async function makeMap(
  client: Client,
  map: string,
  table: string,
  organisationId: string,
  times: number,
) {
  await client.query(`drop table if exists ${map}`);
  await client.query(
    `create temporary table ${map} as
       select s.id as old_id, g, gen_random_uuid() as new_id,
              row_number() over (order by s.id, g) as n
       from ${table} s, generate_series(1, $2::int) g
       where s.organisation_id = $1`,
    [organisationId, times],
  );
  await client.query(`create index on ${map} (old_id, g)`);
  const { rows } = await client.query<{ count: string }>(`select count(*) from ${map}`);
  return Number(rows[0]!.count);
}

async function countOf(client: Client, table: string, organisationId: string): Promise<number> {
  const { rows } = await client.query<{ count: string }>(
    `select count(*) from ${table} where organisation_id = $1`,
    [organisationId],
  );
  return Number(rows[0]!.count);
}

/**
 * Grows the organisation (the demo, already seeded) to `size` by copying its
 * rows. Runs as the database owner, beneath row-level security, in one
 * transaction. Returns the counts reached.
 */
export async function growOrganisation(
  client: Client,
  organisationId: string,
  size: Growth = LARGE,
): Promise<Record<string, number>> {
  const times = async (table: string, target: number) =>
    Math.max(1, Math.ceil(target / Math.max(1, await countOf(client, table, organisationId))));
  await client.query('begin');
  try {
    // People, with their consents, services, roles and training.
    const peopleTimes = await times('people', size.people);
    await makeMap(client, 'map_people', 'people', organisationId, peopleTimes);
    await copyRows(
      client,
      'people',
      `people src join map_people m on m.old_id = src.id`,
      {
        id: 'm.new_id',
        reference: `src.reference || '-' || m.g`,
        email: `case when src.email is null then null
                else split_part(src.email, '@', 1) || '+' || m.g || '@' || split_part(src.email, '@', 2) end`,
        supporter_id: 'null',
        buddy_id: 'null',
        created_at: `src.created_at - (m.g % 700) * interval '1 day'`,
      },
      [],
    );
    for (const table of ['consents', 'person_services', 'person_roles', 'person_training']) {
      await copyRows(
        client,
        table,
        `${table} src join map_people m on m.old_id = src.person_id`,
        { id: 'gen_random_uuid()', person_id: 'm.new_id' },
        [],
      );
    }
    // Initiatives, their opportunities (left as drafts: the public list stays
    // the demo's), and activities spread over them.
    const initiativeTimes = await times('initiatives', size.initiatives);
    await makeMap(client, 'map_initiatives', 'initiatives', organisationId, initiativeTimes);
    await copyRows(
      client,
      'initiatives',
      `initiatives src join map_initiatives m on m.old_id = src.id`,
      { id: 'm.new_id', title: `src.title || ' (' || m.g || ')'` },
      [],
    );
    const activityTimes = await times('activities', size.activities);
    await makeMap(client, 'map_activities', 'activities', organisationId, activityTimes);
    await copyRows(
      client,
      'activities',
      `activities src join map_activities m on m.old_id = src.id
       join map_initiatives i on i.old_id = src.initiative_id
         and i.g = ((m.g - 1) % ${initiativeTimes}) + 1`,
      {
        id: 'm.new_id',
        initiative_id: 'i.new_id',
        starts_at: `src.starts_at - (m.g % 365) * interval '1 day'`,
        ends_at: `src.ends_at - (m.g % 365) * interval '1 day'`,
      },
      [],
    );
    // Attendance, invitations and rewards follow the activity's copy, each
    // person's copy chosen so that no one is twice at one activity.
    const attendanceRounds = Math.max(
      1,
      Math.ceil(
        size.attendance /
          Math.max(1, (await countOf(client, 'attendance', organisationId)) * activityTimes),
      ),
    );
    for (let round = 0; round < attendanceRounds; round += 1) {
      const personCopy = `((m.g + ${round * 97} - 1) % ${peopleTimes}) + 1`;
      const joins = (table: string) =>
        `${table} src join map_activities m on m.old_id = src.activity_id
         join map_people p on p.old_id = src.person_id and p.g = ${personCopy}`;
      await copyRows(
        client,
        'attendance',
        joins('attendance'),
        { id: 'gen_random_uuid()', activity_id: 'm.new_id', person_id: 'p.new_id' },
        [],
      );
      await copyRows(
        client,
        'invitations',
        joins('invitations'),
        {
          id: 'gen_random_uuid()',
          activity_id: 'm.new_id',
          person_id: 'p.new_id',
          token_hash: `md5(random()::text || clock_timestamp()::text || m.new_id::text || p.new_id::text)`,
          reminder_token_hash: `case when src.reminder_token_hash is null then null
            else md5(random()::text || m.new_id::text || p.new_id::text || 'r') end`,
        },
        [],
      );
    }
    const rewardsNow = await countOf(client, 'rewards', organisationId);
    await copyRows(
      client,
      'rewards',
      `(select src.*, m.new_id as activity_copy, p.new_id as person_copy
        from rewards src join map_activities m on m.old_id = src.activity_id
        join map_people p on p.old_id = src.person_id and p.g = ((m.g - 1) % ${peopleTimes}) + 1
        where src.organisation_id = $1
        limit $2) src`,
      { id: 'gen_random_uuid()', activity_id: 'src.activity_copy', person_id: 'src.person_copy' },
      [organisationId, Math.max(0, size.rewards - rewardsNow)],
    );
    // Expense claims: the demo may have none to copy, so they are made.
    await client.query(
      `insert into expense_claims (organisation_id, person_id, activity_id, kind, amount_pence,
         description, status, incurred_on, created_at)
       select $1, p.new_id, null, case when s.i % 3 = 0 then 'travel' else 'childcare' end,
              500 + (s.i % 40) * 25, 'Bus fare to the meeting',
              case s.i % 4 when 0 then 'submitted' when 1 then 'approved' when 2 then 'paid' else 'rejected' end,
              current_date - (s.i % 365), now() - (s.i % 365) * interval '1 day'
       from generate_series(1, $2::int) s(i)
       join map_people p on p.n = 1 + (s.i::bigint * 7919) % (select count(*) from map_people)`,
      [organisationId, size.claims],
    );
    // A year of audit trail, spread over the days, on the people copied.
    await client.query(
      `insert into audit_log (organisation_id, at, actor_user_id, actor_label, action, entity, entity_id, before, after)
       select $1, now() - (s.i::numeric / $2::numeric) * interval '1 day', null, 'Priya Shah',
              case s.i % 3 when 0 then 'person.update' when 1 then 'attendance.record' else 'consent.record' end,
              'person', p.new_id::text, null, jsonb_build_object('field', 'phone')
       from generate_series(1, $2::int * $3::int) s(i)
       join map_people p on p.n = 1 + (s.i::bigint * 104729) % (select count(*) from map_people)`,
      [organisationId, size.auditPerDay, size.auditDays],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  await client.query('vacuum analyze');
  const counts: Record<string, number> = {};
  for (const table of [
    'people',
    'initiatives',
    'activities',
    'attendance',
    'invitations',
    'rewards',
    'expense_claims',
    'audit_log',
  ]) {
    counts[table] = await countOf(client, table, organisationId);
  }
  return counts;
}

/**
 * Adds `count` small organisations, each reached by its own host name
 * (`o1.bench.test` …), each with a copy of the demo's services, its first 20
 * people and its published opportunities with their initiatives. Returns the
 * host names.
 */
export async function addSmallOrganisations(
  client: Client,
  demoId: string,
  count: number,
): Promise<string[]> {
  await client.query('begin');
  try {
    await client.query(`drop table if exists small_orgs`);
    await client.query(
      `create temporary table small_orgs as
         select gen_random_uuid() as id, g, 'o' || g || '.bench.test' as host
         from generate_series(1, $1::int) g`,
      [count],
    );
    const orgColumns = (await columns(client, 'organisations')).filter((c) => c !== 'id');
    await client.query(
      `insert into organisations (id, ${orgColumns.map((c) => `"${c}"`).join(', ')})
       select s.id, ${orgColumns
         .map((c) =>
           c === 'slug' ? `'bench-' || s.g` : c === 'name' ? `'Small Housing ' || s.g` : `o."${c}"`,
         )
         .join(', ')}
       from organisations o, small_orgs s where o.id = $1`,
      [demoId],
    );
    await client.query(
      `insert into organisation_hosts (host, organisation_id) select host, id from small_orgs`,
    );
    // Per-organisation copies: each copied row's new id keyed on (old id, org).
    const copyInto = async (table: string, where: string, set: Record<string, string>) => {
      await client.query(`drop table if exists map_${table}`);
      await client.query(
        `create temporary table map_${table} as
           select src.id as old_id, s.id as org, gen_random_uuid() as new_id
           from ${table} src, small_orgs s where src.organisation_id = $1 ${where}`,
        [demoId],
      );
      await client.query(`create index on map_${table} (old_id, org)`);
      await copyRows(
        client,
        table,
        `${table} src join map_${table} m on m.old_id = src.id`,
        { organisation_id: 'm.org', id: 'm.new_id', ...set },
        [],
      );
    };
    await copyInto('services', '', {});
    await copyInto(
      'people',
      `and src.id in (select id from people where organisation_id = $1 order by reference limit 20)`,
      { supporter_id: 'null', buddy_id: 'null', partner_organisation_id: 'null' },
    );
    await copyInto(
      'initiatives',
      `and src.id in (select initiative_id from opportunities where organisation_id = $1 and status = 'published')`,
      { owner_user_id: 'null' },
    );
    await copyInto('opportunities', `and src.status = 'published'`, {
      initiative_id: `(select i.new_id from map_initiatives i where i.old_id = src.initiative_id and i.org = m.org)`,
    });
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  const { rows } = await client.query<{ host: string }>(`select host from small_orgs order by g`);
  return rows.map((r) => r.host);
}

// npm run bench:data: build and keep the database.
if (import.meta.url === `file://${process.argv[1]}`) {
  const adminUrl = adminUrlOrExit();
  const { migrateDatabase, openDatabase } = await import('../src/platform/db/index.ts');
  const { seedDemo } = await import('../src/demo/seed.ts');
  const { installModules } = await import('../src/platform/manifest.ts');
  const { MODULES } = await import('../src/modules.ts');
  installModules(MODULES);
  const name = process.env.BENCH_DATA_NAME ?? 'coproduce_bench_data';
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a database name: ${name}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase({ databaseUrl: url });
  let started = performance.now();
  await migrateDatabase(database, url);
  const { organisation } = await seedDemo(database);
  await database.close();
  console.log(
    `migrated and seeded the demo in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  started = performance.now();
  const counts = await growOrganisation(client, organisation.id);
  console.log(`grew the demo in ${((performance.now() - started) / 1000).toFixed(1)} s:`, counts);
  started = performance.now();
  const hosts = await addSmallOrganisations(
    client,
    organisation.id,
    Number(process.env.BENCH_ORGS ?? 1000),
  );
  console.log(
    `added ${hosts.length} organisations in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await client.end();
  await admin.end();
  console.log(`kept: ${url} (sign in as lead@demo.example)`);
}
