import type { Translator } from './index.ts';

/**
 * Marking English inside a Welsh page (issue 10 §2).
 *
 * Most of a page's words reach it through the GOV.UK macros as plain `text`
 * (a label, a hint, a button, a table cell), which the macros escape, so a
 * string with no trusted Welsh cannot carry its own `<span lang="en">` there.
 * Instead, on a page in another language than English, the templates' `text`
 * brackets such a string between two private-use characters, and the page is
 * finished by `markEnglish`: in content the brackets become
 * `<span lang="en">…</span>`; inside a tag (an attribute), a title, a text
 * area or a drawing (SVG, where an HTML span would end the drawing; its words
 * are read from its label) they are taken out, since nothing there can hold a
 * span; an option
 * or a text area whose words are English (a suggested message) gets
 * `lang="en"` itself. The brackets are private-use
 * code points, which no interface string and no escaping produces.
 */
export const ENGLISH_OPEN = '\uE000';
export const ENGLISH_CLOSE = '\uE001';

/**
 * The templates' `text`: the translator's plain text, bracketed as English
 * when the string has no translation in the page's language.
 */
export function bracketingEnglish(tr: Translator): Translator['text'] {
  if (tr.language === 'en') return tr.text;
  return (key, vars) => {
    const text = tr.text(key, vars);
    return tr.has(key) ? text : `${ENGLISH_OPEN}${text}${ENGLISH_CLOSE}`;
  };
}

/**
 * Words that are English whatever the page's language (an organisation's own
 * list label with no Welsh), to be marked lang="en" on a page.
 */
export const asEnglish = (text: string): string => `${ENGLISH_OPEN}${text}${ENGLISH_CLOSE}`;

/**
 * The organisation's own words for a page in `language` (a list label, a
 * rung's name): its Welsh where the page is Welsh and it gave some, else its
 * English, marked as English on a page in another language. Templates have
 * it as `ownWords(english, welsh)`. Not for files, mail or the database.
 */
export function ownWords(language: string, english: string, welsh?: string | null): string {
  if (language === 'cy' && welsh) return welsh;
  return language === 'en' || !english ? english : asEnglish(english);
}

/** The translator for text that goes into a page alone: its `text` brackets English. */
export function forPage(tr: Translator): Translator {
  return tr.language === 'en' ? tr : { ...tr, text: bracketingEnglish(tr) };
}

const BRACKETS = /[\uE000\uE001]/g;
/** A comment, or a tag with its attributes (quoted values may hold `>`). */
const TAG = /<!--[\s\S]*?-->|<\/?[a-zA-Z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>/g;
/** Elements whose content is text alone, where a span cannot go. */
const TEXT_ONLY = new Set(['title', 'textarea', 'script', 'style', 'option']);
/** Of those, the ones that take lang="en" themselves when their words are English. */
const MARKED_WHOLE = new Set(['option', 'textarea']);

/** Turns the brackets `bracketingEnglish` left into `lang="en"` marks a page can hold. */
export function markEnglish(html: string): string {
  if (!html.includes(ENGLISH_OPEN)) return html;
  const out: string[] = [];
  /** The element whose text-only content we are in, if any. */
  let inside: string | null = null;
  /** Where in `out` the open option or text area tag is, to mark it when its words are English. */
  let markAt = -1;
  /** How many drawings (svg) we are in. */
  let drawing = 0;
  let last = 0;
  const content = (text: string) => {
    if (!text) return;
    if (inside === null && drawing === 0) {
      out.push(
        text.replaceAll(ENGLISH_OPEN, '<span lang="en">').replaceAll(ENGLISH_CLOSE, '</span>'),
      );
      return;
    }
    if (
      inside !== null &&
      MARKED_WHOLE.has(inside) &&
      markAt >= 0 &&
      text.trim().startsWith(ENGLISH_OPEN)
    ) {
      out[markAt] = out[markAt]!.replace(/^<(option|textarea)\b/i, '<$1 lang="en"');
      markAt = -1;
    }
    out.push(text.replace(BRACKETS, ''));
  };
  for (const match of html.matchAll(TAG)) {
    content(html.slice(last, match.index));
    const tag = match[0].replace(BRACKETS, '');
    const name = /^<\/?([a-zA-Z][^\s/>]*)/.exec(tag)?.[1]?.toLowerCase();
    if (name === 'svg' && !tag.endsWith('/>'))
      drawing = Math.max(0, drawing + (tag.startsWith('</') ? -1 : 1));
    if (name && TEXT_ONLY.has(name)) {
      if (tag.startsWith('</')) {
        if (inside === name) inside = null;
      } else if (inside === null || (inside === 'option' && name === 'option')) {
        inside = name;
        markAt = MARKED_WHOLE.has(name) ? out.length : -1;
      }
    }
    out.push(tag);
    last = match.index + match[0].length;
  }
  content(html.slice(last));
  return out.join('');
}
