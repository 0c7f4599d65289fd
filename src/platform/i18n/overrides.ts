import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../db/index.ts';
import { audit, type Actor } from '../audit/index.ts';
import { translationOverrides } from './tables.ts';
import { translator, type Language, type TranslationOverrides, type Translator } from './index.ts';

export { translationOverrides } from './tables.ts';

/**
 * How long a process trusts the overrides it holds for an organisation
 * before it reads their version again (milliseconds). A change made in this
 * process is seen at once (the writer forgets its copy); one made by another
 * process is seen within this time, the same as the organisation's own
 * settings (the request context remembers an organisation five seconds).
 */
export const OVERRIDES_CHECK_MS = 5_000;

interface Held {
  overrides: TranslationOverrides | undefined;
  version: string;
  checkedAt: number;
}
const held = new Map<string, Held>();
const heldKey = (organisationId: string, language: Language) => `${organisationId}:${language}`;

/**
 * The overrides' version (how many there are and the last change, one index
 * read) and the organisation the transaction is scoped to.
 */
async function overridesVersion(
  tx: Queryable,
  language: Language,
): Promise<{ organisationId: string | null; version: string }> {
  const result = await tx.execute(
    sql`select app_organisation_id()::text as organisation, count(*)::int as n, max(updated_at)::text as at
        from translation_overrides where language = ${language}`,
  );
  const row = (
    result as unknown as {
      rows: Array<{ organisation: string | null; n: number; at: string | null }>;
    }
  ).rows[0];
  return { organisationId: row?.organisation ?? null, version: `${row?.n ?? 0}:${row?.at ?? ''}` };
}

/** Reads the texts of a version and holds them for the organisation and language. */
async function readAndHold(
  tx: Queryable,
  organisationId: string,
  language: Language,
  version: string,
  now: number,
): Promise<TranslationOverrides | undefined> {
  // A version of none has no texts to read.
  const rows = version.startsWith('0:')
    ? []
    : await tx
        .select({ key: translationOverrides.key, text: translationOverrides.text })
        .from(translationOverrides)
        .where(eq(translationOverrides.language, language));
  const overrides: TranslationOverrides | undefined = rows.length
    ? { organisationId, language, version, texts: new Map(rows.map((r) => [r.key, r.text])) }
    : undefined;
  if (held.size >= 1_000) held.clear();
  held.set(heldKey(organisationId, language), { overrides, version, checkedAt: now });
  return overrides;
}

/**
 * The organisation's own translations for a language, for the request's
 * translator; undefined when it has none (the shipped translator serves, as
 * for English). Held in memory per organisation: the version (a count and the
 * last change) is read again at most every OVERRIDES_CHECK_MS, and the texts
 * only when it moved, so a page in Welsh costs no query in the common case.
 */
export async function organisationOverrides(
  database: Database,
  organisationId: string,
  language: Language,
  now = Date.now(),
): Promise<TranslationOverrides | undefined> {
  if (language === 'en') return undefined;
  const key = heldKey(organisationId, language);
  const hit = held.get(key);
  if (hit && now - hit.checkedAt < OVERRIDES_CHECK_MS) return hit.overrides;
  return database.withOrganisation(organisationId, async (tx) => {
    const { version } = await overridesVersion(tx, language);
    if (hit && hit.version === version) {
      hit.checkedAt = now;
      return hit.overrides;
    }
    return readAndHold(tx, organisationId, language, version, now);
  });
}

/**
 * The overrides of the organisation a transaction is scoped to, for a
 * language, read in that transaction: for a message rendered outside the
 * request that asked for it (a job, or mail in the reader's language rather
 * than the page's). Shares organisationOverrides' copy: one query (the
 * organisation and the version) when the texts have not moved; none for
 * English.
 */
export async function overridesIn(
  tx: Queryable,
  language: Language,
): Promise<TranslationOverrides | undefined> {
  if (language === 'en') return undefined;
  const { organisationId, version } = await overridesVersion(tx, language);
  if (!organisationId) return undefined;
  const hit = held.get(heldKey(organisationId, language));
  if (hit && hit.version === version) return hit.overrides;
  return readAndHold(tx, organisationId, language, version, Date.now());
}

/**
 * A translator for a language in the organisation's own words, for text made
 * in a transaction outside the request's language (a message to a person in
 * theirs), with the overrides it used, to pass on to queueMail.
 */
export async function translatorIn(
  tx: Queryable,
  language: Language,
): Promise<{ tr: Translator; translations: TranslationOverrides | undefined }> {
  const translations = await overridesIn(tx, language);
  return { tr: translator(language, translations), translations };
}

