import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalogue, translator, type Language } from '../../platform/i18n/index.ts';
import type { TranslationOverrides } from '../../platform/i18n/index.ts';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One interface string: its key, English, component and the files that use it. */
export interface InterfaceString {
  key: string;
  english: string;
  /** The key's first part: the component it belongs to (nav, forms, people...). */
  component: string;
  /** The view templates and route files (under src/) that name the key. */
  pages: string[];
}

/** The plural forms Welsh has that English does not (CLDR): asked for with a count. */
const EXTRA_PLURALS: Record<Language, string[]> = {
  en: [],
  cy: ['zero', 'two', 'few', 'many'],
};

function flatten(
  catalogue: Record<string, unknown>,
  prefix = '',
  into = new Map<string, string>(),
) {
  for (const [key, value] of Object.entries(catalogue)) {
    if (value && typeof value === 'object')
      flatten(value as Record<string, unknown>, `${prefix}${key}.`, into);
    else if (typeof value === 'string') into.set(`${prefix}${key}`, value);
  }
  return into;
}

function sourceFiles(dir: string, into: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'locales' && entry.name !== 'testing') sourceFiles(full, into);
    } else if (
      entry.name.endsWith('.njk') ||
      (entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.test.ts') &&
        !entry.name.endsWith('.d.ts'))
    )
      into.push(full);
  }
  return into;
}

const LITERAL = /['"]([A-Za-z][\w-]*(?:\.[\w-]+)+)['"]/g;

interface Strings {
  list: InterfaceString[];
  byKey: Map<string, InterfaceString>;
  /** View template (path under src/) to the keys it names. */
  templates: Map<string, string[]>;
}
const made = new Map<Language, Strings>();

/**
 * Every interface string a language can translate: each key of the English
 * catalogue, plus the plural forms the language has that English lacks (a
 * Welsh count of 3 asks for `_few`, which English never writes). Where a key
 * is used is found by reading the source once: a .njk template or a .ts file
 * that names the key as a literal (a key made up at run time is not found).
 */
export function interfaceStrings(language: Language): Strings {
  const done = made.get(language);
  if (done) return done;
  const english = flatten(loadCatalogue('en'));
  const list: InterfaceString[] = [];
  const byKey = new Map<string, InterfaceString>();
  const add = (key: string, text: string) => {
    const entry = { key, english: text, component: key.split('.')[0] ?? key, pages: [] };
    list.push(entry);
    byKey.set(key, entry);
  };
  // A plural's base ("people.count" for people.count_one) finds every form.
  const forms = new Map<string, string[]>();
  for (const [key, text] of english) {
    add(key, text);
    const plural = /^(.*)_(one|other)$/.exec(key);
    if (plural) forms.set(plural[1]!, [...(forms.get(plural[1]!) ?? []), key]);
  }
  for (const [base, keys] of forms) {
    const other = english.get(`${base}_other`);
    if (other === undefined) continue;
    for (const form of EXTRA_PLURALS[language]) {
      const key = `${base}_${form}`;
      if (!byKey.has(key)) {
        add(key, other);
        keys.push(key);
      }
    }
  }
  const templates = new Map<string, string[]>();
  for (const file of sourceFiles(SRC).sort()) {
    const text = readFileSync(file, 'utf8');
    const name = path.relative(SRC, file).split(path.sep).join('/');
    const found = new Set<string>();
    for (const match of text.matchAll(LITERAL)) {
      const literal = match[1]!;
      for (const key of byKey.has(literal) ? [literal] : (forms.get(literal) ?? [])) found.add(key);
    }
    for (const key of found) byKey.get(key)!.pages.push(name);
    if (name.endsWith('.njk') && found.size > 0) templates.set(name, [...found]);
  }
  const strings = { list, byKey, templates };
  made.set(language, strings);
  return strings;
}

/** The Welsh a string is shown with now (the organisation's, else the shipped), or ''. */
export function currentText(
  language: Language,
  key: string,
  overrides: TranslationOverrides | undefined,
): string {
  const own = overrides?.texts.get(key);
  if (own !== undefined) return own;
  const shipped = shippedCatalogue(language);
  return shipped.get(key) ?? '';
}

const shipped = new Map<Language, Map<string, string>>();
function shippedCatalogue(language: Language): Map<string, string> {
  let found = shipped.get(language);
  if (!found) {
    found = flatten(loadCatalogue(language));
    shipped.set(language, found);
  }
  return found;
}

export interface PageCoverage {
  template: string;
  translated: number;
  total: number;
  percent: number;
}

/** Each view template: how many of the strings it names are in the language. */
export function coverageByPage(
  language: Language,
  overrides: TranslationOverrides | undefined,
): PageCoverage[] {
  const tr = translator(language, overrides);
  const { templates } = interfaceStrings(language);
  return [...templates]
    .map(([template, keys]) => {
      const translated = keys.filter((key) => tr.has(key)).length;
      return {
        template,
        translated,
        total: keys.length,
        percent: Math.round((translated / keys.length) * 1000) / 10,
      };
    })
    .sort((a, b) => a.template.localeCompare(b.template));
}
