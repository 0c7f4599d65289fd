/**
 * The tenant perception measures TP01–TP12 and the sample check, exactly as
 * ../shared/reference/uk-standards.md §§1.2–1.4 set them out. Pure functions
 * over responses already read, so the rules are tested on fixtures worked out
 * by hand (tsm.test.ts) with no database in the way.
 */
import { AGREEMENT, SATISFACTION } from '../surveys/index.ts';

export const TENURES = ['LCRA', 'LCHO'] as const;
export type Tenure = (typeof TENURES)[number];

export const TP_CODES = [
  'TP01',
  'TP02',
  'TP03',
  'TP04',
  'TP05',
  'TP06',
  'TP07',
  'TP08',
  'TP09',
  'TP10',
  'TP11',
  'TP12',
] as const;
export type TpCode = (typeof TP_CODES)[number];

// The five substantive answers of each scale are the denominator: the
// surveys module's scales (the tsm-perception template answers in them), so
// the codes cannot drift apart.
export { SATISFACTION, AGREEMENT };

/** The numerator: very plus fairly satisfied; for TP08 strongly agree plus agree (§1.3 [V]). */
const POSITIVE: Record<'satisfaction' | 'agreement', ReadonlySet<string>> = {
  satisfaction: new Set(['very_satisfied', 'fairly_satisfied']),
  agreement: new Set(['strongly_agree', 'agree']),
};
const SUBSTANTIVE: Record<'satisfaction' | 'agreement', ReadonlySet<string>> = {
  satisfaction: new Set(SATISFACTION),
  agreement: new Set(AGREEMENT),
};
export const scaleOf = (code: TpCode): 'satisfaction' | 'agreement' =>
  code === 'TP08' ? 'agreement' : 'satisfaction';

/**
 * The answers a file may give: the five, "don't know", and (not on TP08,
 * whose codes end at dont_know) "not applicable". Both are left out of the
 * denominator, as a blank is.
 */
export function allowedAnswers(code: TpCode): readonly string[] {
  return code === 'TP08'
    ? [...AGREEMENT, 'dont_know']
    : [...SATISFACTION, 'dont_know', 'not_applicable'];
}

/**
 * The tenures each measure is reported for (§1.2): TP02–TP04, the repairs
 * measures, for LCRA only [C: the reference's scope column, and the RSH
 * dataset's LCHO file has TP01 and TP05–TP12 only]; the others for LCRA and
 * LCHO, reported separately.
 */
export function tenuresOf(code: TpCode): readonly Tenure[] {
  return code === 'TP02' || code === 'TP03' || code === 'TP04' ? ['LCRA'] : TENURES;
}

/**
 * Who is asked a filtered measure (§1.3): TP02 and TP03 only those who had a
 * repair in the last 12 months [V], TP09 those who complained in the last 12
 * months and TP10 those with communal areas the landlord maintains (the
 * filters are implied by the official descriptions; their wording is [R]).
 * A respondent who answered no, or was not asked, is outside the base.
 */
export const FILTER_OF: Partial<Record<TpCode, 'repair12m' | 'complaint12m' | 'communalAreas'>> = {
  TP02: 'repair12m',
  TP03: 'repair12m',
  TP09: 'complaint12m',
  TP10: 'communalAreas',
};

/** One response, whichever way it came in. */
export interface TsmResponse {
  tenure: Tenure | null;
  repair12m: boolean | null;
  complaint12m: boolean | null;
  communalAreas: boolean | null;
  /** TP code → answer code; a blank is absent. */
  answers: Record<string, string>;
  /** Null counts as 1 when the year is weighted. */
  weight: number | null;
  collectedOn: string;
  method: string;
  source: 'survey' | 'import';
}

export interface TpMeasure {
  code: TpCode;
  part: Tenure;
  /** Percentage to one decimal place; null when the denominator is zero. */
  value: number | null;
  /** Respondents (not weighted) satisfied or agreeing. */
  numerator: number;
  /** Respondents (not weighted) who gave one of the five substantive answers. */
  denominator: number;
  /** The sums of weights the value was taken from, when the year is weighted. */
  weighted_numerator?: number;
  weighted_denominator?: number;
}

/** A percentage to one decimal place (half up); null when there is nothing to divide by. */
export function percentage(numerator: number, denominator: number): number | null {
  if (!(denominator > 0)) return null;
  return Math.round((numerator * 1000) / denominator) / 10;
}

const twoPlaces = (n: number) => Math.round(n * 100) / 100;

/** Whether any response of the year carries a weight: then every figure is weighted. */
export const isWeighted = (responses: readonly TsmResponse[]) =>
  responses.some((r) => r.weight !== null);

/**
 * TP01–TP12 for LCRA and LCHO apart (§1.3, the rule marked [R, high
 * confidence] in the reference):
 *   TPxx = (very + fairly satisfied) / (the five substantive answers) × 100,
 * TP08 with strongly agree + agree; "don't know", "not applicable", blanks
 * and respondents filtered out (no repair, no complaint, no communal areas)
 * are left out of both. To one decimal place.
 *
 * Weighting (§1.3 [C]: landlords may weight, and must then say so and name
 * the characteristics; how to weight is not in the reference, so this is
 * our reading [R]): when any response carries a weight, the value is the sum
 * of the weights of the numerator over the sum of the weights of the
 * denominator, a response without a weight counting 1. The counts of
 * respondents stay as numerator and denominator.
 */
export function tpMeasures(responses: readonly TsmResponse[]): TpMeasure[] {
  return tpFromTallies(talliesOf(responses), isWeighted(responses));
}

