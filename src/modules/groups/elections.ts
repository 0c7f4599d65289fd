import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import { readDateInput, type FieldProblem } from '../../platform/forms/index.ts';
import { hashToken, newToken } from '../../platform/http/link-tokens.ts';
import { isLanguage, type Language } from '../../platform/i18n/index.ts';
import { queueMail } from '../../platform/mail/index.ts';
import { listServices, needsEasyRead, personByReference } from '../people/index.ts';
import {
  appointMember,
  groupById,
  line,
  londonToday,
  many,
  paragraph,
  seatsOf,
  wholeNumber,
  TITLE_MAX,
  LONG_MAX,
  type TieRule,
} from './groups.ts';
import { dayInWords } from './reminders.ts';
import { newSeed, seededShuffle } from './seeded.ts';
import { electionBallots, electionCandidates, electionElectors, groupElections } from './tables.ts';

type Body = Record<string, unknown>;

export type ElectionRow = typeof groupElections.$inferSelect;
export const ELECTION_STATUSES = ['draft', 'open', 'closed', 'published'] as const;
export type ElectionStatus = (typeof ELECTION_STATUSES)[number];

/** The name a page shows for a person of the register p. */
const NAME = sql`trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name)`;

// ---------------------------------------------------------------------------
// The count (pure, so each tie rule is tested on its own)

export interface ElectionTie {
  rule: TieRule;
  /** The candidates tied for the last places, in id order (the order a drawing of lots reads). */
  candidateIds: string[];
  /** How many of them are elected. */
  places: number;
  /** lot: settled at the count; casting_vote: once the chair's choice is entered; rerun: never. */
  settled: boolean;
  /** Who the lot or the chair chose. */
  chosen: string[];
  /** lot: the seed of the draw, so anyone can make it again. */
  seed?: string;
}

export interface ElectionResult {
  ballots: number;
  /** Ballots marked for no one (a spoilt paper). */
  blank: number;
  /** Votes by candidate, most first (ties in id order). */
  counts: Array<{ candidateId: string; votes: number }>;
  /** Who is elected, so far as the count and the tie rule say. */
  elected: string[];
  tie: ElectionTie | null;
  /** Places the election did not fill: a tie under the "rerun" rule. */
  openPlaces: number;
}

/**
 * Counts the ballots: votes by candidate; the most votes are elected, up to
 * the places. When candidates tie for the last places the body's rule
 * settles it: by lot (a seeded shuffle of the tied, in id order, whose seed
 * is recorded), by the chair's casting vote (entered afterwards), or not at
 * all (rerun: the tied places stay open for a new ballot).
 */
export function countVotes(input: {
  candidateIds: readonly string[];
  ballots: ReadonlyArray<readonly string[]>;
  places: number;
  rule: TieRule;
  seed?: string;
}): ElectionResult {
  const votes = new Map(input.candidateIds.map((id) => [id, 0]));
  let blank = 0;
  for (const ballot of input.ballots) {
    if (ballot.length === 0) blank += 1;
    for (const choice of new Set(ballot))
      if (votes.has(choice)) votes.set(choice, votes.get(choice)! + 1);
  }
  const counts = [...votes.entries()]
    .map(([candidateId, n]) => ({ candidateId, votes: n }))
    .sort((a, b) => b.votes - a.votes || (a.candidateId < b.candidateId ? -1 : 1));
  const base = { ballots: input.ballots.length, blank, counts };
  if (counts.length <= input.places)
    return { ...base, elected: counts.map((c) => c.candidateId), tie: null, openPlaces: 0 };
  const last = counts[input.places - 1]!.votes;
  const next = counts[input.places]!.votes;
  if (last !== next)
    return {
      ...base,
      elected: counts.slice(0, input.places).map((c) => c.candidateId),
      tie: null,
      openPlaces: 0,
    };
  const above = counts.filter((c) => c.votes > last).map((c) => c.candidateId);
  const tied = counts
    .filter((c) => c.votes === last)
    .map((c) => c.candidateId)
    .sort();
  const places = input.places - above.length;
  if (input.rule === 'lot') {
    const seed = input.seed ?? newSeed();
    const chosen = seededShuffle(tied, seed).slice(0, places);
    return {
      ...base,
      elected: [...above, ...chosen],
      tie: { rule: 'lot', candidateIds: tied, places, settled: true, chosen, seed },
      openPlaces: 0,
    };
  }
  if (input.rule === 'casting_vote')
    return {
      ...base,
      elected: above,
      tie: { rule: 'casting_vote', candidateIds: tied, places, settled: false, chosen: [] },
      openPlaces: 0,
    };
  return {
    ...base,
    elected: above,
    tie: { rule: 'rerun', candidateIds: tied, places, settled: false, chosen: [] },
    openPlaces: places,
  };
}

