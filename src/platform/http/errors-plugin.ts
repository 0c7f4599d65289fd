import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorPageFor } from './errors.ts';
import { unsavableText } from './unsavable-text.ts';

function statusOf(error: FastifyError | AppError): number {
  if (error instanceof AppError) return error.statusCode;
  if (error.validation) return 400;
  const status = error.statusCode ?? 500;
  return status >= 400 && status < 600 ? status : 500;
}

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

/**
 * One error page for every failure: plain words, a reference for support, no
 * stack. The API answers in JSON with a stable code instead.
 */
export const errorPages = fp(
  async (app) => {
    app.setErrorHandler(async (error: FastifyError | AppError, request, reply: FastifyReply) => {
      const status = statusOf(error);
      const code =
        error instanceof AppError
          ? error.code
          : (error.code ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'));
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code, status }, 'request refused');
      reply.code(status);
      const messageKey = errorPageFor(
        error instanceof AppError ? error.messageKey : undefined,
        status,
      );
      if (isApi(request)) {
        return reply.send({ error: { code, status, reference: request.id } });
      }
      return reply.page('pages/error.njk', {
        messageKey,
        details: error instanceof AppError ? error.details : {},
        reference: status >= 500 ? request.id : null,
      });
    });

    // Refuses text that cannot be saved (a NUL byte) with this plugin's page.
    await app.register(unsavableText);

    app.setNotFoundHandler(async (request, reply) => {
      reply.code(404);
      if (isApi(request)) return reply.send({ error: { code: 'NOT_FOUND', status: 404 } });
      return reply.page('pages/error.njk', { messageKey: 'errors.notFound' });
    });
  },
  { name: 'error-pages', dependencies: ['views'] },
);
