/**
 * The shapes of the participation module's requests. Lenient by design (see
 * platform/forms/schema.ts): the services check meaning and say what to fix.
 */
import { form, list, text } from '../../platform/forms/schema.ts';

/** The staff list of opportunities, filtered by status. */
export const OpportunityListQuery = form({ status: text() });

/** A new opportunity, started from an initiative's page. */
export const NewOpportunityQuery = form({ initiative: text() });

/** The opportunity form. */
export const OpportunityForm = form({
  /** The initiative it belongs to, an id. */
  initiativeId: text(),
  title: text(),
  description: text(),
  timeAsked: text(),
  whenWhere: text(),
  /** yes when it can be done online. */
  online: text(),
  /** Access needs catered for, codes. */
  accessProvisions: list(),
  rewardOffered: text(),
  /** yes or no. */
  expensesOffered: text(),
  whoCanApply: text(),
  /** The closing date's GOV.UK date input. */
  'closesOn-day': text(),
  'closesOn-month': text(),
  'closesOn-year': text(),
  /** Interest codes, for matching. */
  interests: list(),
});

/** The banner after a change (saved=created, updated, published…) or after emailing matches. */
export const OpportunityShowQuery = form({ saved: text(), mailed: text() });

/** Publishing: yes once the plain-English findings have been read. */
export const PublishForm = form({ confirmFindings: text() });

/** Declining a sign-up: the message to send. */
export const DeclineForm = form({ message: text() });

/** The matches page after emailing: how many were sent, or why none were. */
export const MatchesQuery = form({ sent: text(), notPublished: text() });