/**
 * Respondents who gave one answer to one question, alike in tenure and the
 * three filters: how many, and the sum of their weights (no weight counts 1).
 * The database counts imported responses this way; a survey's are tallied
 * here, so one calculation serves both.
 */
export interface Tally {
  tenure: Tenure | null;
  repair12m: boolean | null;
  complaint12m: boolean | null;
  communalAreas: boolean | null;
  code: string;
  answer: string;
  count: number;
  weight: number;
}

/** Responses as tallies, one per response and answer. */
export function talliesOf(responses: readonly TsmResponse[]): Tally[] {
  return responses.flatMap((r) =>
    Object.entries(r.answers).map(([code, answer]) => ({
      tenure: r.tenure,
      repair12m: r.repair12m,
      complaint12m: r.complaint12m,
      communalAreas: r.communalAreas,
      code,
      answer,
      count: 1,
      weight: r.weight ?? 1,
    })),
  );
}

/** TP01–TP12 from tallies (the rules are tpMeasures'). */
export function tpFromTallies(tallies: readonly Tally[], weighted: boolean): TpMeasure[] {
  const measures: TpMeasure[] = [];
  for (const code of TP_CODES) {
    const scale = scaleOf(code);
    const filter = FILTER_OF[code];
    for (const part of tenuresOf(code)) {
      let numerator = 0;
      let denominator = 0;
      let wNumerator = 0;
      let wDenominator = 0;
      for (const t of tallies) {
        if (t.code !== code || t.tenure !== part) continue;
        if (filter && t[filter] !== true) continue;
        if (!SUBSTANTIVE[scale].has(t.answer)) continue;
        denominator += t.count;
        wDenominator += t.weight;
        if (POSITIVE[scale].has(t.answer)) {
          numerator += t.count;
          wNumerator += t.weight;
        }
      }
      measures.push({
        code,
        part,
        value: weighted ? percentage(wNumerator, wDenominator) : percentage(numerator, denominator),
        numerator,
        denominator,
        ...(weighted
          ? {
              weighted_numerator: twoPlaces(wNumerator),
              weighted_denominator: twoPlaces(wDenominator),
            }
          : {}),
      });
    }
  }
  return measures;
}

/**
 * The margin of error (95%, ± percentage points) the achieved sample must
 * reach for a tenure with this many relevant homes (§1.4, a table the
 * reference marks [R], corroborated [C] by landlords' publications):
 * fewer than 2,500 homes ±5%; 2,500 to 24,999 ±4%; 25,000 or more ±3%.
 * [R] Providers with fewer than 1,000 homes have a lighter regime (Annex A
 * of the Survey Requirements) whose detail the reference did not find; the
 * ±5% band is shown for them too, and the page says so.
 */
export function requiredMargin(homes: number): 3 | 4 | 5 {
  if (homes < 2500) return 5;
  if (homes < 25_000) return 4;
  return 3;
}

const Z = 1.96;

/**
 * Responses needed for a margin e (a fraction) with N homes, at p = 0.5
 * (§1.4): n0 = 1.96² × 0.25 / e², n = n0 / (1 + (n0 − 1) / N). Rounded to
 * the nearest whole response, which reproduces every figure in the
 * reference's table (278 for 1,000 homes, 333 for 2,499, 484 for 2,500, 562
 * for 8,797, 586 for 24,999, 1,023 for 25,000, 1,045 for 50,000); rounding
 * up would give 334, 485, 587 and 1,024.
 */
export function requiredResponses(homes: number, margin: number): number {
  const e = margin / 100;
  const n0 = (Z * Z * 0.25) / (e * e);
  return Math.round(n0 / (1 + (n0 - 1) / homes));
}

/**
 * The margin of error (± percentage points, one decimal place) that n
 * responses give from N homes at p = 0.5, with the finite population
 * correction: the inverse of requiredResponses.
 */
export function achievedMargin(responses: number, homes: number): number | null {
  if (responses <= 0 || homes <= 1) return null;
  const n = Math.min(responses, homes);
  const e = Z * Math.sqrt((0.25 / n) * ((homes - n) / (homes - 1)));
  return Math.round(e * 1000) / 10;
}

export interface SampleEntry {
  tenure: Tenure;
  /** Relevant homes in the tenure (operations' homes counts); null when none were imported. */
  homes: number | null;
  /** The required margin of error, ± percentage points. */
  margin: number | null;
  /** Responses needed for that margin. */
  required: number | null;
  /** Responses achieved in the year. */
  achieved: number;
  /** The margin the achieved responses give. */
  achieved_margin: number | null;
  /** Whether the achieved sample reaches the required number; null without homes. */
  met: boolean | null;
}

/** The sample check for each tenure (§1.4: LCRA and LCHO are separate populations). */
export function sampleCheck(
  achievedBy: Record<Tenure, number>,
  homes: Record<Tenure, number | null>,
): SampleEntry[] {
  return TENURES.map((tenure) => {
    const achieved = achievedBy[tenure];
    const count = homes[tenure];
    if (count === null || count <= 0)
      return {
        tenure,
        homes: count,
        margin: null,
        required: null,
        achieved,
        achieved_margin: null,
        met: null,
      };
    const margin = requiredMargin(count);
    const required = requiredResponses(count, margin);
    return {
      tenure,
      homes: count,
      margin,
      required,
      achieved,
      achieved_margin: achievedMargin(achieved, count),
      met: achieved >= required,
    };
  });
}
