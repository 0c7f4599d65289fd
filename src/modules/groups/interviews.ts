import { and, eq, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { readDateInput, type FieldProblem } from '../../platform/forms/index.ts';
import { staffPeople } from '../people/index.ts';
import { findPerson } from './elections.ts';
import {
  appointMember,
  line,
  londonToday,
  paragraph,
  seatsOf,
  LONG_MAX,
  TITLE_MAX,
} from './groups.ts';
import {
  groupInterviews,
  interviewCandidates,
  interviewPanellists,
  interviewScores,
} from './tables.ts';

type Body = Record<string, unknown>;

export type InterviewRow = typeof groupInterviews.$inferSelect;
export const SCORES = [1, 2, 3, 4, 5] as const;

/** The name a page shows for a person of the register p. */
const NAME = sql`trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name)`;

export interface InterviewFields {
  seatId: string;
  title: string;
  heldOn: string;
}

/** Reads and checks the new interview form. */
export function readInterviewForm(
  body: Body,
  seatIds: Set<string>,
): { fields: InterviewFields | null; values: Record<string, string>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const held = readDateInput(body, 'heldOn', {
    required: true,
    keys: {
      required: 'groups.interviews.errors.heldMissing',
      notReal: 'groups.interviews.errors.heldReal',
    },
  });
  const values: Record<string, string> = {
    seatId: line(body, 'seatId'),
    title: line(body, 'title'),
    ...held.values,
  };
  if (!seatIds.has(values.seatId!))
    problems.push({ field: 'seatId', key: 'groups.interviews.errors.seat' });
  if (!values.title) problems.push({ field: 'title', key: 'groups.interviews.errors.title' });
  else if (values.title.length > TITLE_MAX)
    problems.push({ field: 'title', key: 'groups.errors.titleLong', vars: { max: TITLE_MAX } });
  if (held.problem) problems.push(held.problem);
  if (problems.length > 0) return { fields: null, values, problems };
  return {
    fields: { seatId: values.seatId!, title: values.title!, heldOn: held.iso! },
    values,
    problems,
  };
}

/** Makes an interview for a seat of the body filled by interview. */
export async function createInterview(
  tx: Queryable,
  actor: Actor,
  groupId: string,
  fields: InterviewFields,
): Promise<string | null> {
  const seat = (await seatsOf(tx, groupId)).find(
    (s) => s.id === fields.seatId && s.fillBy === 'interview',
  );
  if (!seat) return null;
  const [row] = await tx
    .insert(groupInterviews)
    .values({ organisationId: sql`app_organisation_id()`, groupId, ...fields })
    .returning({ id: groupInterviews.id });
  await audit(tx, actor, {
    action: 'create',
    entity: 'interview',
    entityId: row!.id,
    after: { groupId, ...fields },
  });
  return row!.id;
}

export interface InterviewView extends InterviewRow {
  seatLabel: string;
  panellists: number;
  candidates: number;
}

/** A body's interviews, newest first, with their counts: one query. */
export async function interviewsOf(tx: Queryable, groupId: string): Promise<InterviewView[]> {
  return rowsOf<InterviewView>(
    await tx.execute(sql`
      select i.organisation_id as "organisationId", i.id, i.group_id as "groupId", i.seat_id as "seatId",
        i.title, i.held_on::text as "heldOn", i.status, i.decision_note as "decisionNote",
        i.decided_by as "decidedBy", i.created_at as "createdAt", s.label as "seatLabel",
        (select count(*) from interview_panellists x where x.interview_id = i.id)::int as panellists,
        (select count(*) from interview_candidates x where x.interview_id = i.id)::int as candidates
      from group_interviews i join group_seats s on s.id = i.seat_id
      where i.group_id = ${groupId}
      order by i.held_on desc, i.id`),
  );
}

/** One interview of a body, or null. */
export async function interviewOf(
  tx: Queryable,
  groupId: string,
  interviewId: string,
): Promise<InterviewView | null> {
  return (await interviewsOf(tx, groupId)).find((i) => i.id === interviewId) ?? null;
}

/** Puts someone from the register on the panel: a member of staff, or a customer. */
export async function addPanellist(
  tx: Queryable,
  actor: Actor,
  interview: InterviewRow,
  who: string,
): Promise<'added' | { problems: FieldProblem[] }> {
  if (interview.status !== 'open')
    return { problems: [{ field: 'panellist', key: 'groups.interviews.errors.decided' }] };
  if (!who) return { problems: [{ field: 'panellist', key: 'groups.interviews.errors.who' }] };
  const person = await findPerson(tx, who, 'panellist');
  if ('problem' in person) return { problems: [person.problem] };
  const staff = new Set((await staffPeople(tx)).map((p) => p.id));
  const kind = staff.has(person.id) ? 'staff' : 'customer';
  const [row] = await tx
    .insert(interviewPanellists)
    .values({
      organisationId: sql`app_organisation_id()`,
      interviewId: interview.id,
      personId: person.id,
      kind,
    })
    .onConflictDoNothing()
    .returning({ id: interviewPanellists.id });
  if (!row)
    return { problems: [{ field: 'panellist', key: 'groups.interviews.errors.alreadyPanel' }] };
  await audit(tx, actor, {
    action: 'panellist-add',
    entity: 'interview',
    entityId: interview.id,
    after: { personId: person.id, kind },
  });
  return 'added';
}

/** Adds a candidate from the register. */
export async function addInterviewCandidate(
  tx: Queryable,
  actor: Actor,
  interview: InterviewRow,
  who: string,
): Promise<'added' | { problems: FieldProblem[] }> {
  if (interview.status !== 'open')
    return { problems: [{ field: 'candidate', key: 'groups.interviews.errors.decided' }] };
  if (!who) return { problems: [{ field: 'candidate', key: 'groups.interviews.errors.who' }] };
  const person = await findPerson(tx, who, 'candidate');
  if ('problem' in person) return { problems: [person.problem] };
  const [row] = await tx
    .insert(interviewCandidates)
    .values({
      organisationId: sql`app_organisation_id()`,
      interviewId: interview.id,
      personId: person.id,
    })
    .onConflictDoNothing()
    .returning({ id: interviewCandidates.id });
  if (!row)
    return {
      problems: [{ field: 'candidate', key: 'groups.interviews.errors.alreadyCandidate' }],
    };
  await audit(tx, actor, {
    action: 'candidate-add',
    entity: 'interview',
    entityId: interview.id,
    after: { personId: person.id },
  });
  return 'added';
}

export interface PanelSheet {
  panellists: Array<{ id: string; personId: string; name: string; kind: string }>;
  candidates: Array<{
    id: string;
    personId: string;
    reference: string;
    name: string;
    outcome: string;
    /** Scores by panellist id. */
    scores: Record<string, { score: number; note: string | null }>;
    total: number;
    scored: number;
  }>;
}

/** The panel, the candidates and every score and note: three queries. */
export async function panelSheet(tx: Queryable, interviewId: string): Promise<PanelSheet> {
  const panellists = rowsOf<PanelSheet['panellists'][number]>(
    await tx.execute(sql`
      select x.id, x.person_id as "personId", ${NAME} as name, x.kind
      from interview_panellists x join register_people p on p.id = x.person_id
      where x.interview_id = ${interviewId}
      order by x.kind, lower(p.last_name), x.id`),
  );
  const candidates = rowsOf<{
    id: string;
    personId: string;
    reference: string;
    name: string;
    outcome: string;
  }>(
    await tx.execute(sql`
      select c.id, c.person_id as "personId", p.reference, ${NAME} as name, c.outcome
      from interview_candidates c join register_people p on p.id = c.person_id
      where c.interview_id = ${interviewId}
      order by lower(p.last_name), lower(p.first_name), c.id`),
  );
  const scores = rowsOf<{
    candidateId: string;
    panellistId: string;
    score: number;
    note: string | null;
  }>(
    await tx.execute(sql`
      select s.candidate_id as "candidateId", s.panellist_id as "panellistId", s.score, s.note
      from interview_scores s join interview_candidates c on c.id = s.candidate_id
      where c.interview_id = ${interviewId}`),
  );
  return {
    panellists,
    candidates: candidates.map((c) => {
      const mine = scores.filter((s) => s.candidateId === c.id);
      return {
        ...c,
        scores: Object.fromEntries(
          mine.map((s) => [s.panellistId, { score: s.score, note: s.note }]),
        ),
        total: mine.reduce((sum, s) => sum + s.score, 0),
        scored: mine.length,
      };
    }),
  };
}

/** The score box and note box for a candidate on the scoring form. */
export const scoreField = (candidateId: string) => `score-${candidateId}`;
export const noteField = (candidateId: string) => `note-${candidateId}`;

/**
 * Records one panellist's scores (1 to 5) and notes for the candidates: a
 * candidate left without a score is left as it was; a new score replaces
 * the panellist's last one.
 */
export async function recordScores(
  tx: Queryable,
  actor: Actor,
  interview: InterviewRow,
  body: Body,
): Promise<'saved' | { problems: FieldProblem[]; values: Record<string, string> }> {
  const values: Record<string, string> = { panellistId: line(body, 'panellistId') };
  const problems: FieldProblem[] = [];
  if (interview.status !== 'open')
    return {
      problems: [{ field: 'panellistId', key: 'groups.interviews.errors.decided' }],
      values,
    };
  const sheet = await panelSheet(tx, interview.id);
  const panellist = sheet.panellists.find((p) => p.id === values.panellistId);
  if (!panellist)
    problems.push({ field: 'panellistId', key: 'groups.interviews.errors.panellist' });
  const entries: Array<{ candidateId: string; score: number; note: string | null }> = [];
  for (const c of sheet.candidates) {
    const score = line(body, scoreField(c.id));
    const note = paragraph(body, noteField(c.id));
    values[scoreField(c.id)] = score;
    values[noteField(c.id)] = note;
    if (!score && !note) continue;
    if (!/^[1-5]$/.test(score)) {
      problems.push({
        field: scoreField(c.id),
        key: 'groups.interviews.errors.score',
        vars: { name: c.name },
        href: `${scoreField(c.id)}`,
      });
      continue;
    }
    if (note.length > LONG_MAX)
      problems.push({
        field: noteField(c.id),
        key: 'groups.errors.tooLong',
        label: 'groups.fieldNames.interviewNote',
        vars: { max: LONG_MAX },
      });
    entries.push({ candidateId: c.id, score: Number(score), note: note || null });
  }
  if (problems.length === 0 && entries.length === 0)
    problems.push({ field: 'panellistId', key: 'groups.interviews.errors.noScores' });
  if (problems.length > 0) return { problems, values };
  for (const e of entries)
    await tx
      .insert(interviewScores)
      .values({
        organisationId: sql`app_organisation_id()`,
        candidateId: e.candidateId,
        panellistId: panellist!.id,
        score: e.score,
        note: e.note,
      })
      .onConflictDoUpdate({
        target: [
          interviewScores.organisationId,
          interviewScores.candidateId,
          interviewScores.panellistId,
        ],
        set: { score: e.score, note: e.note },
      });
  await audit(tx, actor, {
    action: 'scores',
    entity: 'interview',
    entityId: interview.id,
    after: { panellistId: panellist!.id, scores: entries },
  });
  return 'saved';
}

/**
 * The panel's decision: the chosen candidate takes the seat through the
 * body's member appointment (filled by interview), the others are told
 * apart as not appointed, and the interview is closed with the reason.
 */
export async function decideInterview(
  tx: Queryable,
  actor: Actor,
  interview: InterviewRow,
  input: { candidateId: string; note: string },
  context: { baseUrl: string; today?: string },
): Promise<'decided' | { problems: FieldProblem[] }> {
  if (interview.status !== 'open')
    return { problems: [{ field: 'candidateId', key: 'groups.interviews.errors.decided' }] };
  const problems: FieldProblem[] = [];
  const sheet = await panelSheet(tx, interview.id);
  const chosen = sheet.candidates.find((c) => c.id === input.candidateId);
  if (!chosen) problems.push({ field: 'candidateId', key: 'groups.interviews.errors.choose' });
  if (!input.note) problems.push({ field: 'decisionNote', key: 'groups.interviews.errors.note' });
  else if (input.note.length > LONG_MAX)
    problems.push({
      field: 'decisionNote',
      key: 'groups.errors.tooLong',
      label: 'groups.fieldNames.decisionNote',
      vars: { max: LONG_MAX },
    });
  if (problems.length > 0) return { problems };
  const today = context.today ?? londonToday();
  const seated = await appointMember(
    tx,
    actor,
    interview.groupId,
    {
      reference: chosen!.reference,
      seatId: interview.seatId,
      startsOn: today > interview.heldOn ? today : interview.heldOn,
      termEndsOn: null,
      filledBy: 'interview',
      buddyPersonId: null,
      namedPublicly: false,
    },
    { baseUrl: context.baseUrl, today },
  );
  if ('problems' in seated)
    return { problems: seated.problems.map((p) => ({ ...p, field: 'candidateId' })) };
  await tx
    .update(interviewCandidates)
    .set({
      outcome: sql`case when ${interviewCandidates.id} = ${chosen!.id} then 'appointed' else 'not_appointed' end`,
    })
    .where(eq(interviewCandidates.interviewId, interview.id));
  await tx
    .update(groupInterviews)
    .set({ status: 'decided', decisionNote: input.note, decidedBy: actor.label })
    .where(and(eq(groupInterviews.id, interview.id), eq(groupInterviews.status, 'open')));
  await audit(tx, actor, {
    action: 'decide',
    entity: 'interview',
    entityId: interview.id,
    after: { candidateId: chosen!.id, personId: chosen!.personId, memberId: seated.id },
  });
  return 'decided';
}
