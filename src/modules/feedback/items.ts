import { randomBytes } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import type { FieldProblem } from '../../platform/forms/index.ts';
import { readDateInput } from '../../platform/forms/index.ts';
import { UUID } from '../../platform/http/params.ts';
import { checkContact, listServices } from '../people/index.ts';
import { feedbackItems, feedbackItemThemes } from './tables.ts';
import { listThemes, matchThemes, sentimentScore, SENTIMENT_THRESHOLD } from './themes.ts';

/** Every channel feedback comes by (seed 003's "diverse conversations", seed 000 §6–8). */
export const CHANNELS = [
  'survey',
  'meeting',
  'drop_in',
  'one_to_one',
  'phone',
  'email',
  'social_media',
  'complaint',
  'suggestion_box',
  'web_form',
  'on_behalf',
] as const;
export type FeedbackChannel = (typeof CHANNELS)[number];

/** How a person can hear what came of their feedback (the register's channels). */
export const HEAR_BACK_CHANNELS = ['email', 'letter', 'phone', 'sms'] as const;
export type HearBackChannel = (typeof HEAR_BACK_CHANNELS)[number];

/** The most a piece of feedback may hold. */
export const TEXT_LIMIT = 5000;

/** One piece of feedback to record. */
export interface ItemInput {
  channel: FeedbackChannel;
  sourceDetail: string;
  receivedOn: string;
  serviceId: string | null;
  initiativeId: string | null;
  /** Ignored (null) when anonymous. */
  personId: string | null;
  anonymous: boolean;
  text: string;
  mayQuote: boolean;
  /** Only with a person to tell: false when anonymous or nobody. */
  hearBack: boolean;
  hearBackChannel: HearBackChannel | null;
  /** The record it came from, for intake that may run twice (a survey response). */
  source?: { kind: string; id: string; part: string };
  loggedBy: string | null;
}

export function newItemReference(): string {
  return `FB-${randomBytes(4).toString('hex').toUpperCase()}`;
}

function sentimentWord(score: number): 'positive' | 'neutral' | 'negative' {
  if (score >= SENTIMENT_THRESHOLD) return 'positive';
  if (score <= -SENTIMENT_THRESHOLD) return 'negative';
  return 'neutral';
}

/**
 * Records feedback items with their sentiment and the themes the keyword
 * rules suggest, in a fixed number of statements whatever their number. An
 * anonymous item never names a person, and only an item with a person can
 * ask to hear back. Items from a source already recorded are skipped (the
 * same survey response told twice). Returns the ids of the items made.
 */
export async function recordItems(
  tx: Queryable,
  actor: Actor,
  inputs: readonly ItemInput[],
): Promise<string[]> {
  if (inputs.length === 0) return [];
  const themes = await listThemes(tx);
  const suggested = matchThemes(
    themes,
    inputs.map((i) => i.text),
  );
  const values = inputs.map((input) => {
    const personId = input.anonymous ? null : input.personId;
    const hearBack = input.hearBack && personId !== null;
    const score = sentimentScore(input.text);
    return {
      organisationId: sql`app_organisation_id()`,
      reference: newItemReference(),
      channel: input.channel,
      sourceDetail: input.sourceDetail,
      receivedOn: input.receivedOn,
      serviceId: input.serviceId,
      initiativeId: input.initiativeId,
      personId,
      anonymous: input.anonymous,
      text: input.text,
      mayQuote: input.mayQuote,
      hearBack,
      hearBackChannel: hearBack ? input.hearBackChannel : null,
      sentiment: sentimentWord(score),
      sentimentScore: score,
      sourceKind: input.source?.kind ?? null,
      sourceId: input.source?.id ?? null,
      sourcePart: input.source?.part ?? null,
      loggedBy: input.loggedBy,
    };
  });
  const made = await tx
    .insert(feedbackItems)
    .values(values)
    .onConflictDoNothing()
    .returning({ id: feedbackItems.id, reference: feedbackItems.reference });
  if (made.length === 0) return [];
  const byReference = new Map(values.map((v, i) => [v.reference, i]));
  const themeRows = made.flatMap((m) => {
    const index = byReference.get(m.reference)!;
    return (suggested[index] ?? []).map((themeId) => ({
      organisationId: sql`app_organisation_id()`,
      itemId: m.id,
      themeId,
      origin: 'suggested',
      receivedOn: values[index]!.receivedOn,
      channel: values[index]!.channel,
    }));
  });
  if (themeRows.length) await tx.insert(feedbackItemThemes).values(themeRows);
  // One audit record for the batch: the items themselves hold what was said.
  await audit(tx, actor, {
    action: 'create',
    entity: 'feedback_item',
    entityId: made[0]!.id,
    after: { items: made.map((m) => m.reference) },
  });
  return made.map((m) => m.id);
}

