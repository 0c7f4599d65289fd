import { randomInt } from 'node:crypto';
import { and, asc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import ipaddr from 'ipaddr.js';
import { generateSecret, generateURI, verify as verifyTotpCode } from 'otplib';
import { inOneStatement, rowsOf, type Queryable, type Write } from '../../platform/db/index.ts';
import { audit, type Actor } from '../../platform/audit/index.ts';
import type { CurrentUser, Role } from '../../platform/auth/index.ts';
import type { PersonDataHandler } from '../../platform/manifest.ts';
import { ROLES } from '../../platform/auth/index.ts';
import {
  authThrottle,
  authTokens,
  recoveryCodes,
  sessions,
  users,
  type UserRow,
} from './tables.ts';
import { hashToken, newToken } from '../../platform/http/link-tokens.ts';
import { hashPassword } from './passwords.ts';

export const SESSION_IDLE_MINUTES = 60;
export const SESSION_ABSOLUTE_HOURS = 12;
/** Wrong passwords in a row for one email before it is locked for a while. */
export const EMAIL_FAILURE_LIMIT = 5;
/** Failures from one address, across emails, before it is locked for a while. */
export const ADDRESS_FAILURE_LIMIT = 20;
export const LOCK_MINUTES = 15;

export const TOKEN_MINUTES = {
  'sign-in-link': 20,
  'password-reset': 60,
  invitation: 60 * 24 * 7,
  'first-admin': 60 * 24 * 7,
} as const;
export type TokenPurpose = keyof typeof TOKEN_MINUTES;

export { hashToken, newToken };

/** Whether an account is a customer's and nothing else (no staff role). */
export function isCustomerOnly(roles: readonly string[]): boolean {
  return roles.length > 0 && roles.every((role) => role === 'customer');
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The throttle key for an email: hashed, so the table holds no addresses. */
export function emailKey(email: string): string {
  return `email:${hashToken(normaliseEmail(email))}`;
}

/**
 * The key under which attempts from one network address are counted: an
 * IPv4 address, or an IPv6 address's /64 prefix, since one household or
 * phone is usually given a whole /64 and could otherwise take a new address
 * for every try (RFC 6177). Hashed, so the table of attempts does not
 * show addresses at a glance; a hash of an IPv4 address can be reversed by
 * trying them all, so this is pseudonymous, not anonymous.
 */
export function addressKey(ip: string): string {
  return `ip:${hashToken(networkOf(ip))}`;
}

function networkOf(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`;
}

export function toCurrentUser(
  user: UserRow,
  assistedBy: { id: string; name: string } | null = null,
): CurrentUser {
  return {
    assistedBy,
    id: user.id,
    organisationId: user.organisationId,
    name: user.name,
    roles: user.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    permissions: user.permissions,
    personId: user.personId,
  };
}

export async function findUserByEmail(tx: Queryable, email: string): Promise<UserRow | null> {
  const [row] = await tx
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)));
  return row ?? null;
}

export async function findUser(tx: Queryable, id: string): Promise<UserRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await tx.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

// ---------------------------------------------------------------- back-off

/** When the first locked key unlocks, or null if none is locked. */
export async function lockedUntil(tx: Queryable, keys: string[]): Promise<Date | null> {
  let until: Date | null = null;
  for (const key of keys) {
    const [row] = await tx
      .select({ lockedUntil: authThrottle.lockedUntil })
      .from(authThrottle)
      .where(and(eq(authThrottle.key, key), gt(authThrottle.lockedUntil, sql`now()`)));
    if (row?.lockedUntil && (!until || row.lockedUntil > until)) until = row.lockedUntil;
  }
  return until;
}

/**
 * The one statement that counts a failure (or a use) of a key, unless
 * `unlessLocked`: the count goes up (starting again at 1 when the last was
 * longer ago than the window); at the limit the key is locked for the window
 * and its count starts again; and counts older than a day are dropped, since
 * keys name people and networks (hashed) and serve no limit any more. With
 * `unlessLocked`, a key locked now is not counted. Its result is one row:
 * whether the key was locked (then, with `unlessLocked`, nothing counted).
 */
function countUse(key: string, limit: number, windowMinutes: number, unlessLocked: boolean) {
  const { writes, locked } = countUseWrites('', key, limit, windowMinutes, unlessLocked);
  return inOneStatement(writes, sql`select ${locked} as locked`);
}

/**
 * countUse's writes, to send with others in one statement (inOneStatement);
 * `locked` says whether the key was locked. Their names start with `prefix`.
 */
function countUseWrites(
  prefix: string,
  key: string,
  limit: number,
  windowMinutes: number,
  unlessLocked: boolean,
): { writes: Write[]; locked: SQL } {
  const window = sql`make_interval(mins => ${windowMinutes})`;
  const next = sql`case when auth_throttle.last_failure_at < now() - ${window} then 1 else auth_throttle.failures + 1 end`;
  const locked = sql.raw(`${prefix}locked`);
  return {
    writes: [
      {
        name: `${prefix}locked`,
        statement: sql`select 1 from auth_throttle
          where ${unlessLocked} and key = ${key} and locked_until > now()`,
      },
      {
        name: `${prefix}gone`,
        statement: sql`delete from auth_throttle
          where last_failure_at < now() - interval '1 day'
            and (locked_until is null or locked_until < now())
            and key <> ${key}`,
      },
      {
        name: `${prefix}counted`,
        statement: sql`insert into auth_throttle (organisation_id, key, failures, last_failure_at, locked_until)
          select app_organisation_id(), ${key},
            case when 1 >= ${limit} then 0 else 1 end, now(),
            case when 1 >= ${limit} then now() + ${window} end
          where not exists (select 1 from ${locked})
          on conflict (organisation_id, key) do update set
            failures = case when ${next} >= ${limit} then 0 else ${next} end,
            locked_until = case when ${next} >= ${limit} then now() + ${window}
              else auth_throttle.locked_until end,
            last_failure_at = now()
          returning 1`,
      },
    ],
    locked: sql`exists (select 1 from ${locked})`,
  };
}

/**
 * A use of a rate-limited key (as allowUse) as writes to send with others in
 * one statement: `allowed` is true when the use was allowed. A public form
 * sends them last, with its other writes, so the key's row is held only
 * until the commit; when not allowed, the caller rolls back.
 */
export function useWrites(
  key: string,
  limit: number,
  minutes: number,
): { writes: Write[]; allowed: SQL } {
  const { writes, locked } = countUseWrites('use_', key, limit, minutes, true);
  return { writes, allowed: sql`not ${locked}` };
}

/**
 * Counts a failure (or a use, for rate limits); locks the key once it
 * reaches the limit. One statement (countUse).
 */
export async function recordFailure(
  tx: Queryable,
  key: string,
  limit: number,
  windowMinutes = LOCK_MINUTES,
): Promise<void> {
  await tx.execute(countUse(key, limit, windowMinutes, false));
}

export async function clearFailures(tx: Queryable, key: string): Promise<void> {
  await tx.delete(authThrottle).where(eq(authThrottle.key, key));
}

/**
 * Whether a key is locked now, as a condition to put in another statement
 * (one read, no row locked): a public form refuses early with it, then counts
 * the use with allowUse at the end of its transaction.
 */
export function keyLocked(key: string): SQL {
  return sql`exists (select 1 from auth_throttle where key = ${key} and locked_until > now())`;
}

/**
 * A rate limit for public forms: true if this use is allowed. Uses the same
 * table as sign-in back-off, so it holds across servers.
 */
export async function allowUse(
  tx: Queryable,
  key: string,
  limit: number,
  minutes: number,
): Promise<boolean> {
  // One round trip: whether the key is locked, and the use counted if not.
  const [row] = rowsOf<{ locked: boolean }>(await tx.execute(countUse(key, limit, minutes, true)));
  return !row?.locked;
}

// ---------------------------------------------------------------- sessions

/** Starts a session; returns the cookie's token (only its hash is stored). */
export async function createSession(
  tx: Queryable,
  userId: string,
  options: { secondFactorPending?: boolean; assistedBy?: string } = {},
): Promise<string> {
  const { token, hash } = newToken();
  await tx.insert(sessions).values({
    organisationId: sql`app_organisation_id()`,
    tokenHash: hash,
    userId,
    expiresAt: sql`now() + make_interval(hours => ${SESSION_ABSOLUTE_HOURS})`,
    secondFactorPending: options.secondFactorPending ?? false,
    assistedBy: options.assistedBy ?? null,
  });
  return token;
}

export interface ResolvedSession {
  sessionId: string;
  user: UserRow;
  secondFactorPending: boolean;
  /** The member of staff helping, in assisted mode. */
  assistedBy: { id: string; name: string } | null;
}

/**
 * The session a cookie's token names, if it is live: not past its absolute
 * expiry, not idle too long, its user active. Touches it at most once a minute.
 */
export async function resolveSession(
  tx: Queryable,
  token: string,
): Promise<ResolvedSession | null> {
  const [row] = await tx
    .select({
      sessionId: sessions.id,
      secondFactorPending: sessions.secondFactorPending,
      assistedById: sessions.assistedBy,
      assistedByName: sql<
        string | null
      >`(select h.name from users h where h.id = ${sessions.assistedBy})`,
      stale: sql<boolean>`${sessions.lastSeenAt} < now() - interval '1 minute'`,
      user: users,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, hashToken(token)),
        gt(sessions.expiresAt, sql`now()`),
        gt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${SESSION_IDLE_MINUTES})`),
        eq(users.status, 'active'),
      ),
    );
  if (!row) return null;
  if (row.stale) {
    await tx
      .update(sessions)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(sessions.id, row.sessionId));
  }
  return {
    sessionId: row.sessionId,
    user: row.user,
    secondFactorPending: row.secondFactorPending,
    assistedBy: row.assistedById ? { id: row.assistedById, name: row.assistedByName ?? '' } : null,
  };
}

