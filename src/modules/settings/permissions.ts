import { rolesMayDo } from '../../platform/auth/index.ts';

/** What the organisation's settings guard. */
export const SETTINGS_ACTIONS = ['organisation:manage'] as const;

declare module '../../platform/auth/index.ts' {
  interface Actions extends Record<(typeof SETTINGS_ACTIONS)[number], true> {}
}

/** Only administrators change the organisation's names, colour, logo and languages. */
export const settingsRules = rolesMayDo({ 'organisation:manage': ['admin'] });
