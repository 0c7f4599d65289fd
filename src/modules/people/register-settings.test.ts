import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import { auditLog } from '../../platform/audit/index.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { readModuleSettings } from '../../platform/tenancy/module-settings.ts';
import { registerSettings } from './settings.ts';
import { loadOptions } from './options.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
});
after(async () => {
  await app.close();
  await testDb.close();
});

const asAdmin = () => new TestClient(app, signedInAs(org, ['admin']));
const inOrg = <T>(work: Parameters<typeof testDb.database.withOrganisation<T>>[1]) =>
  testDb.database.withOrganisation(org.id, work);
const optionsNow = () => inOrg((tx) => loadOptions(tx));

describe('register settings: who may use them', () => {
  it('send a signed-out visitor to sign in', async () => {
    const res = await app.inject({ url: '/admin/register' });
    assert.equal(res.statusCode, 303);
    assert.match(res.headers.location ?? '', /^\/sign-in/);
  });

  it('refuse staff, board members and customers, reading or changing', async () => {
    for (const role of ['staff', 'board_member', 'customer'] as const) {
      const client = new TestClient(app, signedInAs(org, [role]));
      assert.equal((await client.get('/admin/register')).statusCode, 403, role);
      assert.equal((await client.get('/admin/register/options/skill/writing')).statusCode, 403);
      const post = await client.post('/admin/register', { suppressionStaff: '3' }, { csrf: null });
      assert.ok([403, 400].includes(post.statusCode), `${role} posted: ${post.statusCode}`);
    }
    // With a real CSRF token too: the permission, not the token, refuses.
    const staff = new TestClient(app, signedInAs(org, ['staff']));
    const page = await asAdmin().get('/admin/register');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const csrf = page.cookies.find((c) => c.name === 'csrf')!.value;
    staff.cookies.set('csrf', csrf);
    const res = await staff.post(
      '/admin/register/options',
      { list: 'skill', label: 'Sneaky' },
      { csrf: token },
    );
    assert.equal(res.statusCode, 403);
    assert.ok(!(await optionsNow()).skill.some((o) => o.label === 'Sneaky'));
  });

  it('let involvement leads in', async () => {
    const lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
    assert.equal((await lead.get('/admin/register')).statusCode, 200);
  });
});

