/**
 * The shapes of the initiatives module's requests. Lenient by design (see
 * platform/forms/schema.ts): the service checks meaning and says what to fix.
 */
import { z } from 'zod';
import { form, list, params, text } from '../../platform/forms/schema.ts';

/** A page about one initiative: its id, checked by idParam. */
export const InitiativeParams = params('id');

/** The ladder form: name-N, nameCy-N, description-N and descriptionCy-N for each rung 0 to 7. */
export const LadderForm = form({});

/** Whether the ladder was just saved. */
export const LadderQuery = form({ saved: text() });

/** The list's filters, each ignored unless it names a status, kind or rung. */
export const InitiativeListQuery = form({
  status: text(),
  kind: text(),
  rung: text(),
  /** The page of the list, from 1 (anything else is the first). */
  page: text(),
});

/** The banner to show after a change: created=1, saved=1, published=1 or closed=1. */
export const InitiativeShowQuery = form({
  created: text(),
  saved: text(),
  published: text(),
  closed: text(),
});

/** The initiative form. */
export const InitiativeForm = form({
  /** A code from the initiative_kind list. */
  kind: text(),
  title: text(),
  summary: text(),
  /** The ladder rung, 0 to 7. */
  rung: text(),
  /** Why the initiative sits on that rung. */
  rungEvidence: text(),
  /** The four parts of the purpose statement. */
  canChange: text(),
  fixed: text(),
  decider: text(),
  feedback: text(),
  /** Who it is for: service ids, specialism and role codes, areas separated by commas. */
  audienceServices: list(),
  audienceSpecialisms: list(),
  audienceRoles: list(),
  audienceAreas: text(),
  /** The member of staff who owns it, by name. */
  ownerName: text(),
  /** The GOV.UK date inputs startsOn-day/-month/-year and endsOn-day/-month/-year. */
  'startsOn-day': text(),
  'startsOn-month': text(),
  'startsOn-year': text(),
  'endsOn-day': text(),
  'endsOn-month': text(),
  'endsOn-year': text(),
});

export type InitiativeFormBody = z.output<typeof InitiativeForm>;
