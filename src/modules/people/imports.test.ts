import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import { rowsOf } from '../../platform/db/index.ts';
import { Worker } from '../../platform/jobs/index.ts';
import { xlsxStream } from '../../platform/spreadsheets/index.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addServices } from './index.ts';
import { IMPORT_LIMITS, importHelp, runImportCommand } from '../../platform/imports/index.ts';
import { fingerprint } from './rights.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;
const dirs: string[] = [];

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  await testDb.database.withOrganisation(org.id, (tx) =>
    addServices(tx, [
      {
        organisationId: org.id,
        code: 'MH-BRI',
        name: 'Bridge House',
        type: 'supported_housing',
        specialism: 'mental_health',
      },
    ]),
  );
  app = await createTestApp(testDb.database);
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
});
after(async () => {
  await app.close();
  await testDb.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Rows of a query run in the organisation's own scoped transaction. */
async function query<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  return testDb.database.withOrganisation(org.id, async (tx) =>
    rowsOf<T>(await tx.execute(statement)),
  );
}

async function count(table: string, where = sql`true`): Promise<number> {
  const [row] = await query<{ n: number }>(
    sql`select count(*)::int as n from ${sql.raw(table)} where ${where}`,
  );
  return row!.n;
}

/** Posts the upload form as multipart, as a browser does, with the page's CSRF token. */
async function upload(
  client: TestClient,
  fields: Record<string, string>,
  file?: { name: string; content: Buffer | string },
): Promise<LightMyRequestResponse> {
  const page = await client.get('/staff/imports');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const boundary = `----coproduce${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries({ _csrf: token, ...fields })) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return app.inject({
    method: 'POST',
    url: '/staff/imports',
    headers: {
      ...signedInAs(org, ['involvement_lead']),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    cookies: Object.fromEntries(client.cookies),
    payload: Buffer.concat(parts),
  });
}

/** Uploads a file and follows the redirect to its page; returns the import's id and page. */
async function uploadAndCheck(kind: string, name: string, content: Buffer | string) {
  const res = await upload(lead, { kind }, { name, content });
  assert.equal(res.statusCode, 303, res.body);
  const location = String(res.headers.location);
  const id = /^\/staff\/imports\/([0-9a-f-]{36})$/.exec(location)?.[1];
  assert.ok(id, location);
  const page = await lead.get(location);
  assert.equal(page.statusCode, 200);
  return { id, page };
}

async function apply(id: string, skipInvalid: 'yes' | 'no') {
  const res = await lead.post(
    `/staff/imports/${id}/apply`,
    { skipInvalid },
    {
      from: `/staff/imports/${id}`,
    },
  );
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, `/staff/imports/${id}`);
  return lead.get(`/staff/imports/${id}`);
}

async function importRow(id: string) {
  const [row] = await query<{
    status: string;
    file: Uint8Array | null;
    counts: Record<string, number> | null;
    problems: Array<Record<string, unknown>> | null;
    problem_count: number;
    total_rows: number;
    processed_rows: number;
  }>(sql`select * from imports where id = ${id}`);
  return row;
}

const HEADER =
  'reference,first_name,last_name,email,phone,postcode,date_of_birth,service_code,roles,needs,notes_from_hms';

// Line 1 the header; R-1 spans lines 2 and 3 (a quoted cell with a line break).
const BAD_PEOPLE = [
  HEADER,
  'R-1,Ann,Able,ann@example.org,07700 900001,ne14ab,1970-01-02,MH-BRI,panel_member;quality_checker,step_free;large_print,"first line',
  'second line"',
  'R-2,Bob,Bee,not-an-email,,,,,,,',
  'R-3,,,,,,,,,,',
  'R-4,Cy,Dee,,,,1970-02-30,NOPE,wizard,teleport,',
  '',
].join('\r\n');

const GOOD_PEOPLE = [
  HEADER,
  'R-1,Ann,Able,ann@example.org,07700 900001,ne14ab,1970-01-02,MH-BRI,panel_member;quality_checker,step_free;large_print,"first line',
  'second line"',
  'R-2,Bob,Bee,bob@example.org,,,,,,,',
  'R-3,Cat,Cole,,,,,,,,',
  'R-4,Cy,Dee,,,,1970-02-28,MH-BRI,co_chair,bsl_interpreter,',
  '',
].join('\r\n');

describe('imports: who may use them', () => {
  it('sends a signed-out visitor to sign in', async () => {
    const res = await app.inject('/staff/imports');
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^\/sign-in/);
  });

  it('refuses every import route to staff without people:import', async () => {
    const { id } = await uploadAndCheck('people', 'people.csv', GOOD_PEOPLE);
    const staff = new TestClient(app, signedInAs(org, ['staff']));
    for (const url of [
      '/staff/imports',
      '/staff/imports/template/people.csv',
      '/staff/imports/template/services.csv',
      `/staff/imports/${id}`,
    ]) {
      const res = await staff.get(url);
      assert.equal(res.statusCode, 403, url);
    }
    await staff.get('/staff');
    for (const url of [
      '/staff/imports',
      `/staff/imports/${id}/apply`,
      `/staff/imports/${id}/cancel`,
    ]) {
      const res = await staff.post(url, { skipInvalid: 'no' });
      assert.equal(res.statusCode, 403, url);
    }
    const multipart = await app.inject({
      method: 'POST',
      url: '/staff/imports',
      headers: {
        ...signedInAs(org, ['staff']),
        'content-type': 'multipart/form-data; boundary=x',
      },
      payload: '--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\npeople\r\n--x--\r\n',
    });
    assert.equal(multipart.statusCode, 403);
    assert.equal((await importRow(id))?.status, 'checked', 'nothing changed');
    await lead.post(`/staff/imports/${id}/cancel`, {}, { from: `/staff/imports/${id}` });
    assert.equal(await count('imports'), 0);
  });
});

describe('imports on the web', () => {
  it('offers templates whose header lists every column', async () => {
    const res = await lead.get('/staff/imports/template/people.csv');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /attachment/);
    const header = res.body.replace(/^\uFEFF/, '').split('\r\n')[0];
    assert.match(
      header!,
      /^reference,first_name,last_name,email,phone,postcode,date_of_birth,service_code,roles,needs,/,
    );
    const services = await lead.get('/staff/imports/template/services.csv');
    assert.match(services.body, /code,name,type,specialism,area,postcode/);
  });

  it('refuses a file that is not a spreadsheet, empty, or without a kind, storing nothing', async () => {
    const png = await upload(lead, { kind: 'people' }, { name: 'photo.png', content: 'abc' });
    assert.equal(png.statusCode, 400);
    assert.match(png.body, /govuk-error-summary/);
    assert.match(png.body, /href="#file">The file must be a CSV or an Excel/);

    const empty = await upload(lead, { kind: 'people' }, { name: 'people.csv', content: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /href="#file">The file you chose is empty/);

    const binary = await upload(
      lead,
      { kind: 'people' },
      { name: 'people.csv', content: Buffer.from([1, 0, 2, 0, 3, 0]) },
    );
    assert.equal(binary.statusCode, 400);
    assert.match(binary.body, /href="#file"/);

    const damaged = await upload(
      lead,
      { kind: 'people' },
      { name: 'people.xlsx', content: 'not a zip at all' },
    );
    assert.equal(damaged.statusCode, 400);
    assert.match(damaged.body, /href="#file">The Excel file could not be read/);

    const none = await upload(lead, { kind: 'people' });
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /href="#file">Select a CSV or Excel/);

    const noKind = await upload(lead, {}, { name: 'people.csv', content: GOOD_PEOPLE });
    assert.equal(noKind.statusCode, 400);
    assert.match(noKind.body, /href="#kind">Select whether the file holds people(,| or) services/);

    const form = await lead.post('/staff/imports', { kind: 'people' }, { from: '/staff/imports' });
    assert.equal(form.statusCode, 400, 'a form without multipart is asked for its file');
    assert.equal(await count('imports'), 0);
  });

  it('refuses a file with errors, naming lines, columns and reasons, and leaves nothing after cancel', async () => {
    const { id, page } = await uploadAndCheck('people', 'people.csv', BAD_PEOPLE);
    const row = await importRow(id);
    assert.equal(row?.status, 'checked');
    const problems = (row?.problems ?? []).map((p) => `${p.line} ${p.column} ${p.reason}`).sort();
    assert.deepEqual(problems, [
      '4 email email',
      '5 first_name nameRequired',
      '6 date_of_birth date',
      '6 needs unknownNeed',
      '6 roles unknownCode',
      '6 service_code unknownService',
    ]);
    for (const p of row?.problems ?? [])
      assert.deepEqual(Object.keys(p).sort(), ['column', 'line', 'reason'], 'no values kept');
    assert.equal(row?.problem_count, 6);
    assert.deepEqual(row?.counts, {
      created: 1,
      updated: 0,
      unchanged: 0,
      invalid: 3,
      suppressed: 0,
    });

    assert.match(page.body, /<h1 class="govuk-heading-l">Check your import<\/h1>/);
    assert.match(page.body, /Enter an email address in the correct format/);
    assert.match(page.body, /No service has this code/);
    assert.match(page.body, /notes_from_hms/, 'the ignored column is named');
    assert.match(page.body, /Import only the 1 good row/);
    assert.match(page.body, /Cancel and upload a corrected file/);
    assert.doesNotMatch(page.body, />Import 1 person</);
    for (const value of ['not-an-email', 'wizard', 'teleport', 'NOPE', '1970-02-30'])
      assert.ok(!page.body.includes(value), `${value} is not echoed`);

    const cancel = await lead.post(
      `/staff/imports/${id}/cancel`,
      {},
      { from: `/staff/imports/${id}` },
    );
    assert.equal(cancel.statusCode, 303);
    assert.equal(cancel.headers.location, '/staff/imports?cancelled=1');
    assert.equal(await count('people'), 0);
    assert.equal(await count('imports'), 0, 'not even a log row');
    assert.equal(
      (await count('audit_log', sql`action = 'cancel' and entity = 'import'`)) >= 1,
      true,
    );
    assert.equal((await lead.get(`/staff/imports/${id}`)).statusCode, 404);
  });

  it('refuses a file without the columns every import needs, offering only to start again', async () => {
    const { id, page } = await uploadAndCheck(
      'people',
      'names.csv',
      'first_name,last_name\r\nAnn,Able\r\n',
    );
    assert.match(page.body, /This file cannot be imported/);
    assert.match(page.body, /reference/);
    assert.doesNotMatch(page.body, /\/apply"/);
    await apply(id, 'yes');
    assert.equal((await importRow(id))?.status, 'checked');
    assert.equal(await count('people'), 0);
    await lead.post(`/staff/imports/${id}/cancel`, {}, { from: `/staff/imports/${id}` });
  });

  it('imports the corrected file: people, their service, roles and needs', async () => {
    const { id, page } = await uploadAndCheck('people', 'people.csv', GOOD_PEOPLE);
    assert.match(page.body, />\s*Import 4 people\s*</);
    const done = await apply(id, 'no');
    assert.match(done.body, /Import complete/);
    const row = await importRow(id);
    assert.equal(row?.status, 'imported');
    assert.equal(row?.file, null, 'the file is not kept');
    assert.equal(row?.counts?.created, 4);
    assert.equal(await count('people'), 4);
    const [ann] = await query<{ id: string; postcode: string; needs: string[]; source: string }>(
      sql`select id, postcode, needs, source from people where reference = 'R-1'`,
    );
    assert.equal(ann?.postcode, 'NE1 4AB');
    assert.deepEqual(ann?.needs, ['step_free', 'large_print']);
    assert.equal(ann?.source, 'import');
    const roles = await query<{ role: string }>(
      sql`select role from person_roles where person_id = ${ann!.id} order by role`,
    );
    assert.deepEqual(
      roles.map((r) => r.role),
      ['panel_member', 'quality_checker'],
    );
    assert.equal(
      await count(
        'person_services ps join services s on s.id = ps.service_id',
        sql`s.code = 'MH-BRI'`,
      ),
      2,
    );
    assert.ok((await count('audit_log', sql`action = 'import' and entity = 'people'`)) >= 1);
    const index = await lead.get('/staff/imports');
    assert.match(index.body, /people\.csv/);
    assert.match(index.body, /Added: 4/);
  });

  it('reports a re-import of the same file as unchanged, and changes nothing', async () => {
    const before = await query<{ n: number; latest: string }>(
      sql`select count(*)::int as n, max(updated_at)::text as latest from people`,
    );
    const links = await count('person_services');
    const { id, page } = await uploadAndCheck('people', 'people.csv', GOOD_PEOPLE);
    const row = await importRow(id);
    assert.deepEqual(row?.counts, {
      created: 0,
      updated: 0,
      unchanged: 4,
      invalid: 0,
      suppressed: 0,
    });
    assert.match(page.body, /Already up to date/);
    await apply(id, 'no');
    assert.equal((await importRow(id))?.status, 'imported');
    const after = await query<{ n: number; latest: string }>(
      sql`select count(*)::int as n, max(updated_at)::text as latest from people`,
    );
    assert.deepEqual(after, before);
    assert.equal(await count('person_services'), links);
  });

  it('matches on the reference, and on earlier references of merged records', async () => {
    const [ann] = await query<{ id: string }>(sql`select id from people where reference = 'R-1'`);
    await query(
      sql`insert into person_aliases (organisation_id, reference, person_id) values (${org.id}, 'OLD-1', ${ann!.id})`,
    );
    const file = [
      'reference,first_name,last_name,email',
      'R-2,Bob,Bee,robert@example.org',
      'OLD-1,Ann,Able,ann@example.org',
    ].join('\n');
    const { id } = await uploadAndCheck('people', 'changes.csv', file);
    assert.deepEqual((await importRow(id))?.counts, {
      created: 0,
      updated: 1,
      unchanged: 1,
      invalid: 0,
      suppressed: 0,
    });
    await apply(id, 'no');
    assert.equal(await count('people'), 4);
    const [bob] = await query<{ email: string; postcode: string | null }>(
      sql`select email, postcode from people where reference = 'R-2'`,
    );
    assert.equal(bob?.email, 'robert@example.org');
  });

  it('leaves a first name alone when the file has only last names', async () => {
    const { id } = await uploadAndCheck(
      'people',
      'surnames.csv',
      'reference,last_name\r\nR-3,Coleman\r\nN-1,Newman\r\n',
    );
    assert.deepEqual((await importRow(id))?.counts, {
      created: 1,
      updated: 1,
      unchanged: 0,
      invalid: 0,
      suppressed: 0,
    });
    await apply(id, 'no');
    const names = await query<{ reference: string; first_name: string; last_name: string }>(
      sql`select reference, first_name, last_name from people where reference in ('R-3', 'N-1') order by reference`,
    );
    assert.deepEqual(names, [
      { reference: 'N-1', first_name: '', last_name: 'Newman' },
      { reference: 'R-3', first_name: 'Cat', last_name: 'Coleman' },
    ]);
  });

  it('imports only the good rows when asked to', async () => {
    const file = [
      'reference,first_name,last_name,email,needs',
      'S-1,Sam,Good,,easy_read',
      'S-2,Sue,Bad,sue@,',
      'S-3,Sid,Good,,',
    ].join('\n');
    const { id, page } = await uploadAndCheck('people', 'mixed.csv', file);
    assert.match(page.body, /Import only the 2 good rows/);
    await lead.post(
      `/staff/imports/${id}/apply`,
      { skipInvalid: 'no' },
      { from: `/staff/imports/${id}` },
    );
    assert.equal((await importRow(id))?.status, 'checked', 'not without skipping');
    assert.equal(await count('people', sql`reference like 'S-%'`), 0);
    const done = await apply(id, 'yes');
    assert.match(done.body, /Rows left out/);
    assert.equal((await importRow(id))?.status, 'imported');
    const refs = await query<{ reference: string }>(
      sql`select reference from people where reference like 'S-%' order by reference`,
    );
    assert.deepEqual(
      refs.map((r) => r.reference),
      ['S-1', 'S-3'],
    );
  });

  it('reads the first worksheet of an Excel file', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of xlsxStream(
      'People',
      ['Reference', 'First name', 'Last name', 'Phone'],
      [
        ['X-1', 'Xena', 'Excel', '+44 7700 900123'],
        ['X-2', 'Xavier', 'Excel', ''],
      ],
    ))
      chunks.push(Buffer.from(chunk as Buffer));
    const { id } = await uploadAndCheck('people', 'people.xlsx', Buffer.concat(chunks));
    assert.equal((await importRow(id))?.counts?.created, 2);
    await apply(id, 'no');
    const [xena] = await query<{ phone: string }>(
      sql`select phone from people where reference = 'X-1'`,
    );
    assert.equal(xena?.phone, '+44 7700 900123');
  });

  it('imports services, then people linked to them by code', async () => {
    const services = [
      'code,name,type,specialism,area,postcode',
      'NEW-1,Newgate,Supported housing,mental_health,Central,NE1 7XY',
      'NEW-2,Oldgate,hostel,Homelessness,,',
      'BAD-1,,castle,mental_health,,',
    ].join('\n');
    const { id } = await uploadAndCheck('services', 'services.csv', services);
    const row = await importRow(id);
    const problems = (row?.problems ?? []).map((p) => `${p.line} ${p.column} ${p.reason}`).sort();
    assert.deepEqual(problems, ['4 name required', '4 type unknownCode']);
    await apply(id, 'yes');
    const made = await query<{ code: string; type: string; specialism: string }>(
      sql`select code, type, specialism from services where code like 'NEW-%' order by code`,
    );
    assert.deepEqual(made, [
      { code: 'NEW-1', type: 'supported_housing', specialism: 'mental_health' },
      { code: 'NEW-2', type: 'hostel', specialism: 'homelessness' },
    ]);
    const people = await uploadAndCheck(
      'people',
      'linked.csv',
      'reference,first_name,service_code\r\nL-1,Lou,new-1\r\n',
    );
    await apply(people.id, 'no');
    assert.equal(
      await count(
        'person_services ps join people p on p.id = ps.person_id join services s on s.id = ps.service_id',
        sql`p.reference = 'L-1' and s.code = 'NEW-1'`,
      ),
      1,
    );
  });

  it('leaves out a person who asked to be erased', async () => {
    await query(
      sql`insert into erasure_suppressions (organisation_id, fingerprint) values (${org.id}, ${fingerprint(org.id, 'reference', 'GONE-1')})`,
    );
    const { id, page } = await uploadAndCheck(
      'people',
      'gone.csv',
      'reference,first_name\r\nGONE-1,Gina\r\nHERE-1,Hal\r\n',
    );
    assert.equal((await importRow(id))?.counts?.suppressed, 1);
    assert.match(page.body, /Left out because the person asked to be erased/);
    await apply(id, 'no');
    assert.equal(await count('people', sql`reference = 'GONE-1'`), 0);
    assert.equal(await count('people', sql`reference = 'HERE-1'`), 1);
  });

  it('checks and imports a large file in the background, recording progress', async () => {
    const saved = IMPORT_LIMITS.inlineBytes;
    IMPORT_LIMITS.inlineBytes = 10;
    try {
      const file = ['reference,first_name', 'B-1,Beth', 'B-2,Ben', 'B-3,Bill'].join('\n');
      const { id, page } = await uploadAndCheck('people', 'big.csv', file);
      assert.equal((await importRow(id))?.status, 'uploaded');
      assert.match(page.body, /Checking your file/);
      assert.match(page.body, /Checked 0 of about 3 rows/);
      assert.match(page.body, />\s*Refresh\s*</);
      assert.doesNotMatch(page.body, /http-equiv="refresh"/);

      const worker = new Worker(testDb.database);
      assert.ok((await worker.runDue()) >= 1);
      let row = await importRow(id);
      assert.equal(row?.status, 'checked');
      assert.equal(row?.total_rows, 3);
      assert.equal(row?.processed_rows, 3);

      const importing = await apply(id, 'no');
      assert.match(importing.body, /Importing your file/);
      assert.equal((await importRow(id))?.status, 'importing');
      await worker.runDue();
      row = await importRow(id);
      assert.equal(row?.status, 'imported');
      assert.equal(row?.file, null);
      assert.equal(row?.processed_rows, 3);
      assert.equal(row?.counts?.created, 3);
      assert.equal(await count('people', sql`reference like 'B-%'`), 3);
    } finally {
      IMPORT_LIMITS.inlineBytes = saved;
    }
  });
});

describe('coproduce import', () => {
  function file(name: string, content: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'coproduce-import-'));
    dirs.push(dir);
    const full = path.join(dir, name);
    writeFileSync(full, content);
    return full;
  }

  async function run(args: string[]) {
    const lines: string[] = [];
    const code = await runImportCommand(testDb.database, args, { log: (l) => lines.push(l) });
    return { code, output: lines.join('\n') };
  }

  const BAD = ['reference,first_name,email', 'C-1,Cara,', 'C-2,Colin,colin@', 'C-3,Cath,'].join(
    '\n',
  );
  const GOOD = [
    'reference,first_name,email',
    'C-1,Cara,',
    'C-2,Colin,colin@example.org',
    'C-3,Cath,',
  ].join('\n');

  it('refuses a file with problems, saying where, and writes nothing', async () => {
    const people = await count('people');
    const logs = await count('imports');
    const audits = await count('audit_log');
    const res = await run(['people', file('bad.csv', BAD), '--org', 'demo']);
    assert.equal(res.code, 1);
    assert.match(res.output, /line 3, column email: Enter an email address/);
    const dry = await run(['people', file('bad.csv', BAD), '--org', 'demo', '--dry-run']);
    assert.equal(dry.code, 1);
    const notSheet = await run(['people', file('bad.pdf', '%PDF-1.4'), '--org', 'demo']);
    assert.equal(notSheet.code, 1);
    const noRef = await run(['people', file('bad.csv', 'first_name\nAnn\n'), '--org', 'demo']);
    assert.equal(noRef.code, 1);
    assert.match(noRef.output, /line 1, column reference/);
    assert.equal(await count('people'), people);
    assert.equal(await count('imports'), logs);
    assert.equal(await count('audit_log'), audits);
  });

  it('documents itself under --help', async () => {
    const { main } = await import('../../cli.ts');
    assert.equal(await main(['import', '--help']), 0);
    const IMPORT_HELP = importHelp();
    assert.match(IMPORT_HELP, /Usage: coproduce import people FILE --org SLUG/);
    assert.match(IMPORT_HELP, /--dry-run/);
    assert.match(IMPORT_HELP, /--skip-invalid/);
  });

  it('says how it was used wrongly with exit code 2', async () => {
    assert.equal((await run(['people', '/no/such/file.csv', '--org', 'demo'])).code, 2);
    assert.equal((await run(['people', file('a.csv', GOOD), '--org', 'nowhere'])).code, 2);
    assert.equal((await run(['people', file('a.csv', GOOD)])).code, 2);
    assert.equal((await run(['robots', file('a.csv', GOOD), '--org', 'demo'])).code, 2);
  });

  it('previews a clean file with --dry-run, imports it, and exits 0 again when nothing changed', async () => {
    const good = file('good.csv', GOOD);
    const dry = await run(['people', good, '--org', 'demo', '--dry-run']);
    assert.equal(dry.code, 0, dry.output);
    assert.equal(await count('people', sql`reference like 'C-%'`), 0);
    const first = await run(['people', good, '--org', 'demo']);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /To add 3 people/);
    assert.equal(await count('people', sql`reference like 'C-%'`), 3);
    const again = await run(['people', good, '--org', 'demo']);
    assert.equal(again.code, 0);
    assert.match(again.output, /unchanged 3/);
    assert.ok((await count('audit_log', sql`actor_label = 'coproduce CLI'`)) >= 1);
    assert.equal(await count('imports', sql`filename = 'good.csv' and status = 'imported'`), 2);
  });

  it('imports only the good rows with --skip-invalid', async () => {
    const mixed = ['reference,first_name,email', 'D-1,Dan,', 'D-2,Dora,dora@'].join('\n');
    const res = await run(['people', file('mixed.csv', mixed), '--org', 'demo', '--skip-invalid']);
    assert.equal(res.code, 0);
    assert.equal(await count('people', sql`reference like 'D-%'`), 1);
  });
});

describe('imports a housing officer can fill in (issue 10 §8)', () => {
  it('takes UK dates and the names people see as well as ISO dates and codes', async () => {
    const file = [
      'reference,first_name,last_name,date_of_birth,roles,needs,kinds,preferred_channels,availability',
      'UK-1,Una,Kay,17/05/1980,Panel member; quality checker,Easy read;STEP-FREE ACCESS,Carer,Text message;letter,Weekends',
      'UK-2,Vic,Kay,1.2.1975,co_chair,easy_read,customer,,',
      '',
    ].join('\r\n');
    const { id, page } = await uploadAndCheck('people', 'officer.csv', file);
    assert.equal((await importRow(id))?.problem_count, 0, page.body);
    await apply(id, 'no');
    const rows = await query<{
      reference: string;
      date_of_birth: string;
      needs: string[];
      kinds: string[];
      preferred_channels: string[];
      availability: string[];
    }>(
      sql`select reference, date_of_birth::text, needs, kinds, preferred_channels, availability
        from people where reference like 'UK-%' order by reference`,
    );
    assert.deepEqual(
      rows.map((r) => [r.reference, r.date_of_birth, r.needs, r.kinds]),
      [
        ['UK-1', '1980-05-17', ['easy_read', 'step_free'], ['carer']],
        ['UK-2', '1975-02-01', ['easy_read'], ['customer']],
      ],
    );
    assert.deepEqual(rows[0]?.preferred_channels, ['sms', 'letter']);
    assert.deepEqual(rows[0]?.availability, ['weekends']);
    const roles = await query<{ role: string }>(
      sql`select r.role from person_roles r join people p on p.id = r.person_id
        where p.reference = 'UK-1' order by r.role`,
    );
    assert.deepEqual(
      roles.map((r) => r.role),
      ['panel_member', 'quality_checker'],
    );
  });

  it('refuses a date that is not a real day and an unknown need, saying where needs are set', async () => {
    const file = [
      'reference,first_name,date_of_birth,needs',
      'UK-3,Wyn,31/02/1980,Telepathy',
      '',
    ].join('\r\n');
    const { id, page } = await uploadAndCheck('people', 'officer-bad.csv', file);
    const problems = ((await importRow(id))?.problems ?? []).map((p) => `${p.column} ${p.reason}`);
    assert.deepEqual(problems.sort(), ['date_of_birth date', 'needs unknownNeed']);
    assert.match(page.body, /like 17\/05\/1980 or 1980-05-17/);
    assert.match(page.body, /access needs note on the person(&#39;|')s page on the register/);
    // The guide is one link away from the check page and the import page.
    assert.match(page.body, /href="\/staff\/imports\/guide"/);
    assert.match((await lead.get('/staff/imports')).body, /href="\/staff\/imports\/guide"/);
    await lead.post(`/staff/imports/${id}/cancel`, {}, { from: `/staff/imports/${id}` });
  });

  it('takes a preferred language by its name as well as its code, storing the code', async () => {
    const file = [
      'reference,first_name,language',
      'LA-1,Lena,Polish',
      'LA-2,Lloyd,british sign language',
      'LA-3,Lowri,cy',
      'LA-4,Lin,Chinese (Cantonese)',
      'LA-5,Lukas,Lithuanian',
      'LA-6,Lou,',
      '',
    ].join('\r\n');
    const { id, page } = await uploadAndCheck('people', 'languages.csv', file);
    assert.equal((await importRow(id))?.problem_count, 0, page.body);
    await apply(id, 'no');
    const rows = await query<{ reference: string; language: string }>(
      sql`select reference, language from people where reference like 'LA-%' order by reference`,
    );
    assert.deepEqual(
      rows.map((r) => [r.reference, r.language]),
      [
        ['LA-1', 'pl'],
        ['LA-2', 'bfi'],
        ['LA-3', 'cy'],
        ['LA-4', 'yue'],
        ['LA-5', 'lt'],
        ['LA-6', 'en'],
      ],
    );

    const bad = await uploadAndCheck(
      'people',
      'languages-bad.csv',
      ['reference,first_name,language', 'LA-7,Lex,Klingon spoken', ''].join('\r\n'),
    );
    const problems = ((await importRow(bad.id))?.problems ?? []).map(
      (p) => `${p.column} ${p.reason}`,
    );
    assert.deepEqual(problems, ['language language']);
    assert.match(bad.page.body, /English name, like Polish, or its 2 or 3 letter code/);
    await lead.post(`/staff/imports/${bad.id}/cancel`, {}, { from: `/staff/imports/${bad.id}` });
  });

  it('shows the import guide as a page, with the template dates and names', async () => {
    const guide = await lead.get('/staff/imports/guide');
    assert.equal(guide.statusCode, 200);
    assert.match(guide.body, /<h1 class="govuk-heading-xl" id="[^"]+">Importing people/);
    assert.match(guide.body, /<code>17\/05\/1980<\/code>/);
    assert.match(guide.body, /<td class="govuk-table__cell"><code>easy_read<\/code><\/td>/);
    assert.doesNotMatch(guide.body, /<h2[^>]*>Adding an import kind/);
    const template = await lead.get('/staff/imports/template/people.csv');
    assert.match(template.body, /17\/05\/1980/);
    assert.match(template.body, /Easy read;step_free/);
    const staff = await app.inject({
      url: '/staff/imports/guide',
      headers: signedInAs(org, ['board_member']),
    });
    assert.equal(staff.statusCode, 403);
  });
});
