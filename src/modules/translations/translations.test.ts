import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { forgetAllOverrides, listOverrides } from '../../platform/i18n/overrides.ts';
import { translator } from '../../platform/i18n/index.ts';
import { organisationOverrides } from '../../platform/i18n/overrides.ts';
import { readFileSync } from 'node:fs';
import { interfaceStrings } from './catalogue.ts';
import { exportFile, importFile } from './service.ts';
import { DEMO_OVERRIDES_FILE } from './demo.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let welsh: Organisation;
let other: Organisation;
const actor = { userId: null, label: 'test', ip: null };

before(async () => {
  testDb = await createTestDatabase();
  welsh = await makeOrganisation(testDb.database, {
    slug: 'cymraeg',
    welshEnabled: true,
    hostNames: ['cy.example'],
  });
  other = await makeOrganisation(testDb.database, {
    slug: 'arall',
    welshEnabled: true,
    hostNames: ['other.example'],
  });
  app = await createTestApp(testDb.database);
});
after(async () => {
  await app.close();
  await testDb.close();
});

const load = (org: Organisation, text: string) =>
  testDb.database.withOrganisation(org.id, (tx) =>
    importFile(tx, actor, org.id, 'cy', text, 'test'),
  );
const exported = (org: Organisation, format: 'po' | 'csv') =>
  testDb.database.withOrganisation(org.id, (tx) => exportFile(tx, org, 'cy', format));

describe('export and import', () => {
  it('exports every string with its key, English, component, pages and Welsh', async () => {
    const po = (await exported(welsh, 'po')).toString('utf8');
    const strings = interfaceStrings('cy').list;
    assert.equal((po.match(/^msgctxt /gm) ?? []).length, strings.length);
    assert.match(po, /#\. component: nav\nmsgctxt "nav.home"\nmsgid "Home"\nmsgstr "Hafan"/);
    assert.match(
      po,
      /#: platform\/views\/layout.njk\n(#: .*\n)*#\. component: layout\nmsgctxt "layout.skipLink"/,
    );
    const csv = (await exported(welsh, 'csv')).toString('utf8');
    assert.match(csv, /^\uFEFFkey,english,component,pages,welsh\r?\n/);
    assert.match(csv, /nav\.home,Home,nav,[^,]*,Hafan/);
  });

  it('keeps everything through an export and an import, in PO and in CSV', async () => {
    const first = await load(
      welsh,
      `msgctxt "register.search.button"\nmsgid "Search"\nmsgstr "Chwilio"\n`,
    );
    assert.ok(first.ok);
    for (const format of ['po', 'csv'] as const) {
      const before = await exported(welsh, format);
      const outcome = await load(welsh, before.toString('utf8'));
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.changed.added + outcome.changed.changed + outcome.changed.removed, 0);
      assert.deepEqual(await exported(welsh, format), before, format);
    }
    const rows = await testDb.database.withOrganisation(welsh.id, (tx) => listOverrides(tx, 'cy'));
    assert.equal(rows.get('register.search.button')?.text, 'Chwilio');
    assert.equal(rows.size, 1);
  });

  it('refuses a lost placeholder, a blank string and an unknown key, naming the lines, and keeps nothing', async () => {
    const withName = interfaceStrings('cy').list.find((s) => /\{\{\w+\}\}/.test(s.english))!;
    const po = [
      'msgid ""',
      'msgstr ""',
      '"Language: cy\\n"',
      '',
      'msgctxt "forms.save"',
      'msgid "Save"',
      'msgstr "Cadw"',
      '',
      `msgctxt "${withName.key}"`,
      `msgid ${JSON.stringify(withName.english)}`,
      'msgstr "Dim dalfan"',
      '',
      'msgctxt "register.form.save"',
      'msgid "Save"',
      'msgstr "   "',
      '',
      'msgctxt "no.such.key"',
      'msgid "Nothing"',
      'msgstr "Dim"',
      '',
    ].join('\n');
    const outcome = await load(welsh, po);
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.deepEqual(
      outcome.problems.map((p) => [p.line, p.key, p.problem]),
      [
        [9, withName.key, 'placeholders'],
        [13, 'register.form.save', 'empty'],
        [17, 'no.such.key', 'unknownKey'],
      ],
    );
    const rows = await testDb.database.withOrganisation(welsh.id, (tx) => listOverrides(tx, 'cy'));
    assert.equal(rows.has('forms.save'), false, 'all or nothing');

    const csv = `key,english,component,pages,welsh\nforms.save,Save,forms,,Cadw\n${withName.key},x,x,,Dim\nnope.nope,x,x,,Dim\n`;
    const fromCsv = await load(welsh, csv);
    assert.equal(fromCsv.ok, false);
    if (!fromCsv.ok)
      assert.deepEqual(
        fromCsv.problems.map((p) => [p.line, p.problem]),
        [
          [3, 'placeholders'],
          [4, 'unknownKey'],
        ],
      );
  });

  it('audits every change', async () => {
    await load(welsh, `msgctxt "forms.cancel"\nmsgid "Cancel"\nmsgstr "Canslo"\n`);
    const audits = await testDb.database.withOrganisation(welsh.id, async (tx) => {
      const { auditLog } = await import('../../platform/audit/index.ts');
      return tx.select().from(auditLog);
    });
    assert.ok(
      audits.some((a) => a.action === 'translation.added' && a.entityId === 'cy:forms.cancel'),
    );
  });
});

