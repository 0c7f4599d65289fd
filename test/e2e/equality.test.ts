import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { inArray, sql } from 'drizzle-orm';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout } from './pages.ts';
import { people, personEquality } from '../../src/modules/people/tables.ts';

let harness: Harness;

const SEXES = ['female', 'male', 'male', 'prefer_not_to_say'];
const ETHNICITIES = [
  'white_british',
  'white_british',
  'white_irish',
  'black_african',
  'asian_indian',
];

before(async () => {
  harness = await startHarness((app) => {
    // The test's own answers in place of any the demo holds, so that it knows
    // which counts are small: 80 people, with their consent, through the
    // organisation's own scoped transaction.
    app.get('/test/seed-equality', async (request) => {
      await request.db(async (tx) => {
        const chosen = await tx
          .select({ id: people.id })
          .from(people)
          .orderBy(people.reference)
          .limit(80);
        const ids = chosen.map((row) => row.id);
        await tx.delete(personEquality);
        await tx
          .update(people)
          .set({
            consents: sql`array(select distinct unnest(${people.consents} || array['equality']))`,
            dateOfBirth: sql`coalesce(${people.dateOfBirth}, date '1960-01-01' + (abs(hashtext(${people.reference})) % 20000))`,
          })
          .where(inArray(people.id, ids));
        await tx.insert(personEquality).values(
          ids.map((personId, i) => ({
            organisationId: sql`app_organisation_id()`,
            personId,
            sex: SEXES[i % SEXES.length]!,
            ethnicity: ETHNICITIES[i % ETHNICITIES.length]!,
            disability: i % 3 === 0 ? 'yes' : 'no',
            religion: i === 7 ? 'buddhist' : i % 2 ? 'christian' : 'none',
          })),
        );
      });
      return { ok: true };
    });
  });
  const res = await fetch(`${harness.baseUrl}/test/seed-equality`);
  assert.equal(res.status, 200);
});
after(() => harness.close());

/** The equality figures page, as a member of staff reads it. */
class EqualityFigures extends Layout {
  constructor(page: Page) {
    super(page);
  }

  async countedText() {
    return this.page.locator('#people-counted').innerText();
  }

  async cell(table: string, answer: string) {
    return this.page
      .locator(`table[data-figures="${table}"] tr`, {
        has: this.page.getByRole('rowheader', { name: answer, exact: true }),
      })
      .locator('td')
      .first()
      .innerText();
  }

  async filterBy(specialism: string) {
    await this.page.getByLabel('Specialism of their service').selectOption({ label: specialism });
    await this.page.getByRole('button', { name: 'Show figures' }).click();
  }
}

/** The register settings page and its forms. */
class RegisterSettings extends Layout {
  async addEntry(list: string, label: string) {
    const form = this.page.locator('form', {
      has: this.page.locator(`input[name="list"][value="${list}"]`),
    });
    await form.getByLabel('Name', { exact: true }).fill(label);
    await form.getByRole('button', { name: /^Add/ }).click();
  }

  row(list: string, label: string) {
    return this.page
      .locator(`table[data-list="${list}"] tr`)
      .filter({ has: this.page.getByRole('rowheader', { name: label, exact: true }) });
  }

  async setStaffThreshold(value: string) {
    await this.page.getByLabel('Smallest number shown on staff pages').fill(value);
    await this.page.getByRole('button', { name: 'Save settings' }).click();
  }
}

describe('equality figures and register settings in a browser', () => {
  it('show counts only, with small numbers hidden, with and without JavaScript', async () => {
    for (const javaScript of [true, false]) {
      const context = await harness.context({ as: ['board_member'], javaScript });
      const page = await context.newPage();
      const figures = new EqualityFigures(page);
      assert.equal(await figures.open('/staff/people/equality'), 200);
      assert.equal(await figures.heading(), 'Equality monitoring figures');
      assert.match(await figures.countedText(), /People counted: \d+\./);
      assert.equal(await figures.cell('religion', 'Buddhist'), 'fewer than 5');
      await assertAccessible(page);
      await figures.filterBy('Mental health');
      assert.match(page.url(), /specialism=mental_health/);
      assert.equal(await figures.heading(), 'Equality monitoring figures');
      await assertAccessible(page);
      await context.close();
    }
  });

  it('let an administrator change the thresholds and add, rename and retire list entries', async () => {
    for (const javaScript of [true, false]) {
      const context = await harness.context({ as: ['admin'], javaScript });
      const page = await context.newPage();
      const settings = new RegisterSettings(page);
      assert.equal(await settings.open('/admin/register'), 200);
      assert.equal(await settings.heading(), 'Register settings');
      await assertAccessible(page);

      // A mistake first: the error summary links to the field.
      await settings.addEntry('skill', '');
      assert.equal(
        await page.locator('.govuk-error-summary').getByRole('link').innerText(),
        'Enter a name for the entry',
      );
      await assertAccessible(page);

      const label = javaScript ? 'Peer mentoring' : 'Gardening';
      await settings.addEntry('skill', label);
      assert.match(
        await page.locator('.govuk-notification-banner').innerText(),
        /entry has been added/,
      );
      assert.equal(await settings.row('skill', label).count(), 1);

      await settings
        .row('skill', label)
        .getByRole('link', { name: `Change ${label}` })
        .click();
      assert.equal(await settings.heading(), 'Change an entry');
      await assertAccessible(page);
      await page.getByLabel('Name', { exact: true }).fill(`${label} and more`);
      await page.getByLabel('Welsh name (optional)').fill('Cymraeg');
      await page.getByRole('button', { name: 'Save changes' }).click();
      assert.equal(await settings.row('skill', `${label} and more`).count(), 1);

      await settings
        .row('skill', `${label} and more`)
        .getByRole('button', { name: `Retire ${label} and more` })
        .click();
      assert.match(await settings.row('skill', `${label} and more`).innerText(), /Retired/);

      await settings.setStaffThreshold(javaScript ? '6' : '5');
      assert.match(
        await page.locator('.govuk-notification-banner').innerText(),
        /settings have been saved/,
      );
      await assertAccessible(page);
      await context.close();
    }
  });
});
