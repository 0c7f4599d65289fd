import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addPeople, addServices } from '../people/index.ts';
import type { SurveyDefinition } from './definition.ts';
import { analyseSurvey } from './analysis.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let surveyId: string;
let anonymousId: string;

const DEFINITION: SurveyDefinition = {
  intro: { en: '' },
  sections: [
    {
      id: 's1',
      title: { en: 'Your view' },
      questions: [
        { code: 'overall', type: 'satisfaction', text: { en: 'Overall?' }, required: true },
        {
          code: 'helped',
          type: 'multiple',
          text: { en: 'What helped?' },
          required: false,
          options: [
            { code: 'staff', text: { en: 'Staff' } },
            { code: 'room', text: { en: 'Room' } },
          ],
        },
        { code: 'score', type: 'scale10', text: { en: 'Score?' }, required: false },
        { code: 'comments', type: 'text', text: { en: 'Anything else?' }, required: false },
        {
          code: 'ethnicity',
          type: 'single',
          text: { en: 'Ethnic group?' },
          required: false,
          equality: true,
          options: [{ code: 'white', text: { en: 'White' } }],
        },
      ],
    },
  ],
};

/** A published survey with its version, made in the database as publishing leaves it. */
async function makeSurvey(organisation: Organisation, anonymous: boolean): Promise<string> {
  return testDb.database.withOrganisation(organisation.id, async (tx) => {
    const [survey] = rowsOf<{ id: string }>(
      await tx.execute(sql`
        insert into surveys (organisation_id, title, status, anonymous, draft, current_version)
        values (app_organisation_id(), 'Hostel check', 'published', ${anonymous},
          ${JSON.stringify(DEFINITION)}::jsonb, 1) returning id`),
    );
    await tx.execute(sql`
      insert into survey_versions (organisation_id, survey_id, version, definition)
      values (app_organisation_id(), ${survey!.id}, 1, ${JSON.stringify(DEFINITION)}::jsonb)`);
    return survey!.id;
  });
}

/** A completed response with its answers (code → choice, choices, number or body). */
async function respond(
  organisation: Organisation,
  id: string,
  response: { personId?: string; serviceId?: string; tenure?: string; status?: string },
  answers: Record<string, string | string[] | number>,
): Promise<string> {
  return testDb.database.withOrganisation(organisation.id, async (tx) => {
    const [row] = rowsOf<{ id: string }>(
      await tx.execute(sql`
        insert into survey_responses (organisation_id, survey_id, version_id, person_id, method,
          status, token_hash, service_id, specialism, area, tenure, collected_on, completed_at)
        select app_organisation_id(), ${id}, v.id, ${response.personId ?? null}, 'paper',
          ${response.status ?? 'complete'}, gen_random_uuid()::text, ${response.serviceId ?? null},
          'homelessness', 'North', ${response.tenure ?? null}, '2026-11-30', now()
        from survey_versions v where v.survey_id = ${id} returning id`),
    );
    for (const [code, value] of Object.entries(answers))
      await tx.execute(sql`
        insert into survey_answers (organisation_id, response_id, survey_id, question_code,
          choice, choices, number, body)
        values (app_organisation_id(), ${row!.id}, ${id}, ${code},
          ${code === 'overall' || code === 'ethnicity' ? value : null}::text,
          ${Array.isArray(value) ? `{${value.join(',')}}` : '{}'}::text[],
          ${typeof value === 'number' ? value : null}::float8,
          ${code === 'comments' ? value : null}::text)`);
    return row!.id;
  });
}

