import type { ModuleManifest } from '../../platform/manifest.ts';
import { groupRoutes } from './routes/index.ts';
import { GROUP_ACTIONS, groupRules } from './permissions.ts';
import { TERM_REMINDERS_JOB } from './groups.ts';
import { termRemindersJob } from './reminders.ts';
import { PAPERS_JOB, papersCheckJob } from './meetings.ts';
import { groupsPersonData, groupsTimeline } from './person-data.ts';
import { interviewsPersonData } from './interviews-person-data.ts';
import { groupsSection } from './portal.ts';
import { groupsDemo } from './demo.ts';

export {
  groupById,
  groupOfInitiative,
  listGroups,
  membersOf,
  type GroupDetail,
  type GroupListRow,
  type MemberView,
} from './groups.ts';
export { publishedElections, type PublishedElection } from './elections.ts';

/** Panels and forums: terms of reference, seats, members and who has a voice. */
export const groupsModule: ModuleManifest = {
  name: 'groups',
  routes: groupRoutes,
  permissions: {
    actions: GROUP_ACTIONS,
    rules: [{ layer: 'organisation', rule: groupRules }],
  },
  jobs: { [TERM_REMINDERS_JOB]: termRemindersJob, [PAPERS_JOB]: papersCheckJob },
  mail: {
    'group-term-ending': { paragraphs: ['intro', 'next'], action: 'action' },
    'group-term-ending-member': {
      paragraphs: ['intro', 'next'],
      action: 'action',
      easy: { paragraphs: ['intro', 'ends', 'talk', 'again', 'next'], action: 'action' },
    },
    'group-papers': {
      paragraphs: ['intro', 'easyPapers'],
      action: 'action',
      easy: {
        paragraphs: ['intro', 'papers', 'what', 'easyPapers', 'sign', 'next'],
        action: 'action',
      },
    },
    'group-papers-late': { paragraphs: ['intro', 'next'], action: 'action' },
    'group-election-vote': {
      paragraphs: ['intro', 'secret', 'paper'],
      action: 'action',
      easy: {
        paragraphs: ['intro', 'what', 'for', 'date', 'secret', 'once', 'share', 'paper', 'next'],
        action: 'action',
      },
    },
  },
  links: {
    kinds: [
      {
        kind: 'groups.group',
        table: 'groups',
        labelKey: 'groups.linkKind',
        href: (id) => `/staff/groups/${id}`,
      },
      {
        kind: 'groups.meeting_item',
        table: 'group_agenda_items',
        labelKey: 'groups.meetingItemKind',
      },
      {
        kind: 'groups.decision',
        table: 'group_decisions',
        labelKey: 'groups.decisionKind',
      },
      {
        kind: 'groups.action',
        table: 'group_actions',
        labelKey: 'groups.actionKind',
      },
    ],
  },
  contributes: {
    personData: [groupsPersonData, interviewsPersonData],
    timeline: { groups: groupsTimeline },
    portalSections: { groups: groupsSection },
    demo: groupsDemo,
  },
  navigation: [
    {
      side: 'staff',
      href: '/staff/groups',
      labelKey: 'nav.groups',
      order: 13,
      action: 'groups:view',
      area: 'involvement',
    },
  ],
};
