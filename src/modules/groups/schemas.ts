/**
 * The shapes of the groups module's requests. Lenient by design (see
 * platform/forms/schema.ts): the services check meaning and say what to fix.
 */
import { form, list, text } from '../../platform/forms/schema.ts';

const dateBoxes = (name: string) => ({
  [`${name}-day`]: text(),
  [`${name}-month`]: text(),
  [`${name}-year`]: text(),
});

/** The body's form: its initiative's title, summary and rung, and its own settings. */
export const GroupForm = form({
  title: text(),
  summary: text(),
  /** panel, forum, board, network */
  kind: text(),
  /** 1 to 7 on the ladder. */
  rung: text(),
  /** The register's involvement role a seat gives. */
  roleCode: text(),
  papersDaysBefore: text(),
  agendaDaysBefore: text(),
  termReminderDays: text(),
  /** lot, casting_vote, rerun */
  tieRule: text(),
  clerkEmail: text(),
  coverServiceTypes: list(),
  coverSpecialisms: list(),
  /** Areas, one a line. */
  coverAreas: text(),
  /** yes: its page is on the public side. */
  published: text(),
});

/** A version of the terms of reference. */
export const TermsForm = form({
  objectives: text(),
  functions: text(),
  /** One area a line. */
  scrutinyAreas: text(),
  frequency: text(),
  reportsTo: text(),
  reportsThrough: text(),
  decides: text(),
  decidesHow: text(),
  easyRead: text(),
  ...dateBoxes('adoptedOn'),
});

/** A kind of seat. */
export const SeatForm = form({
  label: text(),
  holder: text(),
  /** Blank for open membership. */
  places: text(),
  fillBy: text(),
  serviceType: text(),
  specialism: text(),
  termMonths: text(),
  /** yes: the chair or co-chair. */
  chairs: text(),
});

/** Seating a person. */
export const MemberForm = form({
  /** The person's register reference. */
  reference: text(),
  seatId: text(),
  filledBy: text(),
  buddyPersonId: text(),
  namedPublicly: text(),
  ...dateBoxes('startsOn'),
  ...dateBoxes('termEndsOn'),
});

/** A member's support: buddy and public naming. */
export const MemberSupportForm = form({ buddyPersonId: text(), namedPublicly: text() });

/** Standing down: the last day. */
export const EndMemberForm = form({ ...dateBoxes('endedOn') });

/** The banner a redirect carries back. */
export const FlashQuery = form({ done: text() });
