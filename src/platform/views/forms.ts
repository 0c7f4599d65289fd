import type { Translator } from '../i18n/index.ts';

export type FormErrors = {
  /** For govukErrorSummary: each message, linking to its field. */
  errorList: Array<{ text: string; href: string }>;
  /** For each field's errorMessage option. */
  errors: Record<string, { text: string; visuallyHiddenText: string }>;
};

/** Turns field → i18n key into what the GOV.UK macros take. */
export function formErrors(
  tr: Translator,
  problems: Record<string, string | null | undefined>,
): FormErrors | null {
  const entries = Object.entries(problems).filter((e): e is [string, string] => Boolean(e[1]));
  if (entries.length === 0) return null;
  return {
    errorList: entries.map(([field, key]) => ({ text: tr.text(key), href: `#${field}` })),
    errors: Object.fromEntries(
      entries.map(([field, key]) => [
        field,
        { text: tr.text(key), visuallyHiddenText: tr.text('forms.errorPrefix') },
      ]),
    ),
  };
}

/** A form's text field, trimmed; '' when it is missing or not text. */
export const formText = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/**
 * Every value of a field that may come once or many times (a checkbox group):
 * a list of the non-empty strings, each once.
 */
export function formList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return [...new Set(list.filter((v): v is string => typeof v === 'string' && v !== ''))];
}
