import { rolesMayDo } from '../../platform/auth/index.ts';

/** What the translation workflow guards. */
export const TRANSLATIONS_ACTIONS = ['translations:manage'] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof TRANSLATIONS_ACTIONS)[number], true> {}
}

/** Only administrators change the words the organisation's pages show. */
export const translationsRules = rolesMayDo({ 'translations:manage': ['admin'] });
