import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import type { Action, PermissionLayer, PermissionRule } from './auth/index.ts';
import type { Database, Queryable } from './db/index.ts';
import type { EventListener } from './events/index.ts';
import type { Language } from './i18n/index.ts';
import type { JobHandler } from './jobs/index.ts';
import type { TemplateSpec } from './mail/index.ts';
import type { LinkKind, LinkName } from './links/index.ts';
import type { StatisticDefinition } from './statistics/index.ts';

/**
 * The module contract (after Decidim's component manifests). A module
 * declares here everything it brings: routes and navigation, its permissions,
 * settings, jobs and mail, the statistics and link kinds it owns, and what it
 * adds to other modules' extension points. `src/modules.ts` lists the
 * manifests; the app, the worker and the CLI install that one list
 * (`installModules`), and every extension point reads it from there. Nothing
 * registers itself by being imported, so a new module touches `MODULES` and
 * nothing else outside its folder.
 */
export interface ModuleManifest {
  name: string;
  routes?: FastifyPluginAsync;
  navigation?: NavigationItem[];
  /** The actions the module guards, and the rules that allow or deny them. */
  permissions?: {
    actions: readonly Action[];
    rules?: Array<{ layer: PermissionLayer; rule: PermissionRule }>;
  };
  /** Its settings, kept under its own name in the organisation's settings. */
  settings?: ModuleSettings;
  /** Background jobs by kind, e.g. `participation.reminders`. */
  jobs?: Record<string, JobHandler>;
  /** Messages it sends, by template name; strings live under mail.<name> in its locales. */
  mail?: Record<string, TemplateSpec>;
  /** Named counts and ratios over its own tables, read by KPIs and reports. */
  statistics?: StatisticDefinition[];
  /** The kinds of record it holds that named links may join, and the link names it uses. */
  links?: { kinds?: LinkKind[]; names?: LinkName[] };
  /**
   * The events it raises (for the docs and the start-up check) and the
   * listeners it runs when another module raises one (platform/events).
   */
  events?: {
    emits?: Array<{ name: string; description: string }>;
    listens?: Record<string, EventListener>;
  };
  /** What it adds to other modules' extension points. */
  contributes?: Contributions;
}

/** A link in the service navigation, on the public side or the staff side. */
export interface NavigationItem {
  side: 'public' | 'staff';
  href: string;
  /** i18n key of the link text. */
  labelKey: string;
  /** Position in the navigation: lower comes first. */
  order: number;
  /** Shown only to users who may take this action (staff side). */
  action?: Action;
  /**
   * The area of the staff navigation it sits in (required on the staff side):
   * the top row names the areas, each a page of its links one click away.
   */
  area?: StaffArea;
}

/** The areas the staff navigation is grouped by, in the order shown. */
export const STAFF_AREAS = ['register', 'involvement', 'money', 'insight', 'settings'] as const;
export type StaffArea = (typeof STAFF_AREAS)[number];

/** The days the staff home counts from: London dates, ISO (YYYY-MM-DD). */
export interface WorkDays {
  today: string;
  /** The Sunday that ends this week (Monday to Sunday). */
  weekEnd: string;
  monthStart: string;
  monthEnd: string;
}

/** One figure of work waiting on the staff home, a link to the list it counts. */
export interface WorkWaitingCount {
  /** i18n key of the text beside the figure, given {{count}} (with _one and _other forms). */
  labelKey: string;
  /** The list the figure counts, filtered to just those records. */
  href: string;
  /** Shown only to users who may take the action that guards the linked page. */
  action: Action;
}

/**
 * A module's figures on the staff home: what waits for someone, by key, and
 * `read` that counts them all in one statement. The home page makes one query
 * a contribution (none where the reader may see none of its figures), so its
 * cost stays flat as the rows grow.
 */
export interface WorkWaiting {
  counts: Record<string, WorkWaitingCount>;
  read(tx: Queryable, days: WorkDays): Promise<Record<string, number>>;
}

/** One line of "coming up this week" on the staff home. */
export interface ComingUpItem {
  /** When it starts; the list is in this order across modules. */
  at: Date;
  /** The title, as stored (escaped when shown). */
  title: string;
  href: string;
  /** When, in the reader's language, e.g. "3 March 2027, 2pm to 4pm". */
  when: string;
  /** A short note in the reader's language, e.g. "4 coming, 2 not answered". */
  hint?: string;
}

/** What a module has coming up this week on the staff home: one statement. */
export interface ComingUp {
  /** Shown only to users who may take this action (that of the linked pages). */
  action: Action;
  read(tx: Queryable, days: WorkDays, language: Language): Promise<ComingUpItem[]>;
}

