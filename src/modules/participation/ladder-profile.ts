import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { todayInLondon } from '../../platform/calendar/index.ts';
import { attendedAt, registerOf, startedBetween } from './attended.ts';
import * as periods from '../../platform/periods/index.ts';
import {
  DEFAULT_RUNGS,
  RUNGS,
  countsAsInvolvement,
  isCoProduced,
  type Rung,
} from '../initiatives/index.ts';

/**
 * The ladder profile (issue 5 §8): for a period, per rung of the ladder, the
 * initiatives active, activities held, distinct people who attended and their
 * hours, and the share of initiatives that are co-produced (rung 5 or above)
 * among those that count as involvement (rung 1 or above). Rung 0 is shown,
 * never counted.
 */

export interface RungFigures {
  rung: Rung;
  name: string;
  nameCy: string | null;
  counted: boolean;
  coProduced: boolean;
  initiatives: number;
  activities: number;
  people: number;
  hours: number;
}

export interface LadderProfile {
  from: string;
  to: string;
  rungs: RungFigures[];
  /** Totals over the counted rungs (1–7); people counted once however many rungs. */
  counted: { initiatives: number; activities: number; people: number; hours: number };
  coProducedInitiatives: number;
  /** Percentage, 0–100 to one decimal place; null when no initiative counts. */
  coProducedShare: number | null;
}

/** The financial year (from 1 April) a day falls in, from platform/periods. */
export function financialYearOf(day: string): { from: string; to: string } {
  const { from, to } = periods.financialYearOf(day);
  return { from, to };
}

export const currentFinancialYear = () => financialYearOf(todayInLondon());

/**
 * The profile for a period (dates inclusive, YYYY-MM-DD) in two queries.
 * An initiative is active in the period when it is not a draft and its
 * dates overlap the period (a missing start is when it was published or
 * made; a missing end is open, or when it was closed). Activities count when
 * held on a day in the period (in England): started, not cancelled, with
 * someone who attended (activityHeld). The activities are found by the
 * period's bounds and each one's register read from its index
 * (attended.ts), so the work is the period's, not the whole history's; each
 * person's rungs are gathered as bits, one small group a person, and
 * counted a rung at a time.
 */
export async function ladderProfile(
  tx: Queryable,
  period: { from: string; to: string },
): Promise<LadderProfile> {
  const own = rowsOf<{ rung: number; name: string; nameCy: string | null }>(
    await tx.execute(sql`select rung, name, name_cy as "nameCy" from ladder_rung_names`),
  );
  const { from, to } = period;
  const figures = rowsOf<{
    rung: number;
    initiatives: number;
    activities: number;
    people: number;
    hours: number;
  }>(
    await tx.execute(sql`
      with held as materialized (
        select a.id, i.rung::int as rung
        from activities a join initiative_summaries i on i.id = a.initiative_id
        where ${startedBetween(sql`a`, from, to)}
      ),
      registers as (
        select held.rung, r.hours
        from held cross join lateral (${registerOf(sql`held.id`)}) r
        where r.attended > 0
      ),
      attendees as (
        select t.person_id,
          bit_or(case when held.rung between 0 and 7 then 1 << held.rung else 0 end) as rungs,
          bool_or(held.rung >= 1) as counted
        from held cross join lateral (${attendedAt(sql`held.id`)}) t
        group by t.person_id
      ),
      active as (
        select i.rung from initiative_summaries i
        where i.status <> 'draft'
          and coalesce(i.starts_on, i.published_at::date, i.created_at::date) <= ${to}::date
          and coalesce(i.ends_on, case when i.status = 'closed' then i.updated_at::date end, ${to}::date) >= ${from}::date
      )
      select r.rung::int as rung,
        (select count(*) from active where active.rung = r.rung)::int as initiatives,
        (select count(*) from registers where registers.rung = r.rung)::int as activities,
        (select count(*) from attendees where attendees.rungs & (1 << r.rung) <> 0)::int as people,
        (select coalesce(sum(hours), 0) from registers where registers.rung = r.rung)::float8 as hours
      from generate_series(0, 7) as r(rung)
      union all
      select -1,
        (select count(*) from active where active.rung >= 1)::int,
        (select count(*) from registers where registers.rung >= 1)::int,
        (select count(*) from attendees where attendees.counted)::int,
        (select coalesce(sum(hours), 0) from registers where registers.rung >= 1)::float8`),
  );
  const byRung = new Map(figures.map((f) => [Number(f.rung), f]));
  const names = new Map(own.map((o) => [Number(o.rung), o]));
  const rungs: RungFigures[] = RUNGS.map((rung) => {
    const f = byRung.get(rung);
    return {
      rung,
      name: names.get(rung)?.name ?? DEFAULT_RUNGS[rung].name,
      nameCy: names.get(rung)?.nameCy ?? null,
      counted: countsAsInvolvement(rung),
      coProduced: isCoProduced(rung),
      initiatives: Number(f?.initiatives ?? 0),
      activities: Number(f?.activities ?? 0),
      people: Number(f?.people ?? 0),
      hours: Math.round(Number(f?.hours ?? 0) * 100) / 100,
    };
  });
  const total = byRung.get(-1);
  const counted = {
    initiatives: Number(total?.initiatives ?? 0),
    activities: Number(total?.activities ?? 0),
    people: Number(total?.people ?? 0),
    hours: Math.round(Number(total?.hours ?? 0) * 100) / 100,
  };
  const coProducedInitiatives = rungs
    .filter((r) => r.coProduced)
    .reduce((sum, r) => sum + r.initiatives, 0);
  return {
    from,
    to,
    rungs,
    counted,
    coProducedInitiatives,
    coProducedShare:
      counted.initiatives > 0
        ? Math.round((coProducedInitiatives / counted.initiatives) * 1000) / 10
        : null,
  };
}

export const PROFILE_MEASURES = ['initiatives', 'activities', 'people', 'hours'] as const;
export type ProfileMeasure = (typeof PROFILE_MEASURES)[number];

export interface ChartBar {
  rung: number;
  label: string;
  value: number;
  counted: boolean;
  y: number;
  width: number;
  labelY: number;
  valueX: number;
}

/**
 * The geometry of the horizontal bar chart of one measure by rung, drawn
 * on the server as SVG (no script): a row per rung, longest bar to scale.
 */
export function chartOf(
  profile: LadderProfile,
  measure: ProfileMeasure,
  language: 'en' | 'cy',
): { width: number; height: number; labelWidth: number; barArea: number; bars: ChartBar[] } {
  const labelWidth = 200;
  const barArea = 380;
  const row = 36;
  const barHeight = 22;
  const max = Math.max(1, ...profile.rungs.map((r) => r[measure]));
  const bars = profile.rungs.map((r, i) => {
    const width = r[measure] > 0 ? Math.max(2, Math.round((r[measure] / max) * barArea)) : 0;
    const name = language === 'cy' && r.nameCy ? r.nameCy : r.name;
    return {
      rung: r.rung,
      // Long names are cut short in the chart; the table beside it has them in full.
      label: `${r.rung} ${name.length > 22 ? `${name.slice(0, 21)}…` : name}`,
      value: r[measure],
      counted: r.counted,
      y: 8 + i * row,
      width,
      labelY: 8 + i * row + barHeight / 2 + 5,
      valueX: labelWidth + width + 6,
    };
  });
  return {
    width: labelWidth + barArea + 70,
    height: 16 + profile.rungs.length * row,
    labelWidth,
    barArea,
    bars,
  };
}
