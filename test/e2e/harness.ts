import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type Seed, type TestDatabase } from '../../src/platform/testing/db.ts';
import { createTestApp, signedInAs } from '../../src/platform/testing/app.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { welshCounter, type WelshCount } from '../../src/platform/testing/welsh.ts';
import { Worker } from '../../src/platform/jobs/index.ts';
import type { Organisation } from '../../src/platform/tenancy/index.ts';
import type { Role } from '../../src/platform/auth/index.ts';
import type { RouteEntry } from '../../src/app.ts';

/** A running Coproduce with the demo organisation, and a Chromium to drive it. */
export interface Harness {
  baseUrl: string;
  demo: Organisation;
  browser: Browser;
  /** Every route the application registered, as `app.routeCatalogue` lists them. */
  routes: readonly RouteEntry[];
  /** A browser context; `javaScript: false` for the no-script walk, `as` to sign in. */
  context(options?: ContextOptions): Promise<BrowserContext>;
  /**
   * Forgets the time step of the last authenticator code an account used, so
   * a browser test can sign in again at once instead of waiting up to 30
   * seconds for a new code. That each code works once is checked where it is
   * built (identity's service tests), not by waiting here.
   */
  forgetUsedCode(email: string): Promise<void>;
  /** Counts a page's Welsh, marked English and unmarked English (platform/testing/welsh.ts). */
  countWelsh(html: string): Promise<WelshCount>;
  close(): Promise<void>;
}

interface ContextOptions {
  javaScript?: boolean;
  as?: Role[];
  /** With `as`: the account's person on the register (a customer's own pages need one). */
  personId?: string;
  /** With `as`: the account's id, when the test gave it a right (e.g. a survey's co-author). */
  userId?: string;
}

const DEMO: Seed = {
  name: 'demo',
  make: async (database) => {
    await seedDemo(database);
  },
};

/** How each context was made, so that axe can check a script-free page in a twin. */
const made = new WeakMap<BrowserContext, { options: ContextOptions; harness: Harness }>();

export async function startHarness(
  setup?: (app: FastifyInstance) => void,
  options: { realSignIn?: boolean } = {},
): Promise<Harness> {
  // The demo is seeded once a run and copied for each file (see Seed).
  const testDb: TestDatabase = await createTestDatabase({ seed: DEMO });
  const { organisation: demo } = await seedDemo(testDb.database);
  const app = await createTestApp(testDb.database, setup, { headerSignIn: !options.realSignIn });
  // Delivers queued mail into the outbox, as the server's worker does.
  const worker = new Worker(testDb.database, { pollMs: 100 });
  worker.start();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  let counter: ((html: string) => WelshCount) | undefined;
  const harness: Harness = {
    baseUrl: `http://127.0.0.1:${port}`,
    demo,
    browser,
    routes: app.routeCatalogue,
    async context(options = {}) {
      const context = await browser.newContext({
        baseURL: `http://127.0.0.1:${port}`,
        javaScriptEnabled: options.javaScript ?? true,
        ...(options.as
          ? {
              extraHTTPHeaders: signedInAs(demo, options.as, [], {
                personId: options.personId ?? null,
                ...(options.userId ? { id: options.userId } : {}),
              }),
            }
          : {}),
      });
      context.setDefaultTimeout(10_000);
      made.set(context, { options, harness });
      return context;
    },
    async forgetUsedCode(email) {
      await testDb.database.system.execute(
        sql`update users set totp_last_epoch = null where email = ${email}`,
      );
    },
    async countWelsh(html) {
      counter ??= await welshCounter(testDb.database, demo.id);
      return counter(html);
    },
    async close() {
      await worker.stop();
      await browser.close();
      await app.close();
      await testDb.close();
    },
  };
  return harness;
}

