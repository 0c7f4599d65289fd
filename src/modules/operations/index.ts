import type { ModuleManifest } from '../../platform/manifest.ts';
import { operationsImports } from './import-kinds.ts';
import { OPERATIONS_ACTIONS, operationsRules } from './permissions.ts';
import { operationsRoutes } from './routes.ts';
import { operationsSettings } from './settings.ts';
import { operationsStatistics } from './statistics.ts';
import { EVENT_NAMES } from './events.ts';
import { seedOperationsDemo } from './demo.ts';

export { homesFor, managementMeasures, responseDeadline, respondedInTime } from './measures.ts';
export type { ManagementMeasure, MeasureCode } from './measures.ts';
export { operationsStatistics } from './statistics.ts';
export { EVENT_NAMES } from './events.ts';
export { operationsSettings, DEFAULT_INVOLVEMENT_MENU } from './settings.ts';
export { AUDIT_TYPES, AUDIT_TYPES_LEFT_OUT, RATINGS, KINDS, type OperationsKind } from './kinds.ts';

/**
 * The organisation's own operational records that involvement KPIs and the
 * Tenant Satisfaction management measures are measured on: recruitment,
 * quality audits, complaints (a row a stage), repairs, volunteer obligations,
 * ASB cases, and homes by year and tenure (issue 14).
 */
export const operationsModule: ModuleManifest = {
  name: 'operations',
  routes: operationsRoutes,
  permissions: {
    actions: OPERATIONS_ACTIONS,
    rules: [{ layer: 'organisation', rule: operationsRules }],
  },
  settings: operationsSettings,
  statistics: operationsStatistics,
  links: {
    kinds: [
      {
        kind: 'operations.recruitment',
        table: 'recruitments',
        labelKey: 'operations.kinds.recruitment_one',
        href: (id) => `/staff/operations/recruitment/${id}`,
      },
      {
        kind: 'operations.audit',
        table: 'quality_audits',
        labelKey: 'operations.kinds.audits_one',
        href: (id) => `/staff/operations/audits/${id}`,
      },
      {
        kind: 'operations.complaint',
        table: 'complaint_stages',
        labelKey: 'operations.kinds.complaints_one',
        href: (id) => `/staff/operations/complaints/${id}`,
      },
      {
        kind: 'operations.repair',
        table: 'repairs',
        labelKey: 'operations.kinds.repairs_one',
        href: (id) => `/staff/operations/repairs/${id}`,
      },
    ],
  },
  events: {
    emits: [
      {
        name: EVENT_NAMES.complaintResponded,
        description:
          'A complaint stage was responded to (record kind operations.complaint; data { stage, reference }; personId when the complainant is on the register).',
      },
      {
        name: EVENT_NAMES.repairCompleted,
        description:
          'A repair was completed (record kind operations.repair; data { reference, priority }; personId when the tenant is on the register).',
      },
      {
        name: EVENT_NAMES.interviewPanelHeld,
        description:
          'A recruitment used a customer interview panel (record kind operations.recruitment; data { reference, title }).',
      },
    ],
  },
  contributes: {
    imports: operationsImports,
    demo: (tx, demo) => seedOperationsDemo(tx, demo),
  },
  navigation: [
    {
      side: 'staff',
      href: '/staff/operations',
      labelKey: 'nav.operations',
      order: 40,
      action: 'operations:view',
      area: 'insight',
    },
    {
      side: 'staff',
      href: '/admin/operations',
      labelKey: 'nav.operationsSettings',
      order: 76,
      action: 'operations:configure',
      area: 'settings',
    },
  ],
};
