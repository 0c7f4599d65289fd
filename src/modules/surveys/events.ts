import type { Queryable } from '../../platform/db/index.ts';
import { raiseEvents, type PlatformEvent } from '../../platform/events/index.ts';
import type { CompletedResponse } from './respond.ts';

/** The operations events a survey can be sent on (the brief's contract with operations). */
export const TRIGGER_EVENTS = [
  'operations.complaint_responded',
  'operations.repair_completed',
  'operations.interview_panel_held',
] as const;

export const RESPONSE_COMPLETED = 'surveys.response_completed';

/**
 * Raises surveys.response_completed in the caller's transaction, so the tsm
 * and feedback modules' listeners write with the response or not at all.
 */
export async function raiseCompleted(
  tx: Queryable,
  organisationId: string,
  completed: CompletedResponse,
): Promise<void> {
  const event: PlatformEvent = {
    name: RESPONSE_COMPLETED,
    organisationId,
    occurredOn: completed.collectedOn,
    record: { kind: 'surveys.response', id: completed.responseId },
    personId: completed.anonymous ? null : completed.personId,
    data: {
      surveyId: completed.surveyId,
      template: completed.template,
      method: completed.method,
      collectedOn: completed.collectedOn,
      answers: completed.answers,
      freeText: completed.freeText,
      anonymous: completed.anonymous,
      mayQuote: completed.mayQuote,
      hearBack: completed.hearBack,
    },
  };
  await raiseEvents(tx, [event]);
}
