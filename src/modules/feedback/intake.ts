import { SYSTEM_ACTOR } from '../../platform/audit/index.ts';
import type { Queryable } from '../../platform/db/index.ts';
import {
  canReach,
  peopleByIds,
  recordItems,
  type HearBackChannel,
  type ItemInput,
} from './items.ts';

/** What feedback reads of a completed survey response (BRIEF: surveys.response_completed). */
export interface SurveyResponseEvent {
  organisationId: string;
  occurredOn: string;
  record: { kind: string; id: string };
  personId: string | null;
  data: Record<string, unknown>;
}

type FreeText = { questionCode: string; question: string; text: string };

function freeTextOf(data: Record<string, unknown>): FreeText[] {
  const list = Array.isArray(data.freeText) ? data.freeText : [];
  return list.flatMap((f) => {
    if (!f || typeof f !== 'object') return [];
    const { questionCode, question, text } = f as Record<string, unknown>;
    if (typeof questionCode !== 'string' || typeof text !== 'string' || !text.trim()) return [];
    return [
      { questionCode, question: typeof question === 'string' ? question : '', text: text.trim() },
    ];
  });
}

const HEAR_BACK_ORDER: HearBackChannel[] = ['email', 'sms', 'phone', 'letter'];

/**
 * Files each free-text answer of completed survey responses as a feedback
 * item (channel "survey"), naming the person only when the response was not
 * anonymous. The person hears back by the first channel that reaches them.
 * Idempotent on the response and question: a response told twice files once.
 * One batch, a fixed number of statements (it runs in the caller's
 * transaction).
 */
export async function fileSurveyFreeText(
  tx: Queryable,
  events: readonly SurveyResponseEvent[],
): Promise<number> {
  const named = events.filter((e) => e.personId && e.data.anonymous !== true);
  const people = await peopleByIds(
    tx,
    named.map((e) => e.personId!),
  );
  const inputs: ItemInput[] = events.flatMap((event) => {
    const anonymous = event.data.anonymous === true || !event.personId;
    const person = anonymous ? undefined : people.get(event.personId!);
    const wantsBack = !anonymous && event.data.hearBack === true && person !== undefined;
    const channel = wantsBack ? (HEAR_BACK_ORDER.find((c) => canReach(person!, c)) ?? null) : null;
    const collected =
      typeof event.data.collectedOn === 'string' ? event.data.collectedOn : event.occurredOn;
    return freeTextOf(event.data).map((answer) => ({
      channel: 'survey' as const,
      sourceDetail: answer.question.slice(0, 200),
      receivedOn: /^\d{4}-\d{2}-\d{2}$/.test(collected) ? collected : event.occurredOn,
      serviceId: null,
      initiativeId: null,
      personId: anonymous || !person ? null : person.id,
      anonymous,
      text: answer.text.slice(0, 5000),
      mayQuote: event.data.mayQuote === true,
      hearBack: wantsBack && channel !== null,
      hearBackChannel: channel,
      source: { kind: event.record.kind, id: event.record.id, part: answer.questionCode },
      loggedBy: null,
    }));
  });
  return (await recordItems(tx, SYSTEM_ACTOR, inputs)).length;
}