// ---------------------------------------------------------------------------
// Making an election

export interface ElectionFields {
  seatId: string;
  title: string;
  places: number;
  closesOn: string;
  eligibleServiceIds: string[];
  eligibleServiceTypes: string[];
  eligibleSpecialisms: string[];
}

/** Reads and checks the new election form. */
export function readElectionForm(
  body: Body,
  known: {
    seatIds: Set<string>;
    serviceIds: Set<string>;
    serviceTypes: Set<string>;
    specialisms: Set<string>;
  },
  today = londonToday(),
): {
  fields: ElectionFields | null;
  values: Record<string, unknown>;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const closes = readDateInput(body, 'closesOn', {
    required: true,
    keys: {
      required: 'groups.elections.errors.closesMissing',
      notReal: 'groups.elections.errors.closesReal',
    },
  });
  const values: Record<string, unknown> = {
    seatId: line(body, 'seatId'),
    title: line(body, 'title'),
    places: line(body, 'places'),
    eligibleServiceIds: many(body, 'eligibleServiceIds'),
    eligibleServiceTypes: many(body, 'eligibleServiceTypes'),
    eligibleSpecialisms: many(body, 'eligibleSpecialisms'),
    ...closes.values,
  };
  if (!known.seatIds.has(values.seatId as string))
    problems.push({ field: 'seatId', key: 'groups.elections.errors.seat' });
  const title = values.title as string;
  if (!title) problems.push({ field: 'title', key: 'groups.elections.errors.title' });
  else if (title.length > TITLE_MAX)
    problems.push({ field: 'title', key: 'groups.errors.titleLong', vars: { max: TITLE_MAX } });
  const places = wholeNumber(values.places as string);
  if (places === null || Number.isNaN(places) || places < 1 || places > 50)
    problems.push({ field: 'places', key: 'groups.elections.errors.places' });
  if (closes.problem) problems.push(closes.problem);
  else if (closes.iso && closes.iso < today)
    problems.push({
      field: 'closesOn',
      key: 'groups.elections.errors.closesPast',
      href: 'closesOn-day',
    });
  const pick = (name: string, set: Set<string>) =>
    (values[name] as string[]).filter((c) => set.has(c));
  if (problems.length > 0) return { fields: null, values, problems };
  return {
    fields: {
      seatId: values.seatId as string,
      title,
      places: places!,
      closesOn: closes.iso!,
      eligibleServiceIds: pick('eligibleServiceIds', known.serviceIds),
      eligibleServiceTypes: pick('eligibleServiceTypes', known.serviceTypes),
      eligibleSpecialisms: pick('eligibleSpecialisms', known.specialisms),
    },
    values,
    problems,
  };
}

/** Makes an election (a draft) to a seat of the body; the body's tie rule is copied onto it. */
export async function createElection(
  tx: Queryable,
  actor: Actor,
  groupId: string,
  fields: ElectionFields,
): Promise<string | null> {
  const group = await groupById(tx, groupId);
  if (!group) return null;
  const seat = (await seatsOf(tx, groupId)).find((s) => s.id === fields.seatId);
  if (!seat) return null;
  const [row] = await tx
    .insert(groupElections)
    .values({
      organisationId: sql`app_organisation_id()`,
      groupId,
      ...fields,
      tieRule: group.tieRule,
    })
    .returning({ id: groupElections.id });
  await audit(tx, actor, {
    action: 'create',
    entity: 'election',
    entityId: row!.id,
    after: { groupId, ...fields, tieRule: group.tieRule },
  });
  return row!.id;
}

