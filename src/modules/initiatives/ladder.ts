/**
 * The co-production ladder of seed 000 §3.2 (NCAG's ladder, with
 * Empowerment in place of the lowest rung's old name). Rung 0, Coercion,
 * is recorded for events where people are passive recipients and never
 * counted as involvement. Organisations may rename and re-describe rungs
 * (ladder_rungs), never reorder them: the number is the rung.
 */
export const RUNGS = [0, 1, 2, 3, 4, 5, 6, 7] as const;
export type Rung = (typeof RUNGS)[number];

export const DEFAULT_RUNGS: Record<Rung, { name: string; description: string }> = {
  0: {
    name: 'Coercion',
    description: 'Customers attend events about the service as passive recipients.',
  },
  1: {
    name: 'Educating',
    description:
      'Customers are helped to understand the service design and delivery and gain the relevant knowledge.',
  },
  2: {
    name: 'Informing',
    description:
      'Customers receive information about the service and how they work. What decisions have been made and why.',
  },
  3: {
    name: 'Consultation',
    description:
      'Customers are asked their opinions via surveys and meetings, but they do not have the power to influence or affect change.',
  },
  4: {
    name: 'Engagement',
    description:
      'Customers are given opportunities to express their views and influence some decisions.',
  },
  5: {
    name: 'Co-design',
    description:
      'Customers involved in designing services based on their experiences and ideas. Customers have a genuine influence but are not involved in seeing it through.',
  },
  6: {
    name: 'Empowerment',
    description: 'Celebrating and rewarding customer involvement, successes, ideas and influence.',
  },
  7: {
    name: 'Co-production',
    description:
      'Equal relationship between customer and organisation: co-design, deliver, and make decisions about policy and service delivery.',
  },
};

/** Rung 0 is recorded, never counted as involvement. */
export const countsAsInvolvement = (rung: number) => rung >= 1;
/** "Co-produced" in the KPIs: rung 5 (co-design) or above. */
export const isCoProduced = (rung: number) => rung >= 5;
