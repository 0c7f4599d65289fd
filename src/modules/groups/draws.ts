import { and, desc, eq, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { arrayParam, uuidArray } from '../../platform/db/types.ts';
import type { FieldProblem } from '../../platform/forms/index.ts';
import { listServices } from '../people/index.ts';
import { appointMember, currentMember, line, londonToday, seatsOf, wholeNumber } from './groups.ts';
import { newSeed, seededShuffle, SEED_PATTERN } from './seeded.ts';
import { groupDraws } from './tables.ts';

type Body = Record<string, unknown>;

/** What a draw's quotas are set by. */
export const DRAW_DIMENSIONS = ['service_type', 'specialism', 'area'] as const;
export type DrawDimension = (typeof DRAW_DIMENSIONS)[number];

/**
 * The consents that say "contact me about ways to get involved" (by email,
 * text, phone or letter: the register's consent wording): someone with any
 * of them said yes to being asked.
 */
export const INVOLVEMENT_CONSENTS = [
  'contact_email',
  'contact_sms',
  'contact_phone',
  'contact_letter',
] as const;

/** One person in a draw's pool, with the codes they count under for the quotas. */
export interface PoolEntry {
  id: string;
  codes: string[];
}

/** One person drawn, and the quota they filled (null: drawn for the places beyond the quotas). */
export interface DrawnEntry {
  id: string;
  quota: string | null;
}

export interface Shortfall {
  code: string;
  wanted: number;
  drawn: number;
  short: number;
}

/**
 * The draw itself (pure, so it can be made again by anyone): the pool in id
 * order is shuffled by the seed (seeded.ts); each quota, in code order, takes
 * the first people in the shuffled order who count under it and are not yet
 * drawn; the places beyond the quotas take the next people in that order. A
 * quota the pool cannot meet is reported with how many it is short.
 */
export function drawPanel(input: {
  pool: readonly PoolEntry[];
  quotas: Readonly<Record<string, number>>;
  size: number;
  seed: string;
}): { drawn: DrawnEntry[]; shortfalls: Shortfall[] } {
  const ordered = [...input.pool].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const order = seededShuffle(ordered, input.seed);
  const taken = new Set<string>();
  const drawn: DrawnEntry[] = [];
  const shortfalls: Shortfall[] = [];
  for (const code of Object.keys(input.quotas).sort()) {
    const wanted = input.quotas[code]!;
    let got = 0;
    for (const person of order) {
      if (got >= wanted || drawn.length >= input.size) break;
      if (taken.has(person.id) || !person.codes.includes(code)) continue;
      taken.add(person.id);
      drawn.push({ id: person.id, quota: code });
      got += 1;
    }
    if (got < wanted) shortfalls.push({ code, wanted, drawn: got, short: wanted - got });
  }
  for (const person of order) {
    if (drawn.length >= input.size) break;
    if (taken.has(person.id)) continue;
    taken.add(person.id);
    drawn.push({ id: person.id, quota: null });
  }
  return { drawn, shortfalls };
}

/** Shortfalls of a stored draw, from its quotas and who filled them. */
export function shortfallsOf(
  quotas: Readonly<Record<string, number>>,
  drawn: readonly DrawnEntry[],
): Shortfall[] {
  return Object.keys(quotas)
    .sort()
    .flatMap((code) => {
      const wanted = quotas[code]!;
      const got = drawn.filter((d) => d.quota === code).length;
      return got < wanted ? [{ code, wanted, drawn: got, short: wanted - got }] : [];
    });
}

/**
 * The pool for a seat, from the register's views: people not erased and not
 * "do not contact", who said yes to being contacted about involvement (any
 * contact consent), using a service today that matches the seat (its service
 * type or specialism, when it names one), and not on the body now. Each with
 * the codes of the dimension they count under (the service types,
 * specialisms or areas of the services they use today), in person id order.
 */
export async function poolFor(
  tx: Queryable,
  groupId: string,
  seat: { serviceType: string | null; specialism: string | null },
  dimension: DrawDimension,
  today = londonToday(),
): Promise<PoolEntry[]> {
  const services = await listServices(tx);
  const byId = new Map(services.map((s) => [s.id, s]));
  const rows = rowsOf<{ id: string; serviceIds: string[] }>(
    await tx.execute(sql`
      select p.id, array_agg(distinct ps.service_id::text) as "serviceIds"
      from register_people p
      join register_person_services ps on ps.person_id = p.id
        and ps.started_on <= ${today}::date and (ps.ended_on is null or ps.ended_on >= ${today}::date)
      where p.erased_at is null and not p.do_not_contact
        and coalesce(p.consents, '{}') && ${arrayParam(INVOLVEMENT_CONSENTS, 'text')}
        and not exists (select 1 from group_members m
          where m.group_id = ${groupId} and m.person_id = p.id and ${currentMember(sql`m`, today)})
      group by p.id
      order by p.id`),
  );
  return rows.flatMap((r) => {
    const used = r.serviceIds.map((id) => byId.get(id)).filter((s) => s !== undefined);
    const fits = used.filter(
      (s) =>
        (!seat.serviceType || s.type === seat.serviceType) &&
        (!seat.specialism || s.specialism === seat.specialism),
    );
    if (fits.length === 0) return [];
    const codes = used.flatMap((s) =>
      dimension === 'service_type'
        ? [s.type]
        : dimension === 'specialism'
          ? [s.specialism]
          : s.area
            ? [s.area]
            : [],
    );
    return [{ id: r.id, codes: [...new Set(codes)].sort() }];
  });
}

/** The codes a quota can be set for, by dimension: those of the organisation's services. */
export async function quotaCodes(tx: Queryable, dimension: DrawDimension): Promise<string[]> {
  const services = await listServices(tx);
  return [
    ...new Set(
      services.flatMap((s) =>
        dimension === 'service_type'
          ? [s.type]
          : dimension === 'specialism'
            ? [s.specialism]
            : s.area
              ? [s.area]
              : [],
      ),
    ),
  ].sort();
}

export interface DrawFields {
  seatId: string;
  size: number;
  dimension: DrawDimension;
  quotas: Record<string, number>;
  /** A seed typed in to make a recorded draw again; null for a fresh one. */
  seed: string | null;
}

/** The quota box for a code: its field name. */
export const quotaField = (code: string) =>
  `quota-${Buffer.from(code, 'utf8').toString('base64url')}`;

/** Reads and checks the draw form. */
export function readDrawForm(
  body: Body,
  known: { seatIds: Set<string>; codes: string[] },
): { fields: DrawFields | null; values: Record<string, string>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const values: Record<string, string> = {
    seatId: line(body, 'seatId'),
    size: line(body, 'size'),
    dimension: line(body, 'dimension'),
    seed: line(body, 'seed'),
  };
  for (const code of known.codes) values[quotaField(code)] = line(body, quotaField(code));
  if (!known.seatIds.has(values.seatId!))
    problems.push({ field: 'seatId', key: 'groups.draws.errors.seat' });
  const size = wholeNumber(values.size!);
  if (size === null || Number.isNaN(size) || size < 1 || size > 200)
    problems.push({ field: 'size', key: 'groups.draws.errors.size' });
  if (!(DRAW_DIMENSIONS as readonly string[]).includes(values.dimension!))
    problems.push({ field: 'dimension', key: 'groups.draws.errors.dimension' });
  const quotas: Record<string, number> = {};
  for (const code of known.codes) {
    const n = wholeNumber(values[quotaField(code)]!);
    if (n === null || n === 0) continue;
    if (Number.isNaN(n) || n > 200) {
      problems.push({ field: quotaField(code), key: 'groups.draws.errors.quota' });
      continue;
    }
    quotas[code] = n;
  }
  const sum = Object.values(quotas).reduce((a, b) => a + b, 0);
  if (size !== null && !Number.isNaN(size) && sum > size)
    problems.push({ field: 'size', key: 'groups.draws.errors.quotasOver', vars: { count: sum } });
  if (values.seed && !SEED_PATTERN.test(values.seed))
    problems.push({ field: 'seed', key: 'groups.draws.errors.seed' });
  if (problems.length > 0) return { fields: null, values, problems };
  return {
    fields: {
      seatId: values.seatId!,
      size: size!,
      dimension: values.dimension as DrawDimension,
      quotas,
      seed: values.seed || null,
    },
    values,
    problems,
  };
}

/** Makes a draw for a seat filled by selection and records it: pool, seed, quotas and who was drawn. */
export async function makeDraw(
  tx: Queryable,
  actor: Actor,
  groupId: string,
  fields: DrawFields,
): Promise<{ id: string; shortfalls: Shortfall[] } | null> {
  const seat = (await seatsOf(tx, groupId)).find(
    (s) => s.id === fields.seatId && s.fillBy === 'selection',
  );
  if (!seat) return null;
  const pool = await poolFor(tx, groupId, seat, fields.dimension);
  const seed = fields.seed ?? newSeed();
  const { drawn, shortfalls } = drawPanel({
    pool,
    quotas: fields.quotas,
    size: fields.size,
    seed,
  });
  const [row] = await tx
    .insert(groupDraws)
    .values({
      organisationId: sql`app_organisation_id()`,
      groupId,
      seatId: seat.id,
      size: fields.size,
      dimension: fields.dimension,
      quotas: fields.quotas,
      seed,
      pool,
      drawn,
      drawnBy: actor.label,
    })
    .returning({ id: groupDraws.id });
  await audit(tx, actor, {
    action: 'draw',
    entity: 'group',
    entityId: groupId,
    after: {
      drawId: row!.id,
      seat: seat.label,
      size: fields.size,
      dimension: fields.dimension,
      quotas: fields.quotas,
      seed,
      pool: pool.length,
      drawn: drawn.length,
      shortfalls,
    },
  });
  return { id: row!.id, shortfalls };
}

export type DrawRow = typeof groupDraws.$inferSelect;

/** A body's draws, newest first. */
export async function drawsOf(tx: Queryable, groupId: string): Promise<DrawRow[]> {
  return tx
    .select()
    .from(groupDraws)
    .where(eq(groupDraws.groupId, groupId))
    .orderBy(desc(groupDraws.createdAt), desc(groupDraws.id));
}

/** One draw of a body, or null. */
export async function drawOf(
  tx: Queryable,
  groupId: string,
  drawId: string,
): Promise<DrawRow | null> {
  const [row] = await tx
    .select()
    .from(groupDraws)
    .where(and(eq(groupDraws.groupId, groupId), eq(groupDraws.id, drawId)));
  return row ?? null;
}

export interface DrawnPerson {
  id: string;
  reference: string;
  name: string;
  quota: string | null;
  /** They hold a seat on the body now. */
  seated: boolean;
}

/** Who a draw drew, in draw order, with whether they hold a seat on the body now. */
export async function drawnPeople(
  tx: Queryable,
  draw: DrawRow,
  today = londonToday(),
): Promise<DrawnPerson[]> {
  const drawn = draw.drawn as DrawnEntry[];
  if (drawn.length === 0) return [];
  const people = new Map(
    rowsOf<{ id: string; reference: string; name: string; seated: boolean }>(
      await tx.execute(sql`
        select p.id, p.reference,
          trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name) as name,
          exists (select 1 from group_members m where m.group_id = ${draw.groupId}
            and m.person_id = p.id and ${currentMember(sql`m`, today)}) as seated
        from register_people p where p.id = any(${uuidArray(drawn.map((d) => d.id))})`),
    ).map((p) => [p.id, p]),
  );
  return drawn.map((d) => {
    const p = people.get(d.id);
    return {
      id: d.id,
      reference: p?.reference ?? '',
      name: p?.name ?? '',
      quota: d.quota,
      seated: p?.seated ?? false,
    };
  });
}

/** Makes a stored draw again from its pool and seed: true when the same people come out. */
export function checkDraw(draw: DrawRow): boolean {
  const again = drawPanel({
    pool: draw.pool as PoolEntry[],
    quotas: draw.quotas as Record<string, number>,
    size: draw.size,
    seed: draw.seed,
  });
  return JSON.stringify(again.drawn) === JSON.stringify(draw.drawn);
}

/** Seats someone a draw drew, through the body's member appointment (filled by selection). */
export async function appointDrawn(
  tx: Queryable,
  actor: Actor,
  draw: DrawRow,
  personId: string,
  context: { baseUrl: string; today?: string },
): Promise<{ id: string } | { problems: FieldProblem[] } | null> {
  if (!(draw.drawn as DrawnEntry[]).some((d) => d.id === personId)) return null;
  const [person] = rowsOf<{ reference: string }>(
    await tx.execute(
      sql`select reference from register_people where id = ${personId} and erased_at is null`,
    ),
  );
  if (!person) return null;
  const today = context.today ?? londonToday();
  return appointMember(
    tx,
    actor,
    draw.groupId,
    {
      reference: person.reference,
      seatId: draw.seatId,
      startsOn: today,
      termEndsOn: null,
      filledBy: 'selection',
      buddyPersonId: null,
      namedPublicly: false,
    },
    { baseUrl: context.baseUrl, today },
  );
}