export async function endSession(tx: Queryable, token: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
}

/** Signs a user out everywhere: every session of theirs ends. */
export async function endAllSessions(tx: Queryable, actor: Actor, userId: string): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.userId, userId));
  await audit(tx, actor, { action: 'sign-out-everywhere', entity: 'user', entityId: userId });
}

// ---------------------------------------------------------------- single-use links

export async function createAuthToken(
  tx: Queryable,
  purpose: TokenPurpose,
  userId: string | null,
): Promise<string> {
  const { token, hash } = newToken();
  await tx.insert(authTokens).values({
    organisationId: sql`app_organisation_id()`,
    userId,
    purpose,
    tokenHash: hash,
    expiresAt: sql`now() + make_interval(mins => ${TOKEN_MINUTES[purpose]})`,
  });
  return token;
}

/** The condition that a link's token is this one, for this purpose, unused and unexpired. */
function liveToken(token: string, purpose: TokenPurpose) {
  return and(
    eq(authTokens.tokenHash, hashToken(token)),
    eq(authTokens.purpose, purpose),
    isNull(authTokens.usedAt),
    gt(authTokens.expiresAt, sql`now()`),
  );
}

/** A link's token if it is unused and unexpired, without using it (for the page it opens). */
export async function peekAuthToken(tx: Queryable, token: string, purpose: TokenPurpose) {
  const [row] = await tx.select().from(authTokens).where(liveToken(token, purpose));
  return row ?? null;
}

