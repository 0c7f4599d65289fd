/**
 * The shapes of the feedback module's requests. Lenient by design (see
 * platform/forms/schema.ts): the services check meaning and say what to fix.
 */
import { form, list, text } from '../../platform/forms/schema.ts';

/** A theme: its name, what it covers, and its keyword rules (one a line, or commas). */
export const ThemeFormBody = form({ name: text(), description: text(), keywords: text() });

/** Retiring a theme or bringing it back. */
export const RetireBody = form({ retired: text() });

/** The banner after a change. */
export const SavedQuery = form({ saved: text() });

/** Feedback logged by staff, or sent on the public form. */
export const ItemBody = form({
  channel: text(),
  sourceDetail: text(),
  'receivedOn-day': text(),
  'receivedOn-month': text(),
  'receivedOn-year': text(),
  serviceId: text(),
  initiativeId: text(),
  /** A reference on the register, when the person is known. */
  personReference: text(),
  anonymous: text(),
  text: text(),
  mayQuote: text(),
  hearBack: text(),
  hearBackChannel: text(),
  /** The public form's contact details. */
  name: text(),
  email: text(),
  phone: text(),
  /** The honeypot: people leave it empty. */
  website: text(),
});

/** The themes staff confirm or recode for an item. */
export const ItemThemesBody = form({ themes: list() });

/** The list of feedback, filtered. */
export const ItemListQuery = form({
  channel: text(),
  theme: text(),
  period: text(),
  page: text(),
  saved: text(),
});

/** An action: its answer, owner, due date and status. */
export const ActionBody = form({
  kind: text(),
  youSaid: text(),
  weDid: text(),
  reason: text(),
  youSaidEasy: text(),
  weDidEasy: text(),
  owner: text(),
  'dueOn-day': text(),
  'dueOn-month': text(),
  'dueOn-year': text(),
  status: text(),
  outcome: text(),
  publish: text(),
  specialisms: list(),
  quoteItemId: text(),
  /** Items it answers, by reference, when made from a list. */
  items: list(),
});

/** Linking items to an action by reference (one a line or commas), or a decision/initiative/survey. */
export const LinkBody = form({ references: text(), kind: text(), recordId: text() });

/** Unlinking one item or record. */
export const UnlinkBody = form({ kind: text(), recordId: text(), name: text() });

/** Completing an action: what came of it. */
export const CompleteBody = form({ outcome: text() });

/** The quarter's report and edition. */
export const PeriodQuery = form({ period: text(), saved: text(), segment: text() });

/** Publishing an edition. */
export const EditionBody = form({ intro: text(), segment: text(), confirmFindings: text() });

/** Marking a letter or call as done. */
export const MarkSentBody = form({ messageId: text() });
