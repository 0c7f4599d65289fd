import type { Queryable } from '../../platform/db/index.ts';
import type { Actor } from '../../platform/audit/index.ts';
import type { Language, TranslationOverrides } from '../../platform/i18n/index.ts';
import {
  listOverrides,
  saveOverrides,
  type OverridesChanged,
} from '../../platform/i18n/overrides.ts';
import { currentText, interfaceStrings } from './catalogue.ts';
import {
  checkEntries,
  looksLikePo,
  readCsv,
  readPo,
  toCsv,
  toPo,
  type ExportRow,
  type ReadProblem,
} from './files.ts';

export type ExportFormat = 'po' | 'csv';

/** The organisation's overrides as the translator takes them (read in the caller's transaction). */
export async function overridesIn(
  tx: Queryable,
  organisationId: string,
  language: Language,
): Promise<TranslationOverrides | undefined> {
  const rows = await listOverrides(tx, language);
  if (rows.size === 0) return undefined;
  return {
    organisationId,
    language,
    version: 'read',
    texts: new Map([...rows].map(([key, row]) => [key, row.text])),
  };
}

/** Every interface string with its current translation (the organisation's, else the shipped). */
export async function exportRows(
  tx: Queryable,
  organisationId: string,
  language: Language,
): Promise<ExportRow[]> {
  const overrides = await overridesIn(tx, organisationId, language);
  return interfaceStrings(language).list.map((s) => ({
    ...s,
    translation: currentText(language, s.key, overrides),
  }));
}

/** The export file's contents in a format. */
export async function exportFile(
  tx: Queryable,
  organisation: { id: string; slug: string },
  language: Language,
  format: ExportFormat,
): Promise<Buffer> {
  const rows = await exportRows(tx, organisation.id, language);
  return format === 'po'
    ? toPo(rows, language, organisation.slug)
    : Buffer.from(`\uFEFF${toCsv(rows)}\r\n`, 'utf8');
}

export type ImportOutcome =
  { ok: true; changed: OverridesChanged; fuzzy: number } | { ok: false; problems: ReadProblem[] };

/**
 * Loads a PO or CSV file into the organisation's overrides, all or nothing:
 * any problem (an unknown key, a translation of only spaces, a placeholder
 * or markup not kept exactly) refuses the whole file, each problem naming its
 * line and key. A translation the same as the one shown now changes nothing;
 * every change is audited (platform/i18n/overrides.ts).
 */
export async function importFile(
  tx: Queryable,
  actor: Actor,
  organisationId: string,
  language: Language,
  text: string,
  how: string,
): Promise<ImportOutcome> {
  const file = looksLikePo(text) ? readPo(text) : readCsv(text);
  const strings = interfaceStrings(language).byKey;
  const { problems, entries } = checkEntries(file, strings);
  if (problems.length > 0) return { ok: false, problems };
  const overrides = await overridesIn(tx, organisationId, language);
  const changes = entries.filter(
    (e) => e.text !== '' && e.text !== currentText(language, e.key, overrides),
  );
  const changed = await saveOverrides(tx, actor, language, changes, how);
  changed.unchanged += entries.length - changes.length;
  return { ok: true, changed, fuzzy: file.fuzzy };
}

/** A problem in words (English: the CLI's; the page says it through its catalogue). */
export function problemText(problem: ReadProblem): string {
  const at = `Line ${problem.line}${problem.key ? ` (${problem.key})` : ''}`;
  switch (problem.problem) {
    case 'unknownKey':
      return `${at}: there is no interface string with this key`;
    case 'noKey':
      return `${at}: the entry has no key (msgctxt or key column)`;
    case 'empty':
      return `${at}: the translation is only spaces; leave it empty if there is none`;
    case 'placeholders':
      return `${at}: keep the placeholders exactly as in the English: ${problem.detail}`;
    case 'markup':
      return `${at}: keep the markup (<a ...>) exactly as in the English`;
    case 'repeated':
      return `${at}: the key is in the file twice`;
    default:
      return `${at}: the file cannot be read as PO or CSV with key and welsh columns`;
  }
}
