import type { Queryable } from '../../platform/db/index.ts';
import { people, personServices, services } from './tables.ts';

export type NewService = typeof services.$inferInsert;
export type NewPerson = typeof people.$inferInsert;
export type NewPersonService = typeof personServices.$inferInsert;

/** Adds services in one statement (the demo and, later, imports). */
export async function addServices(db: Queryable, rows: NewService[]) {
  if (rows.length === 0) return [];
  return db.insert(services).values(rows).returning({ id: services.id, code: services.code });
}

/** Adds people in batches of multi-row INSERTs, returning their ids in order. */
export async function addPeople(db: Queryable, rows: NewPerson[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const batch = await db
      .insert(people)
      .values(rows.slice(i, i + 500))
      .returning({ id: people.id });
    ids.push(...batch.map((row) => row.id));
  }
  return ids;
}

/** Links people to services with dates, in batches. */
export async function linkPeopleToServices(db: Queryable, rows: NewPersonService[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db.insert(personServices).values(rows.slice(i, i + 500));
  }
}
