import { randomUUID } from 'node:crypto';
import { dateInputValues, readDateInput, type FieldProblem } from '../../platform/forms/index.ts';
import { formList } from '../../platform/views/forms.ts';
import { UUID } from '../../platform/http/params.ts';
import { eq, sql, type SQL } from 'drizzle-orm';
import { audit, auditWrite, type Actor } from '../../platform/audit/index.ts';
import {
  executeNamed,
  inOneStatement,
  rowsOf,
  type Queryable,
  type Write,
} from '../../platform/db/index.ts';
import {
  isLanguage,
  translator,
  type Language,
  type TranslationOverrides,
} from '../../platform/i18n/index.ts';
import { mailWrites, queueMail } from '../../platform/mail/index.ts';
import { translatorIn } from '../../platform/i18n/overrides.ts';
import { hashToken, newToken, TOKEN_PATTERN } from '../../platform/http/link-tokens.ts';
import { addressKey, keyLocked, useWrites } from '../identity/index.ts';
import { ACCESS_NEEDS, CHANNELS, needsEasyRead } from '../people/index.ts';
import {
  checkContact,
  createPersonWrites,
  mergePeople,
  recordConsents,
  tidy,
  type ConsentChange,
} from '../people/index.ts';
import {
  checkPlainEnglish,
  EASY_READ_SENTENCE_WORDS,
  type Finding,
  type PlainEnglishOptions,
  type PlainEnglishResult,
} from '../../platform/plain-english/index.ts';
import { opportunities, signUps, type OpportunityRow } from './tables.ts';
import { toTellCondition, UNDECIDED } from './work-waiting.ts';

/**
 * Opportunities (calls for people, attached to an initiative), their
 * publication behind the plain-English check, sign-ups from register_people without
 * an account, and staff decisions on them (issue 5 §3–4). The initiative's
 * title, status and purpose statement are read from its table, never written.
 */

/** How long the link that confirms an email address for other news works. */
export const CONFIRM_CONTACT_DAYS = 30;

export type Body = Record<string, unknown>;
export type FormValues = Record<string, string | string[]>;

export type { FieldProblem };

export const OPPORTUNITY_STATUSES = ['draft', 'published', 'closed'] as const;
export const SIGN_UP_STATUSES = ['new', 'shortlisted', 'accepted', 'declined'] as const;
export type Decision = 'shortlisted' | 'accepted' | 'declined';

/** Limits that keep automated sign-ups out without a CAPTCHA; tests and benchmarks may raise them. */
/** Sets the limits from the configuration (SIGNUP_LIMIT_PER_ADDRESS, SIGNUP_LIMIT_PER_OPPORTUNITY). */
export function configureSignUpLimits(limits: {
  perAddress: number;
  perOpportunityPerHour: number;
}) {
  SIGN_UP_LIMITS.perAddress = limits.perAddress;
  SIGN_UP_LIMITS.perOpportunityPerHour = limits.perOpportunityPerHour;
}

export const SIGN_UP_LIMITS = {
  /** Sign-ups from one address … */
  perAddress: 10,
  /** … in this many minutes. */
  perAddressMinutes: 60,
  /** Sign-ups to one opportunity, from anywhere, in the last hour. */
  perOpportunityPerHour: 300,
};

// ---------------------------------------------------------------- form helpers