/** A module's settings: a zod object whose every field has a default. */
export interface ModuleSettings<S extends z.ZodObject = z.ZodObject> {
  /** The key the settings are stored under: the module's name. */
  module: string;
  schema: S;
}

/** Declares a module's settings (see readModuleSettings in platform/tenancy). */
export function defineSettings<S extends z.ZodObject>(
  module: string,
  schema: S,
): ModuleSettings<S> {
  return { module, schema };
}

// ---------------------------------------------------------------------------
// Extension points. Each is owned by one module (or the platform), which
// reads the contributions through `contributions()`; a contributor answers for
// its own rows only, in one query (never one per row).

type Text = (key: string, vars?: Record<string, unknown>) => string;

/** One line on a person's timeline (the register's person page). */
export interface TimelineEntry {
  /** YYYY-MM-DD or an ISO timestamp: entries are sorted newest first. */
  at: string;
  /** Which module it comes from, e.g. "register", "participation". */
  source: string;
  /** Short heading, already in the reader's language. */
  title: string;
  /** Optional detail line. */
  detail?: string;
  href?: string;
}

/** One query's worth of timeline entries for one person. */
export type TimelineSource = (
  tx: Queryable,
  personId: string,
  text: Text,
) => Promise<TimelineEntry[]>;

/** What a module holds about a person, for merge, erasure and subject access. */
export interface PersonDataHandler {
  /** Name of the section in a subject access export, e.g. "participation". */
  name: string;
  /** Everything it holds about the person, as plain JSON. */
  export(tx: Queryable, personId: string): Promise<unknown>;
  /** Moves its rows from one record to the other when two are merged. */
  merge(tx: Queryable, fromId: string, intoId: string): Promise<void>;
  /**
   * Removes the person's personal fields from its rows, keeping anonymous
   * facts (hours, attendance) so that counts stay right.
   */
  erase(
    tx: Queryable,
    person: { id: string; email: string | null },
  ): Promise<{ userIds?: string[] } | void>;
}

/** What a section shows on a page another module owns (an initiative's, the customer's). */
export interface SectionContent {
  /** The section's heading, already in the reader's language. */
  title: string;
  /** Trusted HTML from the module that owns the section: it must escape what it puts in. */
  html?: string;
  /** Lines listed under the heading, each a link where it has one. */
  rows?: Array<{ text: string; href?: string; hint?: string }>;
  /** What the reader shown this section can do next, e.g. "Add an opportunity". */
  actions?: Array<{ text: string; href: string }>;
  /** Shown when there are no rows. */
  empty?: string;
  /**
   * Its easy-read point, shown above the rest when the reader chose easy read
   * (customer pages): one of the pictures of `macros/easy-read.njk` and a
   * sentence or two in easy words, already in the reader's language.
   */
  easyRead?: { picture: string; text: string };
}

/**
 * One section of an initiative's page. `text` is the page's: a string with no
 * translation comes back marked as English (i18n/mark-english.ts). `can` says
 * whether the reader may take an action, to offer only what they may do. Null
 * hides the section.
 */
export type InitiativeSection = (
  tx: Queryable,
  initiativeId: string,
  text: Text,
  can: (action: Action) => boolean,
) => Promise<SectionContent | null>;

/**
 * One section of the customer's own pages (`/my`), for the person behind the
 * account: `personId` is the account's person on the register (null when the
 * account is linked to nobody), `language` the reader's, for dates.
 */
export type PortalSection = (
  tx: Queryable,
  person: { personId: string | null; userId: string },
  text: Text,
  language: Language,
) => Promise<SectionContent | null>;

/**
 * One column of an import kind. Its meaning is what the template, the check
 * page and docs/imports.md say about it (the docs are generated from it).
 */
export interface ImportColumn {
  /** Its name in the header: lower case, words joined by `_`. */
  name: string;
  /**
   * true: the header must have it and every row fills it; a phrase (for the
   * docs) when the rule is subtler, e.g. one of two name columns.
   */
  required?: boolean | string;
  /** What it holds and in what format, in the words of docs/imports.md (Markdown). */
  meaning: string;
  /** The template's example cell. */
  example: string;
  /** The examples docs/imports.md shows, where they differ from the template's. */
  examples?: string[];
}

/** A problem in one cell: its column and the reason (an i18n key under imports.problems). */
export interface CellProblem {
  column: string;
  reason: string;
}

/** What importing a checked row would do, or did. */
export type ImportOutcome = 'created' | 'updated' | 'unchanged' | 'suppressed';

/** One good row of a file: its line, the source's reference, and the kind's typed row. */
export interface ImportRecord<Row> {
  line: number;
  /** The cell of the kind's reference column, as the file has it. */
  reference: string;
  /** Set by the kind's compare(). */
  status: ImportOutcome;
  row: Row;
}