/** Uses a link's token: only once, and only before it expires. */
export async function consumeAuthToken(tx: Queryable, token: string, purpose: TokenPurpose) {
  const [row] = await tx
    .update(authTokens)
    .set({ usedAt: sql`now()` })
    .where(liveToken(token, purpose))
    .returning();
  return row ?? null;
}

// ---------------------------------------------------------------- second factor

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, organisation: string, email: string): string {
  return generateURI({ issuer: `${organisation} (Coproduce)`, label: email, secret });
}

/**
 * Checks a six-digit code, allowing one step of clock drift either way.
 * Returns the start of the time step it matched, or null.
 */
export async function checkTotp(secret: string, code: string): Promise<number | null> {
  const clean = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(clean)) return null;
  const result = await verifyTotpCode({ secret, token: clean, epochTolerance: 30 });
  if (!result.valid) return null;
  // The start of the 30-second step the code belongs to.
  return (Math.floor(Date.now() / 30_000) + result.delta) * 30;
}

/**
 * Accepts a user's code once: it must be right and of a later time step than
 * the last code they used, so a code seen over a shoulder cannot be replayed.
 */
export async function useTotpCode(tx: Queryable, user: UserRow, code: string): Promise<boolean> {
  if (!user.totpSecret) return false;
  const epoch = await checkTotp(user.totpSecret, code);
  if (epoch === null) return false;
  const [row] = await tx
    .update(users)
    .set({ totpLastEpoch: epoch })
    .where(
      and(
        eq(users.id, user.id),
        sql`(${users.totpLastEpoch} is null or ${users.totpLastEpoch} < ${epoch})`,
      ),
    )
    .returning({ id: users.id });
  return Boolean(row);
}

function recoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const part = () => Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join('');
  return `${part()}-${part()}`;
}

/** Turns on the second factor and makes ten recovery codes, shown once. */
export async function enableTotp(
  tx: Queryable,
  actor: Actor,
  userId: string,
  secret: string,
  /** The time step of the code that confirmed it: that code is now used. */
  epoch: number,
): Promise<string[]> {
  await tx
    .update(users)
    .set({ totpSecret: secret, totpEnabledAt: sql`now()`, totpLastEpoch: epoch })
    .where(eq(users.id, userId));
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  const codes = Array.from({ length: 10 }, recoveryCode);
  await tx.insert(recoveryCodes).values(
    codes.map((code) => ({
      organisationId: sql`app_organisation_id()`,
      userId,
      codeHash: hashToken(code),
    })),
  );
  await audit(tx, actor, { action: 'enable-two-factor', entity: 'user', entityId: userId });
  return codes;
}

/** Uses one recovery code, if it is one of the user's and unused. */
export async function useRecoveryCode(
  tx: Queryable,
  userId: string,
  code: string,
): Promise<boolean> {
  const clean = code.trim().toLowerCase();
  const [row] = await tx
    .update(recoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, hashToken(clean)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return Boolean(row);
}

// ---------------------------------------------------------------- accounts

export interface UserForm {
  email: string | null;
  name: string;
  roles: Role[];
  permissions: string[];
}

/** Every user of the organisation, by name. */
export async function listUsers(tx: Queryable) {
  return tx
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      roles: users.roles,
      permissions: users.permissions,
      status: users.status,
      totpEnabledAt: users.totpEnabledAt,
      lastSignInAt: users.lastSignInAt,
    })
    .from(users)
    .orderBy(asc(users.name));
}

function publicFields(user: Partial<UserRow>) {
  return {
    email: user.email,
    name: user.name,
    roles: user.roles,
    permissions: user.permissions,
    status: user.status,
  };
}

