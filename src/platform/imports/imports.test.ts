import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { MODULES } from '../../modules.ts';
import type { Role } from '../auth/index.ts';
import { rowsOf } from '../db/index.ts';
import { defineImportKind, installModules, type ModuleManifest } from '../manifest.ts';
import { Worker } from '../jobs/index.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../testing/app.ts';
import { TestClient } from '../testing/client.ts';
import { createTestDatabase, type TestDatabase } from '../testing/db.ts';
import type { Organisation } from '../tenancy/index.ts';
import {
  IMPORT_LIMITS,
  importHelp,
  importKinds,
  renderImportDocs,
  runImportCommand,
} from './index.ts';

/**
 * The pipeline knows no kind of its own: a test module declares a tiny third
 * kind, "widgets", and a file of them goes in through the web page and the
 * command line, with the same checks, problems and idempotence as people.
 */

/** What the widgets kind has stored, by reference (a test module has no tables of its own). */
const stored = new Map<string, { colour: string; organisationId: string }>();

interface Widget {
  colour: string;
}

const COLOURS = ['red', 'green', 'blue'];

const widgets = defineImportKind<Widget>({
  kind: 'widgets',
  labelKey: 'Widgets',
  // Another action than people:import: staff may import widgets, not people.
  action: 'initiatives:manage',
  applyLabelKey: 'Import the widgets',
  reference: 'ref',
  columns: [
    { name: 'ref', required: true, meaning: 'the source system’s reference', example: 'W-1' },
    { name: 'colour', required: true, meaning: 'red, green or blue', example: 'red' },
  ],
  async prepare() {
    return (values, problems) => {
      const colour = (values.colour ?? '').trim().toLowerCase();
      if (!COLOURS.includes(colour)) problems.push({ column: 'colour', reason: 'unknownCode' });
      return { colour };
    };
  },
  async compare(_tx, records, context) {
    for (const record of records) {
      const current = stored.get(`${context.organisationId} ${record.reference}`);
      record.status = !current
        ? 'created'
        : current.colour === record.row.colour
          ? 'unchanged'
          : 'updated';
    }
  },
  async apply(_tx, records, context) {
    for (const record of records)
      if (record.status === 'created' || record.status === 'updated')
        stored.set(`${context.organisationId} ${record.reference}`, {
          colour: record.row.colour,
          organisationId: context.organisationId,
        });
  },
});

