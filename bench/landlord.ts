// A synthetic large landlord for the benchmarks (issue 14): 100,000 homes,
// 1,000,000 repairs, 60,000 complaint rows, 20,000 audits and 20,000
// recruitments, with services and homes counts, over financial years
// 2019 to 2020. Exported so other benchmarks (the KPI dashboard) can build
// the same landlord. Seeded: the same landlord every run.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { sql } from 'drizzle-orm';
import type { Database, Queryable } from '../src/platform/db/index.ts';
import { addServices } from '../src/modules/people/service.ts';
import { csvLine } from '../src/platform/spreadsheets/index.ts';
import { seededRandom } from '../src/demo/random.ts';

export interface LandlordSize {
  homes: number;
  repairs: number;
  complaintRows: number;
  audits: number;
  recruitments: number;
  services: number;
}

export const LARGE_LANDLORD: LandlordSize = {
  homes: 100_000,
  repairs: 1_000_000,
  complaintRows: 60_000,
  audits: 20_000,
  recruitments: 20_000,
  services: 200,
};

const SPECIALISMS = ['mental_health', 'learning_disabilities', 'young_people', 'homelessness'];
const AUDIT_TYPES = [
  'standard',
  'thematic',
  'implementation',
  'follow_up',
  'regulatory',
  'retender',
];
const RATINGS = ['outstanding', 'good', 'requires_improvement', 'inadequate', ''];
const MENU = ['interview_panel', 'question_setting', 'shortlisting', 'informal_meeting'];

/** A day between 1 April 2019 and 31 March 2021 (two financial years), as YYYY-MM-DD. */
function dayIn(random: ReturnType<typeof seededRandom>, offset = 0): string {
  const start = Date.UTC(2019, 3, 1);
  const day = random.int(0, 729) + offset;
  return new Date(start + day * 86_400_000).toISOString().slice(0, 10);
}
const plus = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The services' codes, S0 … S(n-1). */
export const serviceCode = (i: number) => `S${i}`;

/** One repair row as the import's columns have it. */
export function repairRow(i: number, random: ReturnType<typeof seededRandom>, services: number) {
  const reported = dayIn(random);
  const emergency = random.chance(0.2);
  const target = plus(reported, emergency ? 1 : 28);
  const done = random.chance(0.93);
  const completed = done ? plus(reported, emergency ? random.int(0, 2) : random.int(3, 40)) : '';
  return [
    `R${String(i).padStart(7, '0')}`,
    serviceCode(random.int(0, services - 1)),
    emergency ? 'emergency' : 'non_emergency',
    reported,
    target,
    completed,
    done && random.chance(0.45) ? plus(completed, 1) : '',
  ];
}

export const REPAIR_HEADER = [
  'reference',
  'service_code',
  'priority',
  'reported_on',
  'target_on',
  'completed_on',
  'feedback_requested_on',
];

