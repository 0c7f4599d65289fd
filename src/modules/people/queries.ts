import { asc, count, eq, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { todayInLondon, workDays } from '../../platform/calendar/index.ts';
import { ACCESS_NEEDS } from './lists.ts';
import { normalisePostcode, tidy } from './validate.ts';
import { people, personServices, services } from './tables.ts';

export interface ServiceListRow {
  id: string;
  code: string;
  name: string;
  type: string;
  specialism: string;
  area: string | null;
  postcode: string | null;
}

/**
 * The areas of people and services, for the area filter: one query. People's
 * areas are read by skipping along the area index from one area to the next
 * (a loose index scan), so the cost grows with the number of areas, not of
 * people. Erased people have no area.
 */
export async function areasInUse(db: Queryable): Promise<{ area: string }[]> {
  return rowsOf<{ area: string }>(
    await db.execute(sql`
      with recursive a(area) as (
        (select area from people where area is not null order by area limit 1)
        union all
        select (select p.area from people p where p.area > a.area order by p.area limit 1)
        from a where a.area is not null
      )
      select area from a where area is not null
      union
      select area from services where area is not null
      order by area`),
  );
}

/** A service as the lists show it. */
const SERVICE_COLUMNS = {
  id: services.id,
  code: services.code,
  name: services.name,
  type: services.type,
  specialism: services.specialism,
  area: services.area,
  postcode: services.postcode,
};

/**
 * Every service, in the order the lists show them (a dropdown, a filter, a
 * code looked up): the services alone, as most pages want. The services
 * page's count of people is listServicesWithCounts, which reads every
 * person's links: it was most of a large landlord's people list (issue 15).
 */
export async function listServices(db: Queryable): Promise<ServiceListRow[]> {
  return db
    .select(SERVICE_COLUMNS)
    .from(services)
    .orderBy(asc(services.specialism), asc(services.name));
}

/** Every service with the number of people currently linked: one query, however many. */
export async function listServicesWithCounts(
  db: Queryable,
): Promise<Array<ServiceListRow & { peopleCount: number }>> {
  return db
    .select({
      ...SERVICE_COLUMNS,
      peopleCount: sql<number>`count(${personServices.id})::int`,
    })
    .from(services)
    .leftJoin(
      personServices,
      sql`${personServices.serviceId} = ${services.id} and (${personServices.endedOn} is null or ${personServices.endedOn} >= current_date)`,
    )
    .groupBy(services.id, services.organisationId)
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

/** What the people page can be filtered by; every value comes from the query string. */
export interface PeopleFilter {
  q: string;
  service: string;
  specialism: string;
  role: string;
  skill: string;
  interest: string;
  need: string;
  area: string;
  kind: string;
  /** never, 6m, 1y, 2y: last involved longer ago than that (or never) */
  involved: string;
  /** expiring: holding training that expires this month (London). */
  training: string;
  page: number;
}

export const FILTER_KEYS = [
  'q',
  'service',
  'specialism',
  'role',
  'skill',
  'interest',
  'need',
  'area',
  'kind',
  'involved',
  'training',
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the filters from a query string, dropping anything malformed. */
export function parseFilter(query: Record<string, unknown>): PeopleFilter {
  const value = (key: string) => tidy(query[key]).slice(0, 100);
  const page = Number.parseInt(value('page'), 10);
  const service = value('service');
  return {
    q: value('q'),
    service: UUID.test(service) ? service : '',
    specialism: value('specialism'),
    role: value('role'),
    skill: value('skill'),
    interest: value('interest'),
    need: value('need'),
    area: value('area'),
    kind: value('kind'),
    involved: ['never', '6m', '1y', '2y'].includes(value('involved')) ? value('involved') : '',
    training: value('training') === 'expiring' ? 'expiring' : '',
    page: Number.isFinite(page) && page > 0 ? Math.min(page, 10_000) : 1,
  };
}

/** The filter as a query string (for links, saved lists and exports). */
export function filterQuery(filter: PeopleFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filter[key]) params.set(key, filter[key]);
  for (const [key, v] of Object.entries(extra)) params.set(key, v);
  return params.toString();
}

/** The words of a name search, lower-case, at most five, one-letter words left out. */
export function nameWords(q: string): string[] {
  const words = q
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((w) => w.length > 1)
    .slice(0, 5);
  return words.length ? words : [q.toLowerCase()];
}

/**
 * How alike a typed word and a word of the name must be (pg_trgm word
 * similarity, 0–1). 0.3 finds "Jonh Smyth" for John Smith while leaving
 * unrelated names out; the default 0.6 misses most typing slips.
 */
export const NAME_SIMILARITY = 0.3;

type SearchMode = 'none' | 'email' | 'phone' | 'postcode' | 'reference' | 'name';

/** What kind of search the box holds: an email, a phone number, a postcode or a name. */
export function searchMode(q: string): SearchMode {
  if (!q) return 'none';
  if (q.includes('@')) return 'email';
  if (/^[0-9+()\-\s]{5,}$/.test(q)) return 'phone';
  if (normalisePostcode(q) || /^[A-Z]{1,2}[0-9][A-Z0-9]?$/i.test(q)) return 'postcode';
  // Letters and digits together, no spaces: a reference such as HMS-001234 or CP-7K3M9Q.
  if (/^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_\-/.]+$/.test(q)) return 'reference';
  return 'name';
}

/** The WHERE conditions for a filter. Erased people are never listed. */
export function filterConditions(filter: PeopleFilter): SQL[] {
  const where: SQL[] = [sql`p.erased_at is null`];
  const q = filter.q.toLowerCase();
  switch (searchMode(filter.q)) {
    case 'email':
      // Emails are stored lower-case: a plain equality, which row-level security
      // lets use the index (lower() is not leakproof).
      where.push(sql`p.email = ${q}`);
      break;
    case 'phone': {
      const digits = q.replace(/\D/g, '');
      where.push(sql`p.phone_digits like ${`%${digits}%`}`);
      break;
    }
    case 'postcode': {
      const full = normalisePostcode(filter.q);
      where.push(
        full
          ? sql`p.postcode = ${full}`
          : sql`p.postcode like ${`${filter.q.toUpperCase().trim()} %`}`,
      );
      break;
    }
    case 'reference':
      // The reference as typed or in capitals (an index lookup), or an
      // earlier reference of a merged record.
      where.push(
        sql`(p.reference in (${filter.q}, ${filter.q.toUpperCase()}) or p.id in (select person_id from person_aliases where reference in (${filter.q}, ${filter.q.toUpperCase()})))`,
      );
      break;
    case 'name': {
      // Typo-tolerant: every word typed must be like a word of the name
      // (trigram word similarity through the GIN index, in the function
      // people_matching_name: see migration 0009 for why it is a function).
      const words = sql.join(
        nameWords(q).map((w) => sql`${w}`),
        sql`, `,
      );
      where.push(
        sql`p.id in (select people_matching_name(array[${words}]::text[], ${NAME_SIMILARITY}::real))`,
      );
      break;
    }
    default:
      break;
  }
  if (filter.service)
    where.push(
      sql`exists (select 1 from person_services ps where ps.person_id = p.id and ps.service_id = ${filter.service} and (ps.ended_on is null or ps.ended_on >= current_date))`,
    );
  if (filter.specialism)
    where.push(
      sql`exists (select 1 from person_services ps join services s on s.id = ps.service_id where ps.person_id = p.id and s.specialism = ${filter.specialism} and (ps.ended_on is null or ps.ended_on >= current_date))`,
    );
  if (filter.area)
    where.push(
      sql`(p.area = ${filter.area} or exists (select 1 from person_services ps join services s on s.id = ps.service_id where ps.person_id = p.id and s.area = ${filter.area} and (ps.ended_on is null or ps.ended_on >= current_date)))`,
    );
  if (filter.role)
    where.push(
      sql`exists (select 1 from person_roles r where r.person_id = p.id and r.role = ${filter.role} and (r.ended_on is null or r.ended_on >= current_date))`,
    );
  if (filter.skill) where.push(sql`${filter.skill} = any(p.skills)`);
  if (filter.interest) where.push(sql`${filter.interest} = any(p.interests)`);
  if (filter.need) where.push(sql`p.needs @> array[${filter.need}]::text[]`);
  if (filter.kind) where.push(sql`${filter.kind} = any(p.kinds)`);
  if (filter.involved === 'never') where.push(sql`p.last_involved_on is null`);
  if (filter.involved === '6m')
    where.push(
      sql`(p.last_involved_on is null or p.last_involved_on < current_date - interval '6 months')`,
    );
  if (filter.involved === '1y')
    where.push(
      sql`(p.last_involved_on is null or p.last_involved_on < current_date - interval '1 year')`,
    );
  if (filter.involved === '2y')
    where.push(
      sql`(p.last_involved_on is null or p.last_involved_on < current_date - interval '2 years')`,
    );
  if (filter.training === 'expiring') {
    const days = workDays(todayInLondon());
    where.push(sql`exists (${trainingExpiring(sql`p.id`, days.monthStart, days.monthEnd)})`);
  }
  return where;
}

/**
 * Whether a person's record asks for easy read (the access need easy_read):
 * their messages then come in easy read. `person` is a register_people row's
 * alias, such as sql`p`.
 */
export function needsEasyRead(person: SQL): SQL {
  return sql`coalesce('easy_read' = any(${person}.needs), false)`;
}

/** Training of a person that expires between two days, for "training expiring this month". */
export function trainingExpiring(personId: SQL, from: string, to: string): SQL {
  return sql`select 1 from person_training t where t.person_id = ${personId}
    and t.expires_on between ${from}::date and ${to}::date`;
}

export interface PersonListRow {
  id: string;
  reference: string;
  firstName: string;
  lastName: string;
  preferredName: string | null;
  email: string | null;
  phone: string | null;
  postcode: string | null;
  kinds: string[];
  needs: string[];
  doNotContact: boolean;
  lastInvolvedOn: string | null;
  serviceNames: string[];
}

export const PAGE_SIZE = 50;

/** The columns of the people page's rows, of the people aliased p. */
const LIST_COLUMNS = sql`p.id, p.reference, p.first_name as "firstName", p.last_name as "lastName",
  p.preferred_name as "preferredName", p.email, p.phone, p.postcode, p.kinds, p.needs,
  p.do_not_contact as "doNotContact", p.last_involved_on as "lastInvolvedOn",
  array(select s.name from person_services ps join services s on s.id = ps.service_id
        where ps.person_id = p.id and (ps.ended_on is null or ps.ended_on >= current_date)
        order by s.name) as "serviceNames"`;

/** Whether a filter asks for the whole register: no search and no filter. */
export function isWholeRegister(filter: PeopleFilter): boolean {
  return FILTER_KEYS.every((key) => !filter[key]);
}

/**
 * One page of the people who match the filter, with how many match and their
 * access needs summed: two queries, however many match.
 *
 * The whole register (the page as staff first see it) reads its size and its
 * needs from register_counts, kept as people are written, and its page along
 * the name index: nothing it does grows with the register (at 100,000 people
 * counting on every load took most of a second). A search or filter
 * matches once (a trigram search, for a name): the first query finds the
 * matches and returns the count, the needs and the page's ids; the second
 * reads the page's people. Its work grows with the people who match.
 */
export async function searchPeople(tx: Queryable, filter: PeopleFilter) {
  const offset = (filter.page - 1) * PAGE_SIZE;
  if (isWholeRegister(filter)) {
    const counts = await registerCounts(tx);
    const rows = rowsOf<PersonListRow>(
      await tx.execute(sql`
        select ${LIST_COLUMNS}
        from people p
        where p.erased_at is null
        order by p.last_name, p.first_name, p.id
        limit ${PAGE_SIZE} offset ${offset}`),
    );
    return { rows, total: counts.total, needs: counts.needs };
  }
  const where = sql.join(filterConditions(filter), sql` and `);
  const q = filter.q.toLowerCase();
  const byName = searchMode(filter.q) === 'name';
  const score = byName
    ? sql.join(
        nameWords(q).map((w) => sql`word_similarity(${w}, p.search_name)`),
        sql` + `,
      )
    : sql`0`;
  const [found] = rowsOf<{ total: number; needs: { need: string; n: number }[]; ids: string[] }>(
    await tx.execute(sql`
      with matched as materialized (
        select p.id, p.needs, p.last_name, p.first_name, ${score} as score
        from people p
        where ${where}
      )
      select
        (select count(*)::int from matched) as total,
        coalesce((select json_agg(json_build_object('need', need, 'n', n))
                  from (select need, count(*)::int as n
                        from matched, unnest(matched.needs) as need group by need) x), '[]') as needs,
        coalesce((select json_agg(id order by score desc, last_name, first_name, id)
                  from (select id, score, last_name, first_name from matched
                        order by score desc, last_name, first_name, id
                        limit ${PAGE_SIZE} offset ${offset}) page), '[]') as ids`),
  );
  const ids = found?.ids ?? [];
  const rows =
    ids.length === 0
      ? []
      : rowsOf<PersonListRow>(
          await tx.execute(sql`
            select ${LIST_COLUMNS}
            from people p
            where p.id in (${sql.join(
              ids.map((id) => sql`${id}::uuid`),
              sql`, `,
            )})`),
        );
  const position = new Map(ids.map((id, i) => [id, i]));
  rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
  return { rows, total: found?.total ?? 0, needs: orderNeeds(found?.needs ?? []) };
}

/**
 * Rows of register_counts above which a read folds them into one row a need.
 * Each statement that changes people adds a row a need it changes, so
 * sign-ups add a few a minute; the sum of a few hundred rows costs a read
 * far less than counting the register.
 */
export const REGISTER_COUNT_FOLD_AFTER = 200;

/**
 * The people on the register (not erased) and how many have each access
 * need, largest first, from register_counts: the sum of its rows of
 * changes. Once more than REGISTER_COUNT_FOLD_AFTER rows have piled up, the
 * read folds them into one a need, in one statement (deleting the rows it
 * sees and inserting their sums, so changes written meanwhile are kept); a
 * transaction-scoped advisory lock, tried and not waited for, leaves the
 * fold to one reader at a time.
 */
export async function registerCounts(
  tx: Queryable,
): Promise<{ total: number; needs: { need: string; n: number }[] }> {
  const rows = rowsOf<{ need: string; n: number; rows: number }>(
    await tx.execute(sql`
      select need, sum(n)::int as n, count(*)::int as rows
      from register_counts
      group by need`),
  );
  if (rows.reduce((sum, row) => sum + row.rows, 0) > REGISTER_COUNT_FOLD_AFTER) {
    await tx.execute(sql`
      with lock as materialized (
        select pg_try_advisory_xact_lock(hashtext('register_counts'), hashtext(app_organisation_id()::text)) as got
      ),
      gone as (
        delete from register_counts where (select got from lock) returning need, n
      )
      insert into register_counts (organisation_id, need, n)
      select app_organisation_id(), need, sum(n)::int from gone group by need having sum(n) <> 0`);
  }
  return {
    total: rows.find((row) => row.need === '')?.n ?? 0,
    needs: orderNeeds(
      rows
        .filter((row) => row.need !== '' && row.n > 0)
        .map((row) => ({ need: row.need, n: row.n })),
    ),
  };
}

/** How many of a set of people have each access need, largest first. */
export async function sumNeeds(tx: Queryable, where: SQL) {
  const rows = rowsOf<{ need: string; n: number }>(
    await tx.execute(sql`
      select need, count(*)::int as n
      from people p, unnest(p.needs) as need
      where ${where}
      group by need`),
  );
  return orderNeeds(rows);
}

/** Needs summed, largest first, ties in the order the needs are listed. */
function orderNeeds(rows: { need: string; n: number }[]) {
  const order = new Map(ACCESS_NEEDS.map((n, i) => [n as string, i]));
  return rows.sort((a, b) => b.n - a.n || (order.get(a.need) ?? 99) - (order.get(b.need) ?? 99));
}

/** Access needs summed for a list of people by id (other modules: who is invited). */
export async function sumNeedsOf(tx: Queryable, personIds: string[]) {
  if (personIds.length === 0) return [];
  const ids = sql.join(
    personIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  return sumNeeds(tx, sql`p.id in (${ids})`);
}

export interface ExportRow {
  id: string;
  reference: string;
  firstName: string;
  lastName: string;
  preferredName: string | null;
  kinds: string[];
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  town: string | null;
  postcode: string | null;
  area: string | null;
  language: string;
  preferredChannels: string[];
  doNotContact: boolean;
  consents: string[];
  needs: string[];
  needsNote: string | null;
  skills: string[];
  interests: string[];
  lastInvolvedOn: string | null;
  serviceCodes: string[];
  roles: string[];
}

/**
 * Every person matching a filter, a batch at a time in name order (keyset
 * pagination), so an export of 100,000 people streams in flat memory and
 * each batch is its own short transaction.
 */
export async function exportBatch(
  tx: Queryable,
  filter: PeopleFilter,
  after: { lastName: string; firstName: string; id: string } | null,
  size = 1000,
): Promise<ExportRow[]> {
  const conditions = filterConditions(filter);
  if (after)
    conditions.push(
      sql`(p.last_name, p.first_name, p.id) > (${after.lastName}, ${after.firstName}, ${after.id}::uuid)`,
    );
  return rowsOf<ExportRow>(
    await tx.execute(sql`
      select p.id, p.reference, p.first_name as "firstName", p.last_name as "lastName",
        p.preferred_name as "preferredName", p.kinds, p.email, p.phone,
        p.address_line_1 as "addressLine1", p.address_line_2 as "addressLine2", p.town, p.postcode,
        p.area, p.language, p.preferred_channels as "preferredChannels",
        p.do_not_contact as "doNotContact", p.consents, p.needs, p.needs_note as "needsNote",
        p.skills, p.interests, p.last_involved_on as "lastInvolvedOn",
        array(select s.code from person_services ps join services s on s.id = ps.service_id
              where ps.person_id = p.id and (ps.ended_on is null or ps.ended_on >= current_date)
              order by s.code) as "serviceCodes",
        array(select r.role from person_roles r
              where r.person_id = p.id and (r.ended_on is null or r.ended_on >= current_date)
              order by r.role) as "roles"
      from people p
      where ${sql.join(conditions, sql` and `)}
      order by p.last_name, p.first_name, p.id
      limit ${size}`),
  );
}

export interface ContactRow {
  id: string;
  reference: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  bestTimes: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  town: string | null;
  postcode: string | null;
  language: string;
  viaName: string | null;
  viaPhone: string | null;
  channel: 'phone' | 'letter';
}

/**
 * People in a list who have no email address (or prefer phone or post), with
 * what is needed to phone them or write to them: through their supporter when
 * they asked for that. Nobody who asked not to be contacted, and only by a
 * channel the person consented to.
 */
export async function contactSheet(tx: Queryable, filter: PeopleFilter, limit = 2000) {
  const conditions = filterConditions(filter);
  conditions.push(sql`not p.do_not_contact`);
  return rowsOf<ContactRow>(
    await tx.execute(sql`
      select p.id, p.reference, p.first_name as "firstName", p.last_name as "lastName",
        coalesce(case when p.contact_via_supporter then s.phone end, p.phone) as phone,
        p.best_times as "bestTimes",
        p.address_line_1 as "addressLine1", p.address_line_2 as "addressLine2", p.town, p.postcode,
        p.language,
        case when p.contact_via_supporter then s.first_name || ' ' || s.last_name end as "viaName",
        case when p.contact_via_supporter then s.phone end as "viaPhone",
        case
          when 'contact_phone' = any(p.consents) and (p.preferred_channels[1] = 'phone' or p.email is null)
               and coalesce(case when p.contact_via_supporter then s.phone end, p.phone) is not null then 'phone'
          else 'letter'
        end as channel
      from people p
      left join people s on s.id = p.supporter_id
      where ${sql.join(conditions, sql` and `)}
        and (p.email is null or p.preferred_channels[1] in ('phone', 'letter'))
        and (('contact_phone' = any(p.consents) and coalesce(case when p.contact_via_supporter then s.phone end, p.phone) is not null)
             or ('contact_letter' = any(p.consents) and p.address_line_1 is not null and p.postcode is not null))
      order by p.last_name, p.first_name
      limit ${limit}`),
  );
}

/** A person as another module's picker shows them: enough to tell two of a name apart. */
export interface PersonChoice {
  id: string;
  reference: string;
  firstName: string;
  lastName: string;
  preferredName: string | null;
  postcode: string | null;
}

/**
 * The people page's search for other modules' pickers (invite by name): the
 * same typo-tolerant name search (or email, phone, postcode, reference), the
 * best 50 matches and how many matched.
 */
export async function findPeople(
  tx: Queryable,
  q: string,
): Promise<{ rows: PersonChoice[]; total: number }> {
  const filter = parseFilter({ q });
  if (!filter.q) return { rows: [], total: 0 };
  const found = await searchPeople(tx, filter);
  return {
    total: found.total,
    rows: found.rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      firstName: r.firstName,
      lastName: r.lastName,
      preferredName: r.preferredName,
      postcode: r.postcode,
    })),
  };
}

