import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import Sentiment from 'sentiment';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { type Queryable } from '../../platform/db/index.ts';
import type { FieldProblem } from '../../platform/forms/index.ts';
import { feedbackThemes } from './tables.ts';

/** A theme as other modules and the pages see it. */
export interface Theme {
  id: string;
  code: string;
  name: string;
  description: string;
  keywords: string[];
  retired: boolean;
}

/**
 * The themes an organisation starts with, for housing and care (the seeds'
 * own subjects: repairs, damp, safety, communal areas, neighbourhoods, being
 * kept informed, staff, care and support, rent and money, involvement,
 * complaints, access, wellbeing, moving home). Staff rename, retire and add
 * to them on /staff/feedback/themes. Keywords are whole words in any case; a
 * trailing * matches any ending ("repair*" finds "repairs", "repaired").
 */
export const DEFAULT_THEMES: ReadonlyArray<{
  code: string;
  name: string;
  description: string;
  keywords: string[];
}> = [
  {
    code: 'repairs',
    name: 'Repairs',
    description: 'Getting things fixed in the home: reporting, appointments, time taken, quality.',
    keywords: [
      'repair*',
      'fix*',
      'broken',
      'boiler',
      'heating',
      'hot water',
      'leak*',
      'contractor*',
      'plumb*',
      'engineer*',
      'appointment*',
      'window*',
      'roof',
    ],
  },
  {
    code: 'damp-mould',
    name: 'Damp and mould',
    description: 'Damp, mould and condensation in homes.',
    keywords: ['damp*', 'mould*', 'mold*', 'condensation', 'black spots', 'wet wall*'],
  },
  {
    code: 'safety',
    name: 'Safety and security',
    description: 'Feeling safe at home: fire, gas, doors, locks and building safety.',
    keywords: [
      'safe',
      'safety',
      'unsafe',
      'fire',
      'smoke alarm*',
      'alarm*',
      'gas',
      'security',
      'lock*',
      'door entry',
      'cctv',
    ],
  },
  {
    code: 'communal',
    name: 'Communal areas',
    description: 'Shared spaces: hallways, stairs, lifts, bin stores, cleaning, gardens.',
    keywords: [
      'communal',
      'hallway*',
      'stair*',
      'lift',
      'lifts',
      'bin store*',
      'bins',
      'cleaning',
      'cleaner*',
      'garden*',
      'grounds',
      'grass',
    ],
  },
  {
    code: 'neighbourhood',
    name: 'Neighbourhood and anti-social behaviour',
    description: 'Neighbours, noise, parking, litter and anti-social behaviour.',
    keywords: [
      'anti-social',
      'antisocial',
      'asb',
      'noise',
      'noisy',
      'neighbour*',
      'parking',
      'litter',
      'fly-tipping',
      'fly tipping',
      'drugs',
      'estate',
    ],
  },
  {
    code: 'communication',
    name: 'Keeping people informed',
    description: 'Being listened to, getting through, call-backs, letters and updates.',
    keywords: [
      'call back',
      'called back',
      'phone',
      'phoned',
      'no answer',
      'letter*',
      'update*',
      'informed',
      'told',
      'listen*',
      'website',
      'newsletter',
      'communicat*',
      'contact*',
    ],
  },
  {
    code: 'staff',
    name: 'Staff',
    description: 'How staff treat people: attitude, respect, knowledge, continuity.',
    keywords: [
      'staff',
      'officer*',
      'worker*',
      'manager*',
      'rude',
      'respect*',
      'polite',
      'friendly',
      'helpful',
      'unhelpful',
    ],
  },
  {
    code: 'care-support',
    name: 'Care and support',
    description: 'Support plans, visits, medication, keyworkers and person-centred care.',
    keywords: [
      'care',
      'carer*',
      'support plan*',
      'support worker*',
      'keyworker*',
      'key worker*',
      'medication',
      'visit*',
      'person-centred',
      'personal care',
    ],
  },
  {
    code: 'rent-money',
    name: 'Rent, charges and money',
    description: 'Rent, service charges, benefits, arrears and the cost of living.',
    keywords: [
      'rent',
      'service charge*',
      'charge*',
      'benefit*',
      'universal credit',
      'arrears',
      'money',
      'cost*',
      'bill*',
      'afford*',
    ],
  },
  {
    code: 'involvement',
    name: 'Involvement and having a say',
    description: 'Panels, forums, surveys and other ways to have a say.',
    keywords: [
      'involve*',
      'panel*',
      'forum*',
      'meeting*',
      'survey*',
      'consult*',
      'have a say',
      'scrutiny',
      'volunteer*',
    ],
  },
  {
    code: 'complaints',
    name: 'Complaints',
    description: 'Making a complaint and how it was handled.',
    keywords: ['complain*', 'ombudsman', 'escalat*'],
  },
  {
    code: 'accessibility',
    name: 'Access and adaptations',
    description: 'Adaptations, access needs, easy read, interpreters and translation.',
    keywords: [
      'adaptation*',
      'wheelchair',
      'ramp*',
      'grab rail*',
      'hearing',
      'deaf',
      'blind',
      'easy read',
      'interpret*',
      'translat*',
      'accessib*',
    ],
  },
  {
    code: 'wellbeing',
    name: 'Activities and wellbeing',
    description: 'Activities, loneliness, mental health and feeling part of a community.',
    keywords: [
      'activit*',
      'lonely',
      'loneliness',
      'isolated',
      'wellbeing',
      'well-being',
      'mental health',
      'trip*',
      'coffee morning*',
      'club*',
    ],
  },
  {
    code: 'moving-home',
    name: 'Moving home',
    description: 'Transfers, allocations, waiting lists and new homes.',
    keywords: [
      'move',
      'moving',
      'transfer*',
      'allocation*',
      'waiting list',
      'new home',
      'mutual exchange',
      'downsiz*',
    ],
  },
];

