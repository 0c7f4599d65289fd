import type { FastifyPluginAsync } from 'fastify';
import type { Action } from './auth/index.ts';

/** A link in the service navigation, on the public side or the staff side. */
export interface NavigationItem {
  side: 'public' | 'staff';
  href: string;
  /** i18n key of the link text. */
  labelKey: string;
  /** Position in the navigation: lower comes first. */
  order: number;
  /** Shown only to users who may take this action (staff side). */
  action?: Action;
}

/**
 * What a module declares about itself (after Decidim's component manifests):
 * its name, its routes and where it appears in the navigation. app.ts
 * registers each manifest; the layout builds the navigation from them.
 */
export interface ModuleManifest {
  name: string;
  routes: FastifyPluginAsync;
  navigation: NavigationItem[];
}
