import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import { rowsOf } from '../../platform/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import { TestClient } from '../../platform/testing/client.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import { addServices } from '../people/index.ts';
import type { InitiativeSection } from '../../platform/manifest.ts';
import { MODULES } from '../../modules.ts';
import { createInitiative, listInitiatives, loadLadder, publishInitiative } from './index.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let lead: TestClient;
let staff: TestClient;
let board: TestClient;
let serviceId: string;

const q = <T = Record<string, unknown>>(text: ReturnType<typeof sql>) =>
  testDb.database.withOrganisation(org.id, async (tx) => rowsOf<T>(await tx.execute(text)));

const PURPOSE = {
  canChange: 'How you report a repair and how we keep you updated.',
  fixed: 'Gas safety checks: the law requires them.',
  decider: 'The Director of Property signs the new process off.',
  feedback: 'We will write to everyone who took part in March.',
};

const testSection: InitiativeSection = async (tx, initiativeId, text, may) => {
  const [row] = rowsOf<{ title: string }>(
    await tx.execute(sql`select title from initiatives where id = ${initiativeId}`),
  );
  return {
    title: 'Opportunities',
    rows: [{ text: `Help with ${row?.title ?? '?'}`, href: '/staff/opportunities/x' }],
    actions: may('initiatives:manage')
      ? [
          {
            text: 'Add an opportunity',
            href: `/staff/opportunities/new?initiative=${initiativeId}`,
          },
        ]
      : [],
    empty: text('initiatives.show.none'),
  };
};

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database, undefined, {
    modules: [
      ...MODULES,
      {
        name: 'test-sections',
        contributes: { initiativeSections: { 'test-section': testSection } },
      },
    ],
  });
  lead = new TestClient(app, signedInAs(org, ['involvement_lead']));
  staff = new TestClient(app, signedInAs(org, ['staff']));
  board = new TestClient(app, signedInAs(org, ['board_member']));
  const [service] = await testDb.database.withOrganisation(org.id, (tx) =>
    addServices(tx, [
      {
        organisationId: org.id,
        code: 'MH-BRI',
        name: 'Bridge House',
        type: 'supported_housing',
        specialism: 'mental_health',
        area: 'Central',
      },
    ]),
  );
  serviceId = service!.id;
});
after(async () => {
  await app.close();
  await testDb.close();
});

/** Adds an initiative through the form, as staff do, and returns its id. */
async function addInitiative(
  client: TestClient,
  fields: Record<string, string | string[]>,
): Promise<string> {
  const res = await client.post(
    '/staff/initiatives',
    { kind: 'co_production', rung: '5', ownerName: 'Sam Taylor', ...fields },
    { from: '/staff/initiatives/new' },
  );
  assert.equal(res.statusCode, 303, res.body.slice(0, 3000));
  return /\/staff\/initiatives\/([0-9a-f-]{36})/.exec(res.headers.location as string)![1]!;
}

const statusOf = async (id: string) =>
  (
    await q<{ status: string; published_at: string | null }>(
      sql`select status, published_at from initiatives where id = ${id}`,
    )
  )[0]!;