/** Makes an account. Staff are invited to set a password; customers sign in by link. */
export async function createUser(
  tx: Queryable,
  actor: Actor,
  form: UserForm & {
    status?: 'active' | 'invited';
    passwordHash?: string | null;
    /**
     * The person on the register the account is for. Left out, a customer's
     * account gets the one person with its email, if there is exactly one.
     */
    personId?: string | null;
  },
): Promise<UserRow> {
  const email = form.email ? normaliseEmail(form.email) : null;
  const personId =
    form.personId !== undefined
      ? form.personId
      : email && form.roles.includes('customer')
        ? await onlyPersonWithEmail(tx, email)
        : null;
  const [row] = await tx
    .insert(users)
    .values({
      organisationId: sql`app_organisation_id()`,
      email,
      name: form.name.trim(),
      roles: form.roles,
      permissions: form.permissions,
      status: form.status ?? 'active',
      passwordHash: form.passwordHash ?? null,
      personId,
    })
    .returning();
  await audit(tx, actor, {
    action: 'create',
    entity: 'user',
    entityId: row!.id,
    after: publicFields(row!),
  });
  return row!;
}

/** A person on the register as identity sees them, through the register's view. */
export interface RegisterPerson {
  id: string;
  reference: string;
  name: string;
  email: string | null;
  /** The account already linked to them, if any. */
  account: string | null;
}

async function findRegisterPerson(tx: Queryable, which: SQL): Promise<RegisterPerson | null> {
  const [row] = rowsOf<RegisterPerson>(
    await tx.execute(sql`
      select p.id, p.reference,
        concat_ws(' ', coalesce(p.preferred_name, p.first_name), p.last_name) as name,
        p.email, (select u.id from ${users} u where u.person_id = p.id) as account
      from register_people p where ${which} and p.erased_at is null`),
  );
  return row ?? null;
}

/** A person on the register an account may be made for (not erased), or null. */
export async function registerPerson(
  tx: Queryable,
  personId: string,
): Promise<RegisterPerson | null> {
  if (!/^[0-9a-f-]{36}$/i.test(personId)) return null;
  return findRegisterPerson(tx, sql`p.id = ${personId}`);
}

/**
 * Links an existing account to the person with this reference on the
 * register, or unlinks it when the reference is empty. Returns the problem's
 * message key, or null when done.
 */
export async function linkAccountToPerson(
  tx: Queryable,
  actor: Actor,
  userId: string,
  reference: string,
): Promise<string | null> {
  const wanted = reference.trim();
  const person = wanted ? await findRegisterPerson(tx, sql`p.reference = ${wanted}`) : null;
  if (wanted && !person) return 'identity.errors.personUnknown';
  if (person?.account && person.account !== userId) return 'identity.errors.personTaken';
  await tx
    .update(users)
    .set({ personId: person?.id ?? null })
    .where(eq(users.id, userId));
  await audit(tx, actor, {
    action: person ? 'link-person' : 'unlink-person',
    entity: 'user',
    entityId: userId,
    after: { personId: person?.id ?? null },
  });
  return null;
}

/**
 * The one person, not erased and with no account yet, whose email this is;
 * null when nobody or several people (a household) share it. The migration
 * that added users.person_id matched existing accounts by the same rule.
 */
export async function onlyPersonWithEmail(tx: Queryable, email: string): Promise<string | null> {
  const rows = rowsOf<{ id: string; taken: boolean }>(
    await tx.execute(sql`
      select p.id, exists (select 1 from ${users} u where u.person_id = p.id) as taken
      from register_people p
      where lower(p.email) = ${normaliseEmail(email)} and p.erased_at is null limit 2`),
  );
  return rows.length === 1 && !rows[0]!.taken ? rows[0]!.id : null;
}

/** Changes a user's name, roles, permissions or status. */
export async function updateUser(
  tx: Queryable,
  actor: Actor,
  id: string,
  change: Partial<Pick<UserRow, 'name' | 'roles' | 'permissions' | 'status'>>,
): Promise<UserRow | null> {
  const before = await findUser(tx, id);
  if (!before) return null;
  const [after] = await tx.update(users).set(change).where(eq(users.id, id)).returning();
  if (change.status === 'disabled') await tx.delete(sessions).where(eq(sessions.userId, id));
  await audit(tx, actor, {
    action: 'update',
    entity: 'user',
    entityId: id,
    before: publicFields(before),
    after: publicFields(after!),
  });
  return after ?? null;
}