/** Text typed into a textarea: trimmed, line breaks kept, blank runs shortened. */
export function longText(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const only = (values: string[], allowed: Iterable<string>) => {
  const set = new Set(allowed);
  return [...new Set(values.filter((v) => set.has(v)))];
};

export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID.test(value);

// ---------------------------------------------------------------- the opportunity form

/**
 * How people take part in an opportunity (issue 10 §7): in person, online,
 * or both (either way, as each person chooses).
 */
export const OPPORTUNITY_MODES = ['in_person', 'online', 'both'] as const;
export type OpportunityMode = (typeof OPPORTUNITY_MODES)[number];

export const isOpportunityMode = (value: unknown): value is OpportunityMode =>
  (OPPORTUNITY_MODES as readonly unknown[]).includes(value);

export interface OpportunityInput {
  initiativeId: string;
  title: string;
  /** What is involved. */
  description: string;
  /** The easy-read version, written for it (issue 10 §3); null or absent when there is none. */
  easyRead?: string | null;
  timeAsked?: string | null;
  whenWhere?: string | null;
  /** in_person unless given. */
  mode?: OpportunityMode;
  /** Access need codes the opportunity can meet. */
  accessProvisions?: string[];
  rewardOffered?: string | null;
  expensesOffered?: boolean;
  whoCanApply?: string | null;
  /** YYYY-MM-DD */
  closesOn?: string | null;
  /** Interest codes. */
  interests?: string[];
}

const TEXT_LIMIT = 2000;
const TITLE_LIMIT = 150;

/** The form's values for an existing opportunity. */
export function valuesFromOpportunity(row: OpportunityRow): FormValues {
  return {
    initiativeId: row.initiativeId,
    title: row.title,
    description: row.description,
    easyRead: row.easyRead ?? '',
    timeAsked: row.timeAsked ?? '',
    whenWhere: row.whenWhere ?? '',
    mode: row.mode,
    accessProvisions: row.accessProvisions,
    rewardOffered: row.rewardOffered ?? '',
    expensesOffered: row.expensesOffered ? 'yes' : 'no',
    whoCanApply: row.whoCanApply ?? '',
    ...dateInputValues('closesOn', row.closesOn),
    interests: row.interests,
  };
}

/**
 * Reads the opportunity form: the input to save, the values to show again,
 * and each problem with its field. A closing date must be a real day and,
 * when it is set or changed, not in the past.
 */
export function readOpportunityForm(
  body: Body,
  context: {
    initiativeIds: Set<string>;
    interests: Set<string>;
    today: string;
    previousClosesOn?: string | null;
  },
): { values: FormValues; input: OpportunityInput; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const text = (name: string) => longText(body[name]);
  const closing = readDateInput(body, 'closesOn', {
    keys: { notReal: 'opportunities.errors.closesOn' },
  });
  const values: FormValues = {
    initiativeId: tidy(body.initiativeId),
    title: tidy(body.title),
    description: text('description'),
    easyRead: text('easyRead'),
    timeAsked: text('timeAsked'),
    whenWhere: text('whenWhere'),
    mode: isOpportunityMode(body.mode) ? body.mode : '',
    accessProvisions: only(formList(body['accessProvisions']), ACCESS_NEEDS),
    rewardOffered: text('rewardOffered'),
    expensesOffered: body.expensesOffered === 'no' ? 'no' : 'yes',
    whoCanApply: text('whoCanApply'),
    ...closing.values,
    interests: only(formList(body['interests']), context.interests),
  };
  const v = (name: string) => values[name] as string;

  if (!context.initiativeIds.has(v('initiativeId')))
    problems.push({ field: 'initiativeId', key: 'opportunities.errors.initiative' });
  if (!v('title')) problems.push({ field: 'title', key: 'opportunities.errors.title' });
  else if (v('title').length > TITLE_LIMIT)
    problems.push({ field: 'title', key: 'opportunities.errors.titleLong' });
  if (!v('description'))
    problems.push({ field: 'description', key: 'opportunities.errors.description' });
  for (const name of [
    'description',
    'easyRead',
    'timeAsked',
    'whenWhere',
    'rewardOffered',
    'whoCanApply',
  ])
    if (v(name).length > TEXT_LIMIT)
      problems.push({
        field: name,
        key: 'opportunities.errors.tooLong',
        label: `opportunities.fieldNames.${name}`,
      });
  if (!v('whenWhere') && values.mode !== 'online')
    problems.push({ field: 'whenWhere', key: 'opportunities.errors.whenWhere' });

  if (!values.mode) problems.push({ field: 'mode', key: 'opportunities.errors.mode' });

  const closesOn = closing.iso;
  if (closing.problem) problems.push(closing.problem);
  else if (closesOn && closesOn < context.today && closesOn !== context.previousClosesOn)
    problems.push({
      field: 'closesOn',
      key: 'opportunities.errors.closesOnPast',
      href: 'closesOn-day',
    });

  return {
    values,
    problems,
    input: {
      initiativeId: v('initiativeId'),
      title: v('title'),
      description: v('description'),
      easyRead: v('easyRead') || null,
      timeAsked: v('timeAsked') || null,
      whenWhere: v('whenWhere') || null,
      mode: isOpportunityMode(values.mode) ? values.mode : 'in_person',
      accessProvisions: values.accessProvisions as string[],
      rewardOffered: v('rewardOffered') || null,
      expensesOffered: values.expensesOffered === 'yes',
      whoCanApply: v('whoCanApply') || null,
      closesOn,
      interests: values.interests as string[],
    },
  };
}

function columnsOf(input: OpportunityInput) {
  return {
    initiativeId: input.initiativeId,
    title: input.title,
    description: input.description,
    easyRead: input.easyRead ?? null,
    timeAsked: input.timeAsked ?? null,
    whenWhere: input.whenWhere ?? null,
    mode: input.mode ?? 'in_person',
    accessProvisions: only(input.accessProvisions ?? [], ACCESS_NEEDS),
    rewardOffered: input.rewardOffered ?? null,
    expensesOffered: input.expensesOffered ?? true,
    whoCanApply: input.whoCanApply ?? null,
    closesOn: input.closesOn ?? null,
    interests: [...new Set(input.interests ?? [])],
  };
}

// ---------------------------------------------------------------- changing opportunities

/** Adds an opportunity as a draft, and records it. */
export async function createOpportunity(
  tx: Queryable,
  actor: Actor,
  input: OpportunityInput,
): Promise<string> {
  const [row] = await tx
    .insert(opportunities)
    .values({ ...columnsOf(input), organisationId: sql`app_organisation_id()` })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await audit(tx, actor, {
    action: 'create',
    entity: 'opportunity',
    entityId: row.id,
    after: columnsOf(input),
  });
  return row.id;
}

/** Changes an opportunity, recording what changed; false when there is no such opportunity. */
export async function updateOpportunity(
  tx: Queryable,
  actor: Actor,
  id: string,
  input: OpportunityInput,
): Promise<boolean> {
  const [before] = await tx.select().from(opportunities).where(eq(opportunities.id, id));
  if (!before) return false;
  const next = columnsOf(input);
  await tx
    .update(opportunities)
    .set({ ...next, updatedAt: new Date() })
    .where(eq(opportunities.id, id));
  const changedBefore: Record<string, unknown> = {};
  const changedAfter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    const old = before[key as keyof OpportunityRow];
    if (JSON.stringify(old) !== JSON.stringify(value)) {
      changedBefore[key] = old;
      changedAfter[key] = value;
    }
  }
  if (Object.keys(changedAfter).length > 0)
    await audit(tx, actor, {
      action: 'update',
      entity: 'opportunity',
      entityId: id,
      before: changedBefore,
      after: changedAfter,
    });
  return true;
}

/** The public text of an opportunity, field by field, in the order a reader meets it. */
export function opportunityText(
  row: Pick<
    OpportunityRow,
    'title' | 'description' | 'timeAsked' | 'whenWhere' | 'rewardOffered' | 'whoCanApply'
  >,
): Array<{ field: string; text: string }> {
  return [
    { field: 'title', text: row.title },
    { field: 'description', text: row.description },
    { field: 'timeAsked', text: row.timeAsked ?? '' },
    { field: 'whenWhere', text: row.whenWhere ?? '' },
    { field: 'rewardOffered', text: row.rewardOffered ?? '' },
    { field: 'whoCanApply', text: row.whoCanApply ?? '' },
  ];
}

/**
 * The plain-English check of an opportunity before it is published: its
 * standard text as one document, then its easy-read version (field
 * `easyRead`) as a document of its own, since its readers may read nothing
 * else: an acronym explained only in the standard text is flagged there.
 * Easy read is held to its own sentence length, EASY_READ_SENTENCE_WORDS (15
 * words, GOV.UK's 10–15). The reading ease shown is the standard text's.
 */
export function checkOpportunity(
  row: Parameters<typeof opportunityText>[0] & Pick<OpportunityRow, 'easyRead'>,
  options: PlainEnglishOptions = {},
): PlainEnglishResult {
  const standard = checkPlainEnglish(opportunityText(row), options);
  if (!row.easyRead?.trim()) return standard;
  const easy = checkPlainEnglish([{ field: 'easyRead', text: row.easyRead }], {
    ...options,
    longSentenceWords: EASY_READ_SENTENCE_WORDS,
  });
  return { ...standard, findings: [...standard.findings, ...easy.findings] };
}

/** The pictures easy read can put beside a point of an opportunity (platform/views/macros/easy-read.njk). */
export type EasyPicture = 'paper' | 'calendar' | 'people' | 'talk' | 'decision' | 'money';

/**
 * Which picture goes with a point, by the words in it, first match wins [R]:
 * our reading of "every idea has words and a picture" (uk-standards.md §4)
 * for text staff write freely. Money before dates ("£10 an hour"), dates and
 * times before people; a point none of these fit gets the paper.
 */
