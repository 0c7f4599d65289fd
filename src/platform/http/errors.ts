/**
 * An error a person may see: an HTTP status, a stable code for logs and the
 * API, and the i18n key of the plain-English page or message to show.
 */
export class AppError extends Error {
  readonly details: Record<string, string>;
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly messageKey: string,
    options?: {
      cause?: unknown;
      /** Values the page's words take, such as the field a message names. Never personal data. */
      details?: Record<string, string>;
    },
  ) {
    super(`${code}: ${messageKey}`, options?.cause === undefined ? {} : { cause: options.cause });
    this.details = options?.details ?? {};
    this.name = 'AppError';
  }
}

/** The pages the error page can show; each has a title and a body in the catalogue. */
export const ERROR_PAGES = new Set([
  'errors.notFound',
  'errors.forbidden',
  'errors.signInNeeded',
  'errors.tooLarge',
  'errors.tooMany',
  'errors.badRequest',
  'errors.serverError',
  'errors.csrf',
  'errors.unsavable',
]);

/**
 * The page to show for an error: the one it names when that is a page, else
 * the page for its status. A key such as `errors.notFound.title` (a message,
 * not a page) would otherwise show the raw key as the page's heading.
 */
export function errorPageFor(messageKey: string | undefined, statusCode: number): string {
  return messageKey && ERROR_PAGES.has(messageKey) ? messageKey : errorPageKey(statusCode);
}

/** The i18n key of the page shown for a status. */
export function errorPageKey(statusCode: number): string {
  if (statusCode === 404) return 'errors.notFound';
  if (statusCode === 403) return 'errors.forbidden';
  if (statusCode === 401) return 'errors.signInNeeded';
  if (statusCode === 413) return 'errors.tooLarge';
  if (statusCode === 429) return 'errors.tooMany';
  if (statusCode >= 400 && statusCode < 500) return 'errors.badRequest';
  return 'errors.serverError';
}
