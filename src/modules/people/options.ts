import { ownWords } from '../../platform/i18n/index.ts';
import { and, eq } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import type { Queryable } from '../../platform/db/index.ts';
import { DEFAULT_OPTIONS, OPTION_LISTS, type OptionList } from './lists.ts';
import { registerOptions } from './tables.ts';

export interface Option {
  code: string;
  label: string;
  labelCy: string | null;
  retired: boolean;
  /** Whether the organisation changed or added it (a default otherwise). */
  custom: boolean;
}

export type Options = Record<OptionList, Option[]>;

/**
 * Every configurable list of the organisation in one query: the defaults,
 * with the organisation's own rows renaming, retiring or adding entries.
 */
export async function loadOptions(tx: Queryable): Promise<Options> {
  const rows = await tx.select().from(registerOptions).orderBy(registerOptions.sortOrder);
  const result = {} as Options;
  for (const list of OPTION_LISTS) {
    const own = rows.filter((row) => row.list === list);
    const byCode = new Map(own.map((row) => [row.code, row]));
    const merged: Option[] = DEFAULT_OPTIONS[list].map(([code, label]) => {
      const row = byCode.get(code);
      return row
        ? { code, label: row.label, labelCy: row.labelCy, retired: row.retired, custom: true }
        : { code, label, labelCy: null, retired: false, custom: false };
    });
    const defaults = new Set<string>(DEFAULT_OPTIONS[list].map(([code]) => code));
    for (const row of own) {
      if (defaults.has(row.code)) continue;
      merged.push({
        code: row.code,
        label: row.label,
        labelCy: row.labelCy,
        retired: row.retired,
        custom: true,
      });
    }
    result[list] = merged;
  }
  return result;
}

/** The label of a code in a list, in the reader's language where the organisation gave one. */
export function optionLabel(options: Options, list: OptionList, code: string, language = 'en') {
  const option = options[list].find((o) => o.code === code);
  if (!option) return code;
  return language === 'cy' && option.labelCy ? option.labelCy : option.label;
}

/**
 * A list entry's label for a page: on a Welsh page with no Welsh label, the
 * English marked as English (platform/i18n/mark-english.ts). Not for files,
 * mail or the database, which take optionLabel.
 */
export function optionLabelOnPage(
  options: Options,
  list: OptionList,
  code: string,
  language = 'en',
): string {
  const option = options[list].find((o) => o.code === code);
  return option ? ownWords(language, option.label, option.labelCy) : code;
}

/** The codes a list accepts for new records (retired entries stay readable on old ones). */
export function activeCodes(options: Options, list: OptionList): Set<string> {
  return new Set(options[list].filter((o) => !o.retired).map((o) => o.code));
}

/** Turns a label into a code: "Peer mentor" → peer_mentor. */
export function codeFromLabel(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
}

export interface OptionInput {
  list: OptionList;
  code: string;
  label: string;
  labelCy?: string | null;
  retired?: boolean;
}

/** Adds an entry, or renames or retires one (a default included). */
export async function saveOption(tx: Queryable, actor: Actor, input: OptionInput): Promise<void> {
  const [before] = await tx
    .select()
    .from(registerOptions)
    .where(and(eq(registerOptions.list, input.list), eq(registerOptions.code, input.code)));
  await tx
    .insert(registerOptions)
    .values({
      organisationId: sql`app_organisation_id()`,
      list: input.list,
      code: input.code,
      label: input.label,
      labelCy: input.labelCy ?? null,
      retired: input.retired ?? false,
    })
    .onConflictDoUpdate({
      target: [registerOptions.organisationId, registerOptions.list, registerOptions.code],
      set: {
        label: input.label,
        labelCy: input.labelCy ?? null,
        retired: input.retired ?? false,
      },
    });
  await audit(tx, actor, {
    action: before ? 'update' : 'create',
    entity: 'register_option',
    entityId: `${input.list}:${input.code}`,
    before: before ?? null,
    after: input,
  });
}