const widgetModule: ModuleManifest = { name: 'widgets', contributes: { imports: [widgets] } };

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
const dirs: string[] = [];

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database, undefined, { modules: [...MODULES, widgetModule] });
});
after(async () => {
  await app.close();
  await testDb.close();
  installModules(MODULES);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function count(table: string, where = sql`true`): Promise<number> {
  return testDb.database.withOrganisation(org.id, async (tx) => {
    const [row] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from ${sql.raw(table)} where ${where}`),
    );
    return row!.n;
  });
}

/** Posts the upload form as multipart, as a browser does, with the page's CSRF token. */
async function upload(roles: Role[], kind: string, name: string, content: string) {
  const client = new TestClient(app, signedInAs(org, roles));
  const page = await client.get('/staff/imports');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const boundary = `----coproduce${randomBytes(8).toString('hex')}`;
  const field = (n: string, v: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
  const payload = Buffer.concat([
    Buffer.from(field('_csrf', token) + field('kind', kind)),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`,
    ),
  ]);
  const res = await app.inject({
    method: 'POST',
    url: '/staff/imports',
    headers: {
      ...signedInAs(org, roles),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    cookies: Object.fromEntries(client.cookies),
    payload,
  });
  return { client, res, page };
}

describe('docs/imports.md', () => {
  it('lists the columns the kinds declare, and the command for each kind', () => {
    installModules(MODULES);
    const file = path.resolve(import.meta.dirname, '../../../docs/imports.md');
    const guide = readFileSync(file, 'utf8');
    assert.equal(
      guide,
      renderImportDocs(guide, importKinds()),
      'docs/imports.md differs from the declared columns: run npm run docs:imports',
    );
    assert.match(guide, /<!-- generated: columns people -->/);
    assert.match(guide, /<!-- generated: columns services -->/);
    installModules([...MODULES, widgetModule]);
  });
});

describe('a third import kind from a test module', () => {
  it('offers staff only the kinds they may import, and its template from its columns', async () => {
    const staff = new TestClient(app, signedInAs(org, ['staff']));
    const page = await staff.get('/staff/imports');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1 class="govuk-heading-l">Import widgets<\/h1>/);
    assert.match(page.body, /value="widgets"/);
    assert.doesNotMatch(page.body, /value="people"/);
    assert.equal((await staff.get('/staff/imports/template/people.csv')).statusCode, 403);
    const template = await staff.get('/staff/imports/template/widgets.csv');
    assert.equal(template.statusCode, 200);
    assert.equal(template.body.replace(/^\uFEFF/, ''), 'ref,colour\r\nW-1,red\r\n');

    const lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
    const all = await lead.get('/staff/imports');
    // Every kind the lead may import, in module order (other modules add theirs between).
    assert.match(
      all.body,
      /<h1 class="govuk-heading-l">Import people, services(, [^<]+)? and widgets<\/h1>/,
    );
  });

  it('checks a file on the web by line, column and reason, then imports the good rows once', async () => {
    const file = [
      'ref,colour,shape',
      'W-1,red,round',
      'W-2,purple,',
      'W-1,blue,',
      ',green,',
      'W-3,Green,',
    ].join('\n');
    const { client, res } = await upload(['staff'], 'widgets', 'widgets.csv', file);
    assert.equal(res.statusCode, 303, res.body);
    const location = String(res.headers.location);
    const check = await client.get(location);
    assert.equal(check.statusCode, 200);
    assert.match(check.body, /Check your import/);
    assert.match(check.body, /<li>shape<\/li>/, 'names the column it ignores');
    const problems = [
      ...check.body.matchAll(
        /<tr class="govuk-table__row">\s*<th[^>]*>\s*(\d+)\s*<\/th>\s*<td[^>]*>\s*(\w+)\s*<\/td>/g,
      ),
    ].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(problems, ['3 colour', '4 ref', '5 ref']);
    assert.match(check.body, /Import only the 2 good rows/);
    assert.doesNotMatch(check.body, /asked to be erased/, 'widgets are never suppressed');

    const id = location.split('/').pop()!;
    const applied = await client.post(
      `/staff/imports/${id}/apply`,
      { skipInvalid: 'yes' },
      { from: location },
    );
    assert.equal(applied.statusCode, 303);
    assert.equal(stored.get(`${org.id} W-1`)?.colour, 'red');
    assert.equal(stored.get(`${org.id} W-3`)?.colour, 'green');
    assert.equal(stored.has(`${org.id} W-2`), false);
    assert.equal(await count('audit_log', sql`action = 'import' and entity = 'widgets'`), 1);
    assert.equal(await count('imports', sql`kind = 'widgets' and status = 'imported'`), 1);

    // Whoever may import no kind at all is refused the page.
    const board = new TestClient(app, signedInAs(org, ['board_member']));
    assert.equal((await board.get(location)).statusCode, 403);
  });

  it('checks and imports a large file of its kind by background jobs', async () => {
    const saved = IMPORT_LIMITS.inlineBytes;
    IMPORT_LIMITS.inlineBytes = 10;
    try {
      const { client, res } = await upload(
        ['staff'],
        'widgets',
        'big.csv',
        'ref,colour\nB-1,red\nB-2,blue\n',
      );
      assert.equal(res.statusCode, 303, res.body);
      const location = String(res.headers.location);
      const id = location.split('/').pop()!;
      assert.match((await client.get(location)).body, /Checked 0 of about 2 rows/);
      const worker = new Worker(testDb.database);
      assert.ok((await worker.runDue()) >= 1);
      assert.match((await client.get(location)).body, /Import the widgets/);
      await client.post(`/staff/imports/${id}/apply`, { skipInvalid: 'no' }, { from: location });
      assert.match((await client.get(location)).body, /Importing your file/);
      await worker.runDue();
      assert.match((await client.get(location)).body, /Import complete/);
      assert.equal(stored.get(`${org.id} B-2`)?.colour, 'blue');
    } finally {
      IMPORT_LIMITS.inlineBytes = saved;
    }
  });

  it('imports a file on the command line, refusing problems and changing nothing the second time', async () => {
    installModules([...MODULES, widgetModule]);
    const dir = mkdtempSync(path.join(tmpdir(), 'coproduce-widgets-'));
    dirs.push(dir);
    const write = (name: string, content: string) => {
      const full = path.join(dir, name);
      writeFileSync(full, content);
      return full;
    };
    const run = async (args: string[]) => {
      const lines: string[] = [];
      const code = await runImportCommand(testDb.database, args, { log: (l) => lines.push(l) });
      return { code, output: lines.join('\n') };
    };
    assert.match(importHelp(), /coproduce import widgets FILE --org SLUG/);

    const bad = await run([
      'widgets',
      write('bad.csv', 'ref,colour\nC-1,red\nC-2,mauve\n'),
      '--org',
      org.slug,
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.output, /line 3, column colour: /);
    assert.equal(stored.has(`${org.id} C-1`), false, 'all or nothing');

    const noRef = await run(['widgets', write('noref.csv', 'colour\nred\n'), '--org', org.slug]);
    assert.equal(noRef.code, 1);
    assert.match(noRef.output, /line 1, column ref/);

    const good = write('good.csv', 'ref,colour\nC-1,red\nC-2,blue\n');
    const first = await run(['widgets', good, '--org', org.slug]);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /To add 2 widgets/);
    assert.doesNotMatch(first.output, /erased/);
    assert.equal(stored.get(`${org.id} C-2`)?.colour, 'blue');
    const again = await run(['widgets', good, '--org', org.slug]);
    assert.equal(again.code, 0);
    assert.match(again.output, /To add 0 widgets, update 0, unchanged 2/);
    assert.equal(await count('imports', sql`kind = 'widgets' and filename = 'good.csv'`), 2);
  });
});
