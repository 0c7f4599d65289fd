/**
 * The shapes of the translations module's requests. Lenient by design (see
 * platform/forms/schema.ts): the routes check meaning and say what to fix.
 */
import { file, form, text } from '../../platform/forms/schema.ts';

/** The page: a search (key or English) and what was just done. */
export const TranslationsQuery = form({ q: text(), saved: text(), imported: text() });

/** One string's edit page. */
export const EditQuery = form({ key: text() });

/** One string's Welsh: empty removes the organisation's own. */
export const EditForm = form({ key: text(), welsh: text() });

/** A PO or CSV file to load. */
export const ImportForm = form({ file: file() });

/** Which format to download. */
export const ExportParams = form({ format: text() });
