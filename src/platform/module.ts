import { PLATFORM_ACTIONS, platformRule } from './auth/index.ts';
import {
  IMPORT_ACTIONS,
  importJobs,
  importRoutes,
  importsRule,
  importsWaiting,
} from './imports/index.ts';
import { deliverMail } from './mail/index.ts';
import type { ModuleManifest } from './manifest.ts';
import { API_ACTIONS, apiRule } from './api/index.ts';
import { apiTokenRoutes } from './api/routes.ts';

/**
 * The platform declares what it brings the same way a module does: its own
 * actions and rules, the imports pages (for the kinds modules declare), and
 * the jobs that deliver mail and run large imports. It comes first in MODULES.
 */
export const platformModule: ModuleManifest = {
  name: 'platform',
  routes: async (app) => {
    await app.register(importRoutes);
    await app.register(apiTokenRoutes);
  },
  permissions: {
    actions: [...PLATFORM_ACTIONS, ...IMPORT_ACTIONS, ...API_ACTIONS],
    rules: [
      { layer: 'organisation', rule: platformRule },
      { layer: 'organisation', rule: importsRule },
      { layer: 'organisation', rule: apiRule },
    ],
  },
  jobs: { 'mail.deliver': deliverMail, ...importJobs },
  contributes: { workWaiting: { imports: importsWaiting } },
  navigation: [
    {
      side: 'staff',
      href: '/staff/imports',
      labelKey: 'nav.imports',
      order: 70,
      action: 'imports:view',
      area: 'settings',
    },
    {
      side: 'staff',
      href: '/admin/api-tokens',
      labelKey: 'nav.apiTokens',
      order: 96,
      action: 'api-tokens:manage',
      area: 'settings',
    },
  ],
};
