import type { ModuleManifest } from '../../platform/manifest.ts';
import { registerRoutes } from './routes/index.ts';

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
export { erasePerson, subjectAccessExport, readSuppressionFile, fingerprint } from './rights.ts';
export {
  createPerson,
  flagDuplicates,
  personByReference,
  recordConsents,
  type ConsentChange,
} from './service.ts';
export { checkContact, dateFromParts, tidy, validIsoDate } from './validate.ts';
export type { OptionList } from './lists.ts';
export { loadOptions, optionLabel, activeCodes, type Options } from './options.ts';
export { countPeople, hasServices, listServices, sumNeedsOf } from './queries.ts';
export type { NewPerson, NewService, NewPersonService } from './service.ts';
export {
  registerPersonData,
  registerTimelineSource,
  type PersonDataHandler,
  type TimelineEntry,
  type TimelineSource,
} from './hooks.ts';
export { ACCESS_NEEDS, CHANNELS, type AccessNeed } from './lists.ts';

/** The involvement register: services, people, their needs, consents and rights. */
export const peopleModule: ModuleManifest = {
  name: 'people',
  routes: registerRoutes,
  navigation: [
    {
      side: 'staff',
      href: '/staff/people',
      labelKey: 'nav.people',
      order: 15,
      action: 'people:view',
    },
    {
      side: 'staff',
      href: '/staff/services',
      labelKey: 'nav.services',
      order: 20,
      action: 'services:view',
    },
    {
      side: 'staff',
      href: '/staff/people/equality',
      labelKey: 'nav.equality',
      order: 25,
      action: 'equality:stats',
    },
    {
      side: 'staff',
      href: '/staff/imports',
      labelKey: 'nav.imports',
      order: 70,
      action: 'people:import',
    },
    {
      side: 'staff',
      href: '/staff/rights',
      labelKey: 'nav.rights',
      order: 72,
      action: 'rights:manage',
    },
    {
      side: 'staff',
      href: '/admin/register',
      labelKey: 'nav.register',
      order: 75,
      action: 'register:configure',
    },
  ],
};
