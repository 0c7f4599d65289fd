import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n as I18n } from 'i18next';
import nunjucks from 'nunjucks';

export const LANGUAGES = ['en', 'cy'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'cy';
}

const MODULES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../modules');
const PLATFORM_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Catalogue = Record<string, unknown>;

function deepMerge(into: Catalogue, from: Catalogue, file: string, prefix = ''): Catalogue {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    if (value && typeof value === 'object' && existing && typeof existing === 'object') {
      deepMerge(existing as Catalogue, value as Catalogue, file, `${prefix}${key}.`);
    } else if (existing !== undefined) {
      throw new Error(`${file} repeats the string ${prefix}${key}`);
    } else {
      into[key] = value;
    }
  }
  return into;
}

/**
 * The files a catalogue is made of: the platform's locales/<language>.json,
 * then the strings of platform parts that have their own
 * (src/platform/<part>/locales/*.<language>.json, such as periods), then each
 * module's own strings, src/modules/<module>/locales/*.<language>.json, so
 * that a module owns its words as it owns its tables and views.
 */
export function catalogueFiles(language: Language): string[] {
  const files = [fileURLToPath(new URL(`./locales/${language}.json`, import.meta.url))];
  for (const root of [PLATFORM_DIR, MODULES_DIR]) {
    for (const part of readdirSync(root).sort()) {
      const dir = path.join(root, part, 'locales');
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).sort())
        if (name.endsWith(`.${language}.json`)) files.push(path.join(dir, name));
    }
  }
  return files;
}

/** One language's whole catalogue; a key defined twice stops the start. */
export function loadCatalogue(language: Language): Catalogue {
  const catalogue: Catalogue = {};
  for (const file of catalogueFiles(language))
    deepMerge(catalogue, JSON.parse(readFileSync(file, 'utf8')) as Catalogue, file);
  return catalogue;
}

const load = loadCatalogue;

let instance: I18n | null = null;

/** The shared i18next instance, with both catalogues loaded synchronously. */
export function i18n(): I18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    initAsync: false,
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    resources: { en: { translation: load('en') }, cy: { translation: load('cy') } },
    interpolation: { escapeValue: true },
    returnNull: false,
  });
  instance = created;
  return created;
}

export interface Translator {
  language: Language;
  /**
   * Translated text as safe HTML for page content. A string with no trusted
   * translation comes back in English wrapped in a span with lang="en".
   */
  t(key: string, vars?: Record<string, unknown>): nunjucks.runtime.SafeString;
  /** Plain text for attributes, titles and macro options that escape. */
  text(key: string, vars?: Record<string, unknown>): string;
  /** Whether the string is shown in the page's own language (no fallback). */
  has(key: string): boolean;
}

/** Past this many remembered strings a language's memo starts again (keys are few). */
const MEMO_LIMIT = 20_000;
const translators = new Map<Language, Translator>();

/**
 * An organisation's own translations of interface strings for one language
 * (issue 10 §2, platform/i18n/overrides.ts): key to text, shown before the
 * shipped catalogue's. One object per organisation and version, so the
 * translator made for it (and its memo) is shared by every request until the
 * overrides change.
 */
export interface TranslationOverrides {
  readonly organisationId: string;
  readonly language: Language;
  /** Changes whenever the organisation's overrides do. */
  readonly version: string;
  readonly texts: ReadonlyMap<string, string>;
}

const overridden = new WeakMap<TranslationOverrides, Translator>();

/** Sets a dotted key's text in a nested catalogue, copying each object on the way. */
function setPath(catalogue: Catalogue, key: string, text: string): Catalogue {
  const [head, ...rest] = key.split('.');
  const copy: Catalogue = { ...catalogue };
  if (head === undefined) return copy;
  if (rest.length === 0) copy[head] = text;
  else {
    const inner = copy[head];
    copy[head] = setPath(
      inner && typeof inner === 'object' ? (inner as Catalogue) : {},
      rest.join('.'),
      text,
    );
  }
  return copy;
}

