import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout } from './pages.ts';

let harness: Harness;

before(async () => {
  harness = await startHarness((app) => {
    app.get('/staff/broken', async () => {
      throw new Error('a fault for the error page');
    });
  });
});
after(() => harness.close());

describe('staff pages in a browser', () => {
  it('show the staff home and the services, free of WCAG 2.2 A/AA problems, with and without JavaScript', async () => {
    for (const javaScript of [true, false]) {
      const context = await harness.context({ as: ['involvement_lead'], javaScript });
      const page = await context.newPage();
      const layout = new Layout(page);
      assert.equal(await layout.open('/staff'), 200);
      assert.equal(await layout.heading(), 'Staff home');
      await assertAccessible(page);
      // The navigation is one row of areas; the register's page lists its links.
      await layout.followNavigationLink('Register');
      assert.equal(await layout.heading(), 'Register');
      await assertAccessible(page);
      await page.getByRole('main').getByRole('link', { name: 'Services', exact: true }).click();
      assert.equal(await layout.heading(), 'Services');
      assert.equal(await page.locator('tbody tr').count(), 13);
      await assertAccessible(page);
      await layout.open('/staff/services?display=easy');
      await assertAccessible(page);
      await context.close();
    }
  });

  it('show the no-access and error pages plainly and accessibly', async () => {
    const customer = await harness.context({ as: ['customer'] });
    const page = await customer.newPage();
    const layout = new Layout(page);
    assert.equal(await layout.open('/staff/services'), 403);
    assert.equal(await layout.heading(), 'You do not have access to this page');
    await assertAccessible(page);
    await customer.close();

    const staff = await harness.context({ as: ['staff'] });
    const staffPage = await staff.newPage();
    const staffLayout = new Layout(staffPage);
    assert.equal(await staffLayout.open('/staff/broken'), 500);
    assert.equal(await staffLayout.heading(), 'Sorry, there is a problem with the service');
    await assertAccessible(staffPage);
    await staff.close();
  });

  it('send a signed-out visitor to sign in', async () => {
    const context = await harness.context();
    const page = await context.newPage();
    await page.goto('/staff');
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    await assertAccessible(page);
    await context.close();
  });
});
