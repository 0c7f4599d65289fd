import type { ModuleManifest } from '../../platform/manifest.ts';
import { translationsCommand } from './cli.ts';
import { seedTranslationsDemo } from './demo.ts';
import { TRANSLATIONS_ACTIONS, translationsRules } from './permissions.ts';
import { translationsRoutes } from './routes.ts';

export { coverageByPage, interfaceStrings, type InterfaceString } from './catalogue.ts';
export { exportFile, importFile, problemText } from './service.ts';

/**
 * The organisation's own translators' workflow (issue 10 §2): every interface
 * string exported with its English, component, pages and current Welsh (PO
 * or CSV), imported back checked and all or nothing into the organisation's
 * overrides (platform/i18n/overrides.ts), and /admin/translations with
 * coverage by page, search, one-string editing, download and upload.
 */
export const translationsModule: ModuleManifest = {
  name: 'translations',
  routes: translationsRoutes,
  permissions: {
    actions: TRANSLATIONS_ACTIONS,
    rules: [{ layer: 'organisation', rule: translationsRules }],
  },
  navigation: [
    {
      side: 'staff',
      href: '/admin/translations',
      labelKey: 'nav.translations',
      area: 'settings',
      order: 96,
      action: 'translations:manage',
    },
  ],
  contributes: { commands: { translations: translationsCommand }, demo: seedTranslationsDemo },
};
