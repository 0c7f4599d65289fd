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
 * `<span lang="en">…</span>`; inside a tag (an attribute), a title or a text
 * area they are taken out, since nothing there can hold a span; an option
 * whose words are English gets `lang="en"` itself. The brackets are private-use
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

/** The translator for text that goes into a page alone: its `text` brackets English. */
export function forPage(tr: Translator): Translator {
  return tr.language === 'en' ? tr : { ...tr, text: bracketingEnglish(tr) };
}

const BRACKETS = /[\uE000\uE001]/g;
/** A comment, or a tag with its attributes (quoted values may hold `>`). */
const TAG = /<!--[\s\S]*?-->|<\/?[a-zA-Z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>/g;
/** Elements whose content is text alone, where a span cannot go. */
const TEXT_ONLY = new Set(['title', 'textarea', 'script', 'style', 'option']);

/** Turns the brackets `bracketingEnglish` left into `lang="en"` marks a page can hold. */
export function markEnglish(html: string): string {
  if (!html.includes(ENGLISH_OPEN)) return html;
  const out: string[] = [];
  /** The element whose text-only content we are in, if any. */
  let inside: string | null = null;
  /** Where in `out` the open option tag is, to mark it when its words are English. */
  let optionAt = -1;
  let last = 0;
  const content = (text: string) => {
    if (!text) return;
    if (inside === null) {
      out.push(
        text.replaceAll(ENGLISH_OPEN, '<span lang="en">').replaceAll(ENGLISH_CLOSE, '</span>'),
      );
      return;
    }
    if (inside === 'option' && optionAt >= 0 && text.trim().startsWith(ENGLISH_OPEN)) {
      out[optionAt] = out[optionAt]!.replace(/^<option\b/i, '<option lang="en"');
    }
    out.push(text.replace(BRACKETS, ''));
  };
  for (const match of html.matchAll(TAG)) {
    content(html.slice(last, match.index));
    const tag = match[0].replace(BRACKETS, '');
    const name = /^<\/?([a-zA-Z][^\s/>]*)/.exec(tag)?.[1]?.toLowerCase();
    if (name && TEXT_ONLY.has(name)) {
      if (tag.startsWith('</')) {
        if (inside === name) inside = null;
      } else if (inside === null || (inside === 'option' && name === 'option')) {
        inside = name;
        if (name === 'option') optionAt = out.length;
      }
    }
    out.push(tag);
    last = match.index + match[0].length;
  }
  content(html.slice(last));
  return out.join('');
}
