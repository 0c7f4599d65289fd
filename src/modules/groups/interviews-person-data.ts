import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import type { PersonDataHandler } from '../../platform/manifest.ts';

/**
 * What interviews hold about a person: the panels they sat on, and the
 * interviews they were a candidate at, with the scores and notes about them.
 */
async function exportPerson(tx: Queryable, personId: string) {
  const q = async (text: ReturnType<typeof sql>) => rowsOf(await tx.execute(text));
  return {
    interviewPanels: await q(sql`
      select i.title as interview, i.held_on as "heldOn", x.kind
      from interview_panellists x join group_interviews i on i.id = x.interview_id
      where x.person_id = ${personId} order by i.held_on`),
    interviewCandidacies: await q(sql`
      select i.title as interview, i.held_on as "heldOn", c.outcome,
        coalesce((select json_agg(json_build_object('score', s.score, 'note', s.note))
          from interview_scores s where s.candidate_id = c.id), '[]') as scores
      from interview_candidates c join group_interviews i on i.id = c.interview_id
      where c.person_id = ${personId} order by i.held_on`),
  };
}

/**
 * Moves one record's panel places and candidacies to the other. Where both
 * records were on the same panel or were both candidates at one interview,
 * the kept person's row stays and the other's (with its scores) goes.
 */
async function mergePerson(tx: Queryable, fromId: string, intoId: string) {
  for (const table of ['interview_panellists', 'interview_candidates'] as const) {
    await tx.execute(sql`
      delete from ${sql.raw(table)} d using ${sql.raw(table)} k
      where d.person_id = ${fromId} and k.person_id = ${intoId} and k.interview_id = d.interview_id`);
    await tx.execute(
      sql`update ${sql.raw(table)} set person_id = ${intoId} where person_id = ${fromId}`,
    );
  }
}

/** Keeps that an interview was held and its outcome; removes the notes written about them. */
async function erasePerson(tx: Queryable, person: { id: string }) {
  await tx.execute(sql`
    update interview_scores s set note = null
    from interview_candidates c where c.id = s.candidate_id and c.person_id = ${person.id}`);
}

/** Interviews' rows in subject access, merging and erasure. */
export const interviewsPersonData: PersonDataHandler = {
  name: 'groups-interviews',
  export: exportPerson,
  merge: mergePerson,
  erase: erasePerson,
};
