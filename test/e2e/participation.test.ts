import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout, Outbox, SignIn } from './pages.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { beyondBaseline } from '../../src/platform/testing/welsh.ts';
import { todayInLondon } from '../../src/platform/calendar/index.ts';

let harness: Harness;
let adminSecret = '';

before(async () => {
  harness = await startHarness(undefined, { realSignIn: true });
});
after(() => harness.close());

/**
 * A code the server will take now: each code works once, so the harness first
 * forgets the step of the last one used (see Harness.forgetUsedCode).
 */
async function freshCode(secret: string): Promise<string> {
  await harness.forgetUsedCode('admin@demo.example');
  return generate({ secret });
}

/** Pence from "£1,234.50". */
function pence(text: string): number {
  const match = /(-?)£([\d,]+)\.(\d{2})/.exec(text);
  assert.ok(match, `no amount in "${text}"`);
  const value = Number(match[2]!.replaceAll(',', '')) * 100 + Number(match[3]);
  return match[1] ? -value : value;
}

/** The staff and public pages of the journey, named as people would say them. */
class Journey extends Layout {
  banner() {
    return this.page.locator('.govuk-notification-banner').innerText();
  }

  errors() {
    return this.page.locator('.govuk-error-summary').innerText();
  }

  main() {
    return this.page.getByRole('main').innerText();
  }

  /** The id in the address, after the given path. */
  idAfter(prefix: string): string {
    const match = new RegExp(`${prefix}/([0-9a-f-]{36})`).exec(new URL(this.page.url()).pathname);
    assert.ok(match, `no id after ${prefix} in ${this.page.url()}`);
    return match[1]!;
  }

  /** The Paid and Rewards figures of the budget's total row, in pence. */
  async budgetTotals(): Promise<{ paid: number; rewards: number }> {
    const table = this.page.locator('table', { hasText: 'Rewards by quarter' });
    const row = table
      .locator('tr')
      .filter({ has: this.page.getByRole('rowheader', { name: 'Total', exact: true }) });
    const cells = await row.locator('td').allInnerTexts();
    return { paid: pence(cells[1]!), rewards: pence(cells[3]!) };
  }
}

