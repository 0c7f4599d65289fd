import { dateInputValues, readDateInput, type FieldProblem } from '../../platform/forms/index.ts';
import { formList } from '../../platform/views/forms.ts';
import { eq, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import type { Action } from '../../platform/auth/index.ts';
import { namedContributions, type SectionContent } from '../../platform/manifest.ts';
import type { Queryable } from '../../platform/db/index.ts';
import { DEFAULT_RUNGS, RUNGS, type Rung } from './ladder.ts';
import { loadLadder } from './queries.ts';
import { initiatives, ladderRungs, type InitiativeRow } from './tables.ts';

export type { FieldProblem };

type Body = Record<string, unknown>;

/** A single-line answer, trimmed, inner spaces collapsed. */
function line(body: Body, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : '';
}

/** A multi-line answer, trimmed, line breaks kept. */
function paragraph(body: Body, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
}

// ---------------------------------------------------------------------------
// The ladder

export const RUNG_NAME_MAX = 60;
export const RUNG_DESCRIPTION_MAX = 500;

/** An organisation's words for one rung. */
export interface RungWords {
  rung: Rung;
  name: string;
  nameCy: string | null;
  description: string;
  descriptionCy: string | null;
}

/** Reads and checks the ladder form: every rung named, nothing too long. */
export function readLadderForm(body: Body): {
  rungs: RungWords[];
  values: Record<string, string>;
  problems: FieldProblem[];
} {
  const values: Record<string, string> = {};
  const problems: FieldProblem[] = [];
  const rungs = RUNGS.map((rung) => {
    const name = line(body, `name-${rung}`);
    const nameCy = line(body, `nameCy-${rung}`);
    const description = paragraph(body, `description-${rung}`);
    const descriptionCy = paragraph(body, `descriptionCy-${rung}`);
    Object.assign(values, {
      [`name-${rung}`]: name,
      [`nameCy-${rung}`]: nameCy,
      [`description-${rung}`]: description,
      [`descriptionCy-${rung}`]: descriptionCy,
    });
    const vars = { rung, max: RUNG_NAME_MAX, maxDescription: RUNG_DESCRIPTION_MAX };
    if (!name) problems.push({ field: `name-${rung}`, key: 'ladder.errors.nameMissing', vars });
    else if (name.length > RUNG_NAME_MAX)
      problems.push({ field: `name-${rung}`, key: 'ladder.errors.nameLong', vars });
    if (description.length > RUNG_DESCRIPTION_MAX)
      problems.push({
        field: `description-${rung}`,
        key: 'ladder.errors.descriptionLong',
        vars,
      });
    if (nameCy.length > RUNG_NAME_MAX)
      problems.push({ field: `nameCy-${rung}`, key: 'ladder.errors.nameCyLong', vars });
    if (descriptionCy.length > RUNG_DESCRIPTION_MAX)
      problems.push({
        field: `descriptionCy-${rung}`,
        key: 'ladder.errors.descriptionCyLong',
        vars,
      });
    return {
      rung,
      name,
      nameCy: nameCy || null,
      description,
      descriptionCy: descriptionCy || null,
    };
  });
  return { rungs, values, problems };
}

/**
 * Saves the organisation's words for the rungs. A rung put back to the seed's
 * words loses its own row, so it follows the defaults again. The number of a
 * rung never changes: there is nothing to reorder. Each change is audited.
 */
export async function saveLadder(tx: Queryable, actor: Actor, rungs: RungWords[]): Promise<number> {
  const current = await loadLadder(tx);
  let changed = 0;
  for (const words of rungs) {
    const before = current.find((r) => r.rung === words.rung);
    if (!before) continue;
    const same =
      before.name === words.name &&
      before.description === words.description &&
      before.nameCy === words.nameCy &&
      before.descriptionCy === words.descriptionCy;
    if (same) continue;
    const seed = DEFAULT_RUNGS[words.rung];
    const isDefault =
      words.name === seed.name &&
      words.description === seed.description &&
      !words.nameCy &&
      !words.descriptionCy;
    if (isDefault) {
      await tx.delete(ladderRungs).where(eq(ladderRungs.rung, words.rung));
    } else {
      await tx
        .insert(ladderRungs)
        .values({ organisationId: sql`app_organisation_id()`, ...words })
        .onConflictDoUpdate({
          target: [ladderRungs.organisationId, ladderRungs.rung],
          set: {
            name: words.name,
            nameCy: words.nameCy,
            description: words.description,
            descriptionCy: words.descriptionCy,
          },
        });
    }
    await audit(tx, actor, {
      action: 'update',
      entity: 'ladder_rung',
      entityId: String(words.rung),
      before: {
        name: before.name,
        nameCy: before.nameCy,
        description: before.description,
        descriptionCy: before.descriptionCy,
      },
      after: {
        name: words.name,
        nameCy: words.nameCy,
        description: words.description,
        descriptionCy: words.descriptionCy,
      },
    });
    changed += 1;
  }
  return changed;
}

// ---------------------------------------------------------------------------
// Initiatives

/** The four parts of the purpose statement (seed 003, "Clarity of purpose"). */
export const PURPOSE_PARTS = ['canChange', 'fixed', 'decider', 'feedback'] as const;
export type PurposePart = (typeof PURPOSE_PARTS)[number];

/** The parts of the purpose statement still empty: publishing waits for all four. */
export function missingPurposeParts(
  row: Pick<InitiativeRow, PurposePart> | Partial<Record<PurposePart, string | null>>,
): PurposePart[] {
  return PURPOSE_PARTS.filter((part) => !(row[part] ?? '').trim());
}

/** What an initiative is made of; the form, the demo and tests all create through it. */
export interface InitiativeInput {
  kind: string;
  title: string;
  summary?: string;
  rung: number;
  rungEvidence?: string | null;
  canChange?: string | null;
  fixed?: string | null;
  decider?: string | null;
  feedback?: string | null;
  audienceServices?: string[];
  audienceSpecialisms?: string[];
  audienceAreas?: string[];
  audienceRoles?: string[];
  ownerName?: string | null;
  ownerUserId?: string | null;
  startsOn?: string | null;
  endsOn?: string | null;
}

function assertRung(rung: number): void {
  if (!(RUNGS as readonly number[]).includes(rung))
    throw new RangeError(`rung must be 0 to 7, not ${rung}`);
}

function columnsOf(input: InitiativeInput) {
  return {
    kind: input.kind,
    title: input.title,
    summary: input.summary ?? '',
    rung: input.rung,
    rungEvidence: input.rungEvidence || null,
    canChange: input.canChange || null,
    fixed: input.fixed || null,
    decider: input.decider || null,
    feedback: input.feedback || null,
    audienceServices: input.audienceServices ?? [],
    audienceSpecialisms: input.audienceSpecialisms ?? [],
    audienceAreas: input.audienceAreas ?? [],
    audienceRoles: input.audienceRoles ?? [],
    ownerName: input.ownerName || null,
    ownerUserId: input.ownerUserId ?? null,
    startsOn: input.startsOn || null,
    endsOn: input.endsOn || null,
  };
}

/** Creates an initiative as a draft, and audits it. */
export async function createInitiative(
  tx: Queryable,
  actor: Actor,
  input: InitiativeInput,
): Promise<{ id: string }> {
  assertRung(input.rung);
  const [row] = await tx
    .insert(initiatives)
    .values({ organisationId: sql`app_organisation_id()`, ...columnsOf(input), status: 'draft' })
    .returning();
  await audit(tx, actor, { action: 'create', entity: 'initiative', entityId: row!.id, after: row });
  return { id: row!.id };
}

/** Changes an initiative's details (not its status); false when there is no such initiative. */
export async function updateInitiative(
  tx: Queryable,
  actor: Actor,
  id: string,
  input: InitiativeInput,
): Promise<boolean> {
  assertRung(input.rung);
  const [before] = await tx.select().from(initiatives).where(eq(initiatives.id, id));
  if (!before) return false;
  const [after] = await tx
    .update(initiatives)
    .set({ ...columnsOf(input), updatedAt: new Date() })
    .where(eq(initiatives.id, id))
    .returning();
  await audit(tx, actor, { action: 'update', entity: 'initiative', entityId: id, before, after });
  return true;
}

export type PublishResult =
  | { status: 'published'; publishedAt: Date }
  | { status: 'incomplete'; missing: PurposePart[] }
  | { status: 'not-found' };

/**
 * Publishes an initiative (status active). Refused while any part of the
 * purpose statement is empty: people must know what they can change before
 * they are asked to take part. Publishing again changes nothing.
 */
export async function publishInitiative(
  tx: Queryable,
  actor: Actor,
  id: string,
): Promise<PublishResult> {
  const [before] = await tx.select().from(initiatives).where(eq(initiatives.id, id));
  if (!before) return { status: 'not-found' };
  const missing = missingPurposeParts(before);
  if (missing.length > 0) return { status: 'incomplete', missing };
  if (before.status === 'active' && before.publishedAt)
    return { status: 'published', publishedAt: before.publishedAt };
  const publishedAt = before.publishedAt ?? new Date();
  await tx
    .update(initiatives)
    .set({ status: 'active', publishedAt, updatedAt: new Date() })
    .where(eq(initiatives.id, id));
  await audit(tx, actor, {
    action: 'publish',
    entity: 'initiative',
    entityId: id,
    before: { status: before.status },
    after: { status: 'active', publishedAt },
  });
  return { status: 'published', publishedAt };
}

/** Closes an initiative; false when there is no such initiative. */
export async function closeInitiative(tx: Queryable, actor: Actor, id: string): Promise<boolean> {
  const [before] = await tx
    .select({ status: initiatives.status })
    .from(initiatives)
    .where(eq(initiatives.id, id));
  if (!before) return false;
  if (before.status === 'closed') return true;
  await tx
    .update(initiatives)
    .set({ status: 'closed', updatedAt: new Date() })
    .where(eq(initiatives.id, id));
  await audit(tx, actor, {
    action: 'close',
    entity: 'initiative',
    entityId: id,
    before: { status: before.status },
    after: { status: 'closed' },
  });
  return true;
}

// ---------------------------------------------------------------------------
// The initiative form

export const TITLE_MAX = 200;
export const LONG_TEXT_MAX = 2000;
export const OWNER_MAX = 200;
export const AREA_MAX = 100;

/** What the form offers to choose from. */
export interface FormChoices {
  kinds: Array<{ code: string; retired: boolean }>;
  specialisms: string[];
  roles: string[];
  serviceIds: string[];
}

/** The form's answers as typed, to show again. */
export type InitiativeFormValues = Record<string, string | string[]>;

/** A GOV.UK date input's three boxes: '' when all are empty, null when not a real date. */
function dateInput(body: Body, name: string, values: InitiativeFormValues): string | null {
  const date = readDateInput(body, name, { min: '1900-01-01', max: '2200-12-31' });
  Object.assign(values, date.values);
  if (date.problem) return null;
  return date.iso ?? '';
}

/** The form's values for an initiative being changed. */
export function valuesFromInitiative(row: InitiativeRow): InitiativeFormValues {
  return {
    kind: row.kind,
    title: row.title,
    summary: row.summary,
    rung: String(row.rung),
    rungEvidence: row.rungEvidence ?? '',
    canChange: row.canChange ?? '',
    fixed: row.fixed ?? '',
    decider: row.decider ?? '',
    feedback: row.feedback ?? '',
    audienceServices: row.audienceServices,
    audienceSpecialisms: row.audienceSpecialisms,
    audienceAreas: row.audienceAreas.join(', '),
    audienceRoles: row.audienceRoles,
    ownerName: row.ownerName ?? '',
    ...dateInputValues('startsOn', row.startsOn),
    ...dateInputValues('endsOn', row.endsOn),
  };
}

/**
 * Reads and checks the initiative form. Each problem names its field; the
 * answers come back as typed so that nothing is lost. The purpose statement
 * may be left for later: a draft can be saved without it, publishing cannot.
 * For an initiative being changed, `current` keeps its retired kind valid,
 * and a published one must keep all four parts of its purpose statement.
 */
export function readInitiativeForm(
  body: Body,
  choices: FormChoices,
  current?: { kind: string; status: string },
): { values: InitiativeFormValues; problems: FieldProblem[]; input: InitiativeInput } {
  const problems: FieldProblem[] = [];
  const problem = (field: string, key: string, vars?: Record<string, unknown>) =>
    problems.push({
      field,
      key: `initiatives.errors.${key}`,
      ...(vars ? { vars } : {}),
      // A date input's link lands on its first box.
      ...(field === 'startsOn' || field === 'endsOn' ? { href: `${field}-day` } : {}),
    });

  const kind = line(body, 'kind');
  const title = line(body, 'title');
  const summary = paragraph(body, 'summary');
  const rungText = line(body, 'rung');
  const rungEvidence = paragraph(body, 'rungEvidence');
  const purpose = Object.fromEntries(PURPOSE_PARTS.map((p) => [p, paragraph(body, p)])) as Record<
    PurposePart,
    string
  >;
  const audienceServices = formList(body['audienceServices']).filter((id) =>
    choices.serviceIds.includes(id),
  );
  const audienceSpecialisms = formList(body['audienceSpecialisms']).filter((c) =>
    choices.specialisms.includes(c),
  );
  const audienceRoles = formList(body['audienceRoles']).filter((c) => choices.roles.includes(c));
  const areasText = line(body, 'audienceAreas');
  const audienceAreas = [
    ...new Set(
      areasText
        .split(/[,;]/)
        .map((a) => a.trim())
        .filter(Boolean),
    ),
  ];
  const ownerName = line(body, 'ownerName');
  const values: InitiativeFormValues = {
    kind,
    title,
    summary,
    rung: rungText,
    rungEvidence,
    ...purpose,
    audienceServices,
    audienceSpecialisms,
    audienceAreas: areasText,
    audienceRoles,
    ownerName,
  };

  const kindOk = choices.kinds.some(
    (k) => k.code === kind && (!k.retired || k.code === current?.kind),
  );
  if (!kindOk) problem('kind', 'kindMissing');
  if (!title) problem('title', 'titleMissing');
  else if (title.length > TITLE_MAX) problem('title', 'titleLong', { max: TITLE_MAX });
  if (summary.length > LONG_TEXT_MAX) problem('summary', 'summaryLong', { max: LONG_TEXT_MAX });
  const rung = /^[0-7]$/.test(rungText) ? Number(rungText) : null;
  if (rung === null) problem('rung', 'rungMissing');
  if (rungEvidence.length > LONG_TEXT_MAX)
    problem('rungEvidence', 'evidenceLong', { max: LONG_TEXT_MAX });
  for (const part of PURPOSE_PARTS) {
    if (purpose[part].length > LONG_TEXT_MAX) problem(part, `${part}Long`, { max: LONG_TEXT_MAX });
    else if (!purpose[part] && current?.status === 'active') problem(part, `${part}Missing`);
  }
  if (audienceAreas.some((a) => a.length > AREA_MAX))
    problem('audienceAreas', 'areaLong', { max: AREA_MAX });
  if (!ownerName) problem('ownerName', 'ownerMissing');
  else if (ownerName.length > OWNER_MAX) problem('ownerName', 'ownerLong', { max: OWNER_MAX });
  const startsOn = dateInput(body, 'startsOn', values);
  const endsOn = dateInput(body, 'endsOn', values);
  if (startsOn === null) problem('startsOn', 'startsOnInvalid');
  if (endsOn === null) problem('endsOn', 'endsOnInvalid');
  if (startsOn && endsOn && endsOn < startsOn) problem('endsOn', 'endsBeforeStart');

  return {
    values,
    problems,
    input: {
      kind,
      title,
      summary,
      rung: rung ?? 0,
      rungEvidence: rungEvidence || null,
      ...purpose,
      audienceServices,
      audienceSpecialisms,
      audienceAreas,
      audienceRoles,
      ownerName,
      startsOn: startsOn || null,
      endsOn: endsOn || null,
    },
  };
}

// ---------------------------------------------------------------------------
// Sections other modules add to an initiative's page (their manifests'
// contributes.initiativeSections)

export type {
  InitiativeSection,
  SectionContent as InitiativeSectionContent,
} from '../../platform/manifest.ts';

/** Every installed module's sections of an initiative's page, in module order: one query each. */
export async function initiativeSections(
  tx: Queryable,
  initiativeId: string,
  text: (key: string, vars?: Record<string, unknown>) => string,
  can: (action: Action) => boolean,
): Promise<Array<SectionContent & { name: string }>> {
  const shown: Array<SectionContent & { name: string }> = [];
  for (const [name, section] of namedContributions('initiativeSections')) {
    const content = await section(tx, initiativeId, text, can);
    if (content) shown.push({ name, ...content });
  }
  return shown;
}