describe('the request translator', () => {
  it('shows an override on a page in Welsh, and not for another organisation', async () => {
    await load(
      welsh,
      `msgctxt "identity.signIn.title"\nmsgid "Sign in"\nmsgstr "Mewngofnodi yma"\n`,
    );
    const page = (host: string) => app.inject({ url: '/sign-in?lang=cy', headers: { host } });
    const mine = await page('cy.example');
    assert.equal(mine.statusCode, 200);
    assert.match(mine.body, /Mewngofnodi yma/);
    assert.ok(other.welshEnabled, 'the other organisation offers Welsh too');
    const theirs = await page('other.example');
    assert.doesNotMatch(theirs.body, /Mewngofnodi yma/);
  });

  it('holds the overrides in memory and sees a change from elsewhere after its check', async () => {
    await load(welsh, `msgctxt "forms.cancel"\nmsgid "Cancel"\nmsgstr "Canslo"\n`);
    forgetAllOverrides();
    const first = await organisationOverrides(testDb.database, welsh.id, 'cy', 1_000_000);
    const again = await organisationOverrides(testDb.database, welsh.id, 'cy', 1_000_001);
    assert.equal(first, again, 'the same object, so the same translator and memo');
    assert.equal(translator('cy', first), translator('cy', again));
    assert.equal(translator('cy', first).has('forms.cancel'), true);
    assert.equal(translator('cy').has('forms.cancel'), false);
    // Another process changes a string: seen once the check is due.
    await load(welsh, `msgctxt "forms.back"\nmsgid "Back"\nmsgstr "Yn ôl"\n`);
    const stale = await organisationOverrides(testDb.database, welsh.id, 'cy', 1_000_002);
    assert.equal(stale, first);
    const fresh = await organisationOverrides(testDb.database, welsh.id, 'cy', 1_010_000);
    assert.notEqual(fresh, first);
    assert.equal(translator('cy', fresh).text('forms.back'), 'Yn ôl');
    forgetAllOverrides();
  });
});

