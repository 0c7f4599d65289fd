import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import {
  defineImportKind,
  type CellProblem,
  type ImportColumn,
  type ImportRecord,
} from '../../platform/manifest.ts';
import { ACCESS_NEEDS, AVAILABILITY, CHANNELS, PERSON_KINDS, type OptionList } from './lists.ts';
import { codeFromLabel, loadOptions, type Options } from './options.ts';
import { languageCode } from './languages.ts';
import { translator } from '../../platform/i18n/index.ts';
import { fingerprint, suppressedAmong } from './rights.ts';
import { checkContact, splitList, tidy, type FieldProblem } from './validate.ts';

/**
 * The register's import kinds, people and services (docs/imports.md): their
 * columns and rules. The platform's pipeline (src/platform/imports) reads the
 * file, checks the reference column, reports the problems and runs the check
 * and the import; these say what each row means, which people are already on
 * the register or asked to be erased, and write the rows.
 */

/** A person as the file has them, tidied; only the columns the file has are set. */
export interface PersonImport {
  fields: Record<string, unknown>;
  serviceId: string | null;
  roles: string[];
  existingId: string | null;
}

/** A service as the file has it. */
export interface ServiceImport {
  fields: Record<string, string | null>;
  existingId: string | null;
}

const text = 'text';

/** What every person column means, in the template's order. */
export const PEOPLE_COLUMNS: readonly ImportColumn[] = [
  {
    name: 'reference',
    required: true,
    meaning: "the source system's own reference for the person; unique within the file",
    example: 'HMS-001234',
  },
  {
    name: 'first_name',
    required: 'a name is required (see below)',
    meaning: text,
    example: 'Jamie',
  },
  { name: 'last_name', meaning: text, example: 'Rivers' },
  {
    name: 'email',
    meaning: 'an email address; stored in lower case',
    example: 'jamie.rivers@example.org',
  },
  {
    name: 'phone',
    meaning: '7 to 15 digits; spaces, `+`, brackets and hyphens allowed',
    example: '07700 900123',
    examples: ['07700 900123', '+44 191 496 0000'],
  },
  {
    name: 'postcode',
    meaning: 'a full UK postcode, with or without its space; stored as `NE1 4AB`',
    example: 'NE1 4AB',
    examples: ['ne14ab'],
  },
  {
    name: 'date_of_birth',
    meaning:
      'a date like `17/05/1980` (day/month/year) or `1980-05-17`; in the past and after 1900',
    example: '17/05/1980',
    examples: ['17/05/1980', '1980-05-17'],
  },
  {
    name: 'service_code',
    meaning:
      "the code of one of the organisation's services (see the Services page, or import services first); any case",
    example: 'MH-BRI',
  },
  {
    name: 'roles',
    meaning: 'involvement roles by name or code, `;`-separated (below)',
    example: 'panel_member;quality_checker',
  },
  {
    name: 'needs',
    meaning: 'access needs by name or code, `;`-separated (below)',
    example: 'Easy read;step_free',
  },
  {
    name: 'preferred_name',
    meaning: 'what they like to be called',
    example: '',
    examples: ['Jay'],
  },
  {
    name: 'kinds',
    meaning:
      'who the person is to the organisation, by name or code, `;`-separated (below); blank means `customer`',
    example: 'customer',
    examples: ['customer;carer'],
  },
  { name: 'address_line_1', meaning: text, example: '1 Example Street' },
  { name: 'address_line_2', meaning: text, example: '' },
  {
    name: 'town',
    meaning: text,
    example: 'Newcastle',
    examples: ['Newcastle upon Tyne'],
  },
  {
    name: 'area',
    meaning: "text: the organisation's own name for an area",
    example: 'Central',
  },
  {
    name: 'language',
    meaning:
      'the language they prefer, by its English name or its 2 or 3 letter code (`bfi` is British Sign Language); blank means `en`',
    example: 'en',
    examples: ['en', 'cy', 'Polish', 'British Sign Language'],
  },
  {
    name: 'preferred_channels',
    meaning: 'how they like to be contacted, in order, by name or code, `;`-separated (below)',
    example: 'email;phone',
  },
  {
    name: 'skills',
    meaning: 'skills by name or code, `;`-separated (below)',
    example: 'chairing',
    examples: ['chairing;writing'],
  },
  {
    name: 'interests',
    meaning: 'interests by name or code, `;`-separated (below)',
    example: 'repairs',
    examples: ['repairs;money'],
  },
  {
    name: 'availability',
    meaning: 'availability by name or code, `;`-separated (below)',
    example: 'weekday_mornings',
    examples: ['weekday_mornings;online'],
  },
  { name: 'do_not_contact', meaning: 'yes or no', example: 'no' },
];