export interface ElectionView extends ElectionRow {
  seatLabel: string;
  candidates: number;
  electors: number;
  voted: number;
}

/** A body's elections, newest first, with their counts: one query. */
export async function electionsOf(tx: Queryable, groupId: string): Promise<ElectionView[]> {
  return rowsOf<ElectionView>(
    await tx.execute(sql`
      select e.id, e.group_id as "groupId", e.seat_id as "seatId", e.title, e.places,
        e.eligible_service_ids as "eligibleServiceIds", e.eligible_service_types as "eligibleServiceTypes",
        e.eligible_specialisms as "eligibleSpecialisms", e.tie_rule as "tieRule", e.status,
        e.closes_on::text as "closesOn", e.result, e.lot_seed as "lotSeed", e.created_at as "createdAt",
        s.label as "seatLabel",
        (select count(*) from election_candidates c where c.election_id = e.id)::int as candidates,
        (select count(*) from election_electors x where x.election_id = e.id)::int as electors,
        (select count(*) from election_electors x where x.election_id = e.id and x.voted)::int as voted
      from group_elections e join group_seats s on s.id = e.seat_id
      where e.group_id = ${groupId}
      order by e.created_at desc, e.id`),
  );
}

/** One election of a body, or null: ids from a URL are looked up within the body. */
export async function electionOf(
  tx: Queryable,
  groupId: string,
  electionId: string,
): Promise<ElectionView | null> {
  return (await electionsOf(tx, groupId)).find((e) => e.id === electionId) ?? null;
}

export interface CandidateView {
  id: string;
  personId: string;
  reference: string;
  name: string;
  statement: string;
  statementEasyRead: string;
}

/** An election's candidates, by name. */
export async function candidatesOf(tx: Queryable, electionId: string): Promise<CandidateView[]> {
  return rowsOf<CandidateView>(
    await tx.execute(sql`
      select c.id, c.person_id as "personId", p.reference, ${NAME} as name, c.statement,
        c.statement_easy_read as "statementEasyRead"
      from election_candidates c join register_people p on p.id = c.person_id
      where c.election_id = ${electionId}
      order by lower(p.last_name), lower(p.first_name), c.id`),
  );
}

/**
 * Finds a person on the register by reference, or by name when the name is
 * one person's alone. Returns the problem to show otherwise.
 */
export async function findPerson(
  tx: Queryable,
  who: string,
  field: string,
): Promise<{ id: string; reference: string } | { problem: FieldProblem }> {
  const byReference = await personByReference(tx, who);
  if (byReference && !byReference.erasedAt)
    return { id: byReference.id, reference: byReference.reference };
  const named = rowsOf<{ id: string; reference: string }>(
    await tx.execute(sql`
      select p.id, p.reference from register_people p
      where p.erased_at is null
        and (lower(${NAME}) = lower(${who}) or lower(p.first_name || ' ' || p.last_name) = lower(${who}))
      order by p.reference limit 2`),
  );
  if (named.length === 1) return named[0]!;
  return {
    problem: {
      field,
      key: named.length > 1 ? 'groups.elections.errors.manyNamed' : 'groups.elections.errors.noOne',
      vars: { who },
    },
  };
}

/** Reads the candidate form. */
export function readCandidateForm(body: Body): {
  values: Record<string, string>;
  problems: FieldProblem[];
} {
  const values = {
    who: line(body, 'who'),
    statement: paragraph(body, 'statement'),
    statementEasyRead: paragraph(body, 'statementEasyRead'),
  };
  const problems: FieldProblem[] = [];
  if (!values.who) problems.push({ field: 'who', key: 'groups.elections.errors.who' });
  if (!values.statement)
    problems.push({ field: 'statement', key: 'groups.elections.errors.statement' });
  if (!values.statementEasyRead)
    problems.push({ field: 'statementEasyRead', key: 'groups.elections.errors.easyRead' });
  for (const name of ['statement', 'statementEasyRead'] as const)
    if (values[name].length > LONG_MAX)
      problems.push({
        field: name,
        key: 'groups.errors.tooLong',
        label: `groups.fieldNames.${name}`,
        vars: { max: LONG_MAX },
      });
  return { values, problems };
}

