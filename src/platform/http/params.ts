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

/**
 * A list's page number from the address: a whole number from 1. Anything
 * else ("abc", "-1", "0", "1.5", nothing) is the first page; past 100,000 is
 * 100,000 (the list then shows its last page: see lastPage).
 */
export function pageParam(value: unknown): number {
  const text = typeof value === 'string' ? value.trim() : '';
  return /^\d{1,15}$/.test(text) ? Math.min(100_000, Math.max(1, Number(text))) : 1;
}

/**
 * Which page of a list to show, and how many pages there are, for `total`
 * rows in pages of `size`: a page past the last is the last (an empty list
 * has one page, empty).
 */
export function pageWithin(asked: number, total: number, size: number) {
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(asked, pages);
  return { page, pages, offset: (page - 1) * size };
}
