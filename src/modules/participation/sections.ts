import { asc, eq } from 'drizzle-orm';
import type { InitiativeSection } from '../../platform/manifest.ts';
import { activities, opportunities } from './tables.ts';

// An initiative's page lists its opportunities and its activities, with the
// links to add them: one query each.

const opportunitiesSection: InitiativeSection = async (tx, initiativeId, text, can) => {
  const rows = await tx
    .select({ id: opportunities.id, title: opportunities.title, status: opportunities.status })
    .from(opportunities)
    .where(eq(opportunities.initiativeId, initiativeId))
    .orderBy(asc(opportunities.title));
  const manage = can('participation:manage');
  return {
    title: text('initiativeSections.opportunities'),
    rows: rows.map((r) => ({
      text: r.title,
      href: manage ? `/staff/opportunities/${r.id}` : undefined,
      hint: text(`initiativeSections.statuses.${r.status}`),
    })),
    actions: manage
      ? [
          {
            text: text('initiativeSections.addOpportunity'),
            href: `/staff/opportunities/new?initiative=${initiativeId}`,
          },
        ]
      : [],
    empty: text('initiativeSections.noOpportunities'),
  };
};

const activitiesSection: InitiativeSection = async (tx, initiativeId, text, can) => {
  const rows = await tx
    .select({ id: activities.id, title: activities.title, startsAt: activities.startsAt })
    .from(activities)
    .where(eq(activities.initiativeId, initiativeId))
    .orderBy(asc(activities.startsAt));
  const manage = can('participation:manage');
  return {
    title: text('initiativeSections.activities'),
    rows: rows.map((r) => ({
      text: r.title,
      href: manage ? `/staff/activities/${r.id}` : undefined,
      hint: r.startsAt.toISOString().slice(0, 10),
    })),
    actions: manage
      ? [
          {
            text: text('initiativeSections.addActivity'),
            href: `/staff/activities/new?initiative=${initiativeId}`,
          },
        ]
      : [],
    empty: text('initiativeSections.noActivities'),
  };
};

/** Participation's sections of an initiative's page, for its manifest. */
export const initiativeSections = {
  opportunities: opportunitiesSection,
  activities: activitiesSection,
};
