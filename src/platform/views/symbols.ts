import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { ENGLISH_CLOSE, ENGLISH_OPEN } from '../i18n/mark-english.ts';

/**
 * Easy read's pictures, from an openly licensed symbol set shipped with the
 * product (issue 10 §3): OpenMoji (https://openmoji.org, CC BY-SA 4.0),
 * installed from npm as the `openmoji` package and credited on the
 * accessibility statement. Each picture is inlined, so a page needs no more
 * requests and prints sharp, and its words carry the meaning: without `alt`
 * the picture is hidden from screen readers, with it the picture is an image
 * with that name.
 *
 * [R] OpenMoji is an emoji set, not a symbol set made for people with
 * learning disabilities (Photosymbols is not open; Mulberry is not packaged
 * on the npm registry this project installs from). Its pictures are plain,
 * outlined and coloured, which is what the Easy Read guidance asks of a
 * picture; an organisation with its own licence for another set can replace
 * a code below.
 */
const CODES = {
  people: '1F465', // busts in silhouette
  person: '1F464', // bust in silhouette
  calendar: '1F4C5',
  decision: '2705', // check mark button
  action: '27A1', // right arrow
  paper: '1F4C4', // page facing up
  vote: '1F5F3', // ballot box with ballot
  talk: '1F4AC', // speech balloon
  said: '1F5E3', // speaking head
  download: '1F4E5', // inbox tray
  money: '1F4B7', // pound banknote
  home: '1F3E0',
  repair: '1F527', // wrench
  complaint: '1F4DD', // memo
  safe: '1F6E1', // shield
  star: '2B50',
} as const;
const FALLBACK = '2139'; // information

export type SymbolName = keyof typeof CODES;
export const SYMBOL_NAMES = Object.keys(CODES) as SymbolName[];

const require = createRequire(import.meta.url);
const folder = join(dirname(require.resolve('openmoji/package.json')), 'color', 'svg');
const drawings = new Map<string, string>();

/** The drawing inside the file's <svg>, without its ids (a page may show a picture twice). */
function drawing(name: string): string {
  const code = (CODES as Record<string, string>)[name] ?? FALLBACK;
  let inner = drawings.get(code);
  if (inner === undefined) {
    const file = readFileSync(join(folder, `${code}.svg`), 'utf8');
    inner = file
      .replace(/^[\s\S]*?<svg[^>]*>/, '')
      .replace(/<\/svg>\s*$/, '')
      .replace(/\s+id="[^"]*"/g, '')
      .trim();
    drawings.set(code, inner);
  }
  return inner;
}

const escapeAttribute = (value: string) =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A picture as inline SVG: `alt` names it for screen readers, or it is
 * decorative. Alt text with no Welsh on a Welsh page comes bracketed as
 * English (the templates' `text`); an attribute cannot hold a span, so the
 * picture itself is marked lang="en" and read with an English voice.
 */
export function symbolSvg(
  name: string,
  alt: string | undefined,
  { className = 'app-easy-picture', size = 96 }: { className?: string; size?: number } = {},
): string {
  let label = 'aria-hidden="true"';
  if (alt) {
    const english = alt.startsWith(ENGLISH_OPEN) && alt.endsWith(ENGLISH_CLOSE);
    const words = english ? alt.slice(ENGLISH_OPEN.length, -ENGLISH_CLOSE.length) : alt;
    label = `${english ? 'lang="en" ' : ''}role="img" aria-label="${escapeAttribute(words)}"`;
  }
  return `<svg class="${className}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 72 72" width="${size}" height="${size}" ${label} focusable="false">${drawing(name)}</svg>`;
}
