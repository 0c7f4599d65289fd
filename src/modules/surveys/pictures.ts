import type { Picture } from './definition.ts';

/**
 * Simple pictures for easy read, drawn as inline SVG so they need no files
 * and print sharp. Each has words for screen readers; easy read puts the
 * picture beside the question it helps with (uk-standards.md §4).
 */
const DRAWINGS: Record<Picture, string> = {
  home: '<path d="M10 46 L50 12 L90 46" fill="none" stroke="#0b0c0c" stroke-width="6"/><rect x="22" y="44" width="56" height="44" fill="#ffdd00" stroke="#0b0c0c" stroke-width="4"/><rect x="42" y="62" width="16" height="26" fill="#0b0c0c"/>',
  repair:
    '<path d="M24 76 L60 40" stroke="#0b0c0c" stroke-width="10" stroke-linecap="round"/><circle cx="66" cy="32" r="16" fill="none" stroke="#0b0c0c" stroke-width="8"/><path d="M66 16 L66 32" stroke="#ffffff" stroke-width="8"/>',
  talk: '<path d="M12 20 H88 V66 H44 L26 84 V66 H12 Z" fill="#ffdd00" stroke="#0b0c0c" stroke-width="4"/><path d="M26 38 H74 M26 52 H60" stroke="#0b0c0c" stroke-width="5"/>',
  complaint:
    '<rect x="20" y="12" width="60" height="76" fill="#ffffff" stroke="#0b0c0c" stroke-width="4"/><path d="M32 30 H68 M32 44 H68 M32 58 H56" stroke="#0b0c0c" stroke-width="4"/><circle cx="70" cy="74" r="12" fill="#d4351c"/><path d="M70 67 V76 M70 80 V81" stroke="#ffffff" stroke-width="4"/>',
  people:
    '<circle cx="34" cy="30" r="12" fill="#0b0c0c"/><circle cx="66" cy="30" r="12" fill="#0b0c0c"/><path d="M14 84 C14 56 54 56 54 84 Z M46 84 C46 56 86 56 86 84 Z" fill="#1d70b8"/>',
  safe: '<path d="M50 10 L84 22 V48 C84 70 66 84 50 90 C34 84 16 70 16 48 V22 Z" fill="#00703c" stroke="#0b0c0c" stroke-width="4"/><path d="M34 50 L46 62 L68 38" fill="none" stroke="#ffffff" stroke-width="7"/>',
  star: '<path d="M50 8 L62 38 L94 38 L68 58 L78 90 L50 70 L22 90 L32 58 L6 38 L38 38 Z" fill="#ffdd00" stroke="#0b0c0c" stroke-width="4"/>',
};

/** The picture as SVG with its words as its accessible name. */
export function pictureSvg(picture: Picture, words: string): string {
  const alt = words.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<svg class="app-picture" viewBox="0 0 100 100" width="100" height="100" role="img" aria-label="${alt}" focusable="false">${DRAWINGS[picture]}</svg>`;
}
