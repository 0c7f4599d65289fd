import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/db.ts';
import { createTestApp, makeOrganisation, signedInAs } from '../../platform/testing/app.ts';
import type { Organisation } from '../../platform/tenancy/index.ts';
import {
  countEquality,
  equalityFigures,
  publishedEqualityFigures,
  suppressFigures,
  NOT_ANSWERED,
  type EqualityCounts,
} from './equality.ts';
import { AGE_BANDS, EQUALITY_FIELDS, ageBand, type EqualityQuestion } from './lists.ts';
import { consents, people, personEquality, personServices, services } from './tables.ts';

let testDb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;

const TODAY = '2026-06-15';

before(async () => {
  testDb = await createTestDatabase();
  org = await makeOrganisation(testDb.database, { slug: 'demo', name: 'Demo Homes' });
  app = await createTestApp(testDb.database);
});
after(async () => {
  await app.close();
  await testDb.close();
});

interface SeedPerson {
  first?: string;
  reference?: string;
  dateOfBirth?: string | null;
  kinds?: string[];
  /** Consents held; equality monitoring by default. */
  consents?: string[];
  answers?: Partial<Record<EqualityQuestion, string>>;
  specialisms?: string[];
  /** The latest decision about equality monitoring was an objection. */
  objected?: boolean;
  erased?: boolean;
}

let made = 0;

/** Adds people with their answers, services and consents, as the register would hold them. */
async function seed(list: SeedPerson[]): Promise<string[]> {
  return testDb.database.withOrganisation(org.id, async (tx) => {
    const wanted = [...new Set(list.flatMap((p) => p.specialisms ?? []))];
    const serviceIds = new Map<string, string>();
    for (const specialism of wanted) {
      const [existing] = await tx
        .select({ id: services.id, specialism: services.specialism })
        .from(services)
        .where(eq(services.code, `S-${specialism}`));
      const id =
        existing?.id ??
        (
          await tx
            .insert(services)
            .values({
              organisationId: org.id,
              code: `S-${specialism}`,
              name: `Service ${specialism}`,
              type: 'hostel',
              specialism,
            })
            .returning({ id: services.id })
        )[0]!.id;
      serviceIds.set(specialism, id);
    }
    const ids: string[] = [];
    for (let i = 0; i < list.length; i += 500) {
      const batch = list.slice(i, i + 500);
      const rows = await tx
        .insert(people)
        .values(
          batch.map((p) => {
            made += 1;
            return {
              organisationId: org.id,
              reference: p.reference ?? `T${made}`,
              firstName: p.first ?? `Person${made}`,
              dateOfBirth: p.dateOfBirth === undefined ? '1980-01-01' : p.dateOfBirth,
              kinds: p.kinds ?? ['customer'],
              consents: p.consents ?? ['register', 'equality'],
              erasedAt: p.erased ? new Date() : null,
            };
          }),
        )
        .returning({ id: people.id });
      ids.push(...rows.map((r) => r.id));
    }
    const answers = list.flatMap((p, i) =>
      p.answers ? [{ organisationId: org.id, personId: ids[i]!, ...p.answers }] : [],
    );
    for (let i = 0; i < answers.length; i += 500)
      await tx.insert(personEquality).values(answers.slice(i, i + 500));
    const links = list.flatMap((p, i) =>
      (p.specialisms ?? []).map((s) => ({
        organisationId: org.id,
        personId: ids[i]!,
        serviceId: serviceIds.get(s)!,
        startedOn: '2020-01-01',
      })),
    );
    for (let i = 0; i < links.length; i += 500)
      await tx.insert(personServices).values(links.slice(i, i + 500));
    const objections = list.flatMap((p, i) =>
      p.objected
        ? [
            {
              organisationId: org.id,
              personId: ids[i]!,
              purpose: 'equality',
              status: 'given',
              wordingVersion: 'test',
              method: 'paper',
              recordedBy: 'test',
              recordedAt: new Date('2025-01-01'),
            },
            {
              organisationId: org.id,
              personId: ids[i]!,
              purpose: 'equality',
              status: 'objected',
              wordingVersion: 'test',
              method: 'paper',
              recordedBy: 'test',
              recordedAt: new Date('2026-01-01'),
            },
          ]
        : [],
    );
    if (objections.length) await tx.insert(consents).values(objections);
    return ids;
  });
}

