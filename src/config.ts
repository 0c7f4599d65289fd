import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The whole configuration, read from the environment once at start-up. */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  baseUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  testDatabaseUrl: string | undefined;
  defaultOrg: string;
  sessionSecret: string | undefined;
  logLevel: string;
  /** SMTP server for outgoing mail, like smtp://user:pass@host:587; without it, the outbox. */
  smtpUrl: string | undefined;
  /** Fastify's trustProxy: false, a number of hops, or addresses of the proxies. */
  trustProxy: boolean | number | string;
  mailFrom: string;
  /**
   * Public sign-ups allowed from one address an hour, and to one opportunity
   * an hour. A kiosk at a tenants' event shares one address: raise the first.
   */
  signUpLimitPerAddress: number;
  signUpLimitPerOpportunity: number;
  /**
   * Seconds a client has to send a whole request, body included; the largest
   * upload (a 20 MB import) must arrive within it. REQUEST_TIMEOUT_SECONDS.
   */
  requestTimeoutSeconds: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Configuration error in ${variable}: ${message}`);
  }
}

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), {
    message: 'must be a PostgreSQL URL, like postgres://user:password@127.0.0.1:5432/coproduce',
  });

const schema = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(3000),
  HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  BASE_URL: z.url({ message: 'must be a full URL, like https://involve.example.org' }).optional(),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
  DATABASE_URL: postgresUrl.optional(),
  TEST_DATABASE_URL: postgresUrl.optional(),
  DEFAULT_ORG: z
    .string()
    .trim()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
      message: 'must be an organisation slug: lower-case letters, digits and hyphens',
    })
    .default('demo'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters long').optional(),
  SMTP_URL: z
    .string()
    .trim()
    .refine((v) => /^smtps?:\/\//.test(v), {
      message: 'must be an SMTP URL, like smtp://user:password@mail.example.org:587',
    })
    .optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .min(3, 'must be a sender, like Involvement Team <involve@example.org>')
    .optional(),
  TRUST_PROXY: z
    .string()
    .trim()
    .regex(/^(\d+|[0-9a-fA-F.:/,\s]+)$/, {
      message: 'must be a number of proxies, like 1, or their addresses, like 10.0.0.1',
    })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIGNUP_LIMIT_PER_ADDRESS: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(10),
  SIGNUP_LIMIT_PER_OPPORTUNITY: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(300),
  REQUEST_TIMEOUT_SECONDS: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(3600, 'must be at most 3600 (an hour)')
    .default(120),
} as const;

type Key = keyof typeof schema;

function read<K extends Key>(env: NodeJS.ProcessEnv, key: K): z.output<(typeof schema)[K]> {
  const raw = env[key];
  const result = schema[key].safeParse(raw === '' ? undefined : raw);
  if (!result.success) {
    throw new ConfigError(key, result.error.issues[0]?.message ?? 'is not valid');
  }
  return result.data as z.output<(typeof schema)[K]>;
}

/**
 * Reads and validates the environment. Throws a ConfigError that names the
 * variable at fault, so a bad setting stops the start at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = read(env, 'NODE_ENV');
  const port = read(env, 'PORT');
  const host = read(env, 'HOST');
  const databaseUrl = read(env, 'DATABASE_URL');
  const sessionSecret = read(env, 'SESSION_SECRET');
  if (nodeEnv === 'production' && databaseUrl && !sessionSecret) {
    throw new ConfigError(
      'SESSION_SECRET',
      'must be set in production on PostgreSQL, so that every server signs cookies alike',
    );
  }
  const shownHost = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(host) ? 'localhost' : host;
  return {
    env: nodeEnv,
    port,
    host,
    baseUrl: (read(env, 'BASE_URL') ?? `http://${shownHost}:${port}`).replace(/\/+$/, ''),
    dataDir: path.resolve(read(env, 'DATA_DIR')),
    databaseUrl,
    testDatabaseUrl: read(env, 'TEST_DATABASE_URL'),
    defaultOrg: read(env, 'DEFAULT_ORG'),
    sessionSecret,
    logLevel: read(env, 'LOG_LEVEL'),
    smtpUrl: read(env, 'SMTP_URL'),
    trustProxy: trustProxyFrom(read(env, 'TRUST_PROXY')),
    mailFrom: read(env, 'MAIL_FROM') ?? 'Coproduce <no-reply@localhost>',
    signUpLimitPerAddress: read(env, 'SIGNUP_LIMIT_PER_ADDRESS'),
    signUpLimitPerOpportunity: read(env, 'SIGNUP_LIMIT_PER_OPPORTUNITY'),
    requestTimeoutSeconds: read(env, 'REQUEST_TIMEOUT_SECONDS'),
  };
}

/**
 * The server's timeouts, as Fastify options. Fastify turns Node's request
 * timeout off (0), so a client that sends headers, or a body, and then never
 * finishes held a connection for as long as it liked; a few hundred such
 * clients would take every connection. Now:
 * - the headers must arrive within 20 seconds (or the request timeout, if shorter);
 * - the whole request, body included, within REQUEST_TIMEOUT_SECONDS (120 by
 *   default: a 20 MB import at 1.5 Mbit/s). Node can only set this for the
 *   whole server, not per route, so it is sized for the largest upload; every
 *   other body is at most 64 KB;
 * - a connection on which nothing moves for 5 seconds longer than that is closed;
 * - an idle kept-alive connection is closed after 72 seconds, longer than the
 *   60 seconds most load balancers keep one, so that they close first.
 * Node checks running requests against these every few seconds (at most 5).
 */
export function serverTimeouts(config: Pick<Config, 'requestTimeoutSeconds'>): {
  requestTimeout: number;
  connectionTimeout: number;
  keepAliveTimeout: number;
  http: { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number };
} {
  const requestTimeout = config.requestTimeoutSeconds * 1000;
  return {
    requestTimeout,
    // A silent socket is dropped a little after the request time, never at
    // the same moment: otherwise the idle timer and the request timer race,
    // and a stalled body is sometimes cut off with no 408 at all.
    connectionTimeout: requestTimeout + 5_000,
    keepAliveTimeout: 72_000,
    http: {
      headersTimeout: Math.min(20_000, requestTimeout),
      requestTimeout,
      connectionsCheckingInterval: Math.min(5_000, Math.ceil(requestTimeout / 4)),
    },
  };
}

/**
 * The session secret: from SESSION_SECRET, or on the embedded database one made
 * on first start and kept in the data folder (readable by its owner only).
 */
export function sessionSecretFor(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret;
  const file = path.join(config.dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

function trustProxyFrom(value: string | undefined): boolean | number | string {
  if (!value) return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
