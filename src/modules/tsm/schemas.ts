import { form, text } from '../../platform/forms/schema.ts';

/** Request shapes of the tsm pages (meaning is checked in the routes and the service). */

export const YearQuery = form({ year: text(), saved: text() });

/** The summary of approach: the facts staff supply, the text, and which button was pressed. */
export const ApproachForm = form({
  year: text(),
  sampleMethod: text(),
  representativeness: text(),
  weightingCharacteristics: text(),
  contractor: text(),
  excludedHouseholds: text(),
  exclusionReason: text(),
  shortfallReason: text(),
  incentives: text(),
  otherIssues: text(),
  body: text(),
  intent: text(),
});
