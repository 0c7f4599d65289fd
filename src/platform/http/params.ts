import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/** A UUID as PostgreSQL writes it. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The plain 404 page's error. */
export const notFound = () => new AppError(404, 'NOT_FOUND', 'errors.notFound');

/** A route's id parameter, or a 404 for anything that is not an id. */
export function idParam(request: FastifyRequest, name = 'id'): string {
  const id = (request.params as Record<string, string>)[name] ?? '';
  if (!UUID.test(id)) throw notFound();
  return id;
}
