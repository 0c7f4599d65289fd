import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import { readDateInput, type FieldProblem } from '../../platform/forms/index.ts';
import { UUID } from '../../platform/http/params.ts';
import { translator, type Language, type Translator } from '../../platform/i18n/index.ts';
import { translatorsIn } from '../../platform/i18n/overrides.ts';
import { enqueue, type JobHandler } from '../../platform/jobs/index.ts';
import { linkRecords, linksOf, unlinkRecords } from '../../platform/links/index.ts';
import { queueMail } from '../../platform/mail/index.ts';
import { organisations } from '../../platform/tenancy/index.ts';
import { itemsByIds, longText, peopleByIds, type ItemRow } from './items.ts';
import { feedbackActions, feedbackItems, feedbackLoopMessages } from './tables.ts';

export const ACTION_KINDS = ['did', 'will', 'cant'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_STATUSES = ['open', 'in_progress', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** The kinds of record an action may have arisen from (link "arose-from"). */
export const AROSE_FROM_KINDS = [
  'initiatives.initiative',
  'groups.decision',
  'surveys.survey',
] as const;

export const CLOSE_LOOP_JOB = 'feedback.close-loop';

export type ActionRow = typeof feedbackActions.$inferSelect;

export interface ActionFormValues {
  kind: string;
  youSaid: string;
  weDid: string;
  reason: string;
  youSaidEasy: string;
  weDidEasy: string;
  owner: string;
  'dueOn-day': string;
  'dueOn-month': string;
  'dueOn-year': string;
  status: string;
  publish: string;
  specialisms: string[];
  quoteItemId: string;
}

export const EMPTY_ACTION_FORM: ActionFormValues = {
  kind: '',
  youSaid: '',
  weDid: '',
  reason: '',
  youSaidEasy: '',
  weDidEasy: '',
  owner: '',
  'dueOn-day': '',
  'dueOn-month': '',
  'dueOn-year': '',
  status: 'open',
  publish: '',
  specialisms: [],
  quoteItemId: '',
};

/** The form's values as typed. */
export function actionValues(body: Record<string, unknown>): ActionFormValues {
  const str = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');
  return {
    kind: str('kind').trim(),
    youSaid: longText(str('youSaid')),
    weDid: longText(str('weDid')),
    reason: longText(str('reason')),
    youSaidEasy: longText(str('youSaidEasy')),
    weDidEasy: longText(str('weDidEasy')),
    owner: str('owner').trim(),
    'dueOn-day': str('dueOn-day').trim(),
    'dueOn-month': str('dueOn-month').trim(),
    'dueOn-year': str('dueOn-year').trim(),
    status: str('status').trim() || 'open',
    publish: str('publish').trim(),
    specialisms: Array.isArray(body.specialisms)
      ? (body.specialisms as unknown[]).filter((s): s is string => typeof s === 'string')
      : [],
    quoteItemId: str('quoteItemId').trim(),
  };
}

/** The form's values for a stored action. */
export function valuesOfAction(row: ActionRow): ActionFormValues {
  const [y, m, d] = (row.dueOn ?? '').split('-');
  return {
    kind: row.kind,
    youSaid: row.youSaid,
    weDid: row.weDid,
    reason: row.reason,
    youSaidEasy: row.youSaidEasy,
    weDidEasy: row.weDidEasy,
    owner: row.owner,
    'dueOn-day': d ? String(Number(d)) : '',
    'dueOn-month': m ? String(Number(m)) : '',
    'dueOn-year': y ?? '',
    status: row.status,
    publish: row.publish ? 'yes' : '',
    specialisms: row.specialisms,
    quoteItemId: row.quoteItemId ?? '',
  };
}

export interface ActionFields {
  kind: ActionKind;
  youSaid: string;
  weDid: string;
  reason: string;
  youSaidEasy: string;
  weDidEasy: string;
  owner: string;
  dueOn: string | null;
  status: Exclude<ActionStatus, 'done'> | 'done';
  publish: boolean;
  specialisms: string[];
  quoteItemId: string | null;
}

const LIMIT = 2000;

/**
 * Checks an action form. "We can't" needs its reason: an honest answer says
 * why. A quote must come from an item the action answers whose person agreed
 * to being quoted.
 */
export function checkAction(
  values: ActionFormValues,
  context: { specialisms: Set<string>; quotable: Set<string> },
): { problems: FieldProblem[]; fields: ActionFields | null } {
  const problems: FieldProblem[] = [];
  const kind = values.kind as ActionKind;
  if (!ACTION_KINDS.includes(kind))
    problems.push({ field: 'kind', key: 'feedback.actions.errors.kind' });
  if (!values.youSaid) problems.push({ field: 'youSaid', key: 'feedback.actions.errors.youSaid' });
  if (!values.weDid) problems.push({ field: 'weDid', key: 'feedback.actions.errors.weDid' });
  if (kind === 'cant' && !values.reason)
    problems.push({ field: 'reason', key: 'feedback.actions.errors.reason' });
  for (const field of ['youSaid', 'weDid', 'reason', 'youSaidEasy', 'weDidEasy'] as const)
    if (values[field].length > LIMIT)
      problems.push({
        field,
        key: 'feedback.actions.errors.tooLong',
        vars: { max: LIMIT },
        label: `feedback.actions.fieldNames.${field}`,
      });
  if (values.owner.length > 100)
    problems.push({ field: 'owner', key: 'feedback.actions.errors.ownerLong' });
  const due = readDateInput(values as unknown as Record<string, unknown>, 'dueOn', {
    label: 'the due date',
  });
  if (due.problem) problems.push(due.problem);
  const status = values.status as ActionStatus;
  if (!ACTION_STATUSES.includes(status) || status === 'done')
    problems.push({ field: 'status', key: 'feedback.actions.errors.status' });
  if (values.specialisms.some((s) => !context.specialisms.has(s)))
    problems.push({ field: 'specialisms', key: 'feedback.actions.errors.specialism' });
  if (values.quoteItemId && !context.quotable.has(values.quoteItemId))
    problems.push({ field: 'quoteItemId', key: 'feedback.actions.errors.quote' });
  if (problems.length) return { problems, fields: null };
  return {
    problems,
    fields: {
      kind,
      youSaid: values.youSaid,
      weDid: values.weDid,
      reason: kind === 'cant' ? values.reason : '',
      youSaidEasy: values.youSaidEasy,
      weDidEasy: values.weDidEasy,
      owner: values.owner,
      dueOn: due.iso,
      status,
      publish: values.publish === 'yes',
      specialisms: [...new Set(values.specialisms)],
      quoteItemId: values.quoteItemId || null,
    },
  };
}

export function newActionReference(): string {
  return `ACT-${randomBytes(4).toString('hex').toUpperCase()}`;
}

/** Adds an action, answering the given items (already looked up in the organisation). */
export async function createAction(
  tx: Queryable,
  actor: Actor,
  fields: ActionFields,
  itemIds: readonly string[] = [],
): Promise<string> {
  const [row] = await tx
    .insert(feedbackActions)
    .values({
      organisationId: sql`app_organisation_id()`,
      reference: newActionReference(),
      ...fields,
    })
    .returning({ id: feedbackActions.id });
  await audit(tx, actor, {
    action: 'create',
    entity: 'feedback_action',
    entityId: row!.id,
    after: fields,
  });
  for (const itemId of itemIds)
    await linkRecords(tx, actor, { kind: 'feedback.action', id: row!.id }, 'answers', {
      kind: 'feedback.item',
      id: itemId,
    });
  return row!.id;
}

/** One action; null when not the organisation's. */
export async function findAction(tx: Queryable, id: string): Promise<ActionRow | null> {
  if (!UUID.test(id)) return null;
  const [row] = await tx.select().from(feedbackActions).where(eq(feedbackActions.id, id));
  return row ?? null;
}

/** Changes an action; a done action keeps its status. */
export async function updateAction(
  tx: Queryable,
  actor: Actor,
  before: ActionRow,
  fields: ActionFields,
): Promise<void> {
  const status = before.status === 'done' ? 'done' : fields.status;
  await tx
    .update(feedbackActions)
    .set({ ...fields, status, updatedAt: sql`now()` })
    .where(eq(feedbackActions.id, before.id));
  await audit(tx, actor, {
    action: 'update',
    entity: 'feedback_action',
    entityId: before.id,
    before: { ...before, organisationId: undefined },
    after: { ...fields, status },
  });
}

/** The items an action answers (through its "answers" links), and the records it arose from. */
export async function actionLinks(
  tx: Queryable,
  actionId: string,
): Promise<{ items: ItemRow[]; aroseFrom: Array<{ kind: string; id: string }> }> {
  const links = (await linksOf(tx, 'feedback.action', [actionId])).get(actionId) ?? [];
  const itemIds = links
    .filter((l) => l.name === 'answers' && l.direction === 'from')
    .map((l) => l.other.id);
  return {
    items: await itemsByIds(tx, itemIds),
    aroseFrom: links
      .filter((l) => l.name === 'arose-from' && l.direction === 'from')
      .map((l) => l.other),
  };
}

/** Links items to an action by "answers" (items looked up in the organisation by the caller). */
export async function answerItems(
  tx: Queryable,
  actor: Actor,
  actionId: string,
  itemIds: readonly string[],
): Promise<number> {
  let made = 0;
  for (const id of itemIds)
    if (
      await linkRecords(tx, actor, { kind: 'feedback.action', id: actionId }, 'answers', {
        kind: 'feedback.item',
        id,
      })
    )
      made += 1;
  return made;
}

/** Removes one link of an action ("answers" an item, or "arose-from" a record). */
export async function unlinkFromAction(
  tx: Queryable,
  actor: Actor,
  actionId: string,
  name: 'answers' | 'arose-from',
  other: { kind: string; id: string },
): Promise<boolean> {
  const removed = await unlinkRecords(
    tx,
    actor,
    { kind: 'feedback.action', id: actionId },
    name,
    other,
  );
  if (removed && name === 'answers') {
    // A quote comes only from an item the action answers.
    await tx
      .update(feedbackActions)
      .set({ quoteItemId: null })
      .where(
        sql`${feedbackActions.id} = ${actionId} and ${feedbackActions.quoteItemId} = ${other.id}`,
      );
  }
  return removed;
}

/**
 * Links an action to what it arose from: an initiative (checked here), a
 * decision or a survey (their modules declare the kinds; the record is
 * checked by its owner when it is shown).
 */
export async function ariseFrom(
  tx: Queryable,
  actor: Actor,
  actionId: string,
  record: { kind: string; id: string },
): Promise<FieldProblem[]> {
  if (!(AROSE_FROM_KINDS as readonly string[]).includes(record.kind))
    return [{ field: 'kind', key: 'feedback.actions.errors.aroseKind' }];
  if (!UUID.test(record.id))
    return [{ field: 'recordId', key: 'feedback.actions.errors.aroseRecord' }];
  if (record.kind === 'initiatives.initiative') {
    const [found] = rowsOf<{ id: string }>(
      await tx.execute(sql`select id from initiative_summaries where id = ${record.id}`),
    );
    if (!found) return [{ field: 'recordId', key: 'feedback.actions.errors.aroseRecord' }];
  }
  await linkRecords(tx, actor, { kind: 'feedback.action', id: actionId }, 'arose-from', record);
  return [];
}

/**
 * Marks an action done with what came of it, and queues the job that tells
 * everyone whose feedback it answers and who asked to hear back. Returns
 * false when it was done already.
 */
export async function completeAction(
  tx: Queryable,
  actor: Actor,
  action: ActionRow,
  outcome: string,
  context: { today: string; baseUrl: string },
): Promise<boolean> {
  if (action.status === 'done') return false;
  await tx
    .update(feedbackActions)
    .set({ status: 'done', outcome, doneOn: context.today, updatedAt: sql`now()` })
    .where(eq(feedbackActions.id, action.id));
  await audit(tx, actor, {
    action: 'update',
    entity: 'feedback_action',
    entityId: action.id,
    before: { status: action.status },
    after: { status: 'done', outcome, doneOn: context.today },
  });
  await enqueue(tx, CLOSE_LOOP_JOB, { actionId: action.id, baseUrl: context.baseUrl });
  return true;
}

const clip = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;

/**
 * Tells each person whose feedback a done action answers, and who asked to
 * hear back, what came of it, once: by email through the outbox (easy read
 * when their record asks for it); a letter, call or text is listed for staff
 * (/staff/feedback/loop) and counts once they mark it sent. Nobody who did
 * not ask, nobody anonymous, nobody erased and nobody who asked not to be
 * contacted. Returns how many were told or listed.
 */
export async function closeLoop(
  tx: Queryable,
  actionId: string,
  context: { baseUrl: string; today: string },
): Promise<number> {
  const action = await findAction(tx, actionId);
  if (!action || action.status !== 'done') return 0;
  const { items } = await actionLinks(tx, actionId);
  const already = new Set(
    (
      await tx
        .select({ itemId: feedbackLoopMessages.itemId })
        .from(feedbackLoopMessages)
        .where(eq(feedbackLoopMessages.actionId, actionId))
    ).map((r) => r.itemId),
  );
  const due = items.filter(
    (i) => i.hearBack && !i.anonymous && i.personId && i.hearBackChannel && !already.has(i.id),
  );
  if (due.length === 0) return 0;
  const people = await peopleByIds(
    tx,
    due.map((i) => i.personId!),
  );
  const [org] = await tx.select({ name: organisations.name }).from(organisations).limit(1);
  let told = 0;
  // Each language's translator in the organisation's own words, read once.
  const inOwnWords = translatorsIn(tx);
  for (const item of due) {
    const person = people.get(item.personId!);
    if (!person || person.erased || person.doNotContact) continue;
    const channel = item.hearBackChannel!;
    let outboxId: string | null = null;
    let sentOn: string | null = null;
    if (channel === 'email') {
      if (!person.email) continue;
      const language: Language = person.language === 'cy' ? 'cy' : 'en';
      const easy = person.easyRead && Boolean(action.youSaidEasy && action.weDidEasy);
      const { tr, translations } = await inOwnWords(language);
      outboxId = await queueMail(tx, {
        to: person.email,
        template: easy ? 'feedback-outcome-easy' : 'feedback-outcome',
        language,
        translations,
        vars: {
          name: person.name,
          organisation: org?.name ?? '',
          told: clip(item.text, 300),
          we: easy ? action.weDidEasy : weSentence(action, language, tr),
          outcome: action.outcome,
          reference: item.reference,
        },
        link: `${context.baseUrl}/you-said-we-did`,
      });
      sentOn = context.today;
    }
    await tx.insert(feedbackLoopMessages).values({
      organisationId: sql`app_organisation_id()`,
      itemId: item.id,
      actionId,
      channel,
      easyRead: person.easyRead,
      outboxId,
      sentOn,
    });
    told += 1;
  }
  return told;
}

/** "We did …", "We will …" or "We can't …, because …", in the reader's language. */
export function weSentence(
  action: Pick<ActionRow, 'kind' | 'weDid' | 'reason'>,
  language: Language,
  tr: Translator = translator(language),
): string {
  return tr.text(`feedback.actions.sentence.${action.kind}`, {
    weDid: action.weDid,
    reason: action.reason,
  });
}

/** The job queued when an action is done: tells each person in one short transaction. */
export const closeLoopJob: JobHandler = async ({ db }, payload) => {
  const actionId = String(payload.actionId ?? '');
  const baseUrl = typeof payload.baseUrl === 'string' ? payload.baseUrl : '';
  const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
  await db((tx) => closeLoop(tx, actionId, { baseUrl, today }));
};

export interface LoopTask {
  id: string;
  channel: string;
  easyRead: boolean;
  itemReference: string;
  itemText: string;
  personName: string;
  personReference: string;
  phone: string | null;
  address: string;
  actionReference: string;
  weDid: string;
  weDidEasy: string;
  kind: ActionKind;
  reason: string;
  outcome: string;
}

/** Letters, calls and texts staff still have to make (one query). */
export async function loopTasks(tx: Queryable): Promise<LoopTask[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select m.id, m.channel, m.easy_read, i.reference as item_reference, i.text as item_text,
        trim(coalesce(p.preferred_name, p.first_name) || ' ' || p.last_name) as person_name,
        p.reference as person_reference, p.phone,
        concat_ws(', ', p.address_line_1, p.address_line_2, p.town, p.postcode) as address,
        a.reference as action_reference, a.we_did, a.we_did_easy, a.kind, a.reason, a.outcome
      from feedback_loop_messages m
      join feedback_items i on i.id = m.item_id
      join feedback_actions a on a.id = m.action_id
      join register_people p on p.id = i.person_id
      where m.sent_on is null and p.erased_at is null
      order by m.created_at
      limit 500`),
  );
  return rows.map((r) => ({
    id: r.id as string,
    channel: r.channel as string,
    easyRead: r.easy_read as boolean,
    itemReference: r.item_reference as string,
    itemText: r.item_text as string,
    personName: r.person_name as string,
    personReference: r.person_reference as string,
    phone: r.phone as string | null,
    address: r.address as string,
    actionReference: r.action_reference as string,
    weDid: r.we_did as string,
    weDidEasy: r.we_did_easy as string,
    kind: r.kind as ActionKind,
    reason: r.reason as string,
    outcome: r.outcome as string,
  }));
}

/** Marks a letter, call or text as made; false when there is no such task left. */
export async function markLoopSent(
  tx: Queryable,
  actor: Actor,
  id: string,
  today: string,
): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const rows = await tx
    .update(feedbackLoopMessages)
    .set({ sentOn: today, sentBy: actor.userId })
    .where(sql`${feedbackLoopMessages.id} = ${id} and ${feedbackLoopMessages.sentOn} is null`)
    .returning({ id: feedbackLoopMessages.id });
  if (rows.length === 0) return false;
  await audit(tx, actor, {
    action: 'update',
    entity: 'feedback_loop_message',
    entityId: id,
    after: { sentOn: today },
  });
  return true;
}

export interface ActionListRow {
  id: string;
  reference: string;
  kind: ActionKind;
  youSaid: string;
  weDid: string;
  owner: string;
  dueOn: string | null;
  status: ActionStatus;
  publish: boolean;
  items: number;
}

/** Actions, open first then by due date, each with how many items it answers (one query). */
export async function listActions(
  tx: Queryable,
  filter: { status?: string } = {},
): Promise<ActionListRow[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select a.id, a.reference, a.kind, a.you_said, a.we_did, a.owner, a.due_on::text as due_on,
        a.status, a.publish,
        (select count(*)::int from record_links l where l.from_kind = 'feedback.action'
          and l.from_id = a.id and l.name = 'answers') as items
      from feedback_actions a
      ${filter.status ? sql`where a.status = ${filter.status}` : sql``}
      order by a.status = 'done', a.due_on nulls last, a.created_at desc
      limit 500`),
  );
  return rows.map((r) => ({
    id: r.id as string,
    reference: r.reference as string,
    kind: r.kind as ActionKind,
    youSaid: r.you_said as string,
    weDid: r.we_did as string,
    owner: r.owner as string,
    dueOn: r.due_on as string | null,
    status: r.status as ActionStatus,
    publish: r.publish as boolean,
    items: Number(r.items),
  }));
}

