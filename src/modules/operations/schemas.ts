import { form, list, params, text } from '../../platform/forms/schema.ts';

/** Request shapes of the operations pages (meaning is checked by the service). */

export const KindParams = params('kind');
export const RecordParams = params('kind', 'id');
export const AuditParams = params('id');

/** A list's filters: financial year, service, reference, page. */
export const ListQuery = form({
  year: text(),
  service: text(),
  reference: text(),
  page: text(),
  saved: text(),
  deleted: text(),
});

/** A record's form: each kind's fields by name (dates as three boxes), involvement as checkboxes. */
export const RecordForm = form({ involvement: list() });

export const ShowQuery = form({ saved: text() });

export const MenuForm = form({ menu: text() });
export const MenuQuery = form({ saved: text() });
