import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type Seed, type TestDatabase } from './platform/testing/db.ts';
import { createTestApp, signedInAs } from './platform/testing/app.ts';
import { seedDemo } from './demo/seed.ts';
import {
  WELSH_BASELINE_FILE,
  baselineText,
  pageKind,
  welshCounter,
  type WelshCount,
} from './platform/testing/welsh.ts';
import type { Organisation } from './platform/tenancy/index.ts';
import type { Role } from './platform/auth/index.ts';

/**
 * Welsh coverage, page by page (issue 10 §2): every page a walk from the
 * staff home, the administration pages, the customer's own page and the
 * public pages reaches, read in Welsh as the demo organisation (whose Welsh
 * includes its own translations). Each piece of text on a page is Welsh, or
 * English marked lang="en", or English not marked: the last must never
 * happen, since a screen reader would read it with a Welsh voice. The
 * figure (Welsh strings over Welsh and marked English) is printed per page, so
 * a page going English-only shows, and an unmarked string fails the test
 * with its page.
 *
 * Only the interface's strings are counted (text equal to a catalogue
 * string, placeholders matching anything): names, dates and what people
 * wrote are neither. It runs on the embedded database only: it reads pages,
 * and the route suite covers both databases.
 */

const DEMO: Seed = {
  name: 'demo',
  make: async (database) => {
    await seedDemo(database);
  },
};

let testDb: TestDatabase;
let app: FastifyInstance;
let demo: Organisation;
let countPage: (html: string) => WelshCount;

before(async () => {
  testDb = await createTestDatabase({ seed: DEMO });
  ({ organisation: demo } = await seedDemo(testDb.database));
  app = await createTestApp(testDb.database);
  countPage = await welshCounter(testDb.database, demo.id);
});
after(async () => {
  await app?.close();
  await testDb?.close();
});

const kindOf = pageKind;

/** Walks the pages reachable from `start` within `areas`, one of each kind. */
async function walk(roles: Role[] | null, start: string[], areas: RegExp) {
  const headers = roles ? signedInAs(demo, roles) : {};
  const seen = new Set<string>();
  const kinds = new Set<string>();
  const queue = [...start];
  const pages: Array<{ path: string; kind: string } & WelshCount> = [];
  while (queue.length) {
    const address = queue.shift()!;
    const url = new URL(address, 'http://demo.localhost');
    const kind = kindOf(url);
    if (seen.has(address) || kinds.has(kind)) continue;
    seen.add(address);
    kinds.add(kind);
    if (/\.(csv|xlsx|pdf|ics|zip|json|svg|png|txt|xml|po)$/.test(url.pathname)) continue;
    if (/\/(sign-out|download|export)/.test(url.pathname)) continue;
    const res = await app.inject({
      url: url.pathname + url.search,
      headers,
      cookies: { lang: 'cy' },
    });
    if (res.statusCode !== 200 || !/text\/html/.test(String(res.headers['content-type']))) {
      continue;
    }
    assert.match(res.body, /<html lang="cy"/, `${address} is not in Welsh`);
    pages.push({ path: url.pathname + url.search, kind, ...countPage(res.body) });
    for (const [, href] of res.body.matchAll(/<a [^>]*href="([^"#]+)/g)) {
      const next = href!.replaceAll('&amp;', '&');
      if (!next.startsWith('/') || next.startsWith('//') || !areas.test(next)) continue;
      if (/[?&]lang=|[?&]display=/.test(next)) continue;
      queue.push(next);
    }
  }
  return pages;
}

/**
 * The English each kind of page still shows unmarked, with any word holding a figure as #:
 * strings that route code makes (a count, a label from a list) rather than
 * a template, written down when this test came in so that it fails on
 * anything new while they are marked one module at a time. A page may show
 * fewer; `UPDATE_WELSH_BASELINE=1` writes the file anew from a run.
 */
const BASELINE_FILE = WELSH_BASELINE_FILE;
const baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Record<string, string[]>;
const written: Record<string, string[]> = {};
const normal = baselineText;

function report(pages: Array<{ path: string; kind: string } & WelshCount>): string[] {
  const failures: string[] = [];
  for (const page of pages) {
    const shown = page.welsh + page.marked;
    const share = shown ? Math.round((100 * page.welsh) / shown) : 100;
    process.stdout.write(
      `# ${String(share).padStart(3)}% Welsh  ${String(page.welsh).padStart(4)} Welsh  ${String(page.marked).padStart(4)} marked English  ${String(page.unmarked.length).padStart(3)} not marked  ${page.path}\n`,
    );
    const allowed = new Set(baseline[page.kind] ?? []);
    const found = [...new Set(page.unmarked.map(normal))].sort();
    written[page.kind] = [...new Set([...(written[page.kind] ?? []), ...found])].sort();
    for (const text of found) {
      if (!allowed.has(text)) failures.push(`${page.path}: "${text}"`);
    }
  }
  return failures;
}

after(() => {
  if (process.env.UPDATE_WELSH_BASELINE !== '1') return;
  const sorted = Object.fromEntries(
    Object.entries(written)
      .filter(([, texts]) => texts.length > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  writeFileSync(BASELINE_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
});

describe('Welsh coverage of every page', () => {
  it('marks every English string lang="en" on the staff and administration pages', async () => {
    const pages = await walk(['admin'], ['/staff', '/admin'], /^\/(staff|admin)(\/|$|\?)/);
    assert.ok(pages.length > 60, `only ${pages.length} staff pages reached`);
    assert.deepEqual(report(pages), []);
  });

  it('marks every English string on the public pages and the customer area', async () => {
    const pages = [
      ...(await walk(null, ['/', '/opportunities', '/feedback'], /^\/(?!staff|admin)/)),
      ...(await walk(['customer'], ['/my'], /^\/my(\/|$|\?)/)),
    ];
    assert.ok(pages.length > 5, `only ${pages.length} public pages reached`);
    assert.deepEqual(report(pages), []);
  });
});
