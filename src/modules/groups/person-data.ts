import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import type { PersonDataHandler, TimelineSource } from '../../platform/manifest.ts';

/**
 * What groups holds about a person: seats held (and buddying), agenda items
 * proposed, candidacies with their statements, and whether they were on an
 * election's roll and voted. Never how anyone voted: ballots hold no person.
 */
async function exportPerson(tx: Queryable, personId: string) {
  const q = async (text: ReturnType<typeof sql>) => rowsOf(await tx.execute(text));
  return {
    seats: await q(sql`
      select i.title as "group", s.label as seat, m.starts_on as "startsOn", m.term_ends_on as "termEndsOn",
        m.ended_on as "endedOn", m.filled_by as "filledBy", m.named_publicly as "namedPublicly"
      from group_members m join groups g on g.id = m.group_id
      join initiative_summaries i on i.id = g.initiative_id join group_seats s on s.id = m.seat_id
      where m.person_id = ${personId} order by m.starts_on`),
    buddying: await q(sql`
      select i.title as "group", m.starts_on as "startsOn" from group_members m
      join groups g on g.id = m.group_id join initiative_summaries i on i.id = g.initiative_id
      where m.buddy_person_id = ${personId}`),
    agendaItems: await q(sql`
      select title, detail, status, response, created_at as "createdAt" from group_agenda_items
      where proposed_by_person_id = ${personId} order by created_at`),
    candidacies: await q(sql`
      select e.title as election, c.statement, c.statement_easy_read as "statementEasyRead"
      from election_candidates c join group_elections e on e.id = c.election_id
      where c.person_id = ${personId}`),
    electorates: await q(sql`
      select e.title as election, r.voted, r.voted_by as "votedBy"
      from election_electors r join group_elections e on e.id = r.election_id
      where r.person_id = ${personId}`),
  };
}

/**
 * Moves one record's rows to the other. A candidacy or a place on a roll is
 * one per election and person: where both records have one, the kept
 * person's stays (a vote cast by either counts once, as the kept one's).
 */
async function mergePerson(tx: Queryable, fromId: string, intoId: string) {
  await tx.execute(sql`update group_members set person_id = ${intoId} where person_id = ${fromId}`);
  await tx.execute(
    sql`update group_members set buddy_person_id = ${intoId} where buddy_person_id = ${fromId}`,
  );
  await tx.execute(
    sql`update group_agenda_items set proposed_by_person_id = ${intoId} where proposed_by_person_id = ${fromId}`,
  );
  await tx.execute(sql`
    delete from election_candidates d using election_candidates k
    where d.person_id = ${fromId} and k.person_id = ${intoId} and k.election_id = d.election_id`);
  await tx.execute(
    sql`update election_candidates set person_id = ${intoId} where person_id = ${fromId}`,
  );
  await tx.execute(sql`
    update election_electors k set voted = k.voted or d.voted, voted_by = coalesce(k.voted_by, d.voted_by)
    from election_electors d
    where d.person_id = ${fromId} and k.person_id = ${intoId} and k.election_id = d.election_id`);
  await tx.execute(sql`
    delete from election_electors d using election_electors k
    where d.person_id = ${fromId} and k.person_id = ${intoId} and k.election_id = d.election_id`);
  await tx.execute(
    sql`update election_electors set person_id = ${intoId} where person_id = ${fromId}`,
  );
}

/**
 * Keeps that a seat was held (so counts and the body's history stay right)
 * but no longer names them publicly; removes what they wrote (agenda items'
 * words, candidate statements) and any unused voting link.
 */
async function erasePerson(tx: Queryable, person: { id: string }) {
  await tx.execute(
    sql`update group_members set named_publicly = false where person_id = ${person.id}`,
  );
  await tx.execute(sql`
    update group_agenda_items set detail = null, proposed_by_label = '' where proposed_by_person_id = ${person.id}`);
  await tx.execute(sql`
    update election_candidates set statement = '', statement_easy_read = '' where person_id = ${person.id}`);
  await tx.execute(
    sql`update election_electors set token_hash = null where person_id = ${person.id}`,
  );
}

/** Groups' rows in subject access, merging and erasure. */
export const groupsPersonData: PersonDataHandler = {
  name: 'groups',
  export: exportPerson,
  merge: mergePerson,
  erase: erasePerson,
};

/** Seats held, on the person's timeline: one query. */
export const groupsTimeline: TimelineSource = async (tx, personId, text) => {
  const rows = rowsOf<{ group: string; seat: string; startsOn: string; endsOn: string | null }>(
    await tx.execute(sql`
      select i.title as "group", s.label as seat, m.starts_on::text as "startsOn",
        coalesce(m.ended_on, m.term_ends_on)::text as "endsOn"
      from group_members m join groups g on g.id = m.group_id
      join initiative_summaries i on i.id = g.initiative_id join group_seats s on s.id = m.seat_id
      where m.person_id = ${personId}`),
  );
  return rows.map((r) => ({
    at: r.startsOn,
    source: 'groups',
    title: text('groups.timeline.seat', { seat: r.seat, group: r.group }),
    ...(r.endsOn ? { detail: text('groups.timeline.until', { date: r.endsOn }) } : {}),
  }));
};
