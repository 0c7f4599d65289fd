import type { ModuleManifest } from '../../platform/manifest.ts';
import { surveyRoutes } from './routes/index.ts';
import { SURVEY_ACTIONS, surveyRules } from './permissions.ts';
import { surveysPersonData, surveysTimeline } from './person-data.ts';
import { coauthorSection } from './coauthor.ts';
import { RESPONSE_COMPLETED, TRIGGER_EVENTS } from './events.ts';
import { todayInLondon } from '../../platform/calendar/index.ts';
import {
  REMINDERS_JOB,
  SEND_JOB,
  inviteOnEvents,
  remindersJob,
  sendInvitationsJob,
} from './invitations.ts';

export { TEMPLATES, findTemplate } from './templates.ts';
export {
  SATISFACTION,
  AGREEMENT,
  type SurveyDefinition,
  type Question,
  type Answers,
} from './definition.ts';
export { wilson } from './analysis.ts';
export { tsmSurveyResponses, type TsmSurveyResponse } from './tsm-source.ts';
export { RESPONSE_COMPLETED, TRIGGER_EVENTS } from './events.ts';
/** Surveys' tables, for the demo seed and tests (never another module's SQL). */
export * as surveyTables from './tables.ts';

/** Surveys and polls: the builder, every way of reaching people, responses and analysis (issue 12). */
export const surveysModule: ModuleManifest = {
  name: 'surveys',
  routes: surveyRoutes,
  permissions: {
    actions: SURVEY_ACTIONS,
    rules: [{ layer: 'organisation', rule: surveyRules }],
  },
  links: {
    kinds: [
      {
        kind: 'surveys.survey',
        table: 'surveys',
        labelKey: 'surveys.linkKinds.survey',
        href: (id) => `/staff/surveys/${id}`,
      },
      {
        kind: 'surveys.response',
        table: 'survey_responses',
        labelKey: 'surveys.linkKinds.response',
      },
      {
        kind: 'surveys.invitation',
        table: 'survey_invitations',
        labelKey: 'surveys.linkKinds.invitation',
      },
    ],
    names: [
      {
        // A triggered survey records that feedback was offered on the operational record.
        name: 'feedback-offered',
        from: ['surveys.invitation'],
        to: [
          'operations.recruitment',
          'operations.audit',
          'operations.complaint',
          'operations.repair',
        ],
        labelKey: 'surveys.linkNames.feedback-offered',
      },
    ],
  },
  events: {
    emits: [
      {
        name: RESPONSE_COMPLETED,
        description:
          'A survey or poll response was completed (record surveys.response; data: surveyId, template, method, collectedOn, answers by question code, freeText, anonymous, mayQuote, hearBack).',
      },
    ],
    // The trigger: a survey set to go out on one of these is sent to the
    // person the record names (issue 12 §3).
    listens: Object.fromEntries(
      TRIGGER_EVENTS.map((name) => [
        name,
        async (tx, events) => {
          await inviteOnEvents(tx, events, todayInLondon());
        },
      ]),
    ),
  },
  jobs: { [SEND_JOB]: sendInvitationsJob, [REMINDERS_JOB]: remindersJob },
  mail: {
    'survey-invitation': {
      paragraphs: ['intro', 'why', 'once'],
      action: 'action',
      easy: {
        paragraphs: ['intro', 'survey', 'what', 'why', 'email', 'once', 'time', 'next'],
        action: 'action',
      },
    },
    'survey-reminder': {
      paragraphs: ['intro', 'once'],
      action: 'action',
      easy: { paragraphs: ['intro', 'what', 'yet', 'choice', 'once', 'next'], action: 'action' },
    },
  },
  contributes: {
    personData: [surveysPersonData],
    timeline: { surveys: surveysTimeline },
    portalSections: { coauthor: coauthorSection },
  },
  navigation: [
    {
      side: 'staff',
      href: '/staff/surveys',
      labelKey: 'nav.surveys',
      order: 40,
      action: 'surveys:analyse',
      area: 'insight',
    },
  ],
};
