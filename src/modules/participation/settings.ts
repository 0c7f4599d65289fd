import { z } from 'zod';
import { defineSettings } from '../../platform/manifest.ts';

/** The most any policy amount may be: £100,000 (the policy page reads it from here). */
export const POLICY_MAX_PENCE = 10_000_000;

const pence = z.number().int().min(0).max(POLICY_MAX_PENCE);

/**
 * Participation's settings (issue 5), kept under "participation" in the
 * organisation's settings: the reward policy, and how often one person may
 * be asked before matching leaves them out.
 */
export const participationSettings = defineSettings(
  'participation',
  z.object({
    /** Pence per hour of attendance, and the most for one activity (0: no cap). */
    rewardPerHourPence: pence.default(1000),
    rewardCapPerActivityPence: pence.default(3000),
    /** Warn when a person's rewards near these totals (payments can affect benefits). */
    rewardWeeklyThresholdPence: pence.default(2000),
    rewardMonthlyThresholdPence: pence.default(8000),
    rewardTaxYearThresholdPence: pence.default(100000),
    /** Matching leaves out people invited more than this many times in the window. */
    invitationLimit: z.number().int().min(1).max(100).default(3),
    invitationWindowDays: z.number().int().min(1).max(3650).default(90),
  }),
);