/**
 * Makes the default themes for an organisation that has never had any (a
 * retired theme still counts as having had one): one statement, safe to race.
 */
async function ensureThemes(tx: Queryable): Promise<void> {
  const rows = DEFAULT_THEMES.map(
    (t, i) =>
      sql`(${t.code}::text, ${t.name}::text, ${t.description}::text, array[${sql.join(
        t.keywords.map((k) => sql`${k}::text`),
        sql`, `,
      )}]::text[], ${i}::int)`,
  );
  await tx.execute(sql`
    insert into feedback_themes (organisation_id, code, name, description, keywords, position)
    select app_organisation_id(), d.* from (values ${sql.join(rows, sql`, `)}) as d(code, name, description, keywords, position)
    where app_organisation_id() is not null
      and not exists (select 1 from feedback_themes)
    on conflict do nothing`);
}

function toTheme(row: typeof feedbackThemes.$inferSelect): Theme {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    description: row.description,
    keywords: row.keywords,
    retired: row.retiredAt !== null,
  };
}

/**
 * The organisation's themes in their order, the defaults made on first use.
 * Retired themes are left out unless asked for (their past counts remain).
 */
export async function listThemes(
  tx: Queryable,
  options: { includeRetired?: boolean } = {},
): Promise<Theme[]> {
  await ensureThemes(tx);
  const rows = await tx
    .select()
    .from(feedbackThemes)
    .where(options.includeRetired ? undefined : isNull(feedbackThemes.retiredAt))
    .orderBy(asc(feedbackThemes.position), asc(feedbackThemes.name));
  return rows.map(toTheme);
}

/** Letters and digits in any script: what a keyword's edges must not touch. */
const WORD = '[\\p{L}\\p{N}]';

/** One regular expression for a theme's keyword rules (null when it has none). */
export function keywordPattern(keywords: readonly string[]): RegExp | null {
  const parts = keywords
    .map((k) => k.trim().toLowerCase())
    .filter((k) => k.replace(/\*/g, '').length > 0)
    .map((k) => {
      const prefix = k.endsWith('*');
      const body = (prefix ? k.slice(0, -1) : k)
        .split(/\s+/)
        .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('\\s+');
      return prefix ? `${body}${WORD}*` : body;
    });
  if (parts.length === 0) return null;
  return new RegExp(`(?<!${WORD})(?:${parts.join('|')})(?!${WORD})`, 'iu');
}

