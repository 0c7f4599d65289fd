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
}