/** Sets a new password, activates an invited account, and ends every session. */
export async function setPassword(
  tx: Queryable,
  actor: Actor,
  userId: string,
  password: string,
): Promise<void> {
  const passwordHash = await hashPassword(password);
  await tx
    .update(users)
    .set({
      passwordHash,
      status: sql`case when ${users.status} = 'invited' then 'active' else ${users.status} end`,
    })
    .where(eq(users.id, userId));
  await tx.delete(sessions).where(eq(sessions.userId, userId));
  await audit(tx, actor, { action: 'set-password', entity: 'user', entityId: userId });
}

export async function recordSignIn(
  tx: Queryable,
  actor: Actor,
  userId: string,
  method: string,
): Promise<void> {
  await tx
    .update(users)
    .set({ lastSignInAt: sql`now()` })
    .where(eq(users.id, userId));
  await audit(tx, actor, {
    action: 'sign-in',
    entity: 'user',
    entityId: userId,
    after: { method },
  });
}

/**
 * The accounts that belong to a person: those linked to them, and an unlinked
 * account with their email (made before accounts knew their person).
 */
function accountsOf(person: { id: string; email: string | null }) {
  const byPerson = eq(users.personId, person.id);
  return person.email
    ? or(
        byPerson,
        and(isNull(users.personId), sql`lower(${users.email}) = ${normaliseEmail(person.email)}`),
      )!
    : byPerson;
}

/**
 * A person's sign-in accounts, for subject access: when they were made and
 * last used, never secrets.
 */
export async function accountsForPerson(
  tx: Queryable,
  person: { id: string; email: string | null },
) {
  return tx
    .select({
      email: users.email,
      roles: users.roles,
      status: users.status,
      createdAt: users.createdAt,
      lastSignInAt: users.lastSignInAt,
    })
    .from(users)
    .where(accountsOf(person));
}

/**
 * Erasure: deletes the person's customer-only accounts (sessions, tokens and
 * codes go with them) and returns their ids, so the audit trail's copies can
 * be erased too. A staff account is left for an administrator to close
 * (erasing it here could lock the organisation out), but no longer points at
 * the erased record, so its anonymous facts stay anonymous.
 */
export async function eraseCustomerAccounts(
  tx: Queryable,
  person: { id: string; email: string | null },
): Promise<string[]> {
  const rows = await tx
    .delete(users)
    .where(and(accountsOf(person), sql`${users.roles} <@ array['customer']::text[]`))
    .returning({ id: users.id });
  await tx.update(users).set({ personId: null }).where(eq(users.personId, person.id));
  return rows.map((r) => r.id);
}

/**
 * Merging two people: the merged person's account moves to the kept person,
 * unless the kept person has one already (one account per person); then it
 * is left unlinked, for an administrator to close or keep.
 */
export async function moveAccount(tx: Queryable, fromId: string, intoId: string): Promise<void> {
  await tx.execute(sql`
    update ${users} set person_id = case
      when exists (select 1 from ${users} k where k.person_id = ${intoId}) then null
      else ${intoId}::uuid end
    where person_id = ${fromId}`);
}

/** Identity's part in merging, erasing and exporting a person (the register's rights). */
export const accountPersonData: PersonDataHandler = {
  name: 'signInAccounts',
  export: (tx, personId) =>
    // The register's own record gives the email for unlinked accounts.
    registerEmail(tx, personId).then((email) => accountsForPerson(tx, { id: personId, email })),
  merge: moveAccount,
  erase: async (tx, person) => ({ userIds: await eraseCustomerAccounts(tx, person) }),
};

async function registerEmail(tx: Queryable, personId: string): Promise<string | null> {
  const [row] = rowsOf<{ email: string | null }>(
    await tx.execute(sql`select email from register_people where id = ${personId}`),
  );
  return row?.email ?? null;
}
