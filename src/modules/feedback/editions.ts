import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { audit, type Actor } from '../../platform/audit/index.ts';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import { checkPlainEnglish, type Finding } from '../../platform/plain-english/index.ts';
import type { ReportingPeriod } from '../../platform/periods/index.ts';
import { suppressList } from '../../platform/statistics/index.ts';
import { stillQuotable, type ActionKind } from './actions.ts';
import { PUBLIC_THRESHOLD, themeCounts } from './report.ts';
import { feedbackActions, feedbackEditions, type EditionContent } from './tables.ts';
import { listThemes } from './themes.ts';

export type EditionRow = typeof feedbackEditions.$inferSelect;

/**
 * The actions a quarter's edition is built from: those marked for
 * publication that were done in the quarter, or, for "we will" and "we
 * can't" answers not done yet, made in it. A segment (a specialism) takes
 * the actions for that specialism and those for everyone.
 */
export async function editionContent(
  tx: Queryable,
  period: ReportingPeriod,
  segment: string,
): Promise<EditionContent> {
  const actions = await tx
    .select()
    .from(feedbackActions)
    .where(
      sql`${feedbackActions.publish} and (
        (${feedbackActions.status} = 'done' and ${feedbackActions.doneOn} between ${period.from}::date and ${period.to}::date)
        or (${feedbackActions.status} <> 'done' and (${feedbackActions.createdAt} at time zone 'Europe/London')::date between ${period.from}::date and ${period.to}::date))
        ${segment ? sql`and (${feedbackActions.specialisms} = '{}'::text[] or ${segment} = any(${feedbackActions.specialisms}))` : sql``}`,
    )
    .orderBy(feedbackActions.kind, feedbackActions.createdAt);
  const quoteIds = actions.flatMap((a) => (a.quoteItemId ? [a.quoteItemId] : []));
  const quotable = await stillQuotable(tx, quoteIds);
  const quoteTexts = new Map(
    quoteIds.length
      ? rowsOf<{ id: string; text: string }>(
          await tx.execute(
            sql`select id, text from feedback_items where id = any(${uuidArray(quoteIds)}) and may_quote`,
          ),
        ).map((r) => [r.id, r.text])
      : [],
  );
  const themeNames = await actionThemes(
    tx,
    actions.map((a) => a.id),
  );
  const themes = await listThemes(tx, { includeRetired: true });
  const counts = await themeCounts(tx, period.from, period.to);
  const perTheme = themes
    .map((t) => ({
      name: t.name,
      count: counts.filter((c) => c.themeId === t.id).reduce((s, c) => s + c.count, 0),
    }))
    .filter((t) => t.count > 0)
    .sort((a, b) => b.count - a.count)
    .slice(0, 8);
  const suppressed = perTheme.length
    ? suppressList(
        perTheme.map((t) => t.count),
        PUBLIC_THRESHOLD,
      ).cells
    : [];
  return {
    entries: actions.map((a) => ({
      kind: a.kind as ActionKind,
      youSaid: a.youSaid,
      weDid: a.weDid,
      reason: a.reason,
      youSaidEasy: a.youSaidEasy,
      weDidEasy: a.weDidEasy,
      quote:
        a.quoteItemId && quotable.has(a.quoteItemId) && quoteTexts.get(a.quoteItemId)
          ? { itemId: a.quoteItemId, text: quoteTexts.get(a.quoteItemId)! }
          : null,
      themes: themeNames.get(a.id) ?? [],
    })),
    themes: perTheme.map((t, i) => ({ name: t.name, count: suppressed[i]?.value ?? null })),
  };
}

