import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout } from './pages.ts';

let harness: Harness;

before(async () => {
  harness = await startHarness();
});

/** A context with room for a busy machine: this journey visits some thirty pages. */
async function context(options: Parameters<Harness['context']>[0]) {
  const made = await harness.context(options);
  made.setDefaultTimeout(60_000);
  return made;
}
after(() => harness.close());

/** The survey pages, named as people would say them. */
class Surveys extends Layout {
  async checked() {
    await assertAccessible(this.page);
  }

  async press(name: string | RegExp) {
    await this.page.getByRole('button', { name }).first().click();
  }

  async choose(label: string | RegExp) {
    await this.page.getByLabel(label, { exact: typeof label === 'string' }).check();
  }

  async fill(label: string | RegExp, value: string) {
    await this.page.getByLabel(label, { exact: typeof label === 'string' }).fill(value);
  }

  banner() {
    return this.page.locator('.govuk-notification-banner').innerText();
  }

  main() {
    return this.page.getByRole('main').innerText();
  }

  /** Adds a question through the builder's form. */
  async addQuestion(
    section: number,
    q: { text: string; code: string; type: string; required: boolean; condition?: RegExp },
  ) {
    await this.page.getByRole('link', { name: `Add a question to section ${section}` }).click();
    await this.checked();
    await this.fill('Question', q.text);
    await this.fill('Code', q.code);
    await this.choose(q.type);
    await this.page
      .getByRole('group', { name: 'Must it be answered?' })
      .getByLabel(q.required ? 'Yes' : 'No', { exact: true })
      .check();
    if (q.condition) await this.page.getByLabel(q.condition).check();
    await this.press('Save question');
    assert.match(await this.banner(), /Question saved/);
  }
}

async function staff(page: Page) {
  return new Surveys(page);
}

describe('surveys in a browser, with JavaScript off', () => {
  it('builds a survey with a condition, publishes it, and takes answers by link, kiosk and paper; runs a poll; shows the analysis', async () => {
    const staffContext = await context({ javaScript: false, as: ['involvement_lead'] });
    const s = await staff(await staffContext.newPage());

    // Build.
    await s.open('/staff/surveys');
    await s.checked();
    await s.press('Create a survey or poll');
    await s.checked();
    await s.fill('Name', 'Repairs check');
    await s.press('Create');
    assert.match(await s.banner(), /Survey created/);
    await s.checked();
    await s.fill('Section title', 'Your view');
    await s.press('Add section');
    await s.addQuestion(1, {
      text: 'Did we repair something in your home this year?',
      code: 'had_repair',
      type: 'Yes or no',
      required: true,
    });
    await s.addQuestion(2, {
      text: 'How satisfied are you with the repair?',
      code: 'repair_sat',
      type: 'Satisfaction scale (5 points)',
      required: false,
      condition: /had_repair: .* — Yes/,
    });
    await s.checked();
    assert.match(await s.main(), /Shown only when\s+had_repair = Yes/);

    // Publish.
    await s.press('Publish');
    assert.match(await s.banner(), /Published/);
    await s.checked();
    const link = await s.page.locator('#public-link').innerText();
    const path = new URL(link).pathname;

    // Answer by link, as a visitor without JavaScript.
    const visitorContext = await context({ javaScript: false });
    const v = new Surveys(await visitorContext.newPage());
    await v.open(path);
    await v.checked();
    await v.press('Start now');
    await v.checked();
    await v.press('Continue');
    assert.match(await v.page.locator('.govuk-error-summary').innerText(), /Answer this question/);
    await v.checked();
    await v.choose('Yes');
    await v.press('Continue');
    await v.checked();
    assert.match(await v.heading(), /How satisfied are you with the repair\?/);
    await v.choose('Very satisfied');
    await v.press('Continue');
    await v.checked();
    await v.press('Send my answers');
    assert.match(await v.page.locator('.govuk-panel').innerText(), /Thank you/);
    await v.checked();

    // The same survey in easy read: one question a page.
    const easyContext = await context({ javaScript: false });
    const e = new Surveys(await easyContext.newPage());
    await e.open(`${path}?display=easy`);
    await e.press('Start now');
    assert.match(await e.heading(), /Did we repair something in your home this year\?/);
    await e.checked();
    await e.choose('No');
    await e.press('Continue');
    await e.checked();
    await e.press('Send my answers');
    await easyContext.close();

    // A kiosk: set up by staff, then a tablet that starts again after each person.
    await s.open(new URL(link).pathname.replace(/^\/s\//, '/staff/surveys/') + '/share');
    await s.fill('Name of the kiosk', 'Reception');
    await s.press('Set up a kiosk');
    await s.checked();
    const kioskUrl = await s.page.locator('#kiosk-link').innerText();
    const tabletContext = await context({ javaScript: false });
    const t = new Surveys(await tabletContext.newPage());
    await t.open(new URL(kioskUrl).pathname);
    await t.checked();
    await t.press('Start');
    await t.choose('No');
    await t.press('Continue');
    await t.press('Send my answers');
    await t.checked();
    await t.press('Start again for the next person');
    assert.match(t.page.url(), /\/step\/section-s1$/);
    assert.deepEqual(
      (await tabletContext.cookies()).map((c) => c.name).filter((n) => n !== 'csrf'),
      [],
    );
    await tabletContext.close();

    // Paper entry by staff.
    const id = path.split('/').pop()!;
    await s.open(`/staff/surveys/${id}/enter`);
    await s.checked();
    await s.choose('Paper');
    await s.fill('Day', '3');
    await s.fill('Month', '2');
    await s.fill('Year', '2026');
    await s.press('Start typing in answers');
    await s.choose('Yes');
    await s.press('Continue');
    await s.choose('Fairly dissatisfied');
    await s.press('Continue');
    await s.press('Send my answers');
    await s.checked();
    assert.match(await s.main(), /Type in another person's answers/);

    // The analysis.
    await s.open(`/staff/surveys/${id}/analysis`);
    await s.checked();
    assert.equal(await s.page.locator('#completed-count').innerText(), '4');
    assert.match(await s.main(), /Satisfied or agreeing:\s+50%/);
    await s.page.getByLabel('Cut the results by').selectOption('tenure');
    await s.press('Show');
    await s.checked();
    assert.match(await s.main(), /Results by group/);

    // A poll, answered in one tap, with a results page a reload refreshes.
    await s.open('/staff/surveys/new');
    await s.choose('Poll');
    await s.fill('The question', 'Which day suits you for the garden day?');
    await s.fill('The answers', 'Saturday\nSunday');
    await s.fill('Name', 'Garden day');
    await s.press('Create');
    await s.press('Publish');
    const pollPath = new URL(await s.page.locator('#public-link').innerText()).pathname;
    await v.open(pollPath);
    await v.checked();
    await v.press('Sunday');
    assert.match(
      await v.page.locator('.govuk-notification-banner').innerText(),
      /Your vote is counted/,
    );
    await v.checked();
    await v.page.reload();
    assert.match(await v.main(), /1 vote so far/);

    await visitorContext.close();
    await staffContext.close();
  });
});