/** The saved lists a member of staff may use: shared ones and their own, by name. */
export async function savedListsFor(
  tx: Queryable,
  userId: string,
): Promise<{ id: string; name: string }[]> {
  return rowsOf<{ id: string; name: string }>(
    await tx.execute(sql`
      select id, name from saved_lists
      where shared or owner_user_id = ${userId}::uuid
      order by name, id`),
  );
}

/**
 * Who is on a saved list now (its filter run again), at most `limit` ids in
 * name order; null when the list is not one the member of staff may use.
 */
export async function savedListMembers(
  tx: Queryable,
  listId: string,
  userId: string,
  limit = 2000,
): Promise<{ name: string; ids: string[]; more: boolean } | null> {
  if (!UUID.test(listId)) return null;
  const [list] = rowsOf<{ name: string; query: string }>(
    await tx.execute(sql`
      select name, query from saved_lists
      where id = ${listId}::uuid and (shared or owner_user_id = ${userId}::uuid)`),
  );
  if (!list) return null;
  const filter = parseFilter(Object.fromEntries(new URLSearchParams(list.query)));
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`
      select p.id from people p
      where ${sql.join(filterConditions(filter), sql` and `)}
      order by p.last_name, p.first_name, p.id
      limit ${limit + 1}`),
  );
  return {
    name: list.name,
    ids: rows.slice(0, limit).map((r) => r.id),
    more: rows.length > limit,
  };
}