/**
 * Fails with the list of WCAG 2.2 A/AA violations axe finds on the page, and
 * with the elements that make it scroll sideways at 320 CSS px (see
 * assertReflows). axe needs script, and with JavaScript off Chromium runs
 * none of it (axe's timers never fire), so a page open with JavaScript off is
 * checked as a copy: its markup as the browser has it, without its scripts,
 * served to a page that allows script. That checks what a person without
 * JavaScript sees, including a page that answered a POST.
 */
export async function assertAccessible(page: Page): Promise<void> {
  const origin = made.get(page.context());
  if (origin && origin.options.javaScript === false) {
    const copy = await copyPage(origin.harness);
    copy.markup = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
    await copy.page.goto(page.url());
    await check(copy.page);
    return;
  }
  await check(page);
}

/** The page each harness checks script-free pages in, and the markup it serves next. */
const copies = new WeakMap<Harness, { page: Page; markup: string }>();

async function copyPage(harness: Harness): Promise<{ page: Page; markup: string }> {
  let copy = copies.get(harness);
  if (!copy) {
    const context = await harness.context({ javaScript: true });
    const page = await context.newPage();
    const made: { page: Page; markup: string } = { page, markup: '' };
    // The document is the copied markup; its styles, fonts and pictures come
    // from the server as usual.
    await page.route('**/*', (route) =>
      route.request().isNavigationRequest()
        ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: made.markup })
        : route.continue(),
    );
    copies.set(harness, made);
    copy = made;
  }
  return copy;
}

/** axe-core's own script, put into each page it checks. */
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** The rule sets every page is held to. */
const AXE_TAGS = [
  'wcag2a',
  'wcag2aa',
  'wcag21a',
  'wcag21aa',
  'wcag22a',
  'wcag22aa',
  'best-practice',
];

/**
 * The page states this process has checked, by their markup with the
 * per-request tokens taken out: axe and the reflow walk give the same answer
 * on the same markup, so the JavaScript-off pass's twin, which mostly loads
 * what the JavaScript-on pass saw, is not checked twice.
 */
const checked = new Set<string>();

async function check(page: Page): Promise<void> {
  const state = await page.evaluate(() =>
    document.documentElement.outerHTML
      .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf"')
      .replace(/nonce="[^"]*"/g, ''),
  );
  const key = createHash('sha256').update(state).digest('base64');
  if (checked.has(key)) return;
  await assertReflows(page);
  // axe-core run in the page itself. AxeBuilder (@axe-core/playwright) sends
  // the 550 kB script into every frame on each call and finishes each run in
  // a new blank page: 1.3 to 2.8 s a page here against 0.15 to 0.9 s, and our
  // pages have no frames.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return results.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  }, AXE_TAGS);
  assert.deepEqual(found, [], `axe found problems on ${page.url()}`);
  checked.add(key);
}

/** The width WCAG 2.2 1.4.10 (Reflow) asks content to work at, in CSS pixels. */
export const REFLOW_WIDTH = 320;

/** What makes a page scroll sideways at 320 px: empty when it reflows. */
export interface ReflowProblem {
  /** A CSS path to the element, for the failure message. */
  element: string;
  /** What is wrong with it. */
  problem: string;
}

/**
 * Lays the page out at 320 CSS px wide (and back to its own size afterwards)
 * and lists what scrolls sideways: the document itself (with the elements
 * that stick out past the right edge), or any element that scrolls sideways
 * without being a focusable, labelled table region (`.app-table-region` with
 * role="region", a name, and tabindex="0"). A table region must hold a table
 * and be named by text that is on the page.
 */
