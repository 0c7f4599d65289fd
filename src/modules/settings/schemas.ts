/**
 * The shapes of the settings module's requests. Lenient by design (see
 * platform/forms/schema.ts): the routes check meaning and say what to fix.
 */
import { file, form, text } from '../../platform/forms/schema.ts';

/** Whether the page was just saved: saved=1. */
export const SavedQuery = form({ saved: text() });

/** The acronyms form: one "TSM = Tenant Satisfaction Measures" a line. */
export const AcronymsForm = form({ acronyms: text() });

/** The organisation's settings form (multipart, for the logo). */
export const OrganisationForm = form({
  name: text(),
  /** The Welsh name, when the organisation has one. */
  nameCy: text(),
  /** #rrggbb, with enough contrast against white or black text. */
  brandColour: text(),
  /** yes or no: whether pages are offered in Welsh. */
  welsh: text(),
  /** yes to remove the logo. */
  removeLogo: text(),
  /** A nation code (working days and bank holidays). */
  nation: text(),
  /** A PNG, JPEG or WebP. */
  logo: file(),
});
