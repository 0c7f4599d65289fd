import { Writable } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../../config.ts';

/**
 * Errors without the values that came with them: a failed query's message
 * carries its parameters (names, emails), so only its SQL text, the database's
 * error code and message are kept.
 */
export function serializeError(error: Error & { code?: string; cause?: unknown; query?: string }) {
  const cause = error.cause as (Error & { code?: string }) | undefined;
  if (error.name === 'DrizzleQueryError' || typeof error.query === 'string') {
    return {
      type: error.name,
      query: error.query,
      code: cause?.code,
      message: cause?.message ?? 'query failed',
      stack: cause?.stack ?? error.stack ?? '',
    };
  }
  return { type: error.name, code: error.code, message: error.message, stack: error.stack ?? '' };
}

/**
 * Structured logs (pino) with no personal data: a request is logged by its
 * method, route and id, never its query string, body, cookies or the user's
 * name or email. Anything that looks like a credential is redacted anyway.
 */
export function loggerOptions(
  config: Config,
  output: NodeJS.WriteStream = process.stdout,
): FastifyServerOptions['logger'] {
  return {
    // Someone running it in a terminal reads lines of text beside the start
    // banner; anywhere else (a service manager, a pipe) the lines stay JSON.
    ...(output.isTTY && config.env !== 'production' ? { stream: readableLog(output) } : {}),
    level: config.env === 'test' ? 'silent' : config.logLevel,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        '*.password',
        '*.email',
        '*.token',
      ],
      remove: true,
    },
    serializers: {
      err: serializeError,
      req(request: { method: string; url: string; routeOptions?: { url?: string } }) {
        return {
          method: request.method,
          // The route pattern, not the URL: ids and query strings stay out of logs.
          route: request.routeOptions?.url ?? request.url.split('?')[0],
        };
      },
      res(reply: { statusCode: number }) {
        return { statusCode: reply.statusCode };
      },
    },
  };
}

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/**
 * The JSON log lines as text for a person at a terminal: the time, the level,
 * the message, then the request's method, route, status and time taken, and an
 * error's message and stack. What is logged is the same as in JSON.
 */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time =
    typeof entry.time === 'number' ? new Date(entry.time).toTimeString().slice(0, 8) : '';
  const level = (LEVELS[entry.level as number] ?? String(entry.level)).toUpperCase();
  const parts = [time, level.padEnd(5), String(entry.msg ?? '')];
  const req = entry.req as { method?: string; route?: string } | undefined;
  if (req?.method) parts.push(`${req.method} ${req.route ?? ''}`);
  const res = entry.res as { statusCode?: number } | undefined;
  if (res?.statusCode) parts.push(String(res.statusCode));
  if (typeof entry.responseTime === 'number') parts.push(`${Math.round(entry.responseTime)} ms`);
  let text = parts.filter(Boolean).join(' ');
  const err = entry.err as { message?: string; stack?: string } | undefined;
  if (err?.stack) text += `\n${err.stack}`;
  else if (err?.message) text += `: ${err.message}`;
  return text;
}

/** A stream pino writes JSON lines to, that writes them on as text. */
function readableLog(output: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) output.write(`${formatLogLine(line)}\n`);
      done();
    },
  });
}
