import { asc, count, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/index.ts';
import { people, personServices, services } from './tables.ts';

export interface ServiceListRow {
  id: string;
  code: string;
  name: string;
  type: string;
  specialism: string;
  area: string | null;
  peopleCount: number;
}

/** Every service with the number of people currently linked: one query, however many. */
export async function listServices(db: Queryable): Promise<ServiceListRow[]> {
  return db
    .select({
      id: services.id,
      code: services.code,
      name: services.name,
      type: services.type,
      specialism: services.specialism,
      area: services.area,
      peopleCount: sql<number>`count(${personServices.id})::int`,
    })
    .from(services)
    .leftJoin(
      personServices,
      sql`${personServices.serviceId} = ${services.id} and (${personServices.endedOn} is null or ${personServices.endedOn} >= current_date)`,
    )
    .groupBy(services.id)
    .orderBy(asc(services.specialism), asc(services.name));
}

/** How many people the organisation has on its register. */
export async function countPeople(db: Queryable): Promise<number> {
  const [row] = await db.select({ n: count() }).from(people);
  return row?.n ?? 0;
}

/** Whether the organisation has any services yet. */
export async function hasServices(db: Queryable, organisationId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: services.id })
    .from(services)
    .where(eq(services.organisationId, organisationId))
    .limit(1);
  return Boolean(row);
}
