import type { ModuleManifest } from '../../platform/manifest.ts';
import { settingsRoutes } from './routes.ts';
import { SETTINGS_ACTIONS, settingsRules } from './permissions.ts';

/** The organisation's own settings: its names, colour, logo and languages. */
export const settings: ModuleManifest = {
  name: 'settings',
  routes: settingsRoutes,
  permissions: {
    actions: SETTINGS_ACTIONS,
    rules: [{ layer: 'organisation', rule: settingsRules }],
  },
  navigation: [
    {
      side: 'staff',
      href: '/admin/organisation',
      labelKey: 'nav.organisation',
      order: 95,
      action: 'organisation:manage',
      area: 'settings',
    },
  ],
};