async function reset() {
  await testDb.database.withOrganisation(org.id, async (tx) => {
    await tx.delete(people);
    await tx.delete(services);
  });
}

function repeat(n: number, person: SeedPerson): SeedPerson[] {
  return Array.from({ length: n }, () => ({ ...person }));
}

async function figuresPage(roles: Parameters<typeof signedInAs>[1] = ['staff'], query = '') {
  return app.inject({ url: `/staff/people/equality${query}`, headers: signedInAs(org, roles) });
}

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();

/** A figures table as rendered: its answer labels, cells and totals, as text. */
interface RenderedTable {
  labels: string[];
  /** Rows of cells (data-cell); a list table has one per row. */
  cells: string[][];
  /** Each row's total (cross table), or the list's total. */
  rowTotals: string[];
  /** The totals row of a cross table (column totals, then the grand total). */
  totalsRow: string[];
}

function renderedTables(html: string): Map<string, RenderedTable> {
  const tables = new Map<string, RenderedTable>();
  for (const match of html.matchAll(
    /<table[^>]*data-figures="([^"]+)"[^>]*>([\s\S]*?)<\/table>/g,
  )) {
    const body = /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(match[2]!)![1]!;
    const rows = [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => r[1]!);
    const parsed: RenderedTable = { labels: [], cells: [], rowTotals: [], totalsRow: [] };
    rows.forEach((row, index) => {
      const label = decode(/<th[^>]*>([\s\S]*?)<\/th>/.exec(row)![1]!);
      const cells = [...row.matchAll(/<td[^>]*data-cell[^>]*>([\s\S]*?)<\/td>/g)].map((c) =>
        decode(c[1]!),
      );
      const totals = [...row.matchAll(/<td[^>]*data-total[^>]*>([\s\S]*?)<\/td>/g)].map((c) =>
        decode(c[1]!),
      );
      const last = index === rows.length - 1;
      if (last && match[1] !== 'age-by-specialism') {
        parsed.rowTotals.push(totals[0]!);
      } else if (last) {
        parsed.totalsRow = totals;
      } else {
        parsed.labels.push(label);
        parsed.cells.push(cells);
        if (totals.length) parsed.rowTotals.push(totals[0]!);
      }
    });
    tables.set(match[1]!, parsed);
  }
  return tables;
}

const isHidden = (text: string) => text === 'hidden' || text.startsWith('fewer than');
const valueOf = (text: string) => (isHidden(text) ? null : Number(text.replace(/,/g, '')));

/**
 * Whether any hidden entry can be worked out exactly from the shown ones:
 * each line says its entries add up to its last one (the total). Hidden
 * entries are unknowns; one is recoverable when its unit vector lies in the
 * span of the lines' equations (Gaussian elimination on the unknowns).
 */
