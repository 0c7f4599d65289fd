import { Readable } from 'node:stream';
import { and, desc, eq, inArray, lt, ne, notInArray, sql } from 'drizzle-orm';
import { audit, type Actor } from '../audit/index.ts';
import { rowsOf, type Queryable } from '../db/index.ts';
import { arrayParam } from '../db/types.ts';
import {
  contributions,
  type ImportContext,
  type ImportKind,
  type ImportRecord,
  type WorkWaiting,
} from '../manifest.ts';
import { readSheet, type SheetInput } from '../spreadsheets/index.ts';
import { imports, type ImportRow } from './tables.ts';

/**
 * The one import pipeline (docs/imports.md). Modules declare import kinds in
 * their manifests (contributes.imports); this reads a file as a stream, checks
 * the reference column and every row by the kind's rules, and works out what
 * would change, saving nothing (check); then makes the changes in the
 * caller's one transaction, so a file goes in whole or not at all (apply).
 * Both are idempotent on the source's own reference.
 */

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

export interface ImportPlan {
  kind: string;
  total: number;
  problems: ImportProblem[];
  problemCount: number;
  counts: ImportCounts;
  /** Columns the file has that the kind does not know: ignored, and said so. */
  ignoredColumns: string[];
  /** The file's header, for the kind's apply. */
  header: string[];
  /** The good rows, with what importing each would do (none kept for a staged kind). */
  records: ImportRecord<unknown>[];
  /** The good rows are kept by the kind in the transaction (ImportKind.staged), not here. */
  staged: boolean;
}

/** A staged kind is handed the good rows this many at a time. */
export const STAGE_BATCH = 10_000;

/** The check reports its progress about every this many rows (after a batch of them). */
const PROGRESS_EVERY = 5000;

/** Keep at most this many problems to show; the count says how many there were. */
export const PROBLEM_LIMIT = 500;

/** Every installed import kind, in module order. */
export function importKinds(): ImportKind[] {
  return contributions('imports').flatMap(({ value }) => value);
}

/** The installed kind of that name, if there is one. */
export function findImportKind(name: string): ImportKind | undefined {
  return importKinds().find((k) => k.kind === name);
}

/** The installed kind of that name; an import stored under a kind no longer installed is a bug. */
function kindNamed(name: string): ImportKind {
  const kind = findImportKind(name);
  if (!kind) throw new Error(`No installed module declares the import kind "${name}"`);
  return kind;
}

/** A kind's compare, which a kind that is not staged must have. */
function kindCompare(kind: ImportKind): NonNullable<ImportKind['compare']> {
  if (!kind.compare)
    throw new Error(`The import kind "${kind.kind}" has neither compare nor staged`);
  return kind.compare.bind(kind);
}

/** A kind's apply, which a kind that is not staged must have. */
function kindApply(kind: ImportKind): NonNullable<ImportKind['apply']> {
  if (!kind.apply) throw new Error(`The import kind "${kind.kind}" has neither apply nor staged`);
  return kind.apply.bind(kind);
}

/** The columns the header must have: those marked required, and what the kind adds. */
export function missingColumns(kind: ImportKind, header: readonly string[]): string[] {
  const missing = kind.columns
    .filter((c) => c.required === true && !header.includes(c.name))
    .map((c) => c.name);
  if (!missing.includes(kind.reference) && !header.includes(kind.reference))
    missing.unshift(kind.reference);
  return [...missing, ...(kind.missingColumns?.(header) ?? [])];
}