/** What every service column means, in the template's order. */
export const SERVICE_COLUMNS: readonly ImportColumn[] = [
  {
    name: 'code',
    required: true,
    meaning: "the organisation's own code, unique within it (matched in any case)",
    example: 'MH-NEW',
    examples: ['MH-BRI'],
  },
  { name: 'name', required: true, meaning: text, example: 'Riverside', examples: ['Bridge House'] },
  {
    name: 'type',
    required: true,
    meaning: "a service type, by code or by its label (organisation's list; below)",
    example: 'supported_housing',
    examples: ['supported_housing', 'Supported housing'],
  },
  {
    name: 'specialism',
    required: true,
    meaning: "a specialism, by code or label (organisation's list; below)",
    example: 'mental_health',
  },
  { name: 'area', meaning: text, example: 'Central' },
  { name: 'postcode', meaning: 'a full UK postcode', example: 'NE1 7XY' },
];

/** Turns the register's field problems into the pipeline's cell problems. */
function cellProblems(found: FieldProblem[], into: CellProblem[]): void {
  for (const p of found) into.push({ column: p.field, reason: p.key });
}

/** People: matched on their reference (and the earlier references of people merged into them). */
export const peopleImport = defineImportKind<PersonImport>({
  kind: 'people',
  labelKey: 'imports.kinds.people',
  action: 'people:import',
  applyLabelKey: 'imports.apply.people',
  afterImport: { href: '/staff/people', labelKey: 'imports.done.people' },
  noteKey: 'imports.steps.erased',
  suppressedKey: 'imports.suppressed',
  reference: 'reference',
  columns: PEOPLE_COLUMNS,
  missingColumns: (header) =>
    header.includes('first_name') || header.includes('last_name') ? [] : ['first_name'],
  async prepare(tx, context) {
    const options = await loadOptions(tx);
    const serviceCodes = new Map(
      rowsOf<{ id: string; code: string }>(
        await tx.execute(sql`select id, code from services`),
      ).map((r) => [r.code.toLowerCase(), r.id]),
    );
    const header = [...context.header];
    return (values, problems) => {
      const found: FieldProblem[] = [];
      const row = checkPersonRow(values, header, options, serviceCodes, context.today, found);
      cellProblems(found, problems);
      return row;
    };
  },
  compare: (tx, records, context) => comparePeople(tx, records, context.organisationId),
  apply: (tx, records, context) => applyPeople(tx, records, context.today),
});

/** Services and schemes: matched on their code. Import them before the people who use them. */
export const servicesImport = defineImportKind<ServiceImport>({
  kind: 'services',
  labelKey: 'imports.kinds.services',
  action: 'people:import',
  applyLabelKey: 'imports.apply.services',
  afterImport: { href: '/staff/services', labelKey: 'imports.done.services' },
  reference: 'code',
  columns: SERVICE_COLUMNS,
  async prepare(tx, context) {
    const options = await loadOptions(tx);
    const header = [...context.header];
    return (values, problems) => {
      const found: FieldProblem[] = [];
      const row = checkServiceRow(values, header, options, found);
      cellProblems(found, problems);
      return row;
    };
  },
  compare: (tx, records) => compareServices(tx, records),
  apply: (tx, records) => applyServices(tx, records),
});

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

/** Codes a list cell may hold, each with the labels people see for it (lower case). */
type CodeList = Map<string, string[]>;

/** A fixed list with its English labels (register.<prefix>.<code>, and more prefixes). */
function fixedList(codes: readonly string[], ...prefixes: string[]): CodeList {
  const en = translator('en');
  return new Map(
    codes.map((code) => [
      code,
      prefixes.map((prefix) => en.text(`register.${prefix}.${code}`).toLowerCase()),
    ]),
  );
}

