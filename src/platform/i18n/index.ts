import { readFileSync } from 'node:fs';
import i18next, { type i18n as I18n } from 'i18next';
import nunjucks from 'nunjucks';

export const LANGUAGES = ['en', 'cy'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'cy';
}

function load(language: Language): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./locales/${language}.json`, import.meta.url), 'utf8'));
}

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

/** A translator for one language; cheap to create per request. */
export function translator(language: Language): Translator {
  const inst = i18n();
  const has = (key: string) =>
    language === 'en' || inst.exists(key, { lng: language, fallbackLng: false });
  return {
    language,
    has,
    t(key, vars) {
      const html = inst.t(key, { lng: language, ...vars }) as string;
      if (has(key)) return new nunjucks.runtime.SafeString(html);
      return new nunjucks.runtime.SafeString(`<span lang="en">${html}</span>`);
    },
    text(key, vars) {
      return inst.t(key, {
        lng: language,
        ...vars,
        interpolation: { escapeValue: false },
      }) as string;
    },
  };
}
