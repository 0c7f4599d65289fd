import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { initiatives } from '../initiatives/index.ts';
import { addPeople, addServices, linkPeopleToServices, type NewPerson } from '../people/index.ts';
import { matchPeople } from './matching.ts';
import { createOpportunity, publishOpportunity } from './opportunities.ts';
import { activities, invitations } from './tables.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;
let opportunityId: string;
let audienceOpportunityId: string;
const ids: Record<string, string> = {};

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>) =>
  testDb.database.withOrganisation(org.id, async (tx) => rowsOf<T>(await tx.execute(text)));

const DAY = 24 * 60 * 60 * 1000;
const OPTIONS = { limit: 100, invitationLimit: 3, windowDays: 90 };

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));

  await testDb.database.withOrganisation(org.id, async (tx) => {
    const [repairs, other] = await tx
      .insert(initiatives)
      .values([
        {
          organisationId: org.id,
          title: 'Repairs',
          kind: 'co_production',
          rung: 5,
          status: 'active',
          canChange: 'a',
          fixed: 'b',
          decider: 'c',
          feedback: 'd',
        },
        {
          organisationId: org.id,
          title: 'North only',
          kind: 'consultation',
          rung: 3,
          status: 'active',
          audienceAreas: ['North'],
          canChange: 'a',
          fixed: 'b',
          decider: 'c',
          feedback: 'd',
        },
      ])
      .returning({ id: initiatives.id });
    opportunityId = await createOpportunity(tx, SYSTEM_ACTOR, {
      initiativeId: repairs!.id,
      title: 'Help with repairs',
      description: 'Come and talk about repairs.',
      whenWhere: 'The office',
      accessProvisions: ['step_free', 'hearing_loop'],
      interests: ['repairs'],
    });
    audienceOpportunityId = await createOpportunity(tx, SYSTEM_ACTOR, {
      initiativeId: other!.id,
      title: 'North',
      description: 'Talk about the north.',
      mode: 'online',
      interests: [],
    });

    const person = (reference: string, fields: Partial<NewPerson> = {}): NewPerson => ({
      organisationId: org.id,
      reference,
      firstName: reference,
      lastName: 'Person',
      kinds: ['customer'],
      interests: ['repairs'],
      consents: ['register'],
      ...fields,
    });
    const made = await addPeople(tx, [
      person('fits', {
        email: 'fits@example.org',
        consents: ['register', 'contact_email'],
        skills: ['chairing'],
      }),
      person('needsOffered', { needs: ['step_free'], email: 'offered@example.org' }),
      person('unmetNeed', { needs: ['step_free', 'bsl_interpreter'] }),
      person('askedOften', { email: 'often@example.org', consents: ['register', 'contact_email'] }),
      person('askedLongAgo', { area: 'North' }),
      person('noConsent', { consents: [] }),
      person('doNotContact', { doNotContact: true }),
      person('otherInterest', { interests: ['money'], area: 'North' }),
      person('erased', { erasedAt: new Date() }),
    ]);
    [
      'fits',
      'needsOffered',
      'unmetNeed',
      'askedOften',
      'askedLongAgo',
      'noConsent',
      'doNotContact',
      'otherInterest',
      'erased',
    ].forEach((name, i) => (ids[name] = made[i]!));
    const [service] = await addServices(tx, [
      {
        organisationId: org.id,
        code: 'N1',
        name: 'North House',
        type: 'hostel',
        specialism: 'homelessness',
        area: 'North',
      },
    ]);
    await linkPeopleToServices(tx, [
      {
        organisationId: org.id,
        personId: ids.fits!,
        serviceId: service!.id,
        startedOn: '2024-01-01',
      },
    ]);

    // Invitations, inserted directly: three recent ones for one person, three old ones for another.
    const made_activities = await tx
      .insert(activities)
      .values(
        Array.from({ length: 3 }, (_, i) => ({
          organisationId: org.id,
          initiativeId: repairs!.id,
          kind: 'meeting',
          title: `Meeting ${i}`,
          startsAt: new Date(),
          endsAt: new Date(),
        })),
      )
      .returning({ id: activities.id });
    const invite = (personId: string, activityId: string, daysAgo: number) => ({
      organisationId: org.id,
      activityId,
      personId,
      tokenHash: randomUUID(),
      invitedAt: new Date(Date.now() - daysAgo * DAY),
    });
    await tx
      .insert(invitations)
      .values([
        ...made_activities.map((a, i) => invite(ids.askedOften!, a.id, 10 + i)),
        ...made_activities.map((a, i) => invite(ids.askedLongAgo!, a.id, 200 + i)),
        invite(ids.fits!, made_activities[0]!.id, 5),
      ]);
  });
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('matching people to an opportunity', () => {
  it('finds who fits, leaving out unmet needs and people asked too often', async () => {
    const result = await testDb.database.withOrganisation(org.id, (tx) =>
      matchPeople(tx, opportunityId, OPTIONS),
    );
    const names = result.matches.map((m) => m.reference);
    assert.deepEqual(
      [...names].sort(),
      ['askedLongAgo', 'fits', 'needsOffered'],
      'the register’s people who fit',
    );
    assert.equal(result.fitting, 3);
    assert.deepEqual(result.leftOut, { unmetNeed: 1, askedTooOften: 1 });
    // Those asked least come first.
    assert.equal(names.at(-1), 'fits', 'invited once lately, so after those never asked');
    const fits = result.matches.find((m) => m.reference === 'fits')!;
    assert.deepEqual(fits.sharedInterests, ['repairs']);
    assert.deepEqual(fits.skills, ['chairing']);
    assert.deepEqual(fits.services, ['North House']);
    assert.equal(fits.recentInvitations, 1);
  });

  it('lets the limit and the window be changed', async () => {
    const wider = await testDb.database.withOrganisation(org.id, (tx) =>
      matchPeople(tx, opportunityId, { ...OPTIONS, windowDays: 365 }),
    );
    assert.equal(wider.leftOut.askedTooOften, 2, 'the old invitations count in a year');
    const higher = await testDb.database.withOrganisation(org.id, (tx) =>
      matchPeople(tx, opportunityId, { ...OPTIONS, invitationLimit: 4 }),
    );
    assert.ok(higher.matches.some((m) => m.reference === 'askedOften'));
  });

  it('keeps to the initiative’s audience when it names one, with any interest when the opportunity names none', async () => {
    const result = await testDb.database.withOrganisation(org.id, (tx) =>
      matchPeople(tx, audienceOpportunityId, OPTIONS),
    );
    assert.deepEqual(
      result.matches.map((m) => m.reference).sort(),
      ['askedLongAgo', 'fits', 'otherInterest'],
      'in the North by area or by service',
    );
  });

  it('shows the people who fit and who was left out, on a page with a flat query count', async () => {
    const page = await lead.get(`/staff/opportunities/${opportunityId}/matches`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /3 people fit/);
    assert.match(page.body, /1 person needs support this opportunity does not offer/);
    assert.match(
      page.body,
      /1 person has been asked to take part 3 or more times in the last 90 days/,
    );
    assert.match(page.body, /Interested in: Repairs and homes/);
    assert.match(page.body, /Skills: Chairing meetings/);
    assert.match(page.body, /Services: North House/);
    assert.doesNotMatch(page.body, /unmetNeed Person/);
    assert.match(page.body, /Publish the opportunity before you email people/);
    const count = async () =>
      (await testDb.countQueries(() => lead.get(`/staff/opportunities/${opportunityId}/matches`)))
        .queries;
    const before = await count();
    await testDb.database.withOrganisation(org.id, (tx) =>
      addPeople(
        tx,
        Array.from({ length: 30 }, (_, i) => ({
          organisationId: org.id,
          reference: `more-${i}`,
          firstName: `More${i}`,
          lastName: 'Person',
          interests: ['repairs'],
          consents: ['register'],
        })),
      ),
    );
    assert.equal(await count(), before);
    assert.equal((await lead.get(`/staff/opportunities/${opportunityId}/matches`)).statusCode, 200);
  });

  it('emails only the people who fit and consented to email, one message each, audited once', async () => {
    const refused = await lead.post(
      `/staff/opportunities/${opportunityId}/matches/email`,
      {},
      { from: `/staff/opportunities/${opportunityId}/matches` },
    );
    assert.match(String(refused.headers.location), /notPublished=1/);
    assert.equal((await q(sql`select 1 from outbox`)).length, 0);

    await testDb.database.withOrganisation(org.id, (tx) =>
      publishOpportunity(tx, SYSTEM_ACTOR, opportunityId, { confirmFindings: true }),
    );
    const res = await lead.post(
      `/staff/opportunities/${opportunityId}/matches/email`,
      {},
      { from: `/staff/opportunities/${opportunityId}/matches` },
    );
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /sent=1$/);
    const mail = await q<{ to_address: string; subject: string; text_body: string }>(
      sql`select to_address, subject, text_body from outbox`,
    );
    assert.deepEqual(
      mail.map((m) => m.to_address),
      ['fits@example.org'],
      'not the one without email consent, nor the one asked too often',
    );
    assert.equal(mail[0]!.subject, 'A way to get involved: Help with repairs');
    assert.match(mail[0]!.text_body, new RegExp(`/opportunities/${opportunityId}`));
    const logged = await q<{ after: { sent: number } }>(
      sql`select after from audit_log where action = 'email-matches'`,
    );
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.after.sent, 1);
    const page = await lead.get(String(res.headers.location));
    assert.match(page.body, /We have emailed 1 person/);
    assert.match(page.body, /1 person shown has already been emailed about this/);
    assert.match(page.body, /Emailed about this on/);

    // A second press asks no one twice.
    const again = await lead.post(
      `/staff/opportunities/${opportunityId}/matches/email`,
      {},
      { from: `/staff/opportunities/${opportunityId}/matches` },
    );
    assert.match(String(again.headers.location), /sent=0$/);
    assert.equal((await q(sql`select 1 from outbox`)).length, 1);

    // Being emailed about one opportunity counts as being asked when matching another.
    const other = await testDb.database.withOrganisation(org.id, (tx) =>
      matchPeople(tx, audienceOpportunityId, OPTIONS),
    );
    const fits = other.matches.find((m) => m.reference === 'fits')!;
    assert.equal(fits.recentInvitations, 2, 'one invitation and one email');
    assert.equal(fits.askedAt, null, 'not emailed about this one');
    const limited = await testDb.database.withOrganisation(org.id, (tx) =>
      matchPeople(tx, audienceOpportunityId, { ...OPTIONS, invitationLimit: 2 }),
    );
    assert.ok(!limited.matches.some((m) => m.reference === 'fits'));
  });
});