/** The fixed lists, with the labels the register's pages show for each code (made once). */
let fixed: Record<'needs' | 'kinds' | 'channels' | 'availability', CodeList> | null = null;
function fixedLists() {
  fixed ??= {
    needs: fixedList(ACCESS_NEEDS, 'needLabels', 'needs'),
    kinds: fixedList(PERSON_KINDS, 'kinds'),
    channels: fixedList(CHANNELS, 'channels'),
    availability: fixedList(AVAILABILITY, 'availability'),
  };
  return fixed;
}

/** An organisation's list: its active codes with their labels. */
function optionList(options: Options, list: OptionList): CodeList {
  return new Map(
    options[list].filter((o) => !o.retired).map((o) => [o.code, [o.label.toLowerCase()]]),
  );
}

/**
 * Reads a list cell whose items are codes (`easy_read`) or the labels people
 * see (`Easy read`, `Panel member`), in any case; an item that is neither is a
 * problem of the column (`unknownKey` names the message).
 */
function checkCodes(
  value: string,
  allowed: CodeList,
  column: string,
  problems: FieldProblem[],
  unknownKey = 'unknownCode',
): string[] {
  const byLabel = new Map<string, string>();
  for (const [code, labels] of allowed) for (const label of labels) byLabel.set(label, code);
  const codes: string[] = [];
  let unknown = false;
  for (const item of splitList(value)) {
    const lower = item.toLowerCase();
    const code = allowed.has(lower)
      ? lower
      : (byLabel.get(lower.replace(/\s+/g, ' ')) ??
        (allowed.has(codeFromLabel(item)) ? codeFromLabel(item) : null));
    if (code) codes.push(code);
    else unknown = true;
  }
  if (unknown) problems.push({ field: column, key: unknownKey });
  return [...new Set(codes)];
}

function checkPersonRow(
  values: Record<string, string>,
  header: string[],
  options: Options,
  serviceCodes: Map<string, string>,
  today: string,
  problems: FieldProblem[],
): PersonImport {
  const has = (c: string) => header.includes(c);
  const v = (c: string) => tidy(values[c]);
  const lists = fixedLists();
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
    // A code as stored (`pl`, `bfi`) or the language's name (`Polish`, `British Sign Language`).
    const language = v('language') ? languageCode(v('language')) : 'en';
    if (!language) problems.push({ field: 'language', key: 'language' });
    fields.language = language ?? 'en';
  }
  if (has('kinds'))
    fields.kinds = checkCodes(
      v('kinds') || 'customer',
      lists.kinds,
      'kinds',
      problems,
      'unknownFixedCode',
    );
  if (has('needs'))
    fields.needs = checkCodes(v('needs'), lists.needs, 'needs', problems, 'unknownNeed');
  if (has('preferred_channels'))
    fields.preferred_channels = checkCodes(
      v('preferred_channels'),
      lists.channels,
      'preferred_channels',
      problems,
      'unknownFixedCode',
    );
  if (has('skills'))
    fields.skills = checkCodes(v('skills'), optionList(options, 'skill'), 'skills', problems);
  if (has('interests'))
    fields.interests = checkCodes(
      v('interests'),
      optionList(options, 'interest'),
      'interests',
      problems,
    );
  if (has('availability'))
    fields.availability = checkCodes(
      v('availability'),
      lists.availability,
      'availability',
      problems,
      'unknownFixedCode',
    );
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
    ? checkCodes(v('roles'), optionList(options, 'involvement_role'), 'roles', problems)
    : [];
  return { fields, serviceId, roles, existingId: null };
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
): ServiceImport {
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
  return { fields, existingId: null };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Finds who is already on the register, who is suppressed, and what would change. */
async function comparePeople(
  tx: Queryable,
  records: ImportRecord<PersonImport>[],
  organisationId: string,
) {
  const columns = Object.keys(records[0]?.row.fields ?? {});
  for (let i = 0; i < records.length; i += 2000) {
    const batch = records.slice(i, i + 2000);
    const refs = batch.map((p) => p.reference);
    const prints = new Map<string, string[]>();
    for (const p of batch) {
      const list = [fingerprint(organisationId, 'reference', p.reference)];
      if (typeof p.row.fields.email === 'string')
        list.push(fingerprint(organisationId, 'email', p.row.fields.email));
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
        continue;
      }
      const current = byRef.get(record.reference);
      if (!current) {
        record.status = 'created';
        continue;
      }
      record.row.existingId = current.id;
      const changed =
        columns.some((c) => !same(record.row.fields[c], current[PERSON_DB_COLUMNS[c]!.column])) ||
        (record.row.serviceId !== null && !current.services.includes(record.row.serviceId)) ||
        record.row.roles.some((r) => !current.roles.includes(r));
      record.status = changed ? 'updated' : 'unchanged';
    }
  }
}

