import type { Queryable } from '../db/index.ts';
import { installedModules } from '../manifest.ts';

/**
 * Something that happened in one module that others may act on: a repair
 * completed, a complaint answered, a survey response completed. The module
 * that owns the record raises it; the modules that care declare a listener
 * in their manifest (`events.listens`). Neither names the other: a triggered
 * survey is built on `operations.repair_completed` without the surveys module
 * knowing the operations tables, and without operations knowing surveys exist.
 */
export interface PlatformEvent {
  /** `module.what_happened`, declared in the raising module's `events.emits`. */
  name: string;
  organisationId: string;
  /** The day it happened (Europe/London), YYYY-MM-DD. */
  occurredOn: string;
  /** The record it happened to, as a named-link kind and id (platform/links). */
  record: { kind: string; id: string };
  /** The person on the register it concerns, when the record names one. */
  personId: string | null;
  /** What the raising module documents for this event; plain JSON. */
  data: Record<string, unknown>;
}

/**
 * Runs in the transaction that raised the events, so what it writes commits
 * or rolls back with the record. It must be small: record an offer, enqueue a
 * job (platform/jobs) for anything slow such as sending mail.
 */
export type EventListener = (tx: Queryable, events: readonly PlatformEvent[]) => Promise<void>;

/** Thrown for an event no installed module declares in `events.emits`: a bug in the raiser. */
export class UndeclaredEventError extends Error {}

/** The listeners for each event name, in module order. */
function listenersOf(name: string): EventListener[] {
  return installedModules().flatMap((m) => {
    const listener = m.events?.listens?.[name];
    return listener ? [listener] : [];
  });
}

/** Every event name the installed modules declare they raise. */
export function declaredEvents(): Map<string, { module: string; description: string }> {
  return new Map(
    installedModules().flatMap((m) =>
      (m.events?.emits ?? []).map((e) => [e.name, { module: m.name, description: e.description }]),
    ),
  );
}

/**
 * Raises events inside the caller's transaction: each listener of a name is
 * called once with all of that name's events (an import of 10,000 repairs
 * makes one call per listener, not 10,000), in module order.
 */
export async function raiseEvents(tx: Queryable, events: readonly PlatformEvent[]): Promise<void> {
  if (events.length === 0) return;
  const declared = declaredEvents();
  const byName = new Map<string, PlatformEvent[]>();
  for (const event of events) {
    if (!declared.has(event.name))
      throw new UndeclaredEventError(`No installed module declares the event "${event.name}"`);
    const list = byName.get(event.name) ?? [];
    list.push(event);
    byName.set(event.name, list);
  }
  for (const [name, batch] of byName) {
    for (const listener of listenersOf(name)) await listener(tx, batch);
  }
}