function recoverable(lines: Array<Array<{ id: string; value: number | null }>>): string[] {
  const unknowns = [
    ...new Set(
      lines
        .flat()
        .filter((e) => e.value === null)
        .map((e) => e.id),
    ),
  ];
  const index = new Map(unknowns.map((id, i) => [id, i]));
  const matrix = lines
    .map((line) => {
      const row = new Array<number>(unknowns.length).fill(0);
      line.forEach((entry, position) => {
        if (entry.value !== null) return;
        row[index.get(entry.id)!]! += position === line.length - 1 ? -1 : 1;
      });
      return row;
    })
    .filter((row) => row.some((v) => v !== 0));
  const rank = (rows: number[][]) => {
    const m = rows.map((r) => [...r]);
    let r = 0;
    for (let c = 0; c < unknowns.length && r < m.length; c++) {
      const pivot = m.findIndex((row, i) => i >= r && Math.abs(row[c]!) > 1e-9);
      if (pivot < 0) continue;
      [m[r], m[pivot]] = [m[pivot]!, m[r]!];
      for (let i = 0; i < m.length; i++) {
        if (i === r) continue;
        const f = m[i]![c]! / m[r]![c]!;
        for (let k = c; k < unknowns.length; k++) m[i]![k]! -= f * m[r]![k]!;
      }
      r += 1;
    }
    return r;
  };
  const base = rank(matrix);
  return unknowns.filter((id, i) => {
    const unit = new Array<number>(unknowns.length).fill(0);
    unit[i] = 1;
    return rank([...matrix, unit]) === base;
  });
}

/** The sums a list table's reader knows: its answers add up to its total. */
function listLines(name: string, table: RenderedTable) {
  return [
    [
      ...table.cells.map((c, i) => ({ id: `${name}:${table.labels[i]}`, value: valueOf(c[0]!) })),
      { id: `${name}:total`, value: valueOf(table.rowTotals[0]!) },
    ],
  ];
}

/** Every row and column of a cross table with its total, and the totals' own sums. */
function crossLines(table: RenderedTable) {
  const id = (r: number, c: number) => `cross:${r}:${c}`;
  const rows = table.cells.length;
  const cols = table.cells[0]!.length;
  const entry = (r: number, c: number) => {
    if (r < rows && c < cols) return { id: id(r, c), value: valueOf(table.cells[r]![c]!) };
    if (r < rows) return { id: id(r, c), value: valueOf(table.rowTotals[r]!) };
    return { id: id(r, c), value: valueOf(table.totalsRow[c]!) };
  };
  const lines = [];
  for (let r = 0; r <= rows; r++) lines.push([...Array(cols + 1).keys()].map((c) => entry(r, c)));
  for (let c = 0; c <= cols; c++) lines.push([...Array(rows + 1).keys()].map((r) => entry(r, c)));
  return lines;
}

/** The ethnicity tables tie together: each group's count is the sum of its categories. */
function ethnicityLines(groups: RenderedTable, categories: RenderedTable) {
  const groupOf = (label: string) =>
    label.startsWith('Asian')
      ? 'Asian, Asian British or Asian Welsh'
      : label.startsWith('Black')
        ? 'Black, Black British, Black Welsh, Caribbean or African'
        : label.startsWith('Mixed')
          ? 'Mixed or multiple ethnic groups'
          : label.startsWith('White')
            ? 'White'
            : label.startsWith('Other')
              ? 'Other ethnic group'
              : label;
  const lines = [...listLines('group', groups), ...listLines('category', categories)];
  // Both tables' totals are the same number of people.
  lines[1]![lines[1]!.length - 1]!.id = 'group:total';
  groups.labels.forEach((group, g) => {
    const members = categories.labels
      .map((label, i) => ({ label, i }))
      .filter((m) => groupOf(m.label) === group);
    lines.push([
      ...members.map((m) => ({
        id: `category:${m.label}`,
        value: valueOf(categories.cells[m.i]![0]!),
      })),
      { id: `group:${group}`, value: valueOf(groups.cells[g]![0]!) },
    ]);
  });
  return lines;
}