describe('emailing matches in easy read (issue 10 §3)', () => {
  it('emails a person whose record asks for easy read the easy version, and another the standard one', async () => {
    const gardensId = await testDb.database.withOrganisation(org.id, async (tx) => {
      const [initiative] = rowsOf<{ id: string }>(
        await tx.execute(sql`select id from initiatives where title = 'Repairs'`),
      );
      const made = await createOpportunity(tx, SYSTEM_ACTOR, {
        initiativeId: initiative!.id,
        title: 'Plan the gardens',
        description: 'Come and help us plan the gardens.',
        whenWhere: 'The office',
        // Easy read offered: a need not on offer leaves a person out of the matches.
        accessProvisions: ['easy_read'],
        interests: ['gardens'],
        closesOn: '2099-12-31',
      });
      await publishOpportunity(tx, SYSTEM_ACTOR, made, { confirmFindings: true });
      const person = (firstName: string, needs: string[]): NewPerson => ({
        organisationId: org.id,
        reference: `garden-${firstName}`,
        firstName,
        lastName: 'Person',
        kinds: ['customer'],
        interests: ['gardens'],
        consents: ['register', 'contact_email'],
        email: `${firstName.toLowerCase()}.garden@example.org`,
        needs,
      });
      await addPeople(tx, [person('Uma', ['easy_read']), person('Vic', [])]);
      return made;
    });
    const res = await lead.post(
      `/staff/opportunities/${gardensId}/matches/email`,
      {},
      { from: `/staff/opportunities/${gardensId}/matches` },
    );
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /sent=2$/);
    const mail = await q<{ to_address: string; subject: string; text_body: string }>(
      sql`select to_address, subject, text_body from outbox
          where template = 'opportunity-match' and to_address like '%.garden@example.org'
          order by to_address`,
    );
    const [uma, vic] = mail;
    assert.equal(uma!.to_address, 'uma.garden@example.org');
    assert.equal(uma!.subject, 'Would you like to take part in Plan the gardens?');
    const lines = uma!.text_body.split('\n\n');
    assert.deepEqual(lines.slice(1, 5), [
      'We think you might like to take part in Plan the gardens.',
      'You told us you are interested in this.',
      'You said we can email you about ways to take part.',
      'Do you want us to stop emailing you? Reply to this email to tell us.',
    ]);
    // The closing date, then the button after all the words.
    assert.match(lines[5]!, /^It closes on .*2099\.$/);
    assert.match(
      lines[6]!,
      new RegExp(`^Find out more and sign up: http://[^ ]+/opportunities/${gardensId}$`),
    );

    assert.equal(vic!.to_address, 'vic.garden@example.org');
    assert.equal(vic!.subject, 'A way to get involved: Plan the gardens');
    assert.match(vic!.text_body, /We are writing because you told us you are interested in this/);
    assert.doesNotMatch(vic!.text_body, /Reply to this email to tell us/);
  });
});
