import { sql, type SQL } from 'drizzle-orm';
import { customType, text } from 'drizzle-orm/pg-core';

/** PostgreSQL bytea as a Node Buffer, on both drivers. */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType() {
    return 'bytea';
  },
  fromDriver(value) {
    return Buffer.isBuffer(value) ? value : Buffer.from(value);
  },
});

/** A text[] column that is never null, empty by default. */
export const textArray = (name: string) =>
  text(name)
    .array()
    .notNull()
    .default(sql`'{}'::text[]`);

/**
 * Ids as one uuid[] parameter: one statement for a list of records, whatever
 * its length, on both drivers. The ids must be UUIDs (looked up or checked by
 * the caller), so the array literal needs no quoting; a malformed one is an
 * error from the database, never an injection.
 */
export const uuidArray = (ids: readonly string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/** One item of an array literal: quoted, its backslashes and quotes escaped (most have none). */
function arrayItem(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  const text = String(value);
  return NEEDS_ESCAPE.test(text) ? `"${text.replace(/[\\"]/g, '\\$&')}"` : `"${text}"`;
}
const NEEDS_ESCAPE = /[\\"]/;

/**
 * Any list as one array parameter of the given SQL type (text, date, int,
 * uuid…): one statement for a batch of rows, whatever its length. Each value
 * is quoted and escaped for a PostgreSQL array literal; null stays NULL.
 */
export function arrayParam(
  values: ReadonlyArray<string | number | boolean | null>,
  type: string,
): SQL {
  const literal = `{${values.map(arrayItem).join(',')}}`;
  return sql`${literal}::${sql.raw(type)}[]`;
}