/** The themes of the items each action answers (one query). */
async function actionThemes(tx: Queryable, actionIds: string[]): Promise<Map<string, string[]>> {
  if (actionIds.length === 0) return new Map();
  const rows = rowsOf<{ action_id: string; name: string }>(
    await tx.execute(sql`
      select distinct l.from_id as action_id, t.name, t.position
      from record_links l
      join feedback_item_themes it on it.item_id = l.to_id
      join feedback_themes t on t.id = it.theme_id
      where l.from_kind = 'feedback.action' and l.name = 'answers' and l.to_kind = 'feedback.item'
        and l.from_id = any(${uuidArray(actionIds)})
      order by t.position, t.name`),
  );
  const result = new Map<string, string[]>();
  for (const r of rows) result.set(r.action_id, [...(result.get(r.action_id) ?? []), r.name]);
  return result;
}

/** Every text of an edition, field by field, for the plain-English check. */
export function editionTexts(
  content: EditionContent,
  intro: string,
): Array<{ field: string; text: string }> {
  return [
    { field: 'intro', text: intro },
    ...content.entries.flatMap((e, i) => [
      { field: `entry-${i}-youSaid`, text: e.youSaid },
      { field: `entry-${i}-weDid`, text: e.weDid },
      { field: `entry-${i}-reason`, text: e.reason },
      { field: `entry-${i}-youSaidEasy`, text: e.youSaidEasy },
      { field: `entry-${i}-weDidEasy`, text: e.weDidEasy },
    ]),
  ].filter((f) => f.text.trim());
}

/** The plain-English findings for an edition's texts. */
export function checkEdition(
  content: EditionContent,
  intro: string,
  acronyms: Record<string, string>,
): Finding[] {
  return checkPlainEnglish(editionTexts(content, intro), { acronyms }).findings;
}

/**
 * Publishes (or publishes again) a quarter's edition for a segment: the
 * content as it stands is kept, so the page reads the same later; quotes are
 * still checked against consent each time the page is shown.
 */
export async function publishEdition(
  tx: Queryable,
  actor: Actor,
  period: ReportingPeriod,
  segment: string,
  intro: string,
  content: EditionContent,
): Promise<string> {
  const [row] = await tx
    .insert(feedbackEditions)
    .values({
      organisationId: sql`app_organisation_id()`,
      period: period.name,
      segment,
      intro,
      content,
      publishedAt: sql`now()`,
    })
    .onConflictDoUpdate({
      target: [feedbackEditions.organisationId, feedbackEditions.period, feedbackEditions.segment],
      set: { intro, content, publishedAt: sql`now()` },
    })
    .returning({ id: feedbackEditions.id });
  await audit(tx, actor, {
    action: 'update',
    entity: 'feedback_edition',
    entityId: row!.id,
    after: { period: period.name, segment, entries: content.entries.length },
  });
  return row!.id;
}

/** A published edition; null when there is none. Quotes withdrawn since are left out. */
export async function publishedEdition(
  tx: Queryable,
  period: string,
  segment: string,
): Promise<EditionRow | null> {
  const [row] = await tx
    .select()
    .from(feedbackEditions)
    .where(
      and(
        eq(feedbackEditions.period, period),
        eq(feedbackEditions.segment, segment),
        isNotNull(feedbackEditions.publishedAt),
      ),
    );
  if (!row?.content) return null;
  const ids = row.content.entries.flatMap((e) => (e.quote ? [e.quote.itemId] : []));
  const quotable = await stillQuotable(tx, ids);
  return {
    ...row,
    content: {
      ...row.content,
      entries: row.content.entries.map((e) => ({
        ...e,
        quote: e.quote && quotable.has(e.quote.itemId) ? e.quote : null,
      })),
    },
  };
}

/** Every published edition, newest first. */
export async function listEditions(
  tx: Queryable,
): Promise<Array<{ period: string; segment: string; publishedAt: Date | null }>> {
  return tx
    .select({
      period: feedbackEditions.period,
      segment: feedbackEditions.segment,
      publishedAt: feedbackEditions.publishedAt,
    })
    .from(feedbackEditions)
    .where(isNotNull(feedbackEditions.publishedAt))
    .orderBy(desc(feedbackEditions.period), feedbackEditions.segment);
}
