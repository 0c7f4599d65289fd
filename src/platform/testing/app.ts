import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import type { CurrentUser, Role } from '../auth/index.ts';
import type { Database } from '../db/index.ts';
import type { ModuleManifest } from '../manifest.ts';
import { createOrganisation, type NewOrganisation, type Organisation } from '../tenancy/index.ts';

/**
 * Tests say who is signed in with this header. Only test apps read it; the
 * identity module's sessions take its place in the real application.
 */
export const TEST_USER_HEADER = 'x-test-user';
export const TEST_SESSION_SECRET = 'a test secret that is at least thirty-two characters';

async function userFromHeader(request: FastifyRequest): Promise<CurrentUser | null> {
  const raw = request.headers[TEST_USER_HEADER];
  if (typeof raw !== 'string') return null;
  return JSON.parse(raw) as CurrentUser;
}

/** An application on a test database, with the header-based test sign-in. */
export async function createTestApp(
  database: Database,
  setup?: (app: FastifyInstance) => void,
  options: {
    headerSignIn?: boolean;
    defaultOrg?: string;
    /** The modules to install instead of MODULES (a test module beside them). */
    modules?: readonly ModuleManifest[];
  } = {},
): Promise<FastifyInstance> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DEFAULT_ORG: options.defaultOrg ?? 'demo',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'coproduce-test-')),
  });
  const app = await buildApp({
    config,
    database,
    sessionSecret: TEST_SESSION_SECRET,
    // Header sign-in by default; real sessions (the identity module's) when asked.
    ...(options.headerSignIn === false ? {} : { resolveUser: userFromHeader }),
    logger: false,
    ...(options.modules ? { modules: options.modules } : {}),
    // Remembered for the whole test: on a busy machine a 5-second lookup cache
    // would expire mid-test and add its queries to a page's count at random.
    organisationCacheSeconds: 3600,
  });
  setup?.(app);
  await app.ready();
  return app;
}

let counter = 0;

/** Makes an organisation with defaults a test can override. */
export async function makeOrganisation(
  database: Database,
  overrides: Partial<NewOrganisation> = {},
): Promise<Organisation> {
  counter += 1;
  const slug = overrides.slug ?? `org-${process.pid}-${counter}`;
  return createOrganisation(database.system, {
    name: `Organisation ${counter}`,
    slug,
    ...overrides,
  });
}

/**
 * Headers that sign a test request in as a user with these roles in an
 * organisation; `account` names a real account and its person where a page
 * needs them (a customer's own pages).
 */
export function signedInAs(
  organisation: Organisation,
  roles: Role[],
  permissions: string[] = [],
  account: { id?: string; personId?: string | null } = {},
): Record<string, string> {
  const user: CurrentUser = {
    id: account.id ?? randomUUID(),
    organisationId: organisation.id,
    name: 'Test User',
    roles,
    permissions,
    personId: account.personId ?? null,
  };
  return { [TEST_USER_HEADER]: JSON.stringify(user) };
}
