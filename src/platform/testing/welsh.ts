import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import type { Database } from '../db/index.ts';
import { loadCatalogue, translator } from '../i18n/index.ts';
import { organisationOverrides } from '../i18n/overrides.ts';

/**
 * Counts a Welsh page's interface text (issue 10 §2): Welsh, English marked
 * lang="en", or English not marked, which a screen reader would read with a
 * Welsh voice. Only the interface's strings are counted (text equal to a
 * catalogue string, placeholders matching anything): names, dates and what
 * people wrote are neither. The organisation's own translations count as
 * Welsh. Used by the coverage test of every page and the Welsh browser
 * journey.
 */

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

function flatten(
  catalogue: Record<string, unknown>,
  prefix = '',
  into = new Map<string, string>(),
) {
  for (const [key, value] of Object.entries(catalogue)) {
    if (typeof value === 'string') into.set(`${prefix}${key}`, value);
    else if (value && typeof value === 'object') {
      flatten(value as Record<string, unknown>, `${prefix}${key}.`, into);
    }
  }
  return into;
}

/**
 * Whether a piece of text is one of the strings, placeholders matching
 * anything; a string with no word of its own once its placeholders and tags
 * are out ("{{name}}") tells nothing and is left out.
 */
function matcher(strings: string[]): (text: string) => boolean {
  const exact = new Set<string>();
  const patterns: string[] = [];
  for (const value of strings) {
    const text = squash(value);
    const parts = text.split(/\{\{[^}]*\}\}|<[^>]*>/);
    if (parts.length === 1) exact.add(text);
    else if (/[a-z]{3}/i.test(parts.join(''))) {
      patterns.push(`^${parts.map(escapeRegExp).join('.*?')}$`);
    }
  }
  // One alternation per hundred strings keeps the test quick over thousands.
  const joined: RegExp[] = [];
  for (let i = 0; i < patterns.length; i += 100) {
    joined.push(
      new RegExp(
        patterns
          .slice(i, i + 100)
          .map((p) => `(?:${p})`)
          .join('|'),
      ),
    );
  }
  return (text) => exact.has(text) || joined.some((p) => p.test(text));
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface WelshCount {
  welsh: number;
  marked: number;
  unmarked: string[];
}

/** Counts a page's interface text: Welsh, English marked lang="en", English not marked. */
function countPage(
  html: string,
  englishOnly: (text: string) => boolean,
  welshText: (text: string) => boolean,
): WelshCount {
  const count: WelshCount = { welsh: 0, marked: 0, unmarked: [] };
  const visit = (node: Node, lang: string) => {
    if (node.nodeName === '#text') {
      const text = squash((node as DefaultTreeAdapterMap['textNode']).value);
      if (!text) return;
      if (lang === 'en') count.marked += 1;
      else if (englishOnly(text)) count.unmarked.push(text);
      else if (welshText(text)) count.welsh += 1;
      return;
    }
    if (!('childNodes' in node)) return;
    const element = node as Element;
    // A title can hold no mark (the page's heading says the same, marked).
    if (['script', 'style', 'template', 'svg', 'title'].includes(element.nodeName)) return;
    const own = element.attrs?.find((a) => a.name === 'lang')?.value;
    const here = own ?? lang;
    const parts = element.childNodes ?? [];
    for (const child of parts) visit(child, here);
  };
  visit(parse(html), 'cy');
  return count;
}

/** A counter for pages shown to the organisation in Welsh. */
export async function welshCounter(
  database: Database,
  organisationId: string,
): Promise<(html: string) => WelshCount> {
  const overrides = await organisationOverrides(database, organisationId, 'cy');
  const cy = translator('cy', overrides);
  const english: string[] = [];
  const welsh: string[] = [];
  for (const [key, value] of flatten(loadCatalogue('en'))) {
    const lookup = key.replace(/_(zero|one|two|few|many|other)$/, '');
    if (cy.has(lookup)) welsh.push(cy.text(lookup, { count: 2 }));
    else english.push(value);
  }
  const isEnglish = matcher(english);
  const isWelsh = matcher(welsh);
  return (html) => countPage(html, (text) => isEnglish(text) && !isWelsh(text), isWelsh);
}

const ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b\d+\b/gi;

/** The kind of page an address is: its path with ids as :id, and its query's names. */
export function pageKind(url: URL): string {
  const keys = [...new Set(url.searchParams.keys())].filter((k) => k !== 'lang').sort();
  return `${url.pathname.replace(ID, ':id')}?${keys.join('&')}`;
}

/** A string as the baseline keeps it: a word with a figure in it (a date, a reference) is #. */
export const baselineText = (text: string) => text.slice(0, 100).replace(/[\w-]*\d[\w-]*/g, '#');

/**
 * The file of English each kind of page still shows unmarked, which
 * src/welsh-coverage.embedded.test.ts writes and checks.
 */
export const WELSH_BASELINE_FILE = fileURLToPath(
  new URL('../../welsh-coverage.baseline.json', import.meta.url),
);

let baseline: Record<string, string[]> | undefined;

/** The unmarked English of a page that the baseline does not hold. */
export function beyondBaseline(url: string, unmarked: string[]): string[] {
  baseline ??= JSON.parse(readFileSync(WELSH_BASELINE_FILE, 'utf8')) as Record<string, string[]>;
  const allowed = new Set(baseline[pageKind(new URL(url))] ?? []);
  return unmarked.filter((text) => !allowed.has(baselineText(text)));
}
