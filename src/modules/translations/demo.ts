import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DemoSeeder } from '../../platform/manifest.ts';
import { forgetOverrides } from '../../platform/i18n/overrides.ts';
import { importFile, problemText } from './service.ts';

/** The demo's Welsh overrides, from published GOV.UK Welsh (the file says where each is from). */
export const DEMO_OVERRIDES_FILE = fileURLToPath(
  new URL('../../demo/welsh-overrides.po', import.meta.url),
);

/**
 * Loads the demo organisation's own Welsh from a PO file through the same
 * import the page and `coproduce translations import` use, so the demo's
 * Welsh overrides are what an imported file makes.
 */
export const seedTranslationsDemo: DemoSeeder = async (tx, demo) => {
  const outcome = await importFile(
    tx,
    { userId: null, label: 'demo', ip: null },
    demo.organisationId,
    'cy',
    readFileSync(DEMO_OVERRIDES_FILE, 'utf8'),
    'demo',
  );
  if (!outcome.ok)
    throw new Error(
      `The demo's Welsh does not import: ${outcome.problems.map(problemText).join('; ')}`,
    );
  forgetOverrides(demo.organisationId, 'cy');
};
