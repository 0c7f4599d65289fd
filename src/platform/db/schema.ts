// Every table, for drizzle-kit to generate migrations from. Each module owns
// its tables.ts; this file only gathers them.
export * from '../tenancy/tables.ts';
export * from '../../modules/people/tables.ts';
export * from '../audit/tables.ts';
export * from '../mail/tables.ts';
export * from '../jobs/tables.ts';
export * from '../../modules/identity/tables.ts';
export * from '../../modules/initiatives/tables.ts';
export * from '../../modules/participation/tables.ts';