/** An administrator's browser, signed in with password and authenticator code. */
async function adminBrowser(javaScript: boolean) {
  const context = await harness.context({ javaScript });
  const page = await context.newPage();
  const signIn = new SignIn(page);
  await signIn.asStaff('admin@demo.example', DEMO_PASSWORD);
  if (!adminSecret) {
    assert.equal(new URL(page.url()).pathname, '/sign-in/set-up-code');
    adminSecret = (await page.locator('[data-secret]').innerText()).trim();
    await signIn.enterCode(await freshCode(adminSecret));
    await page.getByRole('link', { name: 'I have saved my codes' }).click();
  } else {
    await signIn.enterCode(await freshCode(adminSecret));
  }
  assert.equal(new URL(page.url()).pathname, '/staff');
  return { context, page };
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'with JavaScript off';
  describe(`involvement from initiative to reward in a browser, ${mode}`, () => {
    it('publishes a co-design initiative and an opportunity, signs a visitor up, invites, records attendance and pays the reward', async () => {
      const run = `${javaScript ? 'on' : 'off'}${Date.now().toString(36)}`;
      const initiativeTitle = `Redesigning the repairs service (${run})`;
      const opportunityTitle = `Help us improve repairs (${run})`;
      const meetingTitle = `First repairs design meeting (${run})`;
      const [first, last] = javaScript ? ['Rowan', 'Thistledown'] : ['Morwenna', 'Bracklesby'];
      // The easy-read sign-up (without JavaScript here) asks the first name alone.
      const name = javaScript ? `${first} ${last}` : first;
      const email = `${first}.${last}.${run}@example.org`.toLowerCase();
      const today = todayInLondon();
      const [year, month, day] = today.split('-').map(Number) as [number, number, number];

      const context = await harness.context({ javaScript });
      const page = await context.newPage();
      await new SignIn(page).asStaff('lead@demo.example', DEMO_PASSWORD);
      const staff = new Journey(page);

      // 1. A rung-5 initiative, saved with one part of its purpose statement missing.
      await staff.open('/staff/initiatives/new');
      assert.equal(await staff.heading(), 'Add an initiative');
      await assertAccessible(page);
      await page.getByRole('radio', { name: 'Co-production project' }).check();
      await page.getByLabel('Title').fill(initiativeTitle);
      await page
        .getByLabel('Summary')
        .fill('Tenants and staff design a better way to report and fix repairs.');
      await page.getByRole('radio', { name: '5 Co-design' }).check();
      await page
        .getByLabel('What shows it is on this rung?')
        .fill('Tenants write the new process with staff; the board signs it off.');
      await page
        .getByLabel('What can people change?')
        .fill('How repairs are reported, and how we keep people told.');
      await page
        .getByLabel('What is fixed, and why?')
        .fill('Gas safety checks stay as they are: the law requires them.');
      await page.getByLabel('Who makes the final decision?').fill('The board, in June.');
      await page.getByRole('button', { name: 'Save as draft' }).click();
      assert.equal(await staff.heading(), initiativeTitle);
      assert.match(await staff.banner(), /Initiative saved as a draft/);
      const initiativeId = staff.idAfter('/staff/initiatives');
      await assertAccessible(page);

      // Publishing is refused, and the message says what is missing.
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      const refusal = await staff.errors();
      assert.match(refusal, /You cannot publish this initiative yet/);
      assert.match(refusal, /How and when people will hear what happened is missing/);
      await assertAccessible(page);

      await page.getByRole('link', { name: `Change the initiative ${initiativeTitle}` }).click();
      assert.equal(await staff.heading(), 'Change an initiative');
      await page
        .getByLabel('How and when will people hear what happened?')
        .fill('We will write to everyone who took part by the end of July.');
      await page.getByRole('button', { name: 'Save changes' }).click();
      assert.match(await staff.banner(), /Changes saved/);
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      assert.match(await staff.banner(), /Initiative published/);
      assert.match(await staff.main(), /5 Co-design/);
      await assertAccessible(page);

      // 2. An opportunity with an unexplained acronym: the check flags it first.
      await page.getByRole('link', { name: 'Add an opportunity' }).click();
      assert.equal(await staff.heading(), 'Add an opportunity');
      assert.equal(await page.getByLabel('Initiative').inputValue(), initiativeId);
      await assertAccessible(page);
      await page.getByLabel('Title').fill(opportunityTitle);
      await page
        .getByLabel('What is involved')
        .fill('Join the TSM group. We look at what tenants tell us about repairs.');
      await page.getByLabel('Time asked for').fill('2 hours a month');
      await page.getByLabel('When and where').fill('At the community centre on High Street.');
      await page.getByRole('radio', { name: 'Online or in person' }).check();
      await page.getByLabel('Reward offered').fill('£10 voucher for each hour.');
      // Written for easy read too (issue 10 §3): a sentence a line, points parted by an empty line.
      await page
        .getByLabel('Easy read version (optional)')
        .fill('You join a group.\nThe group looks at repairs.\n\nWe pay you £10 for each hour.');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      assert.equal(await staff.heading(), opportunityTitle);
      assert.match(await staff.banner(), /added as a draft/);
      const opportunityId = staff.idAfter('/staff/opportunities');
      await assertAccessible(page);

      await page.getByRole('button', { name: 'Check and publish' }).click();
      assert.equal(await staff.heading(), 'Check before you publish');
      const findings = await page.locator('.app-findings').innerText();
      assert.match(findings, /Say what “TSM” stands for the first time you use it/);
      assert.match(findings, /Tenant Satisfaction Measures \(TSM\)/);
      assert.equal(await page.locator('.app-findings mark').first().innerText(), 'TSM');
      await assertAccessible(page);
      // Not without saying so: the box must be ticked.
      await page.getByRole('button', { name: 'Publish anyway' }).click();
      assert.match(await staff.errors(), /There are things to check in the text/);
      await assertAccessible(page);
      await page
        .getByRole('checkbox', { name: 'I have read these and want to publish it as it is' })
        .check();
      await page.getByRole('button', { name: 'Publish anyway' }).click();
      assert.match(await staff.banner(), /The opportunity is published/);
      await assertAccessible(page);

      // 3. A visitor, not signed in, finds it and signs up without an account.
      const visitorContext = await harness.context({ javaScript });
      const visitorPage = await visitorContext.newPage();
      const visitor = new Journey(visitorPage);
      /** With JavaScript the visitor reads in Welsh: each page counted, no English unmarked. */
      const checkVisitor = async () => {
        await assertAccessible(visitorPage);
        if (!javaScript) return;
        assert.equal(await visitor.language(), 'cy');
        const count = await harness.countWelsh(await visitorPage.content());
        assert.deepEqual(
          beyondBaseline(visitorPage.url(), count.unmarked),
          [],
          `English not marked on ${visitorPage.url()}`,
        );
        assert.ok(count.welsh > 0, `no Welsh on ${visitorPage.url()}`);
      };
      await visitor.open('/opportunities');
      if (javaScript) await visitor.chooseLanguage('Cymraeg');
      assert.equal(await visitor.heading(), 'Ways to get involved');
      await checkVisitor();
      await visitorPage.getByRole('link', { name: opportunityTitle }).click();
      assert.equal(await visitor.heading(), opportunityTitle);
      assert.match(await visitor.main(), /We will write to everyone who took part/);
      await checkVisitor();
      // In easy read the page is the easy-read version, a picture beside each point.
      await visitor.open(`/opportunities/${opportunityId}?display=easy`);
      assert.equal(await visitor.heading(), opportunityTitle);
      assert.match(await visitor.main(), /You join a group\.\s+The group looks at repairs\./);
      assert.doesNotMatch(await visitor.main(), /Join the TSM group/);
      assert.equal(
        await visitorPage.getByRole('img', { name: 'A pound coin' }).count(),
        2,
        'the pay point and the money point',
      );
      await checkVisitor();
      await visitor.open(`/opportunities/${opportunityId}?display=standard`);
      assert.match(await visitor.main(), /Join the TSM group/);
      if (javaScript) {
        await visitorPage.getByRole('button', { name: 'Sign up' }).first().click();
        assert.equal(await visitor.heading(), 'Sign up');
        await checkVisitor();
        await visitorPage.getByLabel('First name').fill(first);
        await visitorPage.getByLabel('Last name (optional)').fill(last);
        await visitorPage.getByLabel('Email address').fill(email);
        await visitorPage.getByRole('radio', { name: 'Email', exact: true }).check();
        await visitorPage
          .getByLabel('How would you like to take part? (optional)')
          .fill('In person.');
        await visitorPage
          .getByRole('checkbox', { name: 'Keep my name and details so you can involve me.' })
          .check();
        await visitorPage
          .getByRole('checkbox', { name: 'Contact me about other ways to get involved.' })
          .check();
        await visitorPage.getByRole('button', { name: 'Sign up' }).click();
        assert.equal(await visitor.heading(), 'Thank you for signing up');
        assert.match(await visitor.main(), /We will email you/);
        await checkVisitor();
      } else {
        // Without JavaScript the visitor reads in easy read, where the sign-up
        // asks one question a page (issue 10 §3), and says easy read helps them.
        const continueOn = () => visitorPage.getByRole('button', { name: 'Continue' }).click();
        await visitor.open(`/opportunities/${opportunityId}/sign-up?display=easy`);
        assert.equal(await visitor.heading(), 'What is your name?');
        await assertAccessible(visitorPage);
        await continueOn();
        assert.match(await visitor.main(), /What is your name\? Please write your first name\./);
        await assertAccessible(visitorPage);
        await visitorPage.getByLabel('Your first name').fill(first);
        await continueOn();
        assert.equal(await visitor.heading(), 'How can we contact you?');
        await assertAccessible(visitorPage);
        await visitorPage.getByLabel('Your email address').fill(email);
        await continueOn();
        assert.equal(await visitor.heading(), 'Do you need help to take part?');
        await assertAccessible(visitorPage);
        await visitorPage.getByRole('checkbox', { name: 'Easy read' }).check();
        await continueOn();
        assert.equal(await visitor.heading(), 'Check your answers');
        assert.match(
          await visitor.main(),
          /We will ask you the rest later\. Or someone will phone you\./,
        );
        await assertAccessible(visitorPage);
        // Back keeps the answers.
        await visitorPage.getByRole('button', { name: 'Back' }).click();
        assert.equal(await visitor.heading(), 'Do you need help to take part?');
        assert.equal(
          await visitorPage.getByRole('checkbox', { name: 'Easy read' }).isChecked(),
          true,
        );
        await continueOn();
        await visitorPage.getByRole('checkbox', { name: 'Yes, you can keep my details.' }).check();
        await visitorPage
          .getByRole('checkbox', { name: 'Yes, tell me about other ways to take part.' })
          .check();
        await visitorPage.getByRole('button', { name: 'Send' }).click();
        assert.equal(await visitor.heading(), 'Thank you for signing up');
        assert.match(await visitor.main(), /We have your answers\./);
        await assertAccessible(visitorPage);
      }
      await visitorContext.close();

      // 4. Staff accept the sign-up.
      await staff.open(`/staff/opportunities/${opportunityId}`);
      const card = page.locator('.govuk-summary-card', { hasText: email });
      assert.match(await card.innerText(), /Not yet decided/);
      await assertAccessible(page);
      await card.getByRole('button', { name: `Accept ${name}` }).click();
      assert.match(await staff.banner(), /The sign-up has been accepted\. We have emailed them\./);
      const accepted = page.locator('.govuk-summary-card', { hasText: email });
      assert.match(await accepted.innerText(), /Accepted/);
      const personHref = await accepted
        .getByRole('link', { name, exact: true })
        .getAttribute('href');
      const personId = /\/staff\/people\/([0-9a-f-]{36})$/.exec(personHref ?? '')?.[1];
      assert.ok(personId, 'the sign-up links to the new person');
      await assertAccessible(page);

      // 5. A meeting under the initiative, and the accepted person invited to it.
      await staff.open(`/staff/initiatives/${initiativeId}`);
      await page.getByRole('link', { name: 'Add an activity' }).click();
      assert.equal(await staff.heading(), 'Add an activity');
      assert.equal(await page.getByLabel('Initiative').inputValue(), initiativeId);
      await assertAccessible(page);
      await page.getByLabel('Kind of activity').selectOption({ label: 'Meeting' });
      await page.getByLabel('Title').fill(meetingTitle);
      const date = page.getByRole('group', { name: 'Date' });
      await date.getByLabel('Day').fill(String(day));
      await date.getByLabel('Month').fill(String(month));
      await date.getByLabel('Year').fill(String(year));
      // It began at midnight today, so its register can be kept now (a
      // register is refused before the activity starts, whatever the hour CI runs).
      await page.getByLabel('Start time').fill('00:00');
      await page.getByLabel('End time').fill('02:00');
      await page.getByLabel('Place', { exact: true }).fill('Community centre, High Street');
      await page.getByRole('button', { name: 'Save the activity' }).click();
      assert.equal(await staff.heading(), meetingTitle);
      assert.match(await staff.banner(), /The activity has been added/);
      const activityId = staff.idAfter('/staff/activities');
      await assertAccessible(page);

      assert.match(await staff.main(), /1 person accepted for this initiative's opportunities/);
      await page.getByRole('button', { name: 'Invite them' }).click();
      const invited = await staff.banner();
      assert.match(invited, /1 person invited/);
      assert.match(invited, /1 was sent an email with a calendar file/);
      const invitations = page.locator('table', { hasText: '1 person invited, 0 coming' });
      assert.match(await invitations.innerText(), new RegExp(`${name}[\\s\\S]*No answer yet`));
      await assertAccessible(page);

      // The invitation, with its calendar file, is in the administrator's outbox.
      const admin = await adminBrowser(javaScript);
      const outbox = new Journey(admin.page);
      const invitationSubject = javaScript
        ? `Invitation: ${meetingTitle}`
        : `You are invited: ${meetingTitle}`;
      await outbox.open('/admin/outbox');
      await assertAccessible(admin.page);
      await admin.page
        .locator('tbody tr', { hasText: email })
        .getByRole('link', { name: invitationSubject })
        .click();
      assert.equal(await outbox.heading(), invitationSubject);
      // They said easy read helps them, so their invitation is in easy read.
      assert.match(
        await outbox.main(),
        javaScript
          ? /The file with this email puts the date in your calendar/
          : /There is a file with this email\. It puts the date in your calendar\./,
      );
      const ics = admin.page.getByRole('link', { name: 'invitation.ics' });
      const icsHref = await ics.getAttribute('href');
      assert.ok(icsHref);
      const calendar = await admin.context.request.get(icsHref);
      assert.equal(calendar.status(), 200);
      assert.match(calendar.headers()['content-type'] ?? '', /text\/calendar/);
      const icsText = await calendar.text();
      assert.match(icsText, /BEGIN:VCALENDAR/);
      assert.match(icsText, /BEGIN:VEVENT/);
      await assertAccessible(admin.page);

      // The visitor asked for news of other ways to get involved: that waits
      // for them to confirm their address by the link emailed to them.
      await outbox.open('/admin/outbox');
      await admin.page
        .locator('tbody tr', { hasText: email })
        .getByRole('link', { name: 'Can we email you about other ways to get involved?' })
        .click();
      const confirmHref = await admin.page.locator('[data-message-link]').getAttribute('href');
      assert.match(confirmHref ?? '', /\/sign-up\/confirm\//);
      await admin.context.close();
      const confirmContext = await harness.context({ javaScript });
      const confirmPage = await confirmContext.newPage();
      const confirming = new Journey(confirmPage);
      await confirming.open(new URL(confirmHref!).pathname);
      assert.equal(
        await confirming.heading(),
        'Can we email you about other ways to get involved?',
      );
      await assertAccessible(confirmPage);
      await confirmPage.getByRole('button', { name: 'Yes, email me' }).click();
      assert.equal(await confirming.heading(), 'Thank you');
      assert.match(await confirming.main(), /We will email you about other ways to get involved/);
      await assertAccessible(confirmPage);
      await confirmContext.close();

      // 6. Attendance is recorded; the reward follows from it.
      await staff.open(`/staff/activities/${activityId}`);
      await page
        .getByRole('group', { name: `Attendance of ${name}` })
        .getByRole('radio', { name: 'Attended' })
        .check();
      await page.getByRole('button', { name: 'Save the register' }).click();
      assert.match(await staff.banner(), /The register has been saved: 1 person recorded/);
      await assertAccessible(page);

      await staff.open(`/staff/rewards/people/${personId}`);
      assert.equal(await staff.heading(), `Rewards and expenses: ${name}`);
      const rewardRow = page.locator('#rewards ~ form tbody tr', { hasText: meetingTitle });
      const rewardCells = await rewardRow.locator('td').allInnerTexts();
      assert.equal(rewardCells[2]?.trim(), '£20.00');
      assert.equal(rewardCells[4]?.trim(), 'To pay');
      await assertAccessible(page);

      // Paid from the overview; the budget's paid total goes up by the reward.
      await staff.open('/staff/rewards');
      const beforePaying = await staff.budgetTotals();
      await page.getByRole('checkbox', { name: `Select the reward of £20.00 for ${name}` }).check();
      await page.getByRole('button', { name: 'Mark as paid' }).click();
      assert.match(await staff.banner(), /1 reward marked as paid/);
      const afterPaying = await staff.budgetTotals();
      assert.equal(afterPaying.paid - beforePaying.paid, 2000);
      assert.equal(afterPaying.rewards, beforePaying.rewards);
      assert.ok(afterPaying.rewards >= 2000);
      await assertAccessible(page);

      await staff.open(`/staff/rewards/people/${personId}`);
      const paidCells = await page
        .locator('#rewards ~ form tbody tr', { hasText: meetingTitle })
        .locator('td')
        .allInnerTexts();
      assert.equal(paidCells[4]?.trim(), 'Paid');

      // The person's yearly statement shows the reward, paid.
      await page.getByRole('button', { name: 'Show statement' }).click();
      assert.equal(await staff.heading(), 'Your rewards and expenses');
      const statement = await staff.main();
      assert.match(statement, new RegExp(`Rewards paid to you\\s+£20\\.00`));
      assert.match(statement, new RegExp(`${meetingTitle.replace(/[()]/g, '\\$&')}`));
      await assertAccessible(page);

      // Their page on the register tells the story.
      await staff.open(`/staff/people/${personId}`);
      const timeline = await staff.main();
      assert.match(
        timeline,
        new RegExp(`Signed up for ${opportunityTitle.replace(/[()]/g, '\\$&')}`),
      );
      assert.match(timeline, new RegExp(`Attended ${meetingTitle.replace(/[()]/g, '\\$&')}`));
      await assertAccessible(page);

      // 7. The person's own side (issue 10, acceptance): a next meeting they
      // are invited to, an account to sign in with, and /my — in easy read
      // without JavaScript, in Welsh with it, each Welsh page counted.
      const nextTitle = `Second repairs design meeting (${run})`;
      await staff.open(`/staff/initiatives/${initiativeId}`);
      await page.getByRole('link', { name: 'Add an activity' }).click();
      await page.getByLabel('Kind of activity').selectOption({ label: 'Meeting' });
      await page.getByLabel('Title').fill(nextTitle);
      const next = new Date(Date.UTC(year, month - 1, day + 28));
      const nextDate = page.getByRole('group', { name: 'Date' });
      await nextDate.getByLabel('Day').fill(String(next.getUTCDate()));
      await nextDate.getByLabel('Month').fill(String(next.getUTCMonth() + 1));
      await nextDate.getByLabel('Year').fill(String(next.getUTCFullYear()));
      await page.getByLabel('Start time').fill('18:00');
      await page.getByLabel('End time').fill('20:00');
      await page.getByLabel('Place', { exact: true }).fill('Community centre, High Street');
      await page.getByRole('button', { name: 'Save the activity' }).click();
      assert.equal(await staff.heading(), nextTitle);
      await page.getByRole('button', { name: 'Invite them' }).click();
      assert.match(await staff.banner(), /1 person invited/);
      await context.close();

      const accounts = await adminBrowser(javaScript);
      await accounts.page.goto(`/admin/users/invite?person=${personId}`);
      await assertAccessible(accounts.page);
      await accounts.page.getByLabel('Customer', { exact: true }).check();
      await accounts.page.getByRole('button', { name: 'Send invitation' }).click();
      assert.match(
        await accounts.page.locator('.govuk-notification-banner').innerText(),
        new RegExp(email.replace(/[.]/g, '\\.')),
      );

      // A customer's account has no password: they sign in by an emailed link.
      const own = await harness.context({ javaScript });
      const mine = await own.newPage();
      const customer = new Journey(mine);
      await new SignIn(mine).askForLink(email);
      await assertAccessible(mine);
      const link = await new Outbox(accounts.page).linkSentTo(email);
      await accounts.context.close();
      await customer.open(link);
      await assertAccessible(mine);
      await mine.getByRole('button', { name: 'Sign me in' }).click();
      assert.equal(new URL(mine.url()).pathname, '/my');

      /** Checks a customer's page, and in Welsh counts it: Welsh shown, no English unmarked. */
      const check = async () => {
        await assertAccessible(mine);
        if (javaScript) {
          assert.equal(await customer.language(), 'cy');
          const count = await harness.countWelsh(await mine.content());
          assert.deepEqual(
            beyondBaseline(mine.url(), count.unmarked),
            [],
            `English not marked on ${mine.url()}`,
          );
          assert.ok(count.welsh > 0, `no Welsh on ${mine.url()}`);
        } else {
          assert.ok(await customer.isEasyRead(), `${mine.url()} is not in easy read`);
        }
      };
      if (javaScript) await customer.chooseLanguage('Cymraeg');
      else await customer.toggleEasyRead();
      await check();
      const mainText = await customer.main();
      assert.match(mainText, new RegExp(nextTitle.replace(/[()]/g, '\\$&')));
      assert.match(mainText, new RegExp(meetingTitle.replace(/[()]/g, '\\$&')));

      // Their answer to the next meeting, from their own page.
      await mine.locator(`a[href^="/my/activities/"]`, { hasText: nextTitle }).click();
      await check();
      await mine.locator('input[type="radio"][value="yes"]').check();
      await mine.locator('form button[type="submit"]').last().click();
      await check();
      await customer.open('/my');
      assert.match(await customer.main(), /2 hours|2 awr/);
      await check();

      // The reward paid for the first meeting, on their statement.
      await customer.open('/my/statement');
      assert.match(await customer.main(), /£20\.00/);
      await check();
      await own.close();
    });
  });
}
