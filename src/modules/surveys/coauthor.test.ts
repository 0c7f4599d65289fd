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
import { addCollaborator, createSurvey, findSurvey } from './service.ts';
import { findQuestion } from './definition.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let surveyId: string;
let otherSurveyId: string;
const commenterId = randomUUID();
const editorId = randomUUID();
const strangerId = randomUUID();
let commenter: TestClient;
let editor: TestClient;
let stranger: TestClient;
let lead: TestClient;

/** A customer's account, by id and with a name (the test header carries the account). */
function customer(organisation: Organisation, id: string, name: string): TestClient {
  const headers = signedInAs(organisation, ['customer'], [], { id });
  const [header, json] = Object.entries(headers)[0]!;
  return new TestClient(app, {
    [header]: JSON.stringify({ ...JSON.parse(json), name }),
    ...(organisation.id === other.id ? { host: 'elsewhere.example' } : {}),
  });
}

const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location ?? '');

async function draftOf(id: string) {
  return testDb.database.withOrganisation(org.id, async (tx) => (await findSurvey(tx, id))!);
}

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, {
    slug: 'demo',
    name: 'Riverside Homes',
    welshEnabled: true,
  });
  other = await makeOrganisation(testDb.database, { slug: 'elsewhere', name: 'Other Homes' });
  await testDb.database.system.execute(
    sql`insert into organisation_hosts (host, organisation_id) values ('elsewhere.example', ${other.id})`,
  );
  const input = {
    title: 'Repairs check',
    titleCy: '',
    kind: 'survey' as const,
    template: 'repairs-satisfaction',
    anonymous: false,
    pollQuestion: '',
    pollOptions: [],
  };
  surveyId = await testDb.database.withOrganisation(org.id, async (tx) => {
    const id = await createSurvey(tx, SYSTEM_ACTOR, input, 'Riverside Homes');
    await addCollaborator(tx, SYSTEM_ACTOR, id, { userId: commenterId, name: 'Cara' }, 'comment');
    await addCollaborator(tx, SYSTEM_ACTOR, id, { userId: editorId, name: 'Eddie' }, 'edit');
    return id;
  });
  // The same people co-author nothing in the other organisation; its survey is not theirs.
  otherSurveyId = await testDb.database.withOrganisation(other.id, (tx) =>
    createSurvey(tx, SYSTEM_ACTOR, input, 'Other Homes'),
  );
  app = await createTestApp(testDb.database);
  commenter = customer(org, commenterId, 'Cara');
  editor = customer(org, editorId, 'Eddie');
  stranger = customer(org, strangerId, 'Sam');
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('co-authoring a draft, the customer side', () => {
  it('lists the drafts on /my and reads the draft in plain words', async () => {
    const my = await editor.get('/my');
    assert.equal(my.statusCode, 200);
    assert.match(my.body, /Surveys you are helping to write/);
    assert.match(my.body, new RegExp(`/my/surveys/${surveyId}`));
    const page = await commenter.get(`/my/surveys/${surveyId}`);
    assert.equal(page.statusCode, 200, page.body.slice(0, 1000));
    assert.match(page.body, /Question 1/);
    assert.match(page.body, /How people answer:/);
    assert.doesNotMatch(page.body, /Add a question to part/);
    const easy = await commenter.get(`/my/surveys/${surveyId}?display=easy&step=1`);
    assert.equal(easy.statusCode, 200);
    assert.match(easy.body, /Page 2 of/);
    assert.match(easy.body, /Tell us what you think of this question/);
    const start = await commenter.get(`/my/surveys/${surveyId}?display=easy`);
    assert.match(start.body, /You are helping us write a survey/);
    assert.match(start.body, /Tell us what you think of the survey/);
    // Welsh: no trusted Welsh for these words yet, so they are marked as English.
    const welsh = await commenter.get(`/my/surveys/${surveyId}?display=standard&lang=cy`);
    assert.equal(welsh.statusCode, 200);
    assert.match(welsh.body, /<span lang="en">Help write this survey<\/span>/);
    await commenter.get(`/my/surveys/${surveyId}?lang=en`);
  });

  it('lets a comment-only co-author comment but not edit', async () => {
    const draft = await draftOf(surveyId);
    const code = draft.draft.sections[0]!.questions[0]!.code;
    const said = await commenter.post(
      `/my/surveys/${surveyId}/comments`,
      { questionCode: code, body: 'Say "fixed" rather than "repaired".' },
      { from: `/my/surveys/${surveyId}` },
    );
    assert.equal(said.statusCode, 303);
    assert.match(location(said), /saved=comment/);
    const empty = await commenter.post(`/my/surveys/${surveyId}/comments`, { body: '  ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Enter your comment/);

    const edit = await commenter.get(`/my/surveys/${surveyId}/questions/${code}`);
    assert.equal(edit.statusCode, 403);
    assert.match(edit.body, /You cannot change questions/);
    const tried = await commenter.post(`/my/surveys/${surveyId}/questions/${code}`, {
      section: 's1',
      type: 'yesno',
      text: 'Changed by a commenter',
      required: 'yes',
    });
    assert.equal(tried.statusCode, 403);
    const removed = await commenter.post(`/my/surveys/${surveyId}/questions/${code}/remove`, {});
    assert.equal(removed.statusCode, 403);
    assert.deepEqual((await draftOf(surveyId)).draft, draft.draft);

    // Staff read the customer's comment on the survey's page.
    const staffPage = await lead.get(`/staff/surveys/${surveyId}`);
    assert.match(staffPage.body, /Cara/);
    assert.match(staffPage.body, /Say &quot;fixed&quot; rather than &quot;repaired&quot;\./);
    const audited = await testDb.database.withOrganisation(org.id, async (tx) =>
      rowsOf<{ n: number }>(
        await tx.execute(
          sql`select count(*)::int as n from audit_log where entity = 'survey_comment' and actor_user_id = ${commenterId}`,
        ),
      ),
    );
    assert.equal(audited[0]!.n, 1);
  });

  it('lets an edit co-author change, add and remove a question; the draft changes and staff see who did it', async () => {
    const before = await draftOf(surveyId);
    const section = before.draft.sections[0]!;
    const question = section.questions[0]!;
    const page = await editor.get(`/my/surveys/${surveyId}/questions/${question.code}`);
    assert.equal(page.statusCode, 200, page.body.slice(0, 1000));
    const changed = await editor.post(
      `/my/surveys/${surveyId}/questions/${question.code}`,
      {
        section: section.id,
        type: question.type,
        text: 'How happy are you with the repair?',
        hint: '',
        // The form shows the easy words as they are; the rest it does not show.
        easy: question.easy?.en ?? '',
        options: (question.options ?? []).map((o) => o.text.en).join('\n'),
        required: 'yes',
      },
      { from: `/my/surveys/${surveyId}/questions/${question.code}` },
    );
    assert.equal(changed.statusCode, 303, changed.body.slice(0, 2000));
    const after = await draftOf(surveyId);
    const now = findQuestion(after.draft, question.code)!;
    assert.equal(now.text.en, 'How happy are you with the repair?');
    // What the co-author's form does not show (code, Welsh, picture, scale extras) is kept.
    assert.equal(now.code, question.code);
    assert.deepEqual(now.easy, question.easy);
    assert.deepEqual(now.picture, question.picture);
    assert.equal(now.dontKnow, question.dontKnow);
    assert.ok(after.draftChanged);
    assert.ok(after.updatedAt.getTime() > before.updatedAt.getTime());

    const added = await editor.post(`/my/surveys/${surveyId}/questions`, {
      section: section.id,
      type: 'text',
      text: 'What else should we know?',
      required: 'no',
    });
    assert.equal(added.statusCode, 303, added.body.slice(0, 2000));
    const withNew = await draftOf(surveyId);
    assert.ok(findQuestion(withNew.draft, 'what_else_should_we_know'));
    const removed = await editor.post(
      `/my/surveys/${surveyId}/questions/what_else_should_we_know/remove`,
      {},
    );
    assert.equal(removed.statusCode, 303);
    assert.equal(
      findQuestion((await draftOf(surveyId)).draft, 'what_else_should_we_know'),
      undefined,
    );

    const staffPage = await lead.get(`/staff/surveys/${surveyId}`);
    assert.match(staffPage.body, /Changes by co-authors/);
    assert.match(staffPage.body, new RegExp(`Eddie changed question ${question.code}`));
    assert.match(staffPage.body, /Eddie added question what_else_should_we_know/);
    assert.match(staffPage.body, /Eddie removed question what_else_should_we_know/);
  });

  it('names the field of a bad question change and loses nothing typed', async () => {
    const before = await draftOf(surveyId);
    const section = before.draft.sections[0]!;
    const question = section.questions[0]!;
    const bad = await editor.post(`/my/surveys/${surveyId}/questions/${question.code}`, {
      section: section.id,
      type: 'single',
      text: 'Which day suits you best?',
      hint: 'Think about next week',
      options: 'Only Monday',
      required: 'no',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#options"/);
    assert.match(bad.body, /Enter at least 2 choices, one a line/);
    assert.match(bad.body, /Which day suits you best\?/);
    assert.match(bad.body, /Think about next week/);
    assert.match(bad.body, /Only Monday/);
    assert.deepEqual((await draftOf(surveyId)).draft, before.draft);
  });

  it('stops a save over a change made since the form was shown, keeping what was typed', async () => {
    const before = await draftOf(surveyId);
    const section = before.draft.sections[0]!;
    const question = section.questions[0]!;
    const form = await editor.get(`/my/surveys/${surveyId}/questions/${question.code}`);
    const seen = /name="seen" value="([^"]+)"/.exec(form.body)![1]!;
    // Someone else adds a question meanwhile.
    const other = await editor.post(`/my/surveys/${surveyId}/questions`, {
      section: section.id,
      type: 'yesno',
      text: 'Did someone visit?',
      required: 'no',
    });
    assert.equal(other.statusCode, 303);
    const late = await editor.post(`/my/surveys/${surveyId}/questions/${question.code}`, {
      seen,
      section: section.id,
      type: question.type,
      text: 'A late change',
      easy: question.easy?.en ?? '',
      required: 'yes',
    });
    assert.equal(late.statusCode, 409);
    assert.match(late.body, /Someone else changed this survey/);
    assert.match(late.body, /A late change/);
    const now = await draftOf(surveyId);
    assert.equal(findQuestion(now.draft, question.code)!.text.en, question.text.en);
    assert.ok(findQuestion(now.draft, 'did_someone_visit'));
    // Saved again from the form as it came back, it goes through.
    const again = /name="seen" value="([^"]+)"/.exec(late.body)![1]!;
    const saved = await editor.post(`/my/surveys/${surveyId}/questions/${question.code}`, {
      seen: again,
      section: section.id,
      type: question.type,
      text: 'A late change',
      easy: question.easy?.en ?? '',
      required: 'yes',
    });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 1000));
    assert.equal(
      findQuestion((await draftOf(surveyId)).draft, question.code)!.text.en,
      'A late change',
    );
  });

  it('answers 404 to a customer who is not a co-author, or of another organisation', async () => {
    assert.equal((await stranger.get(`/my/surveys/${surveyId}`)).statusCode, 404);
    const post = await stranger.post(`/my/surveys/${surveyId}/comments`, { body: 'Hello' });
    assert.equal(post.statusCode, 404);
    // A co-author here is no one's co-author on another organisation's survey.
    assert.equal((await editor.get(`/my/surveys/${otherSurveyId}`)).statusCode, 404);
    // The same account id signed in to the other organisation reaches neither survey.
    const elsewhere = customer(other, editorId, 'Eddie');
    assert.equal((await elsewhere.get('/my')).statusCode, 200);
    assert.equal((await elsewhere.get(`/my/surveys/${surveyId}`)).statusCode, 404);
    assert.equal((await elsewhere.get(`/my/surveys/${otherSurveyId}`)).statusCode, 404);
    assert.doesNotMatch((await elsewhere.get('/my')).body, /Surveys you are helping to write/);
    // Staff have no customer's pages here.
    assert.equal((await lead.get(`/my/surveys/${surveyId}`)).statusCode, 403);
  });
});
