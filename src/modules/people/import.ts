import { Readable } from 'node:stream';
import { and, desc, eq, inArray, lt, ne, notInArray, sql, type SQL } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { readSheet, type SheetInput } from '../../platform/spreadsheets/index.ts';
import { ACCESS_NEEDS, AVAILABILITY, CHANNELS, PERSON_KINDS, type OptionList } from './lists.ts';
import { activeCodes, codeFromLabel, loadOptions, type Options } from './options.ts';
import { fingerprint, suppressedAmong } from './rights.ts';
import { imports, type ImportRow } from './tables.ts';
import { checkContact, splitList, tidy, type FieldProblem } from './validate.ts';

/**
 * Imports of people and services from a housing or care system's extract
 * (docs/imports.md). Two steps: check reads the whole file, finds every
 * problem and works out what would change, saving nothing; apply makes the
 * changes in the caller's one transaction, so a file goes in whole or not at
 * all. Both are idempotent on the source's own reference (or service code).
 */

export type ImportKind = 'people' | 'services';

export interface ImportProblem {
  line: number;
  column: string;
  /** i18n key under imports.problems: what is wrong and how to fix it. */
  reason: string;
}

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  invalid: number;
  suppressed: number;
}

/** What every column means; the template and docs/imports.md list them in this order. */
export const PEOPLE_COLUMNS = [
  'reference',
  'first_name',
  'last_name',
  'email',
  'phone',
  'postcode',
  'date_of_birth',
  'service_code',
  'roles',
  'needs',
  'preferred_name',
  'kinds',
  'address_line_1',
  'address_line_2',
  'town',
  'area',
  'language',
  'preferred_channels',
  'skills',
  'interests',
  'availability',
  'do_not_contact',
] as const;
export const SERVICE_COLUMNS = ['code', 'name', 'type', 'specialism', 'area', 'postcode'] as const;
const REQUIRED: Record<ImportKind, string[]> = {
  people: ['reference'],
  services: ['code', 'name', 'type', 'specialism'],
};

/** Keep at most this many problems to show; the count says how many there were. */
export const PROBLEM_LIMIT = 500;

/** A person as the file has them, tidied; only the columns the file has are set. */
interface PersonRecord {
  line: number;
  reference: string;
  fields: Record<string, unknown>;
  serviceId: string | null;
  serviceStartedOn: string;
  roles: string[];
  existingId: string | null;
  status: 'created' | 'updated' | 'unchanged' | 'suppressed';
}

interface ServiceRecord {
  line: number;
  code: string;
  fields: Record<string, string | null>;
  existingId: string | null;
  status: 'created' | 'updated' | 'unchanged';
}

export interface ImportPlan {
  kind: ImportKind;
  total: number;
  problems: ImportProblem[];
  problemCount: number;
  counts: ImportCounts;
  /** Columns the file has that Coproduce does not know: ignored, and said so. */
  ignoredColumns: string[];
  people: PersonRecord[];
  services: ServiceRecord[];
}

/** Maps each person column to the people table's column and how to compare it. */
const PERSON_DB_COLUMNS: Record<
  string,
  { column: string; array?: boolean; bool?: boolean; date?: boolean }
> = {
  first_name: { column: 'first_name' },
  last_name: { column: 'last_name' },
  preferred_name: { column: 'preferred_name' },
  email: { column: 'email' },
  phone: { column: 'phone' },
  postcode: { column: 'postcode' },
  date_of_birth: { column: 'date_of_birth', date: true },
  address_line_1: { column: 'address_line_1' },
  address_line_2: { column: 'address_line_2' },
  town: { column: 'town' },
  area: { column: 'area' },
  language: { column: 'language' },
  kinds: { column: 'kinds', array: true },
  needs: { column: 'needs', array: true },
  preferred_channels: { column: 'preferred_channels', array: true },
  skills: { column: 'skills', array: true },
  interests: { column: 'interests', array: true },
  availability: { column: 'availability', array: true },
  do_not_contact: { column: 'do_not_contact', bool: true },
};

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0', '']);

export interface CheckOptions {
  organisationId: string;
  today: string;
  onProgress?: (rowsRead: number) => Promise<void> | void;
}

