import { parseArgs } from 'node:util';
import { CommandUsageError, type CliCommand } from '../../platform/manifest.ts';
import { findOrganisationBySlug } from '../../platform/tenancy/index.ts';
import { tsmResults, type TsmResults } from './service.ts';

const HELP = `coproduce tsm --org SLUG --year YYYY [--json]

The Tenant Satisfaction Measures of a financial year (YYYY is April YYYY to
March YYYY+1): TP01-TP12 for LCRA and LCHO apart, from the tsm-perception
surveys and the imported responses (coproduce import tsm-responses); CH01,
CH02, NM01 and RP02 from the operations records; and the sample check against
the homes imported with coproduce import homes.

  --org SLUG     the organisation
  --year YYYY    the financial year, by the calendar year it starts in
  --json         print {"year", "measures", "sample", "weighting"} as JSON`;

function parse(args: string[]): { org: string; year: number; json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        org: { type: 'string' },
        year: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new CommandUsageError(`${(error as Error).message}\n\n${HELP}`);
  }
  const { org, year, json } = parsed.values;
  if (!org) throw new CommandUsageError(`Say which organisation: --org SLUG\n\n${HELP}`);
  if (!year || !/^\d{4}$/.test(year) || Number(year) < 2000 || Number(year) > 2100)
    throw new CommandUsageError(
      `Say which financial year: --year YYYY, like --year 2025\n\n${HELP}`,
    );
  return { org, year: Number(year), json: json ?? false };
}

/** The measures as lines for a person at a terminal. */
function asText(results: TsmResults): string {
  const lines = [`Tenant Satisfaction Measures ${results.year} to ${results.year + 1}`];
  for (const m of results.measures)
    lines.push(
      `${m.code} ${m.part.padEnd(13)} ${m.value === null ? 'no data' : String(m.value).padStart(7)}  (${m.numerator} / ${m.denominator})`,
    );
  for (const s of results.sample)
    lines.push(
      s.homes === null
        ? `Sample ${s.tenure}: ${s.achieved} responses; no homes count for the year`
        : `Sample ${s.tenure}: ${s.achieved} of ${s.required} responses needed for ±${s.margin}% from ${s.homes} homes (${s.met ? 'met' : 'not met'})`,
    );
  if (results.weighting.applied)
    lines.push(`Weighted by: ${results.weighting.characteristics ?? '(not named yet)'}`);
  return lines.join('\n');
}

/** `coproduce tsm --org SLUG --year YYYY --json` */
export const tsmCommand: CliCommand = {
  summary: 'The Tenant Satisfaction Measures of a financial year',
  help: HELP,
  async run(db, args, io) {
    const options = parse(args);
    const organisation = await findOrganisationBySlug(db.system, options.org);
    if (!organisation)
      throw new CommandUsageError(`There is no organisation with the slug "${options.org}"`);
    const results = await db.withOrganisation(organisation.id, (tx) =>
      tsmResults(tx, options.year),
    );
    await io.out(options.json ? `${JSON.stringify(results, null, 2)}\n` : `${asText(results)}\n`);
    return 0;
  },
};
