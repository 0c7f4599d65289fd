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

/**
 * The demo's Tenant and Landlord Panel (seed 000): two meetings held, two to
 * come, members from the register. One staff page, one member's page and one
 * visitor's page serve the three journeys, to keep the file short.
 */
describe('the Tenant and Landlord Panel: agenda, meeting records, report and public page', () => {
  let staffCtx: GroupPages;
  let staffPageHandle: Page;
  let panelId = '';

  before(async () => {
    const made = await staffPage(false);
    staffPageHandle = made.page;
    staffCtx = made.staff;
    await staffCtx.open('/staff/groups');
    await staffPageHandle.getByRole('link', { name: 'Tenant and Landlord Panel' }).click();
    panelId = /\/staff\/groups\/([0-9a-f-]{36})/.exec(staffPageHandle.url())![1]!;
  });
  after(() => staffPageHandle.context().close());

  it('takes an agenda item a member proposes on their own page, and shows it accepted once the chair accepts it', async () => {
    const page = staffPageHandle;
    const staff = staffCtx;
    await staff.tab('Seats and members');
    await assertAccessible(page);
    // An elected tenant's register record gives the account its person.
    await page
      .locator('tr', { hasText: 'Elected tenant: hostels', has: page.locator('a') })
      .first()
      .getByRole('link')
      .click();
    await assertAccessible(page);
    const personHref = await page
      .getByRole('main')
      .locator('a[href^="/staff/people/"]')
      .first()
      .getAttribute('href');
    const personId = /\/staff\/people\/([0-9a-f-]{36})/.exec(personHref ?? '')![1]!;

    const memberContext = await harness.context({
      javaScript: false,
      as: ['customer'],
      personId,
    });
    const mine = await memberContext.newPage();
    const member = new GroupPages(mine);
    await member.open('/my');
    await assertAccessible(mine);
    await mine.getByRole('link', { name: 'Tenant and Landlord Panel meeting' }).first().click();
    assert.match(await member.heading(), /^Meeting on /);
    await assertAccessible(mine);
    await mine.getByLabel('What do you want to talk about?').fill('Bins at the hostel');
    await mine.getByLabel('Tell us more (optional)').fill('They are not emptied often enough.');
    await mine.getByRole('button', { name: 'Send my suggestion' }).click();
    assert.match(await member.banner(), /Your item has gone to the chair/);
    assert.match(await mine.locator('#mine + ul').innerText(), /Bins at the hostel/);
    assert.match(await member.main(), /With the chair/);
    const meetingId = /\/my\/groups\/meetings\/([0-9a-f-]{36})/.exec(mine.url())![1]!;

    // The chair's answer, given on the meeting's staff page.
    await staff.open(`/staff/groups/${panelId}/meetings/${meetingId}`);
    const question = page.getByRole('group', {
      name: 'Does the chair accept “Bins at the hostel”?',
    });
    await question.getByLabel('Accept').check();
    await page
      .locator('form', { has: question })
      .getByRole('button', { name: 'Save the chair’s answer' })
      .click();
    assert.match(await staff.banner(), /accepted onto the agenda/);
    assert.match(await page.locator('#agenda-accepted').innerText(), /Bins at the hostel/);
    await assertAccessible(page);

    await mine.reload();
    assert.match(
      await mine.locator('#agenda').locator('xpath=following-sibling::ol[1]').innerText(),
      /Bins at the hostel/,
    );
    assert.match(
      await mine.locator('#mine + ul').innerText(),
      /Bins at the hostel:\s*On the agenda/,
    );
    await assertAccessible(mine);
    await memberContext.close();
  });

  it('records a meeting’s papers, minutes, decisions and actions, and carries the open action to the next meeting', async () => {
    const page = staffPageHandle;
    const staff = staffCtx;
    await staff.open(`/staff/groups/${panelId}`);
    await staff.tab('Meetings');
    await assertAccessible(page);
    // The last meeting held.
    await page.locator('#past a').first().click();
    await assertAccessible(page);

    await page.getByLabel('Title', { exact: true }).fill('Hostel lighting survey');
    await page
      .getByRole('textbox', { name: 'The paper', exact: true })
      .fill('Residents of two hostels reported poor lighting in the car parks.');
    await page
      .getByLabel('Its easy-read version')
      .fill('Some car parks are dark.\nPeople feel unsafe.');
    await page.getByRole('button', { name: 'Add the paper' }).click();
    assert.match(await staff.banner(), /The paper has been added/);
    assert.match(await staff.main(), /Some car parks are dark/);

    await page.getByLabel('Minutes', { exact: true }).fill('The panel discussed lighting.');
    await page.getByLabel('Easy read minutes (optional)').fill('We talked about lights.');
    await page.getByRole('button', { name: 'Save the minutes' }).click();
    assert.match(await staff.banner(), /The minutes have been saved/);

    await page.getByLabel('What was decided').fill('Ask for brighter lights in hostel car parks.');
    await page.getByLabel('Why', { exact: true }).fill('Residents feel unsafe after dark.');
    await page.getByLabel('Easy read version (optional)').fill('We want brighter lights.');
    await page.getByRole('button', { name: 'Record the decision' }).click();
    assert.match(await staff.banner(), /The decision has been recorded/);

    await page.getByLabel('What will be done').fill('Cost new lighting for the hostel car parks');
    await page.getByLabel('Who', { exact: true }).fill('Head of Asset Management');
    await page.getByRole('button', { name: 'Add the action' }).click();
    assert.match(await staff.banner(), /comes back at each meeting until it is done/);
    assert.match(await page.locator('#set-here').innerText(), /Cost new lighting/);
    await assertAccessible(page);

    await page.getByRole('link', { name: /^Next meeting, / }).click();
    const carried = await page.locator('#carried').innerText();
    assert.match(carried, /Cost new lighting for the hostel car parks/);
    // The demo's walk-round of empty homes, in progress since an earlier meeting, comes too.
    assert.match(carried, /empty homes/);
    await assertAccessible(page);
  });

  it('renders the report upwards, to print and as a PDF, and shows the panel on the public side', async () => {
    const page = staffPageHandle;
    const staff = staffCtx;
    await staff.open(`/staff/groups/${panelId}`);
    await staff.tab('Report');
    const report = await staff.main();
    assert.match(report, /Tenant and Landlord Panel: report for Quarter/);
    assert.match(
      report,
      /For SLT and Board, through the Board Chair and the Director of Housing and Support/,
    );
    assert.match(report, /Open actions/);
    await assertAccessible(page);
    await page.getByRole('link', { name: 'Previous quarter' }).click();
    await assertAccessible(page);
    const pdfHref = await page
      .getByRole('link', { name: 'Download as a PDF' })
      .getAttribute('href');
    const pdf = await page.request.get(pdfHref!);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    await page.getByRole('link', { name: 'Easy read version' }).click();
    assert.match(await staff.main(), /What still needs doing/);
    await assertAccessible(page);
    const easyPdf = await page.request.get(
      (await page.getByRole('link', { name: 'Download as a PDF' }).getAttribute('href'))!,
    );
    assert.equal(easyPdf.headers()['content-type'], 'application/pdf');

    // The public side, with JavaScript on: no sign-in.
    const visitorContext = await harness.context({ javaScript: true });
    const visitor = await visitorContext.newPage();
    const pages = new GroupPages(visitor);
    await pages.open('/groups');
    await assertAccessible(visitor);
    await visitor.getByRole('link', { name: 'Tenant and Landlord Panel' }).click();
    assert.equal(await pages.heading(), 'Tenant and Landlord Panel');
    const main = await pages.main();
    assert.match(main, /Provide Tenants with effective and challenging governance arrangements/);
    assert.match(main, /Ask for brighter lights in hostel car parks/);
    assert.match(main, /Next meetings/);
    await assertAccessible(visitor);
    await visitor.getByRole('link', { name: 'Read this page in easy read' }).click();
    assert.match(await pages.main(), /We want brighter lights/);
    await assertAccessible(visitor);
    await visitorContext.close();
  });
});