const PICTURE_WORDS: Array<[EasyPicture, RegExp]> = [
  ['money', /£|\b(?:pay|paid|pays|money|voucher|vouchers|reward|rewards|expenses|fares?)\b/i],
  [
    'calendar',
    /\b(?:when|date|dates|day|days|week|weeks|month|months|year|hours?|minutes|morning|afternoon|evening|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|june|july|august|september|october|november|december|meet|meets|meeting|meetings)\b/i,
  ],
  ['people', /\b(?:help|support|supporter|carer|together|group|team|panel|people|friend)\b/i],
  ['talk', /\b(?:talk|say|tell|ask|listen|speak|phone|call|ideas|views|think)\b/i],
  ['decision', /\b(?:decide|decides|choose|chooses|change|changes|vote)\b/i],
];

/**
 * The easy-read version as points to show with a picture each: points are
 * parted by an empty line, and each line of a point is a sentence of its own.
 */
export function easyReadPoints(
  text: string | null | undefined,
): Array<{ picture: EasyPicture; lines: string[] }> {
  return (text ?? '')
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((point) =>
      point
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
    )
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const words = lines.join(' ');
      const found = PICTURE_WORDS.find(([, pattern]) => pattern.test(words));
      return { picture: found ? found[0] : 'paper', lines };
    });
}

/** An opportunity with its initiative's title, status and purpose statement: one query. */
export interface OpportunityWithInitiative extends OpportunityRow {
  initiative: {
    id: string;
    title: string;
    summary: string;
    status: string;
    canChange: string | null;
    fixed: string | null;
    decider: string | null;
    feedback: string | null;
  };
}

export async function opportunityWithInitiative(
  tx: Queryable,
  id: string,
  /** A condition to read in the same statement, returned as `refused`. */
  refused?: SQL,
): Promise<(OpportunityWithInitiative & { refused?: boolean }) | null> {
  if (!isUuid(id)) return null;
  const [row] = rowsOf<
    OpportunityRow & { initiative: OpportunityWithInitiative['initiative']; refused?: boolean }
  >(
    await tx.execute(sql`
      select o.organisation_id as "organisationId", o.id, o.initiative_id as "initiativeId",
        o.title, o.description, o.easy_read as "easyRead", o.time_asked as "timeAsked",
        o.when_where as "whenWhere", o.mode, o.access_provisions as "accessProvisions", o.reward_offered as "rewardOffered",
        o.expenses_offered as "expensesOffered", o.who_can_apply as "whoCanApply",
        o.closes_on::text as "closesOn", o.interests, o.status,
        o.published_at as "publishedAt", o.created_at as "createdAt", o.updated_at as "updatedAt",
        json_build_object('id', i.id, 'title', i.title, 'summary', i.summary, 'status', i.status,
          'canChange', i.can_change, 'fixed', i.fixed, 'decider', i.decider,
          'feedback', i.feedback) as initiative${refused ? sql`, ${refused} as refused` : sql``}
      from opportunities o join initiative_summaries i on i.id = o.initiative_id
      where o.id = ${id}`),
  );
  return row ?? null;
}

const blank = (s: string | null | undefined) => !s || !s.trim();

/** The parts of the initiative's purpose statement that are still empty. */
export function missingPurpose(initiative: OpportunityWithInitiative['initiative']): string[] {
  return (['canChange', 'fixed', 'decider', 'feedback'] as const).filter((part) =>
    blank(initiative[part]),
  );
}

/** Why an opportunity cannot be published yet, before any question of wording. */
export function publishBlocker(
  row: OpportunityWithInitiative,
): 'initiativeNotActive' | 'noPurpose' | null {
  if (row.initiative.status !== 'active') return 'initiativeNotActive';
  if (missingPurpose(row.initiative).length > 0) return 'noPurpose';
  return null;
}

export type PublishResult =
  | { published: true }
  | { published: false; reason: 'notFound' }
  | {
      published: false;
      reason: 'initiativeNotActive' | 'noPurpose';
      initiativeTitle: string;
      missing: string[];
    }
  | { published: false; reason: 'findings'; findings: Finding[] };

/**
 * Publishes an opportunity. Refused while its initiative is not active or has
 * no purpose statement; the plain-English check runs first, and its findings
 * hold publication back until the author confirms they have seen them.
 */
export async function publishOpportunity(
  tx: Queryable,
  actor: Actor,
  id: string,
  options: { confirmFindings: boolean; plainEnglish?: PlainEnglishOptions },
): Promise<PublishResult> {
  const row = await opportunityWithInitiative(tx, id);
  if (!row) return { published: false, reason: 'notFound' };
  const blocker = publishBlocker(row);
  if (blocker)
    return {
      published: false,
      reason: blocker,
      initiativeTitle: row.initiative.title,
      missing: missingPurpose(row.initiative),
    };
  const { findings } = checkOpportunity(row, options.plainEnglish);
  if (findings.length > 0 && !options.confirmFindings)
    return { published: false, reason: 'findings', findings };
  if (row.status === 'published') return { published: true };
  await tx
    .update(opportunities)
    .set({ status: 'published', publishedAt: new Date(), updatedAt: new Date() })
    .where(eq(opportunities.id, id));
  await audit(tx, actor, {
    action: 'publish',
    entity: 'opportunity',
    entityId: id,
    before: { status: row.status },
    after: {
      status: 'published',
      plainEnglishFindings: findings.length,
      findingsConfirmed: findings.length > 0,
    },
  });
  return { published: true };
}

/** Takes an opportunity off the public pages; its sign-ups stay. */
export async function closeOpportunity(tx: Queryable, actor: Actor, id: string): Promise<boolean> {
  const [before] = await tx
    .select({ status: opportunities.status })
    .from(opportunities)
    .where(eq(opportunities.id, id));
  if (!before) return false;
  if (before.status === 'closed') return true;
  await tx
    .update(opportunities)
    .set({ status: 'closed', updatedAt: new Date() })
    .where(eq(opportunities.id, id));
  await audit(tx, actor, {
    action: 'close',
    entity: 'opportunity',
    entityId: id,
    before,
    after: { status: 'closed' },
  });
  return true;
}

// ---------------------------------------------------------------- staff lists

export interface StaffOpportunityRow {
  id: string;
  title: string;
  status: string;
  closesOn: string | null;
  publishedAt: Date | null;
  initiativeId: string;
  initiativeTitle: string;
  signUps: number;
  newSignUps: number;
  acceptedSignUps: number;
}