/** The CSV's records (no byte order mark), split simply: the fixtures have no quoted commas. */
function records(body: string): string[][] {
  return body
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Riverside Homes' });
  other = await makeOrganisation(testDb.database, { slug: 'elsewhere', name: 'Other Homes' });
  const { serviceId, personId } = await testDb.database.withOrganisation(org.id, async (tx) => {
    const [service] = await addServices(tx, [
      {
        organisationId: org.id,
        code: 'GS',
        name: 'Grey Street',
        type: 'Hostel',
        specialism: 'homelessness',
        area: 'North',
      },
    ]);
    const [person] = await addPeople(tx, [
      { organisationId: org.id, reference: 'P-0042', firstName: 'Ada', lastName: 'Lovelace' },
    ]);
    return { serviceId: service!.id, personId: person! };
  });
  surveyId = await makeSurvey(org, false);
  anonymousId = await makeSurvey(org, true);
  await respond(
    org,
    surveyId,
    { personId, serviceId, tenure: 'LCRA' },
    {
      overall: 'very_satisfied',
      helped: ['staff', 'room'],
      score: 9,
      comments: '=HYPERLINK("http://evil")',
      ethnicity: 'white',
    },
  );
  await respond(org, surveyId, {}, { overall: 'neither' });
  await respond(org, surveyId, { status: 'partial' }, { overall: 'neither' });
  await respond(org, anonymousId, { personId }, { overall: 'fairly_satisfied' });
  app = await createTestApp(testDb.database);
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('survey export', () => {
  it('gives one row a completed response, multiple choice joined by ";", and neutralises formulas', async () => {
    const lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
    const res = await lead.get(`/staff/surveys/${surveyId}/export.csv`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/csv/);
    assert.match(String(res.headers['content-disposition']), /attachment; filename="survey-/);
    const [header, ...rows] = records(res.body);
    // No name unless asked; no equality answers without equality:read.
    assert.deepEqual(header, [
      'response',
      'collected_on',
      'method',
      'service',
      'specialism',
      'area',
      'tenure',
      'person_reference',
      'overall',
      'helped',
      'score',
      'comments',
    ]);
    assert.equal(rows.length, 2, 'the partial response is left out');
    const full = rows.find((r) => r[8] === 'very_satisfied')!;
    assert.deepEqual(full.slice(1, 11), [
      '2026-11-30',
      'paper',
      'Grey Street',
      'homelessness',
      'North',
      'LCRA',
      'P-0042',
      'very_satisfied',
      'staff;room',
      '9',
    ]);
    // A formula gets a leading apostrophe (and is quoted for its own quotes).
    assert.match(res.body, /"'=HYPERLINK\(""http:\/\/evil""\)"/);
    const bare = rows.find((r) => r[8] === 'neither')!;
    assert.deepEqual(bare.slice(3, 11), ['', 'homelessness', 'North', '', '', 'neither', '', '']);
  });

  it('adds names only when asked and allowed, and equality answers only with equality:read', async () => {
    const reader = new TestClient(app, signedInAs(org, ['involvement_lead'], ['equality:read']));
    const res = await reader.get(`/staff/surveys/${surveyId}/export.csv?names=yes`);
    const [header, ...rows] = records(res.body);
    assert.ok(header!.includes('person_name') && header!.includes('ethnicity'));
    const full = rows.find((r) => r.includes('P-0042'))!;
    assert.equal(full[header!.indexOf('person_name')], 'Ada Lovelace');
    assert.equal(full[header!.indexOf('ethnicity')], 'white');

    // A board member analyses but may not see people: no reference, no name, even when asked.
    const board = new TestClient(app, signedInAs(org, ['board_member']));
    const boardRes = await board.get(`/staff/surveys/${surveyId}/export.csv?names=yes`);
    assert.equal(boardRes.statusCode, 200);
    const boardHeader = records(boardRes.body)[0]!;
    assert.ok(!boardHeader.includes('person_reference') && !boardHeader.includes('person_name'));
    assert.ok(!boardRes.body.includes('P-0042') && !boardRes.body.includes('Ada'));

    // An anonymous survey never names anyone, whoever asks.
    const anon = await reader.get(`/staff/surveys/${anonymousId}/export.csv?names=yes`);
    assert.ok(!records(anon.body)[0]!.includes('person_reference'));
    assert.ok(!anon.body.includes('P-0042'));
  });

  it('writes XLSX with typed cells', async () => {
    const lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
    const res = await lead.get(`/staff/surveys/${surveyId}/export.xlsx`);
    assert.equal(res.statusCode, 200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    assert.equal(sheet.rowCount, 3);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const scoreColumn = header.indexOf('score') + 1;
    const values = [sheet.getRow(2), sheet.getRow(3)].map((r) => r.getCell(scoreColumn).value);
    assert.ok(values.includes(9), 'a number stays a number');
  });

  it('is audited, guarded, and finds only the organisation’s own surveys', async () => {
    const lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
    await lead.get(`/staff/surveys/${surveyId}/export.xlsx?names=yes`);
    const audits = await testDb.database.withOrganisation(org.id, async (tx) =>
      rowsOf<{ action: string; after: Record<string, unknown> }>(
        await tx.execute(sql`
          select action, after from audit_log
          where entity = 'survey' and entity_id = ${surveyId} and action = 'export'
          order by id`),
      ),
    );
    assert.ok(audits.length >= 1);
    assert.deepEqual(audits.at(-1)!.after, {
      format: 'xlsx',
      personReference: true,
      personName: true,
      equality: false,
    });
    const customer = new TestClient(app, signedInAs(org, ['customer']));
    assert.equal((await customer.get(`/staff/surveys/${surveyId}/export.csv`)).statusCode, 403);
    // Another organisation's survey is not found, whatever its id.
    const elsewhere = await makeSurvey(other, false);
    assert.equal((await lead.get(`/staff/surveys/${elsewhere}/export.csv`)).statusCode, 404);
  });

  it('gives the analysis its median from the numbers alone', async () => {
    await respond(org, surveyId, {}, { overall: 'neither', score: 4 });
    await respond(org, surveyId, {}, { overall: 'neither', score: 6 });
    const analysis = await testDb.database.withOrganisation(org.id, (tx) =>
      analyseSurvey(tx, surveyId, DEFINITION),
    );
    const score = analysis.questions.find((q) => q.question.code === 'score')!;
    assert.deepEqual(
      { count: score.numbers?.count, median: score.numbers?.median },
      { count: 3, median: 6 },
    );
    const overall = analysis.questions.find((q) => q.question.code === 'overall')!;
    assert.equal(overall.numbers?.median ?? null, null);
  });

  it('offers the downloads on the analysis page, with names only where they may be had', async () => {
    const lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
    const page = await lead.get(`/staff/surveys/${surveyId}/analysis`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`formaction="/staff/surveys/${surveyId}/export.xlsx"`));
    assert.match(page.body, /name="names"/);
    const anon = await lead.get(`/staff/surveys/${anonymousId}/analysis`);
    assert.doesNotMatch(anon.body, /name="names"/);
  });
});