/** The ids of the themes whose keyword rules match each text, in the themes' order. */
export function matchThemes(
  themes: readonly Pick<Theme, 'id' | 'keywords'>[],
  texts: readonly string[],
): string[][] {
  const patterns = themes
    .map((t) => ({ id: t.id, pattern: keywordPattern(t.keywords) }))
    .filter((t): t is { id: string; pattern: RegExp } => t.pattern !== null);
  return texts.map((text) => patterns.filter((p) => p.pattern.test(text)).map((p) => p.id));
}

/**
 * Suggests themes for each text from the organisation's keyword rules (its
 * themes in use, not retired): theme ids per text, in the same order. Staff
 * confirm or recode what is suggested. One query, whatever the number of texts.
 */
export async function suggestThemes(tx: Queryable, texts: string[]): Promise<string[][]> {
  if (texts.length === 0) return [];
  return matchThemes(await listThemes(tx), texts);
}

// ---------------------------------------------------------------------------
// Sentiment

const analyser = new Sentiment();

/**
 * Words AFINN-165 lacks or weighs differently in housing and care feedback,
 * each a valence from -5 to 5 like AFINN's own. Kept short on purpose: a
 * word goes in when feedback in this field uses it with a clear feeling.
 */
export const SENTIMENT_EXTRAS: Readonly<Record<string, number>> = {
  damp: -2,
  mould: -2,
  mouldy: -2,
  mold: -2,
  condensation: -1,
  leak: -2,
  leaking: -2,
  leaks: -2,
  unsafe: -3,
  ignored: -2,
  chasing: -2,
  waiting: -1,
  overdue: -2,
  cold: -1,
  filthy: -3,
  unhelpful: -2,
  fixed: 2,
  sorted: 2,
  repaired: 2,
  listened: 2,
  lovely: 3,
  brilliant: 3,
  spotless: 3,
  prompt: 2,
  promptly: 2,
  kind: 2,
};

/** The AFINN score at or beyond which a text counts as positive or negative. */
export const SENTIMENT_THRESHOLD = 2;

/** The AFINN-165 score of a text, with negation ("not happy") and the extras above. */
export function sentimentScore(text: string): number {
  return analyser.analyze(text, { extras: { ...SENTIMENT_EXTRAS } }).score;
}

/**
 * Whether a text reads as positive, neutral or negative: the AFINN-165
 * word list (the `sentiment` package, which handles negation) with the
 * field's extras; a score of 2 or more is positive, -2 or less negative. A
 * guide for sorting and counting, never a verdict: staff read the words.
 */
export function sentimentOf(text: string): 'positive' | 'neutral' | 'negative' {
  const score = sentimentScore(text);
  if (score >= SENTIMENT_THRESHOLD) return 'positive';
  if (score <= -SENTIMENT_THRESHOLD) return 'negative';
  return 'neutral';
}

// ---------------------------------------------------------------------------
// Managing themes

export interface ThemeForm {
  name: string;
  description: string;
  keywords: string;
}

/** Keywords as typed: one a line or separated by commas, trimmed, lower case, no repeats. */
export function parseKeywords(raw: string): string[] {
  const seen = new Set<string>();
  for (const part of raw.split(/[\n,]/)) {
    const k = part.trim().toLowerCase().replace(/\s+/g, ' ');
    if (k) seen.add(k);
  }
  return [...seen];
}

const MAX_KEYWORDS = 100;

