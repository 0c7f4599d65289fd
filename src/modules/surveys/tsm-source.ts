import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';

/** One completed response to a survey made from the `tsm-perception` template. */
export interface TsmSurveyResponse {
  responseId: string;
  /** YYYY-MM-DD */
  collectedOn: string;
  /** online, kiosk, paper, phone, email */
  method: string;
  /** LCRA, LCHO, or null when the response did not say. */
  tenure: string | null;
  /** The choice made for each question answered, by question code (tenure, repair_12m, TP01 …). */
  answers: Record<string, string>;
}

/**
 * The completed responses to surveys made from the `tsm-perception` template
 * and collected between two days (inclusive), with their choices by question
 * code: what the tsm module computes TP01–TP12 from. One statement; no
 * personal fields leave the module.
 */
export async function tsmSurveyResponses(
  tx: Queryable,
  from: string,
  to: string,
): Promise<TsmSurveyResponse[]> {
  const rows = rowsOf<{
    id: string;
    collected_on: string;
    method: string;
    tenure: string | null;
    answers: Record<string, string> | null;
  }>(
    await tx.execute(sql`
      select r.id, r.collected_on::text as collected_on, r.method, r.tenure,
        (select jsonb_object_agg(a.question_code, a.choice)
           from survey_answers a
          where a.response_id = r.id and a.choice is not null) as answers
      from survey_responses r
      join surveys s on s.id = r.survey_id
      where s.template = 'tsm-perception' and r.status = 'complete'
        and r.collected_on between ${from}::date and ${to}::date
      order by r.collected_on, r.id`),
  );
  return rows.map((r) => ({
    responseId: r.id,
    collectedOn: r.collected_on,
    method: r.method,
    tenure: r.tenure,
    answers: r.answers ?? {},
  }));
}