describe('register settings: thresholds and retention', () => {
  it('show the defaults to begin with', async () => {
    const res = await asAdmin().get('/admin/register');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1[^>]*>Register settings<\/h1>/);
    assert.match(res.body, /id="suppressionStaff"[^>]*value="5"/);
    assert.match(res.body, /id="suppressionPublished"[^>]*value="10"/);
    assert.match(res.body, /id="retentionYears"[^>]*value="3"/);
  });

  it('refuse numbers out of range or not whole, naming each field and keeping what was typed', async () => {
    const client = asAdmin();
    const res = await client.post(
      '/admin/register',
      { suppressionStaff: 'five', suppressionPublished: '51', retentionYears: '0' },
      { from: '/admin/register' },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /There is a problem/);
    assert.match(
      res.body,
      /href="#suppressionStaff">The smallest number shown on staff pages must be a whole number, like 5/,
    );
    assert.match(
      res.body,
      /href="#suppressionPublished">The smallest number shown in published figures must be between 2 and 50/,
    );
    assert.match(
      res.body,
      /href="#retentionYears">The number of years before a record is reviewed must be between 1 and 20/,
    );
    assert.match(res.body, /id="suppressionStaff"[^>]*value="five"/);
    assert.match(res.body, /id="suppressionPublished"[^>]*value="51"/);
    assert.match(res.body, /<title>Error: Register settings/);

    const empty = await client.post('/admin/register', {
      suppressionStaff: '',
      suppressionPublished: '6',
      retentionYears: '3',
    });
    assert.equal(empty.statusCode, 400);
    assert.match(
      empty.body,
      /href="#suppressionStaff">Enter the smallest number shown on staff pages/,
    );
  });

  it('refuse a published threshold lower than the staff one', async () => {
    const res = await asAdmin().post(
      '/admin/register',
      { suppressionStaff: '8', suppressionPublished: '6', retentionYears: '3' },
      { from: '/admin/register' },
    );
    assert.equal(res.statusCode, 400);
    assert.match(
      res.body,
      /href="#suppressionPublished">The smallest number shown in published figures must be the same as or higher than the number for staff pages/,
    );
    const settings = await inOrg((tx) => readModuleSettings(tx, org.id, registerSettings));
    assert.equal(settings.suppressionStaff, 5);
  });

  it('save good numbers, and record the change in the audit trail', async () => {
    const client = asAdmin();
    const res = await client.post(
      '/admin/register',
      { suppressionStaff: ' 7 ', suppressionPublished: '12', retentionYears: '6' },
      { from: '/admin/register' },
    );
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin/register?saved=settings');
    const settings = await inOrg((tx) => readModuleSettings(tx, org.id, registerSettings));
    assert.deepEqual(
      {
        suppressionStaff: settings.suppressionStaff,
        suppressionPublished: settings.suppressionPublished,
        retentionYears: settings.retentionYears,
      },
      { suppressionStaff: 7, suppressionPublished: 12, retentionYears: 6 },
    );
    const page = await client.get('/admin/register?saved=settings');
    assert.match(page.body, /The settings have been saved/);
    assert.match(page.body, /id="suppressionStaff"[^>]*value="7"/);
    const [entry] = await inOrg((tx) =>
      tx.select().from(auditLog).where(eq(auditLog.entity, 'organisation_settings')),
    );
    assert.ok(entry);
    assert.equal((entry.before as Record<string, number>).suppressionStaff, 5);
    assert.equal((entry.after as Record<string, number>).suppressionStaff, 7);
    // The equality figures use the new staff threshold.
    const figures = await app.inject({
      url: '/staff/people/equality',
      headers: signedInAs(org, ['staff']),
    });
    assert.match(figures.body, /Any number under 7 is shown as ‘fewer than 7’/);
  });
});

