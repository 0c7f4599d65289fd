import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople, addServices, linkPeopleToServices, type NewPerson } from '../people/index.ts';
import { addDays, londonToday } from './groups.ts';
import { countVotes } from './elections.ts';
import { publishedElections } from './index.ts';
import { dayInWords } from './reminders.ts';
import { seededShuffle } from './seeded.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;
const today = londonToday();

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>, orgId = org.id) =>
  testDb.database.withOrganisation(orgId, async (tx) => rowsOf<T>(await tx.execute(text)));

const services: Record<string, string> = {};
let counter = 0;

/** A customer on the register using a service, with email and consent unless told otherwise. */
async function person(service: string, fields: Partial<NewPerson> = {}) {
  counter += 1;
  const reference = `ELE${String(counter).padStart(4, '0')}`;
  const [id] = await testDb.database.withOrganisation(org.id, async (tx) => {
    const ids = await addPeople(tx, [
      {
        organisationId: org.id,
        reference,
        firstName: `Voter${counter}`,
        lastName: `Surname${counter}`,
        kinds: ['customer'],
        email: `voter${counter}@example.org`,
        consents: ['register', 'contact_email'],
        ...fields,
      },
    ]);
    await linkPeopleToServices(tx, [
      {
        organisationId: org.id,
        personId: ids[0]!,
        serviceId: services[service]!,
        startedOn: '2024-01-01',
      },
    ]);
    return ids;
  });
  return { id: id!, reference };
}

const dateFields = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return {
    [`${name}-day`]: String(Number(d)),
    [`${name}-month`]: String(Number(m)),
    [`${name}-year`]: y!,
  };
};

const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location);

async function makeGroup(title: string, tieRule: string) {
  const res = await lead.post(
    '/staff/groups',
    {
      title,
      summary: 'Customers hold us to account.',
      kind: 'panel',
      rung: '5',
      roleCode: 'panel_member',
      papersDaysBefore: '7',
      agendaDaysBefore: '14',
      termReminderDays: '60',
      tieRule,
    },
    { from: '/staff/groups/new' },
  );
  assert.equal(res.statusCode, 303, res.body);
  const groupId = /\/staff\/groups\/([0-9a-f-]{36})/.exec(location(res))![1]!;
  const seat = await lead.post(
    `/staff/groups/${groupId}/seats`,
    { label: 'Elected customer', holder: 'customer', places: '3', fillBy: 'election' },
    { from: `/staff/groups/${groupId}/seats/new` },
  );
  assert.equal(seat.statusCode, 303, seat.body);
  const [row] = await q<{ id: string }>(
    sql`select id from group_seats where group_id = ${groupId} and label = 'Elected customer'`,
  );
  return { groupId, seatId: row!.id };
}

async function makeElection(
  groupId: string,
  seatId: string,
  fields: Record<string, string | string[]> = {},
) {
  const res = await lead.post(
    `/staff/groups/${groupId}/elections`,
    {
      seatId,
      title: 'Customer seats 2027',
      places: '1',
      eligibleServiceTypes: ['hostel'],
      ...dateFields('closesOn', addDays(today, 14)),
      ...fields,
    },
    { from: `/staff/groups/${groupId}/elections/new` },
  );
  assert.equal(res.statusCode, 303, res.body);
  const electionId = /elections\/([0-9a-f-]{36})/.exec(location(res))![1]!;
  return { electionId, base: `/staff/groups/${groupId}/elections/${electionId}` };
}

async function candidate(base: string, who: string) {
  const res = await lead.post(
    `${base}/candidates`,
    {
      who,
      statement: `I, ${who}, will listen to everyone.`,
      statementEasyRead: 'I will listen.',
    },
    { from: base },
  );
  assert.equal(res.statusCode, 303, res.body);
  const [row] = await q<{ id: string }>(
    sql`select c.id from election_candidates c join register_people p on p.id = c.person_id
        where c.election_id = ${/elections\/([0-9a-f-]{36})/.exec(base)![1]!}
          and (p.reference = ${who} or p.first_name || ' ' || p.last_name = ${who})`,
  );
  return row!.id;
}

