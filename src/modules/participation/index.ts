import type { ModuleManifest } from '../../platform/manifest.ts';
import { participationRoutes } from './routes/index.ts';
import { PARTICIPATION_ACTIONS, participationRules } from './permissions.ts';
import { REMINDERS_JOB, remindersJob } from './activities.ts';
import { initiativeSections } from './sections.ts';
import { participationStatistics } from './statistics.ts';
import { participationSettings } from './settings.ts';
import { opportunitiesSection, pastSection, rewardsSection, upcomingSection } from './portal.ts';
import { participationPersonData, participationTimeline } from './person-data.ts';
import { participationComingUp, participationWaiting } from './work-waiting.ts';

export { configureSignUpLimits, createOpportunity, publishOpportunity } from './opportunities.ts';
export { matchPeople } from './matching.ts';
export { computeRewardsForActivity, rewardTotals, budgetSpend, taxYearOf } from './rewards.ts';
export { ladderProfile } from './ladder-profile.ts';
// For modules whose records are activities (groups' meetings, interview panels):
// they make, invite to and record attendance at activities through these.
export {
  ATTENDANCE_STATUSES,
  activityById,
  createActivity,
  inviteToActivity,
  londonDateTime,
  parseTime,
  saveAttendance,
  RegisterRefused,
  updateActivity,
  whenText,
  whereText,
  type ActivityFields,
  type AttendanceEntry,
  type AttendanceStatus,
} from './activities.ts';
export {
  activitiesByIds,
  attendanceOf,
  type ActivitySummary,
  type AttendanceLine,
} from './activity-reads.ts';
export { participationSettings } from './settings.ts';
/** Participation's tables, for the demo seed and tests (never another module's SQL). */
export * as participationTables from './tables.ts';

/** Opportunities, sign-ups, activities, attendance, hours, rewards, expenses and budget. */
export const participationModule: ModuleManifest = {
  name: 'participation',
  routes: participationRoutes,
  permissions: {
    actions: PARTICIPATION_ACTIONS,
    rules: [{ layer: 'organisation', rule: participationRules }],
  },
  jobs: { [REMINDERS_JOB]: remindersJob },
  mail: {
    'sign-up-accepted': {
      paragraphs: ['intro', 'next'],
      action: 'action',
      easy: { paragraphs: ['intro', 'yes', 'next', 'needs'], action: 'action' },
    },
    'sign-up-declined': {
      paragraphs: ['intro'],
      action: 'action',
      easy: { paragraphs: ['intro', 'message', 'other', 'next'], action: 'action' },
    },
    'sign-up-confirm-contact': { paragraphs: ['intro', 'confirm', 'ignore'], action: 'action' },
    'opportunity-match': {
      paragraphs: ['intro', 'reason'],
      action: 'action',
      // No "press the link" line: the closing date, when there is one, comes
      // after the paragraphs, just before the button.
      easy: { paragraphs: ['intro', 'why', 'email', 'stop'], action: 'action' },
    },
    'activity-invitation': {
      paragraphs: ['intro', 'when', 'where', 'needs', 'calendar'],
      action: 'action',
      easy: {
        paragraphs: ['intro', 'from', 'date', 'time', 'where', 'needs', 'calendar', 'next'],
        action: 'action',
      },
    },
    'activity-reminder': {
      paragraphs: ['intro', 'when', 'where', 'change'],
      action: 'action',
      easy: { paragraphs: ['intro', 'date', 'time', 'where', 'next'], action: 'action' },
    },
  },
  settings: participationSettings,
  statistics: participationStatistics,
  links: {
    kinds: [
      {
        kind: 'participation.opportunity',
        table: 'opportunities',
        labelKey: 'opportunities.linkKind',
        href: (id) => `/staff/opportunities/${id}`,
      },
      {
        kind: 'participation.activity',
        table: 'activities',
        labelKey: 'activities.linkKind',
        href: (id) => `/staff/activities/${id}`,
      },
    ],
  },
  contributes: {
    initiativeSections,
    timeline: { participation: participationTimeline },
    personData: [participationPersonData],
    portalSections: {
      upcoming: upcomingSection,
      opportunities: opportunitiesSection,
      past: pastSection,
      rewards: rewardsSection,
    },
    workWaiting: { participation: participationWaiting },
    comingUp: { participation: participationComingUp },
  },
  navigation: [
    { side: 'public', href: '/opportunities', labelKey: 'nav.opportunities', order: 10 },
    {
      side: 'staff',
      href: '/staff/opportunities',
      labelKey: 'nav.opportunities',
      order: 11,
      action: 'participation:manage',
      area: 'involvement',
    },
    {
      side: 'staff',
      href: '/staff/activities',
      labelKey: 'nav.activities',
      order: 12,
      action: 'participation:manage',
      area: 'involvement',
    },
    {
      side: 'staff',
      href: '/staff/rewards',
      labelKey: 'nav.rewards',
      order: 30,
      action: 'rewards:manage',
      area: 'money',
    },
    {
      side: 'staff',
      href: '/staff/ladder',
      labelKey: 'nav.ladder',
      order: 35,
      action: 'initiatives:view',
      area: 'involvement',
    },
  ],
};