describe('register settings: the lists', () => {
  it('add an entry, with a code made from its name', async () => {
    const client = asAdmin();
    const res = await client.post(
      '/admin/register/options',
      { list: 'skill', label: '  Peer   mentoring ', labelCy: 'Mentora cymheiriaid' },
      { from: '/admin/register' },
    );
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin/register?saved=added#list-skill');
    const added = (await optionsNow()).skill.find((o) => o.code === 'peer_mentoring');
    assert.deepEqual(added, {
      code: 'peer_mentoring',
      label: 'Peer mentoring',
      labelCy: 'Mentora cymheiriaid',
      retired: false,
      custom: true,
    });
    const page = await client.get('/admin/register?saved=added');
    assert.match(page.body, /The entry has been added/);
    assert.match(page.body, /Peer mentoring<\/th>/);
    assert.match(page.body, /<span lang="cy">Mentora cymheiriaid<\/span>/);
  });

  it('refuse an empty, too long or repeated name, keeping what was typed', async () => {
    const client = asAdmin();
    await client.get('/admin/register');
    const empty = await client.post('/admin/register/options', { list: 'interest', label: ' ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /href="#label-interest">Enter a name for the entry/);

    const long = 'A'.repeat(81);
    const tooLong = await client.post('/admin/register/options', {
      list: 'interest',
      label: long,
    });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, /href="#label-interest">The name must be 80 characters or fewer/);
    assert.match(tooLong.body, new RegExp(`id="label-interest"[^>]*value="${long}"`));

    const repeated = await client.post('/admin/register/options', {
      list: 'interest',
      label: 'repairs AND homes',
      labelCy: 'Atgyweirio',
    });
    assert.equal(repeated.statusCode, 400);
    assert.match(
      repeated.body,
      /href="#label-interest">This list already has an entry with that name/,
    );
    assert.match(repeated.body, /value="repairs AND homes"/);
    assert.match(repeated.body, /value="Atgyweirio"/);

    // The same code from a different spelling is a repeat too.
    const sameCode = await client.post('/admin/register/options', {
      list: 'skill',
      label: 'Public-speaking',
    });
    assert.equal(sameCode.statusCode, 400);

    const noCode = await client.post('/admin/register/options', { list: 'skill', label: '!!!' });
    assert.equal(noCode.statusCode, 400);
    assert.match(noCode.body, /at least one letter or number/);

    const unknownList = await client.post('/admin/register/options', {
      list: 'people',
      label: 'Anything',
    });
    assert.equal(unknownList.statusCode, 400);
  });

  it('rename an entry, a default one included, keeping its code', async () => {
    const client = asAdmin();
    const form = await client.get('/admin/register/options/specialism/mental_health');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<h1[^>]*>Change an entry<\/h1>/);
    assert.match(form.body, /id="label" name="label" type="text" value="Mental health"/);
    const res = await client.post('/admin/register/options/specialism/mental_health', {
      action: 'save',
      label: 'Mental health and wellbeing',
      labelCy: 'Iechyd meddwl',
      status: 'in_use',
    });
    assert.equal(res.statusCode, 303);
    const renamed = (await optionsNow()).specialism.find((o) => o.code === 'mental_health')!;
    assert.equal(renamed.label, 'Mental health and wellbeing');
    assert.equal(renamed.labelCy, 'Iechyd meddwl');
    assert.equal(renamed.retired, false);
  });

  it('refuse a rename to another entry’s name, or to nothing', async () => {
    const client = asAdmin();
    await client.get('/admin/register/options/skill/writing');
    const taken = await client.post('/admin/register/options/skill/writing', {
      action: 'save',
      label: 'interviewing',
      labelCy: '',
      status: 'in_use',
    });
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /href="#label">Another entry in this list already has that name/);
    assert.match(taken.body, /value="interviewing"/);
    const empty = await client.post('/admin/register/options/skill/writing', {
      action: 'save',
      label: '',
      status: 'retired',
    });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /href="#label">Enter a name for the entry/);
    assert.match(empty.body, /value="retired" checked/);
    assert.equal((await optionsNow()).skill.find((o) => o.code === 'writing')!.label, 'Writing');
    // Keeping its own name, in other letters, is fine.
    const same = await client.post('/admin/register/options/skill/writing', {
      action: 'save',
      label: 'WRITING',
      status: 'in_use',
    });
    assert.equal(same.statusCode, 303);
  });

  it('retire an entry and restore it, with each change audited', async () => {
    const client = asAdmin();
    await client.get('/admin/register');
    const retire = await client.post('/admin/register/options/partner_kind/advocacy', {
      action: 'retire',
    });
    assert.equal(retire.statusCode, 303);
    let advocacy = (await optionsNow()).partner_kind.find((o) => o.code === 'advocacy')!;
    assert.equal(advocacy.retired, true);
    assert.equal(advocacy.label, 'Advocacy service');
    const page = await client.get('/admin/register');
    assert.match(
      page.body,
      /Advocacy service<\/th>[\s\S]*?Retired[\s\S]*?<input type="hidden" name="action" value="restore">/,
    );
    const restore = await client.post('/admin/register/options/partner_kind/advocacy', {
      action: 'restore',
    });
    assert.equal(restore.statusCode, 303);
    advocacy = (await optionsNow()).partner_kind.find((o) => o.code === 'advocacy')!;
    assert.equal(advocacy.retired, false);
    const audits = await inOrg((tx) =>
      tx.select().from(auditLog).where(eq(auditLog.entityId, 'partner_kind:advocacy')),
    );
    assert.equal(audits.length, 2);
  });

  it('answer 404 for a list or entry that is not there', async () => {
    const client = asAdmin();
    assert.equal((await client.get('/admin/register/options/skill/nothing')).statusCode, 404);
    assert.equal((await client.get('/admin/register/options/nothing/writing')).statusCode, 404);
    await client.get('/admin/register');
    const res = await client.post('/admin/register/options/skill/nothing', { action: 'retire' });
    assert.equal(res.statusCode, 404);
  });
});