/** Finds the services already there, by code in any case, and what would change. */
async function compareServices(tx: Queryable, records: ImportRecord<ServiceImport>[]) {
  const existing = rowsOf<Record<string, string | null> & { id: string; code: string }>(
    await tx.execute(sql`select id, code, name, type, specialism, area, postcode from services`),
  );
  const byCode = new Map(existing.map((e) => [e.code.toLowerCase(), e]));
  for (const record of records) {
    const current = byCode.get(record.reference.toLowerCase());
    if (!current) {
      continue;
    }
    record.row.existingId = current.id;
    const changed = Object.keys(record.row.fields).some(
      (c) => !same(record.row.fields[c], current[c]),
    );
    record.status = changed ? 'updated' : 'unchanged';
  }
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
 * Makes the planned changes: multi-row INSERTs for new people, one UPDATE …
 * FROM (VALUES …) per batch for changed ones, service links and roles
 * set-wise, then possible duplicates of the new people flagged in one statement.
 */
async function applyPeople(tx: Queryable, records: ImportRecord<PersonImport>[], today: string) {
  const columns = Object.keys(records[0]?.row.fields ?? {});
  const specs = columns.map((c) => ({ key: c, ...PERSON_DB_COLUMNS[c]! }));
  // first_name has no default: a file without the column gives new people ''.
  const insertSpecs = columns.includes('first_name')
    ? specs
    : [...specs, { key: 'first_name', column: 'first_name' }];
  const created = records.filter((p) => p.status === 'created');
  const updated = records.filter((p) => p.status === 'updated');
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
              valueOf(s, p.row.fields[s.key] ?? (s.key === 'first_name' ? '' : null)),
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
      p.row.existingId = ids.get(p.reference) ?? null;
      if (p.row.existingId) newIds.push(p.row.existingId);
    }
  }

  if (specs.length > 0) {
    for (let i = 0; i < updated.length; i += BATCH) {
      const batch = updated.slice(i, i + BATCH);
      const rows = sql.join(
        batch.map(
          (p) =>
            sql`(${p.row.existingId}::uuid, ${sql.join(
              specs.map((s) => valueOf(s, p.row.fields[s.key])),
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
  const links = touched.filter((p) => p.row.serviceId && p.row.existingId);
  for (let i = 0; i < links.length; i += BATCH) {
    const rows = sql.join(
      links
        .slice(i, i + BATCH)
        .map((p) => sql`(${p.row.existingId}::uuid, ${p.row.serviceId}::uuid)`),
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
    p.row.existingId ? p.row.roles.map((r) => [p.row.existingId!, r] as const) : [],
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
                 from people where id = any(${uuidArray(ids)})),
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

/** Adds new services and updates changed ones, matched on their code. */
async function applyServices(tx: Queryable, records: ImportRecord<ServiceImport>[]) {
  for (const record of records) {
    if (record.status === 'unchanged') continue;
    const f = record.row.fields;
    if (record.status === 'created') {
      await tx.execute(sql`
        insert into services (organisation_id, code, name, type, specialism, area, postcode)
        values (app_organisation_id(), ${record.reference}, ${f.name}, ${f.type}, ${f.specialism}, ${f.area ?? null}, ${f.postcode ?? null})`);
    } else {
      const sets = sql.join(
        Object.entries(f).map(([k, v]) => sql`${sql.raw(k)} = ${v}`),
        sql`, `,
      );
      await tx.execute(
        sql`update services set ${sets}, updated_at = now() where id = ${record.row.existingId}`,
      );
    }
  }
}
