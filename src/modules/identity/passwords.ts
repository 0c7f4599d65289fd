import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

// About 49,000 passwords people use most, from zxcvbn-ts's common list.
const common = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

/**
 * The password rule: long enough and not a common password. No composition
 * rules (NCSC guidance): three random words pass, "Password1!" does not.
 * Returns the i18n key of the problem, or null.
 */
export function passwordProblem(
  password: string,
  context: { email?: string; name?: string } = {},
): string | null {
  if (password.length === 0) return 'identity.errors.passwordMissing';
  if (password.length < MIN_PASSWORD_LENGTH) return 'identity.errors.passwordShort';
  if (password.length > MAX_PASSWORD_LENGTH) return 'identity.errors.passwordLong';
  const lower = password.toLowerCase();
  const stripped = lower.replace(/[\d!@#$%^&*?.\s]+$/, '');
  if (common.has(lower) || common.has(stripped)) return 'identity.errors.passwordCommon';
  if (context.email && lower.includes(context.email.toLowerCase().split('@')[0] ?? '\u0000')) {
    return 'identity.errors.passwordCommon';
  }
  return null;
}

/** argon2id with the library's defaults (19 MiB, 2 passes: OWASP's minimum). */
export function hashPassword(password: string): Promise<string> {
  // 2 is Algorithm.Argon2id (a const enum, which isolated modules cannot import).
  return hash(password, { algorithm: 2 });
}

// Checked when no account matches, so that a missing account takes as long.
let dummy: Promise<string> | null = null;

export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  if (!passwordHash) {
    dummy ??= hashPassword('no account has this password');
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
