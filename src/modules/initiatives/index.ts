import type { ModuleManifest } from '../../platform/manifest.ts';
import { initiativeRoutes } from './routes.ts';
import { INITIATIVE_ACTIONS, initiativeRules } from './permissions.ts';
import { initiativeStatistics } from './statistics.ts';

export { DEFAULT_RUNGS, RUNGS, countsAsInvolvement, isCoProduced, type Rung } from './ladder.ts';
export { initiatives, ladderRungs, type InitiativeRow } from './tables.ts';
export {
  INITIATIVE_STATUSES,
  initiativeById,
  listInitiatives,
  loadLadder,
  type InitiativeDetail,
  type InitiativeFilter,
  type InitiativeStatus,
  type InitiativeSummary,
  type LadderRung,
} from './queries.ts';
export {
  PURPOSE_PARTS,
  closeInitiative,
  createInitiative,
  missingPurposeParts,
  publishInitiative,
  updateInitiative,
  type InitiativeInput,
  type InitiativeSection,
  type InitiativeSectionContent,
  type PublishResult,
  type PurposePart,
} from './service.ts';

/** Initiatives on the co-production ladder, with their purpose statements. */
export const initiativesModule: ModuleManifest = {
  name: 'initiatives',
  routes: initiativeRoutes,
  statistics: initiativeStatistics,
  links: {
    kinds: [
      {
        kind: 'initiatives.initiative',
        table: 'initiatives',
        labelKey: 'initiatives.linkKind',
        href: (id) => `/staff/initiatives/${id}`,
      },
    ],
  },
  permissions: {
    actions: INITIATIVE_ACTIONS,
    rules: [{ layer: 'organisation', rule: initiativeRules }],
  },
  navigation: [
    {
      side: 'staff',
      href: '/staff/initiatives',
      labelKey: 'nav.initiatives',
      order: 10,
      action: 'initiatives:view',
      area: 'involvement',
    },
  ],
};