/** Adds a candidate from the register to a draft election. */
export async function addCandidate(
  tx: Queryable,
  actor: Actor,
  election: ElectionRow,
  values: Record<string, string>,
): Promise<{ id: string } | { problems: FieldProblem[] }> {
  if (election.status !== 'draft')
    return { problems: [{ field: 'who', key: 'groups.elections.errors.notDraft' }] };
  const person = await findPerson(tx, values.who!, 'who');
  if ('problem' in person) return { problems: [person.problem] };
  const [row] = await tx
    .insert(electionCandidates)
    .values({
      organisationId: sql`app_organisation_id()`,
      electionId: election.id,
      personId: person.id,
      statement: values.statement!,
      statementEasyRead: values.statementEasyRead!,
    })
    .onConflictDoNothing()
    .returning({ id: electionCandidates.id });
  if (!row) return { problems: [{ field: 'who', key: 'groups.elections.errors.already' }] };
  await audit(tx, actor, {
    action: 'candidate-add',
    entity: 'election',
    entityId: election.id,
    after: { candidateId: row.id, personId: person.id },
  });
  return row;
}

/** Takes a candidate off a draft election. */
export async function removeCandidate(
  tx: Queryable,
  actor: Actor,
  election: ElectionRow,
  candidateId: string,
): Promise<boolean> {
  if (election.status !== 'draft') return false;
  const [row] = await tx
    .delete(electionCandidates)
    .where(
      and(eq(electionCandidates.id, candidateId), eq(electionCandidates.electionId, election.id)),
    )
    .returning({ personId: electionCandidates.personId });
  if (!row) return false;
  await audit(tx, actor, {
    action: 'candidate-remove',
    entity: 'election',
    entityId: election.id,
    after: { candidateId, personId: row.personId },
  });
  return true;
}

/**
 * Who may vote: people on the register using, today, one of the services the
 * election names or a service of a type (tenure) or specialism it names;
 * everyone using any service when it names none. Read through the
 * register's views and people's listServices, in person id order.
 */
export async function electorateOf(
  tx: Queryable,
  election: Pick<
    ElectionRow,
    'eligibleServiceIds' | 'eligibleServiceTypes' | 'eligibleSpecialisms'
  >,
  today = londonToday(),
): Promise<string[]> {
  const named =
    election.eligibleServiceIds.length +
    election.eligibleServiceTypes.length +
    election.eligibleSpecialisms.length;
  const services = await listServices(tx);
  const ids = services
    .filter(
      (s) =>
        named === 0 ||
        election.eligibleServiceIds.includes(s.id) ||
        election.eligibleServiceTypes.includes(s.type) ||
        election.eligibleSpecialisms.includes(s.specialism),
    )
    .map((s) => s.id);
  if (ids.length === 0) return [];
  return rowsOf<{ id: string }>(
    await tx.execute(sql`
      select distinct p.id from register_person_services ps
      join register_people p on p.id = ps.person_id and p.erased_at is null
      where ps.service_id = any(${uuidArray(ids)}) and ps.started_on <= ${today}::date
        and (ps.ended_on is null or ps.ended_on >= ${today}::date)
      order by p.id`),
  ).map((r) => r.id);
}

/** How many the roll would hold today, for the draft's page. */
export async function electorateSize(tx: Queryable, election: ElectionRow): Promise<number> {
  return (await electorateOf(tx, election)).length;
}

export interface RollEntry {
  reference: string;
  name: string;
  voted: boolean;
  votedBy: string | null;
  /** A voting link was emailed and is not yet spent. */
  hasLink: boolean;
}

/** Most of the roll a page lists; the rest is counted. */
export const ROLL_SHOWN = 500;

/**
 * The roll as staff see it, by name: who may vote and whether they have (and
 * how: online or on paper), never what they chose. A draft's roll is the one
 * opening it would make today.
 */
