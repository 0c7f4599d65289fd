// The module contract (docs/architecture.md, "Adding a module"): a test module,
// not shipped, declares one of every contribution in its manifest, and each
// extension point is shown to read it from the installed list — nothing
// registers itself by being imported.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { MODULES } from './modules.ts';
import { can, guard, type Action, type CurrentUser } from './platform/auth/index.ts';
import { rowsOf, type Tx } from './platform/db/index.ts';
import { SYSTEM_ACTOR } from './platform/audit/index.ts';
import { Worker, enqueue } from './platform/jobs/index.ts';
import { queueMail } from './platform/mail/index.ts';
import {
  CommandUsageError,
  contributions,
  defineSettings,
  type ModuleManifest,
} from './platform/manifest.ts';
import { raiseEvents, UndeclaredEventError } from './platform/events/index.ts';
import { statisticRecords } from './platform/statistics/index.ts';
import { linkRecords, linksOf, UndeclaredLinkError } from './platform/links/index.ts';
import { computeStatistic, StatisticError } from './platform/statistics/index.ts';
import { readModuleSettings, updateModuleSettings } from './platform/tenancy/module-settings.ts';
import { createTestApp, makeOrganisation, signedInAs } from './platform/testing/app.ts';
import { createTestDatabase, type TestDatabase } from './platform/testing/db.ts';
import type { Organisation } from './platform/tenancy/index.ts';
import {
  addServices,
  createPerson,
  erasePerson,
  linkPeopleToServices,
  mergePeople,
  subjectAccessExport,
} from './modules/people/index.ts';
import { createInitiative } from './modules/initiatives/index.ts';
import { registerSettings } from './modules/people/index.ts';
import { participationSettings } from './modules/participation/index.ts';

// A real module augments Actions (see modules/people/permissions.ts); a test one
// would leak into every other test's exhaustive tables, so it names its action as is.
const USE = 'contract-test:use' as Action;

const seen: string[] = [];
const testSettings = defineSettings(
  'contract-test',
  z.object({ visitsPerYear: z.number().int().min(1).max(52).default(4) }),
);