/**
 * translatorIn for a batch of messages to people of several languages: each
 * language's translator read once, on first asking.
 */
export function translatorsIn(
  tx: Queryable,
): (language: Language) => ReturnType<typeof translatorIn> {
  const held = new Map<Language, ReturnType<typeof translatorIn>>();
  return (language) => {
    let found = held.get(language);
    if (!found) {
      found = translatorIn(tx, language);
      held.set(language, found);
    }
    return found;
  };
}

/** Drops this process's copy, so the next request reads the version again. */
export function forgetOverrides(organisationId: string, language: Language): void {
  held.delete(heldKey(organisationId, language));
}

export interface OverrideRow {
  key: string;
  text: string;
  updatedBy: string;
  updatedAt: Date;
}

/** The organisation's overrides for a language, by key (in the caller's transaction). */
export async function listOverrides(
  tx: Queryable,
  language: Language,
): Promise<Map<string, OverrideRow>> {
  const rows = await tx
    .select({
      key: translationOverrides.key,
      text: translationOverrides.text,
      updatedBy: translationOverrides.updatedBy,
      updatedAt: translationOverrides.updatedAt,
    })
    .from(translationOverrides)
    .where(eq(translationOverrides.language, language));
  return new Map(rows.map((r) => [r.key, r]));
}

export interface OverridesChanged {
  added: number;
  changed: number;
  unchanged: number;
  removed: number;
}

/**
 * Saves the organisation's translations of some strings (already checked by
 * the caller) in the caller's transaction: a new or different text is
 * written and audited with what it was; an empty text removes the override.
 * `how` says where the change came from in the audit trail ("page",
 * "import", "cli").
 */
export async function saveOverrides(
  tx: Queryable,
  actor: Actor,
  language: Language,
  entries: ReadonlyArray<{ key: string; text: string }>,
  how: string,
): Promise<OverridesChanged> {
  const result: OverridesChanged = { added: 0, changed: 0, unchanged: 0, removed: 0 };
  if (entries.length === 0) return result;
  const keys = [...new Set(entries.map((e) => e.key))];
  const existing = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 1_000) {
    const rows = await tx
      .select({ key: translationOverrides.key, text: translationOverrides.text })
      .from(translationOverrides)
      .where(
        and(
          eq(translationOverrides.language, language),
          inArray(translationOverrides.key, keys.slice(i, i + 1_000)),
        ),
      );
    for (const row of rows) existing.set(row.key, row.text);
  }
  const writes: Array<{ key: string; text: string }> = [];
  const removals: string[] = [];
  for (const { key, text } of entries) {
    const before = existing.get(key);
    if (text === '') {
      if (before === undefined) {
        result.unchanged += 1;
        continue;
      }
      removals.push(key);
      existing.delete(key);
      result.removed += 1;
      await audit(tx, actor, {
        action: 'translation.removed',
        entity: 'translation_override',
        entityId: `${language}:${key}`,
        before: { text: before },
        after: { how },
      });
      continue;
    }
    if (before === text) {
      result.unchanged += 1;
      continue;
    }
    writes.push({ key, text });
    existing.set(key, text);
    if (before === undefined) result.added += 1;
    else result.changed += 1;
    await audit(tx, actor, {
      action: before === undefined ? 'translation.added' : 'translation.changed',
      entity: 'translation_override',
      entityId: `${language}:${key}`,
      before: before === undefined ? null : { text: before },
      after: { text, how },
    });
  }
  for (let i = 0; i < removals.length; i += 1_000)
    await tx
      .delete(translationOverrides)
      .where(
        and(
          eq(translationOverrides.language, language),
          inArray(translationOverrides.key, removals.slice(i, i + 1_000)),
        ),
      );
  for (let i = 0; i < writes.length; i += 500)
    await tx
      .insert(translationOverrides)
      .values(
        writes.slice(i, i + 500).map((w) => ({
          organisationId: sql`app_organisation_id()`,
          language,
          key: w.key,
          text: w.text,
          updatedBy: actor.label,
        })),
      )
      .onConflictDoUpdate({
        target: [
          translationOverrides.organisationId,
          translationOverrides.language,
          translationOverrides.key,
        ],
        set: {
          text: sql`excluded.text`,
          updatedBy: sql`excluded.updated_by`,
          updatedAt: sql`clock_timestamp()`,
        },
      });
  return result;
}

/** Forgets every organisation's copy (tests). */
export function forgetAllOverrides(): void {
  held.clear();
}
