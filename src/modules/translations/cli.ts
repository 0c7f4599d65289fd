import { writeFile, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CommandUsageError, type CliCommand } from '../../platform/manifest.ts';
import { findOrganisationBySlug } from '../../platform/tenancy/index.ts';
import { forgetOverrides } from '../../platform/i18n/overrides.ts';
import { CLI_ACTOR } from '../../platform/imports/index.ts';
import { exportFile, importFile, problemText, type ExportFormat } from './service.ts';

const HELP = `coproduce translations export --lang cy --org SLUG [--format po|csv] [--out FILE]
coproduce translations import FILE --lang cy --org SLUG

export  writes every interface string: its key, English, component, the
        pages that use it and its current Welsh (the organisation's own, else
        the shipped), as PO (the default: Poedit, Weblate, Crowdin, memoQ) or
        CSV; to FILE, or to standard output.
import  loads a PO or CSV file back into the organisation's own
        translations, all or nothing: an unknown key, a translation of only
        spaces, or a placeholder ({{name}}) or markup not kept exactly refuses
        the file, naming each line. An empty translation changes nothing.
        Every change is in the audit trail.`;

export const translationsCommand: CliCommand = {
  summary: 'Export or import the interface strings for translators (--lang cy --org SLUG)',
  help: HELP,
  async run(db, args, io) {
    let parsed: ReturnType<typeof parse>;
    const parse = (a: string[]) =>
      parseArgs({
        args: a,
        allowPositionals: true,
        options: {
          lang: { type: 'string' },
          org: { type: 'string' },
          format: { type: 'string' },
          out: { type: 'string' },
        },
      });
    try {
      parsed = parse(args);
    } catch (error) {
      throw new CommandUsageError(`${(error as Error).message}\n\n${HELP}`);
    }
    const { values, positionals } = parsed;
    const [action, file] = positionals;
    if (action !== 'export' && action !== 'import')
      throw new CommandUsageError(`Say export or import.\n\n${HELP}`);
    if (values.lang !== 'cy')
      throw new CommandUsageError('Say which language with --lang cy (English is the source)');
    const slug = values.org?.trim();
    if (!slug)
      throw new CommandUsageError('Say which organisation with --org SLUG, like --org riverside');
    const organisation = await findOrganisationBySlug(db.system, slug);
    if (!organisation)
      throw new CommandUsageError(`There is no organisation with the slug "${slug}"`);

    if (action === 'export') {
      const format = (values.format ?? 'po') as ExportFormat;
      if (format !== 'po' && format !== 'csv')
        throw new CommandUsageError('Say --format po or --format csv');
      const body = await db.withOrganisation(organisation.id, (tx) =>
        exportFile(tx, organisation, 'cy', format),
      );
      if (values.out) {
        await writeFile(values.out, body);
        io.log(`Wrote ${values.out}`);
      } else await io.out(body.toString('utf8'));
      return 0;
    }

    if (!file) throw new CommandUsageError(`Say which file to import.\n\n${HELP}`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new CommandUsageError(`Cannot read ${file}`);
    }
    const outcome = await db.withOrganisation(organisation.id, (tx) =>
      importFile(tx, CLI_ACTOR, organisation.id, 'cy', text, 'cli'),
    );
    forgetOverrides(organisation.id, 'cy');
    if (!outcome.ok) {
      await io.out(
        `Nothing was imported. Fix these and try again:\n${outcome.problems.map(problemText).join('\n')}\n`,
      );
      return 1;
    }
    const c = outcome.changed;
    await io.out(
      `Imported: ${c.added} added, ${c.changed} changed, ${c.unchanged} unchanged` +
        (outcome.fuzzy ? `, ${outcome.fuzzy} marked as needing work left out` : '') +
        '\n',
    );
    return 0;
  },
};
