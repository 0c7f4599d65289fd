import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { rowsOf } from '../../platform/db/index.ts';
import { queueMail } from '../../platform/mail/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { createUser } from '../identity/index.ts';
import { addPeople, addServices, withDistinctNames } from './service.ts';
import { fingerprint, retentionDue } from './rights.ts';
import { areasInUse } from './queries.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;
let staff: TestClient;
let serviceId: string;

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>) =>
  testDb.database.withOrganisation(org.id, async (tx) => rowsOf<T>(await tx.execute(text)));

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  staff = new TestClient(app, signedInAs(org, ['staff']));
  const [service] = await testDb.database.withOrganisation(org.id, (tx) =>
    addServices(tx, [
      {
        organisationId: org.id,
        code: 'MH-BRI',
        name: 'Bridge House',
        type: 'supported_housing',
        specialism: 'mental_health',
        area: 'Central',
      },
    ]),
  );
  serviceId = service!.id;
});
after(async () => {
  await app.close();
  await testDb.close();
});

/** The section of a person's page each field beyond the add form's is changed in. */
const SECTION_OF: Record<string, string> = {
  preferredName: 'about',
  'dateOfBirth-day': 'about',
  area: 'contact',
  language: 'contact',
  languageOther: 'contact',
  preferredChannels: 'contact',
  bestTimes: 'contact',
  doNotContact: 'contact',
  needs: 'needs',
  needsNote: 'needs',
  skills: 'brings',
  interests: 'brings',
  availability: 'brings',
  supporterReference: 'support',
  buddyId: 'support',
  partnerOrganisationId: 'support',
  notes: 'support',
};

/**
 * Adds a person as staff do: the add form, then each section of their page
 * that the fields belong to. Returns their id.
 */
async function addPerson(fields: Record<string, string | string[]>): Promise<string> {
  const all = { kinds: 'customer', consentMethod: 'verbal', ...fields };
  const res = await lead.post('/staff/people', all, { from: '/staff/people/new' });
  assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
  const id = /\/staff\/people\/([0-9a-f-]{36})/.exec(res.headers.location as string)![1]!;
  const sections = new Set(Object.keys(fields).flatMap((f) => SECTION_OF[f] ?? []));
  for (const section of sections) {
    const url = `/staff/people/${id}/edit/${section}`;
    const saved = await lead.post(url, all, { from: url });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 2000));
  }
  return id;
}

