import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout } from './pages.ts';

let harness: Harness;

before(async () => {
  harness = await startHarness();
});
after(() => harness.close());

const PUBLIC_PAGES = [
  ['/', 'Have your say'],
  ['/accessibility', 'Accessibility statement'],
  ['/privacy', 'Privacy'],
  ['/cookies', 'Cookies'],
  ['/sign-in', 'Sign in'],
  ['/no-such-page', 'Page not found'],
] as const;

describe('public pages in a browser', () => {
  it('are free of WCAG 2.2 A/AA problems, in English, in Welsh and in easy read', async () => {
    const context = await harness.context();
    const page = await context.newPage();
    const layout = new Layout(page);
    for (const query of ['', '?lang=cy', '?lang=en&display=easy', '?display=standard']) {
      for (const [path, heading] of PUBLIC_PAGES) {
        await layout.open(`${path}${query}`);
        if (!query.includes('cy')) assert.equal(await layout.heading(), heading);
        await assertAccessible(page);
      }
    }
    await context.close();
  });

  it('switches to Welsh with the language links, and remembers it', async () => {
    const context = await harness.context();
    const page = await context.newPage();
    const layout = new Layout(page);
    await layout.open('/');
    assert.equal(await layout.language(), 'en');
    await layout.chooseLanguage('Cymraeg');
    assert.equal(await layout.language(), 'cy');
    assert.equal(await page.locator('.govuk-skip-link').innerText(), "Neidio i'r prif gynnwys");
    // English with no trusted Welsh is marked as English for screen readers.
    assert.equal(await page.locator('h1 span[lang="en"]').innerText(), 'Have your say');
    await layout.open('/privacy');
    assert.equal(await layout.language(), 'cy');
    await layout.chooseLanguage('English');
    assert.equal(await layout.language(), 'en');
    await context.close();
  });

  it('can be walked with JavaScript switched off', async () => {
    const context = await harness.context({ javaScript: false });
    const page = await context.newPage();
    const layout = new Layout(page);
    assert.equal(await layout.open('/'), 200);
    assert.doesNotMatch((await page.locator('body').getAttribute('class')) ?? '', /js-enabled/);
    await layout.followFooterLink(/Accessibility statement/);
    assert.equal(await layout.heading(), 'Accessibility statement');
    await assertAccessible(page);
    await layout.followFooterLink(/Privacy/);
    assert.equal(await layout.heading(), 'Privacy');
    await layout.followFooterLink(/Cookies/);
    assert.equal(await layout.heading(), 'Cookies');
    await layout.toggleEasyRead();
    assert.equal(await layout.isEasyRead(), true);
    await assertAccessible(page);
    await layout.followNavigationLink('Home');
    assert.equal(await layout.heading(), 'Have your say');
    assert.equal(await layout.isEasyRead(), true);
    await layout.toggleEasyRead();
    assert.equal(await layout.isEasyRead(), false);
    await layout.chooseLanguage('Cymraeg');
    assert.equal(await layout.language(), 'cy');
    await assertAccessible(page);
    await context.close();
  });

  it('lets a keyboard user skip to the main content', async () => {
    const context = await harness.context();
    const page = await context.newPage();
    await page.goto('/');
    await page.keyboard.press('Tab');
    const skip = page.locator('.govuk-skip-link');
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true);
    await page.keyboard.press('Enter');
    // The jump is a navigation to the fragment: wait for it, as a busy machine can lag.
    await page.waitForURL(/#main-content$/);
    assert.equal(new URL(page.url()).hash, '#main-content');
    await context.close();
  });
});
