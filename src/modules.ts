import type { ModuleManifest } from './platform/manifest.ts';
import { platformModule } from './platform/module.ts';
import { portal } from './modules/portal/index.ts';
import { initiativesModule } from './modules/initiatives/index.ts';
import { participationModule } from './modules/participation/index.ts';
import { groupsModule } from './modules/groups/index.ts';
import { peopleModule } from './modules/people/index.ts';
import { identity } from './modules/identity/index.ts';
import { settings } from './modules/settings/index.ts';
import { translationsModule } from './modules/translations/index.ts';
import { feedbackModule } from './modules/feedback/index.ts';
import { surveysModule } from './modules/surveys/index.ts';
import { operationsModule } from './modules/operations/index.ts';
import { tsmModule } from './modules/tsm/index.ts';
import { kpisModule } from './modules/kpis/index.ts';

/**
 * Every module, in navigation order: the one list the app, the worker and the
 * CLI install (docs/architecture.md, "Adding a module"). A new module is added
 * here and touches nothing else outside its folder.
 */
export const MODULES: readonly ModuleManifest[] = [
  platformModule,
  portal,
  initiativesModule,
  participationModule,
  feedbackModule,
  groupsModule,
  peopleModule,
  surveysModule,
  operationsModule,
  tsmModule,
  kpisModule,
  identity,
  settings,
  translationsModule,
];
