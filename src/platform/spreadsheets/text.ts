/** `YYYY-MM-DD` from a date's UTC parts: spreadsheets hold dates without a time zone. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * How a value reads in an export, before any CSV quoting: a date alone when
 * the time is midnight UTC (how we store dates), Yes/No for booleans, and
 * lists joined with "; " so they stay in one cell.
 */
export function plainText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (value instanceof Date) return dateText(value);
  if (Array.isArray(value)) return value.map(plainText).join('; ');
  return String(value);
}

function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
