import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { currentPeriod } from '../../src/platform/periods/index.ts';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout } from './pages.ts';

let harness: Harness;

before(async () => {
  harness = await startHarness();
});
after(() => harness.close());

/** A context with room for a busy machine. */
async function context(options: Parameters<Harness['context']>[0]) {
  const made = await harness.context(options);
  made.setDefaultTimeout(30_000);
  return made;
}

/**
 * axe and the 320 px check take seconds a page, and a page open without
 * JavaScript is checked in a twin with it (harness.ts): each page state is
 * checked once across the two runs, the even ones with JavaScript and the odd
 * ones without (both runs visit the same pages in the same order).
 * E2E_CHECK_ALL=1 checks every page in both runs.
 */
const checks = { javaScript: true, count: 0 };

/** The feedback pages, named as people would say them. */
class Feedback extends Layout {
  async checked() {
    const turn =
      checks.count++ % 2 === (checks.javaScript ? 0 : 1) || process.env.E2E_CHECK_ALL === '1';
    if (turn) await assertAccessible(this.page);
  }

  async press(name: string | RegExp) {
    await this.page.getByRole('button', { name }).first().click();
  }

  /** A radio or checkbox within a named group (labels repeat between groups). */
  async tick(group: string | RegExp, label: string | RegExp) {
    await this.page
      .getByRole('group', { name: group })
      .getByLabel(label, { exact: typeof label === 'string' })
      .check();
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

  /** The reference in an item's heading, "Feedback FB-…". */
  async itemReference(): Promise<string> {
    const match = /Feedback (FB-\S+)/.exec(await this.heading());
    assert.ok(match, 'an item page names its reference');
    return match[1]!;
  }

  /** Logs feedback as staff, for someone on the register who wants to hear back by email. */
  async logFor(
    person: string,
    channel: string,
    words: string,
    options: { check?: boolean } = {},
  ): Promise<string> {
    await this.open('/staff/feedback/items/new');
    if (options.check) await this.checked();
    await this.tick('How did they tell us?', channel);
    const today = new Date();
    await this.fill('Day', String(today.getUTCDate()));
    await this.fill('Month', String(today.getUTCMonth() + 1));
    await this.fill('Year', String(today.getUTCFullYear()));
    await this.fill('What they said', words);
    await this.fill('Their reference on the register', person);
    await this.page.getByLabel('They want to hear what we do about it').check();
    await this.tick('How do they want to hear back?', 'Email');
    await this.press('Save feedback');
    assert.match(await this.banner(), /Feedback saved/);
    return this.itemReference();
  }
}

/** Who the demo's customer, Ben Jones, is on the register. */
async function benReference(page: Page): Promise<string> {
  await page.goto('/staff/people?q=customer%40demo.example');
  const row = await page.locator('tbody tr').first().innerText();
  const match = /\b(CU\d{5})\b/.exec(row);
  assert.ok(match, `the register lists Ben Jones with a reference: ${row}`);
  return match[1]!;
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'with JavaScript off';
  const tag = javaScript ? 'js' : 'nojs';
  describe(`feedback in a browser, ${mode}`, () => {
    it('takes feedback by the public form and from staff, themes it, answers three channels with one action, publishes the quarter and tells the contributors', async () => {
      Object.assign(checks, { javaScript, count: 0 });
      const quarter = currentPeriod('quarter').name;
      const visitorEmail = `visitor-${tag}@example.org`;
      const said = {
        web: `The stair lights at Elm Court are broken (${tag})`,
        phone: `Nobody fixed the lights on our stairs (${tag})`,
        dropIn: `Dark stairwell at night, I nearly fell (${tag})`,
      };

      // 1. A visitor with no account uses the public form.
      const visitorContext = await context({ javaScript });
      const v = new Feedback(await visitorContext.newPage());
      await v.open('/feedback');
      assert.equal(await v.heading(), 'Tell us what you think');
      await v.checked();
      await v.press('Send feedback');
      assert.match(
        await v.page.locator('.govuk-error-summary').innerText(),
        /Enter what you want to tell us/,
      );
      await v.checked();
      await v.fill('What do you want to tell us?', said.web);
      await v.page.getByLabel(/You may quote my words/).check();
      await v.tick('Do you want to hear what we do about it?', 'Yes, tell me what you do');
      await v.fill('Your name', `Vera Visitor ${tag}`);
      await v.tick('How should we tell you?', 'Email');
      await v.fill('Email address', visitorEmail);
      await v.press('Send feedback');
      assert.equal(await v.heading(), 'Thank you for your feedback');
      await v.checked();

      // 2. Staff log two more from other channels, for Ben Jones on the register.
      const staffContext = await context({ javaScript, as: ['involvement_lead'] });
      const s = new Feedback(await staffContext.newPage());
      const ben = await benReference(s.page);
      const phoneRef = await s.logFor(ben, 'Phone call', said.phone, { check: true });
      await s.checked();
      const dropInRef = await s.logFor(ben, 'Drop-in', said.dropIn);

      // 3. Themed: the keywords suggested some; staff confirm and recode.
      assert.match(await s.main(), /suggested by the keywords/);
      await s.tick('Themes', 'Safety and security');
      await s.tick('Themes', 'Communal areas');
      await s.press('Save themes');
      assert.match(await s.banner(), /Themes saved/);
      assert.match(await s.main(), /Staff have checked these themes/);
      await s.checked();

      // The list, filtered to the website's form, finds the visitor's words.
      await s.open('/staff/feedback?channel=web_form');
      await s.checked();
      await s.page.locator('tbody tr', { hasText: said.web }).getByRole('link').click();
      const webRef = await s.itemReference();
      assert.match(await s.main(), /Vera Visitor/);
      await s.checked();

      // 4. One action answers the three, from three channels, quoting the visitor who agreed.
      await s.page.getByRole('button', { name: 'Add an action that answers this' }).click();
      await s.checked();
      await s.tick('What is the answer?', 'We did something about it');
      await s.fill('You said', `The stair lights were out and people felt unsafe (${tag}).`);
      await s.fill('We did, we will, or we can’t', `We put new lights on every stair (${tag}).`);
      await s.fill('You said, in easy read', 'You said the stairs were dark.');
      await s.fill('Our answer, in easy read', `We put in new lights (${tag}).`);
      await s.fill('Owner', 'Estates team');
      await s.tick('Status', 'In progress');
      await s.page.getByLabel(/Publish this in the quarter/).check();
      await s.tick('Quote', `“${said.web}”`);
      await s.press('Save action');
      assert.match(await s.banner(), /Action added/);
      await s.fill('Add feedback it answers', `${phoneRef}, ${dropInRef}`);
      await s.press('Add feedback');
      assert.match(await s.banner(), /Feedback added to the action/);
      assert.match(await s.main(), /Feedback it answers: 3 from 3 channels/);
      await s.checked();

      // 5. Done: everyone who asked to hear back is told.
      await s.fill('What came of it', `Every stair at Elm Court is lit at night now (${tag}).`);
      await s.press('Mark as done and tell people');
      assert.match(await s.banner(), /Action done/);
      await s.checked();

      // The quarter's themes.
      await s.open(`/staff/feedback/report?period=${quarter}`);
      assert.match(await s.main(), /Feedback by theme and channel/);
      await s.checked();

      // 6. The quarter's edition, after the plain-English check.
      await s.open(`/staff/feedback/editions?period=${quarter}`);
      assert.match(await s.main(), new RegExp(`We put new lights on every stair \\(${tag}\\)`));
      assert.match(await s.main(), /Plain English check/);
      await s.checked();
      await s.fill('Introduction', 'Thank you for telling us what you think.');
      const confirm = s.page.getByLabel('I have read what the plain English check found');
      if (await confirm.count()) await confirm.check();
      await s.press('Publish this edition');
      assert.match(await s.banner(), /Published/);
      await s.checked();

      // The public pages: web, poster and easy read.
      await v.open('/you-said-we-did');
      await v.checked();
      await v.open(`/you-said-we-did/${quarter}`);
      assert.match(await v.heading(), /You said, we did/);
      assert.match(await v.main(), new RegExp(`We put new lights on every stair \\(${tag}\\)`));
      assert.match(await v.main(), new RegExp(said.web.replace(/[()]/g, '\\$&')));
      assert.doesNotMatch(
        await v.main(),
        /Nobody fixed the lights/,
        'Ben did not agree to quoting',
      );
      await v.checked();
      await v.page.getByRole('link', { name: 'Poster to print' }).click();
      assert.match(new URL(v.page.url()).pathname, /\/poster$/);
      assert.equal(await v.page.locator('svg[role="img"][aria-label^="QR code for"]').count(), 1);
      await v.checked();
      await v.open(`/you-said-we-did/${quarter}`);
      await v.page.getByRole('link', { name: 'Easy read version' }).click();
      assert.match(await v.main(), new RegExp(`We put in new lights \\(${tag}\\)`));
      assert.ok((await v.page.locator('.app-easy-read__picture').count()) > 0);
      await v.checked();

      // 7. The contributors' messages are in the outbox: the visitor's and Ben's two.
      const adminContext = await context({ javaScript, as: ['admin'] });
      const a = new Feedback(await adminContext.newPage());
      const rows = (address: string) => a.page.locator('tbody tr', { hasText: address });
      for (let tries = 0; ; tries++) {
        await a.open('/admin/outbox');
        if ((await rows(visitorEmail).count()) >= 1) break;
        assert.ok(tries < 60, 'the outcome reaches the outbox');
        await a.page.waitForTimeout(250);
      }
      await a.checked();
      await rows(visitorEmail).first().getByRole('link').click();
      const message = await a.main();
      assert.match(message, /What we did about your feedback/);
      assert.match(message, new RegExp(`You told us: "${said.web.replace(/[()]/g, '\\$&')}"`));
      assert.match(message, new RegExp(`Your feedback reference is ${webRef}`));
      await a.checked();
      await a.open('/admin/outbox');
      assert.ok(
        (await rows('customer@demo.example').count()) >= (javaScript ? 2 : 4),
        'Ben is told about each of his two pieces of feedback',
      );

      await adminContext.close();
      await visitorContext.close();
      await staffContext.close();
    });
  });
}