/** The actions answering each of some items (one query), for an item's page and the timeline. */
export async function actionsAnswering(
  tx: Queryable,
  itemIds: readonly string[],
): Promise<Map<string, ActionRow[]>> {
  const result = new Map<string, ActionRow[]>(itemIds.map((id) => [id, []]));
  if (itemIds.length === 0) return result;
  const rows = rowsOf<{ item_id: string; action_id: string }>(
    await tx.execute(sql`
      select l.to_id as item_id, l.from_id as action_id from record_links l
      where l.from_kind = 'feedback.action' and l.name = 'answers' and l.to_kind = 'feedback.item'
        and l.to_id = any(${uuidArray(itemIds)})`),
  );
  if (rows.length === 0) return result;
  const actions = await tx
    .select()
    .from(feedbackActions)
    .where(
      sql`${feedbackActions.id} = any(${uuidArray([...new Set(rows.map((r) => r.action_id))])})`,
    );
  const byId = new Map(actions.map((a) => [a.id, a]));
  for (const r of rows) {
    const a = byId.get(r.action_id);
    if (a) result.get(r.item_id)?.push(a);
  }
  return result;
}

/** Items a quote may come from: those the action answers whose person agreed to being quoted. */
export function quotableItems(items: readonly ItemRow[]): Set<string> {
  return new Set(items.filter((i) => i.mayQuote && i.text.trim()).map((i) => i.id));
}

/** Whether each item still agrees to being quoted (one query), for what is shown publicly. */
export async function stillQuotable(tx: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx
    .select({ id: feedbackItems.id })
    .from(feedbackItems)
    .where(sql`${feedbackItems.id} = any(${uuidArray(ids)}) and ${feedbackItems.mayQuote}`);
  return new Set(rows.map((r) => r.id));
}