/** Every opportunity with its sign-up counts, in one query however many there are. */
export async function listStaffOpportunities(
  tx: Queryable,
  filter: { status?: string; initiativeId?: string; waiting?: string } = {},
): Promise<StaffOpportunityRow[]> {
  const where: SQL[] = [sql`true`];
  // From the staff home: those with sign-ups to decide, or people to phone or write to.
  if (filter.waiting === 'decide')
    where.push(
      sql`exists (select 1 from sign_ups w where w.opportunity_id = o.id and w.status in ${UNDECIDED})`,
    );
  if (filter.waiting === 'tell')
    where.push(sql`exists (select 1 from sign_ups w join register_people p on p.id = w.person_id
      where w.opportunity_id = o.id and ${toTellCondition(sql`w`, sql`p`)})`);
  if (filter.status && (OPPORTUNITY_STATUSES as readonly string[]).includes(filter.status))
    where.push(sql`o.status = ${filter.status}`);
  if (isUuid(filter.initiativeId)) where.push(sql`o.initiative_id = ${filter.initiativeId}`);
  return rowsOf<StaffOpportunityRow>(
    await tx.execute(sql`
      select o.id, o.title, o.status, o.closes_on::text as "closesOn",
        o.published_at as "publishedAt", i.id as "initiativeId", i.title as "initiativeTitle",
        count(s.id)::int as "signUps",
        (count(s.id) filter (where s.status = 'new'))::int as "newSignUps",
        (count(s.id) filter (where s.status = 'accepted'))::int as "acceptedSignUps"
      from opportunities o
      join initiative_summaries i on i.id = o.initiative_id
      left join sign_ups s on s.opportunity_id = o.id
      where ${sql.join(where, sql` and `)}
      group by o.id, o.organisation_id, i.id, i.title
      order by case o.status when 'published' then 0 when 'draft' then 1 else 2 end,
        o.closes_on nulls last, o.title
      limit 500`),
  );
}

/** Initiatives an opportunity can be attached to: those not closed. */
export async function initiativeChoices(
  tx: Queryable,
  alsoId?: string | null,
): Promise<Array<{ id: string; title: string; status: string }>> {
  return rowsOf(
    await tx.execute(sql`
      select id, title, status from initiative_summaries
      where status <> 'closed' ${isUuid(alsoId) ? sql`or id = ${alsoId}` : sql``}
      order by title`),
  );
}

export interface SignUpRow {
  id: string;
  status: string;
  takePart: string | null;
  message: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  personId: string | null;
  reference: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  town: string | null;
  postcode: string | null;
  channel: string | null;
  needs: string[] | null;
  needsNote: string | null;
  erased: boolean;
  /** When staff told a phone or letter person the decision, and who. */
  toldAt: Date | null;
  toldBy: string | null;
  /** Another record that may be the same person, while staff have not decided. */
  duplicateOf: string | null;
}

/** The sign-ups to an opportunity with each person's contact details and needs: one query. */
export async function signUpsOf(tx: Queryable, opportunityId: string): Promise<SignUpRow[]> {
  return rowsOf<SignUpRow>(
    await tx.execute(sql`
      select s.id, s.status, s.take_part as "takePart", s.message,
        s.created_at as "createdAt", s.decided_at as "decidedAt",
        s.told_at as "toldAt", s.told_by as "toldBy",
        p.id as "personId", p.reference, p.first_name as "firstName", p.last_name as "lastName",
        p.email, p.phone, p.address_line_1 as "addressLine1", p.address_line_2 as "addressLine2",
        p.town, p.postcode, p.preferred_channels[1] as channel, p.needs, p.needs_note as "needsNote",
        coalesce(p.erased_at is not null, true) as erased,
        (select case when d.person_id = p.id then d.other_id else d.person_id end
           from register_open_duplicates d
           where (d.person_id = p.id or d.other_id = p.id)
           order by case d.reason when 'same_email' then 0 when 'same_phone' then 1 else 2 end,
             d.created_at
           limit 1) as "duplicateOf"
      from sign_ups s
      left join register_people p on p.id = s.person_id
      where s.opportunity_id = ${opportunityId}
      order by s.created_at, s.id`),
  );
}

/** How a decision reaches the person: by email, or staff phone or write (the "to contact" list). */
export function decisionChannel(
  row: Pick<SignUpRow, 'channel' | 'email' | 'phone' | 'addressLine1'>,
): 'email' | 'phone' | 'letter' | null {
  if (row.channel === 'email' && row.email) return 'email';
  if ((row.channel === 'phone' || row.channel === 'sms') && row.phone) return 'phone';
  if (row.channel === 'letter' && row.addressLine1) return 'letter';
  if (row.email) return 'email';
  if (row.phone) return 'phone';
  if (row.addressLine1) return 'letter';
  return null;
}

// ---------------------------------------------------------------- decisions

export interface DecisionContext {
  organisation: string;
  /** Where links in the message point, e.g. request.publicBaseUrl. */
  baseUrl: string;
}

export type DecisionResult =
  { done: false } | { done: true; mailed: boolean; channel: 'email' | 'phone' | 'letter' | null };

/**
 * Shortlists, accepts or declines a sign-up. An accepted or declined person
 * hears back by their chosen channel: an email goes out at once; a phone call
 * or a letter is left on the opportunity's "to contact" list for staff.
 */