/** Asserts no hidden count on the page can be worked out from the ones shown. */
function assertNothingRecoverable(html: string) {
  const tables = renderedTables(html);
  assert.ok(tables.size >= 10, 'every question has a table, and the cross table is there');
  const found: string[] = [];
  for (const [name, table] of tables) {
    if (name === 'age-by-specialism' || name === 'ethnicGroup' || name === 'ethnicity') continue;
    found.push(...recoverable(listLines(name, table)));
  }
  found.push(...recoverable(crossLines(tables.get('age-by-specialism')!)));
  found.push(...recoverable(ethnicityLines(tables.get('ethnicGroup')!, tables.get('ethnicity')!)));
  // The age table is the cross table's margin: the same counts hidden the same way.
  assert.deepEqual(
    tables.get('age')!.cells.map((c) => c[0]),
    tables.get('age-by-specialism')!.rowTotals,
  );
  assert.deepEqual(found, [], 'a hidden count can be worked out from the shown ones');
}

function rowOf(html: string, table: string, label: string): string[] {
  const parsed = renderedTables(html).get(table)!;
  const index = parsed.labels.indexOf(label);
  assert.ok(index >= 0, `${table} has a row ${label}`);
  return parsed.cells[index]!;
}

describe('equality monitoring figures', () => {
  beforeEach(reset);

  it('send a signed-out visitor to sign in, and refuse customers', async () => {
    const signedOut = await app.inject({ url: '/staff/people/equality' });
    assert.equal(signedOut.statusCode, 303);
    assert.match(signedOut.headers.location ?? '', /^\/sign-in/);
    const customer = await figuresPage(['customer']);
    assert.equal(customer.statusCode, 403);
  });

  it('are open to board members and staff, as counts only', async () => {
    await seed(repeat(12, { answers: { sex: 'female' } }));
    for (const role of ['board_member', 'staff'] as const) {
      const res = await figuresPage([role]);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1[^>]*>Equality monitoring figures<\/h1>/);
      assert.match(res.body, /People counted: 12\./);
      assert.deepEqual(rowOf(res.body, 'sex', 'Female'), ['12']);
    }
  });

  it('never show which person gave an answer, even a person whose answer is theirs alone', async () => {
    const [unique] = await seed([
      {
        first: 'Zebedee',
        reference: 'UNIQUE-REF-1',
        dateOfBirth: '1931-02-03',
        answers: { ethnicity: 'white_roma', religion: 'sikh' },
      },
      ...repeat(20, { answers: { ethnicity: 'white_british', religion: 'none' } }),
    ]);
    const res = await figuresPage(['staff']);
    assert.equal(res.statusCode, 200);
    for (const trace of ['Zebedee', 'UNIQUE-REF-1', unique!, '1931', '03/02', 'Person']) {
      assert.ok(!res.body.includes(trace), `the page shows ${trace}`);
    }
    assert.doesNotMatch(res.body, /href="\/staff\/people\/[0-9a-f-]{36}/);
    assert.deepEqual(rowOf(res.body, 'ethnicity', 'White: Roma'), ['fewer than 5']);
    assert.deepEqual(rowOf(res.body, 'religion', 'Sikh'), ['fewer than 5']);
    assertNothingRecoverable(res.body);
  });

  it('hide counts under the threshold, and more counts so that none can be worked out', async () => {
    await seed([
      // 3 women: under the threshold. The 7 who preferred not to say are hidden
      // too, or 30 − 20 − 0 would give the 3 away.
      ...repeat(3, {
        dateOfBirth: '1990-05-01',
        answers: { sex: 'female', ethnicity: 'asian_indian' },
        specialisms: ['mental_health'],
      }),
      ...repeat(7, {
        dateOfBirth: '1995-05-01',
        answers: { sex: 'prefer_not_to_say', ethnicity: 'asian_chinese' },
        specialisms: ['mental_health'],
      }),
      ...repeat(20, {
        dateOfBirth: '2005-05-01',
        answers: { sex: 'male', ethnicity: 'white_british' },
        specialisms: ['young_people'],
      }),
    ]);
    const res = await figuresPage(['staff']);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /People counted: 30\./);
    assert.match(res.body, /shown as ‘fewer than 5’/);
    assert.match(res.body, /Some other numbers are shown as ‘hidden’/);
    assert.deepEqual(rowOf(res.body, 'sex', 'Female'), ['fewer than 5']);
    assert.deepEqual(rowOf(res.body, 'sex', 'Prefer not to say'), ['hidden']);
    assert.deepEqual(rowOf(res.body, 'sex', 'Male'), ['20']);
    assert.deepEqual(rowOf(res.body, 'sex', 'Not answered'), ['0']);
    // Percentages of hidden counts are hidden too.
    assert.match(res.body, /Female<\/th>\s*<td[^>]*>fewer than 5<\/td>\s*<td[^>]*>hidden<\/td>/);
    assert.match(res.body, /Male<\/th>\s*<td[^>]*>20<\/td>\s*<td[^>]*>67%<\/td>/);
    // Ethnicity: the Asian group (10) is shown, so its 3 Indian people are
    // hidden with the 7 Chinese, or 10 − 7 would give them away.
    assert.deepEqual(rowOf(res.body, 'ethnicGroup', 'Asian, Asian British or Asian Welsh'), ['10']);
    assert.deepEqual(rowOf(res.body, 'ethnicity', 'Asian: Indian'), ['fewer than 5']);
    assert.deepEqual(rowOf(res.body, 'ethnicity', 'Asian: Chinese'), ['hidden']);
    // The cross table hides the 3 aged 35 to 44 and what would reveal them.
    const cross = renderedTables(res.body).get('age-by-specialism')!;
    const row = cross.labels.indexOf('35 to 44');
    assert.equal(cross.rowTotals[row], 'fewer than 5');
    assert.ok(cross.cells.flat().includes('hidden'));
    assertNothingRecoverable(res.body);
  });

  it('hold across many mixes of answers', async () => {
    const sexes = ['female', 'male', 'prefer_not_to_say'];
    const ethnicities = [
      'white_british',
      'white_irish',
      'asian_indian',
      'black_african',
      'mixed_other',
      'other_arab',
    ];
    const specialisms = ['mental_health', 'young_people', 'homelessness'];
    let seedValue = 7;
    const next = (n: number) => {
      seedValue = (seedValue * 1103515245 + 12345) % 2147483648;
      return seedValue % n;
    };
    for (let round = 0; round < 3; round++) {
      await reset();
      const list: SeedPerson[] = [];
      const size = 25 + next(40);
      for (let i = 0; i < size; i++) {
        list.push({
          dateOfBirth: next(8) === 0 ? null : `${1940 + next(70)}-0${1 + next(9)}-15`,
          answers:
            next(6) === 0
              ? {}
              : {
                  sex: sexes[next(3)]!,
                  ethnicity: ethnicities[next(6)]!,
                  caring: next(2) ? 'yes' : 'no',
                },
          specialisms:
            next(5) === 0
              ? []
              : next(6) === 0
                ? [...specialisms.slice(0, 2)]
                : [specialisms[next(3)]!],
        });
      }
      await seed(list);
      const res = await figuresPage(['staff']);
      assert.equal(res.statusCode, 200);
      assertNothingRecoverable(res.body);
    }
  });

  it('leave out people without consent, who objected, or who were erased', async () => {
    await seed([
      ...repeat(10, { answers: { sexualOrientation: 'straight' } }),
      { consents: ['register'], answers: { sexualOrientation: 'bisexual' } },
      { objected: true, answers: { sexualOrientation: 'bisexual' } },
      { erased: true, answers: { sexualOrientation: 'bisexual' } },
    ]);
    const res = await figuresPage(['staff']);
    assert.match(res.body, /People counted: 10\./);
    assert.deepEqual(rowOf(res.body, 'sexualOrientation', 'Bisexual'), ['0']);
    assert.deepEqual(rowOf(res.body, 'sexualOrientation', 'Straight or heterosexual'), ['10']);
  });

  it('count only the people the filters choose, and say when too few match', async () => {
    await seed([
      ...repeat(8, { kinds: ['staff'], specialisms: ['mental_health'] }),
      ...repeat(3, { kinds: ['customer'], specialisms: ['mental_health'] }),
      ...repeat(9, { kinds: ['customer', 'carer'], specialisms: ['young_people'] }),
    ]);
    const all = await figuresPage(['staff']);
    assert.match(all.body, /People counted: 20\./);
    const staff = await figuresPage(['staff'], '?kind=staff');
    assert.match(staff.body, /People counted: 8\./);
    assert.match(staff.body, /<option value="staff" selected>/);
    const youngPeople = await figuresPage(['staff'], '?specialism=young_people&kind=carer');
    assert.match(youngPeople.body, /People counted: 9\./);
    const few = await figuresPage(['staff'], '?specialism=mental_health&kind=customer');
    assert.match(few.body, /Fewer than 5 people match, so no figures are shown/);
    assert.doesNotMatch(few.body, /data-figures/);
    const unknown = await figuresPage(['staff'], '?specialism=%3Cscript%3E&kind=nobody');
    assert.match(unknown.body, /People counted: 20\./);
  });

  it('use the organisation’s own threshold, and a higher one for published figures', async () => {
    await seed([
      ...repeat(7, { answers: { disability: 'yes' } }),
      ...repeat(30, { answers: { disability: 'no' } }),
    ]);
    const staffPage = await figuresPage(['staff']);
    assert.deepEqual(rowOf(staffPage.body, 'disability', 'Disabled'), ['7']);
    const published = await testDb.database.withOrganisation(org.id, (tx) =>
      publishedEqualityFigures(tx, org.id),
    );
    assert.equal(published.threshold, 10);
    const disability = published.tables.find((t) => t.question === 'disability')!;
    assert.deepEqual(disability.rows.find((r) => r.code === 'yes')!.cell, {
      value: null,
      suppressed: 'primary',
    });
    await testDb.database.system.execute(
      sql`update organisations set settings = '{"people": {"suppressionStaff": 8}}'::jsonb where id = ${org.id}`,
    );
    const stricter = await figuresPage(['staff']);
    assert.deepEqual(rowOf(stricter.body, 'disability', 'Disabled'), ['fewer than 8']);
    await testDb.database.system.execute(
      sql`update organisations set settings = '{}'::jsonb where id = ${org.id}`,
    );
  });

  it('run the same number of queries for 20 people as for 200', async () => {
    const mixed = (i: number): SeedPerson => ({
      dateOfBirth: `${1950 + (i % 60)}-03-0${1 + (i % 9)}`,
      kinds: i % 4 === 0 ? ['staff'] : ['customer'],
      answers: {
        sex: i % 2 ? 'female' : 'male',
        ethnicity: i % 3 ? 'white_british' : 'black_african',
      },
      specialisms: [['mental_health', 'young_people', 'homelessness'][i % 3]!],
    });
    await seed(Array.from({ length: 20 }, (_, i) => mixed(i)));
    // A first request warms the app's short cache of the organisation, which
    // would otherwise count its own look-up.
    await figuresPage(['staff']);
    const small = await testDb.countQueries(() => figuresPage(['staff']));
    assert.equal(small.result.statusCode, 200);
    await seed(Array.from({ length: 180 }, (_, i) => mixed(i + 20)));
    await figuresPage(['staff']);
    const large = await testDb.countQueries(() => figuresPage(['staff']));
    assert.match(large.result.body, /People counted: 200\./);
    assert.equal(large.queries, small.queries);
    assert.ok(small.queries <= 6, `the page ran ${small.queries} queries`);
  });
});

