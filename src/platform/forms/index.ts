/**
 * The forms kit: one shape for a problem with a field, one way from problems
 * to what the GOV.UK macros take (the error summary and each field's message),
 * one reader for the GOV.UK date input, and one way to turn a unique-constraint
 * violation into a field message. Modules check meaning in their services and
 * hand the problems here; the views use macros/forms.njk.
 */
import type { Translator } from '../i18n/index.ts';

/** A problem with one field of a form: where it is and the i18n key that says how to fix it. */
export interface FieldProblem {
  /** The field's name; for a date input, its prefix (the boxes are name-day, name-month, name-year). */
  field: string;
  /** The i18n key of the message. */
  key: string;
  vars?: Record<string, unknown>;
  /**
   * The i18n key of the field's name as a message says it (a module's
   * fieldNames), given to the message as {{field}}: one message such as
   * "{{field}} must be 100 characters or fewer" serves every field and
   * still names the one at fault.
   */
  label?: string;
  /** The id the error summary links to when it is not the field's own (a date input's first wrong box). */
  href?: string;
}

/** One message as the GOV.UK macros take it: html (marked lang="en") only when it has no translation. */
export interface FormMessage {
  text: string;
  html?: string;
}

export type FormErrors = {
  /** For govukErrorSummary: each message, linking to its field. */
  errorList: Array<FormMessage & { href: string }>;
  /** For each field's errorMessage option. */
  errors: Record<string, FormMessage & { visuallyHiddenText: string }>;
};

/**
 * Turns problems into what the GOV.UK macros take: the summary list, each
 * message linking to its field, and each field's message (the first problem a
 * field has wins). A message with no translation in the reader's language is
 * shown in English, marked lang="en". Takes a list of problems or, for short
 * forms, a map of field → i18n key (empty keys are skipped).
 */
export function formErrors(
  tr: Translator,
  problems: readonly FieldProblem[] | Record<string, string | null | undefined>,
): FormErrors | null {
  const list: FieldProblem[] = Array.isArray(problems)
    ? [...problems]
    : Object.entries(problems)
        .filter((e): e is [string, string] => Boolean(e[1]))
        .map(([field, key]) => ({ field, key }));
  if (list.length === 0) return null;
  const errorList: FormErrors['errorList'] = [];
  const errors: FormErrors['errors'] = {};
  for (const p of list) {
    if (errors[p.field]) continue;
    const vars = p.label ? { ...p.vars, field: tr.text(p.label) } : p.vars;
    const message = formMessage(tr, p.key, vars);
    errorList.push({ ...message, href: `#${p.href ?? p.field}` });
    errors[p.field] = { ...message, visuallyHiddenText: tr.text('forms.errorPrefix') };
  }
  return { errorList, errors };
}

/** One message in the reader's language, or in English marked lang="en". */
export function formMessage(
  tr: Translator,
  key: string,
  vars?: Record<string, unknown>,
): FormMessage {
  const text = tr.text(key, vars);
  return tr.has(key) ? { text } : { text, html: String(tr.t(key, vars)) };
}

// ---------------------------------------------------------------------------
// The GOV.UK date input

const PARTS = ['day', 'month', 'year'] as const;
type Part = (typeof PARTS)[number];

/** Why a date input was refused, each with its own message. */
export type DateProblem = 'required' | 'missing' | 'notReal' | 'tooEarly' | 'tooLate';

export interface DateInputOptions {
  /** The question in words for the default messages, such as "date of birth". */
  label?: string;
  required?: boolean;
  /** The earliest and latest dates allowed, YYYY-MM-DD. */
  min?: string;
  max?: string;
  /**
   * The module's own i18n keys, by problem. Without one, a missing part falls
   * back to notReal, and the rest to the platform's forms.date.* messages.
   */
  keys?: Partial<Record<DateProblem, string>>;
}

export interface DateInput {
  /** YYYY-MM-DD; null when blank or refused. */
  iso: string | null;
  /** The boxes as typed, trimmed, to fill the form again: name-day, name-month, name-year. */
  values: Record<string, string>;
  problem: FieldProblem | null;
}

