import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout, SignIn } from './pages.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/imports');

let harness: Harness;

before(async () => {
  harness = await startHarness(undefined, { realSignIn: true });
});
after(() => harness.close());

/** The import pages, as an involvement lead uses them. */
class Imports extends Layout {
  /** Uploads a file, its references made unique to this run. */
  async upload(kind: 'People' | 'Services', fixture: string, prefix: string) {
    await this.open('/staff/imports');
    const content = readFileSync(path.join(FIXTURES, fixture), 'utf8').replaceAll('IMP-', prefix);
    await this.page.getByRole('radio', { name: kind }).check();
    await this.page.getByLabel('Upload a CSV or Excel (.xlsx) file').setInputFiles({
      name: fixture,
      mimeType: 'text/csv',
      buffer: Buffer.from(content),
    });
    await this.page.getByRole('button', { name: 'Check the file' }).click();
  }

  /** Each problem as "line column", in the table's order. */
  async problems(): Promise<string[]> {
    const rows = this.page.locator('table', { hasText: 'What is wrong' }).locator('tbody tr');
    const found: string[] = [];
    for (const row of await rows.all()) {
      const cells = await row.locator('th, td').allInnerTexts();
      found.push(`${cells[0]?.trim()} ${cells[1]?.trim()}`);
    }
    return found;
  }

  summary(key: string) {
    return this.page
      .locator('.govuk-summary-list__row', { has: this.page.getByText(key, { exact: true }) })
      .locator('.govuk-summary-list__value')
      .innerText();
  }
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'with JavaScript off';
  describe(`importing people in a browser, ${mode}`, () => {
    it('shows every problem of a file, cancels it, then imports the corrected file', async () => {
      const prefix = javaScript ? 'IMPJ-' : 'IMPN-';
      const context = await harness.context({ javaScript });
      const page = await context.newPage();
      await new SignIn(page).asStaff('lead@demo.example', DEMO_PASSWORD);
      assert.equal(new URL(page.url()).pathname, '/staff');
      const imports = new Imports(page);

      await imports.followStaffLink('Settings', 'Imports');
      // Other modules' kinds follow people and services in the list.
      assert.match(await imports.heading(), /^Import people(,| and) services/);
      await assertAccessible(page);

      // Nothing chosen: the form comes back with the errors named.
      await page.getByRole('button', { name: 'Check the file' }).click();
      const summary = page.locator('.govuk-error-summary');
      assert.match(
        await summary.innerText(),
        /Select whether the file holds people(,| or) services/,
      );
      assert.match(await summary.innerText(), /Select a CSV or Excel/);
      await assertAccessible(page);

      await imports.upload('People', 'people-with-errors.csv', prefix);
      assert.equal(await imports.heading(), 'Check your import');
      assert.deepEqual(await imports.problems(), [
        '4 email',
        '5 date_of_birth',
        '5 needs',
        '5 service_code',
      ]);
      assert.equal(await imports.summary('To add'), '1');
      assert.equal(await imports.summary('Rows with problems'), '2');
      assert.match(await page.getByRole('main').innerText(), /comments/);
      assert.ok(await page.getByRole('button', { name: 'Import only the 1 good row' }).isVisible());
      await assertAccessible(page);

      await page.getByRole('button', { name: 'Cancel and upload a corrected file' }).click();
      // Other modules' kinds follow people and services in the list.
      assert.match(await imports.heading(), /^Import people(,| and) services/);
      assert.match(
        await page.locator('.govuk-notification-banner').innerText(),
        /Nothing from it was imported/,
      );
      await assertAccessible(page);

      await imports.upload('People', 'people-corrected.csv', prefix);
      assert.equal(await imports.heading(), 'Check your import');
      assert.deepEqual(await imports.problems(), []);
      assert.equal(await imports.summary('To add'), '3');
      await assertAccessible(page);

      await page.getByRole('button', { name: 'Import 3 people' }).click();
      assert.equal(await imports.heading(), 'Import complete');
      assert.equal(await imports.summary('Added'), '3');
      await assertAccessible(page);

      await page.getByRole('link', { name: 'Import another file' }).click();
      const recent = page.locator('table', { hasText: 'people-corrected.csv' });
      assert.match(await recent.innerText(), /Priya Shah/);
      assert.match(await recent.innerText(), /Added: 3/);
      await assertAccessible(page);
      await context.close();
    });
  });
}
