import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Outbox, SignIn } from './pages.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';

let harness: Harness;
let adminSecret = '';

/**
 * A code the server will take now: each code works once, so the harness first
 * forgets the step of the last one used (see Harness.forgetUsedCode).
 */
async function freshCode(secret: string): Promise<string> {
  await harness.forgetUsedCode('admin@demo.example');
  return generate({ secret });
}

before(async () => {
  harness = await startHarness(undefined, { realSignIn: true });
});
after(async () => {
  for (const reader of readers.values()) await reader.context.close();
  await harness.close();
});

/** One administrator's browser per mode reads the outbox: fewer sign-ins, fewer codes. */
const readers = new Map<boolean, Awaited<ReturnType<typeof adminBrowser>>>();
async function outboxReader(javaScript: boolean) {
  let reader = readers.get(javaScript);
  if (!reader) {
    reader = await adminBrowser(javaScript);
    readers.set(javaScript, reader);
  }
  return new Outbox(reader.page);
}

/** An administrator's browser, signed in with password and authenticator code. */
async function adminBrowser(javaScript: boolean) {
  const context = await harness.context({ javaScript });
  const page = await context.newPage();
  const signIn = new SignIn(page);
  await signIn.asStaff('admin@demo.example', DEMO_PASSWORD);
  if (!adminSecret) {
    assert.equal(new URL(page.url()).pathname, '/sign-in/set-up-code');
    await assertAccessible(page);
    adminSecret = (await page.locator('[data-secret]').innerText()).trim();
    await signIn.enterCode(await freshCode(adminSecret));
    assert.equal(await signIn.heading(), 'Save your recovery codes');
    assert.equal(await page.locator('.app-recovery-codes li').count(), 10);
    await assertAccessible(page);
    await page.getByRole('link', { name: 'I have saved my codes' }).click();
  } else {
    assert.equal(new URL(page.url()).pathname, '/sign-in/code');
    await assertAccessible(page);
    await signIn.enterCode(await freshCode(adminSecret));
  }
  assert.equal(new URL(page.url()).pathname, '/staff');
  return { context, page, signIn };
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'with JavaScript off';
  describe(`sign-in in a browser, ${mode}`, () => {
    it('signs an administrator in with an authenticator app, and out', async () => {
      const { context, page, signIn } = await adminBrowser(javaScript);
      await assertAccessible(page);
      await page.goto('/admin/users');
      assert.equal(await signIn.heading(), 'Users');
      await assertAccessible(page);
      await page.goto('/admin/audit');
      await assertAccessible(page);
      await page.goto('/admin/organisation');
      assert.equal(await signIn.heading(), 'Organisation settings');
      await assertAccessible(page);
      await page.getByLabel('Header colour').fill('#777777');
      await page.getByRole('button', { name: 'Save' }).click();
      assert.match(await page.locator('.govuk-error-summary').innerText(), /contrasts more/);
      await assertAccessible(page);
      await page.goto('/admin/outbox');
      await assertAccessible(page);
      await page.goto('/staff/assist');
      await assertAccessible(page);
      await page.getByRole('button', { name: 'Help this person Ben Jones' }).click();
      assert.match(await page.locator('.app-assisted').innerText(), /You are helping Ben Jones/);
      await assertAccessible(page);
      await page.getByRole('button', { name: 'Stop helping' }).click();
      assert.equal(new URL(page.url()).pathname, '/staff/assist');
      await page.goto('/account');
      await assertAccessible(page);
      await signIn.signOut();
      assert.equal(new URL(page.url()).pathname, '/');
      await page.goto('/staff');
      assert.equal(new URL(page.url()).pathname, '/sign-in');
      await assertAccessible(page);
      await context.close();
    });

    it('resets a forgotten password through the link in the outbox', async () => {
      const visitor = await harness.context({ javaScript });
      const page = await visitor.newPage();
      const signIn = new SignIn(page);
      await signIn.asStaff('staff@demo.example', 'not my password at all');
      assert.match(
        await page.locator('.govuk-error-summary').innerText(),
        /Enter the email address and password/,
      );
      await assertAccessible(page);
      await signIn.askForReset('staff@demo.example');
      assert.equal(await signIn.heading(), 'Check your email');
      await assertAccessible(page);

      const outbox = await outboxReader(javaScript);
      const link = await outbox.linkSentTo('staff@demo.example');
      await assertAccessible(outbox.page);

      await page.goto(link);
      assert.equal(await signIn.heading(), 'Choose a new password');
      await assertAccessible(page);
      await page.getByLabel('New password').fill('password');
      await page.getByRole('button', { name: 'Save password' }).click();
      assert.match(await page.locator('.govuk-error-summary').innerText(), /10 characters or more/);
      await assertAccessible(page);
      const fresh = `a fresh passphrase ${javaScript ? 'on' : 'off'}`;
      await page.getByLabel('New password').fill(fresh);
      await page.getByRole('button', { name: 'Save password' }).click();
      assert.match(await signIn.heading(), /password has been changed/);
      await signIn.asStaff('staff@demo.example', fresh);
      assert.equal(new URL(page.url()).pathname, '/staff');
      await page.goto(link);
      assert.match(await signIn.heading(), /expired or has already been used/);
      await assertAccessible(page);
      await visitor.close();
    });

    it('signs a customer in by an emailed link, with no password', async () => {
      const visitor = await harness.context({ javaScript });
      const page = await visitor.newPage();
      const signIn = new SignIn(page);
      await signIn.askForLink('customer@demo.example');
      assert.equal(await signIn.heading(), 'Check your email');
      await assertAccessible(page);

      const link = await (await outboxReader(javaScript)).linkSentTo('customer@demo.example');

      await page.goto(link);
      assert.equal(await signIn.heading(), 'Sign in');
      await assertAccessible(page);
      await page.getByRole('button', { name: 'Sign me in' }).click();
      assert.equal(new URL(page.url()).pathname, '/my');
      assert.match(await page.locator('main').innerText(), /Ben Jones/);
      await assertAccessible(page);
      await signIn.signOut();
      await page.goto('/my');
      assert.equal(new URL(page.url()).pathname, '/sign-in');
      await visitor.close();
    });
  });
}

describe('invitations in a browser', () => {
  it('lets an administrator invite a member of staff, who sets up their own sign-in', async () => {
    const { page } = await adminBrowser(true);
    await page.goto('/admin/users/invite');
    await assertAccessible(page);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    assert.match(
      await page.locator('.govuk-error-summary').innerText(),
      /Enter a name[\s\S]*Choose at least one role/,
    );
    await assertAccessible(page);
    await page.getByLabel('Name').fill('Nia Newstarter');
    await page.getByLabel('Email').fill('nia@demo.example');
    await page.getByLabel('Staff', { exact: true }).check();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /nia@demo.example/);
    await page.getByRole('link', { name: /Nia Newstarter/ }).click();
    assert.equal(await new SignIn(page).heading(), 'Change Nia Newstarter');
    await assertAccessible(page);
    const link = await new Outbox(page).linkSentTo('nia@demo.example');
    await page.context().close();

    const invited = await harness.context();
    const own = await invited.newPage();
    await own.goto(link);
    assert.equal(await new SignIn(own).heading(), 'Set up your sign-in');
    await assertAccessible(own);
    await own.getByLabel('New password').fill('kettle river orange lamp');
    await own.getByRole('button', { name: 'Save and continue' }).click();
    const signIn = new SignIn(own);
    await signIn.asStaff('nia@demo.example', 'kettle river orange lamp');
    assert.equal(new URL(own.url()).pathname, '/staff');
    await invited.close();
  });
});