describe('the register: adding and finding people', () => {
  it('adds a person with access needs and consents, and shows them', async () => {
    const id = await addPerson({
      firstName: 'Marjorie',
      lastName: 'Fairweather',
      email: 'MARJORIE@example.org',
      postcode: 'ne14ab',
      needs: ['step_free', 'bsl_interpreter'],
      consents: ['register', 'contact_email'],
    });
    const page = await lead.get(`/staff/people/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Marjorie Fairweather/);
    assert.match(page.body, /Step-free access/);
    assert.match(page.body, /NE1 4AB/, 'postcode tidied');
    const [row] = await q<{ email: string; consents: string[]; reference: string }>(
      sql`select email, consents, reference from people where id = ${id}`,
    );
    assert.equal(row!.email, 'marjorie@example.org');
    assert.deepEqual(row!.consents, ['register', 'contact_email']);
    assert.match(row!.reference, /^CP-[A-Z0-9]{6}$/, 'a reference is assigned');
    assert.match(page.body, new RegExp(row!.reference));
  });

  it('answers bad input with messages that name the field, keeping what was typed', async () => {
    const res = await lead.post(
      '/staff/people',
      { firstName: '', lastName: 'Keepme', email: 'not-an-email', kinds: 'customer' },
      { from: '/staff/people/new' },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Enter a first name/);
    assert.match(res.body, /href="#firstName"/);
    assert.match(res.body, /Enter an email address in the right format/);
    assert.match(res.body, /value="Keepme"/);
    // Optional fields say so (issue 10 §11).
    const blank = await lead.get('/staff/people/new');
    assert.match(blank.body, /<label[^>]*for="reference">\s*Reference \(optional\)/);
    assert.match(blank.body, /<label[^>]*for="lastName">\s*Last name \(optional\)/);
    assert.match(blank.body, /<label[^>]*for="firstName">\s*First name\s*</);
    // A length limit says which box is too long (issue 10 §11).
    const ann = await addPerson({ firstName: 'Ann' });
    const long = await lead.post(
      `/staff/people/${ann}/edit/about`,
      { firstName: 'Ann', lastName: 'x'.repeat(101), preferredName: 'y'.repeat(101) },
      { from: `/staff/people/${ann}/edit/about` },
    );
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /href="#lastName">Last name must be 100 characters or fewer/);
    assert.match(
      long.body,
      /href="#preferredName">The name they like to be called must be 100 characters or fewer/,
    );
  });

  it('finds people by a misspelt name, email, phone and postcode', async () => {
    await addPerson({
      firstName: 'John',
      lastName: 'Smith',
      phone: '07700 900123',
      postcode: 'NE6 2EF',
    });
    await addPerson({ firstName: 'Alice', lastName: 'Nakamura', email: 'alice@example.org' });
    const byName = await lead.get('/staff/people?q=Jonh+Smyth');
    assert.match(byName.body, /John Smith/);
    assert.doesNotMatch(byName.body, /Alice Nakamura/);
    assert.match((await lead.get('/staff/people?q=07700900123')).body, /John Smith/);
    assert.match((await lead.get('/staff/people?q=ne62ef')).body, /John Smith/);
    const byEmail = await lead.get('/staff/people?q=ALICE%40example.org');
    assert.match(byEmail.body, /Alice Nakamura/);
    assert.doesNotMatch(byEmail.body, /John Smith/);
  });

  it('sums the access needs of a filtered list', async () => {
    await addPerson({ firstName: 'Stepfree', lastName: 'Two', needs: ['step_free'] });
    const page = await lead.get('/staff/people?need=step_free');
    assert.match(page.body, /2 need step-free access/);
    assert.match(page.body, /1 needs a BSL interpreter/);
  });

  it('keeps the query count flat as the register grows', async () => {
    const count = async () =>
      (await testDb.countQueries(() => lead.get('/staff/people?kind=customer'))).queries;
    const before = await count();
    await testDb.database.withOrganisation(org.id, (tx) =>
      addPeople(
        tx,
        Array.from({ length: 150 }, (_, i) => ({
          organisationId: org.id,
          reference: `BULK${i}`,
          firstName: `Bulk${i}`,
          lastName: 'Person',
          kinds: ['customer'],
          needs: i % 3 ? [] : ['large_print'],
        })),
      ),
    );
    assert.equal(await count(), before);
  });
});

describe('the register: a person’s page in sections (issue 10 §11)', () => {
  it('adds a person with only what a record must have, and offers the rest as sections', async () => {
    const form = await lead.get('/staff/people/new');
    assert.equal(form.statusCode, 200);
    const controls = form.body.match(/<(input|select|textarea)\b(?![^>]*type="hidden")/g) ?? [];
    assert.ok(controls.length <= 30, `${controls.length} controls on the add form`);
    for (const asked of ['firstName', 'lastName', 'email', 'phone', 'postcode', 'consents'])
      assert.match(form.body, new RegExp(`name="${asked}"`), asked);
    for (const later of ['needs', 'skills', 'buddyId', 'supporterReference', 'language'])
      assert.doesNotMatch(form.body, new RegExp(`name="${later}"`), later);

    // A field the add form does not have is not taken from a post either.
    const res = await lead.post(
      '/staff/people',
      { firstName: 'Sectioned', lastName: 'Sam', kinds: 'customer', needs: 'step_free' },
      { from: '/staff/people/new' },
    );
    assert.equal(res.statusCode, 303);
    const page = await lead.get(String(res.headers.location));
    assert.match(page.body, /The person has been added/);
    const id = /([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
    const [row] = await q<{ needs: string[] }>(sql`select needs from people where id = ${id}`);
    assert.deepEqual(row!.needs, []);
    for (const section of ['about', 'contact', 'needs', 'consents', 'brings', 'support'])
      assert.match(
        page.body,
        new RegExp(
          `href="/staff/people/${id}/edit/${section}">Change<span class="govuk-visually-hidden"> \\(`,
        ),
        section,
      );
    for (const section of ['services', 'roles', 'training'])
      assert.ok(page.body.includes(`href="/staff/people/${id}/edit/${section}"`), section);
    for (const url of [
      'about',
      'contact',
      'needs',
      'brings',
      'support',
      'consents',
      'services',
      'roles',
      'training',
    ])
      assert.equal((await lead.get(`/staff/people/${id}/edit/${url}`)).statusCode, 200, url);
  });

  it('saves one section, audited, and says which on the summary', async () => {
    const id = await addPerson({
      firstName: 'Section',
      lastName: 'Saver',
      email: 'saver@example.org',
      phone: '07700 900001',
    });
    const url = `/staff/people/${id}/edit/contact`;
    const form = await lead.get(url);
    assert.match(form.body, /value="saver@example.org"/);
    assert.match(form.body, /<h1[^>]*>\s*Contact details\s*<\/h1>/);
    const res = await lead.post(
      url,
      {
        email: 'saver@example.org',
        phone: '07700 900002',
        preferredChannels: 'phone',
        // Not this section's: ignored.
        firstName: 'Changed',
        needs: 'step_free',
      },
      { from: url },
    );
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/staff/people/${id}?saved=contact#contact`);
    const page = await lead.get(`/staff/people/${id}?saved=contact`);
    assert.match(page.body, /Changes to their contact details have been saved/);
    const [row] = await q<{
      phone: string;
      first_name: string;
      needs: string[];
      channels: string[];
    }>(
      sql`select phone, first_name, needs, preferred_channels as channels from people where id = ${id}`,
    );
    assert.equal(row!.phone, '07700 900002');
    assert.deepEqual(row!.channels, ['phone']);
    assert.equal(row!.first_name, 'Section');
    assert.deepEqual(row!.needs, []);
    const [logged] = await q<{ before: Record<string, unknown>; after: Record<string, unknown> }>(
      sql`select before, after from audit_log where entity = 'person' and action = 'update' and entity_id = ${id} order by at desc limit 1`,
    );
    assert.equal(logged!.before.phone, '07700 900001');
    assert.equal(logged!.after.phone, '07700 900002');
    assert.ok(!('firstName' in logged!.after), 'only the section’s fields change');
  });

  it('re-shows a refused section with the field named, the answers kept, and nothing else touched', async () => {
    const id = await addPerson({
      firstName: 'Refused',
      lastName: 'Change',
      email: 'refused@example.org',
      needs: ['quiet_space'],
    });
    const url = `/staff/people/${id}/edit/about`;
    const res = await lead.post(
      url,
      {
        firstName: '',
        lastName: 'Kept',
        'dateOfBirth-day': '31',
        'dateOfBirth-month': '2',
        'dateOfBirth-year': '1980',
      },
      { from: url },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /There is a problem/);
    assert.match(res.body, /href="#firstName">Enter a first name/);
    assert.match(res.body, /href="#dateOfBirth-day">Enter a real date/);
    assert.ok(res.body.includes('id="firstName-error"'));
    assert.match(res.body, /value="Kept"/);
    assert.match(res.body, /name="dateOfBirth-day" type="text" value="31"/);
    // Another section's problem is not this one's: a bad email on record does not stop it.
    await q(sql`update people set email = 'not-an-email' where id = ${id}`);
    const ok = await lead.post(
      url,
      { firstName: 'Refused', lastName: 'Kept', kinds: 'customer' },
      { from: url },
    );
    assert.equal(ok.statusCode, 303, ok.body.replace(/<[^>]+>/g, ' ').slice(0, 600));
    const [row] = await q<{ last_name: string; email: string; needs: string[] }>(
      sql`select last_name, email, needs from people where id = ${id}`,
    );
    assert.equal(row!.last_name, 'Kept');
    assert.equal(row!.email, 'not-an-email', 'the contact details are untouched');
    assert.deepEqual(row!.needs, ['quiet_space']);

    // A role that is not on the list is named on the roles page.
    const role = await lead.post(
      `/staff/people/${id}/roles`,
      { role: 'astronaut', startedOn: '2026-01-05' },
      { from: `/staff/people/${id}/edit/roles` },
    );
    assert.equal(role.statusCode, 400);
    assert.match(role.body, /href="#role">Choose a role from the list/);
    const training = await lead.post(
      `/staff/people/${id}/training`,
      { module: 'safeguarding', completedOn: '2026-02-10', expiresOn: '2026-01-01' },
      { from: `/staff/people/${id}/edit/training` },
    );
    assert.equal(training.statusCode, 400);
    assert.match(training.body, /href="#expiresOn">The expiry date must be/);
    assert.match(training.body, /value="2026-02-10"/);
  });

  it('keeps other organisations’ people and other roles out of the sections', async () => {
    const id = await addPerson({ firstName: 'Guarded', lastName: 'Sections' });
    const other = await makeOrganisation(testDb.database, {
      slug: 'sections-other',
      name: 'Other',
    });
    const [theirs] = await testDb.database.withOrganisation(other.id, (tx) =>
      addPeople(tx, [
        {
          organisationId: other.id,
          reference: 'S-1',
          firstName: 'Their',
          lastName: 'Person',
          kinds: ['customer'],
        },
      ]),
    );
    for (const section of ['about', 'contact', 'consents', 'roles'])
      assert.equal((await lead.get(`/staff/people/${theirs}/edit/${section}`)).statusCode, 404);
    const post = await lead.post(
      `/staff/people/${theirs}/edit/about`,
      { firstName: 'Taken', kinds: 'customer' },
      { from: `/staff/people/${id}/edit/about` },
    );
    assert.equal(post.statusCode, 404);
    const [still] = await testDb.database.withOrganisation(other.id, async (tx) =>
      rowsOf<{ first_name: string }>(
        await tx.execute(sql`select first_name from people where id = ${theirs}`),
      ),
    );
    assert.equal(still!.first_name, 'Their');
    assert.equal((await lead.get(`/staff/people/${id}/edit/nonsense`)).statusCode, 404);

    const board = new TestClient(app, signedInAs(org, ['board_member']));
    assert.equal((await board.get(`/staff/people/${id}/edit/about`)).statusCode, 403);
    const refused = await board.post(
      `/staff/people/${id}/edit/about`,
      { firstName: 'Board', kinds: 'customer' },
      { from: `/staff/people/${id}/edit/about` },
    );
    assert.equal(refused.statusCode, 403);
    const [row] = await q<{ first_name: string }>(
      sql`select first_name from people where id = ${id}`,
    );
    assert.equal(row!.first_name, 'Guarded');
  });
});

describe('the register: areas for the filter', () => {
  it('lists each area of people and services once, in order, and only the organisation’s own', async () => {
    const other = await makeOrganisation(testDb.database, { slug: 'areas-other', name: 'Other' });
    await testDb.database.withOrganisation(other.id, (tx) =>
      addPeople(tx, [
        {
          organisationId: other.id,
          reference: 'O-1',
          firstName: 'O',
          lastName: 'One',
          kinds: ['customer'],
          area: 'Secretland',
        },
      ]),
    );
    await testDb.database.withOrganisation(org.id, (tx) =>
      addPeople(
        tx,
        ['Zetland', 'Abbeytown', 'Zetland', null, 'Middleham', 'Abbeytown'].map((area, i) => ({
          organisationId: org.id,
          reference: `AREA-${i}`,
          firstName: 'Area',
          lastName: `Person ${i}`,
          kinds: ['customer'],
          area,
        })),
      ),
    );
    const areas = (await testDb.database.withOrganisation(org.id, (tx) => areasInUse(tx))).map(
      (r) => r.area,
    );
    for (const area of ['Abbeytown', 'Central', 'Middleham', 'Zetland'])
      assert.ok(areas.includes(area), `${area} in ${areas.join(', ')}`);
    assert.ok(!areas.includes('Secretland'), 'not another organisation’s area');
    assert.deepEqual(areas, [...new Set(areas)].sort(), 'each once, in order');
    const page = await lead.get('/staff/people');
    assert.match(page.body, /<option value="Middleham"/);
  });
});

describe('the register: consents and equality data', () => {
  it('withdraws a consent everywhere at once, keeping the history', async () => {
    const id = await addPerson({
      firstName: 'Consent',
      lastName: 'Changer',
      email: 'cc@example.org',
      consents: ['register', 'contact_email', 'equality'],
    });
    const res = await lead.post(
      `/staff/people/${id}/consents`,
      { 'consent-contact_email': 'withdrawn', 'consent-register': 'given', method: 'paper' },
      { from: `/staff/people/${id}` },
    );
    assert.equal(res.statusCode, 303);
    const [row] = await q<{ consents: string[] }>(
      sql`select consents from people where id = ${id}`,
    );
    assert.deepEqual(row!.consents, ['register', 'equality']);
    const history = await q(sql`select purpose, status from consents where person_id = ${id}`);
    assert.equal(history.length, 4);
  });

  it('shows equality answers only to holders of equality:read, on every page and export', async () => {
    const id = await addPerson({
      firstName: 'Equal',
      lastName: 'Answers',
      consents: ['register', 'equality'],
    });
    const reader = new TestClient(app, signedInAs(org, ['involvement_lead'], ['equality:read']));
    const saved = await reader.post(
      `/staff/people/${id}/equality`,
      { ethnicity: 'white_roma', religion: 'sikh' },
      { from: `/staff/people/${id}/equality` },
    );
    assert.equal(saved.statusCode, 303);
    assert.match((await reader.get(`/staff/people/${id}`)).body, /White: Roma/);
    assert.match((await reader.get(`/staff/people/${id}/subject-access.json`)).body, /white_roma/);

    for (const url of [
      `/staff/people/${id}`,
      `/staff/people/${id}/subject-access`,
      `/staff/people/${id}/subject-access.json`,
      '/staff/people/export.csv?q=Equal',
      '/staff/people?q=Equal',
    ]) {
      const res = await lead.get(url);
      assert.equal(res.statusCode, 200, url);
      assert.doesNotMatch(res.body, /white_roma|White: Roma|sikh/i, url);
    }
    assert.equal((await lead.get(`/staff/people/${id}/equality`)).statusCode, 403);
    const audit = await q(
      sql`select 1 from audit_log where action = 'read-equality' and entity_id = ${id}`,
    );
    assert.ok(audit.length > 0, 'reading equality answers is audited');

    // An objection stops the processing: the answers go.
    await lead.post(
      `/staff/people/${id}/consents`,
      { 'consent-equality': 'objected' },
      { from: `/staff/people/${id}` },
    );
    assert.equal((await q(sql`select 1 from person_equality where person_id = ${id}`)).length, 0);
  });
});

describe('the register: exports', () => {
  it('writes CSV that cannot become a formula and XLSX with typed cells', async () => {
    await addPerson({ firstName: '=1+1', lastName: 'Formula', phone: '+44 7700 900999' });
    const csv = await lead.get('/staff/people/export.csv?q=Formula');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.match(csv.body, /'=1\+1/);
    assert.doesNotMatch(csv.body, /(^|,)=1\+1/m);

    const res = await app.inject({
      url: '/staff/people/export.xlsx?q=Formula',
      headers: signedInAs(org, ['involvement_lead']),
    });
    assert.equal(res.statusCode, 200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.read(Readable.from([res.rawPayload]));
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const row = sheet.getRow(2);
    const first = row.getCell(header.indexOf('first_name') + 1);
    assert.equal(first.type, ExcelJS.ValueType.String);
    assert.equal(first.value, '=1+1');
    assert.equal(row.getCell(header.indexOf('phone') + 1).value, '+44 7700 900999');
  });

  it('lets only leads and administrators export, and keeps board members out of the register', async () => {
    assert.equal((await staff.get('/staff/people/export.csv')).statusCode, 403);
    assert.equal((await staff.get('/staff/people')).statusCode, 200);
    const board = new TestClient(app, signedInAs(org, ['board_member']));
    assert.equal((await board.get('/staff/people')).statusCode, 403);
  });
});

describe('the register: duplicates and merging', () => {
  it('flags a likely duplicate on entry and merges the two with nothing lost', async () => {
    const keep = await addPerson({
      firstName: 'Rosalind',
      lastName: 'Okonkwo',
      email: 'rosalind@example.org',
      consents: ['register'],
    });
    const other = await addPerson({
      firstName: 'Rosalind',
      lastName: 'Okonkwo',
      email: 'rosalind@example.org',
      phone: '07700 900777',
      needs: ['quiet_space'],
      consents: ['register', 'photos'],
    });
    const page = await lead.get(`/staff/people/${other}`);
    assert.match(page.body, /This may be the same person as/);
    await lead.post(
      `/staff/people/${other}/roles`,
      { role: 'quality_checker' },
      { from: `/staff/people/${other}` },
    );
    const otherRef = (
      await q<{ reference: string }>(sql`select reference from people where id = ${other}`)
    )[0]!.reference;

    const form = await lead.get(`/staff/people/${keep}/merge?with=${other}`);
    assert.equal(form.statusCode, 200);
    const res = await lead.post(`/staff/people/${keep}/merge`, { otherId: other });
    assert.equal(res.statusCode, 303);
    const [merged] = await q<{ phone: string; needs: string[]; consents: string[] }>(
      sql`select phone, needs, consents from people where id = ${keep}`,
    );
    assert.equal(merged!.phone, '07700 900777', 'an empty field is filled from the other');
    assert.deepEqual(merged!.needs, ['quiet_space']);
    assert.deepEqual(merged!.consents, ['register', 'photos']);
    assert.equal((await q(sql`select 1 from people where id = ${other}`)).length, 0);
    assert.equal((await q(sql`select 1 from person_roles where person_id = ${keep}`)).length, 1);
    const alias = await q(sql`select person_id from person_aliases where reference = ${otherRef}`);
    assert.equal(alias.length, 1, "the other record's reference still finds the person");
    assert.equal((await lead.get(`/staff/people?q=${otherRef}`)).statusCode, 200);
    assert.equal((await staff.get(`/staff/people/${keep}/merge?with=${other}`)).statusCode, 403);
  });
});

describe('the register: rights', () => {
  it('exports everything held and logs the request with its deadline', async () => {
    const id = await addPerson({
      firstName: 'Subject',
      lastName: 'Access',
      consents: ['register', 'quotes'],
    });
    await lead.post(`/staff/people/${id}/services`, { serviceId }, { from: `/staff/people/${id}` });
    await lead.post(
      `/staff/people/${id}/requests`,
      { kind: 'access', receivedOn: '2026-01-31' },
      { from: `/staff/people/${id}` },
    );
    const [request] = await q<{ due_on: string; status: string }>(
      sql`select due_on, status from rights_requests where person_id = ${id}`,
    );
    assert.equal(request!.due_on, '2026-03-02', '28 Feb 2026 is a Saturday: the next working day');
    const res = await lead.get(`/staff/people/${id}/subject-access.json`);
    const data = JSON.parse(res.body);
    assert.equal(data.person.firstName, 'Subject');
    assert.equal(data.services[0].code, 'MH-BRI');
    assert.deepEqual(data.consents.map((c: { purpose: string }) => c.purpose).sort(), [
      'quotes',
      'register',
    ]);
    const [after] = await q<{ status: string }>(
      sql`select status from rights_requests where person_id = ${id}`,
    );
    assert.equal(after!.status, 'completed');
    assert.match((await lead.get('/staff/rights')).body, /Subject Access/);
  });

  it('erases a person: no text anywhere holds their details, and what they did still counts', async () => {
    const name = 'Zebedee';
    const surname = 'Quillfeather';
    const email = 'zebedee.quillfeather@example.org';
    const phone = '07700 955511';
    const postcode = 'NE9 9ZZ';
    const id = await addPerson({
      firstName: name,
      lastName: surname,
      email,
      phone,
      postcode,
      addressLine1: '7 Quillfeather Lane',
      consents: ['register', 'contact_email', 'equality'],
    });
    await lead.post(
      `/staff/people/${id}/edit/support`,
      { notes: `${name} likes mornings` },
      { from: `/staff/people/${id}/edit/support` },
    );
    await lead.post(
      `/staff/people/${id}/roles`,
      { role: 'quality_checker' },
      { from: `/staff/people/${id}` },
    );
    await lead.post(
      `/staff/people/${id}/training`,
      { module: 'safeguarding', completedOn: '2026-01-10' },
      { from: `/staff/people/${id}` },
    );
    await testDb.database.withOrganisation(org.id, async (tx) => {
      const actor = { userId: null, label: 'test', ip: null };
      await createUser(tx, actor, {
        email,
        name: `${name} ${surname}`,
        roles: ['customer'],
        permissions: [],
        passwordHash: null,
      });
      await queueMail(tx, {
        to: email,
        template: 'sign-in-link',
        language: 'en',
        vars: { name: `${name} ${surname}` },
        link: 'https://x.invalid/',
      });
    });
    const checkers = async () =>
      (
        await q<{ n: number }>(
          sql`select count(*)::int as n from person_roles where role = 'quality_checker'`,
        )
      )[0]!.n;
    const before = await checkers();

    assert.equal((await staff.get(`/staff/people/${id}/erase`)).statusCode, 403);
    const wrong = await lead.post(
      `/staff/people/${id}/erase`,
      { confirm: 'nope' },
      { from: `/staff/people/${id}/erase` },
    );
    assert.equal(wrong.statusCode, 400);
    const reference = (
      await q<{ reference: string }>(sql`select reference from people where id = ${id}`)
    )[0]!.reference;
    const res = await lead.post(
      `/staff/people/${id}/erase`,
      { confirm: reference },
      { from: `/staff/people/${id}/erase` },
    );
    assert.equal(res.statusCode, 303);

    // Every text, array and JSON column of every table, read as the owner.
    const columns = rowsOf<{ table_name: string; column_name: string }>(
      await testDb.database.system.execute(sql`
        select table_name, column_name from information_schema.columns
        where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`),
    );
    for (const needle of [name, surname, email, phone, postcode, reference, 'Quillfeather Lane']) {
      for (const { table_name, column_name } of columns) {
        const hits = rowsOf(
          await testDb.database.system.execute(
            sql`select 1 from ${sql.identifier(table_name)} where ${sql.identifier(column_name)}::text ilike ${`%${needle}%`} limit 1`,
          ),
        );
        assert.equal(hits.length, 0, `${table_name}.${column_name} still holds ${needle}`);
      }
    }
    assert.equal(await checkers(), before, 'their role still counts');
    const prints = await q(
      sql`select 1 from erasure_suppressions where fingerprint in (${fingerprint(org.id, 'reference', reference)}, ${fingerprint(org.id, 'email', email)})`,
    );
    assert.equal(prints.length, 2);
    assert.equal((await lead.get(`/staff/people/${id}`)).statusCode, 404);
  });

  it('lists people with no involvement for the retention period', async () => {
    await testDb.database.withOrganisation(org.id, (tx) =>
      addPeople(tx, [
        {
          organisationId: org.id,
          reference: 'OLD1',
          firstName: 'Long',
          lastName: 'Ago',
          kinds: ['customer'],
          lastInvolvedOn: '2019-01-01',
        },
      ]),
    );
    const page = await lead.get('/staff/rights/retention');
    assert.match(page.body, /Long Ago/);
    assert.doesNotMatch(page.body, /Marjorie/);
  });

  it('finds for retention those a recount finds, the longest idle first, involved or not', async () => {
    const today = '2026-06-15';
    await testDb.database.withOrganisation(org.id, (tx) =>
      addPeople(
        tx,
        [
          ['RET1', '2018-05-01', null, null],
          ['RET2', '2022-01-01', null, null],
          ['RET3', null, new Date('2019-03-01T12:00:00Z'), null],
          ['RET4', null, new Date('2023-12-01T12:00:00Z'), null],
          ['RET5', '2017-01-01', null, '2026-01-01'],
          ['RET6', '2017-02-01', null, '2020-01-01'],
          ['RET7', null, new Date('2026-01-01T12:00:00Z'), null],
        ].map(([reference, lastInvolvedOn, createdAt, retentionReviewedOn]) => ({
          organisationId: org.id,
          reference: reference as string,
          firstName: 'Idle',
          lastName: reference as string,
          kinds: ['customer'],
          lastInvolvedOn: lastInvolvedOn as string | null,
          retentionReviewedOn: retentionReviewedOn as string | null,
          ...(createdAt ? { createdAt: createdAt as Date } : {}),
        })),
      ),
    );
    const { due, firstTwo, recount } = await testDb.database.withOrganisation(
      org.id,
      async (tx) => {
        const cutoff = sql`(${today}::date - make_interval(years => 3))`;
        const idle = sql`coalesce(last_involved_on, created_at::date)`;
        return {
          due: await retentionDue(tx, 3, today),
          firstTwo: await retentionDue(tx, 3, today, 2),
          // What the page showed before it read along the indexes.
          recount: rowsOf<{ id: string; idle: string }>(
            await tx.execute(sql`select id, ${idle}::text as idle from people
              where erased_at is null and ${idle} < ${cutoff}
                and (retention_reviewed_on is null or retention_reviewed_on < ${cutoff})
              order by ${idle}`),
          ),
        };
      },
    );
    assert.deepEqual(due.map((p) => p.id).sort(), recount.map((r) => r.id).sort());
    const idleOf = new Map(recount.map((r) => [r.id, r.idle]));
    const order = due.map((p) => idleOf.get(p.id));
    assert.deepEqual(
      order,
      recount.map((r) => r.idle),
    );
    assert.deepEqual(
      firstTwo.map((p) => idleOf.get(p.id)),
      recount.slice(0, 2).map((r) => r.idle),
    );
    const references = due.map((p) => p.reference);
    for (const shown of ['RET1', 'RET2', 'RET3', 'RET6']) assert.ok(references.includes(shown));
    for (const hidden of ['RET4', 'RET5', 'RET7']) assert.ok(!references.includes(hidden));
    assert.ok(references.indexOf('RET6') < references.indexOf('RET1'));
    assert.ok(references.indexOf('RET1') < references.indexOf('RET3'));
  });
});

describe('the register: choosing a staff buddy', () => {
  it('tells people with the same name apart in the list, and only them', async () => {
    const [first, second, unique] = await testDb.database.withOrganisation(org.id, (tx) =>
      addPeople(tx, [
        {
          organisationId: org.id,
          reference: 'ST-101',
          firstName: 'Sam',
          lastName: 'Jones',
          kinds: ['staff'],
          postcode: 'LS6 1AB',
        },
        {
          organisationId: org.id,
          reference: 'ST-102',
          firstName: 'sam',
          lastName: 'JONES',
          kinds: ['staff'],
        },
        {
          organisationId: org.id,
          reference: 'ST-103',
          firstName: 'Priya',
          lastName: 'Shah',
          kinds: ['staff'],
        },
      ]),
    );
    const customer = await addPerson({
      firstName: 'Buddy',
      lastName: 'Wanted',
      email: 'wanted@example.org',
    });
    for (const url of [`/staff/people/${customer}/edit/support`]) {
      const page = await lead.get(url);
      assert.equal(page.statusCode, 200, url);
      const select = page.body.slice(page.body.indexOf('id="buddyId"'));
      const options = select.slice(0, select.indexOf('</select>'));
      assert.match(
        options,
        new RegExp(`value="${first}"[^>]*>Sam Jones \\(ST-101\\)</option>`),
        url,
      );
      assert.match(
        options,
        new RegExp(`value="${second}"[^>]*>sam JONES \\(ST-102\\)</option>`),
        url,
      );
      // A name no one else has stays as it is.
      assert.match(options, new RegExp(`value="${unique}"[^>]*>Priya Shah</option>`), url);
    }
  });

  it('falls back to the first part of the postcode when there is no reference', () => {
    const rows = withDistinctNames([
      { id: 'a', firstName: 'Sam', lastName: 'Jones', reference: '', postcode: 'ls61ab' },
      { id: 'b', firstName: 'Sam', lastName: 'Jones', reference: null, postcode: 'M1 2AB' },
      { id: 'c', firstName: 'Ann', lastName: 'Lee', reference: null, postcode: 'CF10 1AA' },
    ]);
    assert.deepEqual(
      rows.map((r) => r.label),
      ['Sam Jones (LS6)', 'Sam Jones (M1)', 'Ann Lee'],
    );
  });
});

describe('the register: preferred language', () => {
  const languageOf = async (id: string) =>
    (await q<{ language: string }>(sql`select language from people where id = ${id}`))[0]!.language;
  const selected = (body: string) =>
    /<select[^>]*id="language"[\s\S]*?<option value="([^"]+)" selected/.exec(body)?.[1];

  it('offers languages by name, stores their codes, and takes another language by name', async () => {
    const someone = await addPerson({ firstName: 'Lang', lastName: 'Chooser' });
    const form = await lead.get(`/staff/people/${someone}/edit/contact`);
    const select = form.body.slice(form.body.indexOf('id="language"'));
    const options = select.slice(0, select.indexOf('</select>'));
    for (const [code, name] of [
      ['en', 'English'],
      ['cy', 'Welsh'],
      ['pl', 'Polish'],
      ['ur', 'Urdu'],
      ['pa', 'Punjabi'],
      ['bn', 'Bengali'],
      ['gu', 'Gujarati'],
      ['ar', 'Arabic'],
      ['so', 'Somali'],
      ['ro', 'Romanian'],
      ['pt', 'Portuguese'],
      ['es', 'Spanish'],
      ['yue', 'Chinese \\(Cantonese\\)'],
      ['cmn', 'Chinese \\(Mandarin\\)'],
      ['ti', 'Tigrinya'],
      ['fa', 'Farsi \\(Persian\\)'],
      ['ku', 'Kurdish'],
      ['tr', 'Turkish'],
      ['bfi', 'British Sign Language'],
      ['other', 'Another language'],
    ])
      assert.match(options, new RegExp(`<option value="${code}"[^>]*>${name}</option>`), code);
    assert.equal(selected(form.body), 'en', 'English until someone says otherwise');
    assert.match(form.body, /<input[^>]*id="languageOther"/);

    const bsl = await addPerson({ firstName: 'Bea', lastName: 'Signer', language: 'bfi' });
    assert.equal(await languageOf(bsl), 'bfi');
    const page = await lead.get(`/staff/people/${bsl}`);
    assert.match(page.body, /British Sign Language/);
    assert.equal(selected((await lead.get(`/staff/people/${bsl}/edit/contact`)).body), 'bfi');

    const other = await addPerson({
      firstName: 'Lukas',
      lastName: 'Other',
      language: 'other',
      languageOther: 'Lithuanian',
    });
    assert.equal(await languageOf(other), 'lt');
    assert.match((await lead.get(`/staff/people/${other}`)).body, /Lithuanian/);
    const edit = await lead.get(`/staff/people/${other}/edit/contact`);
    assert.equal(selected(edit.body), 'other');
    assert.match(
      edit.body,
      /id="languageOther" name="languageOther" type="text"[^>]* value="Lithuanian"/,
    );
  });

  it('keeps a code stored before the list, and asks for the other language when it is missing', async () => {
    // A code from an earlier form or an import: shown by name, under another language.
    const older = await addPerson({ firstName: 'Zhu', lastName: 'Older', language: 'zh' });
    assert.equal(await languageOf(older), 'zh');
    const edit = await lead.get(`/staff/people/${older}/edit/contact`);
    assert.equal(selected(edit.body), 'other');
    assert.match(edit.body, /name="languageOther" type="text"[^>]* value="Chinese"/);
    // Saving the form unchanged keeps the code.
    const saved = await lead.post(
      `/staff/people/${older}/edit/contact`,
      { language: 'other', languageOther: 'Chinese' },
      { from: `/staff/people/${older}/edit/contact` },
    );
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 1500));
    assert.equal(await languageOf(older), 'zh');

    const nia = await addPerson({ firstName: 'Nia', lastName: 'Unsaid' });
    const contact = `/staff/people/${nia}/edit/contact`;
    const missing = await lead.post(
      contact,
      { email: 'nia@example.org', language: 'other', languageOther: '' },
      { from: contact },
    );
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /href="#languageOther">Enter the other language’s name/);
    assert.match(missing.body, /value="nia@example.org"/);
    const unknown = await lead.post(
      contact,
      { email: 'nia@example.org', language: 'not a language' },
      { from: contact },
    );
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /href="#language">Choose the language they prefer from the list/);
  });
});

