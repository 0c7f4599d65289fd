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

/** Scheduling the next meetings from the frequency. */
export const ScheduleForm = form({
  ...dateBoxes('firstOn'),
  /** A time as people write it: 10:30, 2pm. */
  time: text(),
  lengthMinutes: text(),
  /** How many meetings to schedule. */
  count: text(),
  location: text(),
  onlineLink: text(),
});

/** An agenda item: proposed by a member, or added by staff. */
export const AgendaItemForm = form({ title: text(), detail: text() });

/** The chair's answer to a proposed item: accepted or declined, with a reason. */
export const AgendaDecisionForm = form({ decision: text(), response: text() });

/** A paper and its easy-read version. */
export const PaperForm = form({ title: text(), body: text(), easyRead: text() });

/** The meeting's register: `status-<personId>` for each member (attended, apologies, did_not_attend). */
export const AttendanceForm = form({});

/** The minutes and their easy-read version. */
export const MinutesForm = form({ minutes: text(), minutesEasyRead: text() });

/** A decision: what and why, and the easy-read version. */
export const DecisionForm = form({ what: text(), why: text(), easyRead: text() });

/** An action: what, who, by when. */
export const ActionForm = form({ what: text(), owner: text(), ...dateBoxes('dueOn') });

/** An update on an action: the new status and a note; the meeting it was reported to, if any. */
export const ActionUpdateForm = form({ status: text(), note: text(), meetingId: text() });
