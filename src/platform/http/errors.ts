/**
 * An error a person may see: an HTTP status, a stable code for logs and the
 * API, and the i18n key of the plain-English page or message to show.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly messageKey: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${messageKey}`, options);
    this.name = 'AppError';
  }
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
