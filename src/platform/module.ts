import { PLATFORM_ACTIONS, platformRule } from './auth/index.ts';
import { deliverMail } from './mail/index.ts';
import type { ModuleManifest } from './manifest.ts';

/**
 * The platform declares what it brings the same way a module does: its own
 * actions and rule, and the job that delivers mail. It comes first in MODULES.
 */
export const platformModule: ModuleManifest = {
  name: 'platform',
  permissions: {
    actions: PLATFORM_ACTIONS,
    rules: [{ layer: 'organisation', rule: platformRule }],
  },
  jobs: { 'mail.deliver': deliverMail },
};