describe('/admin/translations', () => {
  const admin = () => ({ ...signedInAs(welsh, ['admin']), host: 'cy.example' });

  it('shows coverage by page and finds a string', async () => {
    const res = await app.inject({ url: '/admin/translations?q=forms.cancel', headers: admin() });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /platform\/views\/layout.njk/);
    assert.match(res.body, /role="region"/);
    assert.match(res.body, /<span lang="cy">Canslo<\/span>/);
    const staff = await app.inject({
      url: '/admin/translations',
      headers: { ...signedInAs(welsh, ['staff']), host: 'cy.example' },
    });
    assert.equal(staff.statusCode, 403);
  });

  it('edits one string: refuses a lost placeholder, saves, and an empty value removes it', async () => {
    const withName = interfaceStrings('cy').list.find((s) => /\{\{\w+\}\}/.test(s.english))!;
    const form = await app.inject({
      url: `/admin/translations/edit?key=${encodeURIComponent(withName.key)}`,
      headers: admin(),
    });
    assert.equal(form.statusCode, 200);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const cookie = form.cookies.find((c) => c.name === 'csrf')!.value;
    const post = (welshText: string) =>
      app.inject({
        method: 'POST',
        url: '/admin/translations/edit',
        headers: { ...admin(), 'content-type': 'application/x-www-form-urlencoded' },
        cookies: { csrf: cookie },
        payload: new URLSearchParams({
          _csrf: token,
          key: withName.key,
          welsh: welshText,
        }).toString(),
      });
    const bad = await post('Dim dalfan');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Keep the placeholders exactly/);
    const placeholders = withName.english.match(/\{\{\w+\}\}/g)!.join(' ');
    const good = await post(`Cymraeg ${placeholders}`);
    assert.equal(good.statusCode, 303);
    let rows = await testDb.database.withOrganisation(welsh.id, (tx) => listOverrides(tx, 'cy'));
    assert.equal(rows.get(withName.key)?.text, `Cymraeg ${placeholders}`);
    const removed = await post('');
    assert.equal(removed.statusCode, 303);
    rows = await testDb.database.withOrganisation(welsh.id, (tx) => listOverrides(tx, 'cy'));
    assert.equal(rows.has(withName.key), false);
  });

  it('downloads the PO and CSV files', async () => {
    const po = await app.inject({ url: '/admin/translations/export/po', headers: admin() });
    assert.equal(po.statusCode, 200);
    assert.match(String(po.headers['content-disposition']), /cymraeg-cy\.po/);
    assert.match(po.body, /msgctxt "nav.home"/);
    const csv = await app.inject({ url: '/admin/translations/export/csv', headers: admin() });
    assert.match(String(csv.headers['content-type']), /text\/csv/);
  });

  it('uploads a file and names the line of a problem', async () => {
    const form = await app.inject({ url: '/admin/translations', headers: admin() });
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const cookie = form.cookies.find((c) => c.name === 'csrf')!.value;
    const upload = (content: string) => {
      const boundary = '----t';
      const payload = [
        `--${boundary}`,
        'Content-Disposition: form-data; name="_csrf"',
        '',
        token,
        `--${boundary}`,
        'Content-Disposition: form-data; name="file"; filename="cy.po"',
        'Content-Type: text/x-gettext-translation',
        '',
        content,
        `--${boundary}--`,
        '',
      ].join('\r\n');
      return app.inject({
        method: 'POST',
        url: '/admin/translations/import',
        headers: { ...admin(), 'content-type': `multipart/form-data; boundary=${boundary}` },
        cookies: { csrf: cookie },
        payload,
      });
    };
    const bad = await upload('msgctxt "no.such"\nmsgid "x"\nmsgstr "y"\n');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Line 1: there is no string with the key no.such/);
    const good = await upload('msgctxt "forms.continue"\nmsgid "Continue"\nmsgstr "Parhau"\n');
    assert.equal(good.statusCode, 303);
    assert.equal(good.headers.location, '/admin/translations?imported=1');
  });
});

describe('the demo', () => {
  it('has Welsh overrides that import through the same checks', async () => {
    const org = await makeOrganisation(testDb.database, { welshEnabled: true });
    const outcome = await load(org, readFileSync(DEMO_OVERRIDES_FILE, 'utf8'));
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.ok(outcome.changed.added >= 5);
  });
});
