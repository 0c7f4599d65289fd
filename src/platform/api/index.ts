import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { audit, type Actor } from '../audit/index.ts';
import { can, type Action, type PermissionRule } from '../auth/index.ts';
import type { Queryable } from '../db/index.ts';
import { apiTokens, type ApiTokenRow } from './tables.ts';

export { apiTokens, type ApiTokenRow } from './tables.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API token a `/api/v1` request came with, when it came with one. */
    apiToken?: { id: string; name: string };
  }
}

declare module '../auth/index.ts' {
  interface Actions extends Record<(typeof API_ACTIONS)[number], true> {}
}

export const API_ACTIONS = ['api-tokens:manage'] as const;

/** Administrators make and revoke API tokens. */
export const apiRule: PermissionRule = (user, action) =>
  action === 'api-tokens:manage' && user.roles.includes('admin') ? 'allow' : undefined;

const TOKEN_PREFIX = 'cpd_';

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A JSON error in the API's one shape: `{ "error": { "code", "message" } }`. */
export function apiError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).type('application/json').send({ error: { code, message } });
}

/**
 * Checks a `/api/v1` request: a bearer token made for this organisation that
 * may take the action, or else a signed-in member of staff who may. The
 * token is looked up inside the organisation's own transaction (row-level
 * security), so a token of one organisation is unknown on another's host.
 */
export function requireApiAccess(action: Action) {
  return async function apiGuard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1] || !match[1].startsWith(TOKEN_PREFIX)) {
        return apiError(
          reply,
          401,
          'UNAUTHORISED',
          'Send the token as "Authorization: Bearer cpd_…".',
        );
      }
      const hash = hashOf(match[1]);
      const token = await request.db(async (tx) => {
        const [row] = await tx
          .select({
            id: apiTokens.id,
            name: apiTokens.name,
            actions: apiTokens.actions,
            lastUsedAt: apiTokens.lastUsedAt,
          })
          .from(apiTokens)
          .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)));
        // Remembered to the minute: enough to tell a token in use from one that is not.
        if (row && (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)) {
          await tx
            .update(apiTokens)
            .set({ lastUsedAt: sql`now()` })
            .where(eq(apiTokens.id, row.id));
        }
        return row;
      });
      if (!token)
        return apiError(reply, 401, 'UNAUTHORISED', 'The token is not known here, or was revoked.');
      if (!token.actions.includes(action)) {
        return apiError(reply, 403, 'FORBIDDEN', `The token may not ${action}.`);
      }
      request.apiToken = { id: token.id, name: token.name };
      return;
    }
    const user = request.user;
    if (!user) return apiError(reply, 401, 'UNAUTHORISED', 'Sign in, or send an API token.');
    if (user.organisationId !== request.organisation.id || !can(user, action)) {
      return apiError(reply, 403, 'FORBIDDEN', `You may not ${action}.`);
    }
  };
}

/**
 * Route options for a `/api/v1` route, like `guard` for pages: they declare
 * the action (the routes catalogue and its test read it) and enforce it
 * before the body is read.
 */
export function apiAccess(action: Action) {
  return { config: { access: action, api: true }, onRequest: requireApiAccess(action) };
}

/** The actions an API token can be given: those the `/api/v1` routes declare. */
export function apiActions(routes: ReadonlyArray<{ url: string; access?: string }>): Action[] {
  return [
    ...new Set(
      routes
        .filter((r) => r.url.startsWith('/api/v1/') && r.access && r.access !== 'public')
        .map((r) => r.access as Action),
    ),
  ].sort();
}

/** The organisation's tokens, newest first (never the hash). */
export async function listApiTokens(tx: Queryable): Promise<Omit<ApiTokenRow, 'tokenHash'>[]> {
  return tx
    .select({
      organisationId: apiTokens.organisationId,
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      actions: apiTokens.actions,
      createdBy: apiTokens.createdBy,
      createdByName: apiTokens.createdByName,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .orderBy(desc(apiTokens.createdAt));
}

/** Makes a token; returns it in full, the only time it is seen. */
export async function createApiToken(
  tx: Queryable,
  actor: Actor,
  input: { name: string; actions: Action[] },
): Promise<{ id: string; token: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const [row] = await tx
    .insert(apiTokens)
    .values({
      organisationId: sql`app_organisation_id()`,
      name: input.name,
      tokenHash: hashOf(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      actions: input.actions,
      createdBy: actor.userId,
      createdByName: actor.label,
    })
    .returning({ id: apiTokens.id });
  if (!row) throw new Error('The token was not stored');
  await audit(tx, actor, {
    action: 'create',
    entity: 'api_token',
    entityId: row.id,
    after: { name: input.name, actions: input.actions },
  });
  return { id: row.id, token };
}

/** Revokes a token of the organisation; false when there is none by that id. */
export async function revokeApiToken(tx: Queryable, actor: Actor, id: string): Promise<boolean> {
  const [row] = await tx
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id, name: apiTokens.name });
  if (!row) return false;
  await audit(tx, actor, {
    action: 'revoke',
    entity: 'api_token',
    entityId: id,
    before: { name: row.name },
  });
  return true;
}
