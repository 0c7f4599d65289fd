import type { Page } from 'playwright-core';

/** Page objects: what a person sees and does, named as they would say it. */
export class Layout {
  constructor(readonly page: Page) {}

  async open(path: string) {
    const response = await this.page.goto(path);
    return response?.status() ?? 0;
  }

  heading() {
    return this.page.locator('h1').innerText();
  }

  language() {
    return this.page.locator('html').getAttribute('lang');
  }

  async chooseLanguage(name: 'English' | 'Cymraeg') {
    await this.page
      .getByRole('navigation', { name: /Language/ })
      .getByRole('link', { name })
      .click();
  }

  async toggleEasyRead() {
    await this.page
      .locator('footer')
      .getByRole('link', { name: /easy read display|standard display/ })
      .click();
  }

  async isEasyRead() {
    return (
      (await this.page.locator('html').getAttribute('class'))?.includes('app-easy-read') ?? false
    );
  }

  async followFooterLink(name: RegExp) {
    await this.page.locator('footer').getByRole('link', { name }).click();
  }

  async followNavigationLink(name: string) {
    await this.page.locator('.govuk-service-navigation').getByRole('link', { name }).click();
  }

  /** A staff page: its area in the navigation's one row, then the link on the area's page. */
  async followStaffLink(area: string, name: string) {
    await this.followNavigationLink(area);
    await this.page.getByRole('main').getByRole('link', { name, exact: true }).click();
  }
}

/** Signing in and out, as a person does it. */
export class SignIn extends Layout {
  async asStaff(email: string, password: string) {
    await this.open('/sign-in');
    await this.page.getByLabel('Email address').fill(email);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  async enterCode(code: string) {
    await this.page.getByLabel(/code/i).fill(code);
    await this.page.getByRole('button', { name: /Continue|Turn on/ }).click();
  }

  async signOut() {
    await this.page.getByRole('button', { name: 'Sign out', exact: true }).click();
  }

  async askForLink(email: string) {
    await this.open('/sign-in');
    await this.page.getByRole('link', { name: 'Email me a link to sign in' }).click();
    await this.page.getByLabel('Email address').fill(email);
    await this.page.getByRole('button', { name: 'Send me a link' }).click();
  }

  async askForReset(email: string) {
    await this.open('/sign-in');
    await this.page.getByRole('link', { name: 'I have forgotten my password' }).click();
    await this.page.getByLabel('Email address').fill(email);
    await this.page.getByRole('button', { name: 'Send me a link' }).click();
  }
}

/** The administrator's outbox: where messages wait when there is no mail server. */
export class Outbox extends Layout {
  /** Opens the newest message to an address and returns the link in it. */
  async linkSentTo(email: string): Promise<string> {
    await this.open('/admin/outbox');
    const row = this.page.locator('tbody tr', { hasText: email }).first();
    await row.getByRole('link').click();
    const href = await this.page.locator('[data-message-link]').getAttribute('href');
    if (!href) throw new Error(`no link in the message to ${email}`);
    return new URL(href).pathname;
  }
}
