import type { ModuleManifest } from '../../platform/manifest.ts';
import { registerRoutes } from './routes/index.ts';
import { PEOPLE_ACTIONS, peopleRules } from './permissions.ts';
import { peopleImport, servicesImport } from './import-kinds.ts';
import { registerTimeline } from './person.ts';
import { peopleLinkKinds, personLinks } from './links.ts';
import { peopleStatistics } from './statistics.ts';
import { registerSettings } from './settings.ts';
import { registerWaiting } from './work-waiting.ts';
import { changeRequestsPersonData } from './change-requests.ts';
import { dataSection, detailsSection } from './portal.ts';

export {
  addConsentRecords,
  addEqualityAnswers,
  addPartners,
  addPeople,
  addRoles,
  addServices,
  addTrainingRecords,
  linkPeopleToServices,
} from './service.ts';
export { ACCESS_NEEDS as REGISTER_NEEDS, EQUALITY_QUESTIONS, DEFAULT_OPTIONS } from './lists.ts';
export {
  erasePerson,
  mergePeople,
  subjectAccessExport,
  readSuppressionFile,
  fingerprint,
} from './rights.ts';
export {
  createPerson,
  createPersonWrites,
  flagDuplicates,
  personByReference,
  recordConsents,
  type ConsentChange,
} from './service.ts';
export { checkContact, dateFromParts, tidy, validIsoDate } from './validate.ts';
export type { OptionList } from './lists.ts';
export {
  loadOptions,
  optionLabel,
  optionLabelOnPage,
  activeCodes,
  type Options,
} from './options.ts';
export {
  countPeople,
  findPeople,
  hasServices,
  listServices,
  listServicesWithCounts,
  needsEasyRead,
  savedListMembers,
  savedListsFor,
  sumNeedsOf,
  type PersonChoice,
} from './queries.ts';
export { recordInvolvement, holdRole, endRole, peopleByIds, staffPeople } from './service.ts';
export { registerSettings } from './settings.ts';
export type { NewPerson, NewService, NewPersonService } from './service.ts';
export {
  PERSON_HELP,
  PersonCommandError,
  applySuppressionList,
  runPersonCommand,
} from './person-cli.ts';
/**
 * The register's tables, for other modules' foreign keys, the demo seed and
 * tests. Another module never reads or writes them in its own SQL (a test
 * fails if it does): it calls the functions and views exported here.
 */
export * as peopleTables from './tables.ts';
export type { PersonDataHandler, TimelineEntry, TimelineSource } from './hooks.ts';
export { ACCESS_NEEDS, CHANNELS, type AccessNeed } from './lists.ts';

/** The involvement register: services, people, their needs, consents and rights. */
export const peopleModule: ModuleManifest = {
  name: 'people',
  routes: registerRoutes,
  permissions: { actions: PEOPLE_ACTIONS, rules: [{ layer: 'organisation', rule: peopleRules }] },
  settings: registerSettings,
  statistics: peopleStatistics,
  links: { kinds: peopleLinkKinds },
  contributes: {
    timeline: { register: registerTimeline },
    personData: [personLinks, changeRequestsPersonData],
    imports: [peopleImport, servicesImport],
    workWaiting: { register: registerWaiting },
    portalSections: { details: detailsSection, data: dataSection },
  },
  navigation: [
    {
      side: 'staff',
      href: '/staff/people',
      labelKey: 'nav.people',
      order: 15,
      action: 'people:view',
      area: 'register',
    },
    {
      side: 'staff',
      href: '/staff/services',
      labelKey: 'nav.services',
      order: 20,
      action: 'services:view',
      area: 'register',
    },
    {
      side: 'staff',
      href: '/staff/people/equality',
      labelKey: 'nav.equality',
      order: 25,
      action: 'equality:stats',
      area: 'register',
    },
    {
      side: 'staff',
      href: '/staff/rights',
      labelKey: 'nav.rights',
      order: 72,
      action: 'rights:manage',
      area: 'register',
    },
    {
      side: 'staff',
      href: '/admin/register',
      labelKey: 'nav.register',
      order: 75,
      action: 'register:configure',
      area: 'settings',
    },
  ],
};
