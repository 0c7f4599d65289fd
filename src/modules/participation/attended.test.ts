import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { MODULES } from '../../modules.ts';
import { rowsOf, type Tx } from '../../platform/db/index.ts';
import { installModules } from '../../platform/manifest.ts';
import {
  computeStatisticSeries,
  computeStatisticsSeries,
} from '../../platform/statistics/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { makeOrganisation } from '../../platform/testing/app.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople } from '../people/index.ts';
import { ladderProfile } from './ladder-profile.ts';

/**
 * The ladder profile and participation's people and hours read the
 * period's activities by their start and each register from its index
 * (attended.ts). These tests check every figure against a recount written
 * the plain way (every attendance row, every activity, as the queries were
 * before), on registers of every kind: cancelled, still to come, only
 * apologies, attended on the last evening of a period and just after its
 * midnight, people at several rungs, and after attendance is changed.
 */

let testDb: TestDatabase;
let org: Organisation;
const withOrg = <T>(work: (tx: Tx) => Promise<T>) => testDb.database.withOrganisation(org.id, work);

const held = sql`a.status <> 'cancelled' and a.starts_at <= now() and exists (
  select 1 from attendance h where h.activity_id = a.id and h.status = 'attended')`;
const dayOf = sql`(a.starts_at at time zone 'Europe/London')::date`;

/** The ladder's figures counted the plain way. */
async function ladderRecount(tx: Tx, from: string, to: string) {
  const rows = rowsOf<{
    rung: number;
    activities: number;
    people: number;
    hours: number;
  }>(
    await tx.execute(sql`
      with came as (
        select i.rung, a.id as activity_id, t.person_id, t.hours
        from activities a join initiatives i on i.id = a.initiative_id
        join attendance t on t.activity_id = a.id and t.status = 'attended'
        where ${held} and ${dayOf} between ${from}::date and ${to}::date
      )
      select r.rung::int as rung,
        (select count(distinct activity_id) from came where came.rung = r.rung)::int as activities,
        (select count(distinct person_id) from came where came.rung = r.rung)::int as people,
        (select coalesce(sum(hours), 0) from came where came.rung = r.rung)::float8 as hours
      from generate_series(0, 7) as r(rung)
      union all
      select -1,
        (select count(distinct activity_id) from came where rung >= 1)::int,
        (select count(distinct person_id) from came where rung >= 1)::int,
        (select coalesce(sum(hours), 0) from came where rung >= 1)::float8`),
  );
  return rows.map((r) => [
    Number(r.rung),
    Number(r.activities),
    Number(r.people),
    Math.round(Number(r.hours) * 100) / 100,
  ]);
}

async function ladderNow(tx: Tx, from: string, to: string) {
  const profile = await ladderProfile(tx, { from, to });
  return [
    ...profile.rungs.map((r) => [r.rung, r.activities, r.people, r.hours]),
    [-1, profile.counted.activities, profile.counted.people, profile.counted.hours],
  ];
}

/** People involved and hours in a period, counted the plain way. */
async function participationRecount(tx: Tx, from: string, to: string) {
  const [row] = rowsOf<{ people: number; hours: number }>(
    await tx.execute(sql`
      select count(distinct t.person_id)::int as people, coalesce(sum(t.hours), 0)::float8 as hours
      from attendance t join activities a on a.id = t.activity_id
      where t.status = 'attended' and ${held} and ${dayOf} between ${from}::date and ${to}::date`),
  );
  return { people: Number(row!.people), hours: Number(row!.hours) };
}

const PERIODS = [
  { from: '2025-04-01', to: '2026-03-31' },
  { from: '2025-04-01', to: '2025-06-30' },
  { from: '2025-07-01', to: '2025-09-30' },
  { from: '2025-10-01', to: '2025-12-31' },
  { from: '2026-01-01', to: '2026-03-31' },
  { from: '2026-03-31', to: '2026-03-31' },
  { from: '2026-04-01', to: '2026-04-01' },
  { from: '2025-10-26', to: '2025-10-26' },
  { from: '2024-01-01', to: '2030-12-31' },
];

async function assertRecounts(label: string) {
  await withOrg(async (tx) => {
    for (const { from, to } of PERIODS)
      assert.deepEqual(
        await ladderNow(tx, from, to),
        await ladderRecount(tx, from, to),
        `${label}: ladder ${from} to ${to}`,
      );
    const people = await computeStatisticSeries(tx, 'participation.people-involved', {}, PERIODS);
    const hours = await computeStatisticSeries(tx, 'participation.hours', {}, PERIODS);
    // Together, as the KPI dashboard reads them: one query for both.
    const [batchedHours, batchedPeople] = await computeStatisticsSeries(
      tx,
      [
        { name: 'participation.hours', filter: {} },
        { name: 'participation.people-involved', filter: {} },
      ],
      PERIODS,
    );
    for (const [i, { from, to }] of PERIODS.entries()) {
      const recount = await participationRecount(tx, from, to);
      assert.equal(people[i]!.value, recount.people, `${label}: people ${from} to ${to}`);
      assert.equal(hours[i]!.value, recount.hours, `${label}: hours ${from} to ${to}`);
      assert.equal(batchedPeople![i]!.value, recount.people, `${label}: batched people ${from}`);
      assert.equal(batchedHours![i]!.value, recount.hours, `${label}: batched hours ${from}`);
    }
  });
}

