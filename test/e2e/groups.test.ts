import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout } from './pages.ts';

let harness: Harness;

before(async () => {
  harness = await startHarness();
});
after(() => harness.close());

/** The staff pages of a panel or forum, named as people would say them. */
class GroupPages extends Layout {
  banner() {
    return this.page.locator('.govuk-notification-banner').innerText();
  }

  errors() {
    return this.page.locator('.govuk-error-summary').innerText();
  }

  main() {
    return this.page.getByRole('main').innerText();
  }

  /** Opens one of the body's pages from its sub-navigation. */
  async tab(name: string) {
    await this.page
      .getByRole('navigation', { name: 'Pages of this panel or forum' })
      .getByRole('link', { name, exact: true })
      .click();
  }

  async date(legend: string, iso: string) {
    const [y, m, d] = iso.split('-');
    const group = this.page.getByRole('group', { name: legend });
    await group.getByLabel('Day').fill(String(Number(d)));
    await group.getByLabel('Month').fill(String(Number(m)));
    await group.getByLabel('Year').fill(y!);
  }
}

const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });

async function staffPage(javaScript: boolean): Promise<{ page: Page; staff: GroupPages }> {
  const context = await harness.context({ javaScript, as: ['involvement_lead'] });
  const page = await context.newPage();
  return { page, staff: new GroupPages(page) };
}

describe('panels and forums in a browser, with JavaScript off', () => {
  it('sets up a forum with its terms of reference, seats and members, and shows who has no voice', async () => {
    const { page, staff } = await staffPage(false);
    const title = `Young People's Forum ${Date.now().toString(36)}`;
    await staff.open('/staff/groups');
    assert.equal(await staff.heading(), 'Panels and forums');
    await assertAccessible(page);

    await page.getByRole('button', { name: 'Set up a panel or forum' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    assert.match(await staff.errors(), /Enter a name/);
    await assertAccessible(page);
    await page.getByLabel('Name').fill(title);
    await page
      .getByLabel('What it is for, in a sentence or two')
      .fill('Young people check our services.');
    await page.getByRole('radio', { name: 'Forum' }).check();
    await page.getByRole('checkbox', { name: 'Young people' }).check();
    await page.getByRole('checkbox', { name: 'Mental health' }).check();
    await page.getByRole('checkbox', { name: 'Learning disabilities' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    assert.match(await staff.banner(), /has been set up/);
    assert.match(await staff.heading(), new RegExp(title));
    await assertAccessible(page);

    await staff.tab('Terms of reference');
    await page.getByRole('button', { name: 'Write the terms of reference' }).click();
    await page.getByLabel('Objectives').fill('Give young people a say in the services they use.');
    await page.getByLabel('Functions').fill('Meets every three months.');
    await page.getByLabel('Areas it scrutinises').fill('Quality\nSafeguarding');
    await page.getByRole('radio', { name: 'Every three months (quarterly)' }).check();
    await page.getByLabel('Whom it reports to').fill('The senior management team');
    await page.getByLabel('What it decides').fill('What we look at next.');
    await page.getByLabel('How it decides').fill('By agreement.');
    await staff.date('Adopted on', today());
    await page.getByRole('button', { name: 'Adopt this version' }).click();
    assert.match(await staff.main(), /Version 1, adopted/);
    assert.match(await staff.main(), /Safeguarding/);
    await assertAccessible(page);

    await staff.tab('Seats and members');
    await page.getByRole('button', { name: 'Add a seat' }).click();
    await page.getByLabel('Seat', { exact: true }).fill('Customer chair');
    await page.getByRole('radio', { name: 'A customer' }).check();
    await page.getByLabel('How many places (optional)').fill('1');
    await page.getByRole('radio', { name: 'Elected' }).check();
    await page.getByRole('checkbox', { name: 'This is the chair or co-chair' }).check();
    await page.getByRole('button', { name: 'Add the seat' }).click();
    assert.match(await staff.banner(), /The seat has been added/);
    await page.getByRole('button', { name: 'Add a seat' }).click();
    await page.getByLabel('Seat', { exact: true }).fill('Forum member');
    await page.getByRole('radio', { name: 'A customer' }).check();
    await page.getByRole('radio', { name: 'Open to anyone who wants to join' }).check();
    await page.getByRole('button', { name: 'Add the seat' }).click();
    await assertAccessible(page);

    await page.getByRole('button', { name: 'Add a member' }).click();
    await assertAccessible(page);
    await page.getByLabel('Their register reference').fill('NOBODY');
    await page.getByRole('radio', { name: 'Forum member' }).check();
    await page.getByRole('button', { name: 'Add the member' }).click();
    assert.match(await staff.errors(), /nobody on the register with the reference NOBODY/);
    await assertAccessible(page);
    await page.getByLabel('Their register reference').fill('CU00012');
    await page.getByRole('button', { name: 'Add the member' }).click();
    assert.match(await staff.banner(), /The member has been added/);
    assert.match(await staff.main(), /CU00012/);
    await assertAccessible(page);

    await staff.tab('Who has a voice');
    const gaps = await page.locator('#gaps').innerText();
    assert.match(gaps, /Customer chair: 1 empty place/);
    assert.match(gaps, /No member from/);
    await assertAccessible(page);
  });
});