/** One of every contribution a manifest can make. */
const testModule: ModuleManifest = {
  name: 'contract-test',
  routes: async (app) => {
    app.get('/contract-test', guard(USE), async () => 'hello from the test module');
  },
  navigation: [
    {
      side: 'staff',
      href: '/contract-test',
      labelKey: 'nav.home',
      order: 99,
      action: USE,
      area: 'settings',
    },
  ],
  permissions: {
    actions: [USE],
    rules: [
      {
        layer: 'organisation',
        rule: (user, action) =>
          action === USE && user.roles.includes('staff') ? 'allow' : undefined,
      },
    ],
  },
  settings: testSettings,
  jobs: {
    'contract-test.job': async (_context, payload) => {
      seen.push(`job ${String(payload.n)}`);
    },
  },
  mail: { 'contract-test-mail': { paragraphs: ['intro'], action: 'action' } },
  statistics: [
    {
      name: 'contract-test.people',
      labelKey: 'nav.home',
      kind: 'count',
      unit: 'people',
      filters: ['period'],
      compute: async (tx) => {
        const [row] = rowsOf<{ n: number }>(
          await tx.execute(sql`select count(*)::int as n from organisations`),
        );
        return { value: row?.n ?? 0 };
      },
      records: async (tx, _filter, page) => {
        const rows = rowsOf<{ slug: string }>(
          await tx.execute(
            sql`select slug from organisations order by slug limit ${page.limit} offset ${page.offset}`,
          ),
        );
        return {
          total: 1,
          rows: rows.map((r) => ({ reference: r.slug, label: r.slug, date: null })),
        };
      },
    },
  ],
  events: {
    emits: [{ name: 'contract-test.happened', description: 'Something happened' }],
    listens: {
      'contract-test.happened': async (tx, events) => {
        // A listener writes in the raiser's transaction: proven by rolling it back.
        await tx.execute(sql`select 1`);
        seen.push(`events ${events.map((e) => String(e.data.n)).join(',')}`);
      },
    },
  },
  links: {
    names: [
      {
        name: 'contract-test.about',
        from: ['initiatives.initiative'],
        to: ['people.person'],
        labelKey: 'nav.home',
      },
    ],
  },
  contributes: {
    personData: [
      {
        name: 'contract-test',
        export: async (_tx, personId) => ({ heldFor: personId }),
        merge: async (_tx, fromId, intoId) => void seen.push(`merge ${fromId} ${intoId}`),
        erase: async (_tx, person) => void seen.push(`erase ${person.id}`),
      },
    ],
    timeline: {
      'contract-test': async () => [
        { at: '2026-01-05', source: 'contract-test', title: 'A line from the test module' },
      ],
    },
    initiativeSections: {
      'contract-test': async () => ({ title: 'A section from the test module', rows: [] }),
    },
    portalSections: {
      'contract-test': async () => ({ title: 'A customer section from the test module' }),
    },
    workWaiting: {
      'contract-test': {
        counts: {
          organisations: { labelKey: 'contractTest.waiting', href: '/contract-test', action: USE },
        },
        read: async (tx) => {
          seen.push('work waiting read');
          const [row] = rowsOf<{ n: number }>(
            await tx.execute(sql`select count(*)::int as n from organisations`),
          );
          return { organisations: row?.n ?? 0 };
        },
      },
    },
    comingUp: {
      'contract-test': {
        action: USE,
        read: async () => [
          {
            at: new Date(),
            title: 'A meeting from the test module',
            href: '/contract-test',
            when: 'Today',
          },
        ],
      },
    },
    commands: {
      'contract-test-hello': {
        summary: 'Says hello',
        help: 'Usage: coproduce contract-test-hello NAME',
        run: async (_db, args, io) => {
          if (!args[0]) throw new CommandUsageError('Say who to greet');
          await io.out(`hello ${args[0]}\n`);
          return 0;
        },
      },
    },
    demo: async (_tx, demo) => {
      seen.push(`demo ${demo.today} ${Object.keys(demo.userIds).length} ${demo.random() < 1}`);
    },
    imports: [
      {
        kind: 'contract-test-rows',
        labelKey: 'nav.home',
        action: USE,
        applyLabelKey: 'nav.home',
        reference: 'reference',
        columns: [{ name: 'reference', required: true, meaning: 'text', example: 'R-1' }],
        prepare: async () => () => null,
        compare: async () => undefined,
        apply: async () => undefined,
      },
    ],
  },
};

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
const staffUser = (): CurrentUser =>
  ({
    id: crypto.randomUUID(),
    organisationId: org.id,
    name: 'Test User',
    roles: ['staff'],
    permissions: [],
    personId: null,
  }) as CurrentUser;
const inOrg = <T>(work: (tx: Tx) => Promise<T>): Promise<T> =>
  testDb.database.withOrganisation(org.id, work);

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo' });
  app = await createTestApp(testDb.database, undefined, { modules: [...MODULES, testModule] });
});
after(async () => {
  await app.close();
  await testDb.close();
});

