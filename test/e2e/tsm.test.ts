import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout } from './pages.ts';

let harness: Harness;

before(async () => {
  harness = await startHarness();
});
after(() => harness.close());

const HEADER =
  'respondent_ref,tenure,collected_on,method,repair_12m,complaint_12m,communal_areas,TP01,TP02,TP03,TP04,TP05,TP06,TP07,TP08,TP09,TP10,TP11,TP12';

/** The imports page and the Tenant Satisfaction Measures pages, as an involvement lead uses them. */
class Tsm extends Layout {
  async upload(kind: string, name: string, content: string) {
    await this.open('/staff/imports');
    await this.page.getByRole('radio', { name: kind, exact: true }).check();
    await this.page.getByLabel('Upload a CSV or Excel (.xlsx) file').setInputFiles({
      name,
      mimeType: 'text/csv',
      buffer: Buffer.from(content),
    });
    await this.page.getByRole('button', { name: 'Check the file' }).click();
  }

  async problems(): Promise<string[]> {
    const rows = this.page.locator('table', { hasText: 'What is wrong' }).locator('tbody tr');
    const found: string[] = [];
    for (const row of await rows.all()) {
      const cells = await row.locator('th, td').allInnerTexts();
      found.push(`${cells[0]?.trim()} ${cells[1]?.trim()}`);
    }
    return found;
  }
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'with JavaScript off';
  const p = javaScript ? 'EJ' : 'EN';
  describe(`Tenant Satisfaction Measures in a browser, ${mode}`, () => {
    it('imports responses (a file with errors first), shows the measures and saves the summary of approach', async () => {
      const context = await harness.context({ javaScript, as: ['involvement_lead'] });
      const page = await context.newPage();
      const tsm = new Tsm(page);
      const kind = 'Tenant satisfaction survey responses (TSM)';

      await tsm.upload(
        kind,
        'tsm.csv',
        [
          HEADER,
          `${p}-1,LCRA,2026-05-01,telephone,yes,no,no,very_satisfied,fairly_satisfied,,,,,,,,,,`,
          `${p}-2,RENT,2026-05-02,telephone,no,no,no,fairly_satisfied,very_satisfied,,,,,,,,,,`,
        ].join('\n'),
      );
      assert.equal(await tsm.heading(), 'Check your import');
      assert.deepEqual(await tsm.problems(), ['3 tenure', '3 tp02']);
      await assertAccessible(page);
      await page.getByRole('button', { name: 'Cancel and upload a corrected file' }).click();

      await tsm.upload(
        kind,
        'tsm.csv',
        [
          HEADER,
          `${p}-1,LCRA,2026-05-01,telephone,yes,no,no,very_satisfied,fairly_satisfied,,,,,,,,,,`,
          `${p}-2,LCHO,2026-05-02,online,,,yes,fairly_dissatisfied,,,,dont_know,,,agree,,very_satisfied,,`,
        ].join('\n'),
      );
      assert.deepEqual(await tsm.problems(), []);
      await page.getByRole('button', { name: /^Import \d+ / }).click();
      assert.equal(await tsm.heading(), 'Import complete');
      await tsm.upload(
        'Homes by year and tenure',
        'homes.csv',
        'year,tenure,homes\n2026,LCRA,1200\n2026,LCHO,80',
      );
      await page.getByRole('button', { name: /^Import \d+ / }).click();

      await tsm.open('/staff/tsm');
      await page.getByLabel('Financial year').selectOption('2026');
      await page.getByRole('button', { name: 'Show' }).click();
      assert.equal(await tsm.heading(), 'Tenant Satisfaction Measures');
      const main = await page.getByRole('main').innerText();
      assert.match(main, /TP01 Satisfied with the overall service/);
      assert.match(main, /Not reported for shared ownership/);
      assert.match(main, /Summary of approach/);
      await assertAccessible(page);

      await page.getByRole('link', { name: 'Edit the summary of approach' }).click();
      await page
        .getByLabel('External contractor and their role (optional)')
        .fill(`${p} Research collected the answers.`);
      await page.getByRole('button', { name: 'Draft the text again from these answers' }).click();
      assert.match(
        await page.getByLabel('Summary of approach', { exact: true }).inputValue(),
        new RegExp(`External contractor: ${p} Research collected the answers\\.`),
      );
      await assertAccessible(page);
      await page.getByRole('button', { name: 'Save the summary' }).click();
      assert.equal(await tsm.heading(), 'Tenant Satisfaction Measures');
      assert.match(await page.getByRole('main').innerText(), /The summary of approach is saved/);
      await assertAccessible(page);
      await context.close();
    });
  });
}