export async function decideSignUp(
  tx: Queryable,
  actor: Actor,
  opportunityId: string,
  signUpId: string,
  decision: Decision,
  options: DecisionContext & { message?: string | null },
): Promise<DecisionResult> {
  const [row] = rowsOf<
    SignUpRow & {
      opportunityTitle: string;
      language: string;
      noContact: boolean;
      greetName: string | null;
      easyRead: boolean;
    }
  >(
    await tx.execute(sql`
      select s.id, s.status, s.message, p.id as "personId", p.email, p.phone,
        ${needsEasyRead(sql`p`)} as "easyRead",
        coalesce(nullif(trim(p.preferred_name), ''), p.first_name) as "greetName",
        p.address_line_1 as "addressLine1", p.preferred_channels[1] as channel,
        coalesce(p.language, 'en') as language,
        coalesce(p.erased_at is not null or p.do_not_contact, true) as "noContact",
        o.title as "opportunityTitle"
      from sign_ups s
      join opportunities o on o.id = s.opportunity_id
      left join register_people p on p.id = s.person_id
      where s.id = ${signUpId} and s.opportunity_id = ${opportunityId}`),
  );
  if (!row) return { done: false };
  const message = decision === 'declined' ? (options.message ?? '').trim() || null : null;
  const channel = row.noContact ? null : decisionChannel(row);
  if (row.status === decision && row.message === message)
    return { done: true, mailed: false, channel };
  await tx
    .update(signUps)
    .set({ status: decision, message, decidedAt: new Date(), toldAt: null, toldBy: null })
    .where(eq(signUps.id, signUpId));
  if (row.personId)
    await audit(tx, actor, {
      action: `sign-up-${decision}`,
      entity: 'person',
      entityId: row.personId,
      before: { status: row.status },
      after: { status: decision, opportunityId, signUpId, message },
    });
  let mailed = false;
  if (decision !== 'shortlisted' && channel === 'email' && row.email) {
    const language: Language = isLanguage(row.language) ? row.language : 'en';
    const vars = { organisation: options.organisation, opportunity: row.opportunityTitle };
    // In the person's language and the organisation's own words for it.
    const { tr, translations } = await translatorIn(tx, language);
    const suggested = (lang: Language) =>
      (lang === language ? tr : translator(lang)).text(
        'opportunities.decline.defaultMessage',
        vars,
      );
    await queueMail(tx, {
      to: row.email,
      template: decision === 'accepted' ? 'sign-up-accepted' : 'sign-up-declined',
      language,
      translations,
      easyRead: row.easyRead,
      // A decline carries the kind message staff wrote, as its first paragraph.
      // Its easy-read version carries it too, unless it is the suggested
      // message left as it was: then the easy-read words for it.
      vars: {
        ...vars,
        name: row.greetName ?? '',
        message: message ?? suggested(language),
        easyMessage:
          message === null || message === suggested(language) || message === suggested('en')
            ? tr.text('opportunities.decline.defaultMessageEasy', vars)
            : message,
      },
      link:
        decision === 'accepted'
          ? `${options.baseUrl}/opportunities/${opportunityId}`
          : `${options.baseUrl}/opportunities`,
    });
    mailed = true;
  }
  return { done: true, mailed, channel };
}

/**
 * Staff have phoned or written to tell the person the decision: the sign-up
 * leaves the "to phone or write to" list. False when there is no such
 * decided sign-up.
 */
export async function markTold(
  tx: Queryable,
  actor: Actor,
  opportunityId: string,
  signUpId: string,
): Promise<boolean> {
  const [row] = rowsOf<{ personId: string | null; status: string }>(
    await tx.execute(sql`
      update sign_ups set told_at = now(), told_by = ${actor.label}
      where id = ${signUpId} and opportunity_id = ${opportunityId}
        and status in ('accepted', 'declined') and told_at is null
      returning person_id as "personId", status`),
  );
  if (!row) {
    const [decided] = rowsOf(
      await tx.execute(sql`
        select 1 from sign_ups where id = ${signUpId} and opportunity_id = ${opportunityId}
          and status in ('accepted', 'declined')`),
    );
    return Boolean(decided);
  }
  if (row.personId)
    await audit(tx, actor, {
      action: 'sign-up-told',
      entity: 'person',
      entityId: row.personId,
      after: { opportunityId, signUpId, status: row.status },
    });
  return true;
}

// ---------------------------------------------------------------- the public side

export interface PublicFilter {
  interest: string;
  /** '', 'online' or 'in_person': an opportunity that is both is in either. */
  mode: '' | 'online' | 'in_person';
  need: string;
}

export function parsePublicFilter(query: Record<string, unknown>): PublicFilter {
  const get = (name: string) => (typeof query[name] === 'string' ? tidy(query[name]) : '');
  const mode = get('mode');
  const need = get('need');
  return {
    interest: get('interest').slice(0, 60),
    mode: mode === 'online' || mode === 'in_person' ? mode : '',
    need: (ACCESS_NEEDS as readonly string[]).includes(need) ? need : '',
  };
}

export interface PublicOpportunityRow {
  id: string;
  title: string;
  description: string;
  /** The easy-read version, shown on the card in easy-read display; null when there is none. */
  easyRead: string | null;
  timeAsked: string | null;
  whenWhere: string | null;
  mode: OpportunityMode;
  closesOn: string | null;
  interests: string[];
  accessProvisions: string[];
  publishedAt: Date | null;
  updatedAt: Date;
}

/** Whether the public may see it and sign up: published, not past its closing date, initiative active. */
export const openToPublic = (today: string) =>
  sql`o.status = 'published' and (o.closes_on is null or o.closes_on >= ${today}::date) and i.status = 'active'`;

/** Published opportunities that have not closed, filtered: one query. */
export async function publicOpportunities(
  tx: Queryable,
  filter: PublicFilter,
  today: string,
  limit = 200,
): Promise<PublicOpportunityRow[]> {
  const where: SQL[] = [openToPublic(today)];
  if (filter.interest) where.push(sql`${filter.interest} = any(o.interests)`);
  // An opportunity people can do either way is there whichever way they choose.
  if (filter.mode) where.push(sql`o.mode in (${filter.mode}, 'both')`);
  if (filter.need) where.push(sql`${filter.need} = any(o.access_provisions)`);
  return rowsOf<PublicOpportunityRow>(
    await tx.execute(sql`
      select o.id, o.title, o.description, o.easy_read as "easyRead", o.time_asked as "timeAsked",
        o.when_where as "whenWhere", o.mode, o.closes_on::text as "closesOn", o.interests,
        o.access_provisions as "accessProvisions", o.published_at as "publishedAt",
        o.updated_at as "updatedAt"
      from opportunities o join initiative_summaries i on i.id = o.initiative_id
      where ${sql.join(where, sql` and `)}
      order by o.closes_on nulls last, o.title
      limit ${limit}`),
  );
}

/**
 * An opportunity as the public sees it: 'open' to sign up, 'closed' (it was
 * published but has closed), or null when the public may not see it at all.
 */
export async function publicOpportunity(
  tx: Queryable,
  id: string,
  today: string,
  /** For a sign-up from this address: `refused` says whether the limits refuse it (signUpRefused). */
  address?: string,
): Promise<{ row: OpportunityWithInitiative; open: boolean; refused: boolean } | null> {
  const found = await opportunityWithInitiative(
    tx,
    id,
    address === undefined ? undefined : signUpRefused(id, address),
  );
  if (!found || !found.publishedAt || found.status === 'draft') return null;
  const { refused = false, ...row } = found;
  const open =
    row.status === 'published' &&
    (!row.closesOn || row.closesOn >= today) &&
    row.initiative.status === 'active';
  return { row, open, refused };
}