describe('the module contract: every extension point reads the manifests', () => {
  it('mounts the routes, guards them with the declared rule, and lists the navigation', async () => {
    assert.equal(
      (await app.inject({ url: '/contract-test', headers: signedInAs(org, ['staff']) })).body,
      'hello from the test module',
    );
    assert.equal(
      (await app.inject({ url: '/contract-test', headers: signedInAs(org, ['board_member']) }))
        .statusCode,
      403,
    );
    assert.ok(app.routeCatalogue.some((r) => r.url === '/contract-test' && r.access === USE));
    // The staff navigation shows the declared area; the area's page lists the link.
    const home = await app.inject({ url: '/staff', headers: signedInAs(org, ['staff']) });
    assert.match(home.body, /href="\/staff\/areas\/settings"/);
    const area = await app.inject({
      url: '/staff/areas/settings',
      headers: signedInAs(org, ['staff']),
    });
    assert.match(area.body, /href="\/contract-test"/);
    assert.equal(can(staffUser(), USE), true);
  });

  it("shows the module's work waiting and what is coming up on the staff home, to those allowed", async () => {
    seen.length = 0;
    const home = await app.inject({ url: '/staff', headers: signedInAs(org, ['staff']) });
    assert.match(home.body, /href="\/contract-test"[^>]*>contractTest\.waiting</);
    assert.match(home.body, /A meeting from the test module/);
    assert.deepEqual(seen, ['work waiting read']);
    // Not allowed to open the list: neither shown nor counted.
    seen.length = 0;
    const board = await app.inject({ url: '/staff', headers: signedInAs(org, ['board_member']) });
    assert.doesNotMatch(board.body, /contract-test/);
    assert.deepEqual(seen, []);
  });

  it('runs the declared job and renders the declared mail template', async () => {
    await inOrg(async (tx) => {
      await enqueue(tx, 'contract-test.job', { n: 1 });
      await queueMail(tx, {
        to: 'a@example.org',
        template: 'contract-test-mail',
        language: 'en',
        vars: {},
        link: 'https://example.org/x',
      });
    });
    await new Worker(testDb.database).runDue();
    assert.ok(seen.includes('job 1'));
  });

  it('reads and changes the declared settings under the module name, with defaults', async () => {
    assert.deepEqual(await inOrg((tx) => readModuleSettings(tx, org.id, testSettings)), {
      visitsPerYear: 4,
    });
    const refused = await inOrg((tx) =>
      updateModuleSettings(tx, SYSTEM_ACTOR, org.id, testSettings, { visitsPerYear: 99 }),
    );
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && refused.problems.visitsPerYear);
    await inOrg((tx) =>
      updateModuleSettings(tx, SYSTEM_ACTOR, org.id, testSettings, { visitsPerYear: 12 }),
    );
    assert.deepEqual(await inOrg((tx) => readModuleSettings(tx, org.id, testSettings)), {
      visitsPerYear: 12,
    });
  });

  it('computes the declared statistic and refuses a filter it does not take', async () => {
    assert.deepEqual(
      await inOrg((tx) =>
        computeStatistic(tx, 'contract-test.people', { from: '2026-04-01', to: '2027-03-31' }),
      ),
      { value: 1 },
    );
    await assert.rejects(
      inOrg((tx) => computeStatistic(tx, 'contract-test.people', { areas: ['north'] })),
      StatisticError,
    );
    await assert.rejects(
      inOrg((tx) => computeStatistic(tx, 'contract-test.nothing')),
      StatisticError,
    );
  });

  it('links records by the declared name only, reads links both ways, and follows a person through a merge and an erasure', async () => {
    const { keep, other, initiativeId } = await inOrg(async (tx) => {
      const keep = await createPerson(tx, SYSTEM_ACTOR, { firstName: 'Kit', lastName: 'Keep' });
      const other = await createPerson(tx, SYSTEM_ACTOR, { firstName: 'Kit', lastName: 'Other' });
      const { id: initiativeId } = await createInitiative(tx, SYSTEM_ACTOR, {
        kind: 'project',
        title: 'Repairs',
        rung: 5,
      });
      return { keep: keep.id, other: other.id, initiativeId };
    });
    const initiative = { kind: 'initiatives.initiative', id: initiativeId };
    await inOrg((tx) =>
      linkRecords(tx, SYSTEM_ACTOR, initiative, 'contract-test.about', {
        kind: 'people.person',
        id: other,
      }),
    );
    await assert.rejects(
      inOrg((tx) =>
        linkRecords(
          tx,
          SYSTEM_ACTOR,
          { kind: 'people.person', id: other },
          'contract-test.about',
          initiative,
        ),
      ),
      UndeclaredLinkError,
    );
    // The person's page shows the module's timeline line; the initiative's page its section.
    const lead = signedInAs(org, ['involvement_lead']);
    assert.match(
      (await app.inject({ url: `/staff/people/${other}`, headers: lead })).body,
      /A line from the test module/,
    );
    assert.match(
      (await app.inject({ url: `/staff/initiatives/${initiativeId}`, headers: lead })).body,
      /A section from the test module/,
    );

    const sar = (await inOrg((tx) =>
      subjectAccessExport(tx, other, { includeEquality: false }),
    )) as Record<string, unknown>;
    assert.deepEqual(
      sar['contract-test'] ?? (sar.other as Record<string, unknown> | undefined)?.['contract-test'],
      { heldFor: other },
    );

    await inOrg((tx) => mergePeople(tx, SYSTEM_ACTOR, keep, other, []));
    assert.ok(seen.includes(`merge ${other} ${keep}`));
    const moved = await inOrg((tx) => linksOf(tx, 'initiatives.initiative', [initiativeId]));
    assert.deepEqual(
      moved.get(initiativeId)?.map((l) => [l.name, l.direction, l.other.id]),
      [['contract-test.about', 'from', keep]],
    );
    const fromPerson = await inOrg((tx) => linksOf(tx, 'people.person', [keep]));
    assert.deepEqual(
      fromPerson.get(keep)?.map((l) => [l.direction, l.other.id]),
      [['to', initiativeId]],
    );

    await inOrg((tx) => erasePerson(tx, SYSTEM_ACTOR, keep, org.id));
    assert.ok(seen.includes(`erase ${keep}`));
    assert.equal((await inOrg((tx) => linksOf(tx, 'people.person', [keep]))).get(keep)?.length, 0);
  });

  it("removes a record's links when the record is deleted", async () => {
    const { personId, initiativeId } = await inOrg(async (tx) => {
      const person = await createPerson(tx, SYSTEM_ACTOR, { firstName: 'Del', lastName: 'Eted' });
      const { id } = await createInitiative(tx, SYSTEM_ACTOR, {
        kind: 'project',
        title: 'Gone',
        rung: 3,
      });
      await linkRecords(
        tx,
        SYSTEM_ACTOR,
        { kind: 'initiatives.initiative', id },
        'contract-test.about',
        { kind: 'people.person', id: person.id },
      );
      return { personId: person.id, initiativeId: id };
    });
    await inOrg((tx) => tx.execute(sql`delete from initiatives where id = ${initiativeId}`));
    assert.equal(
      (await inOrg((tx) => linksOf(tx, 'people.person', [personId]))).get(personId)?.length,
      0,
    );
  });

  it("shows the module's section on the customer's own page, and lists its import kind", async () => {
    const my = await app.inject({ url: '/my', headers: signedInAs(org, ['customer']) });
    assert.match(my.body, /A customer section from the test module/);
    assert.ok(
      contributions('imports').some(({ value }) =>
        value.some((k) => k.kind === 'contract-test-rows'),
      ),
    );
  });

  it('lists the records behind the declared statistic, a page at a time', async () => {
    const page = await inOrg((tx) =>
      statisticRecords(tx, 'contract-test.people', {}, { limit: 10, offset: 0 }),
    );
    assert.deepEqual(page, { total: 1, rows: [{ reference: 'demo', label: 'demo', date: null }] });
  });

  it("calls the declared listeners once per batch in the raiser's transaction, and refuses an undeclared event", async () => {
    const event = (n: number) => ({
      name: 'contract-test.happened',
      organisationId: org.id,
      occurredOn: '2026-12-01',
      record: { kind: 'initiatives.initiative', id: crypto.randomUUID() },
      personId: null,
      data: { n },
    });
    await inOrg((tx) => raiseEvents(tx, [event(1), event(2)]));
    assert.ok(seen.includes('events 1,2'));
    await assert.rejects(
      inOrg((tx) => raiseEvents(tx, [{ ...event(3), name: 'contract-test.unknown' }])),
      UndeclaredEventError,
    );
  });

  it("runs the module's command through the CLI, and its demo in the demo organisation", async () => {
    const { main } = await import('./cli.ts');
    const { installModules } = await import('./platform/manifest.ts');
    const commands = contributions('commands').find((c) => c.module === 'contract-test');
    assert.ok(commands?.value['contract-test-hello']);
    // main() installs MODULES itself: the test module's command is not there.
    assert.equal(await main(['contract-test-hello', '--help']), 2);
    installModules([...MODULES, testModule]);
    await assert.rejects(
      commands.value['contract-test-hello']!.run(testDb.database, [], {
        log: () => undefined,
        out: async () => undefined,
      }),
      CommandUsageError,
    );
    const { seedDemo } = await import('./demo/seed.ts');
    const demoDb = await createTestDatabase();
    try {
      installModules([...MODULES, testModule]);
      await seedDemo(demoDb.database, new Date('2026-12-02T10:00:00Z'));
      assert.ok(seen.includes('demo 2026-12-02 5 true'), seen.join('; '));
    } finally {
      await demoDb.close();
      installModules([...MODULES, testModule]);
    }
  });

  it('refuses two modules that declare the same job, statistic or link name', async () => {
    const { installModules } = await import('./platform/manifest.ts');
    assert.throws(
      () => installModules([...MODULES, testModule, { ...testModule, name: 'copy' }]),
      /declared by both contract-test and copy/,
    );
    installModules([...MODULES, testModule]);
  });
});

