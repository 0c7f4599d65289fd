import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'otplib';
import autocannon from 'autocannon';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** The same server URL with another database name. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** The server the bench runs against: BENCH_DATABASE_URL or TEST_DATABASE_URL. */
export function adminUrlOrExit(): string {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    console.error(
      'The bench runs against PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL).',
    );
    process.exit(2);
  }
  return adminUrl;
}

/** Starts a node process and waits for its ready line; the first group of `ready` is the port. */
export function start(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve({ child, port: Number(match[1]), output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    setTimeout(() => reject(new Error(`did not start:\n${output}`)), 180_000);
  });
}

/** The environment `coproduce serve` runs with in the bench. */
export function serverEnv(databaseUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: databaseUrl,
    PORT: '0',
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    // The sign-up benchmark posts from one address, as a kiosk at an event does.
    SIGNUP_LIMIT_PER_ADDRESS: '1000000',
    SIGNUP_LIMIT_PER_OPPORTUNITY: '1000000',
    ...extra,
  };
}

export const SERVER_READY = /running at http:\/\/localhost:(\d+)/;

/** Starts `coproduce serve` (extra node flags first, e.g. a profiler preload). */
export function startApp(
  databaseUrl: string,
  nodeFlags: string[] = [],
  env: NodeJS.ProcessEnv = {},
) {
  return start(
    [...nodeFlags, 'bin/coproduce.mjs', 'serve'],
    serverEnv(databaseUrl, env),
    SERVER_READY,
  );
}

export interface Figures {
  requests: number;
  p50: number;
  p99: number;
  errors: number;
}

/** A short warm-up, then the measured run; a 303 (a form's redirect) counts as success. */
export async function measure(
  url: string,
  options: Partial<autocannon.Options> & { seconds?: number; warmup?: number } = {},
): Promise<Figures> {
  const { seconds = Number(process.env.BENCH_SECONDS ?? 10), warmup = 2, ...rest } = options;
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
  if (warmup > 0) await autocannon({ url, connections, duration: warmup, ...rest });
  const result = await autocannon({ url, connections, duration: seconds, ...rest });
  return {
    requests: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx - (result.statusCodeStats?.['303']?.count ?? 0),
  };
}

/** Cookies a response set, as a Cookie header. */
export function cookiesOf(response: Response, before = ''): string {
  const jar = new Map<string, string>();
  for (const pair of before.split('; ').filter(Boolean)) {
    const [name, ...value] = pair.split('=');
    jar.set(name!, value.join('='));
  }
  for (const set of response.headers.getSetCookie?.() ?? []) {
    const [pair] = set.split(';');
    const [name, ...value] = pair!.split('=');
    jar.set(name!, value.join('='));
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** A form's CSRF token and the cookies to send with it. */
export async function formToken(
  url: string,
  cookie = '',
  headers: Record<string, string> = {},
): Promise<{ token: string; cookie: string }> {
  const response = await fetch(url, { headers: { ...headers, cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1] ?? '';
  return { token, cookie: cookiesOf(response, cookie) };
}

/** The public sign-up form every bench posts: a visitor who consents, with the form's token. */
export function signUpBody(token: string): string {
  return new URLSearchParams({
    _csrf: token,
    firstName: 'Bench',
    lastName: 'Visitor',
    email: 'bench.visitor@example.org',
    channel: 'email',
    takePart: 'In person, in the mornings',
    consentRegister: 'yes',
    consentContact: 'yes',
  }).toString();
}

/** Signs a staff member in by password; returns the session's cookies. */
export async function signIn(
  base: string,
  email: string,
  password: string,
  headers: Record<string, string> = {},
  /** The account's authenticator secret, when it has one. */
  totpSecret?: string,
): Promise<string> {
  const form = await formToken(`${base}/sign-in`, '', headers);
  const response = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      ...headers,
      cookie: form.cookie,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ _csrf: form.token, email, password }).toString(),
  });
  let cookie = cookiesOf(response, form.cookie);
  if (totpSecret && response.headers.get('location') === '/sign-in/code') {
    // The second step, for an account with an authenticator.
    const step = await formToken(`${base}/sign-in/code`, cookie, headers);
    const answer = await fetch(`${base}/sign-in/code`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        ...headers,
        cookie: step.cookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        _csrf: step.token,
        code: await generate({ secret: totpSecret }),
      }).toString(),
    });
    cookie = cookiesOf(answer, step.cookie);
    if (answer.status !== 303) throw new Error(`${email}'s code was refused: ${answer.status}`);
  }
  if (response.status !== 303 || !cookie.includes('sid=')) {
    throw new Error(`could not sign in as ${email}: ${response.status}`);
  }
  return cookie;
}

/** Machine line for the notes. */
export function ratio(figures: Figures, ceiling: Figures): string {
  return (figures.requests / ceiling.requests).toFixed(3);
}

/**
 * CPU milliseconds a process has used (user + system), from /proc: on a
 * shared machine the CPU time a request costs is steadier than requests per
 * second. Null where /proc is not there.
 */
export function cpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the name).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}