/** What a kind knows of the file it is checking or applying. */
export interface ImportContext {
  organisationId: string;
  /** The day of the import (Europe/London), YYYY-MM-DD. */
  today: string;
  /** The file's column names, normalised, in the file's order. */
  header: readonly string[];
}

/** Checks one row's cells: returns the typed row, pushing a problem for each bad cell. */
export type ImportRowCheck<Row> = (values: Record<string, string>, problems: CellProblem[]) => Row;

/**
 * A kind of record a module can import from a spreadsheet (people, services,
 * audits …). The platform's pipeline (src/platform/imports) reads the file as
 * a stream, checks the reference column (required, once a file), reports
 * problems by line, column and reason, offers the preview, the "good rows
 * only" choice, background jobs, the web page, the template and the command
 * line; the kind brings its columns and its rules. Everything runs in the
 * caller's one transaction, so a file goes in whole or not at all.
 */
export interface ImportKind<Row = unknown> {
  /** The word on the command line and in the upload page, e.g. "people". */
  kind: string;
  /** i18n key of its name on the upload page, e.g. "People". */
  labelKey: string;
  /** The action needed to import it. */
  action: Action;
  /** i18n key of the button that imports a clean file, given {{count}}: "Import 3 people". */
  applyLabelKey: string;
  /** A link offered once the file is in, e.g. to the list of people. */
  afterImport?: { href: string; labelKey: string };
  /** i18n key of a line the upload page adds under "What an import does". */
  noteKey?: string;
  /**
   * i18n key naming the rows the kind leaves out on purpose (status
   * `suppressed`), e.g. people who asked to be erased. Without it the kind
   * never suppresses a row, and the pages and the command do not mention it.
   */
  suppressedKey?: string;
  /** The source's reference: required in every row, once a file, and what a re-run matches on. */
  reference: string;
  /**
   * What makes a row one record within a file when the reference alone does
   * not (a complaint's stages share its reference): the key the "once a
   * file" check compares, from the tidied reference and the row's cells. The
   * reference itself when absent.
   */
  rowKey?(reference: string, values: Record<string, string>): string;
  /** Every column, in the template's order. */
  columns: readonly ImportColumn[];
  /** Columns the header lacks beyond those marked required (e.g. neither name column). */
  missingColumns?(header: readonly string[]): string[];
  /** Loads what rows are checked against (codes, lists) once a file, and returns the row check. */
  prepare(tx: Queryable, context: ImportContext): Promise<ImportRowCheck<Row>>;
  /** Compares the good rows with what is stored, setting each one's status; writes nothing. (Or staged.) */
  compare?(tx: Queryable, records: ImportRecord<Row>[], context: ImportContext): Promise<void>;
  /** Writes the created and updated records, idempotently on the reference. (Or staged.) */
  apply?(tx: Queryable, records: ImportRecord<Row>[], context: ImportContext): Promise<void>;
  /**
   * For kinds whose files run to a million rows: the pipeline hands the good
   * rows over in batches as it reads them, and keeps none, so memory stays
   * flat however long the file; the kind keeps them for the transaction (a
   * temporary table), then compares and applies them set-wise. A kind has
   * either this or compare and apply.
   */
  staged?: StagedImport<Row>;
}

/** An import kind's rows kept in the transaction between check and apply (ImportKind.staged). */
export interface StagedImport<Row> {
  /** Starts keeping rows for this transaction, forgetting any kept before. */
  begin(tx: Queryable, context: ImportContext): Promise<void>;
  /** Keeps a batch of good rows (status not yet known); the pipeline reads on while it runs. */
  add(tx: Queryable, records: ImportRecord<Row>[], context: ImportContext): Promise<void>;
  /** Forgets the kept rows of these lines (their key came earlier in the file); returns how many it kept. */
  drop(tx: Queryable, lines: readonly number[], context: ImportContext): Promise<number>;
  /** Compares the kept rows with what is stored; writes nothing stored; says how many of each. */
  compare(
    tx: Queryable,
    context: ImportContext,
  ): Promise<{ created: number; updated: number; unchanged: number }>;
  /** Writes the kept rows found created or updated, idempotently on the reference. */
  apply(tx: Queryable, context: ImportContext): Promise<void>;
}

/** Declares an import kind with its own row type (its methods take its rows). */
export function defineImportKind<Row>(kind: ImportKind<Row>): ImportKind {
  return kind as unknown as ImportKind;
}

/** Thrown by a command for arguments it cannot use: the CLI prints the message and exits 2. */
export class CommandUsageError extends Error {}

/**
 * A command of `coproduce` a module brings, e.g. `coproduce kpis`. The CLI
 * opens the database and brings it up to date, then calls `run`; the command
 * finds its organisation itself (`--org SLUG`) and works inside
 * `db.withOrganisation`. It returns the exit code.
 */