describe('the statistics the register declares', () => {
  it('counts people on the register by service, specialism and area, leaving out the erased', async () => {
    const own = await makeOrganisation(testDb.database);
    const figures = await testDb.database.withOrganisation(own.id, async (tx) => {
      const [hostel, home] = await addServices(tx, [
        {
          organisationId: own.id,
          code: 'H1',
          name: 'Hostel',
          type: 'hostel',
          specialism: 'homelessness',
        },
        {
          organisationId: own.id,
          code: 'C1',
          name: 'Care home',
          type: 'care_home',
          specialism: 'older_people',
        },
      ]);
      const a = await createPerson(tx, SYSTEM_ACTOR, {
        firstName: 'Ann',
        lastName: 'A',
        area: 'North',
      });
      const b = await createPerson(tx, SYSTEM_ACTOR, {
        firstName: 'Bo',
        lastName: 'B',
        area: 'South',
      });
      const c = await createPerson(tx, SYSTEM_ACTOR, {
        firstName: 'Cy',
        lastName: 'C',
        area: 'North',
      });
      await linkPeopleToServices(tx, [
        { organisationId: own.id, personId: a.id, serviceId: hostel!.id, startedOn: '2026-01-01' },
        { organisationId: own.id, personId: b.id, serviceId: home!.id, startedOn: '2026-01-01' },
        { organisationId: own.id, personId: c.id, serviceId: hostel!.id, startedOn: '2026-01-01' },
      ]);
      await erasePerson(tx, SYSTEM_ACTOR, c.id, own.id);
      return {
        all: await computeStatistic(tx, 'people.on-register'),
        hostel: await computeStatistic(tx, 'people.on-register', { serviceIds: [hostel!.id] }),
        older: await computeStatistic(tx, 'people.on-register', { specialisms: ['older_people'] }),
        north: await computeStatistic(tx, 'people.on-register', { areas: ['North'] }),
        joined: await computeStatistic(tx, 'people.joined', {
          from: '2000-01-01',
          to: '2000-12-31',
        }),
        held: await computeStatistic(tx, 'participation.activities-held', {
          from: '2026-04-01',
          to: '2027-03-31',
        }),
      };
    });
    assert.deepEqual(Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, v.value])), {
      all: 2,
      hostel: 1,
      older: 1,
      north: 1,
      joined: 0,
      held: 0,
    });
  });
});

