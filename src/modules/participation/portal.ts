import type { PortalSection } from '../../platform/manifest.ts';

/** The customer's rewards and expenses for this year, on their own page. */
export const rewardsSection: PortalSection = async (_tx, _person, text) => ({
  title: text('rewards.portal.title'),
  rows: [{ text: text('rewards.portal.statement'), href: '/my/statement' }],
});
