import { can, type PermissionRule } from '../auth/index.ts';
import { importKinds } from './pipeline.ts';

/** What the imports pages guard: reaching them at all; each kind then needs its own action. */
export const IMPORT_ACTIONS = ['imports:view'] as const;

declare module '../auth/index.ts' {
  interface Actions extends Record<(typeof IMPORT_ACTIONS)[number], true> {}
}

/** Whoever may import some installed kind may reach the imports pages. */
export const importsRule: PermissionRule = (user, action) =>
  action === 'imports:view' && importKinds().some((k) => can(user, k.action)) ? 'allow' : undefined;