export interface CliCommand {
  /** One line for `coproduce --help`, e.g. "The KPIs of a period". */
  summary: string;
  /** The whole text of `coproduce NAME --help`. */
  help: string;
  run(
    db: Database,
    args: string[],
    io: { log(text: string): void; out(text: string): Promise<void> },
  ): Promise<number>;
}

/** What a module's demo seeder is given: the demo organisation, today, and its own random numbers. */
export interface DemoContext {
  organisationId: string;
  /** The day the demo is made (Europe/London), YYYY-MM-DD: demo dates are relative to it. */
  today: string;
  /** Numbers in [0, 1), seeded by the module's name: the same demo every time. */
  random: () => number;
  /** The demo's staff and customer accounts: email to user id. */
  userIds: Record<string, string>;
}

/**
 * Adds a module's demo records to the demo organisation, inside its
 * transaction, after the register and participation demo (so it can use
 * their people, services, initiatives and activities through their modules).
 */
export type DemoSeeder = (tx: Queryable, demo: DemoContext) => Promise<void>;

/** What a module adds to extension points that other modules (or the platform) own. */
export interface Contributions {
  personData?: PersonDataHandler[];
  timeline?: Record<string, TimelineSource>;
  initiativeSections?: Record<string, InitiativeSection>;
  portalSections?: Record<string, PortalSection>;
  /** Figures of work waiting on the staff home, by name. */
  workWaiting?: Record<string, WorkWaiting>;
  /** What is coming up this week on the staff home, by name. */
  comingUp?: Record<string, ComingUp>;
  imports?: ImportKind[];
  /** Commands of `coproduce`, by name. */
  commands?: Record<string, CliCommand>;
  /** Demo records for the demo organisation. */
  demo?: DemoSeeder;
}

// ---------------------------------------------------------------------------
// The installed list

interface Installed {
  manifests: readonly ModuleManifest[];
}

let installed: Installed | null = null;

/**
 * Installs the list of modules every extension point reads. The app, the
 * worker and the CLI call it with `MODULES` before anything else; calling it
 * again replaces the list (tests install a list with a test module in it).
 * Names must be unique, and so must job kinds, mail templates, statistics and
 * link kinds: a clash stops the start with both names.
 */
export function installModules(manifests: readonly ModuleManifest[]): void {
  const seen = new Map<string, string>();
  const claim = (what: string, name: string, module: string) => {
    const key = `${what} ${name}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      throw new Error(`${what} "${name}" is declared by both ${earlier} and ${module}`);
    seen.set(key, module);
  };
  for (const m of manifests) {
    claim('module', m.name, m.name);
    for (const kind of Object.keys(m.jobs ?? {})) claim('job', kind, m.name);
    for (const name of Object.keys(m.mail ?? {})) claim('mail template', name, m.name);
    for (const s of m.statistics ?? []) claim('statistic', s.name, m.name);
    for (const l of m.links?.kinds ?? []) claim('link kind', l.kind, m.name);
    for (const l of m.links?.names ?? []) claim('link name', l.name, m.name);
    for (const i of m.contributes?.imports ?? []) claim('import kind', i.kind, m.name);
    for (const c of Object.keys(m.contributes?.commands ?? {})) claim('command', c, m.name);
    for (const e of m.events?.emits ?? []) claim('event', e.name, m.name);
    for (const item of m.navigation ?? [])
      if (item.side === 'staff' && !item.area)
        throw new Error(`Module ${m.name}'s staff link ${item.href} names no navigation area`);
    if (m.settings && m.settings.module !== m.name)
      throw new Error(`Module ${m.name} declares settings stored under "${m.settings.module}"`);
  }
  installed = { manifests: [...manifests] };
}

/** The installed modules, in order. Throws if none were installed: a start that forgot is a bug. */
export function installedModules(): readonly ModuleManifest[] {
  if (!installed)
    throw new Error('No modules are installed: call installModules(MODULES) at start-up');
  return installed.manifests;
}

/** Every module's contributions to one extension point, in module order. */
export function contributions<K extends keyof Contributions>(
  point: K,
): Array<{ module: string; value: NonNullable<Contributions[K]> }> {
  return installedModules().flatMap((m) => {
    const value = m.contributes?.[point];
    return value ? [{ module: m.name, value: value as NonNullable<Contributions[K]> }] : [];
  });
}

/** Named contributions (timeline sources, sections), flattened in module order. */
export function namedContributions<
  K extends 'timeline' | 'initiativeSections' | 'portalSections' | 'workWaiting' | 'comingUp',
>(point: K): Array<[string, NonNullable<Contributions[K]>[string]]> {
  return contributions(point).flatMap(({ value }) =>
    Object.entries(value as Record<string, NonNullable<Contributions[K]>[string]>),
  );
}
