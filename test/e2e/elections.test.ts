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

/** An election's staff pages, named as people would say them. */
class ElectionPages extends Layout {
  banner() {
    return this.page.locator('.govuk-notification-banner').innerText();
  }

  errors() {
    return this.page.locator('.govuk-error-summary').innerText();
  }

  main() {
    return this.page.getByRole('main').innerText();
  }

  async date(legend: string, iso: string) {
    const [y, m, d] = iso.split('-');
    const group = this.page.getByRole('group', { name: legend });
    await group.getByLabel('Day').fill(String(Number(d)));
    await group.getByLabel('Month').fill(String(Number(m)));
    await group.getByLabel('Year').fill(y!);
  }

  /** The roll's rows: name, reference, whether voted. */
  async roll(): Promise<Array<{ name: string; reference: string; voted: string }>> {
    const table = this.page.getByRole('table', { name: /Who can vote, and who has/ });
    const rows = await table.locator('tbody tr').all();
    const out = [];
    for (const row of rows) {
      const cells = await row.locator('td').allInnerTexts();
      out.push({ name: cells[0]!.trim(), reference: cells[1]!.trim(), voted: cells[2]!.trim() });
    }
    return out;
  }
}

const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toLocaleDateString('en-CA', {
    timeZone: 'Europe/London',
  });

