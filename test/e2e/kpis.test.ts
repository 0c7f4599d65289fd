import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout } from './pages.ts';

let harness: Harness;

before(async () => {
  harness = await startHarness();
});
after(() => harness.close());

/** The KPI dashboard, as an involvement lead reads it on the demo's two years of records. */
class Kpis extends Layout {
  tile(name: string) {
    return this.page.locator('section', { has: this.page.getByRole('heading', { name }) });
  }
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'with JavaScript off';
  describe(`the KPI dashboard in a browser, ${mode}`, () => {
    it('opens on the current year, filters by specialism, and drills into a KPI', async () => {
      const context = await harness.context({ javaScript, as: ['involvement_lead'] });
      const page = await context.newPage();
      const kpis = new Kpis(page);

      assert.equal(await kpis.open('/staff/kpis'), 200);
      assert.equal(await kpis.heading(), 'KPIs');
      const tile = kpis.tile('Recruitment with customer involvement');
      assert.match(await tile.innerText(), /Target 80%/);
      assert.match(
        await tile.innerText(),
        /On target|Close to target|Below target|No data/,
        'the status is in words, not colour alone',
      );
      // axe and the 320 px check take seconds a page: each page state is checked once across the two runs.
      if (javaScript) await assertAccessible(page);

      // Narrow to one specialism: the participation measures say they cannot be.
      const specialism = page.getByLabel('Specialism');
      const option = (await specialism.locator('option').allInnerTexts())[1]!;
      await specialism.selectOption({ label: option });
      await page.getByRole('button', { name: 'Show figures' }).click();
      assert.match(page.url(), /specialism=/);
      assert.match(await page.locator('main').innerText(), new RegExp(`Narrowed to: ${option}`));
      assert.match(
        await page.locator('main').innerText(),
        /Not narrowed by specialism: this figure is for the whole organisation/,
      );
      if (!javaScript) await assertAccessible(page);

      await tile.getByRole('link', { name: /See the records behind this figure/ }).click();
      assert.equal(await kpis.heading(), 'Recruitment with customer involvement');
      assert.match(page.url(), /\/staff\/kpis\/recruitment_involvement\?.*specialism=/);
      assert.ok(await page.getByRole('heading', { name: /^Counted: \d+ records?$/ }).isVisible());
      assert.ok(await page.getByRole('heading', { name: /^Out of: \d+ records?$/ }).isVisible());
      if (javaScript) await assertAccessible(page);
      await context.close();
    });
  });
}
