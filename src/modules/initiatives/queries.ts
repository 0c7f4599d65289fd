import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/index.ts';
import { pageWithin } from '../../platform/http/params.ts';
import { DEFAULT_RUNGS, RUNGS, countsAsInvolvement, type Rung } from './ladder.ts';
import { initiatives, ladderRungs, type InitiativeRow } from './tables.ts';

/** One rung of the organisation's ladder: its own words where it gave them. */
export interface LadderRung {
  rung: Rung;
  name: string;
  nameCy: string | null;
  description: string;
  descriptionCy: string | null;
  /** Rung 0 is recorded, never counted as involvement. */
  counted: boolean;
  /** Whether the organisation changed the seed's words. */
  custom: boolean;
}

export const INITIATIVE_STATUSES = ['draft', 'active', 'closed'] as const;
export type InitiativeStatus = (typeof INITIATIVE_STATUSES)[number];

/** What other modules show of an initiative: enough to name and link it. */
export interface InitiativeSummary {
  id: string;
  title: string;
  kind: string;
  rung: number;
  rungName: string;
  rungNameCy: string | null;
  status: string;
  ownerName: string | null;
  startsOn: string | null;
  endsOn: string | null;
}

export interface InitiativeFilter {
  status?: InitiativeStatus | undefined;
  kind?: string | undefined;
  rung?: number | undefined;
}

export type InitiativeDetail = InitiativeRow & {
  rungName: string;
  rungNameCy: string | null;
  rungDescription: string;
  rungDescriptionCy: string | null;
};

const isRung = (n: number): n is Rung => (RUNGS as readonly number[]).includes(n);

/** The eight rungs, 0 to 7, with the organisation's names overriding the seed's: one query. */
export async function loadLadder(tx: Queryable): Promise<LadderRung[]> {
  const own = await tx.select().from(ladderRungs);
  const byRung = new Map(own.map((row) => [row.rung, row]));
  return RUNGS.map((rung) => {
    const row = byRung.get(rung);
    return {
      rung,
      name: row?.name ?? DEFAULT_RUNGS[rung].name,
      nameCy: row?.nameCy ?? null,
      description: row?.description ?? DEFAULT_RUNGS[rung].description,
      descriptionCy: row?.descriptionCy ?? null,
      counted: countsAsInvolvement(rung),
      custom: Boolean(row),
    };
  });
}

/** A rung's name when the organisation has not given one. */
function defaultName(rung: number): string {
  return isRung(rung) ? DEFAULT_RUNGS[rung].name : String(rung);
}

function defaultDescription(rung: number): string {
  return isRung(rung) ? DEFAULT_RUNGS[rung].description : '';
}

/** Reads a filter from a query string, ignoring anything it does not know. */
export function parseInitiativeFilter(query: Record<string, unknown>): InitiativeFilter {
  const one = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const status = one(query.status);
  const kind = one(query.kind);
  const rung = one(query.rung);
  return {
    status: (INITIATIVE_STATUSES as readonly string[]).includes(status)
      ? (status as InitiativeStatus)
      : undefined,
    kind: /^[a-z0-9_]{1,40}$/.test(kind) ? kind : undefined,
    rung: /^[0-7]$/.test(rung) ? Number(rung) : undefined,
  };
}

/** The conditions of a filter on the initiatives table. */
function initiativeWhere(filter: InitiativeFilter): SQL | undefined {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(initiatives.status, filter.status));
  if (filter.kind) where.push(eq(initiatives.kind, filter.kind));
  if (filter.rung !== undefined) where.push(eq(initiatives.rung, filter.rung));
  return where.length ? and(...where) : undefined;
}

/** Initiatives on a page of the staff list. */
export const INITIATIVE_PAGE_SIZE = 50;

/**
 * The organisation's initiatives, published first, then drafts, then closed:
 * one query. `window` takes a page of them (limit and offset) in that order.
 */
export async function listInitiatives(
  tx: Queryable,
  filter: InitiativeFilter = {},
  window?: { limit: number; offset: number },
): Promise<InitiativeSummary[]> {
  const query = tx
    .select({
      id: initiatives.id,
      title: initiatives.title,
      kind: initiatives.kind,
      rung: initiatives.rung,
      status: initiatives.status,
      ownerName: initiatives.ownerName,
      startsOn: initiatives.startsOn,
      endsOn: initiatives.endsOn,
      ownName: ladderRungs.name,
      ownNameCy: ladderRungs.nameCy,
    })
    .from(initiatives)
    .leftJoin(
      ladderRungs,
      and(
        eq(ladderRungs.organisationId, initiatives.organisationId),
        eq(ladderRungs.rung, initiatives.rung),
      ),
    )
    .where(initiativeWhere(filter))
    .orderBy(
      sql`case ${initiatives.status} when 'active' then 0 when 'draft' then 1 else 2 end`,
      asc(sql`lower(${initiatives.title})`),
      asc(initiatives.id),
    );
  const rows = await (window ? query.limit(window.limit).offset(window.offset) : query);
  return rows.map(({ ownName, ownNameCy, ...row }) => ({
    ...row,
    rungName: ownName ?? defaultName(row.rung),
    rungNameCy: ownNameCy ?? null,
  }));
}

/**
 * One page of the initiatives that match a filter, and how many match: two
 * queries, however many there are. A page past the last is the last.
 */
export async function pageOfInitiatives(tx: Queryable, filter: InitiativeFilter, asked: number) {
  const [counted] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(initiatives)
    .where(initiativeWhere(filter));
  const total = Number(counted?.n ?? 0);
  const { page, pages, offset } = pageWithin(asked, total, INITIATIVE_PAGE_SIZE);
  const rows =
    total === 0 ? [] : await listInitiatives(tx, filter, { limit: INITIATIVE_PAGE_SIZE, offset });
  return { rows, total, page, pages };
}

/** One initiative with its rung's name and description, or null: one query. */
export async function initiativeById(tx: Queryable, id: string): Promise<InitiativeDetail | null> {
  const [row] = await tx
    .select({
      initiative: initiatives,
      ownName: ladderRungs.name,
      ownNameCy: ladderRungs.nameCy,
      ownDescription: ladderRungs.description,
      ownDescriptionCy: ladderRungs.descriptionCy,
    })
    .from(initiatives)
    .leftJoin(
      ladderRungs,
      and(
        eq(ladderRungs.organisationId, initiatives.organisationId),
        eq(ladderRungs.rung, initiatives.rung),
      ),
    )
    .where(eq(initiatives.id, id));
  if (!row) return null;
  const { initiative } = row;
  return {
    ...initiative,
    rungName: row.ownName ?? defaultName(initiative.rung),
    rungNameCy: row.ownNameCy ?? null,
    rungDescription: row.ownDescription ?? defaultDescription(initiative.rung),
    rungDescriptionCy: row.ownDescriptionCy ?? null,
  };
}
