import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../src/platform/testing/db.ts';
import { createTestApp, signedInAs } from '../../src/platform/testing/app.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { Worker } from '../../src/platform/jobs/index.ts';
import type { Organisation } from '../../src/platform/tenancy/index.ts';
import type { Role } from '../../src/platform/auth/index.ts';

/** A running Coproduce with the demo organisation, and a Chromium to drive it. */
export interface Harness {
  baseUrl: string;
  demo: Organisation;
  browser: Browser;
  /** A browser context; `javaScript: false` for the no-script walk, `as` to sign in. */
  context(options?: ContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

interface ContextOptions {
  javaScript?: boolean;
  as?: Role[];
  /** With `as`: the account's person on the register (a customer's own pages need one). */
  personId?: string;
}

/** How each context was made, so that axe can check a script-free page in a twin. */
const made = new WeakMap<BrowserContext, { options: ContextOptions; harness: Harness }>();

export async function startHarness(
  setup?: (app: FastifyInstance) => void,
  options: { realSignIn?: boolean } = {},
): Promise<Harness> {
  const testDb: TestDatabase = await createTestDatabase();
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
  const harness: Harness = {
    baseUrl: `http://127.0.0.1:${port}`,
    demo,
    browser,
    async context(options = {}) {
      const context = await browser.newContext({
        baseURL: `http://127.0.0.1:${port}`,
        javaScriptEnabled: options.javaScript ?? true,
        ...(options.as
          ? {
              extraHTTPHeaders: signedInAs(demo, options.as, [], {
                personId: options.personId ?? null,
              }),
            }
          : {}),
      });
      context.setDefaultTimeout(10_000);
      made.set(context, { options, harness });
      return context;
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
 * Fails with the list of WCAG 2.2 A/AA violations axe finds on the page. axe
 * is a script, so a page open with JavaScript off is checked in a twin context
 * (same sign-in, same cookies) that loads the same address.
 */
export async function assertAccessible(page: Page): Promise<void> {
  const origin = made.get(page.context());
  if (origin && origin.options.javaScript === false) {
    const twin = await origin.harness.context({ ...origin.options, javaScript: true });
    try {
      await twin.addCookies(await page.context().cookies());
      const twinPage = await twin.newPage();
      await twinPage.goto(page.url());
      await check(twinPage);
    } finally {
      await twin.close();
    }
    return;
  }
  await check(page);
}

async function check(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'])
    .analyze();
  const found = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  assert.deepEqual(found, [], `axe found problems on ${page.url()}`);
}
