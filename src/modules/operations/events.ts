import type { KindSpec, Values } from './kinds.ts';

/**
 * The events operations raises (issue 14 §8; the helpers' contract): a
 * complaint stage responded to, a repair completed, a recruitment that used
 * an interview panel. An event is raised when a record comes into that state
 * (new, or changed from not being in it), so importing the same file again,
 * or saving a form again, raises nothing.
 */

export const EVENT_NAMES = {
  complaintResponded: 'operations.complaint_responded',
  repairCompleted: 'operations.repair_completed',
  interviewPanelHeld: 'operations.interview_panel_held',
} as const;

/** The shape platform/events takes. */
export interface OperationsEvent {
  name: string;
  organisationId: string;
  occurredOn: string;
  record: { kind: string; id: string };
  personId: string | null;
  data: Record<string, unknown>;
}

/** One record as it was (null when new) and as it is now. */
export interface Change {
  id: string;
  reference: string;
  before: Values | null;
  after: Values;
}

const usedPanel = (v: Values | null) =>
  Array.isArray(v?.involvement) && v.involvement.includes('interview_panel');

/** The events a batch of saved records raises, in the order of the batch. */
export function eventsOf(
  spec: KindSpec,
  changes: readonly Change[],
  context: { organisationId: string; today: string },
): OperationsEvent[] {
  const events: OperationsEvent[] = [];
  for (const { id, reference, before, after } of changes) {
    const record = { kind: spec.linkKind!, id };
    const { organisationId } = context;
    if (spec.kind === 'complaints' && after.responded_on && !before?.responded_on)
      events.push({
        name: EVENT_NAMES.complaintResponded,
        organisationId,
        occurredOn: String(after.responded_on),
        record,
        personId: (after.person_id as string | null) ?? null,
        data: { stage: Number(after.stage), reference },
      });
    else if (spec.kind === 'repairs' && after.completed_on && !before?.completed_on)
      events.push({
        name: EVENT_NAMES.repairCompleted,
        organisationId,
        occurredOn: String(after.completed_on),
        record,
        personId: (after.person_id as string | null) ?? null,
        data: { reference, priority: after.priority },
      });
    else if (spec.kind === 'recruitment' && usedPanel(after) && !usedPanel(before))
      events.push({
        name: EVENT_NAMES.interviewPanelHeld,
        organisationId,
        // The panel's own day is not recorded: the recruitment's close, else the day it was recorded.
        occurredOn: String(after.closed_on ?? context.today),
        record,
        personId: null,
        data: { reference, title: after.title },
      });
  }
  return events;
}
