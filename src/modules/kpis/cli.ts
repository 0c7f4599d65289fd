import { parseArgs } from 'node:util';
import { CommandUsageError, type CliCommand } from '../../platform/manifest.ts';
import { findOrganisationBySlug } from '../../platform/tenancy/index.ts';
import { computeKpis } from './engine.ts';
import { kpiPeriod } from './period.ts';
import { kpiJson } from './results.ts';

const HELP = `Usage: coproduce kpis --org SLUG --period PERIOD [--json]

The seed's KPIs for a period, from the organisation's own records: each
KPI's value (a percentage to one decimal place, or "no data" when there is
nothing to divide by), numerator, denominator, target and status (green,
amber, red, no-data, or not-judged for a KPI judged only on a whole year).

  --org SLUG        the organisation
  --period PERIOD   a financial year, 2019 (April 2019 to March 2020), or a
                    quarter of one, 2019-Q1 (April to June 2019)
  --json            a JSON array, one object per KPI: code, value,
                    numerator, denominator, target, status

Exits 2 when used wrongly (no such organisation or period).`;

/** `coproduce kpis`: the KPIs of a period, as a table or JSON. */
export const kpisCommand: CliCommand = {
  summary: 'The KPIs of a period (--org SLUG --period 2019 or 2019-Q1 [--json])',
  help: HELP,
  async run(db, args, io) {
    let values: { org?: string; period?: string; json?: boolean };
    try {
      values = parseArgs({
        args,
        options: {
          org: { type: 'string' },
          period: { type: 'string' },
          json: { type: 'boolean' },
        },
      }).values;
    } catch (error) {
      throw new CommandUsageError(`${(error as Error).message}\n\n${HELP}`);
    }
    const slug = values.org?.trim();
    if (!slug)
      throw new CommandUsageError('Say which organisation with --org SLUG, like --org riverside');
    const period = kpiPeriod(values.period?.trim());
    if (!period)
      throw new CommandUsageError(
        'Say which period with --period: a financial year like 2019 (April 2019 to March 2020) or a quarter like 2019-Q1 (April to June 2019)',
      );
    const organisation = await findOrganisationBySlug(db.system, slug);
    if (!organisation)
      throw new CommandUsageError(`There is no organisation with the slug "${slug}"`);
    const results = await db.withOrganisation(organisation.id, (tx) =>
      computeKpis(tx, period, {}, { trend: 0 }),
    );
    if (values.json) {
      await io.out(`${JSON.stringify(kpiJson(results), null, 2)}\n`);
      return 0;
    }
    const lines = results.map((r) =>
      [
        r.code.padEnd(38),
        (r.value === null ? 'no data' : `${r.value.toFixed(1)}%`).padStart(8),
        `${r.numerator}/${r.denominator}`.padStart(14),
        `target ${r.target}%`.padStart(12),
        `  ${r.status}`,
      ].join(''),
    );
    await io.out(`KPIs for ${period.name} (${period.from} to ${period.to})\n${lines.join('\n')}\n`);
    return 0;
  },
};
