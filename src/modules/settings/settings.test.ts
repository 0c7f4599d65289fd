import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/index.ts';
import { readSettings, type Organisation } from '../../platform/tenancy/index.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
});
after(async () => {
  await app.close();
  await testDb.close();
});

/** Posts the settings form as multipart, as a browser does, with its CSRF token. */
async function postSettings(
  fields: Record<string, string>,
  file?: { name: string; type: string; content: Buffer },
) {
  const headers = signedInAs(org, ['admin']);
  const page = await app.inject({ url: '/admin/organisation', headers });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const cookie = page.cookies.find((c) => c.name === 'csrf')!.value;
  const boundary = `----coproduce${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries({ _csrf: token, ...fields })) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="logo"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return app.inject({
    method: 'POST',
    url: '/admin/organisation',
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    cookies: { csrf: cookie },
    payload: Buffer.concat(parts),
  });
}

const good = { name: 'Demo Homes and Care', nameCy: '', brandColour: '#1d5b79', welsh: 'yes' };

describe('organisation settings', () => {
  it('saves the name, colour and language, and audits the change', async () => {
    const res = await postSettings(good);
    assert.equal(res.statusCode, 303);
    const home = await app.inject({ url: '/', headers: { 'cache-control': 'no-cache' } });
    assert.equal(home.statusCode, 200);
    const audit = await app.inject({
      url: '/admin/audit?entity=organisation',
      headers: signedInAs(org, ['admin']),
    });
    assert.match(audit.body, /Demo Homes and Care/);
  });

  it('refuses a colour too hard to read against, naming the field and keeping the answers', async () => {
    const res = await postSettings({ ...good, name: 'Kept Name', brandColour: '#777777' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /href="#brandColour">Choose a colour that contrasts more/);
    assert.match(res.body, /value="Kept Name"/);
  });

  it('refuses an over-size logo and re-shows the form with every other answer kept', async () => {
    const big = Buffer.concat([PNG_SIGNATURE, randomBytes(300 * 1024)]);
    const res = await postSettings(
      { ...good, name: 'Name typed before the upload' },
      { name: 'logo.png', type: 'image/png', content: big },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /href="#logo">The logo must be 200 KB or smaller/);
    assert.match(res.body, /value="Name typed before the upload"/);
    assert.match(res.body, /value="#1d5b79"/);
  });

  it('refuses a file that is not the image it claims to be', async () => {
    const res = await postSettings(good, {
      name: 'logo.png',
      type: 'image/png',
      content: Buffer.from('<script>alert(1)</script>'),
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /href="#logo">The logo must be a PNG, JPEG or WebP image/);
  });

  it('takes a small PNG logo and serves it', async () => {
    const png = Buffer.concat([PNG_SIGNATURE, randomBytes(2048)]);
    const res = await postSettings(good, { name: 'logo.png', type: 'image/png', content: png });
    assert.equal(res.statusCode, 303);
    const logo = await app.inject('/organisation/logo');
    assert.equal(logo.statusCode, 200);
    assert.equal(logo.headers['content-type'], 'image/png');
    assert.ok(logo.rawPayload.equals(png));
  });

  it('saves the nation whose bank holidays count, shows it chosen and audits it', async () => {
    const page = await app.inject({
      url: '/admin/organisation',
      headers: signedInAs(org, ['admin']),
    });
    assert.match(page.body, /Which bank holidays do you follow\?/);
    assert.match(page.body, /value="england-and-wales" checked/, 'England and Wales until chosen');
    const res = await postSettings({ ...good, nation: 'scotland' });
    assert.equal(res.statusCode, 303);
    const after = await app.inject({
      url: '/admin/organisation',
      headers: signedInAs(org, ['admin']),
    });
    assert.match(after.body, /value="scotland" checked/);
    const settings = await testDb.database.withOrganisation(org.id, (tx) =>
      readSettings(tx, org.id),
    );
    assert.equal(settings.nation, 'scotland');
    const [record] = rowsOf<{ before: { nation: string }; after: { nation: string } }>(
      await testDb.database.system.execute(
        sql`select before, after from audit_log where entity = 'organisation' and entity_id = ${org.id}
          order by id desc limit 1`,
      ),
    );
    assert.equal(record!.before.nation, 'england-and-wales');
    assert.equal(record!.after.nation, 'scotland');
  });

  it('refuses a nation that is not one of the three, naming the field', async () => {
    const res = await postSettings({ ...good, nation: 'wales' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /href="#nation">Select which bank holidays you follow/);
  });

  it('keeps the rest of the application at its small body limit', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=${'x'.repeat(100 * 1024)}`,
    });
    assert.equal(res.statusCode, 413);
    assert.match(res.body, /too large/);
  });
});
