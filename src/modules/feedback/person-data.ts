import { eq, sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import type { PersonDataHandler, TimelineSource } from '../../platform/manifest.ts';
import { actionsAnswering } from './actions.ts';
import { feedbackEditions, feedbackItems, type EditionContent } from './tables.ts';

/**
 * A person's feedback on their timeline, with what came of each piece: two
 * queries whatever the number of items.
 */
export const feedbackTimeline: TimelineSource = async (tx, personId, text) => {
  const items = await tx
    .select({
      id: feedbackItems.id,
      reference: feedbackItems.reference,
      channel: feedbackItems.channel,
      receivedOn: feedbackItems.receivedOn,
      text: feedbackItems.text,
    })
    .from(feedbackItems)
    .where(eq(feedbackItems.personId, personId));
  const answers = await actionsAnswering(
    tx,
    items.map((i) => i.id),
  );
  const clip = (s: string) => (s.length > 140 ? `${s.slice(0, 139)}…` : s);
  return items.flatMap((item) => {
    const entries = [
      {
        at: item.receivedOn,
        source: 'feedback',
        title: text('feedback.timeline.said', {
          channel: text(`feedback.channels.${item.channel}`),
          reference: item.reference,
        }),
        detail: clip(item.text),
        href: `/staff/feedback/items/${item.id}`,
      },
    ];
    for (const action of answers.get(item.id) ?? [])
      entries.push({
        at: action.doneOn ?? action.createdAt.toISOString(),
        source: 'feedback',
        title: text(
          `feedback.timeline.${action.status === 'done' ? 'done' : 'planned'}.${action.kind}`,
          {
            reference: item.reference,
          },
        ),
        detail: clip(action.status === 'done' && action.outcome ? action.outcome : action.weDid),
        href: `/staff/feedback/actions/${action.id}`,
      });
    return entries;
  });
};

/** Feedback's part in subject access, merging and erasure. */
export const feedbackPersonData: PersonDataHandler = {
  name: 'feedback',
  async export(tx, personId) {
    const items = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`
        select i.reference, i.channel, i.source_detail, i.received_on::text as received_on, i.text,
          i.may_quote, i.hear_back, i.hear_back_channel, i.sentiment,
          coalesce((select json_agg(json_build_object('action', a.reference, 'kind', a.kind,
            'we', a.we_did, 'status', a.status, 'outcome', a.outcome, 'done_on', a.done_on))
            from record_links l join feedback_actions a on a.id = l.from_id
            where l.from_kind = 'feedback.action' and l.name = 'answers' and l.to_id = i.id), '[]'::json) as actions,
          coalesce((select json_agg(json_build_object('channel', m.channel, 'sent_on', m.sent_on))
            from feedback_loop_messages m where m.item_id = i.id), '[]'::json) as told
        from feedback_items i where i.person_id = ${personId}
        order by i.received_on`),
    );
    return { items };
  },
  async merge(tx, fromId, intoId) {
    await tx
      .update(feedbackItems)
      .set({ personId: intoId })
      .where(eq(feedbackItems.personId, fromId));
  },
  /**
   * Their words go (the text is blanked, quotes and hearing back withdrawn,
   * and any quote of theirs taken out of published editions); the item stays,
   * unnamed, so the quarter's counts by theme and channel stay right.
   */
  async erase(tx, person) {
    const items = await tx
      .update(feedbackItems)
      .set({
        personId: null,
        text: '',
        sourceDetail: '',
        mayQuote: false,
        hearBack: false,
        hearBackChannel: null,
      })
      .where(eq(feedbackItems.personId, person.id))
      .returning({ id: feedbackItems.id });
    if (items.length === 0) return;
    const ids = new Set(items.map((i) => i.id));
    const editions = await tx
      .select({ id: feedbackEditions.id, content: feedbackEditions.content })
      .from(feedbackEditions)
      .where(
        sql`exists (select 1 from jsonb_array_elements(${feedbackEditions.content} -> 'entries') e
          where (e -> 'quote' ->> 'itemId')::uuid = any(${uuidArray([...ids])}))`,
      );
    for (const edition of editions) {
      const content = edition.content as EditionContent;
      await tx
        .update(feedbackEditions)
        .set({
          content: {
            ...content,
            entries: content.entries.map((e) =>
              e.quote && ids.has(e.quote.itemId) ? { ...e, quote: null } : e,
            ),
          },
        })
        .where(eq(feedbackEditions.id, edition.id));
    }
  },
};
