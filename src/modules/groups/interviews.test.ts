import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { interviewsPersonData } from './interviews-person-data.ts';
import { addPeople, addServices, linkPeopleToServices, type NewPerson } from '../people/index.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>, orgId = org.id) =>
  testDb.database.withOrganisation(orgId, async (tx) => rowsOf<T>(await tx.execute(text)));

const services: Record<string, string> = {};
let counter = 0;

async function person(service: string, fields: Partial<NewPerson> = {}) {
  counter += 1;
  const reference = `INT${String(counter).padStart(4, '0')}`;
  const [id] = await testDb.database.withOrganisation(org.id, async (tx) => {
    const ids = await addPeople(tx, [
      {
        organisationId: org.id,
        reference,
        firstName: `Person${counter}`,
        lastName: `Drawn${counter}`,
        kinds: ['customer'],
        consents: ['register', counter % 2 ? 'contact_email' : 'contact_letter'],
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

const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location);

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
      {
        organisationId: org.id,
        code: 'C1',
        name: 'Care home',
        type: 'care_home',
        specialism: 'learning_disabilities',
        area: 'East',
      },
    ]),
  );
  for (const s of made as Array<{ id: string; code: string }>) services[s.code] = s.id;
});
after(async () => {
  await app.close();
  await testDb.close();
});

const dateFields = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return {
    [`${name}-day`]: String(Number(d)),
    [`${name}-month`]: String(Number(m)),
    [`${name}-year`]: y!,
  };
};