export async function rollOf(tx: Queryable, election: ElectionRow): Promise<RollEntry[]> {
  if (election.status === 'draft') {
    const ids = await electorateOf(tx, election);
    if (ids.length === 0) return [];
    return rowsOf<RollEntry>(
      await tx.execute(sql`
        select p.reference, ${NAME} as name, false as voted, null as "votedBy", false as "hasLink"
        from register_people p where p.id = any(${uuidArray(ids)})
        order by lower(p.last_name), lower(p.first_name), p.reference limit ${ROLL_SHOWN}`),
    );
  }
  return rowsOf<RollEntry>(
    await tx.execute(sql`
      select p.reference, ${NAME} as name, x.voted, x.voted_by as "votedBy",
        x.token_hash is not null as "hasLink"
      from election_electors x join register_people p on p.id = x.person_id
      where x.election_id = ${election.id}
      order by lower(p.last_name), lower(p.first_name), p.reference limit ${ROLL_SHOWN}`),
  );
}

export const VOTE_PATH = '/vote';

/**
 * Opens a draft election: makes the roll from the register, and emails each
 * elector who can be emailed a single-use voting link (only its sha256 is
 * kept). Electors without email vote on paper, entered by staff.
 */
export async function openElection(
  tx: Queryable,
  actor: Actor,
  election: ElectionRow,
  context: { baseUrl: string; organisationName: string; groupTitle: string },
): Promise<{ electors: number; emailed: number } | { problem: string }> {
  if (election.status !== 'draft') return { problem: 'groups.elections.errors.notDraft' };
  const candidates = await candidatesOf(tx, election.id);
  if (candidates.length === 0) return { problem: 'groups.elections.errors.noCandidates' };
  const roll = await electorateOf(tx, election);
  if (roll.length === 0) return { problem: 'groups.elections.errors.noElectors' };
  const [moved] = await tx
    .update(groupElections)
    .set({ status: 'open' })
    .where(and(eq(groupElections.id, election.id), eq(groupElections.status, 'draft')))
    .returning({ id: groupElections.id });
  if (!moved) return { problem: 'groups.elections.errors.notDraft' };
  await tx.insert(electionElectors).values(
    roll.map((personId) => ({
      organisationId: sql`app_organisation_id()`,
      electionId: election.id,
      personId,
    })),
  );
  const reachable = rowsOf<{
    id: string;
    email: string;
    language: string | null;
    easyRead: boolean;
    greetName: string;
  }>(
    await tx.execute(sql`
      select x.id, p.email, p.language, ${needsEasyRead(sql`p`)} as "easyRead",
        coalesce(nullif(trim(p.preferred_name), ''), p.first_name) as "greetName"
      from election_electors x join register_people p on p.id = x.person_id
      where x.election_id = ${election.id} and p.email is not null and p.email <> ''
        and not p.do_not_contact and 'contact_email' = any(coalesce(p.consents, '{}'))
      order by x.id`),
  );
  for (const elector of reachable) {
    const { token, hash } = newToken();
    await tx
      .update(electionElectors)
      .set({ tokenHash: hash })
      .where(eq(electionElectors.id, elector.id));
    const language: Language =
      elector.language && isLanguage(elector.language) ? elector.language : 'en';
    await queueMail(tx, {
      to: elector.email,
      template: 'group-election-vote',
      language,
      easyRead: elector.easyRead,
      vars: {
        name: elector.greetName,
        organisation: context.organisationName,
        group: context.groupTitle,
        election: election.title,
        date: dayInWords(election.closesOn!, language),
      },
      link: `${context.baseUrl}${VOTE_PATH}/${token}`,
    });
  }
  await audit(tx, actor, {
    action: 'open',
    entity: 'election',
    entityId: election.id,
    after: { electors: roll.length, emailed: reachable.length },
  });
  return { electors: roll.length, emailed: reachable.length };
}

/** Checks a ballot's choices: at least one, no more than the places, each a candidate. */
export function checkChoices(
  choices: readonly string[],
  candidateIds: ReadonlySet<string>,
  places: number,
): 'ok' | 'none' | 'too-many' | 'unknown' {
  if (choices.length === 0) return 'none';
  if (choices.some((c) => !candidateIds.has(c))) return 'unknown';
  if (choices.length > places) return 'too-many';
  return 'ok';
}

