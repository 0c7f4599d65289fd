import type { ModuleManifest } from '../../platform/manifest.ts';
import { FEEDBACK_ACTIONS, feedbackRules } from './permissions.ts';
import { feedbackRoutes } from './routes/index.ts';
import { CLOSE_LOOP_JOB, closeLoopJob } from './actions.ts';
import { feedbackPersonData, feedbackTimeline } from './person-data.ts';
import { feedbackStatistics } from './statistics.ts';
import { feedbackDemo } from './demo.ts';
import { fileSurveyFreeText } from './intake.ts';

export { DEFAULT_THEMES, listThemes, sentimentOf, suggestThemes, type Theme } from './themes.ts';
export { CHANNELS as FEEDBACK_CHANNELS, recordItems, type ItemInput } from './items.ts';
export { fileSurveyFreeText } from './intake.ts';
export { closeLoop } from './actions.ts';
export { loopDays } from './statistics.ts';
/** Feedback's tables, for the demo seed and tests (never another module's SQL). */
export * as feedbackTables from './tables.ts';

/** Feedback from every channel, its themes, the actions that answer it, and "You said, we did". */
export const feedbackModule: ModuleManifest = {
  name: 'feedback',
  routes: feedbackRoutes,
  permissions: {
    actions: FEEDBACK_ACTIONS,
    rules: [{ layer: 'organisation', rule: feedbackRules }],
  },
  jobs: { [CLOSE_LOOP_JOB]: closeLoopJob },
  mail: {
    'feedback-outcome': { paragraphs: ['intro', 'we', 'outcome', 'reference'], action: 'action' },
    'feedback-outcome-easy': { paragraphs: ['intro', 'told', 'we', 'thanks'], action: 'action' },
  },
  statistics: feedbackStatistics,
  events: {
    // Survey free text becomes feedback (BRIEF: surveys.response_completed).
    listens: {
      'surveys.response_completed': async (tx, events) => {
        await fileSurveyFreeText(tx, events);
      },
    },
  },
  contributes: {
    timeline: { feedback: feedbackTimeline },
    personData: [feedbackPersonData],
    demo: feedbackDemo,
  },
  links: {
    kinds: [
      {
        kind: 'feedback.item',
        table: 'feedback_items',
        labelKey: 'feedback.linkKinds.item',
        href: (id) => `/staff/feedback/items/${id}`,
      },
      {
        kind: 'feedback.action',
        table: 'feedback_actions',
        labelKey: 'feedback.linkKinds.action',
        href: (id) => `/staff/feedback/actions/${id}`,
      },
    ],
    names: [
      {
        name: 'answers',
        from: ['feedback.action'],
        to: ['feedback.item'],
        labelKey: 'feedback.linkNames.answers',
      },
      {
        // groups.decision and surveys.survey are declared by their modules;
        // a link is checked against this list when it is made.
        name: 'arose-from',
        from: ['feedback.action'],
        to: ['groups.decision', 'initiatives.initiative', 'surveys.survey'],
        labelKey: 'feedback.linkNames.aroseFrom',
      },
    ],
  },
  navigation: [
    { side: 'public', href: '/feedback', labelKey: 'nav.giveFeedback', order: 20 },
    { side: 'public', href: '/you-said-we-did', labelKey: 'nav.youSaidWeDid', order: 21 },
    {
      side: 'staff',
      href: '/staff/feedback',
      labelKey: 'nav.feedback',
      order: 40,
      action: 'feedback:log',
      area: 'insight',
    },
    {
      side: 'staff',
      href: '/staff/feedback/report',
      labelKey: 'nav.feedbackThemes',
      order: 41,
      action: 'feedback:view',
      area: 'insight',
    },
  ],
};