/** A cell as the pipeline compares it: trimmed, runs of spaces made one. */
const tidy = (value: string | undefined) => (value ?? '').trim().replace(/\s+/g, ' ');

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
    kind: kind.kind,
    total: 0,
    problems: [],
    problemCount: 0,
    counts: { created: 0, updated: 0, unchanged: 0, invalid: 0, suppressed: 0 },
    ignoredColumns: [],
    header: sheet.header,
    records: [],
    staged: false,
  };
  const known = kind.columns.map((c) => c.name);
  plan.ignoredColumns = sheet.header.filter((h) => h && !known.includes(h));
  const missing = missingColumns(kind, sheet.header);
  if (missing.length > 0) {
    await sheet.close();
    for (const column of missing) addProblem(plan, { line: 1, column, reason: 'missingColumn' });
    return plan;
  }
  const context: ImportContext = {
    organisationId: options.organisationId,
    today: options.today,
    header: sheet.header,
  };
  const checkRow = await kind.prepare(tx, context);
  const staged = kind.staged;
  plan.staged = staged !== undefined;
  await staged?.begin(tx, context);
  // Whether a key came earlier in the file: a set in memory, or for a staged
  // kind (a million rows) a temporary table of keys, asked once at the end.
  const seen = new Set<string>();
  let keyLines: number[] = [];
  let keys: string[] = [];
  if (staged) await beginKeys(tx);
  // The database keeps the last batch while the next is read and checked.
  const writes = writeBehind();
  const problems: Array<{ column: string; reason: string }> = [];
  let nextProgress = PROGRESS_EVERY;
  try {
    for await (const batch of sheet.batches()) {
      for (const line of batch) {
        plan.total++;
        const reference = tidy(line.values[kind.reference]);
        const key = (kind.rowKey?.(reference, line.values) ?? reference).toLowerCase();
        if (!reference) problems.push({ column: kind.reference, reason: 'required' });
        else if (staged) {
          keyLines.push(line.line);
          keys.push(key);
        } else if (seen.has(key)) problems.push({ column: kind.reference, reason: 'repeated' });
        else seen.add(key);
        const row = checkRow(line.values, problems);
        if (problems.length === 0) {
          plan.records.push({ line: line.line, reference, status: 'created', row });
        } else {
          plan.counts.invalid++;
          for (const p of problems) addProblem(plan, { line: line.line, ...p });
          problems.length = 0;
        }
      }
      if (staged && plan.records.length >= STAGE_BATCH) {
        const records = plan.records;
        plan.records = [];
        await writes.send(() => staged.add(tx, records, context));
      }
      if (keys.length >= STAGE_BATCH) {
        const [lines, texts] = [keyLines, keys];
        [keyLines, keys] = [[], []];
        await writes.send(() => addKeys(tx, lines, texts));
      }
      if (plan.total >= nextProgress) {
        await options.onProgress?.(plan.total);
        nextProgress = plan.total + PROGRESS_EVERY;
      }
    }
  } catch (error) {
    // A file that fails part way leaves no statement of its check running behind it.
    await writes.done().catch(() => {});
    throw error;
  }
  await writes.done();
  await options.onProgress?.(plan.total);
  if (staged) {
    if (plan.records.length > 0) await staged.add(tx, plan.records, context);
    plan.records = [];
    await addKeys(tx, keyLines, keys);
    const repeated = await repeatedLines(tx);
    if (repeated.length > 0) {
      // The rows good but for their key are kept no longer.
      plan.counts.invalid += await staged.drop(tx, repeated, context);
      const first = plan.problems.length;
      for (const line of repeated)
        addProblem(plan, { line, column: kind.reference, reason: 'repeated' });
      // In line order, a line's repeated key before its other problems, as when read.
      if (plan.problems.length > first)
        plan.problems.sort(
          (a, b) =>
            a.line - b.line || Number(b.reason === 'repeated') - Number(a.reason === 'repeated'),
        );
    }
    Object.assign(plan.counts, await staged.compare(tx, context));
    return plan;
  }
  await kindCompare(kind)(tx, plan.records, context);
  for (const record of plan.records) plan.counts[record.status]++;
  return plan;
}

/** The check's keys of a staged kind, for the transaction: the line and key of each row with a reference. */
const KEYS = 'import_keys';

async function beginKeys(tx: Queryable) {
  await tx.execute(sql.raw(`drop table if exists ${KEYS}`));
  await tx.execute(
    sql.raw(`create temporary table ${KEYS} (line int not null, key text not null) on commit drop`),
  );
}

async function addKeys(tx: Queryable, lines: readonly number[], keys: readonly string[]) {
  if (lines.length === 0) return;
  await tx.execute(sql`
    insert into ${sql.raw(KEYS)} (line, key)
    select * from unnest(${arrayParam(lines, 'int')}, ${arrayParam(
      // Text in PostgreSQL cannot hold NUL (rowKey joins with it): escaped, one to one.
      keys.map((key) =>
        key.includes('\\') || key.includes('\u0000')
          ? key.replace(/\\/g, '\\\\').split('\u0000').join('\\0')
          : key,
      ),
      'text',
    )})`);
}

