import type { Picture } from './definition.ts';
import { symbolSvg } from '../../platform/views/symbols.ts';

/**
 * The picture easy read puts beside a question (uk-standards.md §4), from the
 * symbol set the platform ships (platform/views/symbols.ts), with the
 * question's words as its accessible name.
 */
export function pictureSvg(picture: Picture, words: string): string {
  return symbolSvg(picture, words, { className: 'app-picture', size: 100 });
}