// ---------------------------------------------------------------------------
// The forms

export interface ItemFormValues {
  channel: string;
  sourceDetail: string;
  'receivedOn-day': string;
  'receivedOn-month': string;
  'receivedOn-year': string;
  serviceId: string;
  initiativeId: string;
  personReference: string;
  anonymous: string;
  text: string;
  mayQuote: string;
  hearBack: string;
  hearBackChannel: string;
  name: string;
  email: string;
  phone: string;
}

export const EMPTY_ITEM_FORM: ItemFormValues = {
  channel: '',
  sourceDetail: '',
  'receivedOn-day': '',
  'receivedOn-month': '',
  'receivedOn-year': '',
  serviceId: '',
  initiativeId: '',
  personReference: '',
  anonymous: '',
  text: '',
  mayQuote: '',
  hearBack: '',
  hearBackChannel: '',
  name: '',
  email: '',
  phone: '',
};

/** Text typed into a textarea: trimmed, line breaks kept, blank runs shortened. */
export function longText(value: string | undefined): string {
  return (value ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The form's values as typed, for showing again. */
export function itemValues(body: Partial<Record<keyof ItemFormValues, string>>): ItemFormValues {
  const values = { ...EMPTY_ITEM_FORM };
  for (const key of Object.keys(values) as Array<keyof ItemFormValues>) {
    const raw = body[key];
    values[key] = key === 'text' ? longText(raw) : (raw ?? '').trim();
  }
  return values;
}

/** A person on the register, as feedback needs them. */
export interface RegisterPerson {
  id: string;
  reference: string;
  name: string;
  email: string | null;
  phone: string | null;
  hasAddress: boolean;
  language: string;
  easyRead: boolean;
  doNotContact: boolean;
  erased: boolean;
}

const personColumns = sql`id, reference,
  trim(coalesce(preferred_name, first_name) || ' ' || last_name) as name, email, phone,
  (address_line_1 is not null and postcode is not null) as has_address, language,
  'easy_read' = any(needs) as easy_read, do_not_contact, erased_at is not null as erased`;

type PersonRow = {
  id: string;
  reference: string;
  name: string;
  email: string | null;
  phone: string | null;
  has_address: boolean;
  language: string;
  easy_read: boolean;
  do_not_contact: boolean;
  erased: boolean;
};

const toPerson = (r: PersonRow): RegisterPerson => ({
  id: r.id,
  reference: r.reference,
  name: r.name,
  email: r.email,
  phone: r.phone,
  hasAddress: r.has_address,
  language: r.language,
  easyRead: r.easy_read,
  doNotContact: r.do_not_contact,
  erased: r.erased,
});

/** People by id, through the register's published view (one query). */
export async function peopleByIds(
  tx: Queryable,
  ids: readonly string[],
): Promise<Map<string, RegisterPerson>> {
  if (ids.length === 0) return new Map();
  const rows = rowsOf<PersonRow>(
    await tx.execute(
      sql`select ${personColumns} from register_people where id = any(${uuidArray([...new Set(ids)])})`,
    ),
  );
  return new Map(rows.map((r) => [r.id, toPerson(r)]));
}

/** A person by their register reference (or a former one merged into them). */
export async function personByRegisterReference(
  tx: Queryable,
  reference: string,
): Promise<RegisterPerson | null> {
  const [row] = rowsOf<PersonRow>(
    await tx.execute(sql`select ${personColumns} from register_people
      where erased_at is null and (lower(reference) = lower(${reference})
        or id in (select person_id from register_person_aliases where lower(reference) = lower(${reference})))
      limit 1`),
  );
  return row ? toPerson(row) : null;
}

/** Whether the channel can reach the person. */
export function canReach(person: RegisterPerson, channel: HearBackChannel): boolean {
  if (channel === 'email') return Boolean(person.email);
  if (channel === 'letter') return person.hasAddress;
  return Boolean(person.phone);
}

/** The services an item can be about (the public form asks only these). */
export async function itemServices(tx: Queryable) {
  return (await listServices(tx)).map((s) => ({
    id: s.id,
    name: s.name,
    specialism: s.specialism,
  }));
}

/** Services and initiatives an item can be about (ids checked against these). */
export async function itemChoices(tx: Queryable) {
  const services = await itemServices(tx);
  const initiatives = rowsOf<{ id: string; title: string }>(
    await tx.execute(sql`select id, title from initiative_summaries order by title`),
  );
  return { services, initiatives };
}

/**
 * Reads the staff form: what was said, by which channel and when, about
 * what, by whom (a register reference, or anonymous), and what they agreed to.
 */
export async function readStaffItemForm(
  tx: Queryable,
  values: ItemFormValues,
  context: { today: string; serviceIds: Set<string>; initiativeIds: Set<string> },
): Promise<{ problems: FieldProblem[]; input: Omit<ItemInput, 'loggedBy'> | null }> {
  const problems: FieldProblem[] = [];
  const channel = values.channel as FeedbackChannel;
  if (!CHANNELS.includes(channel))
    problems.push({ field: 'channel', key: 'feedback.items.errors.channel' });
  const received = readDateInput(values as unknown as Record<string, unknown>, 'receivedOn', {
    label: 'the date it was received',
    required: true,
    max: context.today,
  });
  if (received.problem) problems.push(received.problem);
  if (!values.text) problems.push({ field: 'text', key: 'feedback.items.errors.text' });
  else if (values.text.length > TEXT_LIMIT)
    problems.push({
      field: 'text',
      key: 'feedback.items.errors.textLong',
      vars: { max: TEXT_LIMIT },
    });
  if (values.sourceDetail.length > 200)
    problems.push({ field: 'sourceDetail', key: 'feedback.items.errors.sourceLong' });
  if (values.serviceId && !context.serviceIds.has(values.serviceId))
    problems.push({ field: 'serviceId', key: 'feedback.items.errors.service' });
  if (values.initiativeId && !context.initiativeIds.has(values.initiativeId))
    problems.push({ field: 'initiativeId', key: 'feedback.items.errors.initiative' });
  const anonymous = values.anonymous === 'yes';
  let person: RegisterPerson | null = null;
  if (values.personReference) {
    if (anonymous)
      problems.push({ field: 'personReference', key: 'feedback.items.errors.anonymousPerson' });
    else {
      person = await personByRegisterReference(tx, values.personReference);
      if (!person)
        problems.push({ field: 'personReference', key: 'feedback.items.errors.personUnknown' });
    }
  }
  const hearBack = values.hearBack === 'yes';
  const hearBackChannel = values.hearBackChannel as HearBackChannel;
  if (hearBack) {
    if (anonymous || (!values.personReference && !person))
      problems.push({ field: 'hearBack', key: 'feedback.items.errors.hearBackNobody' });
    else if (!HEAR_BACK_CHANNELS.includes(hearBackChannel))
      problems.push({ field: 'hearBackChannel', key: 'feedback.items.errors.hearBackChannel' });
    else if (person && !canReach(person, hearBackChannel))
      problems.push({
        field: 'hearBackChannel',
        key: `feedback.items.errors.unreachable.${hearBackChannel}`,
      });
  }
  if (problems.length) return { problems, input: null };
  return {
    problems,
    input: {
      channel,
      sourceDetail: values.sourceDetail,
      receivedOn: received.iso!,
      serviceId: values.serviceId || null,
      initiativeId: values.initiativeId || null,
      personId: anonymous ? null : (person?.id ?? null),
      anonymous,
      text: values.text,
      mayQuote: values.mayQuote === 'yes',
      hearBack,
      hearBackChannel: hearBack ? hearBackChannel : null,
    },
  };
}

/** The public form: what they want to tell us, and how to reach them if they want to hear back. */
export interface PublicFeedback {
  input: Omit<ItemInput, 'loggedBy' | 'personId'>;
  contact: {
    firstName: string;
    lastName: string;
    email: string | null;
    phone: string | null;
  } | null;
}

/** Reads the public form (no account): only what it needs, and contact details only to hear back. */
export function readPublicItemForm(
  values: ItemFormValues,
  context: { today: string; serviceIds: Set<string> },
): { problems: FieldProblem[]; feedback: PublicFeedback | null } {
  const problems: FieldProblem[] = [];
  if (!values.text) problems.push({ field: 'text', key: 'feedback.public.errors.text' });
  else if (values.text.length > TEXT_LIMIT)
    problems.push({
      field: 'text',
      key: 'feedback.items.errors.textLong',
      vars: { max: TEXT_LIMIT },
    });
  if (values.serviceId && !context.serviceIds.has(values.serviceId))
    problems.push({ field: 'serviceId', key: 'feedback.items.errors.service' });
  const hearBack = values.hearBack === 'yes';
  let contact: PublicFeedback['contact'] = null;
  let hearBackChannel: HearBackChannel | null = null;
  if (hearBack) {
    if (!values.name) problems.push({ field: 'name', key: 'feedback.public.errors.name' });
    else if (values.name.length > 100)
      problems.push({ field: 'name', key: 'feedback.public.errors.nameLong' });
    const channel = values.hearBackChannel as HearBackChannel;
    if (channel !== 'email' && channel !== 'phone')
      problems.push({ field: 'hearBackChannel', key: 'feedback.public.errors.channel' });
    const contactProblems: FieldProblem[] = [];
    const checked = checkContact(
      { email: values.email, phone: values.phone },
      context.today,
      contactProblems,
    );
    for (const p of contactProblems)
      problems.push({ field: p.field, key: `feedback.public.errors.${p.field}Invalid` });
    if (channel === 'email' && !values.email)
      problems.push({ field: 'email', key: 'feedback.public.errors.emailRequired' });
    if (channel === 'phone' && !values.phone)
      problems.push({ field: 'phone', key: 'feedback.public.errors.phoneRequired' });
    const [firstName, ...rest] = values.name.split(/\s+/);
    contact = {
      firstName: firstName ?? '',
      lastName: rest.join(' '),
      email: checked.email,
      phone: checked.phone,
    };
    hearBackChannel = channel === 'email' || channel === 'phone' ? channel : null;
  }
  if (problems.length) return { problems, feedback: null };
  return {
    problems,
    feedback: {
      input: {
        channel: 'web_form',
        sourceDetail: '',
        receivedOn: context.today,
        serviceId: values.serviceId || null,
        initiativeId: null,
        anonymous: !hearBack,
        text: values.text,
        mayQuote: values.mayQuote === 'yes',
        hearBack,
        hearBackChannel,
      },
      contact,
    },
  };
}

// ---------------------------------------------------------------------------
// Reading items

export interface ItemRow {
  id: string;
  reference: string;
  channel: FeedbackChannel;
  sourceDetail: string;
  receivedOn: string;
  serviceId: string | null;
  serviceName: string | null;
  initiativeId: string | null;
  initiativeTitle: string | null;
  personId: string | null;
  personName: string | null;
  personReference: string | null;
  anonymous: boolean;
  text: string;
  mayQuote: boolean;
  hearBack: boolean;
  hearBackChannel: HearBackChannel | null;
  sentiment: 'positive' | 'neutral' | 'negative';
  themesReviewed: boolean;
  themes: Array<{ id: string; name: string; origin: string }>;
}

const itemSelect = sql`
  select i.id, i.reference, i.channel, i.source_detail, i.received_on::text as received_on,
    i.service_id, i.initiative_id, ini.title as initiative_title,
    i.person_id, trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name) as person_name,
    p.reference as person_reference, i.anonymous, i.text, i.may_quote, i.hear_back,
    i.hear_back_channel, i.sentiment, i.themes_reviewed_at is not null as themes_reviewed,
    coalesce((select json_agg(json_build_object('id', t.id, 'name', t.name, 'origin', it.origin) order by t.position, t.name)
      from feedback_item_themes it join feedback_themes t on t.id = it.theme_id
      where it.item_id = i.id), '[]'::json) as themes
  from feedback_items i
  left join initiative_summaries ini on ini.id = i.initiative_id
  left join register_people p on p.id = i.person_id`;

type RawItem = {
  id: string;
  reference: string;
  channel: FeedbackChannel;
  source_detail: string;
  received_on: string;
  service_id: string | null;
  initiative_id: string | null;
  initiative_title: string | null;
  person_id: string | null;
  person_name: string | null;
  person_reference: string | null;
  anonymous: boolean;
  text: string;
  may_quote: boolean;
  hear_back: boolean;
  hear_back_channel: HearBackChannel | null;
  sentiment: 'positive' | 'neutral' | 'negative';
  themes_reviewed: boolean;
  themes: Array<{ id: string; name: string; origin: string }> | string;
};

const toItem = (r: RawItem): ItemRow => ({
  id: r.id,
  reference: r.reference,
  channel: r.channel,
  sourceDetail: r.source_detail,
  receivedOn: r.received_on,
  serviceId: r.service_id,
  serviceName: null,
  initiativeId: r.initiative_id,
  initiativeTitle: r.initiative_title,
  personId: r.person_id,
  personName: r.person_name,
  personReference: r.person_reference,
  anonymous: r.anonymous,
  text: r.text,
  mayQuote: r.may_quote,
  hearBack: r.hear_back,
  hearBackChannel: r.hear_back_channel,
  sentiment: r.sentiment,
  themesReviewed: r.themes_reviewed,
  themes: typeof r.themes === 'string' ? JSON.parse(r.themes) : r.themes,
});

/** Fills in each item's service name from the organisation's services. */
export function nameServices<T extends { serviceId: string | null; serviceName: string | null }>(
  items: T[],
  services: ReadonlyArray<{ id: string; name: string }>,
): T[] {
  const names = new Map(services.map((s) => [s.id, s.name]));
  for (const item of items)
    item.serviceName = item.serviceId ? (names.get(item.serviceId) ?? null) : null;
  return items;
}

/** One item with its themes, person, service and initiative; null when not the organisation's. */
export async function findItem(tx: Queryable, id: string): Promise<ItemRow | null> {
  if (!UUID.test(id)) return null;
  const [row] = rowsOf<RawItem>(await tx.execute(sql`${itemSelect} where i.id = ${id}`));
  return row ? toItem(row) : null;
}

/** Items by id (one query), in the order given. */
export async function itemsByIds(tx: Queryable, ids: readonly string[]): Promise<ItemRow[]> {
  if (ids.length === 0) return [];
  const rows = rowsOf<RawItem>(
    await tx.execute(sql`${itemSelect} where i.id = any(${uuidArray(ids)})`),
  );
  const byId = new Map(rows.map((r) => [r.id, toItem(r)]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

/** Items by reference (FB-…), case-insensitive; the references not found are returned too. */
export async function itemsByReferences(
  tx: Queryable,
  references: readonly string[],
): Promise<{ found: ItemRow[]; missing: string[] }> {
  const wanted = [...new Set(references.map((r) => r.trim().toUpperCase()).filter(Boolean))];
  if (wanted.length === 0) return { found: [], missing: [] };
  const rows = rowsOf<RawItem>(
    await tx.execute(
      sql`${itemSelect} where i.reference = any(${`{${wanted.map((w) => `"${w.replace(/["\\]/g, '')}"`).join(',')}}`}::text[])`,
    ),
  );
  const found = rows.map(toItem);
  const have = new Set(found.map((f) => f.reference));
  return { found, missing: wanted.filter((w) => !have.has(w)) };
}

export interface ItemFilter {
  channel?: string;
  themeId?: string;
  from?: string;
  to?: string;
}

export const ITEM_PAGE_SIZE = 50;

function itemWhere(filter: ItemFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (filter.channel) parts.push(sql`i.channel = ${filter.channel}`);
  if (filter.themeId)
    parts.push(
      sql`exists (select 1 from feedback_item_themes f where f.item_id = i.id and f.theme_id = ${filter.themeId})`,
    );
  if (filter.from) parts.push(sql`i.received_on >= ${filter.from}::date`);
  if (filter.to) parts.push(sql`i.received_on <= ${filter.to}::date`);
  return sql.join(parts, sql` and `);
}

/** A page of items, newest first, and how many match (two queries, whatever the page). */
export async function listItems(
  tx: Queryable,
  filter: ItemFilter,
  page: number,
): Promise<{ rows: ItemRow[]; total: number }> {
  const where = itemWhere(filter);
  const rows = rowsOf<RawItem>(
    await tx.execute(sql`${itemSelect} where ${where}
      order by i.received_on desc, i.created_at desc
      limit ${ITEM_PAGE_SIZE} offset ${(page - 1) * ITEM_PAGE_SIZE}`),
  );
  const [count] = rowsOf<{ n: number }>(
    await tx.execute(sql`select count(*)::int as n from feedback_items i where ${where}`),
  );
  return { rows: rows.map(toItem), total: count?.n ?? 0 };
}

/**
 * Staff confirm or recode an item's themes: the chosen themes replace the
 * suggested ones (each marked as chosen by staff), and the item is reviewed.
 */
export async function setItemThemes(
  tx: Queryable,
  actor: Actor,
  itemId: string,
  themeIds: readonly string[],
): Promise<FieldProblem[]> {
  const known = new Set((await listThemes(tx, { includeRetired: true })).map((t) => t.id));
  const chosen = [...new Set(themeIds)];
  if (chosen.some((id) => !known.has(id)))
    return [{ field: 'themes', key: 'feedback.items.errors.themeUnknown' }];
  const before = await tx
    .select({ themeId: feedbackItemThemes.themeId })
    .from(feedbackItemThemes)
    .where(eq(feedbackItemThemes.itemId, itemId));
  const [item] = await tx
    .select({ receivedOn: feedbackItems.receivedOn, channel: feedbackItems.channel })
    .from(feedbackItems)
    .where(eq(feedbackItems.id, itemId));
  if (!item) return [];
  await tx.delete(feedbackItemThemes).where(eq(feedbackItemThemes.itemId, itemId));
  if (chosen.length)
    await tx.insert(feedbackItemThemes).values(
      chosen.map((themeId) => ({
        organisationId: sql`app_organisation_id()`,
        itemId,
        themeId,
        origin: 'staff',
        receivedOn: item.receivedOn,
        channel: item.channel,
      })),
    );
  await tx
    .update(feedbackItems)
    .set({ themesReviewedAt: sql`now()` })
    .where(and(eq(feedbackItems.id, itemId)));
  await audit(tx, actor, {
    action: 'update',
    entity: 'feedback_item',
    entityId: itemId,
    before: { themes: before.map((b) => b.themeId) },
    after: { themes: chosen },
  });
  return [];
}