export interface VotingPaper {
  election: ElectionRow;
  groupTitle: string;
  candidates: CandidateView[];
}

/**
 * What a voting link opens: the election, its candidates and the body; or
 * "unknown" (no such link, or it has been used: a used link's hash is gone)
 * or "closed" (counted, or past its closing day).
 */
export async function votingPaper(
  tx: Queryable,
  token: string,
  today = londonToday(),
): Promise<VotingPaper | 'unknown' | 'closed'> {
  const [row] = rowsOf<{ electionId: string; title: string }>(
    await tx.execute(sql`
      select x.election_id as "electionId", i.title
      from election_electors x
      join group_elections e on e.id = x.election_id
      join groups g on g.id = e.group_id
      join initiative_summaries i on i.id = g.initiative_id
      where x.token_hash = ${hashToken(token)} and not x.voted`),
  );
  if (!row) return 'unknown';
  const [election] = await tx
    .select()
    .from(groupElections)
    .where(eq(groupElections.id, row.electionId));
  if (!election || election.status !== 'open' || (election.closesOn ?? today) < today)
    return 'closed';
  return { election, groupTitle: row.title, candidates: await candidatesOf(tx, election.id) };
}

/** The voter stands apart from the ballot: nothing of theirs is passed to the ballot's insert. */
async function dropBallot(tx: Queryable, electionId: string, choices: readonly string[]) {
  await tx.insert(electionBallots).values({
    organisationId: sql`app_organisation_id()`,
    electionId,
    choices: [...choices],
  });
}

/**
 * Records a vote through a voting link, in the caller's transaction: the
 * elector is marked voted (and the link spent) only if they had not voted,
 * and the ballot, with no person and no time, is added beside it. A second
 * use of the link, or a vote already entered on paper, changes nothing.
 */
export async function castOnline(
  tx: Queryable,
  token: string,
  choices: readonly string[],
  today = londonToday(),
): Promise<'counted' | 'unknown' | 'closed' | 'none' | 'too-many'> {
  const paper = await votingPaper(tx, token, today);
  if (typeof paper === 'string') return paper;
  const checked = checkChoices(
    choices,
    new Set(paper.candidates.map((c) => c.id)),
    paper.election.places,
  );
  if (checked === 'unknown') return 'none';
  if (checked !== 'ok') return checked;
  const [marked] = await tx
    .update(electionElectors)
    .set({ voted: true, votedBy: 'online', tokenHash: null })
    .where(
      and(
        eq(electionElectors.tokenHash, hashToken(token)),
        eq(electionElectors.voted, false),
        eq(electionElectors.electionId, paper.election.id),
      ),
    )
    .returning({ id: electionElectors.id });
  if (!marked) return 'unknown';
  await dropBallot(tx, paper.election.id, choices);
  // The record says a vote came in, not whose or how.
  await audit(
    tx,
    { userId: null, label: 'voter', ip: null },
    { action: 'vote', entity: 'election', entityId: paper.election.id, after: { by: 'online' } },
  );
  return 'counted';
}

/**
 * Enters a paper vote for a named elector: marks them voted (and spends any
 * link they were sent) only if they had not voted, and adds the ballot. A
 * spoilt paper is a ballot with no choices.
 */