describe("the modules' settings", () => {
  it('moves settings kept flat before migration 0017 under each module, keeping the platform ones', async () => {
    const moved = await makeOrganisation(testDb.database);
    await testDb.database.system.execute(sql`
      update organisations set settings = ${JSON.stringify({
        suppressionStaff: 7,
        retentionYears: 6,
        rewardPerHourPence: 1250,
        invitationLimit: 5,
        nation: 'scotland',
      })}::jsonb where id = ${moved.id}`);
    const migration = readFileSync(
      path.join(import.meta.dirname, '../migrations/0017_module_settings.sql'),
      'utf8',
    );
    await testDb.database.system.execute(
      sql.raw(
        migration
          .replace('UPDATE organisations SET', `UPDATE organisations SET`)
          .replace(/;\s*$/, ` WHERE id = '${moved.id}'`),
      ),
    );
    const [row] = rowsOf<{ settings: Record<string, unknown> }>(
      await testDb.database.system.execute(
        sql`select settings from organisations where id = ${moved.id}`,
      ),
    );
    assert.deepEqual(row!.settings, {
      nation: 'scotland',
      people: { suppressionStaff: 7, retentionYears: 6 },
      participation: { rewardPerHourPence: 1250, invitationLimit: 5 },
    });
    const read = await testDb.database.withOrganisation(moved.id, async (tx) => ({
      people: await readModuleSettings(tx, moved.id, registerSettings),
      participation: await readModuleSettings(tx, null, participationSettings),
    }));
    assert.deepEqual(read.people, {
      suppressionStaff: 7,
      suppressionPublished: 10,
      retentionYears: 6,
    });
    assert.equal(read.participation.rewardPerHourPence, 1250);
    assert.equal(read.participation.invitationLimit, 5);
    assert.equal(read.participation.invitationWindowDays, 90);
  });
});

describe('no registration by import', () => {
  it('finds no top-level registration call and no import made for its side effects', () => {
    const root = path.join(import.meta.dirname);
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    const found = files.flatMap((file) =>
      readFileSync(path.join(root, file), 'utf8')
        .split('\n')
        .flatMap((line, n) =>
          /^(register[A-Z]\w*\(|import '[^']+';)/.test(line) ? [`${file}:${n + 1}: ${line}`] : [],
        ),
    );
    assert.deepEqual(found, []);
  });
});