export async function reflowProblems(page: Page): Promise<ReflowProblem[]> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: REFLOW_WIDTH, height: 640 });
  try {
    // tsx keeps function names by wrapping them in __name(), which the page lacks.
    await page.evaluate('globalThis.__name ??= (f) => f');
    return await page.evaluate((width) => {
      const problems: Array<{ element: string; problem: string }> = [];
      const path = (el: Element): string => {
        const parts: string[] = [];
        for (let e: Element | null = el; e && e !== document.body; e = e.parentElement) {
          let part = e.tagName.toLowerCase();
          if (e.id) {
            parts.unshift(`${part}#${e.id}`);
            break;
          }
          const classes = [...e.classList].filter((c) => !c.startsWith('govuk-!')).slice(0, 2);
          if (classes.length) part += `.${classes.join('.')}`;
          parts.unshift(part);
        }
        return parts.join(' > ');
      };
      const nameOf = (el: Element): string => {
        const label = el.getAttribute('aria-label')?.trim();
        if (label) return label;
        const ids = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean);
        return ids
          .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
          .join(' ')
          .trim();
      };
      const isTableRegion = (el: Element): boolean =>
        el.classList.contains('app-table-region') &&
        el.getAttribute('role') === 'region' &&
        el.getAttribute('tabindex') === '0' &&
        nameOf(el) !== '' &&
        el.querySelector('table') !== null;
      const hidden = (el: Element): boolean => {
        const style = getComputedStyle(el);
        return style.display === 'none' || style.visibility === 'hidden';
      };

      // Every table region is one a person can reach and knows the name of.
      for (const region of document.querySelectorAll('.app-table-region')) {
        if (!isTableRegion(region)) {
          problems.push({
            element: path(region),
            problem:
              'a table region needs role="region", tabindex="0", a name (aria-labelledby a caption or heading on the page) and a table',
          });
        }
      }

      const all = [...document.body.querySelectorAll('*')];
      // Elements that scroll sideways themselves: only labelled table regions may.
      for (const el of all) {
        if (el.scrollWidth <= el.clientWidth + 1) continue;
        const overflow = getComputedStyle(el).overflowX;
        if (overflow !== 'auto' && overflow !== 'scroll') continue;
        if (hidden(el) || isTableRegion(el)) continue;
        problems.push({
          element: path(el),
          problem: `scrolls sideways (${el.scrollWidth}px of content in ${el.clientWidth}px) outside a labelled table region`,
        });
      }

      // The document itself must not scroll sideways.
      const root = document.scrollingElement ?? document.documentElement;
      if (root.scrollWidth > width + 1) {
        // Report the outermost elements that stick out past the right edge,
        // not everything inside them.
        // Inside a scroll container the content may stick out; what is
        // positioned absolutely escapes a container that is not positioned.
        const clipped = (el: Element): boolean => {
          let escapes = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
          for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
            const style = getComputedStyle(e);
            if (style.overflowX !== 'visible' && !escapes) return true;
            if (style.position !== 'static') escapes = false;
          }
          return false;
        };
        const sticking = all.filter((el) => {
          if (hidden(el) || clipped(el)) return false;
          const box = el.getBoundingClientRect();
          return box.width > 0 && (box.right > width + 1 || box.left < -1);
        });
        const outermost = sticking.filter(
          (el) => !sticking.some((other) => other !== el && other.contains(el)),
        );
        // Containers keep the screen's width and let content overflow, so the
        // outermost element that sticks out is the one to fix.
        const culprits = outermost;
        for (const el of culprits.slice(0, 10)) {
          const box = el.getBoundingClientRect();
          problems.push({
            element: path(el),
            problem: `the page scrolls sideways: this is ${Math.round(box.width)}px wide, ending at ${Math.round(box.right)}px of ${width}px`,
          });
        }
        if (culprits.length === 0) {
          problems.push({
            element: 'html',
            problem: `the page scrolls sideways (${root.scrollWidth}px wide at ${width}px)`,
          });
        }
      }
      return problems;
    }, REFLOW_WIDTH);
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/** Fails, naming the offending elements, unless the page reflows at 320 px. */
export async function assertReflows(page: Page): Promise<void> {
  const problems = await reflowProblems(page);
  assert.deepEqual(
    problems.map((p) => `${p.element}: ${p.problem}`),
    [],
    `${page.url()} does not reflow at ${REFLOW_WIDTH}px`,
  );
}
