import { sql } from 'drizzle-orm';
import { addWorkingDays, type Nation } from '../../platform/calendar/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { financialYear } from '../../platform/periods/index.ts';
import { readOwnSettings } from '../../platform/tenancy/index.ts';

/**
 * Complaint timeliness by the Housing Ombudsman's Complaint Handling Code and
 * the Tenant Satisfaction management measures built on the records (issue 14
 * §4; ../shared/reference/uk-standards.md §§1.5 and 2).
 */

/** Working days to respond, and the most an extension may add, by stage. */
const STAGE_DAYS: Record<1 | 2, { respond: number; extension: number }> = {
  1: { respond: 10, extension: 10 },
  2: { respond: 20, extension: 20 },
};
/** Working days to acknowledge (Code 6.2 and 6.11). */
const ACKNOWLEDGE_DAYS = 5;

export interface StageDates {
  receivedOn: string;
  acknowledgedOn: string | null;
  extendedTo: string | null;
}

/**
 * The last day a stage 1 or 2 response is in time: 10 (stage 2: 20) working
 * days after the acknowledgement or, when none is recorded, after the 5th
 * working day after receipt (the day it should have been acknowledged by).
 * An extension later than that moves the deadline to it, but never more than
 * 10 (stage 2: 20) further working days.
 *
 * [R] Our reading of the Code: a late acknowledgement starts the response
 * clock when it was given, as the Code's words ("within 10 working days of
 * the complaint being acknowledged") say; and a response within an extension
 * the Code allows counts as in time for CH02 (uk-standards.md §1.5 marks the
 * RSH's position on extensions as recalled, not verified).
 */
export function responseDeadline(stage: 1 | 2, dates: StageDates, nation: Nation): string {
  const { respond, extension } = STAGE_DAYS[stage];
  const from = dates.acknowledgedOn ?? addWorkingDays(dates.receivedOn, ACKNOWLEDGE_DAYS, nation);
  const deadline = addWorkingDays(from, respond, nation);
  if (!dates.extendedTo || dates.extendedTo <= deadline) return deadline;
  const cap = addWorkingDays(deadline, extension, nation);
  return dates.extendedTo < cap ? dates.extendedTo : cap;
}

/** Whether a response was sent by its deadline. */
export function respondedInTime(
  stage: 1 | 2,
  dates: StageDates & { respondedOn: string },
  nation: Nation,
): boolean {
  return dates.respondedOn <= responseDeadline(stage, dates, nation);
}

/** Homes by tenure for a financial year, from `coproduce import homes`; null where none was imported. */
export async function homesFor(
  tx: Queryable,
  year: number,
): Promise<{ LCRA: number | null; LCHO: number | null }> {
  const rows = rowsOf<{ tenure: string; homes: number }>(
    await tx.execute(sql`select tenure, homes from homes_counts where year = ${year}`),
  );
  const of = (tenure: string) => {
    const row = rows.find((r) => r.tenure === tenure);
    return row ? Number(row.homes) : null;
  };
  return { LCRA: of('LCRA'), LCHO: of('LCHO') };
}

export type MeasureCode = 'CH01' | 'CH02' | 'NM01' | 'RP02';

export interface ManagementMeasure {
  code: MeasureCode;
  /** stage1, stage2 (CH01, CH02); all, hate (NM01); emergency, non_emergency (RP02). */
  part: string;
  value: number | null;
  numerator: number;
  denominator: number;
}

/** Per 1,000 homes to two decimal places; null with no homes. */
export function perThousand(numerator: number, homes: number): number | null {
  return homes === 0 ? null : Math.round((numerator * 100_000) / homes) / 100;
}

/** A percentage to one decimal place; null when there is nothing to divide by. */
export function percentage(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator * 1000) / denominator) / 10;
}

/**
 * CH01, CH02, NM01 and RP02 for a financial year (`2025`: April 2025 to
 * March 2026). CH01 counts stages received in the year and NM01 cases opened,
 * per 1,000 homes (LCRA and LCHO together); CH02 takes the stages responded
 * to in the year, RP02 the repairs completed in it (completed by `target_on`
 * is in time). Stage 3 panels are not part of the Code's two stages and are
 * left out of CH01 and CH02.
 */
export async function managementMeasures(
  tx: Queryable,
  year: number,
): Promise<ManagementMeasure[]> {
  const { from, to } = financialYear(year);
  const { nation } = await readOwnSettings(tx);
  const homes = await homesFor(tx, year);
  const allHomes = (homes.LCRA ?? 0) + (homes.LCHO ?? 0);
  const [counts] = rowsOf<Record<string, number>>(
    await tx.execute(sql`
      select
        (select count(*) from complaint_stages where stage = 1 and received_on between ${from}::date and ${to}::date)::int as received1,
        (select count(*) from complaint_stages where stage = 2 and received_on between ${from}::date and ${to}::date)::int as received2,
        (select count(*) from asb_cases where opened_on between ${from}::date and ${to}::date)::int as asb,
        (select count(*) from asb_cases where hate_incident and opened_on between ${from}::date and ${to}::date)::int as hate,
        (select count(*) from repairs where priority = 'emergency' and completed_on between ${from}::date and ${to}::date)::int as emergency,
        (select count(*) from repairs where priority = 'emergency' and completed_on between ${from}::date and ${to}::date and completed_on <= target_on)::int as emergency_in_time,
        (select count(*) from repairs where priority = 'non_emergency' and completed_on between ${from}::date and ${to}::date)::int as non_emergency,
        (select count(*) from repairs where priority = 'non_emergency' and completed_on between ${from}::date and ${to}::date and completed_on <= target_on)::int as non_emergency_in_time`),
  );
  const n = (key: string) => Number(counts?.[key] ?? 0);
  const responded = rowsOf<{
    stage: number;
    received_on: string;
    acknowledged_on: string | null;
    responded_on: string;
    extended_to: string | null;
  }>(
    await tx.execute(sql`
      select stage, received_on::text, acknowledged_on::text, responded_on::text, extended_to::text
      from complaint_stages
      where stage in (1, 2) and responded_on between ${from}::date and ${to}::date`),
  );
  const timely = { 1: { in: 0, all: 0 }, 2: { in: 0, all: 0 } };
  for (const row of responded) {
    const stage = Number(row.stage) as 1 | 2;
    timely[stage].all++;
    const dates = {
      receivedOn: row.received_on,
      acknowledgedOn: row.acknowledged_on,
      extendedTo: row.extended_to,
      respondedOn: row.responded_on,
    };
    if (respondedInTime(stage, dates, nation)) timely[stage].in++;
  }
  const rate = (code: MeasureCode, part: string, count: number): ManagementMeasure => ({
    code,
    part,
    value: perThousand(count, allHomes),
    numerator: count,
    denominator: allHomes,
  });
  const share = (code: MeasureCode, part: string, num: number, den: number): ManagementMeasure => ({
    code,
    part,
    value: percentage(num, den),
    numerator: num,
    denominator: den,
  });
  return [
    rate('CH01', 'stage1', n('received1')),
    rate('CH01', 'stage2', n('received2')),
    share('CH02', 'stage1', timely[1].in, timely[1].all),
    share('CH02', 'stage2', timely[2].in, timely[2].all),
    rate('NM01', 'all', n('asb')),
    rate('NM01', 'hate', n('hate')),
    share('RP02', 'emergency', n('emergency_in_time'), n('emergency')),
    share('RP02', 'non_emergency', n('non_emergency_in_time'), n('non_emergency')),
  ];
}
