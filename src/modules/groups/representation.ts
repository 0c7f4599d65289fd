import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { suppressList, type Cell } from '../../platform/statistics/index.ts';
import { listServicesWithCounts } from '../people/index.ts';
import { currentMember, groupById, londonToday, seatsOf, type SeatView } from './groups.ts';

/** Small counts of the register are hidden on staff pages below this (DESIGN.md: 5 staff, 10 published). */
export const STAFF_THRESHOLD = 5;
export const PUBLIC_THRESHOLD = 10;

export const DIMENSIONS = ['serviceType', 'specialism', 'area'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** One customer member today, with the services they use now. */
export interface MemberServices {
  personId: string;
  services: Array<{ type: string; specialism: string; area: string | null }>;
}

export interface RepresentationRow {
  code: string;
  /** Customer members using a service of this kind today. */
  members: number;
  /** People on the register using such a service, suppressed below the threshold. */
  register: Cell;
}

export interface Representation {
  /** Seats with places left. */
  emptySeats: Array<{ seatId: string; label: string; empty: number }>;
  /** By dimension, each code the body aims to hear from (its cover lists and its seats). */
  dimensions: Array<{ dimension: Dimension; rows: RepresentationRow[] }>;
  /** The codes with no customer member: "no member from unsupported housing". */
  gaps: Array<{ dimension: Dimension; code: string }>;
}

/**
 * Works out who has a voice on a body (pure, so it is tested on its own):
 * which seats have places left, and for each service type, specialism and
 * area it aims to hear from, how many customer members use such a service
 * now. The register's own counts beside them are suppressed as any staff
 * figure is; a zero member count is shown, since it is nobody.
 */
export function representationOf(input: {
  seats: SeatView[];
  cover: Record<Dimension, string[]>;
  members: MemberServices[];
  register: Record<Dimension, Map<string, number>>;
  threshold: number;
}): Representation {
  const emptySeats = input.seats
    .filter((s) => s.empty !== null && s.empty > 0)
    .map((s) => ({ seatId: s.id, label: s.label, empty: s.empty! }));
  const wanted: Record<Dimension, string[]> = {
    serviceType: [
      ...new Set([
        ...input.cover.serviceType,
        ...input.seats.flatMap((s) => (s.serviceType ? [s.serviceType] : [])),
      ]),
    ],
    specialism: [
      ...new Set([
        ...input.cover.specialism,
        ...input.seats.flatMap((s) => (s.specialism ? [s.specialism] : [])),
      ]),
    ],
    area: [...new Set(input.cover.area)],
  };
  const valueOf = (
    service: MemberServices['services'][number],
    dimension: Dimension,
  ): string | null =>
    dimension === 'serviceType'
      ? service.type
      : dimension === 'specialism'
        ? service.specialism
        : service.area;
  const dimensions = DIMENSIONS.filter((d) => wanted[d].length > 0).map((dimension) => {
    const codes = wanted[dimension];
    const registerCounts = codes.map((code) => input.register[dimension].get(code) ?? 0);
    const { cells } = suppressList(registerCounts, input.threshold);
    const rows = codes.map((code, i) => ({
      code,
      members: input.members.filter((m) =>
        m.services.some((service) => valueOf(service, dimension) === code),
      ).length,
      register: cells[i]!,
    }));
    return { dimension, rows };
  });
  const gaps = dimensions.flatMap(({ dimension, rows }) =>
    rows.filter((r) => r.members === 0).map((r) => ({ dimension, code: r.code })),
  );
  return { emptySeats, dimensions, gaps };
}

/**
 * The representation view of a body, from the register: four queries however
 * many members (the body, its seats, its customer members' current services,
 * and the register's services with the people using each).
 */
export async function loadRepresentation(
  tx: Queryable,
  groupId: string,
  options: { today?: string; threshold?: number } = {},
): Promise<Representation | null> {
  const today = options.today ?? londonToday();
  const group = await groupById(tx, groupId);
  if (!group) return null;
  const seats = await seatsOf(tx, groupId, today);
  const services = await listServicesWithCounts(tx);
  const typeOf = new Map(services.map((s) => [s.id, s.type]));
  const memberRows = rowsOf<{ personId: string; serviceIds: string[] | null }>(
    await tx.execute(sql`
      select m.person_id as "personId",
        array(select ps.service_id::text from register_person_services ps
              where ps.person_id = m.person_id and ps.started_on <= ${today}::date
                and (ps.ended_on is null or ps.ended_on >= ${today}::date)) as "serviceIds"
      from group_members m join group_seats s on s.id = m.seat_id
      where m.group_id = ${groupId} and s.holder = 'customer' and ${currentMember(sql`m`, today)}`),
  );
  const byId = new Map(services.map((s) => [s.id, s]));
  const members: MemberServices[] = [
    ...new Map(memberRows.map((m) => [m.personId, m])).values(),
  ].map((m) => ({
    personId: m.personId,
    services: (m.serviceIds ?? []).flatMap((id) => {
      const s = byId.get(id);
      return s ? [{ type: typeOf.get(id)!, specialism: s.specialism, area: s.area }] : [];
    }),
  }));
  const register: Record<Dimension, Map<string, number>> = {
    serviceType: new Map(),
    specialism: new Map(),
    area: new Map(),
  };
  for (const s of services) {
    const add = (d: Dimension, code: string | null) => {
      if (code) register[d].set(code, (register[d].get(code) ?? 0) + s.peopleCount);
    };
    add('serviceType', s.type);
    add('specialism', s.specialism);
    add('area', s.area);
  }
  return representationOf({
    seats,
    cover: {
      serviceType: group.coverServiceTypes,
      specialism: group.coverSpecialisms,
      area: group.coverAreas,
    },
    members,
    register,
    threshold: options.threshold ?? STAFF_THRESHOLD,
  });
}