/**
 * Statements sent one after another while the caller goes on (reading and
 * checking the next rows): the database works while JavaScript does. Each
 * waits for the one before, so the transaction runs one at a time; a
 * failure comes out of the next send, or of done.
 */
function writeBehind() {
  let last: Promise<unknown> = Promise.resolve();
  return {
    async send(work: () => Promise<unknown>): Promise<void> {
      await last;
      last = work();
      // Awaited by the next send or by done; until then it must not count as unhandled.
      last.catch(() => {});
    },
    done: () => last,
  };
}

/** The lines whose key an earlier line has, in line order. */
async function repeatedLines(tx: Queryable): Promise<number[]> {
  return rowsOf<{ line: number }>(
    await tx.execute(
      // Grouped rather than sorted: a good file has no key twice, and says so quickly.
      sql.raw(`select k.line from ${KEYS} k
        join (select key, min(line) as first from ${KEYS} group by key having count(*) > 1) d
          on d.key = k.key and k.line > d.first
        order by k.line`),
    ),
  ).map((r) => r.line);
}

function addProblem(plan: ImportPlan, problem: ImportProblem) {
  plan.problemCount++;
  if (plan.problems.length < PROBLEM_LIMIT) plan.problems.push(problem);
}

/** Whether the plan can be applied: no problems, or the person chose to skip the bad rows. */
export function canApply(plan: ImportPlan, skipInvalid: boolean): boolean {
  if (plan.problems.some((p) => p.line === 1)) return false;
  return plan.problemCount === 0 || skipInvalid;
}

/**
 * Makes the planned changes in the caller's transaction (the kind's apply),
 * and one audit record says what the import did.
 */
export async function applyImport(
  tx: Queryable,
  actor: Actor,
  plan: ImportPlan,
  meta: { filename: string; today: string; organisationId: string },
): Promise<ImportCounts> {
  const kind = kindNamed(plan.kind);
  const context = { organisationId: meta.organisationId, today: meta.today, header: plan.header };
  // A staged kind applies what the check kept in this transaction.
  if (plan.staged) await kind.staged!.apply(tx, context);
  else await kindApply(kind)(tx, plan.records, context);
  await audit(tx, actor, {
    action: 'import',
    entity: plan.kind,
    after: { filename: meta.filename, ...plan.counts },
  });
  return plan.counts;
}

/** The template file's header and its example row, from the kind's columns. */
export function templateRows(kind: ImportKind): { header: string[]; example: string[] } {
  return {
    header: kind.columns.map((c) => c.name),
    example: kind.columns.map((c) => c.example),
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
  createdByName: imports.createdByName,
  createdAt: imports.createdAt,
  finishedAt: imports.finishedAt,
  bytes: sql<number>`coalesce(octet_length(${imports.file}), 0)::int`,
};

/** Stores an uploaded file, not yet checked. */
export async function recordUpload(
  tx: Queryable,
  upload: {
    kind: string;
    filename: string;
    file: Buffer;
    createdBy: string | null;
    createdByName: string | null;
  },
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
      createdByName: upload.createdByName,
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

/** Files waiting for a decision (the imports page's "waiting" list), counted in one statement. */
export const importsWaiting: WorkWaiting = {
  counts: {
    waiting: {
      labelKey: 'workWaiting.imports.waiting',
      href: '/staff/imports',
      action: 'imports:view',
    },
  },
  async read(tx) {
    const [row] = await tx
      .select({ waiting: sql<number>`count(*)::int` })
      .from(imports)
      .where(ne(imports.status, 'imported'));
    return { waiting: row?.waiting ?? 0 };
  },
};

/** Columns the stored file has that its kind does not know (read from its header alone). */
export async function ignoredColumnsOf(tx: Queryable, id: string): Promise<string[]> {
  const [row] = await tx
    .select({ kind: imports.kind, filename: imports.filename, file: imports.file })
    .from(imports)
    .where(eq(imports.id, id));
  if (!row?.file) return [];
  const sheet = await readSheet(storedSheet(row.file, row.filename));
  await sheet.close();
  const known = kindNamed(row.kind).columns.map((c) => c.name);
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
    kindNamed(row.kind),
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
 * again (the records may have changed since), then applies it only if it
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
    kindNamed(row.kind),
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
    organisationId: options.organisationId,
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