describe('initiatives: who may do what', () => {
  it('lets staff create an initiative, and board members view but not create', async () => {
    const id = await addInitiative(staff, {
      title: 'Redesigning the repairs service',
      summary: 'Tenants and staff design a better way to report repairs.',
      audienceServices: serviceId,
      audienceSpecialisms: 'mental_health',
      audienceRoles: 'panel_member',
      audienceAreas: 'North, Central',
      'startsOn-day': '1',
      'startsOn-month': '4',
      'startsOn-year': '2026',
      'endsOn-day': '31',
      'endsOn-month': '3',
      'endsOn-year': '2027',
      ...PURPOSE,
    });
    const [row] = await q<Record<string, unknown>>(sql`select * from initiatives where id = ${id}`);
    assert.equal(row!.status, 'draft', 'a new initiative is a draft');
    assert.deepEqual(row!.audience_areas, ['North', 'Central']);
    assert.deepEqual(row!.audience_services, [serviceId]);
    assert.equal(row!.starts_on, '2026-04-01');
    assert.equal(row!.ends_on, '2027-03-31');
    const [logged] = await q(
      sql`select 1 from audit_log where entity = 'initiative' and entity_id = ${id} and action = 'create'`,
    );
    assert.ok(logged, 'the creation is audited');

    const page = await board.get(`/staff/initiatives/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Redesigning the repairs service/);
    assert.match(page.body, /Bridge House/);
    assert.match(page.body, /Mental health/);
    assert.match(page.body, /Tenant and Landlord Panel member/);
    assert.match(page.body, /5 Co-design/);
    assert.doesNotMatch(page.body, /\/publish"/, 'no publish button for a board member');
    assert.equal((await board.get('/staff/initiatives')).statusCode, 200);
    assert.equal((await board.get('/staff/initiatives/new')).statusCode, 403);
    const refused = await board.post(
      '/staff/initiatives',
      { kind: 'event', rung: '2', title: 'Nope', ownerName: 'Board' },
      { from: '/staff/initiatives' },
    );
    assert.equal(refused.statusCode, 403);
    assert.equal((await board.get(`/staff/initiatives/${id}/edit`)).statusCode, 403);
  });

  it('defaults the owner to the signed-in user, with their user id', async () => {
    const form = await staff.get('/staff/initiatives/new');
    assert.match(form.body, /name="ownerName"[^>]*value="Test User"/);
    const id = await addInitiative(staff, { title: 'Owned by me', ownerName: 'Test User' });
    const [row] = await q<{ owner_user_id: string | null }>(
      sql`select owner_user_id from initiatives where id = ${id}`,
    );
    assert.ok(row!.owner_user_id, 'the owner is linked to the user');
  });

  it('answers bad input with messages that name the field, keeping what was typed', async () => {
    const res = await lead.post(
      '/staff/initiatives',
      {
        kind: 'co_production',
        title: '',
        summary: 'Keep this summary',
        canChange: 'Keep this answer',
        ownerName: 'Sam Taylor',
        audienceAreas: 'North, South',
        audienceServices: serviceId,
        'startsOn-day': '10',
        'startsOn-month': '6',
        'startsOn-year': '2026',
        'endsOn-day': '1',
        'endsOn-month': '6',
        'endsOn-year': '2026',
      },
      { from: '/staff/initiatives/new' },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /There is a problem/);
    assert.match(res.body, /Enter a title/);
    assert.match(res.body, /href="#title"/);
    assert.match(res.body, /Select the rung of the ladder the initiative is on/);
    assert.match(res.body, /href="#rung"/);
    assert.match(res.body, /End date must be the same as or after the start date/);
    assert.match(res.body, /href="#endsOn-day"/);
    assert.match(res.body, /Keep this summary/);
    assert.match(res.body, /Keep this answer/);
    assert.match(res.body, /value="North, South"/);
    assert.match(res.body, /value="10"/);
    assert.match(res.body, /value="co_production" checked/);
    assert.match(res.body, new RegExp(`value="${serviceId}" checked`));
    assert.match(res.body, /<title>Error: /);
  });

  it('shows the form with its messages, never a bare 400, when fields come in an odd shape', async () => {
    const res = await lead.post(
      '/staff/initiatives',
      {
        // A field sent twice, a single-choice field sent twice, half a date.
        title: ['Tenant panel', 'Second copy'],
        kind: ['co_production', 'consultation'],
        rung: ['9'],
        'startsOn-month': '6',
      },
      { from: '/staff/initiatives/new' },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /There is a problem/);
    assert.match(res.body, /<form method="post" action="\/staff\/initiatives"/);
    assert.match(res.body, /value="Tenant panel"/);
    assert.match(res.body, /href="#rung"/);
    assert.match(res.body, /href="#startsOn-day"/);
    assert.match(res.body, /href="#ownerName"/);
  });
});

describe('initiatives: publishing needs a purpose statement', () => {
  it('refuses to publish without one, naming each missing part, and stays a draft', async () => {
    const id = await addInitiative(lead, { title: 'Half-written', canChange: PURPOSE.canChange });
    const res = await lead.post(
      `/staff/initiatives/${id}/publish`,
      {},
      {
        from: `/staff/initiatives/${id}`,
      },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /You cannot publish this initiative yet/);
    assert.match(res.body, /What is fixed, and why, is missing/);
    assert.match(res.body, /Who makes the final decision is missing/);
    assert.match(res.body, /How and when people will hear what happened is missing/);
    assert.doesNotMatch(res.body, /What people can change is missing/);
    assert.match(res.body, new RegExp(`href="/staff/initiatives/${id}/edit#fixed"`));
    assert.equal((await statusOf(id)).status, 'draft');
    assert.equal((await statusOf(id)).published_at, null);

    const service = await testDb.database.withOrganisation(org.id, (tx) =>
      publishInitiative(tx, SYSTEM_ACTOR, id),
    );
    assert.deepEqual(service, { status: 'incomplete', missing: ['fixed', 'decider', 'feedback'] });
  });

  it('publishes with all four parts, and closes', async () => {
    const id = await addInitiative(lead, { title: 'Fully written', ...PURPOSE });
    const page = await lead.get(`/staff/initiatives/${id}`);
    for (const heading of [
      'What you can change',
      'What is fixed, and why',
      'Who decides',
      'How you will hear what happened',
    ])
      assert.match(page.body, new RegExp(heading));
    assert.match(page.body, /Gas safety checks: the law requires them\./);
    const res = await lead.post(
      `/staff/initiatives/${id}/publish`,
      {},
      {
        from: `/staff/initiatives/${id}`,
      },
    );
    assert.equal(res.statusCode, 303);
    const published = await statusOf(id);
    assert.equal(published.status, 'active');
    assert.ok(published.published_at);
    assert.match(
      (await lead.get(`/staff/initiatives/${id}?published=1`)).body,
      /Initiative published/,
    );
    const emptied = await lead.post(
      `/staff/initiatives/${id}`,
      {
        kind: 'co_production',
        rung: '5',
        title: 'Fully written',
        ownerName: 'Sam',
        ...PURPOSE,
        decider: '',
      },
      { from: `/staff/initiatives/${id}/edit` },
    );
    assert.equal(emptied.statusCode, 400, 'a published initiative keeps its purpose statement');
    assert.match(emptied.body, /Enter who makes the final decision/);
    assert.match(emptied.body, /href="#decider"/);
    const closed = await lead.post(
      `/staff/initiatives/${id}/close`,
      {},
      {
        from: `/staff/initiatives/${id}`,
      },
    );
    assert.equal(closed.statusCode, 303);
    assert.equal((await statusOf(id)).status, 'closed');
  });

  it('publishes a rung-0 initiative but says it is not counted as involvement', async () => {
    const id = await addInitiative(lead, {
      title: 'Annual information evening',
      kind: 'event',
      rung: '0',
      ...PURPOSE,
    });
    const res = await lead.post(
      `/staff/initiatives/${id}/publish`,
      {},
      {
        from: `/staff/initiatives/${id}`,
      },
    );
    assert.equal(res.statusCode, 303);
    const page = await lead.get(`/staff/initiatives/${id}`);
    assert.match(page.body, /rung 0, Coercion/);
    assert.match(page.body, /never counted as involvement/);
    const list = await lead.get('/staff/initiatives?rung=0');
    assert.match(list.body, /Annual information evening/);
    assert.match(list.body, /Not counted as involvement/);
    assert.doesNotMatch(list.body, /Fully written/, 'the rung filter applies');
  });

  it('filters the list by status and kind, each row with its rung and status', async () => {
    const drafts = await lead.get('/staff/initiatives?status=draft');
    assert.match(drafts.body, /Half-written/);
    assert.doesNotMatch(drafts.body, /Annual information evening/);
    assert.match(drafts.body, /govuk-tag--grey/);
    const events = await lead.get('/staff/initiatives?kind=event');
    assert.match(events.body, /Annual information evening/);
    assert.doesNotMatch(events.body, /Half-written/);
    assert.match(events.body, /0 Coercion/);
    assert.match(events.body, /Published/);
  });

  it('shows sections other modules register, with their actions', async () => {
    const id = await addInitiative(lead, { title: 'With sections' });
    const page = await lead.get(`/staff/initiatives/${id}`);
    assert.match(page.body, /<h2[^>]*>Opportunities<\/h2>/);
    assert.match(page.body, /Help with With sections/);
    assert.match(page.body, /Add an opportunity/);
    assert.doesNotMatch((await board.get(`/staff/initiatives/${id}`)).body, /Add an opportunity/);
  });

  it('changes an initiative through the edit form', async () => {
    const id = await addInitiative(lead, { title: 'Before the change' });
    const form = await lead.get(`/staff/initiatives/${id}/edit`);
    assert.match(form.body, /value="Before the change"/);
    const res = await lead.post(
      `/staff/initiatives/${id}`,
      { kind: 'consultation', rung: '3', title: 'After the change', ownerName: 'Jo Evans' },
      { from: `/staff/initiatives/${id}/edit` },
    );
    assert.equal(res.statusCode, 303);
    const page = await lead.get(`/staff/initiatives/${id}`);
    assert.match(page.body, /After the change/);
    assert.match(page.body, /3 Consultation/);
    const bad = await lead.post(
      `/staff/initiatives/${id}`,
      { kind: 'consultation', rung: '3', title: '', ownerName: 'Jo Evans' },
      { from: `/staff/initiatives/${id}/edit` },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter a title/);
  });
});

describe('the ladder', () => {
  it('is for administrators and leads only', async () => {
    assert.equal((await staff.get('/admin/ladder')).statusCode, 403);
    assert.equal((await board.get('/admin/ladder')).statusCode, 403);
    const page = await lead.get('/admin/ladder');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Rung 0 is for events where people are passive recipients/);
    assert.match(page.body, /value="Co-design"/);
  });

  it('names the field in errors and keeps what was typed', async () => {
    const ladder = await testDb.database.withOrganisation(org.id, (tx) => loadLadder(tx));
    const fields: Record<string, string> = {};
    for (const r of ladder) {
      fields[`name-${r.rung}`] = r.name;
      fields[`description-${r.rung}`] = r.description;
    }
    const res = await lead.post(
      '/admin/ladder',
      {
        ...fields,
        'name-5': '',
        'name-6': 'x'.repeat(61),
        'description-3': 'A description I typed',
        'description-4': 'y'.repeat(501),
      },
      { from: '/admin/ladder' },
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Enter a name for rung 5/);
    assert.match(res.body, /href="#name-5"/);
    assert.match(res.body, /Name of rung 6 must be 60 characters or fewer/);
    assert.match(res.body, /Description of rung 4 must be 500 characters or fewer/);
    assert.match(res.body, /A description I typed/);
    const [row] = await q(sql`select 1 from ladder_rungs`);
    assert.equal(row, undefined, 'nothing was saved');
  });

  it('renames a rung: the new name shows on the list and show pages', async () => {
    const id = await addInitiative(lead, { title: 'Designing the garden', rung: '5' });
    const ladder = await testDb.database.withOrganisation(org.id, (tx) => loadLadder(tx));
    const fields: Record<string, string> = {};
    for (const r of ladder) {
      fields[`name-${r.rung}`] = r.name;
      fields[`description-${r.rung}`] = r.description;
    }
    const res = await lead.post(
      '/admin/ladder',
      { ...fields, 'name-5': 'Designing together', 'description-5': 'We design it with you.' },
      { from: '/admin/ladder' },
    );
    assert.equal(res.statusCode, 303);
    const rows = await q<{ rung: number; name: string }>(sql`select rung, name from ladder_rungs`);
    assert.deepEqual(rows, [{ rung: 5, name: 'Designing together' }], 'only the changed rung');
    const [logged] = await q(
      sql`select 1 from audit_log where entity = 'ladder_rung' and entity_id = '5'`,
    );
    assert.ok(logged, 'the change is audited');

    const show = await lead.get(`/staff/initiatives/${id}`);
    assert.match(show.body, /5 Designing together/);
    assert.match(show.body, /We design it with you\./);
    const list = await lead.get('/staff/initiatives?rung=5');
    assert.match(list.body, /5 Designing together/);
    assert.match(list.body, /Designing the garden/);
    const summaries = await testDb.database.withOrganisation(org.id, (tx) =>
      listInitiatives(tx, { rung: 5 }),
    );
    assert.ok(summaries.every((s) => s.rungName === 'Designing together'));

    // Back to the seed's words: the organisation's own row goes.
    await lead.post('/admin/ladder', fields, { from: '/admin/ladder' });
    assert.deepEqual(await q(sql`select rung from ladder_rungs`), []);
    assert.match((await lead.get(`/staff/initiatives/${id}`)).body, /5 Co-design/);
  });
});

describe('initiatives: robustness', () => {
  it('answers 404 for an unknown id on every :id route', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const id of [missing, 'not-an-id']) {
      assert.equal((await lead.get(`/staff/initiatives/${id}`)).statusCode, 404);
      assert.equal((await lead.get(`/staff/initiatives/${id}/edit`)).statusCode, 404);
      for (const path of ['', '/publish', '/close']) {
        const res = await lead.post(
          `/staff/initiatives/${id}${path}`,
          { kind: 'event', rung: '1', title: 'Ghost', ownerName: 'Nobody' },
          { from: '/staff/initiatives' },
        );
        assert.equal(res.statusCode, 404, `POST ${path || '/'} for ${id}`);
      }
    }
  });

  it('keeps the list page query count flat as initiatives grow', async () => {
    const add = (n: number, from: number) =>
      testDb.database.withOrganisation(org.id, async (tx) => {
        for (let i = 0; i < n; i++)
          await createInitiative(tx, SYSTEM_ACTOR, {
            kind: i % 2 ? 'panel' : 'event',
            title: `Bulk initiative ${from + i}`,
            rung: i % 8,
            ownerName: 'Bulk',
            ...PURPOSE,
          });
      });
    const count = async () =>
      (await testDb.countQueries(() => lead.get('/staff/initiatives'))).queries;
    await add(20, 0);
    const twenty = await count();
    await add(40, 20);
    const sixty = await count();
    assert.equal(sixty, twenty, `queries with 20: ${twenty}, with 60: ${sixty}`);
    // The list is paged: the heading counts them all, not the page.
    const [all] = await q<{ n: number }>(sql`select count(*)::int as n from initiatives`);
    const page = await lead.get('/staff/initiatives');
    assert.match(page.body, new RegExp(`${all!.n} initiatives`));
    assert.match(page.body, /Page 1 of 2/);
  });
});

describe('initiatives: pages of 50', () => {
  // 53 quality audits, in title order; no other test adds one.
  before(async () => {
    await testDb.database.withOrganisation(org.id, async (tx) => {
      for (let i = 1; i <= 53; i++)
        await createInitiative(tx, SYSTEM_ACTOR, {
          kind: 'quality_audit',
          title: `Audit ${String(i).padStart(2, '0')}`,
          rung: 3,
          ownerName: 'Pat',
          ...PURPOSE,
        });
    });
  });
  const titles = (body: string) => [...body.matchAll(/>(Audit \d\d)<\/a>/g)].map((m) => m[1]);

  it('shows the first 50, the 51st on page 2, the total on both and the filter in the links', async () => {
    const first = await lead.get('/staff/initiatives?kind=quality_audit');
    assert.equal(first.statusCode, 200);
    assert.equal(titles(first.body).length, 50);
    assert.equal(titles(first.body)[0], 'Audit 01');
    assert.match(first.body, /53 initiatives/);
    assert.match(first.body, /Page 1 of 2/);
    assert.match(first.body, /href="\/staff\/initiatives\?kind=quality_audit&amp;page=2"/);

    const second = await lead.get('/staff/initiatives?kind=quality_audit&page=2');
    assert.deepEqual(titles(second.body), ['Audit 51', 'Audit 52', 'Audit 53']);
    assert.match(second.body, /53 initiatives/);
    assert.match(second.body, /Page 2 of 2/);
    assert.match(second.body, /href="\/staff\/initiatives\?kind=quality_audit&amp;page=1"/);
    assert.doesNotMatch(second.body, /page=3/, 'no next page after the last');
    // Two filters, both kept.
    const both = await lead.get('/staff/initiatives?status=draft&kind=quality_audit&rung=3');
    assert.match(
      both.body,
      /href="\/staff\/initiatives\?status=draft&amp;kind=quality_audit&amp;rung=3&amp;page=2"/,
    );
  });

  it('shows the last page for a page past it, and the first for a page that is no number', async () => {
    const past = await lead.get('/staff/initiatives?kind=quality_audit&page=9');
    assert.equal(past.statusCode, 200);
    assert.deepEqual(titles(past.body), ['Audit 51', 'Audit 52', 'Audit 53']);
    assert.match(past.body, /Page 2 of 2/);
    for (const bad of ['abc', '-1', '0', '1.5', '', '99999999999']) {
      const res = await lead.get(
        `/staff/initiatives?kind=quality_audit&page=${encodeURIComponent(bad)}`,
      );
      assert.equal(res.statusCode, 200, `page=${bad}`);
      const shown = titles(res.body);
      assert.ok(shown.length > 0, `page=${bad} shows a page`);
      assert.match(res.body, /53 initiatives/);
    }
    assert.equal(
      titles((await lead.get('/staff/initiatives?kind=quality_audit&page=abc')).body)[0],
      'Audit 01',
    );
    assert.equal(
      titles((await lead.get('/staff/initiatives?kind=quality_audit&page=-1')).body)[0],
      'Audit 01',
    );
  });

  it('says there are none when a filter matches nothing, on any page', async () => {
    const none = await lead.get('/staff/initiatives?kind=quality_audit&status=closed&page=4');
    assert.equal(none.statusCode, 200);
    assert.match(none.body, /0 initiatives/);
    assert.match(none.body, /There are no initiatives that match\./);
    assert.doesNotMatch(none.body, /govuk-pagination/);
  });
});
