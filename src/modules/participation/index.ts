import type { ModuleManifest } from '../../platform/manifest.ts';
import { participationRoutes } from './routes/index.ts';

export { configureSignUpLimits, createOpportunity, publishOpportunity } from './opportunities.ts';
export { matchPeople } from './matching.ts';
export { computeRewardsForActivity, rewardTotals, budgetSpend, taxYearOf } from './rewards.ts';
export { ladderProfile } from './ladder-profile.ts';

/** Opportunities, sign-ups, activities, attendance, hours, rewards, expenses and budget. */
export const participationModule: ModuleManifest = {
  name: 'participation',
  routes: participationRoutes,
  navigation: [
    { side: 'public', href: '/opportunities', labelKey: 'nav.opportunities', order: 10 },
    {
      side: 'staff',
      href: '/staff/opportunities',
      labelKey: 'nav.opportunities',
      order: 11,
      action: 'participation:manage',
    },
    {
      side: 'staff',
      href: '/staff/activities',
      labelKey: 'nav.activities',
      order: 12,
      action: 'participation:manage',
    },
    {
      side: 'staff',
      href: '/staff/rewards',
      labelKey: 'nav.rewards',
      order: 30,
      action: 'rewards:manage',
    },
    {
      side: 'staff',
      href: '/staff/ladder',
      labelKey: 'nav.ladder',
      order: 35,
      action: 'initiatives:view',
    },
  ],
};
