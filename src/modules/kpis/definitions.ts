import type { StatisticFilter } from '../../platform/statistics/index.ts';

/**
 * The seed's KPIs, headcount targets and involvement measures (seed 000
 * §13, issue 14 §3), each read from statistics other modules register:
 * the engine never reads another module's tables.
 */

/** One side of a KPI's fraction: a statistic, narrowed by a fixed filter of its own. */
export interface StatisticQuery {
  statistic: string;
  filter?: Pick<StatisticFilter, 'roles' | 'training'>;
}

export interface KpiDefinition {
  code: string;
  /** i18n keys of its name and its plain description. */
  nameKey: string;
  descriptionKey: string;
  numerator: StatisticQuery;
  denominator: StatisticQuery;
  /** The target, a percentage. */
  target: number;
  /** Whether more is better. */
  direction: 'higher' | 'lower';
  /**
   * Red, amber, green: green on or past `green`, amber on or past `amber`,
   * red otherwise (percentages; for `lower`, on or under).
   */
  thresholds: { green: number; amber: number };
  /** Judged only on a whole financial year, read at the end of its Q4: a quarter shows its value unjudged. */
  yearOnly?: boolean;
}

/** A count of people on a day that must reach a number (a dated target). */
export interface HeadcountTarget {
  code: string;
  nameKey: string;
  descriptionKey: string;
  statistic: string;
  filter: Pick<StatisticFilter, 'roles' | 'training'>;
  atLeast: number;
  /** The day it is due, YYYY-MM-DD. */
  dueOn: string;
}

/** A figure without a target, shown a quarter at a time: a count or a share. */
export interface InvolvementMeasure {
  code: string;
  nameKey: string;
  descriptionKey: string;
  /** A count (people, hours) or a share of two counts. */
  numerator: StatisticQuery;
  denominator?: StatisticQuery;
  unit: 'people' | 'hours' | 'share';
}

const rag = (target: number, below = 10) => ({ green: target, amber: target - below });

export const KPIS: readonly KpiDefinition[] = [
  {
    code: 'recruitment_involvement',
    nameKey: 'kpis.defs.recruitment_involvement.name',
    descriptionKey: 'kpis.defs.recruitment_involvement.description',
    numerator: { statistic: 'operations.recruitments_with_involvement' },
    denominator: { statistic: 'operations.recruitments_closed' },
    target: 80,
    direction: 'higher',
    thresholds: rag(80),
  },
  {
    code: 'audits_with_quality_checker',
    nameKey: 'kpis.defs.audits_with_quality_checker.name',
    descriptionKey: 'kpis.defs.audits_with_quality_checker.description',
    numerator: { statistic: 'operations.audits_with_quality_checker' },
    denominator: { statistic: 'operations.audits_counted' },
    target: 40,
    direction: 'higher',
    thresholds: rag(40),
    yearOnly: true,
  },
  {
    code: 'complaint_panels_with_customer',
    nameKey: 'kpis.defs.complaint_panels_with_customer.name',
    descriptionKey: 'kpis.defs.complaint_panels_with_customer.description',
    numerator: { statistic: 'operations.complaint_panels_with_customer' },
    denominator: { statistic: 'operations.complaint_panels' },
    target: 100,
    direction: 'higher',
    thresholds: rag(100),
  },
  {
    code: 'complaint_panels_with_two_customers',
    nameKey: 'kpis.defs.complaint_panels_with_two_customers.name',
    descriptionKey: 'kpis.defs.complaint_panels_with_two_customers.description',
    numerator: { statistic: 'operations.complaint_panels_with_two_customers' },
    denominator: { statistic: 'operations.complaint_panels' },
    target: 100,
    direction: 'higher',
    thresholds: rag(100),
  },
  {
    code: 'complainants_offered_feedback',
    nameKey: 'kpis.defs.complainants_offered_feedback.name',
    descriptionKey: 'kpis.defs.complainants_offered_feedback.description',
    numerator: { statistic: 'operations.stage1_feedback_offered' },
    denominator: { statistic: 'operations.stage1_responded' },
    target: 100,
    direction: 'higher',
    thresholds: rag(100),
  },
  {
    code: 'repairs_feedback_sought',
    nameKey: 'kpis.defs.repairs_feedback_sought.name',
    descriptionKey: 'kpis.defs.repairs_feedback_sought.description',
    numerator: { statistic: 'operations.repairs_feedback_requested' },
    denominator: { statistic: 'operations.repairs_completed' },
    target: 50,
    direction: 'higher',
    thresholds: rag(50),
  },
  {
    code: 'volunteer_obligations_met',
    nameKey: 'kpis.defs.volunteer_obligations_met.name',
    descriptionKey: 'kpis.defs.volunteer_obligations_met.description',
    numerator: { statistic: 'operations.volunteer_obligations_met' },
    denominator: { statistic: 'operations.volunteer_obligations_due' },
    target: 85,
    direction: 'higher',
    thresholds: rag(85),
  },
];

export const HEADCOUNT_TARGETS: readonly HeadcountTarget[] = [
  {
    code: 'panel_members',
    nameKey: 'kpis.targets.panel_members.name',
    descriptionKey: 'kpis.targets.panel_members.description',
    statistic: 'people.holding-role',
    filter: { roles: ['panel_member'] },
    atLeast: 8,
    dueOn: '2019-06-30',
  },
  {
    code: 'customer_co_chair',
    nameKey: 'kpis.targets.customer_co_chair.name',
    descriptionKey: 'kpis.targets.customer_co_chair.description',
    statistic: 'people.holding-role',
    filter: { roles: ['co_chair'], training: ['chairing'] },
    atLeast: 1,
    dueOn: '2019-06-30',
  },
  {
    code: 'trained_quality_checkers',
    nameKey: 'kpis.targets.trained_quality_checkers.name',
    descriptionKey: 'kpis.targets.trained_quality_checkers.description',
    statistic: 'people.holding-role',
    filter: { roles: ['quality_checker'], training: ['quality_checking'] },
    atLeast: 16,
    dueOn: '2019-03-31',
  },
];

export const MEASURES: readonly InvolvementMeasure[] = [
  {
    code: 'people_involved',
    nameKey: 'kpis.measures.people_involved.name',
    descriptionKey: 'kpis.measures.people_involved.description',
    numerator: { statistic: 'participation.people-involved' },
    unit: 'people',
  },
  {
    code: 'hours',
    nameKey: 'kpis.measures.hours.name',
    descriptionKey: 'kpis.measures.hours.description',
    numerator: { statistic: 'participation.hours' },
    unit: 'hours',
  },
  {
    code: 'initiatives_co_produced',
    nameKey: 'kpis.measures.initiatives_co_produced.name',
    descriptionKey: 'kpis.measures.initiatives_co_produced.description',
    numerator: { statistic: 'initiatives.running-co-produced' },
    denominator: { statistic: 'initiatives.running' },
    unit: 'share',
  },
  {
    code: 'feedback_outcome_reached',
    nameKey: 'kpis.measures.feedback_outcome_reached.name',
    descriptionKey: 'kpis.measures.feedback_outcome_reached.description',
    numerator: { statistic: 'feedback.loop_closed' },
    denominator: { statistic: 'feedback.loop_eligible' },
    unit: 'share',
  },
];
