import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout } from './pages.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit/index.ts';
import { addCollaborator, createSurvey } from '../../src/modules/surveys/service.ts';

let harness: Harness;
let surveyId = '';
const editorId = randomUUID();

before(async () => {
  harness = await startHarness((app) => {
    // A draft from the repairs template with one customer who may edit it,
    // made in the organisation's own scoped transaction.
    app.get('/test/seed-coauthor', async (request) => {
      const id = await request.db(async (tx) => {
        const made = await createSurvey(
          tx,
          SYSTEM_ACTOR,
          {
            title: 'Repairs check',
            titleCy: '',
            kind: 'survey',
            template: 'repairs-satisfaction',
            anonymous: false,
            pollQuestion: '',
            pollOptions: [],
          },
          'Demo Homes',
        );
        await addCollaborator(tx, SYSTEM_ACTOR, made, { userId: editorId, name: 'Eddie' }, 'edit');
        return made;
      });
      return { id };
    });
  });
  const res = await fetch(`${harness.baseUrl}/test/seed-coauthor`);
  assert.equal(res.status, 200);
  surveyId = ((await res.json()) as { id: string }).id;
});
after(() => harness.close());

describe('co-authoring a draft in a browser, with JavaScript off', () => {
  it('finds the draft on /my, comments, changes a question (with a mistake first) and reads it in easy read', async () => {
    const context = await harness.context({
      javaScript: false,
      as: ['customer'],
      userId: editorId,
    });
    context.setDefaultTimeout(30_000);
    const layout = new Layout(await context.newPage());
    const page = layout.page;

    await layout.open('/my');
    await page.getByRole('link', { name: 'Repairs check' }).click();
    assert.equal(await layout.heading(), 'Help write this survey');
    await assertAccessible(page);

    await page.getByLabel('What is your comment about?').selectOption({ index: 1 });
    await page
      .getByLabel('Your comment', { exact: true })
      .fill('Say "fixed" rather than "repaired".');
    await page.getByRole('button', { name: 'Send comment' }).click();
    assert.match(
      await page.locator('.govuk-notification-banner').innerText(),
      /Your comment was sent/,
    );

    await page.getByRole('link', { name: 'Change Question 1' }).click();
    await page.getByLabel('Question', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save question' }).click();
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the question/);
    await assertAccessible(page);
    await page.getByLabel('Question', { exact: true }).fill('How happy are you with the repair?');
    await page.getByRole('button', { name: 'Save question' }).click();
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Question changed/);
    assert.match(await page.getByRole('main').innerText(), /How happy are you with the repair\?/);

    await layout.open(`/my/surveys/${surveyId}?display=easy`);
    await assertAccessible(page);
    await page.getByRole('link', { name: 'Next page' }).click();
    assert.equal(await layout.heading(), 'Question 1');
    // Easy read shows the question's easy words, with a picture beside them.
    assert.match(await page.getByRole('main').innerText(), /Are you happy with the repair\?/);
    assert.equal((await page.locator('main svg').count()) > 0, true);
    await assertAccessible(page);
    await context.close();
  });
});
