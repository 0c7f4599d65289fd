// The customer's own details on /my (issue 10 §6): what the register holds
// about them, a request to change it that staff see and act on, stopping a
// consent at once, and the download of everything held, always for the
// account's own person; staff helping them in assisted mode see the same.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf, type Tx } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import {
  TEST_USER_HEADER,
  createTestApp,
  makeOrganisation,
  signedInAs,
} from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { createUser } from '../identity/index.ts';
import { addConsentRecords, addPeople, erasePerson } from './index.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let account: { id: string; personId: string };
let herbert: string;
let otherRequest: string;
let otherPerson: string;

const withOrg = <T>(work: (tx: Tx) => Promise<T>) => testDb.database.withOrganisation(org.id, work);
const customer = () => new TestClient(app, signedInAs(org, ['customer'], [], account));
const staff = () => new TestClient(app, signedInAs(org, ['staff']));
const query = async <T>(text: ReturnType<typeof sql>) =>
  rowsOf<T>(await withOrg((tx) => tx.execute(text)));

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo' });
  other = await makeOrganisation(testDb.database);
  app = await createTestApp(testDb.database);
  account = await withOrg(async (tx) => {
    const actor = { userId: null, label: 'test', ip: null };
    const [supporter, winifred, sharer] = await addPeople(tx, [
      {
        organisationId: org.id,
        reference: 'MY0',
        firstName: 'Bob',
        lastName: 'Helper',
        kinds: ['carer'],
      },
      {
        organisationId: org.id,
        reference: 'MY1',
        firstName: 'Winifred',
        lastName: 'Stonebridge',
        email: 'winifred@example.org',
        phone: '07700 900111',
        town: 'Leeds',
        kinds: ['customer'],
        needs: ['large_print'],
        needsNote: 'Morning meetings please',
        consents: ['register', 'contact_email', 'photos'],
      },
      {
        organisationId: org.id,
        reference: 'MY2',
        firstName: 'Herbert',
        lastName: 'Stonebridge',
        email: 'winifred@example.org',
        phone: '07700 900222',
        kinds: ['customer'],
      },
    ]);
    herbert = sharer!;
    await tx.execute(sql`update people set supporter_id = ${supporter!},
      supporter_relationship = 'carer' where id = ${winifred!}`);
    await addConsentRecords(
      tx,
      ['register', 'contact_email', 'photos'].map((purpose) => ({
        organisationId: org.id,
        personId: winifred!,
        purpose,
        status: 'given',
        wordingVersion: '2026-11',
        method: 'paper',
        recordedBy: 'test',
      })),
    );
    const user = await createUser(tx, actor, {
      email: 'winifred@example.org',
      name: 'Winifred Stonebridge',
      roles: ['customer'],
      permissions: [],
      personId: winifred!,
    });
    return { id: user.id, personId: winifred! };
  });
  // Another organisation's person, with a request of their own.
  [otherPerson, otherRequest] = await testDb.database.withOrganisation(other.id, async (tx) => {
    const [olga] = await addPeople(tx, [
      { organisationId: other.id, reference: 'OT1', firstName: 'Olga', lastName: 'Elsewhere' },
    ]);
    const [row] = rowsOf<{ id: string }>(
      await tx.execute(sql`insert into person_change_requests
          (organisation_id, person_id, section, details, requested_by)
        values (${other.id}, ${olga!}, 'name', 'Olga’s own request', 'Olga') returning id`),
    );
    return [olga!, row!.id];
  });
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('your details, signed out, unlinked and elsewhere', () => {
  it('sends a signed-out visitor to sign in', async () => {
    for (const url of ['/my/details/change', '/my/data.json', '/my/consents/photos/stop'])
      assert.equal((await app.inject({ url })).statusCode, 303, url);
  });

  it('shows nothing of the register to an account linked to nobody', async () => {
    const unlinked = new TestClient(app, signedInAs(org, ['customer']));
    const page = await unlinked.get('/my');
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Your details|Download your data/);
    for (const url of ['/my/details/change', '/my/data.json', '/my/consents/photos/stop'])
      assert.equal((await unlinked.get(url)).statusCode, 404, url);
  });

  it('refuses an account of another organisation', async () => {
    const headers = signedInAs(other, ['customer'], [], account);
    for (const url of ['/my', '/my/details/change', '/my/data.json'])
      assert.equal((await app.inject({ url, headers })).statusCode, 403, url);
  });
});

