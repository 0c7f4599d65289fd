import { dateInputValues, readDateInput } from '../../platform/forms/index.ts';
import { formList } from '../../platform/views/forms.ts';
import {
  ACCESS_NEEDS,
  AVAILABILITY,
  CHANNELS,
  CONSENT_METHODS,
  PERSON_KINDS,
  SUPPORTER_RELATIONSHIPS,
} from './lists.ts';
import { englishLanguageName, isListedLanguage, languageCode } from './languages.ts';
import { activeCodes, type Options } from './options.ts';
import type { PersonFields } from './service.ts';
import type { PersonRow } from './tables.ts';
import { checkContact, tidy, type FieldProblem } from './validate.ts';

export type Body = Record<string, unknown>;

const only = (values: string[], allowed: Iterable<string>) => {
  const set = new Set(allowed);
  return values.filter((v) => set.has(v));
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const optionalId = (value: unknown) => {
  const v = tidy(value);
  return UUID.test(v) ? v : null;
};

/** What the person form shows: the values as typed, so nothing is lost on an error. */
export type FormValues = Record<string, string | string[]>;

/** The form's values for an existing person. */
export function valuesFromPerson(person: PersonRow): FormValues {
  return {
    reference: person.reference,
    firstName: person.firstName,
    lastName: person.lastName,
    preferredName: person.preferredName ?? '',
    kinds: person.kinds,
    email: person.email ?? '',
    phone: person.phone ?? '',
    addressLine1: person.addressLine1 ?? '',
    addressLine2: person.addressLine2 ?? '',
    town: person.town ?? '',
    postcode: person.postcode ?? '',
    area: person.area ?? '',
    ...dateInputValues('dateOfBirth', person.dateOfBirth),
    // A language the form lists is chosen by name; any other shows in the "another language" box.
    language: isListedLanguage(person.language) ? person.language : 'other',
    languageOther: isListedLanguage(person.language) ? '' : englishLanguageName(person.language),
    preferredChannels: person.preferredChannels,
    bestTimes: person.bestTimes ?? '',
    doNotContact: person.doNotContact ? 'yes' : '',
    needs: person.needs,
    needsNote: person.needsNote ?? '',
    skills: person.skills,
    interests: person.interests,
    availability: person.availability,
    availabilityNote: person.availabilityNote ?? '',
    supporterReference: '',
    supporterRelationship: person.supporterRelationship ?? '',
    contactViaSupporter: person.contactViaSupporter ? 'yes' : '',
    buddyId: person.buddyId ?? '',
    partnerOrganisationId: person.partnerOrganisationId ?? '',
    notes: person.notes ?? '',
  };
}

/**
 * The language chosen on the form as its code: one of the list, or "another
 * language" given by name or code in the box beside it. A code posted in
 * `language` itself (a page from before the list) is taken too, and the form
 * shows it again by name.
 */
function readLanguage(values: FormValues, problems: FieldProblem[]): string {
  const chosen = (values.language as string) || 'en';
  if (chosen === 'other') {
    const code = languageCode(values.languageOther as string);
    if (!code) problems.push({ field: 'languageOther', key: 'languageOther' });
    return code ?? 'en';
  }
  const code = languageCode(chosen);
  if (!code) {
    problems.push({ field: 'language', key: 'language' });
    return 'en';
  }
  if (!isListedLanguage(code)) {
    values.language = 'other';
    values.languageOther = englishLanguageName(code);
  }
  return code;
}

/**
 * Reads the person form: the tidied fields to save, the values to show again,
 * and each problem with the field it belongs to.
 */
export function readPersonForm(
  body: Body,
  options: Options,
  today: string,
  isNew: boolean,
): {
  fields: PersonFields;
  values: FormValues;
  problems: FieldProblem[];
  consents: string[];
  consentMethod: string;
} {
  const text = (name: string) => tidy(body[name]);
  const values: FormValues = {};
  for (const name of [
    'reference',
    'firstName',
    'lastName',
    'preferredName',
    'email',
    'phone',
    'addressLine1',
    'addressLine2',
    'town',
    'postcode',
    'area',
    'dateOfBirth-day',
    'dateOfBirth-month',
    'dateOfBirth-year',
    'language',
    'languageOther',
    'bestTimes',
    'doNotContact',
    'needsNote',
    'availabilityNote',
    'supporterReference',
    'supporterRelationship',
    'contactViaSupporter',
    'buddyId',
    'partnerOrganisationId',
    'notes',
    'consentMethod',
  ])
    values[name] = text(name);
  for (const name of [
    'kinds',
    'preferredChannels',
    'needs',
    'skills',
    'interests',
    'availability',
    'consents',
  ])
    values[name] = formList(body[name]);

  const problems: FieldProblem[] = [];
  if (!values.firstName) problems.push({ field: 'firstName', key: 'firstName' });
  for (const name of ['firstName', 'lastName', 'preferredName', 'reference'] as const)
    if ((values[name] as string).length > 100)
      problems.push({ field: name, key: 'tooLong', label: `register.fieldNames.${name}` });
  const born = readDateInput(body, 'dateOfBirth');
  // A date that is not real is the contact check's 'date' problem; its range is checked there too.
  if (born.problem) problems.push({ field: 'dateOfBirth', key: 'date' });
  const dob = born.iso ?? '';
  const contact = checkContact(
    {
      email: values.email as string,
      phone: values.phone as string,
      postcode: values.postcode as string,
      dateOfBirth: dob,
    },
    today,
    problems,
  );
  const kinds = only(values.kinds as string[], PERSON_KINDS);
  if (kinds.length === 0) problems.push({ field: 'kinds', key: 'kinds' });
  const language = readLanguage(values, problems);
  const relationship = values.supporterRelationship as string;
  const consentMethod = (values.consentMethod as string) || 'verbal';
  if (isNew && !(CONSENT_METHODS as readonly string[]).includes(consentMethod))
    problems.push({ field: 'consentMethod', key: 'consentMethod' });
  const fields: PersonFields = {
    reference: (values.reference as string) || null,
    firstName: values.firstName as string,
    lastName: values.lastName as string,
    preferredName: (values.preferredName as string) || null,
    kinds,
    email: contact.email,
    phone: contact.phone,
    addressLine1: (values.addressLine1 as string) || null,
    addressLine2: (values.addressLine2 as string) || null,
    town: (values.town as string) || null,
    postcode: contact.postcode,
    area: (values.area as string) || null,
    dateOfBirth: contact.dateOfBirth,
    language,
    preferredChannels: only(values.preferredChannels as string[], CHANNELS),
    bestTimes: (values.bestTimes as string) || null,
    doNotContact: values.doNotContact === 'yes',
    needs: only(values.needs as string[], ACCESS_NEEDS),
    needsNote: (values.needsNote as string) || null,
    skills: only(values.skills as string[], activeCodes(options, 'skill')),
    interests: only(values.interests as string[], activeCodes(options, 'interest')),
    availability: only(values.availability as string[], AVAILABILITY),
    availabilityNote: (values.availabilityNote as string) || null,
    // Resolved from supporterReference by the route, which can look it up.
    supporterId: null,
    supporterRelationship: (SUPPORTER_RELATIONSHIPS as readonly string[]).includes(relationship)
      ? relationship
      : null,
    contactViaSupporter: values.contactViaSupporter === 'yes',
    buddyId: optionalId(values.buddyId),
    partnerOrganisationId: optionalId(values.partnerOrganisationId),
    notes: (values.notes as string) || null,
  };
  // An id that is not an id at all is a wrong choice too (the route looks up the others).
  if (values.buddyId && !fields.buddyId) problems.push({ field: 'buddyId', key: 'buddyUnknown' });
  if (values.partnerOrganisationId && !fields.partnerOrganisationId)
    problems.push({ field: 'partnerOrganisationId', key: 'partnerUnknown' });
  if (fields.contactViaSupporter && !values.supporterReference)
    problems.push({ field: 'supporterReference', key: 'supporterNeeded' });
  return { fields, values, problems, consents: values.consents as string[], consentMethod };
}
