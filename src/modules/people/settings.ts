import { z } from 'zod';
import { defineSettings } from '../../platform/manifest.ts';

/**
 * The register's settings (issue 4 §6 and §10), kept under "people" in the
 * organisation's settings. The page at /admin/register checks a change with
 * messages of its own, with the bounds it reads from here (boundsOf), so a
 * stored value is always one the page could have saved.
 */
export const registerSettings = defineSettings(
  'people',
  z.object({
    /** Counts below this are shown as "fewer than N" on staff pages. */
    suppressionStaff: z.number().int().min(2).max(50).default(5),
    /** Counts below this are shown as "fewer than N" in anything published. */
    suppressionPublished: z.number().int().min(2).max(50).default(10),
    /** People with no involvement for this many years are listed for review. */
    retentionYears: z.number().int().min(1).max(20).default(3),
  }),
);

type Field = keyof typeof registerSettings.schema.shape;

/** The bounds the schema sets on a whole-number setting, for the settings page's checks. */
export function boundsOf(field: Field): { min: number; max: number } {
  const number = registerSettings.schema.shape[field].unwrap();
  return { min: number.minValue ?? 0, max: number.maxValue ?? Number.MAX_SAFE_INTEGER };
}