// ---------------------------------------------------------------- the Atom feed

const XML_UNSAFE = /[&<>"']/g;
// Characters XML 1.0 does not allow at all.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text made safe for XML content and attribute values. */
export function xmlEscape(value: string): string {
  return value.replace(XML_INVALID, '').replace(XML_UNSAFE, (c) => `&#${c.charCodeAt(0)};`);
}

const iso = (value: Date | string | null | undefined) =>
  value ? new Date(value).toISOString() : new Date(0).toISOString();

/** An Atom 1.0 feed (RFC 4287) of the open opportunities. */
export function atomFeed(options: {
  baseUrl: string;
  title: string;
  author: string;
  language: string;
  entries: Array<Pick<PublicOpportunityRow, 'id' | 'title' | 'description' | 'updatedAt'>>;
}): string {
  const { baseUrl, entries } = options;
  const updated = entries.reduce(
    (latest, e) => (iso(e.updatedAt) > latest ? iso(e.updatedAt) : latest),
    new Date(0).toISOString(),
  );
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlEscape(options.language)}">`,
    `  <id>${xmlEscape(`${baseUrl}/opportunities`)}</id>`,
    `  <title>${xmlEscape(options.title)}</title>`,
    `  <updated>${updated}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlEscape(`${baseUrl}/opportunities.atom`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlEscape(`${baseUrl}/opportunities`)}"/>`,
    `  <author><name>${xmlEscape(options.author)}</name></author>`,
  ];
  for (const entry of entries) {
    const link = `${baseUrl}/opportunities/${entry.id}`;
    lines.push(
      '  <entry>',
      `    <id>urn:uuid:${xmlEscape(entry.id)}</id>`,
      `    <title>${xmlEscape(entry.title)}</title>`,
      `    <updated>${iso(entry.updatedAt)}</updated>`,
      `    <link rel="alternate" type="text/html" href="${xmlEscape(link)}"/>`,
      `    <summary type="text">${xmlEscape(entry.description)}</summary>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}

// ---------------------------------------------------------------- sign-up

export interface SignUpForm {
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  town: string | null;
  postcode: string | null;
  /** email, sms, phone or letter */
  channel: string;
  takePart: string | null;
  needs: string[];
  needsNote: string | null;
  /** To be contacted by the chosen channel about other ways to get involved. */
  consentContact: boolean;
}

/** The field a person fills in only if they are a program: see the sign-up form. */
export const HONEYPOT_FIELD = 'website';

/**
 * Reads the sign-up form. Whoever signs up gives a first name, a way to reach
 * them that fits the channel they choose, and agrees to be on the register.
 */
export function readSignUpForm(body: Body): {
  values: FormValues;
  form: SignUpForm;
  problems: FieldProblem[];
  honeypot: boolean;
} {
  const problems: FieldProblem[] = [];
  const values: FormValues = {
    firstName: tidy(body.firstName),
    lastName: tidy(body.lastName),
    email: tidy(body.email),
    phone: tidy(body.phone),
    addressLine1: tidy(body.addressLine1),
    addressLine2: tidy(body.addressLine2),
    town: tidy(body.town),
    postcode: tidy(body.postcode),
    channel: (CHANNELS as readonly string[]).includes(tidy(body.channel)) ? tidy(body.channel) : '',
    takePart: longText(body.takePart),
    needs: only(formList(body['needs']), ACCESS_NEEDS),
    needsNote: longText(body.needsNote),
    consentRegister: body.consentRegister === 'yes' ? 'yes' : '',
    consentContact: body.consentContact === 'yes' ? 'yes' : '',
  };
  const v = (name: string) => values[name] as string;
  const honeypot = tidy(body[HONEYPOT_FIELD]) !== '';

  if (!v('firstName'))
    problems.push({ field: 'firstName', key: 'publicOpportunities.errors.firstName' });
  for (const name of ['firstName', 'lastName', 'addressLine1', 'addressLine2', 'town'])
    if (v(name).length > 100)
      problems.push({
        field: name,
        key: 'publicOpportunities.errors.tooLong',
        label: `publicOpportunities.fieldNames.${name}`,
      });
  for (const name of ['takePart', 'needsNote'])
    if (v(name).length > TEXT_LIMIT)
      problems.push({
        field: name,
        key: 'publicOpportunities.errors.tooLongText',
        label: `publicOpportunities.fieldNames.${name}`,
      });

  const contactProblems: Array<{ field: string; key: string }> = [];
  const contact = checkContact(
    { email: v('email'), phone: v('phone'), postcode: v('postcode') },
    '9999-12-31',
    contactProblems,
  );
  for (const p of contactProblems)
    problems.push({ field: p.field, key: `publicOpportunities.errors.${p.key}` });

  const hasEmail = Boolean(contact.email);
  const hasPhone = Boolean(contact.phone);
  if (!v('email') && !v('phone') && !v('addressLine1') && !v('postcode'))
    problems.push({ field: 'email', key: 'publicOpportunities.errors.contact' });
  else if (v('addressLine1') && !v('postcode'))
    problems.push({ field: 'postcode', key: 'publicOpportunities.errors.postcodeNeeded' });
  else if (!v('addressLine1') && v('postcode') && !hasEmail && !hasPhone)
    problems.push({ field: 'addressLine1', key: 'publicOpportunities.errors.addressNeeded' });

  const channel = v('channel');
  if (!channel) problems.push({ field: 'channel', key: 'publicOpportunities.errors.channel' });
  else if (channel === 'email' && !v('email'))
    problems.push({ field: 'email', key: 'publicOpportunities.errors.channelEmail' });
  else if ((channel === 'phone' || channel === 'sms') && !v('phone'))
    problems.push({ field: 'phone', key: 'publicOpportunities.errors.channelPhone' });
  else if (channel === 'letter' && !v('addressLine1'))
    problems.push({ field: 'addressLine1', key: 'publicOpportunities.errors.channelLetter' });

  if (values.consentRegister !== 'yes')
    problems.push({ field: 'consentRegister', key: 'publicOpportunities.errors.consentRegister' });

  return {
    values,
    honeypot,
    problems,
    form: {
      firstName: v('firstName'),
      lastName: v('lastName'),
      email: contact.email,
      phone: contact.phone,
      addressLine1: v('addressLine1') || null,
      addressLine2: v('addressLine2') || null,
      town: v('town') || null,
      postcode: contact.postcode,
      channel,
      takePart: v('takePart') || null,
      needs: values.needs as string[],
      needsNote: v('needsNote') || null,
      consentContact: values.consentContact === 'yes',
    },
  };
}

// The easy-read sign-up (issue 10 §3): one question a page, asking only what a
// sign-up must have. Its answers travel from page to page in hidden fields of
// each page's form (posted, so never in an address or a log), and the last page
// sends them through readSignUpForm and recordSignUp like the standard form.

/** The easy-read sign-up's pages in order, and the form fields each one asks. */
export const EASY_SIGN_UP_STEPS = [
  { id: 'name', fields: ['firstName', 'lastName'] },
  { id: 'contact', fields: ['email', 'phone'] },
  { id: 'help', fields: ['needs', 'needsNote'] },
  { id: 'check', fields: ['consentRegister', 'consentContact'] },
] as const;
export type EasyStep = (typeof EASY_SIGN_UP_STEPS)[number]['id'];

/** The fields the easy-read pages carry, in the order they are asked. */
export const EASY_FIELDS: readonly string[] = EASY_SIGN_UP_STEPS.flatMap((s) => s.fields);

export function isEasyStep(value: unknown): value is EasyStep {
  return EASY_SIGN_UP_STEPS.some((s) => s.id === value);
}

const stepIndex = (step: EasyStep) => EASY_SIGN_UP_STEPS.findIndex((s) => s.id === step);

/** The page that asks a field; an address problem (never asked here) belongs to contact. */
export function easyStepOf(field: string): EasyStep {
  return (
    EASY_SIGN_UP_STEPS.find((s) => (s.fields as readonly string[]).includes(field))?.id ?? 'contact'
  );
}

/** The easy-read page after this one. */
export function nextEasyStep(step: EasyStep): EasyStep {
  return EASY_SIGN_UP_STEPS[Math.min(stepIndex(step) + 1, EASY_SIGN_UP_STEPS.length - 1)]!.id;
}

/** The easy-read page before this one, or null on the first. */
export function previousEasyStep(step: EasyStep): EasyStep | null {
  const at = stepIndex(step);
  return at > 0 ? EASY_SIGN_UP_STEPS[at - 1]!.id : null;
}

/**
 * A problem in easy-read words: each message names the question it is about
 * ("What is your name? Please write your first name."). The checks are the
 * standard form's own (readSignUpForm); only the words differ.
 */
export function easyProblem(problem: FieldProblem): FieldProblem {
  const step = easyStepOf(problem.field);
  return {
    ...problem,
    key: problem.key.replace('publicOpportunities.errors.', 'publicOpportunities.easy.errors.'),
    ...(problem.label ? { label: `publicOpportunities.easy.questions.${step}` } : {}),
  };
}

/**
 * The easy-read pages' answers as the standard form's body: only what those
 * pages ask (and the field people cannot see), so a sign-up from them goes
 * through readSignUpForm and recordSignUp as any other.
 */
export function easySignUpBody(body: Body): Body {
  const easy: Body = { [HONEYPOT_FIELD]: body[HONEYPOT_FIELD] };
  for (const name of EASY_FIELDS) easy[name] = body[name];
  // One question, no choice to make: we email whoever gives an email address,
  // and phone whoever gives only a number. Letters and text messages are for
  // the standard form or a person.
  easy.channel = tidy(body.email) ? 'email' : tidy(body.phone) ? 'phone' : '';
  return easy;
}

/**
 * Reads the easy-read sign-up as far as a page: the answers so far, and the
 * problems with the pages up to and including that one (later pages are not
 * asked yet), each in easy-read words. The first problem's page is the one to
 * show again.
 */
export function readEasySignUp(
  body: Body,
  upTo: EasyStep,
): { values: FormValues; problems: FieldProblem[]; firstProblemStep: EasyStep | null } {
  const read = readSignUpForm(easySignUpBody(body));
  const last = stepIndex(upTo);
  const problems = read.problems
    // The channel follows from the answers: "give an email address or a phone number" says it all.
    .filter((p) => p.field !== 'channel')
    .filter((p) => stepIndex(easyStepOf(p.field)) <= last)
    .map(easyProblem);
  const first = problems[0];
  return {
    values: read.values,
    problems: first
      ? problems.filter((p) => easyStepOf(p.field) === easyStepOf(first.field))
      : problems,
    firstProblemStep: first ? easyStepOf(first.field) : null,
  };
}

/** The key the per-address limit counts under (hashed: it names a network). */
const signUpKey = (address: string) => `sign-up:${addressKey(address)}`;

/**
 * Whether a sign-up is refused before any work, as a condition to read with
 * the opportunity (publicOpportunity): the opportunity has had its limit of
 * sign-ups in the last hour (counted only up to the limit, through
 * sign_ups_recent_idx, so the work stays bounded however many came), or the
 * address is locked now. Nothing is locked: the per-address use is counted by
 * recordSignUp, with its writes at the end of the transaction.
 */
function signUpRefused(opportunityId: string, address: string): SQL {
  const limit = SIGN_UP_LIMITS.perOpportunityPerHour;
  return sql`((select count(*) from (
      select 1 from sign_ups
      where opportunity_id = ${opportunityId} and created_at > now() - interval '1 hour'
      limit ${limit}) recent) >= ${limit}
    or ${keyLocked(signUpKey(address))})`;
}

/**
 * Records a sign-up. It never changes anyone already on the register: it adds
 * a new person (a customer, from a sign-up, with a reference of their own),
 * records the consents they gave, and flags likely matches for staff to
 * confirm or merge.
 *
 * Consent to hear by email about other ways to get involved counts only once
 * the address's owner confirms it by the link we email (double opt-in):
 * anyone can type anyone's address into a public form. Until then, the only
 * emails are about this sign-up. A phone number or postal address cannot be
 * confirmed this way; staff confirm those when they first call or write.
 */
export async function recordSignUp(
  tx: Queryable,
  actor: Actor,
  opportunity: { id: string; title: string },
  form: SignUpForm,
  context: {
    language: Language;
    /** The organisation's own translations for that language (the request's). */
    translations?: TranslationOverrides | undefined;
    baseUrl: string;
    organisation: string;
    /** Where it came from: counted against the address's limit with the rest. */
    address?: string;
  },
): Promise<{
  signUpId: string;
  personId: string;
  duplicates: number;
  confirmByEmail: boolean;
  /** False when the address was over its limit: the caller must roll back. */
  allowed: boolean;
}> {
  const confirmByEmail = form.consentContact && form.channel === 'email' && Boolean(form.email);
  const consents: ConsentChange[] = [{ purpose: 'register', status: 'given', method: 'online' }];
  if (form.consentContact && !confirmByEmail)
    consents.push({
      purpose: `contact_${form.channel}` as ConsentChange['purpose'],
      status: 'given',
      method: 'online',
    });
  const person = createPersonWrites(
    actor,
    {
      firstName: form.firstName,
      lastName: form.lastName,
      kinds: ['customer'],
      email: form.email,
      phone: form.phone,
      addressLine1: form.addressLine1,
      addressLine2: form.addressLine2,
      town: form.town,
      postcode: form.postcode,
      language: context.language,
      preferredChannels: [form.channel],
      needs: form.needs,
      needsNote: form.needsNote,
      source: 'signup',
    },
    consents,
  );
  const link = confirmByEmail ? newToken() : null;
  const signUpId = randomUUID();
  // Everything in one statement, one round trip (inOneStatement): the person,
  // their audit, duplicate flags and consents (the people module's writes),
  // the sign-up and its audit, the email and its job, and last the use of
  // the address's limit, whose row is then held only until the commit.
  const writes: Write[] = [
    ...person.writes,
    {
      name: 'sign_up',
      statement: sql`insert into sign_ups
          (organisation_id, id, opportunity_id, person_id, take_part, contact_token_hash, contact_email_hash)
        values (app_organisation_id(), ${signUpId}, ${opportunity.id}, ${person.id}, ${form.takePart},
          ${link?.hash ?? null},
          ${link ? sql`(select ${emailHash(sql`p`)} from people_person p)` : null})`,
    },
    auditWrite('sign_up_audit', actor, [
      {
        action: 'sign-up',
        entity: 'person',
        entityId: person.id,
        after: { opportunityId: opportunity.id, signUpId, takePart: form.takePart },
      },
    ]),
  ];
  if (link && form.email)
    writes.push(
      ...mailWrites({
        to: form.email,
        template: 'sign-up-confirm-contact',
        language: context.language,
        translations: context.translations,
        vars: {
          organisation: context.organisation,
          opportunity: opportunity.title,
          days: String(CONFIRM_CONTACT_DAYS),
        },
        link: `${context.baseUrl}/sign-up/confirm/${link.token}`,
      }),
    );
  let allowed: SQL = sql`true`;
  if (context.address !== undefined) {
    const use = useWrites(
      signUpKey(context.address),
      SIGN_UP_LIMITS.perAddress,
      SIGN_UP_LIMITS.perAddressMinutes,
    );
    writes.push(...use.writes);
    allowed = use.allowed;
  }
  // By name: one text for each shape of sign-up, parsed and planned once a connection.
  const [row] = await executeNamed<{ duplicates: number; allowed: boolean }>(
    tx,
    inOneStatement(writes, sql`select ${person.duplicates} as duplicates, ${allowed} as allowed`),
  );
  return {
    signUpId,
    personId: person.id,
    duplicates: row?.duplicates ?? 0,
    confirmByEmail,
    allowed: row?.allowed ?? false,
  };
}

export interface ContactConfirmation {
  firstName: string;
  confirmed: boolean;
}

/** sha256 of a person's email address, as stored (lower case). */
const emailHash = (p: SQL) => sql`encode(sha256(convert_to(${p}.email, 'UTF8')), 'hex')`;

/**
 * The sign-up a link belongs to, while it works: within 30 days of the
 * sign-up, and only while the person's address is still the one the link
 * was sent to (a merge or an edit may have changed it since).
 */
const confirmationByToken = (token: string) => sql`
  s.contact_token_hash = ${hashToken(token)} and p.erased_at is null and p.email is not null
  and s.contact_email_hash = ${emailHash(sql`p`)}
  and s.created_at > now() - make_interval(days => ${CONFIRM_CONTACT_DAYS})`;

/** The sign-up a confirmation link belongs to, while the link works; null otherwise. */
export async function contactConfirmation(
  tx: Queryable,
  token: string,
): Promise<ContactConfirmation | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const [row] = rowsOf<ContactConfirmation>(
    await tx.execute(sql`
      select coalesce(nullif(p.preferred_name, ''), p.first_name) as "firstName",
        s.contact_confirmed_at is not null as confirmed
      from sign_ups s join register_people p on p.id = s.person_id
      where ${confirmationByToken(token)}`),
  );
  return row ?? null;
}

/**
 * The address's owner confirms it: consent to email about other ways to get
 * involved is recorded, as confirmed by the emailed link. Idempotent: a
 * second press changes nothing. False when the link does not work.
 */
export async function confirmContact(tx: Queryable, actor: Actor, token: string): Promise<boolean> {
  if (!TOKEN_PATTERN.test(token)) return false;
  const [row] = rowsOf<{ personId: string; signUpId: string; confirmed: boolean }>(
    await tx.execute(sql`
      select s.person_id as "personId", s.id as "signUpId",
        s.contact_confirmed_at is not null as confirmed
      from sign_ups s join register_people p on p.id = s.person_id
      where ${confirmationByToken(token)}
      for update of s`),
  );
  if (!row) return false;
  if (row.confirmed) return true;
  await tx
    .update(signUps)
    .set({ contactConfirmedAt: new Date() })
    .where(eq(signUps.id, row.signUpId));
  await recordConsents(tx, actor, row.personId, [
    { purpose: 'contact_email', status: 'given', method: 'emailLink' },
  ]);
  await joinKnownPerson(tx, actor, row.personId);
  return true;
}

/**
 * A known person signing up again (issue 10 §9): once the address is proven
 * by the emailed link, and exactly one other person on the register has it,
 * the record the sign-up made is merged into theirs (their values kept, empty
 * ones filled, lists joined, the sign-up and its consents moved, audited as a
 * merge), so staff have no second record to merge. Only while the two are
 * flagged as the same email and staff have not said otherwise; with none or
 * several, the flag stays for staff. Nothing the visitor sees changes.
 */
async function joinKnownPerson(tx: Queryable, actor: Actor, personId: string): Promise<void> {
  const matches = rowsOf<{ id: string; flagged: boolean }>(
    await tx.execute(sql`
      select o.id, exists (
          select 1 from register_open_duplicates d
          where d.reason = 'same_email'
            and ((d.person_id = p.id and d.other_id = o.id)
              or (d.person_id = o.id and d.other_id = p.id))) as flagged
      from register_people p
      join register_people o on o.email = p.email and o.id <> p.id and o.erased_at is null
      where p.id = ${personId} and p.erased_at is null and nullif(p.email, '') is not null
      limit 2`),
  );
  const [only] = matches;
  if (matches.length !== 1 || !only?.flagged) return;
  await mergePeople(tx, actor, only.id, personId, []);
}