describe('interview panels', () => {
  it('scores candidates by a panel of customers and staff, and the decision appoints', async () => {
    const customer = await person('H1');
    const staffer = await person('S1', { kinds: ['staff'] });
    const ann = await person('H1');
    const bob = await person('C1');

    const made = await lead.post(
      '/staff/groups',
      {
        title: 'Co-production Board',
        summary: 'Customers and staff decide together.',
        kind: 'board',
        rung: '6',
        roleCode: 'panel_member',
        papersDaysBefore: '7',
        agendaDaysBefore: '14',
        termReminderDays: '60',
        tieRule: 'lot',
      },
      { from: '/staff/groups/new' },
    );
    const groupId = /\/staff\/groups\/([0-9a-f-]{36})/.exec(location(made))![1]!;
    await lead.post(
      `/staff/groups/${groupId}/seats`,
      {
        label: 'Customer member',
        holder: 'customer',
        places: '2',
        fillBy: 'interview',
        termMonths: '24',
      },
      { from: `/staff/groups/${groupId}/seats/new` },
    );
    const [seat] = await q<{ id: string }>(
      sql`select id from group_seats where group_id = ${groupId}`,
    );

    const missing = await lead.post(
      `/staff/groups/${groupId}/interviews`,
      { seatId: seat!.id, title: '' },
      { from: `/staff/groups/${groupId}/interviews/new` },
    );
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Enter a name for the interview/);
    const created = await lead.post(
      `/staff/groups/${groupId}/interviews`,
      { seatId: seat!.id, title: 'Board member interviews', ...dateFields('heldOn', '2026-11-20') },
      { from: `/staff/groups/${groupId}/interviews/new` },
    );
    assert.equal(created.statusCode, 303, created.body);
    const base = location(created).replace(/\?.*$/, '');
    const interviewId = base.split('/').pop()!;

    for (const who of [customer.reference, staffer.reference])
      assert.equal(
        (await lead.post(`${base}/panel`, { panellist: who }, { from: base })).statusCode,
        303,
      );
    for (const who of [ann.reference, bob.reference])
      assert.equal(
        (await lead.post(`${base}/candidates`, { candidate: who }, { from: base })).statusCode,
        303,
      );
    const panel = await q<{ id: string; person_id: string; kind: string }>(
      sql`select id, person_id, kind from interview_panellists where interview_id = ${interviewId}`,
    );
    assert.deepEqual(
      panel.map((p) => [p.person_id, p.kind]).sort(),
      [
        [customer.id, 'customer'],
        [staffer.id, 'staff'],
      ].sort(),
      'a customer sits on the panel beside staff',
    );
    const candidates = await q<{ id: string; person_id: string }>(
      sql`select id, person_id from interview_candidates where interview_id = ${interviewId}`,
    );
    const annC = candidates.find((c) => c.person_id === ann.id)!.id;
    const bobC = candidates.find((c) => c.person_id === bob.id)!.id;
    const customerPanel = panel.find((p) => p.kind === 'customer')!.id;
    const staffPanel = panel.find((p) => p.kind === 'staff')!.id;

    const bad = await lead.post(
      `${base}/scores`,
      { panellistId: customerPanel, [`score-${annC}`]: '9' },
      { from: base },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Choose a score from 1 to 5/);
    for (const [panellistId, a, b] of [
      [customerPanel, '5', '3'],
      [staffPanel, '4', '4'],
    ] as const)
      assert.equal(
        (
          await lead.post(
            `${base}/scores`,
            {
              panellistId,
              [`score-${annC}`]: a,
              [`note-${annC}`]: 'Spoke well about repairs.',
              [`score-${bobC}`]: b,
            },
            { from: base },
          )
        ).statusCode,
        303,
      );
    // A score entered again replaces the panellist's last one.
    await lead.post(
      `${base}/scores`,
      { panellistId: staffPanel, [`score-${bobC}`]: '2' },
      { from: base },
    );
    const scores = await q<{ candidate_id: string; total: number }>(
      sql`select candidate_id, sum(score)::int as total from interview_scores group by candidate_id`,
    );
    assert.deepEqual(Object.fromEntries(scores.map((s) => [s.candidate_id, s.total])), {
      [annC]: 9,
      [bobC]: 5,
    });
    const page = await lead.get(base);
    assert.match(page.body, /Spoke well about repairs\./);

    const noReason = await lead.post(`${base}/decide`, { candidateId: annC }, { from: base });
    assert.equal(noReason.statusCode, 400);
    const decided = await lead.post(
      `${base}/decide`,
      { candidateId: annC, decisionNote: 'Highest score from both panel members.' },
      { from: base },
    );
    assert.equal(decided.statusCode, 303, decided.body);
    const members = await q<{ person_id: string; filled_by: string; term_ends_on: string }>(
      sql`select person_id, filled_by, term_ends_on::text from group_members where group_id = ${groupId}`,
    );
    assert.equal(members.length, 1);
    assert.equal(members[0]!.person_id, ann.id);
    assert.equal(members[0]!.filled_by, 'interview');
    assert.ok(members[0]!.term_ends_on, "the seat's term of office applies");
    const roles = await q(
      sql`select 1 from register_person_roles where person_id = ${ann.id} and role = 'panel_member'`,
    );
    assert.equal(roles.length, 1);
    const outcomes = await q<{ person_id: string; outcome: string }>(
      sql`select person_id, outcome from interview_candidates where interview_id = ${interviewId}`,
    );
    assert.deepEqual(Object.fromEntries(outcomes.map((o) => [o.person_id, o.outcome])), {
      [ann.id]: 'appointed',
      [bob.id]: 'not_appointed',
    });
    // Decided is decided.
    const again = await lead.post(
      `${base}/decide`,
      { candidateId: bobC, decisionNote: 'Changed our minds.' },
      { from: base },
    );
    assert.equal(again.statusCode, 400);
    const audits = await q<{ action: string }>(
      sql`select action from audit_log where entity = 'interview' and entity_id = ${interviewId}`,
    );
    for (const action of ['create', 'panellist-add', 'candidate-add', 'scores', 'decide'])
      assert.ok(
        audits.some((a) => a.action === action),
        `audited ${action}`,
      );

    // Subject access shows the scores and notes about a candidate; erasure removes the notes.
    const exported = (await testDb.database.withOrganisation(org.id, (tx) =>
      interviewsPersonData.export(tx, ann.id),
    )) as { interviewCandidacies: Array<{ outcome: string; scores: unknown[] }> };
    assert.equal(exported.interviewCandidacies[0]!.outcome, 'appointed');
    assert.equal(exported.interviewCandidacies[0]!.scores.length, 2);
    await testDb.database.withOrganisation(org.id, (tx) =>
      interviewsPersonData.erase(tx, { id: ann.id } as never),
    );
    assert.deepEqual(
      await q(
        sql`select note from interview_scores where candidate_id = ${annC} and note is not null`,
      ),
      [],
    );

    const stranger = new TestClient(app, signedInAs(other, ['involvement_lead']));
    assert.equal((await stranger.get(base)).statusCode, 403);
    assert.equal(
      (await lead.get(`/staff/groups/${groupId}/interviews/${groupId}`)).statusCode,
      404,
    );
  });
});
