import { sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/index.ts';
import type { DemoContext } from '../../platform/manifest.ts';
import { financialYearOf } from '../../platform/periods/index.ts';
import {
  AGREEMENT,
  FILTER_OF,
  SATISFACTION,
  TP_CODES,
  tenuresOf,
  type Tenure,
} from './measures.ts';

/**
 * Last financial year's tenant perception survey for the demo organisation,
 * as if a contractor had run it by telephone and online: 340 LCRA responses
 * (enough for operations' demo 2,380 homes at ±5%) and 150 LCHO (short of the
 * 165 its 290 homes need, so the page shows a shortfall to explain).
 */
export async function seedTsmDemo(tx: Queryable, demo: DemoContext): Promise<void> {
  const random = demo.random;
  const year = financialYearOf(demo.today).year - 1;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  /** An answer leaning satisfied: about seven in ten positive, some don't know. */
  const answer = (scale: readonly string[], dontKnow: boolean) => {
    const r = random();
    if (dontKnow && r < 0.05) return 'dont_know';
    if (r < 0.35) return scale[0]!;
    if (r < 0.7) return scale[1]!;
    if (r < 0.8) return scale[2]!;
    if (r < 0.92) return scale[3]!;
    return scale[4]!;
  };
  const rows = [];
  for (const [tenure, count] of [
    ['LCRA', 340],
    ['LCHO', 150],
  ] as Array<[Tenure, number]>) {
    for (let i = 0; i < count; i++) {
      const filters = {
        repair12m: tenure === 'LCRA' ? random() < 0.6 : null,
        complaint12m: random() < 0.15,
        communalAreas: random() < 0.4,
      };
      const answers: Record<string, string> = {};
      for (const code of TP_CODES) {
        if (!tenuresOf(code).includes(tenure)) continue;
        const filter = FILTER_OF[code];
        if (filter && filters[filter] !== true) continue;
        if (random() < 0.03) continue; // left blank
        const dk = !['TP01', 'TP02', 'TP03', 'TP04', 'TP09', 'TP10'].includes(code);
        answers[code] = answer(code === 'TP08' ? AGREEMENT : SATISFACTION, dk);
      }
      const month = Math.floor(random() * 3); // June to August
      const day = 1 + Math.floor(random() * 28);
      rows.push(sql`(app_organisation_id(), ${`DEMO-TSM-${tenure}-${i + 1}`}, ${year}, ${tenure},
        ${`${year}-${String(6 + month).padStart(2, '0')}-${String(day).padStart(2, '0')}`}::date,
        ${pick(['telephone', 'telephone', 'online'])}, ${filters.repair12m}::boolean,
        ${filters.complaint12m}::boolean, ${filters.communalAreas}::boolean,
        ${JSON.stringify(answers)}::jsonb)`);
    }
  }
  for (let i = 0; i < rows.length; i += 500)
    await tx.execute(sql`
      insert into tsm_responses (organisation_id, respondent_ref, year, tenure, collected_on,
        method, repair_12m, complaint_12m, communal_areas, answers)
      values ${sql.join(rows.slice(i, i + 500), sql`, `)}
      on conflict (organisation_id, year, respondent_ref) do nothing`);
}