describe('the register: services and partner organisations', () => {
  it('adds a service with its configurable type, refusing a taken code', async () => {
    const ok = await lead.post(
      '/staff/services',
      {
        code: 'YP-NEW',
        name: 'Riverside Foyer',
        type: 'hostel',
        specialism: 'young_people',
        postcode: 'ne12ab',
      },
      { from: '/staff/services' },
    );
    assert.equal(ok.statusCode, 303);
    const page = await lead.get('/staff/services');
    assert.match(page.body, /Riverside Foyer/);
    assert.match(page.body, /Hostel/);
    const again = await lead.post(
      '/staff/services',
      { code: 'yp-new', name: 'Copy', type: 'hostel', specialism: 'young_people' },
      { from: '/staff/services' },
    );
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /Another service already has this code/);
    assert.match(again.body, /value="Copy"/);
    assert.equal(
      (await staff.post('/staff/services', { code: 'X1', name: 'X' }, { from: '/staff/services' }))
        .statusCode,
      403,
    );
  });

  it('changes a service, keeping every answer when one is wrong, audited', async () => {
    const [row] = await q<{ id: string }>(sql`select id from services where code = 'YP-NEW'`);
    const edit = `/staff/services/${row!.id}/edit`;
    const services = await lead.get('/staff/services');
    assert.match(
      services.body,
      new RegExp(`href="${edit}">Change<span class="govuk-visually-hidden"> Riverside Foyer`),
    );
    const form = await lead.get(edit);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /value="Riverside Foyer"/);
    assert.match(form.body, /value="NE1 2AB"/);

    const bad = await lead.post(
      edit,
      {
        code: 'YP-NEW',
        name: 'Riverside Foyer and Flats',
        type: 'castle',
        specialism: 'young_people',
        area: 'Tyneside',
        postcode: 'nowhere',
      },
      { from: edit },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#type">Choose the type of service from the list/);
    assert.match(bad.body, /href="#postcode">Enter a real UK postcode/);
    assert.match(bad.body, /value="Riverside Foyer and Flats"/);
    assert.match(bad.body, /value="Tyneside"/);

    const saved = await lead.post(
      edit,
      {
        code: 'YP-NEW',
        name: 'Riverside Foyer and Flats',
        type: 'supported_housing',
        specialism: 'young_people',
        area: 'Tyneside',
        postcode: 'ne1 2ab',
      },
      { from: edit },
    );
    assert.equal(saved.statusCode, 303);
    const after = await lead.get(String(saved.headers.location));
    assert.match(after.body, /Your changes to the service have been saved/);
    assert.match(after.body, /Riverside Foyer and Flats/);
    const [logged] = await q<{ before: { name: string }; after: { name: string } }>(
      sql`select before, after from audit_log where entity = 'service' and action = 'update'`,
    );
    assert.equal(logged!.before.name, 'Riverside Foyer');
    assert.equal(logged!.after.name, 'Riverside Foyer and Flats');

    // Another service's code is refused; the service's own code is not.
    await lead.post(
      '/staff/services',
      { code: 'OTHER-1', name: 'Other House', type: 'hostel', specialism: 'young_people' },
      { from: '/staff/services' },
    );
    const taken = await lead.post(
      edit,
      { code: 'other-1', name: 'Riverside', type: 'hostel', specialism: 'young_people' },
      { from: edit },
    );
    assert.match(taken.body, /Another service already has this code/);
    assert.equal((await staff.get(edit)).statusCode, 403);
    assert.equal(
      (await lead.get('/staff/services/00000000-0000-4000-8000-000000000000/edit')).statusCode,
      404,
    );
  });

  it('adds a partner organisation people can represent', async () => {
    const res = await lead.post(
      '/staff/partners',
      { name: 'Carers Voice', kind: 'carer_led', represents: 'Unpaid carers' },
      { from: '/staff/services' },
    );
    assert.equal(res.statusCode, 303);
    const someone = await addPerson({ firstName: 'Partner', lastName: 'Chooser' });
    assert.match((await lead.get(`/staff/people/${someone}/edit/support`)).body, /Carers Voice/);
  });
});
