import type { ModuleManifest } from '../../platform/manifest.ts';
import { FEEDBACK_ACTIONS, feedbackRules } from './permissions.ts';
import { feedbackRoutes } from './routes/index.ts';

export { DEFAULT_THEMES, listThemes, sentimentOf, suggestThemes, type Theme } from './themes.ts';

/** Feedback from every channel, its themes, the actions that answer it, and "You said, we did". */
export const feedbackModule: ModuleManifest = {
  name: 'feedback',
  routes: feedbackRoutes,
  permissions: {
    actions: FEEDBACK_ACTIONS,
    rules: [{ layer: 'organisation', rule: feedbackRules }],
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
    {
      side: 'staff',
      href: '/staff/feedback/themes',
      labelKey: 'nav.feedback',
      order: 40,
      action: 'feedback:themes',
    },
  ],
};
