import { translator, type Translator } from '../../platform/i18n/index.ts';
import { PREFERRED_LANGUAGES } from './lists.ts';

/**
 * A person's preferred language is stored as a code (ISO 639: `en`, `cy`,
 * `pl`, `yue`; `bfi` for British Sign Language), as it always was, so mail in
 * Welsh, exports and imports read it unchanged. People choose and read it by
 * name: the form offers PREFERRED_LANGUAGES by name and takes any other
 * language by its name or code; imports take a name or a code.
 */

const CODE = /^[a-z]{2,3}$/;
const LISTED = new Set<string>(PREFERRED_LANGUAGES);

/** Whether a code is one the form offers by name. */
export function isListedLanguage(code: string): boolean {
  return LISTED.has(code);
}

/** English names of the two-letter ISO 639-1 languages, from the platform's ICU data. */
function isoNames(): Map<string, string> {
  const names = new Map<string, string>();
  const display = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (const a of letters)
    for (const b of letters) {
      const name = display.of(`${a}${b}`);
      if (name) names.set(`${a}${b}`, name);
    }
  return names;
}

let byName: Map<string, string> | null = null;
let nameOfCode: Map<string, string> | null = null;

const squash = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\u2018\u2019']/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** The lookups, made once: our labels first, then ICU's names of the ISO 639-1 languages. */
function lookups() {
  if (byName && nameOfCode) return { byName, nameOfCode };
  const en = translator('en');
  byName = new Map();
  nameOfCode = new Map();
  for (const [code, name] of isoNames()) {
    nameOfCode.set(code, name);
    byName.set(squash(name), code);
  }
  for (const code of PREFERRED_LANGUAGES) {
    const label = en.text(`register.languages.${code}`);
    nameOfCode.set(code, label);
    byName.set(squash(label), code);
    // "Farsi (Persian)" is also found as "Farsi"; "Chinese (Cantonese)" as "Cantonese".
    const outside = label.replace(/\s*\(.*\)$/, '');
    const inside = /\(([^)]+)\)$/.exec(label)?.[1];
    if (outside !== label && !['chinese'].includes(squash(outside)))
      byName.set(squash(outside), code);
    if (inside) byName.set(squash(inside), code);
  }
  byName.set('bsl', 'bfi');
  byName.set('mandarin chinese', 'cmn');
  byName.set('cantonese chinese', 'yue');
  return { byName, nameOfCode };
}

/**
 * The code of a language given by its code or its English name, in any case
 * ("Polish", "pl", "British Sign Language", "BSL"); null when it is neither.
 */
export function languageCode(given: string): string | null {
  const text = squash(given);
  if (!text) return null;
  const named = lookups().byName.get(text);
  if (named) return named;
  return CODE.test(text) ? text : null;
}

/** A language's name for a page: ours in the reader's language, else its English name, else the code. */
export function languageName(code: string, tr: Pick<Translator, 'text'>): string {
  if (isListedLanguage(code)) return tr.text(`register.languages.${code}`);
  return lookups().nameOfCode.get(code) ?? code;
}

/** A language's English name for a form's "another language" box (the code when it has none). */
export function englishLanguageName(code: string): string {
  return lookups().nameOfCode.get(code) ?? code;
}
