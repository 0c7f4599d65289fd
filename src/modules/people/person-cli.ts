import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../../platform/db/index.ts';
import { findOrganisationBySlug } from '../../platform/tenancy/index.ts';
import {
  appendSuppressionFile,
  erasePerson,
  fingerprint,
  readSuppressionFile,
  suppressionFilePath,
  subjectAccessExport,
} from './rights.ts';
import { personByReference } from './service.ts';
import { erasureSuppressions, people, personAliases } from './tables.ts';

export const PERSON_HELP = `Usage: coproduce person export REFERENCE --org SLUG
       coproduce person erase REFERENCE --org SLUG --yes

export   Writes everything held about the person (a subject access export) as
         JSON on standard output, equality answers included.
erase    Erases the person: every personal field goes, also from the audit
         trail's copies and the outbox; hours, attendance, roles and training
         stay as anonymous counts; their reference and email go on the
         suppression list so no import or restore brings them back. It cannot
         be undone, so it asks for --yes.

REFERENCE is the reference shown on the person's page (an earlier reference of
a merged record works too). Exits 0 when done, 1 when there is no such person.`;

const CLI_ACTOR = { userId: null, label: 'coproduce CLI', ip: null };

export class PersonCommandError extends Error {}

/** Runs "coproduce person …"; returns the exit code. Output for files goes to `out`. */
export async function runPersonCommand(
  database: Database,
  dataDir: string,
  args: string[],
  out: (text: string) => Promise<void>,
  log: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { org: { type: 'string' }, yes: { type: 'boolean', default: false } },
  });
  const [action, reference] = positionals;
  if ((action !== 'export' && action !== 'erase') || !reference || !values.org)
    throw new PersonCommandError(PERSON_HELP);
  const org = await findOrganisationBySlug(database.system, values.org);
  if (!org) throw new PersonCommandError(`There is no organisation with the slug "${values.org}"`);
  const person = await database.withOrganisation(org.id, (tx) => personByReference(tx, reference));
  if (!person || person.erasedAt) {
    log(`No one in ${org.slug} has the reference "${reference}".`);
    return 1;
  }
  if (action === 'export') {
    const data = await database.withOrganisation(org.id, (tx) =>
      subjectAccessExport(tx, person.id, { includeEquality: true }),
    );
    await out(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  }
  if (!values.yes) {
    log('Erasing cannot be undone. Run it again with --yes to erase this person.');
    return 1;
  }
  const prints = await database.withOrganisation(org.id, (tx) =>
    erasePerson(tx, CLI_ACTOR, person.id, org.id),
  );
  if (prints) appendSuppressionFile(dataDir, org.id, prints);
  log(`Erased the person with the reference "${reference}".`);
  return 0;
}

/**
 * After a restore: puts every fingerprint of the data folder's suppression
 * list back, and erases anyone in the restored database who matches one, so
 * a backup from before an erasure cannot bring the person back. Returns how
 * many people it erased.
 */
export async function applySuppressionList(database: Database, dataDir: string, file?: string) {
  const entries = readSuppressionFile(file ?? suppressionFilePath(dataDir));
  let erased = 0;
  const byOrg = new Map<string, string[]>();
  for (const e of entries)
    byOrg.set(e.organisationId, [...(byOrg.get(e.organisationId) ?? []), e.print]);
  for (const [organisationId, prints] of byOrg) {
    const [exists] = rowsOf(
      await database.system.execute(
        sql`select 1 from organisations where id = ${organisationId}::uuid`,
      ),
    );
    if (!exists) continue;
    erased += await database.withOrganisation(organisationId, async (tx) => {
      await tx
        .insert(erasureSuppressions)
        .values(prints.map((fingerprint) => ({ organisationId, fingerprint })))
        .onConflictDoNothing();
      const wanted = new Set(prints);
      const candidates = await tx
        .select({ id: people.id, reference: people.reference, email: people.email })
        .from(people)
        .where(sql`${people.erasedAt} is null`);
      const aliases = await tx.select().from(personAliases);
      let count = 0;
      for (const p of candidates) {
        const mine = [
          fingerprint(organisationId, 'reference', p.reference),
          ...aliases
            .filter((a) => a.personId === p.id)
            .map((a) => fingerprint(organisationId, 'reference', a.reference)),
          ...(p.email ? [fingerprint(organisationId, 'email', p.email)] : []),
        ];
        if (mine.some((f) => wanted.has(f))) {
          await erasePerson(tx, CLI_ACTOR, p.id, organisationId);
          count++;
        }
      }
      return count;
    });
  }
  return { entries: entries.length, erased };
}
