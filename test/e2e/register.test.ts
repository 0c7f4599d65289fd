import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout, SignIn } from './pages.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';

let harness: Harness;

before(async () => {
  harness = await startHarness(undefined, { realSignIn: true });
});
after(() => harness.close());

/** The register's pages, as an involvement lead uses them. */
class Register extends Layout {
  /** Adds a person with what a record must have; the page it ends on is their summary. */
  async addPerson(first: string, last: string, email: string) {
    await this.open('/staff/people/new');
    await this.page.getByLabel('First name').fill(first);
    await this.page.getByLabel('Last name').fill(last);
    await this.page.getByLabel('Email address (optional)').fill(email);
    await this.page.getByLabel('Postcode (optional)').fill('ne1 4ab');
    await this.page.getByRole('checkbox', { name: 'Email', exact: true }).check();
    await this.page.getByRole('checkbox', { name: 'Photos' }).check();
    await this.page.getByRole('button', { name: 'Save' }).click();
  }

  /** Opens one section of the person's summary by its "Change" link. */
  async change(section: string) {
    await this.page.getByRole('link', { name: `Change (${section})` }).click();
  }

  /** Records the person's access needs from their summary, and comes back to it. */
  async addNeeds(...needs: string[]) {
    await this.change('Access needs');
    for (const need of needs) await this.page.getByRole('checkbox', { name: need }).check();
    await this.page.getByRole('button', { name: 'Save' }).click();
  }

  reference() {
    return this.page.locator('.govuk-caption-l').innerText();
  }
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'with JavaScript off';
  describe(`the register in a browser, ${mode}`, () => {
    it('adds a person, finds them misspelt, merges a duplicate, exports and erases them', async () => {
      const context = await harness.context({ javaScript });
      const page = await context.newPage();
      await new SignIn(page).asStaff('lead@demo.example', DEMO_PASSWORD);
      const register = new Register(page);
      const surname = javaScript ? 'Thistlewood' : 'Brambleworth';

      await register.followStaffLink('Register', 'People');
      assert.equal(await register.heading(), 'People');
      await assertAccessible(page);

      // A mistake first: the form keeps what was typed and names the field.
      await register.open('/staff/people/new');
      await page.getByLabel('Last name').fill(surname);
      await page.getByRole('button', { name: 'Save' }).click();
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a first name/);
      assert.equal(await page.getByLabel('Last name').inputValue(), surname);
      await assertAccessible(page);

      await register.addPerson(
        'Philippa',
        surname,
        `philippa.${surname}@example.org`.toLowerCase(),
      );
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /has been added/);
      await assertAccessible(page);

      // The rest of the record, one section at a time from the summary (issue 10 §11).
      await register.change('Access needs');
      assert.equal(await register.heading(), 'Access needs');
      await assertAccessible(page);
      await page.getByRole('checkbox', { name: 'Step-free access' }).check();
      await page.getByRole('checkbox', { name: 'BSL interpreter' }).check();
      await page.getByRole('button', { name: 'Save' }).click();
      assert.match(
        await page.locator('.govuk-notification-banner').innerText(),
        /Changes to their access needs have been saved/,
      );
      assert.match(await page.getByRole('main').innerText(), /Step-free access/);

      // A mistake in a section names its field and keeps the answers; nothing else changes.
      await register.change('Contact details');
      await page.getByLabel('Phone number (optional)').fill('call me');
      await page.getByLabel('Best times to contact them (optional)').fill('Mornings');
      await page.getByRole('button', { name: 'Save' }).click();
      assert.match(
        await page.locator('.govuk-error-summary').innerText(),
        /Enter a phone number using digits/,
      );
      assert.equal(
        await page.getByLabel('Best times to contact them (optional)').inputValue(),
        'Mornings',
      );
      await assertAccessible(page);
      await page.getByLabel('Phone number (optional)').fill('07700 900123');
      await page.getByRole('button', { name: 'Save' }).click();
      assert.match(
        await page.locator('.govuk-notification-banner').innerText(),
        /Changes to their contact details have been saved/,
      );
      assert.match(await page.getByRole('main').innerText(), /07700 900123/);
      assert.match(await page.getByRole('main').innerText(), /Step-free access/);

      // Roles: the section lists them and adds one.
      await register.change('Involvement roles');
      await assertAccessible(page);
      await page.getByLabel('Role').selectOption({ label: 'Quality Checker' });
      await page.getByRole('button', { name: 'Add a role' }).click();
      assert.match(
        await page.locator('.govuk-notification-banner').innerText(),
        /Changes to their involvement roles have been saved/,
      );
      assert.match(await page.getByRole('main').innerText(), /Quality Checker/);

      // Every section's own page passes axe and reflows at 320 px.
      const summary = new URL(page.url()).pathname;
      for (const section of [
        'about',
        'contact',
        'needs',
        'consents',
        'brings',
        'support',
        'services',
        'roles',
        'training',
      ]) {
        await register.open(`${summary}/edit/${section}`);
        await assertAccessible(page);
      }
      await register.open(summary);

      // Found by a misspelt name.
      await register.open('/staff/people');
      await page.getByLabel('Search').fill(`Phillipa ${surname.slice(0, 4)}${surname.slice(5)}`);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: `Philippa ${surname}` }).waitFor();
      assert.match(await page.getByRole('main').innerText(), /1 needs a BSL interpreter/);
      await assertAccessible(page);

      // The same person entered again is flagged, compared and merged.
      await register.addPerson(
        'Philippa',
        surname,
        `philippa.${surname}@example.org`.toLowerCase(),
      );
      await register.addNeeds('Step-free access', 'BSL interpreter');
      assert.match(await page.getByRole('main').innerText(), /This may be the same person as/);
      await page.getByRole('link', { name: /Compare and merge/ }).click();
      assert.equal(await register.heading(), 'Merge two records');
      await assertAccessible(page);
      await page.getByRole('button', { name: 'Merge the records' }).click();
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /now one/);

      // Subject access: the readable page, then the file.
      await page.getByRole('link', { name: 'Subject access: see everything we hold' }).click();
      assert.equal(await register.heading(), 'Everything we hold');
      assert.match(await page.getByRole('main').innerText(), new RegExp(surname));
      await assertAccessible(page);

      // Erase: the reference must be typed.
      await page.goBack();
      const reference = (await register.reference()).split(': ')[1]!.trim();
      await page.getByRole('link', { name: 'Erase this person' }).click();
      assert.equal(await register.heading(), 'Erase this person');
      await assertAccessible(page);
      await page.getByLabel(/To confirm, type their reference/).fill(reference);
      await page.getByRole('button', { name: 'Erase this person' }).click();
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /has been erased/);
      await assertAccessible(page);
      await register.open(`/staff/people?q=${surname}`);
      assert.match(await page.getByRole('main').innerText(), /No one matches/);
      await context.close();
    });
  });
}