/** Whether YYYY-MM-DD names a real calendar date. */
export function isRealDate(iso: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** YYYY-MM-DD as a person types it into the boxes: "27 3 1961". */
const inWords = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return `${Number(d)} ${Number(m)} ${y}`;
};

const box = (value: unknown): string => {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one.trim() : '';
};

/**
 * Reads a GOV.UK date input (name-day, name-month, name-year) from a form or
 * query: the ISO date, the boxes to show again, and the one problem that says
 * precisely what is wrong ("must include a month", "must be a real date", a
 * range), linking to the first box that needs a change.
 */
export function readDateInput(
  body: Record<string, unknown> | undefined | null,
  name: string,
  options: DateInputOptions = {},
): DateInput {
  const typed = Object.fromEntries(PARTS.map((p) => [p, box(body?.[`${name}-${p}`])])) as Record<
    Part,
    string
  >;
  const values = Object.fromEntries(PARTS.map((p) => [`${name}-${p}`, typed[p]]));
  const label = options.label ?? '';
  const fail = (why: DateProblem, part: Part | null, vars: Record<string, unknown> = {}) => {
    const keys = options.keys ?? {};
    const key = keys[why] ?? (why === 'missing' ? keys.notReal : undefined) ?? `forms.date.${why}`;
    const problem: FieldProblem = {
      field: name,
      key,
      vars: { label, Label: label.charAt(0).toUpperCase() + label.slice(1), ...vars },
      href: `${name}-${part ?? 'day'}`,
    };
    return { iso: null, values, problem };
  };
  if (!typed.day && !typed.month && !typed.year)
    return options.required ? fail('required', 'day') : { iso: null, values, problem: null };
  const missing = PARTS.filter((p) => !typed[p]);
  if (missing.length > 0)
    return fail('missing', missing[0]!, { parts: missing.join(' and '), count: missing.length });
  if (!/^\d{1,2}$/.test(typed.day)) return fail('notReal', 'day');
  if (!/^\d{1,2}$/.test(typed.month)) return fail('notReal', 'month');
  if (!/^\d{4}$/.test(typed.year)) return fail('notReal', 'year');
  const iso = `${typed.year}-${typed.month.padStart(2, '0')}-${typed.day.padStart(2, '0')}`;
  if (!isRealDate(iso)) return fail('notReal', Number(typed.month) > 12 ? 'month' : 'day');
  if (options.min && iso < options.min)
    return fail('tooEarly', 'day', { min: inWords(options.min) });
  if (options.max && iso > options.max)
    return fail('tooLate', 'day', { max: inWords(options.max) });
  return { iso, values, problem: null };
}

/** The date input's boxes for a stored YYYY-MM-DD (blank boxes for none). */
export function dateInputValues(
  name: string,
  iso: string | null | undefined,
): Record<string, string> {
  const match = iso ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  return {
    [`${name}-day`]: match ? String(Number(match[3])) : '',
    [`${name}-month`]: match ? String(Number(match[2])) : '',
    [`${name}-year`]: match ? match[1]! : '',
  };
}

// ---------------------------------------------------------------------------
// Unique-constraint violations

/**
 * The name of the unique constraint a database error broke, or null when it is
 * not a unique violation (PostgreSQL's 23505). Works for pg and PGlite, and
 * looks through Drizzle's DrizzleQueryError, which keeps the driver's error as
 * its cause.
 */
export function uniqueViolation(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const e = current as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (e.code === '23505') return typeof e.constraint === 'string' ? e.constraint : '';
    current = e.cause;
  }
  return null;
}

/**
 * Runs a write and, when it breaks one of the named unique constraints, returns
 * the field problem that constraint maps to instead of throwing; anything else
 * is thrown as before.
 */
export async function problemOnUnique<T>(
  write: () => Promise<T>,
  constraints: Record<string, FieldProblem>,
): Promise<{ ok: true; value: T } | { ok: false; problem: FieldProblem }> {
  try {
    return { ok: true, value: await write() };
  } catch (error) {
    const constraint = uniqueViolation(error);
    const problem = constraint === null ? undefined : constraints[constraint];
    if (problem) return { ok: false, problem };
    throw error;
  }
}