/**
 * Reads and checks a whole file. Throws SpreadsheetError for a file that is
 * not a spreadsheet; every other problem is reported with its line (the
 * header is line 1), column and reason.
 */
export async function checkImport(
  tx: Queryable,
  kind: ImportKind,
  input: SheetInput,
  options: CheckOptions,
): Promise<ImportPlan> {
  const sheet = await readSheet(input);
  const plan: ImportPlan = {
    kind,
    total: 0,
    problems: [],
    problemCount: 0,
    counts: { created: 0, updated: 0, unchanged: 0, invalid: 0, suppressed: 0 },
    ignoredColumns: [],
    people: [],
    services: [],
  };
  const known: readonly string[] = kind === 'people' ? PEOPLE_COLUMNS : SERVICE_COLUMNS;
  plan.ignoredColumns = sheet.header.filter((h) => h && !known.includes(h));
  const missing = REQUIRED[kind].filter((c) => !sheet.header.includes(c));
  if (
    kind === 'people' &&
    !sheet.header.includes('first_name') &&
    !sheet.header.includes('last_name')
  )
    missing.push('first_name');
  if (missing.length > 0) {
    await sheet.close();
    for (const column of missing) addProblem(plan, { line: 1, column, reason: 'missingColumn' });
    return plan;
  }
  const options_ = await loadOptions(tx);
  const serviceCodes = new Map(
    rowsOf<{ id: string; code: string }>(await tx.execute(sql`select id, code from services`)).map(
      (r) => [r.code.toLowerCase(), r.id],
    ),
  );
  const seen = new Set<string>();
  for await (const row of sheet) {
    plan.total++;
    if (plan.total % 5000 === 0) await options.onProgress?.(plan.total);
    const problems: FieldProblem[] = [];
    const keyValue = tidy(row.values[kind === 'people' ? 'reference' : 'code']);
    const keyColumn = kind === 'people' ? 'reference' : 'code';
    if (!keyValue) problems.push({ field: keyColumn, key: 'required' });
    else if (seen.has(keyValue.toLowerCase())) problems.push({ field: keyColumn, key: 'repeated' });
    else seen.add(keyValue.toLowerCase());
    if (kind === 'people') {
      const record = checkPersonRow(
        row.values,
        sheet.header,
        options_,
        serviceCodes,
        options.today,
        problems,
      );
      if (problems.length === 0)
        plan.people.push({ ...record, line: row.line, reference: keyValue });
    } else {
      const record = checkServiceRow(row.values, sheet.header, options_, problems);
      if (problems.length === 0) plan.services.push({ ...record, line: row.line, code: keyValue });
    }
    if (problems.length > 0) {
      plan.counts.invalid++;
      for (const p of problems)
        addProblem(plan, { line: row.line, column: p.field, reason: p.key });
    }
  }
  await options.onProgress?.(plan.total);
  if (kind === 'people') await comparePeople(tx, plan, options.organisationId);
  else await compareServices(tx, plan);
  return plan;
}

function addProblem(plan: ImportPlan, problem: ImportProblem) {
  plan.problemCount++;
  if (plan.problems.length < PROBLEM_LIMIT) plan.problems.push(problem);
}

function checkCodes(
  value: string,
  allowed: Set<string> | readonly string[],
  column: string,
  problems: FieldProblem[],
): string[] {
  const set = allowed instanceof Set ? allowed : new Set(allowed);
  const codes = splitList(value).map((v) => v.toLowerCase());
  const unknown = codes.filter((c) => !set.has(c));
  if (unknown.length > 0) problems.push({ field: column, key: 'unknownCode' });
  return [...new Set(codes)];
}

