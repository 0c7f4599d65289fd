import type { ModuleManifest } from '../../platform/manifest.ts';
import { peopleRoutes } from './routes.ts';

export { addPeople, addServices, linkPeopleToServices } from './service.ts';
export { countPeople, hasServices, listServices } from './queries.ts';
export type { NewPerson, NewService, NewPersonService } from './service.ts';

/** The involvement register: services and people. */
export const peopleModule: ModuleManifest = {
  name: 'people',
  routes: peopleRoutes,
  navigation: [
    {
      side: 'staff',
      href: '/staff/services',
      labelKey: 'nav.services',
      order: 20,
      action: 'services:view',
    },
  ],
};