/**
 * The translator for one language: made once and shared (the catalogues do
 * not change while the process runs). A string asked for without variables,
 * as nearly every label is, is looked up in i18next once and remembered: the
 * lookups were a seventh of a page's time.
 *
 * With an organisation's overrides (the request's `translations`), the
 * translator reads them first and the shipped catalogue after: it is made
 * once per organisation and version (its own i18next instance over the
 * shipped catalogues with the overrides laid on top, so plurals and
 * placeholders behave exactly as in the shipped strings) and remembered
 * while that version is held, so a page costs the same as without.
 */
export function translator(language: Language, overrides?: TranslationOverrides): Translator {
  if (overrides && overrides.texts.size > 0 && overrides.language === language) {
    const own = overridden.get(overrides);
    if (own) return own;
    const shipped = i18n();
    let catalogue = (shipped.getResourceBundle(language, 'translation') ?? {}) as Catalogue;
    for (const [key, text] of overrides.texts) catalogue = setPath(catalogue, key, text);
    const inst = i18next.createInstance();
    void inst.init({
      initAsync: false,
      lng: 'en',
      fallbackLng: 'en',
      supportedLngs: [...LANGUAGES],
      resources: {
        en: { translation: shipped.getResourceBundle('en', 'translation') as Catalogue },
        [language]: { translation: catalogue },
      },
      interpolation: { escapeValue: true },
      returnNull: false,
    });
    const made = makeTranslator(language, inst);
    overridden.set(overrides, made);
    return made;
  }
  const made = translators.get(language);
  if (made) return made;
  const created = makeTranslator(language, i18n());
  translators.set(language, created);
  return created;
}

function makeTranslator(language: Language, inst: I18n): Translator {
  const hasMemo = new Map<string, boolean>();
  const htmlMemo = new Map<string, nunjucks.runtime.SafeString>();
  const textMemo = new Map<string, string>();
  const remember = <V>(memo: Map<string, V>, key: string, value: V): V => {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, value);
    return value;
  };
  const has = (key: string): boolean => {
    if (language === 'en') return true;
    const known = hasMemo.get(key);
    if (known !== undefined) return known;
    return remember(hasMemo, key, inst.exists(key, { lng: language, fallbackLng: false }));
  };
  const html = (key: string, vars?: Record<string, unknown>) => {
    const text = inst.t(key, { lng: language, ...vars }) as string;
    return new nunjucks.runtime.SafeString(has(key) ? text : `<span lang="en">${text}</span>`);
  };
  const plain = (key: string, vars?: Record<string, unknown>) =>
    inst.t(key, {
      lng: language,
      ...vars,
      interpolation: { escapeValue: false },
    }) as string;
  // A string with placeholders is remembered by its key and values too: the
  // same line with the same name comes back on every page (the organisation's
  // name, a count), and i18next's interpolation was a tenth of a page.
  const withVars = <V>(
    memo: Map<string, V>,
    key: string,
    vars: Record<string, unknown>,
    make: () => V,
  ): V => {
    let memoKey: string;
    try {
      memoKey = `${key}\u0000${JSON.stringify(vars)}`;
    } catch {
      return make();
    }
    return memo.get(memoKey) ?? remember(memo, memoKey, make());
  };
  return {
    language,
    has,
    t(key, vars) {
      if (vars) return withVars(htmlMemo, key, vars, () => html(key, vars));
      return htmlMemo.get(key) ?? remember(htmlMemo, key, html(key));
    },
    text(key, vars) {
      if (vars) return withVars(textMemo, key, vars, () => plain(key, vars));
      return textMemo.get(key) ?? remember(textMemo, key, plain(key));
    },
  };
}
export { asEnglish, bracketingEnglish, forPage, markEnglish, ownWords } from './mark-english.ts';
