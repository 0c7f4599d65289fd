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
export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
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
