/**
 * The shapes of the requests of elections, interviews and draws. Lenient by
 * design (see platform/forms/schema.ts): the services check meaning.
 */
import { form, list, text } from '../../platform/forms/schema.ts';

/** A new election: the seat, title, places, closing day and who may vote. */
export const ElectionForm = form({
  seatId: text(),
  title: text(),
  places: text(),
  'closesOn-day': text(),
  'closesOn-month': text(),
  'closesOn-year': text(),
  eligibleServiceIds: list(),
  eligibleServiceTypes: list(),
  eligibleSpecialisms: list(),
});

/** A candidate: who (reference or name), the statement and its easy-read version. */
export const CandidateForm = form({ who: text(), statement: text(), statementEasyRead: text() });

/** A vote: the candidates chosen. */
export const VoteForm = form({ choice: list() });

/** A paper vote: the elector (reference or name), the choices, or a spoilt paper. */
export const PaperVoteForm = form({ who: text(), choice: list(), spoilt: text() });

/** The chair's casting vote: the candidates chosen from the tied. */
export const CastingForm = form({ choice: list() });

/** A form with nothing but its token. */
export const EmptyForm = form({});

/** The banner a redirect carries back. */
export const DoneQuery = form({ done: text() });

/** The first step of a draw: what its quotas are set by (and a seed to make a draw again). */
export const DrawQuery = form({ dimension: text(), seatId: text(), seed: text() });

/** A draw: the seat, how many, the dimension, a seed (optional); quotas come as `quota-<code>`. */
export const DrawForm = form({ seatId: text(), size: text(), dimension: text(), seed: text() });

/** Seating someone a draw drew. */
export const AppointDrawnForm = form({ personId: text() });

/** A new interview: the seat, title and day. */
export const InterviewForm = form({
  seatId: text(),
  title: text(),
  'heldOn-day': text(),
  'heldOn-month': text(),
  'heldOn-year': text(),
});

/** Someone for the panel, or a candidate: reference or name. */
export const PanellistForm = form({ panellist: text() });
export const InterviewCandidateForm = form({ candidate: text() });

/** One panellist's scores: `score-<candidateId>` and `note-<candidateId>` for each candidate. */
export const ScoresForm = form({ panellistId: text() });

/** The decision: who is appointed, and why. */
export const DecideForm = form({ candidateId: text(), decisionNote: text() });