describe('your details', () => {
  it('shows their own details, needs, consents with what each means, and supporter', async () => {
    const res = await customer().get('/my');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Your details/);
    assert.match(res.body, /winifred@example\.org/);
    assert.match(res.body, /07700 900111/);
    assert.match(res.body, /Leeds/);
    assert.match(res.body, /Large print/);
    assert.match(res.body, /Morning meetings please/);
    assert.match(res.body, /Bob Helper \(Carer\)/i);
    assert.match(res.body, /You can use photos of me in your reports and posters\./);
    assert.match(res.body, /href="\/my\/consents\/photos\/stop"/);
    assert.doesNotMatch(res.body, /href="\/my\/consents\/quotes\/stop"/);
    assert.match(res.body, /href="\/my\/details\/change"/);
    assert.match(res.body, /href="\/my\/data\.json"/);
    assert.doesNotMatch(res.body, /07700 900222|Herbert/);
  });

  it('names the field and keeps what was typed when the request is not complete', async () => {
    const client = customer();
    await client.get('/my/details/change');
    const noSection = await client.post('/my/details/change', {
      details: 'My new number is <07700 900333>',
    });
    assert.equal(noSection.statusCode, 400);
    assert.match(noSection.body, /href="#section"[^>]*>Select which of your details should change/);
    assert.match(noSection.body, /My new number is &lt;07700 900333&gt;<\/textarea>/);
    const noDetails = await client.post('/my/details/change', { section: 'contact', details: ' ' });
    assert.equal(noDetails.statusCode, 400);
    assert.match(noDetails.body, /href="#details"[^>]*>Enter what should change/);
    assert.match(noDetails.body, /value="contact" checked/);
    const long = await client.post('/my/details/change', {
      section: 'contact',
      details: 'x'.repeat(2001),
    });
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /What should change must be 2000 characters or fewer/);
    assert.equal(
      (await query<{ n: number }>(sql`select count(*)::int as n from person_change_requests`))[0]!
        .n,
      0,
    );
  });

  it('records a request that staff see in work waiting and on the person’s page, and act on', async () => {
    const client = customer();
    await client.get('/my/details/change');
    const sent = await client.post('/my/details/change', {
      section: 'contact',
      details: 'My new number is 07700 900333',
    });
    assert.equal(sent.statusCode, 303);
    assert.equal(sent.headers.location, '/my#my-details');
    const [row] = await query<{ id: string; personId: string; requestedBy: string }>(
      sql`select id, person_id as "personId", requested_by as "requestedBy"
        from person_change_requests where status = 'open'`,
    );
    assert.equal(row!.personId, account.personId);
    assert.equal(row!.requestedBy, 'Test User');
    const mine = await customer().get('/my');
    assert.match(mine.body, /We have your request of \d+ \w+ \d{4} about Your contact details/);

    const home = await staff().get('/staff');
    assert.match(
      home.body,
      /href="\/staff\/people\/change-requests"[^>]*>[\s\S]*?1 change a person asked for to their details/,
    );
    // A customer never sees the staff list.
    assert.equal((await customer().get('/staff/people/change-requests')).statusCode, 403);
    const list = await staff().get('/staff/people/change-requests');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Winifred Stonebridge/);
    assert.match(list.body, /My new number is 07700 900333/);
    assert.doesNotMatch(list.body, /Olga/);

    const desk = staff();
    const page = await desk.get(`/staff/people/${account.personId}`);
    assert.match(page.body, /Changes they asked for/);
    assert.match(page.body, /My new number is 07700 900333/);
    // Another organisation's request, or another person's, is not there to be done.
    assert.equal(
      (
        await desk.post(
          `/staff/people/${account.personId}/change-requests/${otherRequest}/done`,
          {},
        )
      ).statusCode,
      404,
    );
    assert.equal(
      (await desk.post(`/staff/people/${otherPerson}/change-requests/${otherRequest}/done`, {}))
        .statusCode,
      404,
    );
    assert.equal(
      (await desk.post(`/staff/people/${herbert}/change-requests/${row!.id}/done`, {})).statusCode,
      404,
    );
    const done = await desk.post(
      `/staff/people/${account.personId}/change-requests/${row!.id}/done`,
      {
        outcome: 'Phone number changed',
      },
    );
    assert.equal(done.statusCode, 303);
    const audits = await query<{ action: string }>(
      sql`select action from audit_log where entity = 'person' and entity_id = ${account.personId}
        and action like 'change-request%' order by id`,
    );
    assert.deepEqual(
      audits.map((a) => a.action),
      ['change-request', 'change-request-done'],
    );
    assert.doesNotMatch((await customer().get('/my')).body, /We have your request/);
    assert.match(
      (await staff().get('/staff')).body,
      /No changes to people&#39;s details waiting|No changes to people's details waiting/,
    );
    assert.match(
      (await staff().get(`/staff/people/${account.personId}`)).body,
      /Phone number changed/,
    );
  });

  it('stops a consent at once, after a page that says what it means', async () => {
    const client = customer();
    const page = await client.get('/my/consents/photos/stop');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /You can use photos of me in your reports and posters\./);
    assert.match(page.body, /We will not use photos of you in anything new\./);
    const stopped = await client.post('/my/consents/photos/stop', {});
    assert.equal(stopped.statusCode, 303);
    assert.equal(stopped.headers.location, '/my/consents/photos/stop?done=1');
    assert.match(
      (await client.get('/my/consents/photos/stop?done=1')).body,
      /You have stopped: Photos/,
    );
    const [person] = await query<{ consents: string[] }>(
      sql`select consents from people where id = ${account.personId}`,
    );
    assert.deepEqual(person!.consents.sort(), ['contact_email', 'register']);
    const [latest] = await query<{ status: string; method: string; recordedBy: string }>(
      sql`select status, method, recorded_by as "recordedBy" from consents
        where person_id = ${account.personId} and purpose = 'photos' order by recorded_at desc limit 1`,
    );
    assert.deepEqual(latest, { status: 'withdrawn', method: 'online', recordedBy: 'Test User' });
    // Not given now, not a purpose at all: nothing to stop.
    assert.equal((await client.get('/my/consents/photos/stop')).statusCode, 404);
    assert.equal((await client.post('/my/consents/photos/stop', {})).statusCode, 404);
    assert.equal((await client.get('/my/consents/nonsense/stop')).statusCode, 404);
    assert.doesNotMatch((await client.get('/my')).body, /href="\/my\/consents\/photos\/stop"/);
  });

  it('downloads everything held about their own person, audited', async () => {
    const res = await customer().get('/my/data.json');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-disposition']), /attachment; filename="your-data-/);
    const data = JSON.parse(res.body);
    assert.equal(data.format, 'coproduce-subject-access/1');
    assert.equal(data.person.id, account.personId);
    assert.equal(data.person.firstName, 'Winifred');
    assert.equal(data.changeRequests.length, 1);
    assert.equal(data.changeRequests[0].details, 'My new number is 07700 900333');
    assert.ok(Array.isArray(data.signInAccounts ?? []));
    assert.equal(data.equalityMonitoring, null);
    assert.doesNotMatch(res.body, /Herbert|Olga/);
    const [audit] = await query<{ n: number }>(
      sql`select count(*)::int as n from audit_log where action = 'subject-access-download'
        and entity_id = ${account.personId}`,
    );
    assert.equal(audit!.n, 1);

    // The same as a spreadsheet: a sheet for each part, fields in words.
    const sheet = await customer().get('/my/data.xlsx');
    assert.equal(sheet.statusCode, 200);
    assert.match(String(sheet.headers['content-type']), /spreadsheetml/);
    assert.match(String(sheet.headers['content-disposition']), /filename="your-data-.*\.xlsx"/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.read(Readable.from([sheet.rawPayload]));
    const names = book.worksheets.map((w) => w.name);
    assert.equal(names[0], 'About this file');
    const rowsOfSheet = (name: string) => {
      const found = book.getWorksheet(name);
      assert.ok(found, `a sheet ${name} among ${names.join(', ')}`);
      const rows: unknown[][] = [];
      found.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    };
    assert.deepEqual(rowsOfSheet('Person')[0], ['Field', 'Value']);
    assert.ok(rowsOfSheet('Person').some((r) => r[0] === 'First name' && r[1] === 'Winifred'));
    const requests = rowsOfSheet('Change requests');
    assert.ok(requests[0]!.includes('Details'), 'columns named in words');
    assert.ok(requests.some((r) => r.includes('My new number is 07700 900333')));
    const everything = names.flatMap((name) => rowsOfSheet(name).flat()).join(' ');
    assert.match(everything, /Winifred/);
    assert.doesNotMatch(everything, /Herbert|Olga/, 'nobody else’s data');
    const [audits] = await query<{ n: number }>(
      sql`select count(*)::int as n from audit_log where action = 'subject-access-download'
        and entity_id = ${account.personId} and after->>'format' = 'xlsx'`,
    );
    assert.equal(audits!.n, 1);
  });
});

