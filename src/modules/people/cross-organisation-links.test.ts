import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPartners, addPeople, addServices } from './service.ts';
import { people, personServices } from './tables.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;
/** Records of this organisation. */
const own = { person: '', buddy: '', partner: '', service: '' };
/** Records of another organisation, whose ids must not be taken here. */
const theirs = { person: '', buddy: '', partner: '', service: '' };

const person = (organisationId: string, reference: string, kinds: string[]) => ({
  organisationId,
  reference,
  firstName: 'Ottoline',
  lastName: `Brackenbury ${reference}`,
  kinds,
});

async function seed(organisation: Organisation, prefix: string) {
  return testDb.database.withOrganisation(organisation.id, async (tx) => {
    const [personId, buddy] = await addPeople(tx, [
      person(organisation.id, `${prefix}-1`, ['customer']),
      person(organisation.id, `${prefix}-2`, ['staff']),
    ]);
    const [partner] = await addPartners(tx, [
      { organisationId: organisation.id, name: `${prefix} Tenants Forum`, kind: 'other' },
    ]);
    const [service] = await addServices(tx, [
      {
        organisationId: organisation.id,
        code: `${prefix}-BRI`,
        name: 'Bridge House',
        type: 'supported_housing',
        specialism: 'mental_health',
      },
    ]);
    return { person: personId!, buddy: buddy!, partner: partner!.id, service: service!.id };
  });
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  const other = await makeOrganisation(testDb.database, { slug: 'other', name: 'Other Homes' });
  Object.assign(own, await seed(org, 'DH'));
  const seeded = await seed(other, 'OH');
  Object.assign(theirs, seeded);
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
});
after(async () => {
  await app.close();
  await testDb.close();
});

const saved = () =>
  testDb.database.withOrganisation(org.id, async (tx) => {
    const [row] = await tx
      .select({ buddyId: people.buddyId, partnerOrganisationId: people.partnerOrganisationId })
      .from(people)
      .where(eq(people.id, own.person));
    const links = await tx
      .select({ serviceId: personServices.serviceId })
      .from(personServices)
      .where(eq(personServices.personId, own.person));
    return { ...row!, services: links.map((l) => l.serviceId) };
  });

const FORM = {
  firstName: 'Ottoline',
  lastName: 'Brackenbury',
  kinds: 'customer',
  language: 'en',
  notes: 'Met at the Brackenbury forum',
};

function assertFieldMessage(res: LightMyRequestResponse, field: string, message: string): void {
  assert.equal(res.statusCode, 400, res.body.replace(/<[^>]+>/g, ' ').slice(0, 400));
  assert.match(res.body, /There is a problem/);
  assert.ok(res.body.includes(`href="#${field}"`), `the summary links to ${field}`);
  assert.ok(res.body.includes(message), `the form says "${message}"`);
  assert.ok(res.body.includes(`id="${field}-error"`), `${field} has its own message`);
  // The answers are kept.
  assert.match(res.body, />Met at the Brackenbury forum</);
}

describe('a person’s links to other records', () => {
  for (const [what, id] of [
    ['another organisation’s', () => theirs],
    ['a made-up', () => ({ buddy: randomUUID(), partner: randomUUID(), service: randomUUID() })],
  ] as const) {
    it(`refuses ${what} buddy on the edit form, saving nothing`, async () => {
      const before = await saved();
      const res = await lead.post(
        `/staff/people/${own.person}/edit/support`,
        { ...FORM, buddyId: id().buddy },
        { from: `/staff/people/${own.person}/edit/support` },
      );
      assertFieldMessage(res, 'buddyId', 'Choose a staff buddy from the list');
      assert.deepEqual(await saved(), before);
    });

    it(`refuses ${what} partner organisation on the edit form, saving nothing`, async () => {
      const before = await saved();
      const res = await lead.post(
        `/staff/people/${own.person}/edit/support`,
        { ...FORM, partnerOrganisationId: id().partner },
        { from: `/staff/people/${own.person}/edit/support` },
      );
      assertFieldMessage(
        res,
        'partnerOrganisationId',
        'Choose a partner organisation from the list',
      );
      assert.deepEqual(await saved(), before);
    });

    it(`takes no ${what} buddy or partner when adding a person: they are the support section’s`, async () => {
      const res = await lead.post(
        '/staff/people',
        {
          ...FORM,
          consentMethod: 'verbal',
          buddyId: id().buddy,
          partnerOrganisationId: id().partner,
        },
        { from: '/staff/people/new' },
      );
      assert.equal(res.statusCode, 303);
      const added = /([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
      const [row] = await testDb.database.withOrganisation(org.id, (tx) =>
        tx
          .select({ buddyId: people.buddyId, partnerOrganisationId: people.partnerOrganisationId })
          .from(people)
          .where(eq(people.id, added)),
      );
      assert.deepEqual(row, { buddyId: null, partnerOrganisationId: null });
    });

    it(`refuses ${what} service, linking nothing`, async () => {
      const before = await saved();
      const res = await lead.post(
        `/staff/people/${own.person}/services`,
        { serviceId: id().service, startedOn: '2026-01-05' },
        { from: `/staff/people/${own.person}/edit/services` },
      );
      assert.equal(res.statusCode, 400);
      assert.ok(res.body.includes('href="#serviceId"'), 'the summary links to the service');
      assert.ok(res.body.includes('id="serviceId-error"'));
      assert.match(res.body, /Choose a service from the list/);
      assert.deepEqual(await saved(), before);
    });
  }

  it('will not merge a person with another organisation’s person', async () => {
    const page = await lead.get(`/staff/people/${own.person}/merge?with=${theirs.person}`);
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /Page not found/);
    const res = await lead.post(
      `/staff/people/${own.person}/merge`,
      { otherId: theirs.person },
      { from: `/staff/people/${own.person}` },
    );
    assert.equal(res.statusCode, 404);
    // The other organisation's person is still there, untouched.
    const [kept] = await testDb.database.system
      .select({ erasedAt: people.erasedAt })
      .from(people)
      .where(eq(people.id, theirs.person));
    assert.equal(kept?.erasedAt, null);
  });

  it('refuses an id that is not an id, with the same message', async () => {
    const res = await lead.post(
      `/staff/people/${own.person}/edit/support`,
      { ...FORM, buddyId: 'not-an-id' },
      { from: `/staff/people/${own.person}/edit/support` },
    );
    assertFieldMessage(res, 'buddyId', 'Choose a staff buddy from the list');
  });

  it('takes its own organisation’s buddy, partner and service', async () => {
    const edit = await lead.post(
      `/staff/people/${own.person}/edit/support`,
      { ...FORM, buddyId: own.buddy, partnerOrganisationId: own.partner },
      { from: `/staff/people/${own.person}/edit/support` },
    );
    assert.equal(edit.statusCode, 303);
    const link = await lead.post(
      `/staff/people/${own.person}/services`,
      { serviceId: own.service, startedOn: '2026-01-05' },
      { from: `/staff/people/${own.person}` },
    );
    assert.equal(link.headers.location, `/staff/people/${own.person}?saved=services#services`);
    assert.deepEqual(await saved(), {
      buddyId: own.buddy,
      partnerOrganisationId: own.partner,
      services: [own.service],
    });
  });
});