function checkPersonRow(
  values: Record<string, string>,
  header: string[],
  options: Options,
  serviceCodes: Map<string, string>,
  today: string,
  problems: FieldProblem[],
): Omit<PersonRecord, 'line' | 'reference'> {
  const has = (c: string) => header.includes(c);
  const v = (c: string) => tidy(values[c]);
  const fields: Record<string, unknown> = {};
  const first = v('first_name');
  const last = v('last_name');
  if (!first && !last)
    problems.push({ field: has('first_name') ? 'first_name' : 'last_name', key: 'nameRequired' });
  // A name in last_name alone moves to first_name when the file has both
  // columns; a file with only last_name sets only that (first_name is then ''
  // for new people), so an update never overwrites a first name it was not given.
  if (has('first_name')) fields.first_name = first || last;
  if (has('last_name')) fields.last_name = has('first_name') && !first ? '' : last;
  if (has('preferred_name')) fields.preferred_name = v('preferred_name') || null;
  const contact = checkContact(
    {
      email: v('email'),
      phone: v('phone'),
      postcode: v('postcode'),
      dateOfBirth: v('date_of_birth'),
    },
    today,
    problems,
    { email: 'email', phone: 'phone', postcode: 'postcode', dateOfBirth: 'date_of_birth' },
  );
  if (has('email')) fields.email = contact.email;
  if (has('phone')) fields.phone = contact.phone;
  if (has('postcode')) fields.postcode = contact.postcode;
  if (has('date_of_birth')) fields.date_of_birth = contact.dateOfBirth;
  for (const c of ['address_line_1', 'address_line_2', 'town', 'area'])
    if (has(c)) fields[c] = v(c) || null;
  if (has('language')) {
    const language = v('language').toLowerCase() || 'en';
    if (!/^[a-z]{2,3}$/.test(language)) problems.push({ field: 'language', key: 'language' });
    fields.language = language;
  }
  if (has('kinds'))
    fields.kinds = checkCodes(v('kinds') || 'customer', PERSON_KINDS, 'kinds', problems);
  if (has('needs')) fields.needs = checkCodes(v('needs'), ACCESS_NEEDS, 'needs', problems);
  if (has('preferred_channels'))
    fields.preferred_channels = checkCodes(
      v('preferred_channels'),
      CHANNELS,
      'preferred_channels',
      problems,
    );
  if (has('skills'))
    fields.skills = checkCodes(v('skills'), activeCodes(options, 'skill'), 'skills', problems);
  if (has('interests'))
    fields.interests = checkCodes(
      v('interests'),
      activeCodes(options, 'interest'),
      'interests',
      problems,
    );
  if (has('availability'))
    fields.availability = checkCodes(v('availability'), AVAILABILITY, 'availability', problems);
  if (has('do_not_contact')) {
    const raw = v('do_not_contact').toLowerCase();
    if (!YES.has(raw) && !NO.has(raw)) problems.push({ field: 'do_not_contact', key: 'yesNo' });
    fields.do_not_contact = YES.has(raw);
  }
  let serviceId: string | null = null;
  const serviceCode = v('service_code');
  if (serviceCode) {
    serviceId = serviceCodes.get(serviceCode.toLowerCase()) ?? null;
    if (!serviceId) problems.push({ field: 'service_code', key: 'unknownService' });
  }
  const roles = has('roles')
    ? checkCodes(v('roles'), activeCodes(options, 'involvement_role'), 'roles', problems)
    : [];
  return { fields, serviceId, serviceStartedOn: today, roles, existingId: null, status: 'created' };
}

function matchOption(options: Options, list: OptionList, value: string): string | null {
  const lower = value.toLowerCase();
  const found = options[list].find(
    (o) =>
      !o.retired &&
      (o.code === lower || o.label.toLowerCase() === lower || o.code === codeFromLabel(value)),
  );
  return found?.code ?? null;
}

