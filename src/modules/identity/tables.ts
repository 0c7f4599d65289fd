import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  organisationIdColumn,
  tenantForeignKey,
  tenantIsolation,
  tenantPrimaryKey,
} from '../../platform/db/tenant.ts';
import { people } from '../people/tables.ts';

/** Everyone who can sign in: staff with a password, customers by emailed link. */
export const users = pgTable(
  'users',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /**
     * Stored lower-case; unique within the organisation. Null for a customer
     * with no email, whom staff help to take part (assisted mode).
     */
    email: text('email'),
    name: text('name').notNull(),
    /** admin, involvement_lead, staff, board_member, customer */
    roles: text('roles')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Permissions a role does not give by itself, such as equality:read. */
    permissions: text('permissions')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** argon2id; null for customers, who sign in by link. */
    passwordHash: text('password_hash'),
    totpSecret: text('totp_secret'),
    totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
    /** The time step of the last code accepted: a code works once (ASVS 2.8.4). */
    totpLastEpoch: bigint('totp_last_epoch', { mode: 'number' }),
    /** active, invited (has not set up sign-in yet) or disabled */
    status: text('status').notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    /**
     * The person on the register this account belongs to: always, for a
     * customer made from the register; a member of staff may be one too.
     * Null for an account nobody has linked (staff, or an email that matched
     * no one person). Cleared if the person's record is deleted.
     */
    personId: uuid('person_id'),
  },
  (t) => [
    tenantPrimaryKey('users', t),
    uniqueIndex('users_email_idx').on(t.organisationId, t.email),
    tenantForeignKey(
      'users_person_id_people_id_fk',
      [t.organisationId, t.personId],
      [people.organisationId, people.id],
      'set null',
    ),
    // One account per person: a person who is staff and a customer has one
    // account with both roles, so "the person's account" is never ambiguous.
    uniqueIndex('users_person_idx')
      .on(t.organisationId, t.personId)
      .where(sql`person_id is not null`),
    tenantIsolation('users'),
  ],
).enableRLS();

/** One-use codes for when the authenticator app is not to hand. Stored hashed. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    userId: uuid('user_id').notNull(),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [
    tenantPrimaryKey('recovery_codes', t),
    tenantForeignKey(
      'recovery_codes_user_id_users_id_fk',
      [t.organisationId, t.userId],
      [users.organisationId, users.id],
      'cascade',
    ),
    index('recovery_codes_user_idx').on(t.userId),
    tenantIsolation('recovery_codes'),
  ],
).enableRLS();

/** Signed-in sessions, kept in the database so any server can serve any request. */
export const sessions = pgTable(
  'sessions',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** sha256 of the cookie's token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Password accepted, second factor still to come. */
    secondFactorPending: boolean('second_factor_pending').notNull().default(false),
    /** Assisted mode: the member of staff acting for this customer. */
    assistedBy: uuid('assisted_by'),
  },
  (t) => [
    tenantPrimaryKey('sessions', t),
    tenantForeignKey(
      'sessions_user_id_users_id_fk',
      [t.organisationId, t.userId],
      [users.organisationId, users.id],
      'cascade',
    ),
    tenantForeignKey(
      'sessions_assisted_by_users_id_fk',
      [t.organisationId, t.assistedBy],
      [users.organisationId, users.id],
      'cascade',
    ),
    // A cookie reaches its organisation by host name first, so the token is
    // looked up, and need be unique, only within it (docs/scaling.md).
    unique('sessions_token_hash_unique').on(t.organisationId, t.tokenHash),
    index('sessions_user_idx').on(t.userId),
    tenantIsolation('sessions'),
  ],
).enableRLS();

/** Single-use links: password reset, customer sign-in, invitations. Stored hashed. */
export const authTokens = pgTable(
  'auth_tokens',
  {
    organisationId: organisationIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    /** null for the first administrator's set-up link, which makes the account */
    userId: uuid('user_id'),
    /** password-reset, sign-in-link, invitation, first-admin */
    purpose: text('purpose').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantPrimaryKey('auth_tokens', t),
    tenantForeignKey(
      'auth_tokens_user_id_users_id_fk',
      [t.organisationId, t.userId],
      [users.organisationId, users.id],
      'cascade',
    ),
    // Links are used on their organisation's host name: unique within it.
    unique('auth_tokens_token_hash_unique').on(t.organisationId, t.tokenHash),
    tenantIsolation('auth_tokens'),
  ],
).enableRLS();

/**
 * Failed attempts counted per key (a hashed email, an address), so that
 * back-off holds across servers and restarts.
 */
export const authThrottle = pgTable(
  'auth_throttle',
  {
    organisationId: organisationIdColumn(),
    key: text('key').notNull(),
    failures: integer('failures').notNull().default(0),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.key] }), tenantIsolation('auth_throttle')],
).enableRLS();

export type UserRow = typeof users.$inferSelect;
