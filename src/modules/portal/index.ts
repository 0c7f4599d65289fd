import type { ModuleManifest } from '../../platform/manifest.ts';
import { portalRoutes } from './routes.ts';

/** The customer's side: public pages now; a person's own pages come with sign-in. */
export const portal: ModuleManifest = {
  name: 'portal',
  routes: portalRoutes,
  navigation: [{ side: 'public', href: '/', labelKey: 'nav.home', order: 0 }],
};