function checkServiceRow(
  values: Record<string, string>,
  header: string[],
  options: Options,
  problems: FieldProblem[],
): Omit<ServiceRecord, 'line' | 'code'> {
  const v = (c: string) => tidy(values[c]);
  const fields: Record<string, string | null> = {};
  fields.name = v('name');
  if (!fields.name) problems.push({ field: 'name', key: 'required' });
  const type = matchOption(options, 'service_type', v('type'));
  if (!type) problems.push({ field: 'type', key: 'unknownCode' });
  fields.type = type;
  const specialism = matchOption(options, 'specialism', v('specialism'));
  if (!specialism) problems.push({ field: 'specialism', key: 'unknownCode' });
  fields.specialism = specialism;
  if (header.includes('area')) fields.area = v('area') || null;
  if (header.includes('postcode')) {
    const contact = checkContact({ postcode: v('postcode') }, '9999-12-31', problems);
    fields.postcode = contact.postcode;
  }
  return { fields, existingId: null, status: 'created' };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Finds who is already on the register, who is suppressed, and what would change. */
async function comparePeople(tx: Queryable, plan: ImportPlan, organisationId: string) {
  const columns = Object.keys(plan.people[0]?.fields ?? {});
  for (let i = 0; i < plan.people.length; i += 2000) {
    const batch = plan.people.slice(i, i + 2000);
    const refs = batch.map((p) => p.reference);
    const prints = new Map<string, string[]>();
    for (const p of batch) {
      const list = [fingerprint(organisationId, 'reference', p.reference)];
      if (typeof p.fields.email === 'string')
        list.push(fingerprint(organisationId, 'email', p.fields.email));
      prints.set(p.reference, list);
    }
    const suppressed = await suppressedAmong(tx, [...prints.values()].flat());
    const refList = sql.join(
      refs.map((r) => sql`${r}`),
      sql`, `,
    );
    const existing = rowsOf<
      Record<string, unknown> & { id: string; ref: string; services: string[]; roles: string[] }
    >(
      await tx.execute(sql`
        select p.*, m.ref,
          array(select ps.service_id::text from person_services ps where ps.person_id = p.id and (ps.ended_on is null or ps.ended_on >= current_date)) as services,
          array(select r.role from person_roles r where r.person_id = p.id and (r.ended_on is null or r.ended_on >= current_date)) as roles
        from (
          select reference as ref, id from people where reference in (${refList})
          union all
          select reference as ref, person_id as id from person_aliases where reference in (${refList})
        ) m
        join people p on p.id = m.id`),
    );
    const byRef = new Map(existing.map((e) => [e.ref, e]));
    for (const record of batch) {
      if (prints.get(record.reference)!.some((f) => suppressed.has(f))) {
        record.status = 'suppressed';
        plan.counts.suppressed++;
        continue;
      }
      const current = byRef.get(record.reference);
      if (!current) {
        record.status = 'created';
        plan.counts.created++;
        continue;
      }
      record.existingId = current.id;
      const changed =
        columns.some((c) => !same(record.fields[c], current[PERSON_DB_COLUMNS[c]!.column])) ||
        (record.serviceId !== null && !current.services.includes(record.serviceId)) ||
        record.roles.some((r) => !current.roles.includes(r));
      record.status = changed ? 'updated' : 'unchanged';
      plan.counts[record.status]++;
    }
  }
}

async function compareServices(tx: Queryable, plan: ImportPlan) {
  const existing = rowsOf<Record<string, string | null> & { id: string; code: string }>(
    await tx.execute(sql`select id, code, name, type, specialism, area, postcode from services`),
  );
  const byCode = new Map(existing.map((e) => [e.code.toLowerCase(), e]));
  for (const record of plan.services) {
    const current = byCode.get(record.code.toLowerCase());
    if (!current) {
      plan.counts.created++;
      continue;
    }
    record.existingId = current.id;
    const changed = Object.keys(record.fields).some((c) => !same(record.fields[c], current[c]));
    record.status = changed ? 'updated' : 'unchanged';
    plan.counts[record.status]++;
  }
}

/** Whether the plan can be applied: no problems, or the person chose to skip the bad rows. */
export function canApply(plan: ImportPlan, skipInvalid: boolean): boolean {
  if (plan.problems.some((p) => p.line === 1)) return false;
  return plan.problemCount === 0 || skipInvalid;
}

const BATCH = 1000;

function valueOf(spec: { array?: boolean; bool?: boolean; date?: boolean }, value: unknown): SQL {
  if (spec.array) {
    const list = (value as string[]) ?? [];
    return list.length
      ? sql`array[${sql.join(
          list.map((v) => sql`${v}`),
          sql`, `,
        )}]::text[]`
      : sql`'{}'::text[]`;
  }
  if (spec.bool) return sql`${Boolean(value)}::boolean`;
  if (spec.date) return sql`${value ?? null}::date`;
  return sql`${value ?? null}::text`;
}

/**
 * Makes the planned changes in the caller's transaction: multi-row INSERTs
 * for new people, one UPDATE … FROM (VALUES …) per batch for changed ones,
 * service links and roles set-wise, then possible duplicates of the new
 * people flagged in one statement. One audit record says what the import did.
 */
export async function applyImport(
  tx: Queryable,
  actor: Actor,
  plan: ImportPlan,
  meta: { filename: string; today: string },
): Promise<ImportCounts> {
  if (plan.kind === 'services') await applyServices(tx, plan);
  else await applyPeople(tx, plan, meta.today);
  await audit(tx, actor, {
    action: 'import',
    entity: plan.kind === 'people' ? 'people' : 'services',
    after: { filename: meta.filename, ...plan.counts },
  });
  return plan.counts;
}

async function applyPeople(tx: Queryable, plan: ImportPlan, today: string) {
  const columns = Object.keys(plan.people[0]?.fields ?? {});
  const specs = columns.map((c) => ({ key: c, ...PERSON_DB_COLUMNS[c]! }));
  // first_name has no default: a file without the column gives new people ''.
  const insertSpecs = columns.includes('first_name')
    ? specs
    : [...specs, { key: 'first_name', column: 'first_name' }];
  const created = plan.people.filter((p) => p.status === 'created');
  const updated = plan.people.filter((p) => p.status === 'updated');
  const newIds: string[] = [];

  for (let i = 0; i < created.length; i += BATCH) {
    const batch = created.slice(i, i + BATCH);
    const cols = sql.join(
      [
        sql.raw('organisation_id'),
        sql.raw('reference'),
        sql.raw('source'),
        ...insertSpecs.map((s) => sql.raw(s.column)),
      ],
      sql`, `,
    );
    const rows = sql.join(
      batch.map(
        (p) =>
          sql`(app_organisation_id(), ${p.reference}, 'import', ${sql.join(
            insertSpecs.map((s) =>
              valueOf(s, p.fields[s.key] ?? (s.key === 'first_name' ? '' : null)),
            ),
            sql`, `,
          )})`,
      ),
      sql`, `,
    );
    const inserted = rowsOf<{ id: string; reference: string }>(
      await tx.execute(sql`insert into people (${cols}) values ${rows} returning id, reference`),
    );
    const ids = new Map(inserted.map((r) => [r.reference, r.id]));
    for (const p of batch) {
      p.existingId = ids.get(p.reference) ?? null;
      if (p.existingId) newIds.push(p.existingId);
    }
  }

  if (specs.length > 0) {
    for (let i = 0; i < updated.length; i += BATCH) {
      const batch = updated.slice(i, i + BATCH);
      const rows = sql.join(
        batch.map(
          (p) =>
            sql`(${p.existingId}::uuid, ${sql.join(
              specs.map((s) => valueOf(s, p.fields[s.key])),
              sql`, `,
            )})`,
        ),
        sql`, `,
      );
      const names = sql.raw(['id', ...specs.map((s) => s.column)].join(', '));
      const sets = sql.raw(
        [...specs.map((s) => `${s.column} = v.${s.column}`), 'updated_at = now()'].join(', '),
      );
      await tx.execute(
        sql`update people set ${sets} from (values ${rows}) as v(${names}) where people.id = v.id`,
      );
    }
  }

  // Service links and roles for everyone the file names, where not held now.
  const touched = [...created, ...updated];
  const links = touched.filter((p) => p.serviceId && p.existingId);
  for (let i = 0; i < links.length; i += BATCH) {
    const rows = sql.join(
      links.slice(i, i + BATCH).map((p) => sql`(${p.existingId}::uuid, ${p.serviceId}::uuid)`),
      sql`, `,
    );
    await tx.execute(sql`
      insert into person_services (organisation_id, person_id, service_id, started_on)
      select app_organisation_id(), v.person_id, v.service_id, ${today}::date
      from (values ${rows}) as v(person_id, service_id)
      where not exists (select 1 from person_services ps where ps.person_id = v.person_id
        and ps.service_id = v.service_id and (ps.ended_on is null or ps.ended_on >= current_date))`);
  }
  const roles = touched.flatMap((p) =>
    p.existingId ? p.roles.map((r) => [p.existingId!, r] as const) : [],
  );
  for (let i = 0; i < roles.length; i += BATCH) {
    const rows = sql.join(
      roles.slice(i, i + BATCH).map(([id, role]) => sql`(${id}::uuid, ${role}::text)`),
      sql`, `,
    );
    await tx.execute(sql`
      insert into person_roles (organisation_id, person_id, role, started_on)
      select app_organisation_id(), v.person_id, v.role, ${today}::date
      from (values ${rows}) as v(person_id, role)
      where not exists (select 1 from person_roles r where r.person_id = v.person_id
        and r.role = v.role and (r.ended_on is null or r.ended_on >= current_date))`);
  }
  await flagImportedDuplicates(tx, newIds);
}

/** Ids as one array parameter (a PostgreSQL array literal: ids are UUIDs, so nothing needs quoting). */
function uuidArray(ids: string[]): string {
  return `{${ids.join(',')}}`;
}

/**
 * Possible duplicates among newly imported people, set-wise: the same email,
 * the same phone number, or the same name and date of birth as someone else.
 */
async function flagImportedDuplicates(tx: Queryable, ids: string[]) {
  if (ids.length === 0) return;
  // All the new people in one statement, their ids as one array parameter:
  // each of the three joins then reads the register once, not once per batch.
  // Three equality joins (each a hash or index join) rather than one join
  // on ORs, which the planner can only answer by comparing every pair.
  await tx.execute(sql`
      with n as (select id, lower(email) as email, phone_digits, search_name, date_of_birth
                 from people where id = any(${uuidArray(ids)}::uuid[])),
      pairs as (
        select n.id as person_id, o.id as other_id, 'same_email' as reason
          from n join people o on o.email = n.email
          where n.email is not null
        union all
        select n.id, o.id, 'same_phone'
          from n join people o on o.phone_digits = n.phone_digits
          where length(n.phone_digits) >= 7
        union all
        select n.id, o.id, 'similar_name'
          from n join people o on o.search_name = n.search_name and o.date_of_birth = n.date_of_birth
          where n.date_of_birth is not null
      )
      insert into possible_duplicates (organisation_id, person_id, other_id, reason)
      select distinct on (p.person_id, p.other_id) app_organisation_id(), p.person_id, p.other_id, p.reason
      from pairs p join people o on o.id = p.other_id
      where p.other_id <> p.person_id and o.erased_at is null
        and (p.other_id not in (select id from n) or p.other_id < p.person_id)
      order by p.person_id, p.other_id, p.reason
      on conflict do nothing`);
}

async function applyServices(tx: Queryable, plan: ImportPlan) {
  for (const record of plan.services) {
    if (record.status === 'unchanged') continue;
    const f = record.fields;
    if (record.status === 'created') {
      await tx.execute(sql`
        insert into services (organisation_id, code, name, type, specialism, area, postcode)
        values (app_organisation_id(), ${record.code}, ${f.name}, ${f.type}, ${f.specialism}, ${f.area ?? null}, ${f.postcode ?? null})`);
    } else {
      const sets = sql.join(
        Object.entries(f).map(([k, v]) => sql`${sql.raw(k)} = ${v}`),
        sql`, `,
      );
      await tx.execute(
        sql`update services set ${sets}, updated_at = now() where id = ${record.existingId}`,
      );
    }
  }
}

/** The template file's header and an example row. */
export function templateRows(kind: ImportKind): { header: string[]; example: string[] } {
  if (kind === 'services')
    return {
      header: [...SERVICE_COLUMNS],
      example: ['MH-NEW', 'Riverside', 'supported_housing', 'mental_health', 'Central', 'NE1 7XY'],
    };
  return {
    header: [...PEOPLE_COLUMNS],
    example: [
      'HMS-001234',
      'Jamie',
      'Rivers',
      'jamie.rivers@example.org',
      '07700 900123',
      'NE1 4AB',
      '1980-05-17',
      'MH-BRI',
      'panel_member;quality_checker',
      'step_free;papers_in_advance',
      '',
      'customer',
      '1 Example Street',
      '',
      'Newcastle',
      'Central',
      'en',
      'email;phone',
      'chairing',
      'repairs',
      'weekday_mornings',
      'no',
    ],
  };
}

// ---------------------------------------------------------------------------
// The import log: a file between upload and import, and what each import did.
// A file is kept only while someone decides what to do with it; it is removed
// once imported, and a cancelled file's row goes altogether.

/** The stored bytes as a sheet to read, under the name the person gave the file. */
export function storedSheet(file: Uint8Array, filename: string): SheetInput {
  return { stream: Readable.from([Buffer.from(file)]), filename };
}

/** About how many data rows a file holds, before reading it: lines of a CSV; unknown (0) for .xlsx. */
export function estimateRows(file: Uint8Array, filename: string): number {
  const zipped = Buffer.from(file.subarray(0, 4)).toString('latin1') === 'PK\x03\x04';
  if (/\.xlsx$/i.test(filename) || zipped) return 0;
  let lines = 0;
  for (const byte of file) if (byte === 0x0a) lines++;
  const endsWithBreak = file[file.length - 1] === 0x0a;
  return Math.max(0, lines + (endsWithBreak ? 0 : 1) - 1);
}

export type StoredImport = Omit<ImportRow, 'file' | 'organisationId'> & { bytes: number };

const storedColumns = {
  id: imports.id,
  kind: imports.kind,
  filename: imports.filename,
  status: imports.status,
  skipInvalid: imports.skipInvalid,
  totalRows: imports.totalRows,
  processedRows: imports.processedRows,
  counts: imports.counts,
  problems: imports.problems,
  problemCount: imports.problemCount,
  createdBy: imports.createdBy,
  createdAt: imports.createdAt,
  finishedAt: imports.finishedAt,
  bytes: sql<number>`coalesce(octet_length(${imports.file}), 0)::int`,
};

/** Stores an uploaded file, not yet checked. */
export async function recordUpload(
  tx: Queryable,
  upload: { kind: ImportKind; filename: string; file: Buffer; createdBy: string | null },
): Promise<string> {
  const [row] = await tx
    .insert(imports)
    .values({
      organisationId: sql`app_organisation_id()`,
      kind: upload.kind,
      filename: upload.filename,
      file: upload.file,
      status: 'uploaded',
      totalRows: estimateRows(upload.file, upload.filename),
      createdBy: upload.createdBy,
    })
    .returning({ id: imports.id });
  return row!.id;
}

/** An import without its file (its size in bytes instead); null when there is none. */
export async function findImport(tx: Queryable, id: string): Promise<StoredImport | null> {
  const [row] = await tx.select(storedColumns).from(imports).where(eq(imports.id, id));
  return row ?? null;
}

/** Finished imports, newest first, and files waiting for a decision. */
export async function listImports(
  tx: Queryable,
  limit = 20,
): Promise<{ finished: StoredImport[]; waiting: StoredImport[] }> {
  const finished = await tx
    .select(storedColumns)
    .from(imports)
    .where(eq(imports.status, 'imported'))
    .orderBy(desc(imports.finishedAt))
    .limit(limit);
  const waiting = await tx
    .select(storedColumns)
    .from(imports)
    .where(ne(imports.status, 'imported'))
    .orderBy(desc(imports.createdAt))
    .limit(limit);
  return { finished, waiting };
}

/** Columns the stored file has that Coproduce does not know (read from its header alone). */
export async function ignoredColumnsOf(tx: Queryable, id: string): Promise<string[]> {
  const [row] = await tx
    .select({ kind: imports.kind, filename: imports.filename, file: imports.file })
    .from(imports)
    .where(eq(imports.id, id));
  if (!row?.file) return [];
  const sheet = await readSheet(storedSheet(row.file, row.filename));
  await sheet.close();
  const known: readonly string[] = row.kind === 'services' ? SERVICE_COLUMNS : PEOPLE_COLUMNS;
  return sheet.header.filter((h) => h && !known.includes(h));
}

/** What a check found, kept as line, column and reason only: never a value from the file. */
function checkedFields(plan: ImportPlan) {
  return {
    totalRows: plan.total,
    processedRows: plan.total,
    counts: { ...plan.counts },
    problems: plan.problems.map(({ line, column, reason }) => ({ line, column, reason })),
    problemCount: plan.problemCount,
  };
}

/** Records a check's result: the file waits, checked, for the person to decide. */
export async function saveCheck(tx: Queryable, id: string, plan: ImportPlan): Promise<void> {
  await tx
    .update(imports)
    .set({ status: 'checked', ...checkedFields(plan) })
    .where(eq(imports.id, id));
}

/** Marks an import that could not be finished; its file is not kept. */
export async function markImportFailed(tx: Queryable, id: string): Promise<void> {
  await tx
    .update(imports)
    .set({ status: 'failed', file: null, finishedAt: sql`now()` })
    .where(eq(imports.id, id));
}

/** Moves an import on from one status to another; false when it was not in `from`. */
export async function moveImport(
  tx: Queryable,
  id: string,
  from: string[],
  change: { status: string; skipInvalid?: boolean; processedRows?: number },
): Promise<boolean> {
  const rows = await tx
    .update(imports)
    .set(change)
    .where(and(eq(imports.id, id), inArray(imports.status, from)))
    .returning({ id: imports.id });
  return rows.length > 0;
}

/** Checks a stored file again, in the caller's transaction, and records what it found. */
export async function checkStoredImport(
  tx: Queryable,
  id: string,
  options: CheckOptions,
): Promise<ImportPlan | null> {
  const [row] = await tx
    .select({ kind: imports.kind, filename: imports.filename, file: imports.file })
    .from(imports)
    .where(eq(imports.id, id));
  if (!row?.file) return null;
  const plan = await checkImport(
    tx,
    row.kind as ImportKind,
    storedSheet(row.file, row.filename),
    options,
  );
  await saveCheck(tx, id, plan);
  return plan;
}

export type ApplyOutcome =
  | { outcome: 'imported'; counts: ImportCounts }
  | { outcome: 'refused'; plan: ImportPlan }
  | { outcome: 'gone' };

/**
 * Imports a stored file in the caller's one transaction: it checks the file
 * again (the register may have changed since), then applies it only if it
 * still may be applied; the file's bytes go once it is in.
 */
export async function applyStoredImport(
  tx: Queryable,
  actor: Actor,
  id: string,
  options: CheckOptions & { from: string[]; skipInvalid: boolean },
): Promise<ApplyOutcome> {
  const rows = rowsOf<{ kind: string; filename: string; file: Uint8Array | null }>(
    await tx.execute(sql`select kind, filename, file from imports
      where id = ${id} and status in (${sql.join(
        options.from.map((s) => sql`${s}`),
        sql`, `,
      )}) for update`),
  );
  const row = rows[0];
  if (!row?.file) return { outcome: 'gone' };
  const plan = await checkImport(
    tx,
    row.kind as ImportKind,
    storedSheet(row.file, row.filename),
    options,
  );
  if (!canApply(plan, options.skipInvalid)) {
    await saveCheck(tx, id, plan);
    return { outcome: 'refused', plan };
  }
  const counts = await applyImport(tx, actor, plan, {
    filename: row.filename,
    today: options.today,
  });
  await tx
    .update(imports)
    .set({
      status: 'imported',
      skipInvalid: options.skipInvalid,
      file: null,
      finishedAt: sql`now()`,
      ...checkedFields(plan),
    })
    .where(eq(imports.id, id));
  return { outcome: 'imported', counts };
}

/** Logs an import made in one go (the command line): no file is kept. */
export async function recordImported(
  tx: Queryable,
  plan: ImportPlan,
  meta: { filename: string; skipInvalid: boolean; createdBy: string | null },
): Promise<void> {
  await tx.insert(imports).values({
    organisationId: sql`app_organisation_id()`,
    kind: plan.kind,
    filename: meta.filename,
    file: null,
    status: 'imported',
    skipInvalid: meta.skipInvalid,
    createdBy: meta.createdBy,
    finishedAt: sql`now()`,
    ...checkedFields(plan),
  });
}

/**
 * Removes a file that will not be imported, row and all, so a refused file
 * leaves nothing behind; the audit trail says that it was cancelled.
 */
export async function cancelImport(tx: Queryable, actor: Actor, id: string): Promise<boolean> {
  const removed = await tx
    .delete(imports)
    .where(and(eq(imports.id, id), notInArray(imports.status, ['importing', 'imported'])))
    .returning({ filename: imports.filename, kind: imports.kind });
  if (removed.length === 0) return false;
  await audit(tx, actor, {
    action: 'cancel',
    entity: 'import',
    entityId: id,
    after: { filename: removed[0]!.filename, kind: removed[0]!.kind },
  });
  return true;
}

/** Files uploaded more than a day ago and never imported or cancelled: they go, file and all. */
export async function pruneAbandonedImports(tx: Queryable): Promise<void> {
  await tx
    .delete(imports)
    .where(
      and(
        inArray(imports.status, ['uploaded', 'checked', 'failed']),
        lt(imports.createdAt, sql`now() - interval '1 day'`),
      ),
    );
}