describe('an election in a browser', () => {
  it('runs from candidates to a published result, with a vote by the emailed link', async () => {
    const staffContext = await harness.context({ javaScript: false, as: ['involvement_lead'] });
    const page: Page = await staffContext.newPage();
    const staff = new ElectionPages(page);
    const title = `Hostel Residents Panel ${Date.now().toString(36)}`;
    const election = `Hostel seat ${Date.now().toString(36)}`;

    // A panel with a seat filled by election.
    await staff.open('/staff/groups/new');
    await page.getByLabel('Name').fill(title);
    await page
      .getByLabel('What it is for, in a sentence or two')
      .fill('Residents check our hostels.');
    await page.getByRole('radio', { name: 'Panel' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    assert.match(await staff.banner(), /has been set up/);
    await page
      .getByRole('navigation', { name: 'Pages of this panel or forum' })
      .getByRole('link', { name: 'Seats and members', exact: true })
      .click();
    await page.getByRole('button', { name: 'Add a seat' }).click();
    await page.getByLabel('Seat', { exact: true }).fill('Elected resident');
    await page.getByRole('radio', { name: 'A customer' }).check();
    await page.getByLabel('How many places (optional)').fill('1');
    await page.getByRole('radio', { name: 'Elected' }).check();
    await page.getByRole('button', { name: 'Add the seat' }).click();

    // Filling seats: set up the election.
    await page
      .getByRole('navigation', { name: 'Pages of this panel or forum' })
      .getByRole('link', { name: 'Filling seats', exact: true })
      .click();
    assert.match(await staff.main(), /Elected resident/);
    await assertAccessible(page);
    await page.getByRole('button', { name: 'Set up an election' }).click();
    await page.getByRole('button', { name: 'Save the election' }).click();
    assert.match(await staff.errors(), /Enter a name for the election/);
    await assertAccessible(page);
    await page.getByLabel('Name of the election').fill(election);
    await staff.date('Closing date', inDays(14));
    await page.getByRole('checkbox', { name: "St Mark's Hostel" }).check();
    await page.getByRole('button', { name: 'Save the election' }).click();
    assert.match(await staff.banner(), /The election has been set up/);
    await assertAccessible(page);

    // Two candidates from the roll, by reference and by name.
    await page.getByText('See who can vote').click();
    const roll = await staff.roll();
    assert.ok(roll.length >= 4, 'residents of the hostel can vote');
    const [first, second] = roll;
    for (const [who, said] of [
      [first!.reference, 'I will make sure residents are heard about repairs.'],
      [second!.name, 'I want the hostel to feel like home.'],
    ] as const) {
      await page.getByLabel('Reference or full name').fill(who);
      await page.getByLabel('Statement', { exact: true }).fill(said);
      await page.getByLabel('Easy read statement').fill('I will listen to you.');
      await page.getByRole('button', { name: 'Add candidate' }).click();
      if ((await page.locator('.govuk-error-summary').count()) > 0) {
        // Two people share the name: the reference settles it.
        await page.getByLabel('Reference or full name').fill(second!.reference);
        await page.getByRole('button', { name: 'Add candidate' }).click();
      }
      assert.match(await staff.banner(), /The candidate has been added/);
    }
    assert.match(await staff.main(), /residents are heard about repairs/);
    await assertAccessible(page);

    await page.getByRole('button', { name: 'Open the election and send the links' }).click();
    assert.match(await staff.banner(), /The election is open/);
    await assertAccessible(page);

    // An elector's voting link, from the outbox.
    const adminContext = await harness.context({ javaScript: false, as: ['admin'] });
    const admin = new ElectionPages(await adminContext.newPage());
    const subject = `Vote in the ${title} election: ${election}`;
    for (let tries = 0; ; tries++) {
      await admin.open('/admin/outbox');
      if ((await admin.page.getByRole('link', { name: subject }).count()) > 0) break;
      assert.ok(tries < 60, 'the voting links reach the outbox');
      await admin.page.waitForTimeout(250);
    }
    await admin.page.getByRole('link', { name: subject }).first().click();
    assert.match(await admin.main(), /Your vote is secret/);
    await assertAccessible(admin.page);
    const link = await admin.page.locator('[data-message-link]').getAttribute('href');
    assert.match(link ?? '', /\/vote\/[A-Za-z0-9_-]{20,}$/);
    const votePath = new URL(link!).pathname;
    await adminContext.close();

    // The elector votes, signed out, with JavaScript on.
    const voterContext = await harness.context({ javaScript: true });
    const voterPage = await voterContext.newPage();
    const voter = new ElectionPages(voterPage);
    await voter.open(votePath);
    assert.equal(await voter.heading(), `Vote: ${election}`);
    assert.match(await voter.main(), /Your vote is secret/);
    assert.match(await voter.main(), /I want the hostel to feel like home/);
    await assertAccessible(voterPage);
    await voterPage.getByRole('button', { name: 'Send my vote' }).click();
    assert.match(await voter.errors(), /Choose who you want to vote for/);
    await assertAccessible(voterPage);
    await voterPage.getByRole('checkbox', { name: first!.name }).check();
    await voterPage.getByRole('button', { name: 'Send my vote' }).click();
    assert.match(await voter.heading(), /Thank you for voting/);
    await assertAccessible(voterPage);
    // The link works once: a second visit gets a kind page.
    await voter.open(votePath);
    assert.equal(await voter.heading(), 'This voting link does not work');
    await assertAccessible(voterPage);
    await voterContext.close();

    // The same page with JavaScript off, for a link that does not exist.
    const plainContext = await harness.context({ javaScript: false });
    const plain = new ElectionPages(await plainContext.newPage());
    await plain.open('/vote/this-link-was-never-sent-to-anyone');
    assert.equal(await plain.heading(), 'This voting link does not work');
    await assertAccessible(plain.page);
    await plainContext.close();

    // Staff enter paper votes: not for the one who voted online; once for another.
    await page.reload();
    await page.getByText('See who can vote').click();
    const now = await staff.roll();
    const online = now.find((r) => r.voted === 'Voted online');
    assert.ok(online, 'the roll shows who voted online');
    const notYet = now.filter((r) => r.voted.startsWith('Not yet'));
    await page.getByLabel("Voter's reference or full name").fill(online!.reference);
    await page.getByRole('checkbox', { name: second!.name }).check();
    await page.getByRole('button', { name: 'Enter the paper vote' }).click();
    assert.match(await staff.errors(), /has already voted/);
    await assertAccessible(page);
    await page.getByRole('checkbox', { name: second!.name }).uncheck();
    for (const paper of notYet.slice(0, 2)) {
      await page.getByLabel("Voter's reference or full name").fill(paper.reference);
      await page.getByRole('checkbox', { name: first!.name }).check();
      await page.getByRole('button', { name: 'Enter the paper vote' }).click();
      assert.match(await staff.banner(), /The paper vote has been entered/);
    }
    await page.getByLabel("Voter's reference or full name").fill(notYet[0]!.reference);
    await page.getByRole('checkbox', { name: first!.name }).check();
    await page.getByRole('button', { name: 'Enter the paper vote' }).click();
    assert.match(await staff.errors(), /has already voted/);

    // Close, count and publish.
    await page.getByRole('button', { name: 'Close the election and count the votes' }).click();
    assert.match(await staff.banner(), /the votes are counted/);
    assert.match(await staff.main(), /3 ballots were counted/);
    const result = page.getByRole('table', { name: 'Votes by candidate' });
    assert.match(await result.locator('tr', { hasText: first!.name }).innerText(), /3\s+Elected/);
    await assertAccessible(page);
    await page.getByRole('button', { name: 'Publish the result' }).click();
    assert.match(await staff.banner(), /The result has been published/);
    assert.match(await staff.main(), /The elected candidates hold their seats/);
    await assertAccessible(page);

    // The elected candidate holds the seat.
    await page
      .getByRole('navigation', { name: 'Pages of this panel or forum' })
      .getByRole('link', { name: 'Seats and members', exact: true })
      .click();
    const members = page.getByRole('table', { name: /member/ });
    assert.match(await members.innerText(), new RegExp(first!.reference));
    assert.match(await members.innerText(), /Elected/);
    await staffContext.close();
  });
});
