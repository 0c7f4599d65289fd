import { createHash, randomBytes } from 'node:crypto';

/**
 * Reproducible chance, for a drawing of lots and a stratified draw: anyone
 * with the seed and the list in the same order can make the same draw again,
 * with nothing but sha256. The rule, as it is shown to people:
 *
 *   for i from the last place down to the second: take the first 4 bytes of
 *   sha256("<seed>:<i>") as a number, divide by i + 1, and swap place i with
 *   the place the remainder names (counting from 0).
 *
 * (A Fisher–Yates shuffle; the remainder's bias is below one in 40 million
 * for lists of under a hundred people, far too small to favour anyone.)
 */
export function seededShuffle<T>(items: readonly T[], seed: string): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const digest = createHash('sha256').update(`${seed}:${i}`).digest();
    const j = digest.readUInt32BE(0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A fresh seed: 16 random bytes in hex, short enough to read out or print. */
export function newSeed(): string {
  return randomBytes(16).toString('hex');
}

/** What a seed may look like when someone types one in to make a draw again. */
export const SEED_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
