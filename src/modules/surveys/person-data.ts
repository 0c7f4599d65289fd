import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import type { PersonDataHandler } from '../../platform/manifest.ts';
import { surveyInvitations, surveyResponses } from './tables.ts';

/**
 * What surveys hold about a person: the responses linked to them (with their
 * answers) and the invitations sent to them.
 */
export const surveysPersonData: PersonDataHandler = {
  name: 'surveys',
  async export(tx, personId) {
    const responses = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`
        select r.id, s.title as survey, r.method, r.status, r.collected_on as "collectedOn",
          coalesce((select json_object_agg(a.question_code,
            coalesce(to_jsonb(a.choice), to_jsonb(a.choices), to_jsonb(a.number), to_jsonb(a.body)))
            from survey_answers a where a.response_id = r.id), '{}'::json) as answers
        from survey_responses r join surveys s on s.id = r.survey_id
        where r.person_id = ${personId} order by r.started_at`),
    );
    const invitations = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`
        select i.id, s.title as survey, i.status, i.sent_at as "sentAt", i.answered_at as "answeredAt"
        from survey_invitations i join surveys s on s.id = i.survey_id
        where i.person_id = ${personId} order by i.created_at`),
    );
    return { responses, invitations };
  },
  async merge(tx, fromId, intoId) {
    await tx
      .update(surveyResponses)
      .set({ personId: intoId })
      .where(eq(surveyResponses.personId, fromId));
    await tx
      .update(surveyInvitations)
      .set({ personId: intoId })
      .where(eq(surveyInvitations.personId, fromId));
  },
  /**
   * Unlinks their responses (the answers still count, anonymously) after
   * removing their own words, which could name them; their invitations lose
   * the link to them too.
   */
  async erase(tx, person) {
    await tx.execute(sql`
      update survey_answers a set body = null, themes = '{}', sentiment = null
      from survey_responses r
      where r.id = a.response_id and r.person_id = ${person.id} and a.body is not null`);
    await tx
      .update(surveyResponses)
      .set({ personId: null, hearBack: false })
      .where(eq(surveyResponses.personId, person.id));
    await tx
      .update(surveyInvitations)
      .set({ personId: null })
      .where(eq(surveyInvitations.personId, person.id));
  },
};

/** A person's survey responses and invitations on their timeline, in one query. */
export async function surveysTimeline(
  tx: Queryable,
  personId: string,
  text: (key: string, vars?: Record<string, unknown>) => string,
) {
  const rows = rowsOf<{ at: string; title: string; kind: string; method: string }>(
    await tx.execute(sql`
      select coalesce(r.completed_at, r.started_at)::text as at, s.title, 'response' as kind, r.method
      from survey_responses r join surveys s on s.id = r.survey_id
      where r.person_id = ${personId} and r.status = 'complete'
      union all
      select coalesce(i.sent_at, i.created_at)::text, s.title, 'invitation', i.status
      from survey_invitations i join surveys s on s.id = i.survey_id
      where i.person_id = ${personId}`),
  );
  return rows.map((r) => ({
    at: r.at,
    source: 'surveys',
    title:
      r.kind === 'response'
        ? text('surveys.timeline.answered', { title: r.title })
        : text('surveys.timeline.invited', { title: r.title }),
    detail:
      r.kind === 'response'
        ? text(`surveys.methods.${r.method}`)
        : text(`surveys.invitationStatuses.${r.method}`),
  }));
}
