import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, startHarness, type Harness } from './harness.ts';
import { Layout } from './pages.ts';

let harness: Harness;

before(async () => {
  harness = await startHarness();
});
after(() => harness.close());

/** The operations pages and the imports page, as an involvement lead uses them. */
class Operations extends Layout {
  /** Uploads a CSV of one kind and checks it. */
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

  /** Each problem as "line column", in the table's order. */
  async problems(): Promise<string[]> {
    const rows = this.page.locator('table', { hasText: 'What is wrong' }).locator('tbody tr');
    const found: string[] = [];
    for (const row of await rows.all()) {
      const cells = await row.locator('th, td').allInnerTexts();
      found.push(`${cells[0]?.trim()} ${cells[1]?.trim()}`);
    }
    return found;
  }

  async importChecked() {
    await this.page.getByRole('button', { name: /^Import \d+ / }).click();
    assert.equal(await this.heading(), 'Import complete');
  }
}

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'with JavaScript off';
  const p = javaScript ? 'EJ' : 'EN';
  describe(`operations in a browser, ${mode}`, () => {
    it('imports each kind (a file with errors first), shows a record and prints a poster without the rating', async () => {
      const context = await harness.context({ javaScript, as: ['involvement_lead'] });
      const page = await context.newPage();
      const ops = new Operations(page);

      // A recruitment file with mistakes: every one named by line and column, nothing saved.
      await ops.upload(
        'Recruitments',
        'recruitment.csv',
        [
          'reference,title,service_code,opened_on,closed_on,involvement',
          `${p}-REC-1,Support worker,LD-OAK,2026-05-01,2026-06-14,interview_panel`,
          `${p}-REC-2,,NOPE,2026-05-01,2026-04-01,tea_party`,
        ].join('\n'),
      );
      assert.equal(await ops.heading(), 'Check your import');
      assert.deepEqual(await ops.problems(), [
        '3 title',
        '3 service_code',
        '3 involvement',
        '3 closed_on',
      ]);
      await assertAccessible(page);
      await page.getByRole('button', { name: 'Cancel and upload a corrected file' }).click();

      const files: Array<[string, string]> = [
        [
          'Recruitments',
          [
            'reference,title,service_code,opened_on,closed_on,involvement',
            `${p}-REC-1,Support worker,LD-OAK,2026-05-01,2026-06-14,interview_panel`,
            `${p}-REC-2,Cook,LD-OAK,2026-05-01,2026-06-01,`,
          ].join('\n'),
        ],
        [
          'Quality audits',
          [
            'reference,service_code,audit_type,completed_on,rating,customer_quality_checkers,strengths',
            `${p}-QA-1,LD-OAK,standard,2026-06-01,requires_improvement,1,Residents run the garden;Menus chosen together`,
          ].join('\n'),
        ],
        [
          'Complaints',
          [
            'reference,stage,received_on,acknowledged_on,responded_on',
            `${p}-C-1,1,2026-06-01,2026-06-02,2026-06-10`,
            `${p}-C-1,2,2026-06-20,2026-06-22,`,
          ].join('\n'),
        ],
        [
          'Repairs',
          [
            'reference,service_code,priority,reported_on,target_on,completed_on,feedback_requested_on',
            `${p}-R-1,LD-OAK,emergency,2026-06-01,2026-06-02,2026-06-02,2026-06-03`,
          ].join('\n'),
        ],
        [
          'Volunteer obligations',
          [
            'reference,service_code,period_start,period_end,required,delivered',
            `${p}-V-1,LD-OAK,2026-04-01,2026-06-30,10,11`,
          ].join('\n'),
        ],
        [
          'Anti-social behaviour cases',
          ['reference,opened_on,hate_incident', `${p}-ASB-1,2026-05-01,no`].join('\n'),
        ],
        ['Homes by year and tenure', 'year,tenure,homes\n2030,LCRA,1200\n2030,LCHO,80'],
      ];
      for (const [kind, content] of files) {
        await ops.upload(kind, `${kind}.csv`, content);
        assert.equal(await ops.heading(), 'Check your import', kind);
        assert.deepEqual(await ops.problems(), [], kind);
        await ops.importChecked();
      }
      await assertAccessible(page);

      // The list and a record.
      await ops.open('/staff/operations');
      assert.equal(await ops.heading(), 'Operations');
      await assertAccessible(page);
      await page.getByRole('link', { name: 'Quality audits' }).click();
      await assertAccessible(page);
      await page.getByRole('link', { name: `${p}-QA-1` }).click();
      assert.equal(await ops.heading(), `${p}-QA-1`);
      assert.match(await page.getByRole('main').innerText(), /Requires improvement/);
      await assertAccessible(page);

      // The poster: what the service does well, and no rating.
      await page.getByRole('link', { name: 'Print the audit poster' }).click();
      const poster = await page.getByRole('main').innerText();
      assert.match(poster, /Residents run the garden/);
      assert.match(poster, /Menus chosen together/);
      assert.doesNotMatch(poster, /Requires improvement|Rating/i);
      await assertAccessible(page);

      // A complaint stage entered on the form, with a mistake first.
      await ops.open('/staff/operations/complaints/new');
      await page.getByLabel('Reference', { exact: true }).fill(`${p}-C-9`);
      await page.getByRole('button', { name: 'Save record' }).click();
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Select stage/);
      await assertAccessible(page);
      await page.getByLabel('Stage', { exact: true }).selectOption('1');
      const received = page.getByRole('group', { name: 'Date received' });
      await received.getByLabel('Day').fill('2');
      await received.getByLabel('Month').fill('12');
      await received.getByLabel('Year').fill('2019');
      await page.getByRole('button', { name: 'Save record' }).click();
      assert.equal(await ops.heading(), `${p}-C-9`);
      assert.match(await page.getByRole('main').innerText(), /The record was saved/);
      await assertAccessible(page);
      await context.close();
    });
  });
}
