import { createHash, randomBytes } from 'node:crypto';

/**
 * Tokens for links sent by email (sign-in, RSVP, confirming an address): 256
 * random bits in the link, only their sha256 in the database, so a copy of
 * the database opens no one's link.
 */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** What a link token can look like; anything else is refused before a query. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,100}$/;
