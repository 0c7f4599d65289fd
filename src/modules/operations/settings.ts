import { z } from 'zod';
import { defineSettings } from '../../platform/manifest.ts';

/**
 * The organisation's involvement menu for staff recruitment (seed 000 §9:
 * "Develop toolkit and service user involvement menu"): the items a
 * recruitment's `involvement` may name. The defaults are the ways customers
 * take part in recruitment that the seed and issue 14 name.
 */
export const DEFAULT_INVOLVEMENT_MENU = [
  { code: 'interview_panel', label: 'Customer on the interview panel' },
  { code: 'question_setting', label: 'Customers set interview questions' },
  { code: 'shortlisting', label: 'Customers shortlist candidates' },
  { code: 'informal_meeting', label: 'Candidates meet customers informally' },
  { code: 'job_description', label: 'Customers help write the job description' },
  { code: 'service_tour', label: 'Customers show candidates round the service' },
];

const item = z.object({
  code: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/)
    .describe('lower case letters, digits and _'),
  label: z.string().min(1).max(120),
});

export const operationsSettings = defineSettings(
  'operations',
  z.object({
    involvementMenu: z.array(item).min(1).max(40).default(DEFAULT_INVOLVEMENT_MENU),
  }),
);
