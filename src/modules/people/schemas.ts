/**
 * The shapes of the people module's requests. Lenient by design (see
 * platform/forms/schema.ts): the services check meaning and say what to fix.
 * Forms whose fields are named by pattern keep those fields as they came.
 */
import { form, text } from '../../platform/forms/schema.ts';

/** The register's filters (search, kinds, services …), read by parseFilter. */
export const PeopleFilterQuery = form({});

/** The add form or one section's form, read field by field by readPersonForm (person-form.ts) or readSection (sections.ts). */
export const PersonForm = form({});

/** Saving the current filters as a list: its name, whether it is shared, and the filters. */
export const SavedListForm = form({
  name: text(),
  /** yes to share it with colleagues. */
  shared: text(),
});

/** A person's page: the banner after a change and which form had a problem. */
export const PersonShowQuery = form({
  added: text(),
  /** 1, or the section just changed (about, contact … equality), which the banner names. */
  saved: text(),
  merged: text(),
  /** Which form on the page had a problem: request (a rights request); the sections name their own fields. */
  problem: text(),
});

/** Consents: how they were given, and consent-<purpose> = given or withdrawn for each purpose. */
export const ConsentsForm = form({ method: text() });

/** Linking a person to a service: its id and the start date (YYYY-MM-DD or a date input). */
export const ServiceLinkForm = form({ serviceId: text(), startedOn: text() });

/** Giving a person a role: its code and the start date. */
export const RoleForm = form({ role: text(), startedOn: text() });

/** Recording training: the module's code, when it was completed and when it expires. */
export const TrainingForm = form({
  module: text(),
  completedOn: text(),
  expiresOn: text(),
});

/** Equality monitoring answers, one field for each of EQUALITY_FIELDS. */
export const EqualityForm = form({});

/** The merge page: the other record's id. */
export const MergeQuery = form({ with: text() });

/** Merging: the other record's id, and field-<name> = other for each answer to take from it. */
export const MergeForm = form({ otherId: text() });

/** A service: its own code (letters, digits and hyphens), name, type and specialism codes, area and postcode. */
export const ServiceForm = form({
  code: text(),
  name: text(),
  type: text(),
  specialism: text(),
  area: text(),
  postcode: text(),
});

/** A partner organisation: its name, its kind and whom it represents. */
export const PartnerForm = form({ name: text(), kind: text(), represents: text() });

/** Erasing a person: their reference typed again to confirm. */
export const EraseForm = form({ confirm: text() });

/** Logging a rights request: access or erasure, and the day it came (YYYY-MM-DD or a date input). */
export const RightsRequestForm = form({ kind: text(), receivedOn: text() });

/** The rights page after an erasure: erased=1. */
export const RightsQuery = form({ erased: text(), due: text() });

/** Extending a rights request's deadline: why. */
export const ExtendForm = form({ note: text() });

/** The equality figures' filters: a specialism and a kind of person. */
export const EqualityQuery = form({ specialism: text(), kind: text() });

/** The services page after a change: saved=added or saved=updated. */
export const ServicesQuery = form({ saved: text() });

/** The register settings page: the banner after a save. */
export const RegisterSettingsQuery = form({ saved: text() });

/** The suppression thresholds and retention period, as typed. */
export const RegisterSettingsForm = form({
  suppressionStaff: text(),
  suppressionPublished: text(),
  retentionYears: text(),
});

/** A new entry of a configurable list: which list, its label and its Welsh label. */
export const NewOptionForm = form({ list: text(), label: text(), labelCy: text() });

/** An entry of a configurable list, by list and code. */
export const OptionParams = form({ list: text(), code: text() });

/** Changing an entry: retire or restore, or a new label, Welsh label and status. */
export const OptionForm = form({ action: text(), label: text(), labelCy: text(), status: text() });

/** A customer's request to change their details (/my/details/change): which part, and what should change. */
export const ChangeRequestBody = form({ section: text(), details: text() });

/** Marking a change request done: what staff did (optional). */
export const ChangeDoneForm = form({ outcome: text() });

/** The page that stops a consent: done=1 after it is stopped. */
export const ConsentStopQuery = form({ done: text() });

/** Stopping a consent: the confirmation has no fields but its token. */
export const ConsentStopForm = form({});
