import type { Queryable } from '../../platform/db/index.ts';

/**
 * Extension points through which the modules that follow the register
 * (participation, groups, feedback …) take part in a person's page and rights
 * without the register knowing their tables: each registers once, when it is
 * imported, and answers for its own rows.
 */

/** One line on a person's timeline. */
export interface TimelineEntry {
  /** YYYY-MM-DD or an ISO timestamp: entries are sorted newest first. */
  at: string;
  /** Which module it comes from, e.g. "register", "participation". */
  source: string;
  /** Short heading, already in the reader's language. */
  title: string;
  /** Optional detail line. */
  detail?: string;
  href?: string;
}

/** One query's worth of entries for one person (a source must not query per entry). */
export type TimelineSource = (
  tx: Queryable,
  personId: string,
  text: (key: string, vars?: Record<string, unknown>) => string,
) => Promise<TimelineEntry[]>;

/** What another module holds about a person, for merge, erasure and subject access. */
export interface PersonDataHandler {
  /** Name of the section in a subject access export, e.g. "participation". */
  name: string;
  /** Everything it holds about the person, as plain JSON. */
  export(tx: Queryable, personId: string): Promise<unknown>;
  /** Moves its rows from one record to the other when two are merged. */
  merge(tx: Queryable, fromId: string, intoId: string): Promise<void>;
  /**
   * Removes the person's personal fields from its rows, keeping anonymous
   * facts (hours, attendance) so that counts stay right.
   */
  erase(
    tx: Queryable,
    person: { id: string; email: string | null },
  ): Promise<{ userIds?: string[] } | void>;
}

const timelineSources: Array<{ name: string; source: TimelineSource }> = [];
const dataHandlers: PersonDataHandler[] = [];

export function registerTimelineSource(name: string, source: TimelineSource): void {
  if (!timelineSources.some((s) => s.name === name)) timelineSources.push({ name, source });
}

export function registerPersonData(handler: PersonDataHandler): void {
  if (!dataHandlers.some((h) => h.name === handler.name)) dataHandlers.push(handler);
}

/** A person's timeline from every source, newest first: one query per source. */
export async function personTimeline(
  tx: Queryable,
  personId: string,
  text: (key: string, vars?: Record<string, unknown>) => string,
): Promise<TimelineEntry[]> {
  const entries: TimelineEntry[] = [];
  for (const { source } of timelineSources) entries.push(...(await source(tx, personId, text)));
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

export function personDataHandlers(): readonly PersonDataHandler[] {
  return dataHandlers;
}
