/**
 * The sections of a person's page (issue 10 §11): the page is a summary, and
 * each section is changed on a page of its own that posts only its fields.
 * A section's fields are read and checked by the same rules as the add form
 * (readPersonForm), with every other field taken from the record as it is,
 * so a change to one section can neither touch nor fail on another.
 */
import { readPersonForm, valuesFromPerson, type Body, type FormValues } from './person-form.ts';
import type { Options } from './options.ts';
import type { PersonFields } from './service.ts';
import type { PersonRow } from './tables.ts';
import type { FieldProblem } from './validate.ts';

/**
 * What the add form asks (issue 10 §11): who the person is, how to reach
 * them and what they agreed to. Everything else is a section of their page.
 */
export const ADD_INPUTS = [
  'reference',
  'firstName',
  'lastName',
  'kinds',
  'email',
  'phone',
  'addressLine1',
  'addressLine2',
  'town',
  'postcode',
  'consents',
  'consentMethod',
] as const;

/** The sections whose fields are columns of the person's record, each with its inputs and fields. */
export const FIELD_SECTIONS = {
  about: {
    inputs: [
      'firstName',
      'lastName',
      'preferredName',
      'kinds',
      'dateOfBirth-day',
      'dateOfBirth-month',
      'dateOfBirth-year',
    ],
    fields: ['firstName', 'lastName', 'preferredName', 'kinds', 'dateOfBirth'],
  },
  contact: {
    inputs: [
      'email',
      'phone',
      'addressLine1',
      'addressLine2',
      'town',
      'postcode',
      'area',
      'language',
      'languageOther',
      'preferredChannels',
      'bestTimes',
      'doNotContact',
    ],
    fields: [
      'email',
      'phone',
      'addressLine1',
      'addressLine2',
      'town',
      'postcode',
      'area',
      'language',
      'preferredChannels',
      'bestTimes',
      'doNotContact',
    ],
  },
  needs: { inputs: ['needs', 'needsNote'], fields: ['needs', 'needsNote'] },
  brings: {
    inputs: ['skills', 'interests', 'availability', 'availabilityNote'],
    fields: ['skills', 'interests', 'availability', 'availabilityNote'],
  },
  support: {
    inputs: [
      'supporterReference',
      'supporterRelationship',
      'contactViaSupporter',
      'buddyId',
      'partnerOrganisationId',
      'notes',
    ],
    fields: [
      'supporterId',
      'supporterRelationship',
      'contactViaSupporter',
      'buddyId',
      'partnerOrganisationId',
      'notes',
    ],
  },
} as const satisfies Record<
  string,
  { inputs: readonly string[]; fields: readonly (keyof PersonFields)[] }
>;

export type FieldSection = keyof typeof FIELD_SECTIONS;

/** The sections whose page lists records (consents, services, roles, training) with forms to add or end them. */
export const LIST_SECTIONS = ['consents', 'services', 'roles', 'training'] as const;
export type ListSection = (typeof LIST_SECTIONS)[number];

/** Every section of the page a change can name (equality has its own page, as before). */
export const SECTIONS = [
  ...(Object.keys(FIELD_SECTIONS) as FieldSection[]),
  ...LIST_SECTIONS,
  'equality',
] as const;
export type Section = (typeof SECTIONS)[number];

export const isFieldSection = (name: string): name is FieldSection =>
  Object.hasOwn(FIELD_SECTIONS, name);
export const isListSection = (name: string): name is ListSection =>
  (LIST_SECTIONS as readonly string[]).includes(name);
export const isSection = (name: string): name is Section =>
  (SECTIONS as readonly string[]).includes(name);

/**
 * Reads one section's form: the fields to save (only the section's own), the
 * values to show again, and the problems with the section's fields alone.
 * An input the section has but the body lacks (a checkbox list with nothing
 * ticked) is empty, not the record's old value.
 */
export function readSection(
  section: FieldSection,
  body: Body,
  person: PersonRow,
  options: Options,
  today: string,
): { fields: Partial<PersonFields>; values: FormValues; problems: FieldProblem[] } {
  const spec = FIELD_SECTIONS[section];
  const merged: Body = { ...valuesFromPerson(person) };
  for (const input of spec.inputs) merged[input] = body[input];
  const form = readPersonForm(merged, options, today, false);
  const own = new Set<string>([...spec.inputs, ...spec.fields]);
  const fields: Partial<PersonFields> = {};
  for (const field of spec.fields)
    (fields as Record<string, unknown>)[field] = form.fields[field as keyof PersonFields];
  const values: FormValues = {};
  for (const input of spec.inputs) values[input] = form.values[input] ?? '';
  return { fields, values, problems: form.problems.filter((p) => own.has(p.field)) };
}

/** The decision that holds for each consent purpose, from the history newest first. */
export function currentConsentMap(history: Array<{ purpose: string; status: string }>) {
  const map: Record<string, string> = {};
  for (const row of history) map[row.purpose] ??= row.status;
  return map;
}