const activityIds: string[] = [];
let personIds: string[] = [];

before(async () => {
  installModules(MODULES);
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'recount', name: 'Recount Homes' });
  await makeOrganisation(testDb.database, { slug: 'other', name: 'Other Homes' });
  personIds = await withOrg((tx) =>
    addPeople(
      tx,
      Array.from({ length: 12 }, (_, i) => ({
        organisationId: org.id,
        reference: `RC${i}`,
        firstName: `Person${i}`,
        lastName: 'Recount',
        kinds: ['customer'],
      })),
    ),
  );
  await withOrg(async (tx) => {
    const initiativeIds: string[] = [];
    for (const rung of [0, 1, 3, 5, 5, 7])
      initiativeIds.push(
        rowsOf<{ id: string }>(
          await tx.execute(sql`insert into initiatives (organisation_id, title, kind, rung, status, starts_on)
            values (app_organisation_id(), ${`Rung ${rung}`}, 'panel', ${rung}, 'active', '2024-01-01') returning id`),
        )[0]!.id,
      );
    // Starts in England: the last evening of March (BST begins on 30 March
    // 2026), just after midnight on 1 April, the night the clocks go back,
    // ordinary days, one cancelled, one still to come.
    const starts: Array<[string, string]> = [
      ['2025-05-10 10:00', 'planned'],
      ['2025-06-30 23:30', 'planned'],
      ['2025-07-01 00:15', 'planned'],
      ['2025-08-01 10:00', 'cancelled'],
      ['2025-10-26 01:30', 'planned'],
      ['2025-11-20 18:00', 'planned'],
      ['2026-01-15 10:00', 'planned'],
      ['2026-03-31 23:30', 'planned'],
      ['2026-04-01 00:30', 'planned'],
      ['2099-01-01 10:00', 'planned'],
      ['2025-09-09 10:00', 'planned'],
      ['2025-12-31 23:59', 'planned'],
    ];
    for (const [i, [start, status]] of starts.entries()) {
      const initiativeId = initiativeIds[i % initiativeIds.length]!;
      activityIds.push(
        rowsOf<{ id: string }>(
          await tx.execute(sql`insert into activities (organisation_id, initiative_id, kind, title, starts_at, ends_at, status)
            values (app_organisation_id(), ${initiativeId}, 'meeting', 'Meeting',
              ${`${start} Europe/London`}::timestamptz, ${`${start} Europe/London`}::timestamptz + interval '1 hour', ${status})
            returning id`),
        )[0]!.id,
      );
    }
    // A register an activity: some attended (hours with pence-like parts),
    // some apologies or absent; activity 10 has only apologies.
    const statuses = ['attended', 'attended', 'apologies', 'attended', 'did_not_attend'];
    const rows: string[] = [];
    for (const [a, activityId] of activityIds.entries())
      for (const [p, personId] of personIds.entries()) {
        if ((a + p) % 3 === 0) continue;
        const status = a === 10 ? 'apologies' : statuses[(a * 7 + p) % statuses.length]!;
        const hours = status === 'attended' ? (((a + 1) * (p + 2)) % 7) + 0.25 * (p % 4) : 0;
        rows.push(`('${activityId}', '${personId}', '${status}', ${hours})`);
      }
    await tx.execute(
      sql.raw(`insert into attendance (organisation_id, activity_id, person_id, status, hours)
        select app_organisation_id(), v.a::uuid, v.p::uuid, v.s, v.h
        from (values ${rows.join(', ')}) as v(a, p, s, h)`),
    );
  });
});
after(async () => {
  await testDb.close();
});

describe('counting attendance a period at a time', () => {
  it('gives the figures a plain recount gives, for every rung and period', async () => {
    const check = await withOrg((tx) => ladderRecount(tx, '2025-04-01', '2026-03-31'));
    assert.ok(
      check.some(([rung, activities]) => rung === -1 && activities! > 3),
      'the fixtures hold registers',
    );
    await assertRecounts('as recorded');
  });

  it('still does after attendance, an activity and a rung are changed', async () => {
    await withOrg(async (tx) => {
      // Everyone at one activity sent apologies after all; someone marked
      // attended at another; the cancelled one goes ahead; one moves a day.
      await tx.execute(
        sql`update attendance set status = 'apologies', hours = 0 where activity_id = ${activityIds[0]!}`,
      );
      await tx.execute(
        sql`update attendance set status = 'attended', hours = 4.5 where activity_id = ${activityIds[5]!} and status <> 'attended'`,
      );
      await tx.execute(sql`update activities set status = 'planned' where id = ${activityIds[3]!}`);
      await tx.execute(
        sql`update activities set starts_at = starts_at + interval '1 day' where id = ${activityIds[7]!}`,
      );
      await tx.execute(
        sql`delete from attendance where activity_id = ${activityIds[2]!} and person_id = ${personIds[1]!}`,
      );
      await tx.execute(sql`update initiatives set rung = 6 where rung = 3`);
    });
    await assertRecounts('after changes');
  });
});