export async function castPaper(
  tx: Queryable,
  actor: Actor,
  election: ElectionRow,
  input: { who: string; choices: readonly string[]; spoilt: boolean },
): Promise<'counted' | { problems: FieldProblem[] }> {
  if (election.status !== 'open')
    return { problems: [{ field: 'who', key: 'groups.elections.errors.notOpen' }] };
  const problems: FieldProblem[] = [];
  if (!input.who) problems.push({ field: 'who', key: 'groups.elections.errors.elector' });
  const candidates = await candidatesOf(tx, election.id);
  const checked = input.spoilt
    ? 'ok'
    : checkChoices(input.choices, new Set(candidates.map((c) => c.id)), election.places);
  if (checked !== 'ok')
    problems.push({
      field: 'choice',
      key: checked === 'too-many' ? 'groups.vote.errors.tooMany' : 'groups.vote.errors.none',
      vars: { count: election.places },
    });
  if (problems.length > 0) return { problems };
  const person = await findPerson(tx, input.who, 'who');
  if ('problem' in person) return { problems: [person.problem] };
  const [elector] = await tx
    .select({ id: electionElectors.id, voted: electionElectors.voted })
    .from(electionElectors)
    .where(
      and(eq(electionElectors.electionId, election.id), eq(electionElectors.personId, person.id)),
    );
  if (!elector)
    return {
      problems: [
        { field: 'who', key: 'groups.elections.errors.notElector', vars: { who: input.who } },
      ],
    };
  const [marked] = await tx
    .update(electionElectors)
    .set({ voted: true, votedBy: 'paper', tokenHash: null })
    .where(and(eq(electionElectors.id, elector.id), eq(electionElectors.voted, false)))
    .returning({ id: electionElectors.id });
  if (!marked)
    return {
      problems: [{ field: 'who', key: 'groups.elections.errors.voted', vars: { who: input.who } }],
    };
  await dropBallot(tx, election.id, input.spoilt ? [] : input.choices);
  await audit(tx, actor, {
    action: 'vote',
    entity: 'election',
    entityId: election.id,
    after: { by: 'paper', electorId: elector.id },
  });
  return 'counted';
}

/**
 * Closes the poll and counts. First the ballots are rewritten, in one
 * statement, as new rows with new random ids in a random order: nothing
 * stored (id, physical order) is left that follows the order votes came in,
 * which the roll and the audit log could otherwise be set beside.
 */
export async function closeElection(
  tx: Queryable,
  actor: Actor,
  election: ElectionRow,
): Promise<ElectionResult | null> {
  const [moved] = await tx
    .update(groupElections)
    .set({ status: 'closed' })
    .where(and(eq(groupElections.id, election.id), eq(groupElections.status, 'open')))
    .returning({ id: groupElections.id });
  if (!moved) return null;
  await tx.execute(sql`
    with old as (delete from election_ballots where election_id = ${election.id} returning choices)
    insert into election_ballots (organisation_id, election_id, choices)
    select app_organisation_id(), ${election.id}, choices from old order by random()`);
  const ballots = await tx
    .select({ choices: electionBallots.choices })
    .from(electionBallots)
    .where(eq(electionBallots.electionId, election.id))
    .orderBy(asc(electionBallots.id));
  const candidates = await tx
    .select({ id: electionCandidates.id })
    .from(electionCandidates)
    .where(eq(electionCandidates.electionId, election.id));
  const result = countVotes({
    candidateIds: candidates.map((c) => c.id),
    ballots: ballots.map((b) => b.choices),
    places: election.places,
    rule: election.tieRule as TieRule,
  });
  await tx
    .update(groupElections)
    .set({ result, lotSeed: result.tie?.seed ?? null })
    .where(eq(groupElections.id, election.id));
  await audit(tx, actor, {
    action: 'close',
    entity: 'election',
    entityId: election.id,
    after: result,
  });
  return result;
}

/** Enters the chair's casting vote for a tie: exactly the tied places, from among the tied. */
export async function settleCastingVote(
  tx: Queryable,
  actor: Actor,
  election: ElectionRow,
  chosen: readonly string[],
): Promise<'settled' | 'wrong'> {
  const result = election.result as ElectionResult | null;
  const tie = result?.tie;
  if (election.status !== 'closed' || !result || !tie || tie.rule !== 'casting_vote' || tie.settled)
    return 'wrong';
  const picked = [...new Set(chosen)];
  if (picked.length !== tie.places || picked.some((c) => !tie.candidateIds.includes(c)))
    return 'wrong';
  const settled: ElectionResult = {
    ...result,
    elected: [...result.elected, ...picked],
    tie: { ...tie, settled: true, chosen: picked },
  };
  await tx
    .update(groupElections)
    .set({ result: settled })
    .where(eq(groupElections.id, election.id));
  await audit(tx, actor, {
    action: 'casting-vote',
    entity: 'election',
    entityId: election.id,
    after: { chosen: picked },
  });
  return 'settled';
}