/** Writes a CSV of `count` repairs, streaming (a million rows is about 60 MB). */
export async function writeRepairsCsv(file: string, count: number, services: number, seed = 7) {
  const random = seededRandom(seed);
  const out = createWriteStream(file);
  out.write(csvLine(REPAIR_HEADER));
  for (let i = 0; i < count; i++) {
    if (!out.write(csvLine(repairRow(i, random, services)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Inserts rows of one table as one statement a batch of unnested column arrays. */
async function insertColumns(
  tx: Queryable,
  table: string,
  columns: Array<{ name: string; type: string }>,
  rows: Array<Array<string | number | null>>,
) {
  const literal = (values: Array<string | number | null>) =>
    `{${values.map((v) => (v === null || v === '' ? 'NULL' : `"${String(v).replace(/"/g, '\\"')}"`)).join(',')}}`;
  for (let i = 0; i < rows.length; i += 10_000) {
    const batch = rows.slice(i, i + 10_000);
    const arrays = columns.map(
      (c, j) => sql`${literal(batch.map((r) => r[j] ?? null))}::${sql.raw(c.type)}[]`,
    );
    const names = columns.map((c) => c.name).join(', ');
    const picked = columns
      .map((c) =>
        c.name === 'involvement'
          ? `coalesce(string_to_array(v.${c.name}, ';'), '{}')`
          : `v.${c.name}`,
      )
      .join(', ');
    await tx.execute(sql`
      insert into ${sql.raw(table)} (organisation_id, ${sql.raw(names)})
      select app_organisation_id(), ${sql.raw(picked)}
      from unnest(${sql.join(arrays, sql`, `)}) as v(${sql.raw(names)})`);
  }
}

/**
 * Makes the landlord's services, homes counts and records in one
 * organisation (repairs only when `withRepairs`, since the import benchmark
 * brings them through the import). Returns the service ids by code.
 */
export async function seedLandlord(
  database: Database,
  organisationId: string,
  size: LandlordSize = LARGE_LANDLORD,
  options: { withRepairs?: boolean; seed?: number } = {},
): Promise<Map<string, string>> {
  const random = seededRandom(options.seed ?? 42);
  const services = new Map<string, string>();
  await database.withOrganisation(organisationId, async (tx) => {
    const made = await addServices(
      tx,
      Array.from({ length: size.services }, (_, i) => ({
        organisationId,
        code: serviceCode(i),
        name: `Service ${i}`,
        type: 'supported_housing',
        specialism: SPECIALISMS[i % SPECIALISMS.length]!,
        area: `Area ${i % 10}`,
      })),
    );
    for (const s of made) services.set(s.code, s.id);
    const lcho = Math.round(size.homes * 0.12);
    for (const year of [2019, 2020])
      await tx.execute(sql`insert into homes_counts (organisation_id, year, tenure, homes) values
        (app_organisation_id(), ${year}, 'LCRA', ${size.homes - lcho}),
        (app_organisation_id(), ${year}, 'LCHO', ${lcho})`);
  });
  const id = (code: string) => services.get(code)!;
  const someService = () => id(serviceCode(random.int(0, size.services - 1)));

  await database.withOrganisation(organisationId, async (tx) => {
    const recruitments = Array.from({ length: size.recruitments }, (_, i) => {
      const opened = dayIn(random, -60);
      const involvement = MENU.filter(() => random.chance(0.35)).join(';');
      return [
        `REC${i}`,
        `Post ${i}`,
        someService(),
        opened,
        random.chance(0.9) ? plus(opened, random.int(20, 90)) : null,
        involvement,
      ];
    });
    await insertColumns(
      tx,
      'recruitments',
      [
        { name: 'reference', type: 'text' },
        { name: 'title', type: 'text' },
        { name: 'service_id', type: 'uuid' },
        { name: 'opened_on', type: 'date' },
        { name: 'closed_on', type: 'date' },
        { name: 'involvement', type: 'text' },
      ],
      recruitments,
    );
    const audits = Array.from({ length: size.audits }, (_, i) => [
      `QA${i}`,
      someService(),
      random.pick(AUDIT_TYPES),
      dayIn(random),
      random.pick(RATINGS) || null,
      random.chance(0.45) ? random.int(1, 3) : 0,
      'Warm welcome\nClean and tidy',
    ]);
    await insertColumns(
      tx,
      'quality_audits',
      [
        { name: 'reference', type: 'text' },
        { name: 'service_id', type: 'uuid' },
        { name: 'audit_type', type: 'text' },
        { name: 'completed_on', type: 'date' },
        { name: 'rating', type: 'text' },
        { name: 'customer_quality_checkers', type: 'int' },
        { name: 'strengths', type: 'text' },
      ],
      audits,
    );
    // Complaint rows: about 80% stage 1, 17% stage 2, 3% stage 3 panels.
    const complaints: Array<Array<string | number | null>> = [];
    for (let c = 0; complaints.length < size.complaintRows; c++) {
      const received = dayIn(random);
      const service = someService();
      const stages = random.chance(0.2) ? (random.chance(0.15) ? 3 : 2) : 1;
      let from = received;
      for (let stage = 1; stage <= stages && complaints.length < size.complaintRows; stage++) {
        const ack = random.chance(0.9) ? plus(from, random.int(1, 6)) : null;
        const responded = random.chance(0.95)
          ? plus(from, random.int(5, stage === 1 ? 20 : 35))
          : null;
        complaints.push([
          `C${c}`,
          stage,
          from,
          ack,
          responded,
          random.chance(0.05) ? plus(from, 25) : null,
          stage === 1 && responded && random.chance(0.7) ? responded : null,
          stage === 3 ? random.int(0, 2) : null,
          service,
        ]);
        from = plus(responded ?? from, 3);
      }
    }
    await insertColumns(
      tx,
      'complaint_stages',
      [
        { name: 'reference', type: 'text' },
        { name: 'stage', type: 'int' },
        { name: 'received_on', type: 'date' },
        { name: 'acknowledged_on', type: 'date' },
        { name: 'responded_on', type: 'date' },
        { name: 'extended_to', type: 'date' },
        { name: 'feedback_offered_on', type: 'date' },
        { name: 'panel_customer_reps', type: 'int' },
        { name: 'service_id', type: 'uuid' },
      ],
      complaints,
    );
    const asb = Array.from({ length: Math.round(size.homes / 50) }, (_, i) => [
      `ASB${i}`,
      dayIn(random),
      random.chance(0.08) ? 'true' : 'false',
    ]);
    await insertColumns(
      tx,
      'asb_cases',
      [
        { name: 'reference', type: 'text' },
        { name: 'opened_on', type: 'date' },
        { name: 'hate_incident', type: 'boolean' },
      ],
      asb,
    );
    const obligations = Array.from({ length: size.services * 8 }, (_, i) => {
      const required = random.int(5, 50);
      return [
        `V${i}`,
        id(serviceCode(i % size.services)),
        '2019-04-01',
        i % 2 ? '2020-03-31' : '2021-03-31',
        required,
        required - random.int(-3, 8),
      ];
    });
    await insertColumns(
      tx,
      'volunteer_obligations',
      [
        { name: 'reference', type: 'text' },
        { name: 'service_id', type: 'uuid' },
        { name: 'period_start', type: 'date' },
        { name: 'period_end', type: 'date' },
        { name: 'required', type: 'int' },
        { name: 'delivered', type: 'int' },
      ],
      obligations,
    );
  });

  if (options.withRepairs) {
    const repairRandom = seededRandom(7);
    for (let done = 0; done < size.repairs; done += 100_000) {
      const rows = Array.from({ length: Math.min(100_000, size.repairs - done) }, (_, i) => {
        const r = repairRow(done + i, repairRandom, size.services);
        return [r[0]!, id(r[1]!), r[2]!, r[3]!, r[4]!, r[5] || null, r[6] || null];
      });
      await database.withOrganisation(organisationId, (tx) =>
        insertColumns(
          tx,
          'repairs',
          [
            { name: 'reference', type: 'text' },
            { name: 'service_id', type: 'uuid' },
            { name: 'priority', type: 'text' },
            { name: 'reported_on', type: 'date' },
            { name: 'target_on', type: 'date' },
            { name: 'completed_on', type: 'date' },
            { name: 'feedback_requested_on', type: 'date' },
          ],
          rows,
        ),
      );
    }
  }
  await database.system.execute(sql`analyze`);
  return services;
}
