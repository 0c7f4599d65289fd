import { sql } from 'drizzle-orm';
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