describe('your details in assisted mode', () => {
  const helped = () =>
    new TestClient(app, {
      [TEST_USER_HEADER]: JSON.stringify({
        id: account.id,
        organisationId: org.id,
        name: 'Winifred Stonebridge',
        roles: ['customer'],
        permissions: [],
        personId: account.personId,
        assistedBy: { id: '00000000-0000-4000-8000-000000000001', name: 'Sam Staff' },
      }),
    });

  it('shows the helper the same sections, records who helped, and withholds equality answers', async () => {
    const client = helped();
    const page = await client.get('/my');
    assert.equal(page.statusCode, 200);
    for (const heading of ['Opportunities for you', 'Your details', 'Download your data'])
      assert.match(page.body, new RegExp(heading));
    assert.match(page.body, /winifred@example\.org/);
    await client.get('/my/details/change');
    assert.equal(
      (await client.post('/my/details/change', { section: 'needs', details: 'Step-free access' }))
        .statusCode,
      303,
    );
    const [row] = await query<{ requestedBy: string }>(
      sql`select requested_by as "requestedBy" from person_change_requests where section = 'needs'`,
    );
    assert.equal(row!.requestedBy, 'Winifred Stonebridge (helped by Sam Staff)');
    const data = JSON.parse((await client.get('/my/data.json')).body);
    assert.match(String(data.equalityMonitoring), /withheld/);
  });
});

describe('your details in easy read', () => {
  it('gives each section of the register its easy-read words and picture', async () => {
    const res = await customer().get('/my?display=easy');
    assert.match(res.body, /This is what we know about you\./);
    assert.match(res.body, /You can have a copy of everything we know about you\./);
    const form = await customer().get('/my/details/change?display=easy');
    assert.match(form.body, /Tell us what is wrong\. We will check it and change it\./);
  });
});

describe('change requests and the person’s rights', () => {
  it('are removed when the person is erased', async () => {
    await withOrg(async (tx) => {
      await tx.execute(sql`insert into person_change_requests
          (organisation_id, person_id, section, details, requested_by)
        values (${org.id}, ${herbert}, 'name', 'Call me Bert', 'Herbert')`);
      await erasePerson(tx, { userId: null, label: 'test', ip: null }, herbert, org.id);
    });
    const left = await query<{ n: number }>(
      sql`select count(*)::int as n from person_change_requests where person_id = ${herbert}`,
    );
    assert.equal(left[0]!.n, 0);
  });
});
