import type { ModuleManifest } from '../../platform/manifest.ts';
import { tsmCommand } from './cli.ts';
import { seedTsmDemo } from './demo.ts';
import { tsmResponsesImport } from './import-kind.ts';
import { TSM_ACTIONS, tsmRules } from './permissions.ts';
import { tsmRoutes } from './routes.ts';

export { tsmResults, type TsmResults } from './service.ts';
export {
  requiredMargin,
  requiredResponses,
  achievedMargin,
  type SampleEntry,
  type TpMeasure,
} from './measures.ts';

/**
 * The Regulator of Social Housing's Tenant Satisfaction Measures (issue 12
 * §7, issue 14 §4): TP01–TP12 from the tsm-perception surveys and imported
 * responses, the management measures from operations, the sample check and
 * the summary of approach a landlord publishes.
 */
export const tsmModule: ModuleManifest = {
  name: 'tsm',
  routes: tsmRoutes,
  permissions: {
    actions: TSM_ACTIONS,
    rules: [{ layer: 'organisation', rule: tsmRules }],
  },
  contributes: {
    imports: [tsmResponsesImport],
    commands: { tsm: tsmCommand },
    demo: (tx, demo) => seedTsmDemo(tx, demo),
  },
  navigation: [
    {
      side: 'staff',
      href: '/staff/tsm',
      labelKey: 'nav.tsm',
      order: 42,
      action: 'tsm:view',
      area: 'insight',
    },
  ],
};
