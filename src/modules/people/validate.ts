/**
 * Checks and tidies what people type or import, field by field. Each problem
 * names its field and an i18n key (register.errors.*) that says how to fix it;
 * the form and the import share these rules so that both say the same thing.
 */

export interface FieldProblem {
  field: string;
  /** i18n key under register.errors */
  key: string;
  /** The field's name for the message ({{field}}), an i18n key: register.fieldNames.* */
  label?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// UK postcodes, with or without the space: "NE1 4AB", "ne14ab", "SW1A 1AA".
const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function tidy(value: unknown): string {
  return typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : '';
}

export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** "ne14ab" → "NE1 4AB"; null when it is not a UK postcode. */
export function normalisePostcode(value: string): string | null {
  const match = POSTCODE.exec(value.trim().toUpperCase().replace(/\s+/g, ' '));
  return match ? `${match[1]} ${match[2]}` : null;
}

/** A phone number people can type: digits, spaces, +, brackets and hyphens, 7 to 15 digits. */
export function validPhone(value: string): boolean {
  if (!/^[0-9+()\-\s]+$/.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15;
}

/** Whether YYYY-MM-DD names a real calendar date. */
export function validIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const UK_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

/**
 * A date as people in the UK write it (17/05/1980, 17-5-1980, 17.05.1980) or
 * as ISO (1980-05-17), as ISO; null when it is neither or not a real day.
 */
export function readUkOrIsoDate(value: string): string | null {
  if (validIsoDate(value)) return value;
  const match = UK_DATE.exec(value);
  if (!match) return null;
  const iso = `${match[3]}-${match[2]!.padStart(2, '0')}-${match[1]!.padStart(2, '0')}`;
  return validIsoDate(iso) ? iso : null;
}

/** Splits an import list cell: "a; b;c" → ["a", "b", "c"]. */
export function splitList(value: string): string[] {
  return value
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean);
}

export interface ContactFields {
  email: string | null;
  phone: string | null;
  postcode: string | null;
  dateOfBirth: string | null;
}

/** Checks and tidies the contact fields shared by the form and the import. */
export function checkContact(
  raw: { email?: string; phone?: string; postcode?: string; dateOfBirth?: string },
  today: string,
  problems: FieldProblem[],
  fieldNames: { email: string; phone: string; postcode: string; dateOfBirth: string } = {
    email: 'email',
    phone: 'phone',
    postcode: 'postcode',
    dateOfBirth: 'dateOfBirth',
  },
): ContactFields {
  const email = tidy(raw.email);
  const phone = tidy(raw.phone);
  const postcode = tidy(raw.postcode);
  const dateOfBirthText = tidy(raw.dateOfBirth);
  const dateOfBirth = readUkOrIsoDate(dateOfBirthText);
  const result: ContactFields = { email: null, phone: null, postcode: null, dateOfBirth: null };
  if (email) {
    if (EMAIL.test(email)) result.email = normaliseEmail(email);
    else problems.push({ field: fieldNames.email, key: 'email' });
  }
  if (phone) {
    if (validPhone(phone)) result.phone = phone;
    else problems.push({ field: fieldNames.phone, key: 'phone' });
  }
  if (postcode) {
    const normal = normalisePostcode(postcode);
    if (normal) result.postcode = normal;
    else problems.push({ field: fieldNames.postcode, key: 'postcode' });
  }
  if (dateOfBirthText) {
    if (!dateOfBirth) problems.push({ field: fieldNames.dateOfBirth, key: 'date' });
    else if (dateOfBirth > today || dateOfBirth < '1900-01-01')
      problems.push({ field: fieldNames.dateOfBirth, key: 'dateOfBirthRange' });
    else result.dateOfBirth = dateOfBirth;
  }
  return result;
}

/** Reads a day, month and year typed into the GOV.UK date input. '' when all are empty. */
export function dateFromParts(day: unknown, month: unknown, year: unknown): string {
  const d = tidy(day);
  const m = tidy(month);
  const y = tidy(year);
  if (!d && !m && !y) return '';
  return `${y.padStart(4, '0')}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}
