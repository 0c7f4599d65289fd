// The forms kit lives in platform/forms; these re-exports keep older imports working.
export { formErrors, type FormErrors } from '../forms/index.ts';

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