describe('the recoverability check these tests use', () => {
  it('finds a lone hidden count, and one a chain of lines gives away', () => {
    const v = (id: string, value: number | null) => ({ id, value });
    assert.deepEqual(recoverable([[v('a', null), v('b', 5), v('t', 10)]]), ['a']);
    assert.deepEqual(recoverable([[v('a', null), v('b', null), v('t', 10)]]), []);
    // a and b share a row; b is alone in its column, so b, then a, come out.
    assert.deepEqual(
      recoverable([
        [v('a', null), v('b', null), v('r', 10)],
        [v('b', null), v('c', 4), v('k', 9)],
      ]).sort(),
      ['a', 'b'],
    );
  });
});

describe('equality counts', () => {
  beforeEach(reset);

  it('put each date of birth in the same age band as ageBand does', async () => {
    const dates = [
      '2010-06-16', // 15 the day before the 16th birthday
      '2010-06-15', // 16 today
      '2001-06-16',
      '2001-06-15',
      '1991-06-15',
      '1981-06-16',
      '1971-06-15',
      '1961-06-16',
      '1951-06-15',
      '1951-06-16',
      '1930-01-01',
      '2000-02-29',
    ];
    await seed([...dates.map((d) => ({ dateOfBirth: d })), { dateOfBirth: null }]);
    const counts = await testDb.database.withOrganisation(org.id, (tx) =>
      countEquality(tx, {}, TODAY),
    );
    const expected = new Map<string, number>();
    for (const d of dates) {
      const band = ageBand(d, TODAY);
      expected.set(band, (expected.get(band) ?? 0) + 1);
    }
    expected.set(NOT_ANSWERED, 1);
    const actual = new Map<string, number>();
    for (const [band, byColumn] of counts.ageBySpecialism)
      actual.set(
        band,
        [...byColumn.values()].reduce((a, b) => a + b, 0),
      );
    assert.deepEqual(actual, expected);
  });

  it('count a person linked to two specialisms once, under "more than one"', async () => {
    await seed([
      { specialisms: ['mental_health', 'young_people'] },
      { specialisms: ['mental_health'] },
      {},
    ]);
    const figures = await testDb.database.withOrganisation(org.id, (tx) =>
      equalityFigures(tx, {
        threshold: 1,
        specialisms: ['mental_health', 'young_people'],
        today: TODAY,
      }),
    );
    assert.deepEqual(figures.ageBySpecialism.columns, [
      'mental_health',
      'young_people',
      'more_than_one',
      'no_service',
    ]);
    assert.deepEqual(
      figures.ageBySpecialism.colTotals.map((c) => c.value),
      [1, 0, 1, 1],
    );
    assert.deepEqual(figures.people, { value: 3, suppressed: false });
  });

  it('hide a whole ethnic group’s categories when the group is hidden', () => {
    const answers = Object.fromEntries(
      EQUALITY_FIELDS.map((q) => [q, new Map<string, number>()]),
    ) as EqualityCounts['answers'];
    answers.ethnicity = new Map([
      ['white_british', 40],
      ['black_african', 2],
      ['black_caribbean', 1],
      ['mixed_other', 6],
    ]);
    const counts: EqualityCounts = {
      answers,
      ageBySpecialism: new Map([[AGE_BANDS[3], new Map([['no_service', 49]])]]),
    };
    const figures = suppressFigures(counts, 5);
    const groups = figures.tables.find((t) => t.question === 'ethnicGroup')!;
    const categories = figures.tables.find((t) => t.question === 'ethnicity')!;
    const group = (code: string) => groups.rows.find((r) => r.code === code)!.cell;
    const category = (code: string) => categories.rows.find((r) => r.code === code)!.cell;
    assert.equal(group('black').suppressed, 'primary');
    assert.equal(group('mixed').suppressed, 'secondary');
    assert.equal(category('black_african').suppressed, 'primary');
    assert.equal(category('black_other').suppressed, 'secondary');
    assert.equal(category('mixed_other').suppressed, 'secondary');
    assert.deepEqual(category('white_british'), { value: 40, suppressed: false });
    assert.equal(categories.rows.find((r) => r.code === 'white_british')!.percent, (40 / 49) * 100);
  });
});
