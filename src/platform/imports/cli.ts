import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { Actor } from '../audit/index.ts';
import { todayInLondon } from '../calendar/index.ts';
import type { Database } from '../db/index.ts';
import { translator } from '../i18n/index.ts';
import { SpreadsheetError } from '../spreadsheets/index.ts';
import { findOrganisationBySlug } from '../tenancy/index.ts';
import {
  applyImport,
  canApply,
  checkImport,
  findImportKind,
  importKinds,
  recordImported,
  type ImportPlan,
} from './pipeline.ts';

/**
 * `coproduce import KIND FILE --org SLUG [--dry-run] [--skip-invalid]`
 * (docs/imports.md), for every kind the installed modules declare.
 */
export function importHelp(): string {
  const kinds = importKinds().map((k) => k.kind);
  const usage = kinds
    .map(
      (kind, i) =>
        `${i === 0 ? 'Usage: ' : '       '}coproduce import ${kind} FILE --org SLUG [--dry-run] [--skip-invalid]`,
    )
    .join('\n');
  return `${usage}

Imports ${kinds.join(', ')} from a CSV or Excel (.xlsx) file (the first
worksheet) into the organisation SLUG. The columns and the codes each takes
are in docs/imports.md; the web page Imports offers templates. Rows are
matched on their reference (services on their code), so importing the same
file again changes nothing.

The whole file is checked first; a summary and every problem ("line N, column
C: reason", the header being line 1) go to standard error. Nothing is saved
unless the file can be imported whole.

  --dry-run        Check the file and say what would change; save nothing.
  --skip-invalid   Import the good rows and leave out the rows with problems.

Exit codes: 0 imported (also when nothing changed) or, with --dry-run, the
file would import; 1 the file was refused (problems without --skip-invalid,
missing columns, or not a spreadsheet) and nothing was saved; 2 the command
was used wrongly (no such kind, file or organisation).`;
}

/** The actor the audit trail names for imports made on the command line. */
export const CLI_ACTOR: Actor = { userId: null, label: 'coproduce CLI', ip: null };

export interface ImportCommandIo {
  /** Where the summary and problems go (standard error). */
  log: (line: string) => void;
  /** The day the import happens on (Europe/London); today by default. */
  today?: string;
}

class ImportUsageError extends Error {}

function parse(args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        org: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'skip-invalid': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new ImportUsageError(`${(error as Error).message}\n\n${importHelp()}`);
  }
  const [name, file, ...extra] = parsed.positionals;
  const kind = findImportKind(name ?? '');
  if (!kind)
    throw new ImportUsageError(
      `Say what to import: coproduce import KIND FILE --org SLUG, where KIND is one of ${importKinds()
        .map((k) => k.kind)
        .join(', ')}`,
    );
  if (!file)
    throw new ImportUsageError(`Say which file to import: coproduce import ${kind.kind} FILE`);
  if (extra.length > 0)
    throw new ImportUsageError(`Import one file at a time; "${extra.join(' ')}" is one too many`);
  const org = parsed.values.org?.trim();
  if (!org)
    throw new ImportUsageError('Say which organisation with --org SLUG, like --org riverside');
  return {
    kind,
    file,
    org,
    dryRun: parsed.values['dry-run'],
    skipInvalid: parsed.values['skip-invalid'],
  };
}

function report(plan: ImportPlan, io: ImportCommandIo, dryRun: boolean) {
  const tr = translator('en');
  const c = plan.counts;
  const suppressedKey = findImportKind(plan.kind)?.suppressedKey;
  io.log(
    `${plan.total} rows read. ${dryRun ? 'Would add' : 'To add'} ${c.created} ${plan.kind}, update ${c.updated}, ` +
      `unchanged ${c.unchanged}; ${c.invalid} rows with problems` +
      (suppressedKey ? `; ${c.suppressed} ${tr.text(suppressedKey).toLowerCase()}.` : '.'),
  );
  if (plan.ignoredColumns.length > 0)
    io.log(`Columns not imported: ${plan.ignoredColumns.join(', ')}.`);
  for (const p of plan.problems)
    io.log(`line ${p.line}, column ${p.column}: ${tr.text(`imports.problems.${p.reason}`)}`);
  if (plan.problemCount > plan.problems.length)
    io.log(`… and ${plan.problemCount - plan.problems.length} more problems.`);
}

/**
 * Runs `coproduce import` on an open database and returns the exit code. The
 * check and the import run in one transaction: a refused file writes nothing.
 */
export async function runImportCommand(
  database: Database,
  args: string[],
  io: ImportCommandIo,
): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args);
    if (!existsSync(options.file)) throw new ImportUsageError(`There is no file ${options.file}`);
  } catch (error) {
    if (error instanceof ImportUsageError) {
      io.log(error.message);
      return 2;
    }
    throw error;
  }
  const organisation = await findOrganisationBySlug(database.system, options.org);
  if (!organisation) {
    io.log(`There is no organisation with the slug "${options.org}"`);
    return 2;
  }
  const today = io.today ?? todayInLondon();
  const filename = basename(options.file);
  try {
    return await database.withOrganisation(organisation.id, async (tx) => {
      const plan = await checkImport(
        tx,
        options.kind,
        { path: options.file },
        { organisationId: organisation.id, today },
      );
      report(plan, io, options.dryRun);
      const allowed = canApply(plan, options.skipInvalid);
      if (!allowed) {
        io.log(
          plan.problems.some((p) => p.reason === 'missingColumn')
            ? 'Refused: the file is missing columns every import needs. Nothing was saved.'
            : 'Refused: fix the problems and run the import again, or add --skip-invalid to leave those rows out. Nothing was saved.',
        );
        return 1;
      }
      if (options.dryRun) {
        io.log('Dry run: the file would import. Nothing was saved.');
        return 0;
      }
      await applyImport(tx, CLI_ACTOR, plan, {
        filename,
        today,
        organisationId: organisation.id,
      });
      await recordImported(tx, plan, {
        filename,
        skipInvalid: options.skipInvalid,
        createdBy: null,
      });
      io.log(`Imported ${filename} into ${organisation.slug}.`);
      return 0;
    });
  } catch (error) {
    if (error instanceof SpreadsheetError) {
      io.log(`Refused: ${error.message}. Nothing was saved.`);
      return 1;
    }
    throw error;
  }
}
