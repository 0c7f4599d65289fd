import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * Random bytes from the operating system's generator, as text, taken from a
 * pool filled a page at a time: each call to randomBytes starts a job of its
 * own, which made the nonces of a page a twentieth of its time. Every byte
 * is used once (Node's randomUUID keeps such a pool too).
 */
export function randomText(bytes: number, encoding: 'hex' | 'base64url'): string {
  if (offset + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(Math.max(POOL_BYTES, bytes)));
    offset = 0;
  }
  const text = pool.toString(encoding, offset, offset + bytes);
  offset += bytes;
  return text;
}
