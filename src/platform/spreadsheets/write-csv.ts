import { Readable } from 'node:stream';
import { plainText } from './text.ts';

/** Excel reads a CSV as UTF-8 only when it starts with a byte order mark. */
const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Stops a spreadsheet running a cell as a formula (OWASP's advice on CSV
 * injection) by putting a quote before a leading =, +, -, @, tab or carriage
 * return. The cost: a phone number "+44 …" reads "'+44 …" in a CSV. XLSX
 * exports need none of this, as their text cells are never formulas.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * One CSV record, with its CRLF ending (RFC 4180). Numbers are written as
 * they are, so a negative number stays a number; any other value is written
 * as text and neutralised.
 */
export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

function csvField(value: unknown): string {
  const text = plainText(value);
  const safe =
    typeof value === 'number' || typeof value === 'bigint' ? text : neutraliseFormula(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A CSV export as bytes: byte order mark, header, then the rows, pulled from
 * the source only as fast as the reader takes them.
 */
export function csvStream(
  header: string[],
  rows: AsyncIterable<unknown[]> | Iterable<unknown[]>,
): Readable {
  return Readable.from(csvLines(header, rows), { objectMode: false });
}

async function* csvLines(
  header: string[],
  rows: AsyncIterable<unknown[]> | Iterable<unknown[]>,
): AsyncGenerator<string> {
  yield BYTE_ORDER_MARK + csvLine(header);
  for await (const row of rows) yield csvLine(row);
}