/** The voting links emailed for an election, by address. */
async function links(electionTitle: string): Promise<Map<string, string>> {
  const mail = await q<{ to_address: string; text_body: string }>(
    sql`select to_address, text_body from outbox where template = 'group-election-vote'
        and subject like ${`%${electionTitle}%`}`,
  );
  return new Map(
    mail.map((m) => [m.to_address, /\/vote\/([A-Za-z0-9_-]{20,})/.exec(m.text_body)![1]!]),
  );
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  other = await makeOrganisation(testDb.database, { slug: 'other', name: 'Other Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  const made = await testDb.database.withOrganisation(org.id, (tx) =>
    addServices(tx, [
      {
        organisationId: org.id,
        code: 'H1',
        name: 'Hostel one',
        type: 'hostel',
        specialism: 'homelessness',
        area: 'North',
      },
      {
        organisationId: org.id,
        code: 'S1',
        name: 'Supported one',
        type: 'supported_housing',
        specialism: 'mental_health',
        area: 'South',
      },
    ]),
  );
  for (const s of made as Array<{ id: string; code: string }>) services[s.code] = s.id;
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('elections: one person, one vote, in secret', () => {
  it('runs an election from candidates to a published result, one vote each whichever way', async () => {
    const { groupId, seatId } = await makeGroup('Hostels Panel', 'lot');
    const ann = await person('H1');
    const bob = await person('H1');
    const cat = await person('H1', { email: null });
    const dee = await person('H1');
    const outsider = await person('S1');
    const { electionId, base } = await makeElection(groupId, seatId, { places: '1' });

    // Candidates by reference and by name; an unknown one is said so.
    const annC = await candidate(base, ann.reference);
    await candidate(base, 'Voter2 Surname2');
    const unknown = await lead.post(
      `${base}/candidates`,
      { who: 'Nobody Here', statement: 'x', statementEasyRead: 'x' },
      { from: base },
    );
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /No one on the register has the reference or name Nobody Here/);

    const open = await lead.post(`${base}/open`, {}, { from: base });
    assert.equal(open.statusCode, 303, open.body);
    const roll = await q<{ person_id: string; has_link: boolean }>(
      sql`select person_id, token_hash is not null as has_link from election_electors
          where election_id = ${electionId}`,
    );
    assert.deepEqual(
      roll.map((r) => r.person_id).sort(),
      [ann.id, bob.id, cat.id, dee.id].sort(),
      'the roll is the hostel residents, not the outsider',
    );
    assert.ok(!roll.some((r) => r.person_id === outsider.id));
    assert.equal(roll.filter((r) => r.has_link).length, 3, 'no link for the one without email');
    const sent = await links('Customer seats 2027');
    assert.equal(sent.size, 3);
    // Only the hash of a link is stored.
    const token = sent.get(`voter${counter - 4}@example.org`)!; // ann
    assert.equal(
      (await q(sql`select 1 from election_electors where token_hash = ${token}`)).length,
      0,
    );

    // Ann votes through her link, with no sign-in.
    const voter = new TestClient(app);
    const page = await voter.get(`/vote/${token}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Your vote is secret/);
    assert.match(page.body, /I will listen\./);
    const tooMany = await voter.post(`/vote/${token}`, { choice: [annC, annC + 'x'] });
    assert.equal(tooMany.statusCode, 400);
    const none = await voter.post(`/vote/${token}`, {});
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Choose who you want to vote for/);
    const voted = await voter.post(`/vote/${token}`, { choice: annC });
    assert.equal(voted.statusCode, 303);
    assert.equal(location(voted), '/vote/thanks');
    assert.equal((await voter.get('/vote/thanks')).statusCode, 200);

    // The link is spent: a second use gets a kind page and no ballot.
    const again = await voter.get(`/vote/${token}`);
    assert.equal(again.statusCode, 200);
    assert.match(again.body, /This voting link does not work/);
    const againPost = await voter.post(
      `/vote/${token}`,
      { choice: annC },
      { from: `/vote/${token}` },
    );
    assert.match(againPost.body, /This voting link does not work/);
    const made = new TestClient(app);
    assert.match(
      (await made.get('/vote/not-a-real-token-at-all-1234567890')).body,
      /This voting link does not work/,
    );
    assert.match((await made.get('/vote/short')).body, /This voting link does not work/);

    // Ann cannot vote again on paper; Cat (no email) can, once.
    const paperAgain = await lead.post(
      `${base}/paper`,
      { who: ann.reference, choice: annC },
      { from: base },
    );
    assert.equal(paperAgain.statusCode, 400);
    assert.match(paperAgain.body, /has already voted/);
    const paper = await lead.post(`${base}/paper`, { who: cat.reference, choice: annC });
    assert.equal(paper.statusCode, 303, paper.body);
    const paperTwice = await lead.post(
      `${base}/paper`,
      { who: cat.reference, choice: annC },
      { from: base },
    );
    assert.equal(paperTwice.statusCode, 400);
    const notOnRoll = await lead.post(
      `${base}/paper`,
      { who: outsider.reference, choice: annC },
      { from: base },
    );
    assert.match(notOnRoll.body, /cannot vote in this election/);

    // Bob votes on paper; his emailed link no longer works.
    const bobToken = sent.get(`voter${counter - 3}@example.org`)!;
    await lead.post(`${base}/paper`, { who: bob.reference, choice: annC }, { from: base });
    assert.match((await voter.get(`/vote/${bobToken}`)).body, /This voting link does not work/);
    assert.equal(
      (await voter.post(`/vote/${bobToken}`, { choice: annC }, { from: `/vote/${bobToken}` }))
        .statusCode,
      200,
    );

    const ballots = await q(sql`select 1 from election_ballots where election_id = ${electionId}`);
    assert.equal(ballots.length, 3, 'three electors, three ballots');
    const [counts] = await q<{ voted: number; online: number; paper: number }>(
      sql`select count(*) filter (where voted)::int as voted,
            count(*) filter (where voted_by = 'online')::int as online,
            count(*) filter (where voted_by = 'paper')::int as paper
          from election_electors where election_id = ${electionId}`,
    );
    assert.deepEqual(counts, { voted: 3, online: 1, paper: 2 });

    // Close and count; publish: Ann takes the seat, with the role on the register.
    assert.equal((await lead.post(`${base}/close`, {}, { from: base })).statusCode, 303);
    assert.match(
      (await voter.get(`/vote/${sent.get(`voter${counter - 1}@example.org`)}`)).body,
      /Voting has closed/,
    );
    const shown = await lead.get(base);
    assert.match(shown.body, /3 ballots were counted/);
    assert.equal((await lead.post(`${base}/publish`, {}, { from: base })).statusCode, 303);
    const seated = await q<{ person_id: string; filled_by: string }>(
      sql`select person_id, filled_by from group_members where group_id = ${groupId}`,
    );
    assert.deepEqual(seated, [{ person_id: ann.id, filled_by: 'election' }]);
    const roles = await q(
      sql`select 1 from register_person_roles where person_id = ${ann.id} and role = 'panel_member'`,
    );
    assert.equal(roles.length, 1);
    const published = await testDb.database.withOrganisation(org.id, (tx) =>
      publishedElections(tx, groupId),
    );
    assert.equal(published.length, 1);
    assert.equal(published[0]!.ballots, 3);
    assert.deepEqual(
      published[0]!.candidates.map((c) => [c.votes, c.elected]),
      [
        [3, true],
        [0, false],
      ],
    );
    // The result is on the body's public page once the body is published.
    const [{ slug }] = (await q<{ slug: string }>(
      sql`update groups set published = true where id = ${groupId} returning slug`,
    )) as [{ slug: string }];
    const publicPage = await voter.get(`/groups/${slug}`);
    assert.equal(publicPage.statusCode, 200);
    assert.match(publicPage.body, /Elections/);
    assert.match(publicPage.body, /3 ballots were counted/);
    const annNumber = Number(ann.reference.slice(3));
    assert.match(
      publicPage.body,
      new RegExp(
        `Voter${annNumber} Surname${annNumber}</td>\\s*<td[^>]*>3</td>\\s*<td[^>]*>Elected`,
      ),
    );
    const audits = await q<{ action: string }>(
      sql`select action from audit_log where entity = 'election' and entity_id = ${electionId} order by at`,
    );
    for (const action of ['create', 'candidate-add', 'open', 'vote', 'close', 'publish'])
      assert.ok(
        audits.some((a) => a.action === action),
        `audited ${action}`,
      );
    void dee;
  });

  it('keeps nothing that ties a ballot to a voter', async () => {
    const columns = await q<{ column_name: string }>(
      sql`select column_name from information_schema.columns where table_name = 'election_ballots' order by column_name`,
    );
    assert.deepEqual(
      columns.map((c) => c.column_name),
      ['choices', 'election_id', 'id', 'organisation_id'],
      'no person, no time, no sequence',
    );
    const electorColumns = await q<{ column_name: string }>(
      sql`select column_name from information_schema.columns where table_name = 'election_electors'`,
    );
    assert.ok(!electorColumns.some((c) => /ballot|choice|_at$/.test(c.column_name)));

    const { groupId, seatId } = await makeGroup('Secret Panel', 'lot');
    const voters = [await person('H1'), await person('H1'), await person('H1')];
    const { electionId, base } = await makeElection(groupId, seatId, {
      title: 'Secret ballot',
    });
    const a = await candidate(base, voters[0]!.reference);
    await lead.post(`${base}/open`, {}, { from: base });
    for (const v of voters)
      assert.equal(
        (await lead.post(`${base}/paper`, { who: v.reference, choice: a }, { from: base }))
          .statusCode,
        303,
      );
    const before = await q<{ id: string }>(
      sql`select id from election_ballots where election_id = ${electionId}`,
    );
    // Random (version 4) ids: they follow nothing.
    for (const b of before) assert.match(b.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab]/);
    await lead.post(`${base}/close`, {}, { from: base });
    const afterClose = await q<{ id: string }>(
      sql`select id from election_ballots where election_id = ${electionId}`,
    );
    assert.equal(afterClose.length, 3);
    assert.ok(
      afterClose.every((b) => !before.some((x) => x.id === b.id)),
      'closing rewrote every ballot with a new id',
    );
    const paperAudit = await q<{ after: Record<string, unknown> }>(
      sql`select after from audit_log where entity = 'election' and entity_id = ${electionId} and action = 'vote'`,
    );
    assert.ok(
      paperAudit.every((a) => !('choices' in a.after)),
      'the audit says who, never how',
    );
  });

  it('refuses those who may not run elections, and ids of another organisation', async () => {
    const { groupId, seatId } = await makeGroup('Guarded Panel', 'lot');
    const { base } = await makeElection(groupId, seatId, { title: 'Guarded' });
    const customer = new TestClient(app, signedInAs(org, ['customer']));
    assert.equal((await customer.get(base)).statusCode, 403);
    const board = new TestClient(app, signedInAs(org, ['board_member']));
    assert.equal((await board.get(base)).statusCode, 403);
    const stranger = new TestClient(app, signedInAs(other, ['involvement_lead']));
    assert.equal((await stranger.get(base)).statusCode, 403);
    const otherLead = new TestClient(app, signedInAs(org, ['involvement_lead']));
    assert.equal(
      (await otherLead.get(`/staff/groups/${groupId}/elections/${groupId}`)).statusCode,
      404,
    );
  });
});

describe('elections: ties follow the body rule', () => {
  const ids = ['c1', 'c2', 'c3', 'c4'];
  const ballots = [['c1'], ['c1'], ['c2'], ['c3'], []];

  it('elects by most votes, and says when there is no tie', () => {
    const result = countVotes({ candidateIds: ids, ballots, places: 1, rule: 'lot' });
    assert.deepEqual(result.elected, ['c1']);
    assert.equal(result.tie, null);
    assert.equal(result.blank, 1);
    assert.deepEqual(
      result.counts.map((c) => c.votes),
      [2, 1, 1, 0],
    );
  });

  it('settles a tie by lot with a recorded seed: the same seed, the same draw', () => {
    const one = countVotes({ candidateIds: ids, ballots, places: 2, rule: 'lot', seed: 'abc' });
    const two = countVotes({ candidateIds: ids, ballots, places: 2, rule: 'lot', seed: 'abc' });
    assert.equal(one.tie?.seed, 'abc');
    assert.deepEqual(one.tie?.candidateIds, ['c2', 'c3']);
    assert.deepEqual(one.elected, two.elected);
    assert.equal(one.elected[0], 'c1');
    assert.deepEqual(one.tie?.chosen, seededShuffle(['c2', 'c3'], 'abc').slice(0, 1));
    // Some seed picks each tied candidate: the lot is not fixed.
    const picks = new Set(
      ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'].map(
        (seed) =>
          countVotes({ candidateIds: ids, ballots, places: 2, rule: 'lot', seed }).tie!.chosen[0],
      ),
    );
    assert.deepEqual([...picks].sort(), ['c2', 'c3']);
  });

  it('leaves a casting-vote tie for the chair, and a rerun tie open', () => {
    const casting = countVotes({ candidateIds: ids, ballots, places: 2, rule: 'casting_vote' });
    assert.deepEqual(casting.elected, ['c1']);
    assert.equal(casting.tie?.settled, false);
    const rerun = countVotes({ candidateIds: ids, ballots, places: 2, rule: 'rerun' });
    assert.deepEqual(rerun.elected, ['c1']);
    assert.equal(rerun.openPlaces, 1);
  });

  async function tiedElection(rule: string) {
    const { groupId, seatId } = await makeGroup(`Tie ${rule} Panel`, rule);
    const voters = [await person('H1'), await person('H1')];
    const { electionId, base } = await makeElection(groupId, seatId, { title: `Tie ${rule}` });
    const a = await candidate(base, voters[0]!.reference);
    const b = await candidate(base, voters[1]!.reference);
    await lead.post(`${base}/open`, {}, { from: base });
    await lead.post(`${base}/paper`, { who: voters[0]!.reference, choice: a }, { from: base });
    await lead.post(`${base}/paper`, { who: voters[1]!.reference, choice: b }, { from: base });
    assert.equal((await lead.post(`${base}/close`, {}, { from: base })).statusCode, 303);
    return { groupId, electionId, base, a, b, voters };
  }

  it('by lot: the seed is stored and shown', async () => {
    const { electionId, base, groupId } = await tiedElection('lot');
    const [row] = await q<{ lot_seed: string; result: { elected: string[] } }>(
      sql`select lot_seed, result from group_elections where id = ${electionId}`,
    );
    assert.match(row!.lot_seed, /^[0-9a-f]{32}$/);
    assert.equal(row!.result.elected.length, 1);
    assert.match((await lead.get(base)).body, new RegExp(row!.lot_seed));
    assert.equal((await lead.post(`${base}/publish`, {}, { from: base })).statusCode, 303);
    const published = await testDb.database.withOrganisation(org.id, (tx) =>
      publishedElections(tx, groupId),
    );
    assert.equal(published[0]!.lotSeed, row!.lot_seed);
  });

  it("by casting vote: publishing waits for the chair's choice", async () => {
    const { groupId, base, b, voters } = await tiedElection('casting_vote');
    const early = await lead.post(`${base}/publish`, {}, { from: base });
    assert.equal(early.statusCode, 400);
    assert.match(early.body, /Enter the chair&#39;s casting vote first|casting vote first/);
    const wrong = await lead.post(`${base}/casting`, {}, { from: base });
    assert.equal(wrong.statusCode, 400);
    assert.equal(
      (await lead.post(`${base}/casting`, { choice: b }, { from: base })).statusCode,
      303,
    );
    assert.equal((await lead.post(`${base}/publish`, {}, { from: base })).statusCode, 303);
    const seated = await q<{ person_id: string }>(
      sql`select person_id from group_members where group_id = ${groupId}`,
    );
    assert.deepEqual(
      seated.map((s) => s.person_id),
      [voters[1]!.id],
    );
  });

  it('by rerun: the tied place stays open and the result says so', async () => {
    const { groupId, base } = await tiedElection('rerun');
    const page = await lead.get(base);
    assert.match(page.body, /It stays open: hold a new election for it/);
    assert.equal((await lead.post(`${base}/publish`, {}, { from: base })).statusCode, 303);
    assert.equal((await q(sql`select 1 from group_members where group_id = ${groupId}`)).length, 0);
    const published = await testDb.database.withOrganisation(org.id, (tx) =>
      publishedElections(tx, groupId),
    );
    assert.equal(published[0]!.openPlaces, 1);
  });
});

describe('elections: the voting email in easy read (issue 10 §3)', () => {
  it('sends an elector whose record asks for easy read the easy version, and another the standard one', async () => {
    const { groupId, seatId } = await makeGroup('Easy Panel', 'lot');
    const kit = await person('H1', {
      firstName: 'Kit',
      email: 'kit.vote@example.org',
      needs: ['easy_read'],
    });
    await person('H1', { firstName: 'Lou', email: 'lou.vote@example.org' });
    const { base } = await makeElection(groupId, seatId, { title: 'Chair 2027' });
    await candidate(base, kit.reference);
    assert.equal((await lead.post(`${base}/open`, {}, { from: base })).statusCode, 303);
    const mail = await q<{ to_address: string; subject: string; text_body: string }>(
      sql`select to_address, subject, text_body from outbox
          where template = 'group-election-vote' and to_address like '%.vote@example.org'
          order by to_address`,
    );
    const [kitMail, louMail] = mail;
    const closes = dayInWords(addDays(today, 14));
    assert.equal(kitMail!.to_address, 'kit.vote@example.org');
    assert.equal(kitMail!.subject, 'Vote in the Easy Panel election');
    const lines = kitMail!.text_body.split('\n\n');
    assert.deepEqual(lines.slice(0, 10), [
      'Hello Kit,',
      'You can vote in an election on Easy Panel.',
      'In an election, people vote to choose who does a job.',
      'This election is for Chair 2027.',
      `You can vote until the end of ${closes}.`,
      'Your vote is secret.',
      'This link is only for you. It works one time.',
      'Please do not give this link to anyone else.',
      'Do you want to vote on paper? Tell us. We will send you a voting paper.',
      'Press the link below to vote.',
    ]);
    // The button after all the words.
    assert.match(lines[10]!, /^Vote now: http:\/\/[^ ]+\/vote\/[A-Za-z0-9_-]{20,}$/);

    assert.equal(louMail!.to_address, 'lou.vote@example.org');
    assert.equal(louMail!.subject, 'Vote in the Easy Panel election: Chair 2027');
    assert.match(louMail!.text_body, /^Hello Lou,/);
    assert.match(louMail!.text_body, /Voting closes at the end of /);
    assert.doesNotMatch(louMail!.text_body, /In an election, people vote/);
  });
});
