import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // Each module and platform part owns its tables.ts; drizzle-kit reads them
  // all, so nothing has to import every module to list the schema.
  schema: ['./src/modules/*/tables.ts', './src/platform/*/tables.ts'],
  out: './migrations',
  casing: 'snake_case',
});
