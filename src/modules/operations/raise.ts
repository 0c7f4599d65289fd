import type { Queryable } from '../../platform/db/index.ts';
import { raiseEvents } from '../../platform/events/index.ts';
import type { OperationsEvent } from './events.ts';

/** Raises operations' events in the caller's transaction, one batch for all of them. */
export async function raiseOperationsEvents(
  tx: Queryable,
  events: readonly OperationsEvent[],
): Promise<void> {
  await raiseEvents(tx, events);
}
