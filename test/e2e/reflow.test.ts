import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Role } from '../../src/platform/auth/index.ts';
import { assertAccessible, reflowProblems, startHarness, type Harness } from './harness.ts';

/**
 * A walk of every staff page a signed-in administrator can reach by
 * following links from the staff home and the administration pages, each laid
 * out at 320 CSS px: none may scroll sideways outside a labelled table region
 * (WCAG 2.2 1.4.10). Pages are grouped by their address with the ids taken
 * out, and a few of each kind are visited, so a new page joins the walk by
 * being linked to.
 */

let harness: Harness;

before(async () => {
  harness = await startHarness();
});
after(() => harness.close());

const ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b\d+\b/gi;

/** The kind of page an address is: its path with ids replaced, and its query's names. */
function kindOf(url: URL): string {
  const keys = [...new Set(url.searchParams.keys())].sort().join('&');
  return `${url.pathname.replace(ID, ':id')}?${keys}`;
}

const EACH_KIND = 2;

/**
 * Visits pages breadth-first from the start addresses, following links that
 * stay within the areas, at most EACH_KIND of each kind; returns the number
 * of pages visited and every reflow problem found.
 */
async function walk(
  options: { as?: Role[] },
  start: string[],
  areas: RegExp,
): Promise<{ visited: number; failures: string[] }> {
  const context = await harness.context(options.as ? { as: options.as } : {});
  const page = await context.newPage();
  const seen = new Set<string>();
  const kinds = new Map<string, number>();
  const queue = [...start];
  const failures: string[] = [];
  let visited = 0;
  while (queue.length) {
    const address = queue.shift()!;
    if (seen.has(address)) continue;
    seen.add(address);
    const url = new URL(address, harness.baseUrl);
    const kind = kindOf(url);
    const count = kinds.get(kind) ?? 0;
    if (count >= EACH_KIND) continue;
    kinds.set(kind, count + 1);
    if (/\.(csv|xlsx|pdf|ics|zip|json|svg|png|txt|xml)$/.test(url.pathname)) continue;
    const response = await page.goto(address).catch((error: Error) => {
      if (/Download is starting/.test(error.message)) return null;
      throw error;
    });
    const type = response?.headers()['content-type'] ?? '';
    if (!response || response.status() >= 400 || !type.startsWith('text/html')) continue;
    const here = new URL(page.url());
    if (!areas.test(here.pathname)) continue;
    visited += 1;
    for (const problem of await reflowProblems(page)) {
      failures.push(`${here.pathname}${here.search}: ${problem.element}: ${problem.problem}`);
    }
    const links = await page
      .locator('main a[href]:not([download]), .govuk-service-navigation a[href]')
      .evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
    for (const link of links) {
      const next = new URL(link);
      if (next.origin !== here.origin || !areas.test(next.pathname)) continue;
      const path = `${next.pathname}${next.search}`;
      if (!seen.has(path)) queue.push(path);
    }
  }
  await context.close();
  return { visited, failures };
}

describe('pages at 320 px', () => {
  it('every staff page reflows: no sideways scrolling outside a labelled table region', async () => {
    const start = ['/staff', '/admin'];
    for (const route of harness.routes) {
      if (route.method === 'GET' && !route.url.includes(':') && /^\/(staff|admin)/.test(route.url))
        start.push(route.url);
    }
    const { visited, failures } = await walk(
      { as: ['admin', 'involvement_lead'] },
      start,
      /^\/(staff|admin)(\/|$)/,
    );
    assert.ok(visited > 100, `the walk reached only ${visited} staff pages`);
    assert.deepEqual(failures, [], `${failures.length} problems on ${visited} pages`);
  });

  it('the opportunities and their posters in easy read reflow, axe clean, with a picture beside each point', async () => {
    const context = await harness.context({});
    const page = await context.newPage();
    await page.goto('/opportunities?display=easy');
    const links = await page
      .locator('main a[href^="/opportunities/"]')
      .evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).pathname));
    const opportunities = [
      ...new Set(links.filter((l) => /^\/opportunities\/[0-9a-f-]{36}$/.test(l))),
    ];
    assert.ok(opportunities.length > 0, 'the demo publishes opportunities');
    const failures: string[] = [];
    let pictures = 0;
    for (const path of opportunities) {
      for (const address of [path, `${path}/poster`]) {
        await page.goto(address);
        await assertAccessible(page);
        for (const problem of await reflowProblems(page))
          failures.push(`${address}: ${problem.element}: ${problem.problem}`);
        if (address.endsWith('/poster'))
          pictures += await page.locator('main svg.app-easy-picture').count();
      }
    }
    await context.close();
    assert.deepEqual(failures, []);
    assert.ok(pictures > 0, 'a poster in easy read shows the pictures of its easy-read version');
  });

  it('every public page reflows, the opportunity poster included', async () => {
    const { visited, failures } = await walk({}, ['/', '/opportunities'], /^\/(?!staff|admin)/);
    assert.ok(visited > 5, `the walk reached only ${visited} public pages`);
    assert.deepEqual(failures, [], `${failures.length} problems on ${visited} pages`);
  });
});
