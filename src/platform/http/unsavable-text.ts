import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/**
 * A character PostgreSQL cannot keep in text: the NUL byte (`%00`). Any query
 * that carried one failed with a database error, so a person saw the 500 page
 * and lost what they had typed.
 */
const NUL = '\u0000';

/** A field's name as words for the page: `firstName` → "first name". */
function asWords(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_.[\]]+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The name of the first field of `values` whose text holds an unsavable character. */
function firstUnsavable(values: unknown): string | null {
  if (!values || typeof values !== 'object') return null;
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
    if (name.includes(NUL)) return name.replaceAll(NUL, '');
    const texts = Array.isArray(value) ? value : [value];
    if (texts.some((text) => typeof text === 'string' && text.includes(NUL))) return name;
  }
  return null;
}

/**
 * Refuses, with a 400 page that names the field, a request whose address or
 * form carries text that cannot be saved.
 */
export function refuseUnsavableText(request: FastifyRequest, where: 'address' | 'form'): void {
  const field =
    where === 'address'
      ? (firstUnsavable(request.params) ?? firstUnsavable(request.query))
      : firstUnsavable(request.body);
  if (field === null) return;
  throw new AppError(400, 'UNSAVABLE_CHARACTER', 'errors.unsavable', {
    details: { field: asWords(field) || field },
  });
}

/**
 * One check for every route, so no handler, query or log line ever sees a NUL
 * byte. The address (route parameters and query string) is checked on
 * request, once the organisation is known so the page can be rendered; the
 * form body (url-encoded, and multipart text fields, which the uploads reader
 * attaches before this runs) before the handler, after the form's CSRF check.
 *
 * Why a page and not the form again with a field message: only each route
 * knows how to re-render its own form, and a check there would have to be
 * repeated in some hundred handlers (and forgotten in the next). The page
 * names the field in words and says how to put it right; going back in the
 * browser shows the form with every answer still in it. The character comes
 * only from pasted text or a crafted request, so this is rare enough for that.
 */
export const unsavableText = fp(
  async (app) => {
    app.addHook('onRequest', async (request) => refuseUnsavableText(request, 'address'));
    app.addHook('preHandler', async (request) => refuseUnsavableText(request, 'form'));
  },
  { name: 'unsavable-text', dependencies: ['request-context'] },
);