/** What is wrong with a theme form, field by field. */
export async function checkTheme(
  tx: Queryable,
  form: ThemeForm,
  themeId: string | null,
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const name = form.name.trim();
  if (!name) problems.push({ field: 'name', key: 'feedback.themes.errors.nameRequired' });
  else if (name.length > 80)
    problems.push({ field: 'name', key: 'feedback.themes.errors.nameLong' });
  else {
    const clash = await tx
      .select({ id: feedbackThemes.id })
      .from(feedbackThemes)
      .where(
        sql`lower(${feedbackThemes.name}) = ${name.toLowerCase()} and ${feedbackThemes.retiredAt} is null`,
      );
    if (clash.some((c) => c.id !== themeId))
      problems.push({ field: 'name', key: 'feedback.themes.errors.nameTaken' });
  }
  if (form.description.length > 500)
    problems.push({ field: 'description', key: 'feedback.themes.errors.descriptionLong' });
  const keywords = parseKeywords(form.keywords);
  if (keywords.length > MAX_KEYWORDS)
    problems.push({
      field: 'keywords',
      key: 'feedback.themes.errors.keywordsMany',
      vars: { max: MAX_KEYWORDS },
    });
  else if (keywords.some((k) => k.length > 60 || k.replace(/[*\s-]/g, '').length === 0))
    problems.push({ field: 'keywords', key: 'feedback.themes.errors.keywordBad' });
  return problems;
}

function codeFrom(name: string): string {
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return base || 'theme';
}

/** Adds a theme (after checkTheme); its code comes from its name, made unique. */
export async function addTheme(tx: Queryable, actor: Actor, form: ThemeForm): Promise<string> {
  await ensureThemes(tx);
  const base = codeFrom(form.name);
  const taken = new Set(
    (await tx.select({ code: feedbackThemes.code }).from(feedbackThemes)).map((r) => r.code),
  );
  let code = base;
  for (let n = 2; taken.has(code); n++) code = `${base}-${n}`;
  const [position] = await tx
    .select({ next: sql<number>`coalesce(max(${feedbackThemes.position}), -1)::int + 1` })
    .from(feedbackThemes);
  const [row] = await tx
    .insert(feedbackThemes)
    .values({
      organisationId: sql`app_organisation_id()`,
      code,
      name: form.name.trim(),
      description: form.description.trim(),
      keywords: parseKeywords(form.keywords),
      position: position?.next ?? 0,
    })
    .returning();
  await audit(tx, actor, {
    action: 'create',
    entity: 'feedback_theme',
    entityId: row!.id,
    after: { name: row!.name, keywords: row!.keywords },
  });
  return row!.id;
}

/** One theme, retired or not; null when the organisation has no such theme. */
export async function findTheme(tx: Queryable, id: string): Promise<Theme | null> {
  const [row] = await tx.select().from(feedbackThemes).where(eq(feedbackThemes.id, id));
  return row ? toTheme(row) : null;
}

/** Renames a theme or changes its keyword rules (after checkTheme). */
export async function updateTheme(
  tx: Queryable,
  actor: Actor,
  id: string,
  form: ThemeForm,
): Promise<boolean> {
  const before = await findTheme(tx, id);
  if (!before) return false;
  const after = {
    name: form.name.trim(),
    description: form.description.trim(),
    keywords: parseKeywords(form.keywords),
  };
  await tx.update(feedbackThemes).set(after).where(eq(feedbackThemes.id, id));
  await audit(tx, actor, {
    action: 'update',
    entity: 'feedback_theme',
    entityId: id,
    before: { name: before.name, description: before.description, keywords: before.keywords },
    after,
  });
  return true;
}

/** Retires a theme (no new suggestions; past counts stay) or brings it back. */
export async function setThemeRetired(
  tx: Queryable,
  actor: Actor,
  id: string,
  retired: boolean,
): Promise<boolean> {
  const rows = await tx
    .update(feedbackThemes)
    .set({ retiredAt: retired ? sql`now()` : null })
    .where(and(eq(feedbackThemes.id, id)))
    .returning({ id: feedbackThemes.id });
  if (rows.length === 0) return false;
  await audit(tx, actor, {
    action: 'update',
    entity: 'feedback_theme',
    entityId: id,
    after: { retired },
  });
  return true;
}