/** A problem that stops publishing and undoes it (the route's transaction rolls back). */
export class PublishProblem extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super('The result cannot be published');
  }
}

/**
 * Publishes the result: each elected candidate takes the seat through the
 * body's member appointment (which gives the register role for the term).
 * A casting vote still to be entered stops it; under "rerun" the elected
 * take their seats and the tied places stay open.
 */
export async function publishElection(
  tx: Queryable,
  actor: Actor,
  election: ElectionRow,
  context: { baseUrl: string; today?: string },
): Promise<void> {
  const result = election.result as ElectionResult | null;
  if (election.status !== 'closed' || !result)
    throw new PublishProblem([{ field: 'publish', key: 'groups.elections.errors.notClosed' }]);
  if (result.tie && result.tie.rule === 'casting_vote' && !result.tie.settled)
    throw new PublishProblem([{ field: 'publish', key: 'groups.elections.errors.castingFirst' }]);
  const today = context.today ?? londonToday();
  const candidates = new Map((await candidatesOf(tx, election.id)).map((c) => [c.id, c]));
  for (const id of result.elected) {
    const candidate = candidates.get(id);
    if (!candidate) continue;
    const outcome = await appointMember(
      tx,
      actor,
      election.groupId,
      {
        reference: candidate.reference,
        seatId: election.seatId,
        startsOn: today,
        termEndsOn: null,
        filledBy: 'election',
        buddyPersonId: null,
        namedPublicly: false,
      },
      { baseUrl: context.baseUrl, today },
    );
    if ('problems' in outcome)
      throw new PublishProblem(
        outcome.problems.map((p) => ({ ...p, field: 'publish', vars: { ...p.vars } })),
      );
  }
  await tx
    .update(groupElections)
    .set({ status: 'published' })
    .where(eq(groupElections.id, election.id));
  await audit(tx, actor, {
    action: 'publish',
    entity: 'election',
    entityId: election.id,
    after: { elected: result.elected, openPlaces: result.openPlaces },
  });
}

export interface PublishedElection {
  id: string;
  title: string;
  seatLabel: string;
  places: number;
  closesOn: string | null;
  ballots: number;
  /** Candidates by votes, most first; elected said so. Names: they stood for election. */
  candidates: Array<{ name: string; votes: number; elected: boolean }>;
  tieRule: string;
  /** The seed of a drawing of lots, when one settled a tie. */
  lotSeed: string | null;
  /** Places left open for a new ballot (the "rerun" rule). */
  openPlaces: number;
}

/** A body's published election results, newest first, for its public page. */
export async function publishedElections(
  tx: Queryable,
  groupId: string,
): Promise<PublishedElection[]> {
  const elections = await tx
    .select()
    .from(groupElections)
    .where(and(eq(groupElections.groupId, groupId), eq(groupElections.status, 'published')))
    .orderBy(desc(groupElections.closesOn), asc(groupElections.id));
  if (elections.length === 0) return [];
  const seats = new Map((await seatsOf(tx, groupId)).map((s) => [s.id, s.label]));
  // Every election's candidates in one statement: the page's queries stay
  // the same however many elections the body has held.
  const names = new Map(
    rowsOf<{ id: string; name: string }>(
      await tx.execute(sql`
        select c.id, ${NAME} as name
        from election_candidates c join register_people p on p.id = c.person_id
        where c.election_id = any(${uuidArray(elections.map((e) => e.id))})`),
    ).map((c) => [c.id, c.name]),
  );
  const out: PublishedElection[] = [];
  for (const e of elections) {
    const result = e.result as ElectionResult;
    out.push({
      id: e.id,
      title: e.title,
      seatLabel: seats.get(e.seatId) ?? '',
      places: e.places,
      closesOn: e.closesOn,
      ballots: result.ballots,
      candidates: result.counts.map((c) => ({
        name: names.get(c.candidateId) ?? '',
        votes: c.votes,
        elected: result.elected.includes(c.candidateId),
      })),
      tieRule: e.tieRule,
      lotSeed: e.lotSeed,
      openPlaces: result.openPlaces,
    });
  }
  return out;
}
