import type { Queryable } from '../../platform/db/index.ts';
import {
  contributions,
  namedContributions,
  type PersonDataHandler,
  type TimelineEntry,
} from '../../platform/manifest.ts';

/**
 * The register's extension points: modules that hold rows about a person
 * (participation, groups, feedback …) declare in their manifests a timeline
 * source and a person-data handler (merge, erasure, subject access), and the
 * register reads them from the installed modules without knowing their tables.
 */

export type { PersonDataHandler, TimelineEntry, TimelineSource } from '../../platform/manifest.ts';

/** A person's timeline from every source, newest first: one query per source. */
export async function personTimeline(
  tx: Queryable,
  personId: string,
  text: (key: string, vars?: Record<string, unknown>) => string,
): Promise<TimelineEntry[]> {
  const entries: TimelineEntry[] = [];
  for (const [, source] of namedContributions('timeline'))
    entries.push(...(await source(tx, personId, text)));
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** Every installed module's handler of person data, in module order. */
export function personDataHandlers(): readonly PersonDataHandler[] {
  return contributions('personData').flatMap(({ value }) => value);
}
