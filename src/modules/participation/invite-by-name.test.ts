import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople, peopleTables, type NewPerson } from '../people/index.ts';
import { initiatives } from '../initiatives/index.ts';
import { createActivity } from './activities.ts';

/** Inviting people by name and by saved list (issue 10 §10), on the real database. */

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let lead: TestClient;
let leadUserId: string;
let activityId: string;
const actor = { userId: null, label: 'test', ip: null };

async function addPerson(
  organisation: Organisation,
  fields: Partial<NewPerson> & { reference: string },
) {
  const [id] = await testDb.database.withOrganisation(organisation.id, (tx) =>
    addPeople(tx, [
      {
        organisationId: organisation.id,
        firstName: 'Someone',
        lastName: 'Else',
        kinds: ['customer'],
        ...fields,
      },
    ]),
  );
  return id!;
}

const invitedIds = async () =>
  testDb.database.withOrganisation(org.id, async (tx) =>
    rowsOf<{ person_id: string }>(
      await tx.execute(sql`select person_id from invitations where activity_id = ${activityId}`),
    ).map((r) => r.person_id),
  );

let margaret: string;
let panelA: string;
let panelB: string;
let theirs: string;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  other = await makeOrganisation(testDb.database, { slug: 'other', name: 'Other Homes' });
  app = await createTestApp(testDb.database);
  leadUserId = '7d0c1d2e-0000-4000-8000-000000000001';
  lead = new TestClient(app, signedInAs(org, ['involvement_lead'], [], { id: leadUserId }));
  margaret = await addPerson(org, {
    reference: 'INV-001',
    firstName: 'Margaret',
    lastName: 'Oyelaran',
    postcode: 'LS1 4AP',
  });
  panelA = await addPerson(org, {
    reference: 'INV-002',
    firstName: 'Dev',
    lastName: 'Panel',
    skills: ['chairing'],
  });
  panelB = await addPerson(org, {
    reference: 'INV-003',
    firstName: 'Ana',
    lastName: 'Panel',
    skills: ['chairing'],
  });
  theirs = await addPerson(other, {
    reference: 'INV-900',
    firstName: 'Margaret',
    lastName: 'Oyelaran',
  });
  const initiativeId = await testDb.database.withOrganisation(org.id, async (tx) => {
    const [row] = await tx
      .insert(initiatives)
      .values({
        organisationId: org.id,
        title: 'Tenant panel',
        kind: 'panel',
        rung: 5,
        status: 'active',
      })
      .returning({ id: initiatives.id });
    return row!.id;
  });
  const startsAt = new Date(Date.now() + 10 * 86_400_000);
  activityId = await testDb.database.withOrganisation(org.id, (tx) =>
    createActivity(
      tx,
      actor,
      {
        initiativeId,
        kind: 'meeting',
        title: 'Panel meeting',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
        location: 'The Hub',
        onlineLink: null,
        capacity: null,
      },
      { baseUrl: 'http://demo.test' },
    ),
  );
  // A shared list saved on the people page: everyone with the chairing skill.
  await testDb.database.withOrganisation(org.id, (tx) =>
    tx.insert(peopleTables.savedLists).values({
      organisationId: org.id,
      name: 'Chairs',
      query: 'skill=chairing',
      ownerUserId: leadUserId,
      shared: true,
    }),
  );
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('inviting people by name', () => {
  it('sends the signed out to sign in and refuses board members', async () => {
    const out = await app.inject(`/staff/activities/${activityId}/invite?q=margaret`);
    assert.equal(out.statusCode, 303);
    const board = new TestClient(app, signedInAs(org, ['board_member']));
    assert.equal((await board.get(`/staff/activities/${activityId}/invite`)).statusCode, 403);
    const post = await board.post(
      `/staff/activities/${activityId}/invitations/people`,
      { personId: margaret },
      { csrf: null },
    );
    assert.notEqual(post.statusCode, 303);
    assert.deepEqual(await invitedIds(), []);
  });

  it("finds a person from a misspelt name, and only on the organisation's own register", async () => {
    const page = await lead.get(`/staff/activities/${activityId}/invite?q=Margret+Oyelaren`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Margaret Oyelaran/);
    assert.match(page.body, new RegExp(`name="personId" type="checkbox" value="${margaret}"`));
    assert.match(page.body, /INV-001 · LS1 4AP/);
    assert.doesNotMatch(page.body, new RegExp(theirs));
    // The activity page offers the same search, as a plain GET form.
    const show = await lead.get(`/staff/activities/${activityId}`);
    assert.match(show.body, new RegExp(`action="/staff/activities/${activityId}/invite"`));
  });

  it('invites the people ticked', async () => {
    const res = await lead.post(
      `/staff/activities/${activityId}/invitations/people`,
      { personId: margaret, q: 'Margret Oyelaren' },
      { from: `/staff/activities/${activityId}/invite?q=Margret+Oyelaren` },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    assert.match(String(res.headers.location), /invited=1&/);
    assert.deepEqual(await invitedIds(), [margaret]);
    const again = await lead.get(`/staff/activities/${activityId}/invite?q=margaret`);
    assert.match(again.body, /INV-001 · LS1 4AP · already invited/);
  });

  it("refuses another organisation's person with a message, inviting no one", async () => {
    const res = await lead.post(
      `/staff/activities/${activityId}/invitations/people`,
      { personId: [panelA, theirs], q: 'panel' },
      { from: `/staff/activities/${activityId}/invite?q=panel` },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /1 of the people chosen is not on your register/);
    assert.match(res.body, /href="#personId"/);
    // The search and the ticks come back.
    assert.match(res.body, /value="panel"/);
    assert.deepEqual(await invitedIds(), [margaret]);
    const junk = await lead.post(
      `/staff/activities/${activityId}/invitations/people`,
      { personId: 'not-an-id' },
      { from: `/staff/activities/${activityId}/invite` },
    );
    assert.equal(junk.statusCode, 400);
    const none = await lead.post(
      `/staff/activities/${activityId}/invitations/people`,
      {},
      { from: `/staff/activities/${activityId}/invite` },
    );
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Select at least one person to invite/);
  });

  it('invites the members of a saved list, reporting those already invited', async () => {
    // Dev is invited first by name; the list then adds Ana and does not invite Dev twice.
    await lead.post(
      `/staff/activities/${activityId}/invitations/people`,
      { personId: panelA },
      { from: `/staff/activities/${activityId}/invite?q=dev` },
    );
    const page = await lead.get(`/staff/activities/${activityId}/invite`);
    const listId = /name="listId" type="radio" value="([0-9a-f-]{36})"/.exec(page.body)?.[1];
    assert.ok(listId, 'the saved list is offered');
    assert.match(page.body, /Chairs/);
    const res = await lead.post(`/staff/activities/${activityId}/invitations/list`, { listId });
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    assert.match(String(res.headers.location), /invited=1&.*already=1&/);
    const shown = await lead.get(String(res.headers.location));
    assert.match(shown.body, /1 person invited/);
    assert.match(shown.body, /1 was already invited and was not invited again/);
    const ids = await invitedIds();
    assert.equal(ids.length, 3);
    assert.deepEqual(new Set(ids), new Set([margaret, panelA, panelB]));
    // Again: everyone on it is already invited, and no one is invited twice.
    const again = await lead.post(`/staff/activities/${activityId}/invitations/list`, { listId });
    assert.match(String(again.headers.location), /invited=0&.*already=2&/);
    assert.equal((await invitedIds()).length, 3);
  });

  it("refuses a list that is not the organisation's", async () => {
    const [theirList] = await testDb.database.withOrganisation(other.id, (tx) =>
      tx
        .insert(peopleTables.savedLists)
        .values({ organisationId: other.id, name: 'Theirs', query: '', shared: true })
        .returning({ id: peopleTables.savedLists.id }),
    );
    const res = await lead.post(
      `/staff/activities/${activityId}/invitations/list`,
      { listId: theirList!.id },
      { from: `/staff/activities/${activityId}/invite` },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Select a saved list again/);
    assert.match(res.body, /href="#listId"/);
    assert.equal((await invitedIds()).length, 3);
  });
});
