import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { audit, type Actor } from '../audit/index.ts';
import type { Queryable } from '../db/index.ts';
import type { ModuleSettings } from '../manifest.ts';
import { organisations } from './tables.ts';

/**
 * A module's settings, kept in the organisation's settings under the
 * module's own name and read through the schema its manifest declares: what
 * the organisation has not chosen comes from the schema's defaults, and a
 * stored value the schema no longer accepts falls back to its default
 * instead of breaking the page. A null organisation means the one the
 * scoped transaction belongs to (for services not handed its id).
 */
export async function readModuleSettings<S extends z.ZodObject>(
  tx: Queryable,
  organisationId: string | null,
  settings: ModuleSettings<S>,
): Promise<z.output<S>> {
  const [row] = await tx
    .select({ stored: sql<unknown>`${organisations.settings} -> ${settings.module}` })
    .from(organisations)
    .where(
      organisationId === null
        ? sql`${organisations.id} = app_organisation_id()`
        : eq(organisations.id, organisationId),
    );
  if (!row) throw new Error('The organisation is not there');
  const stored = (row.stored && typeof row.stored === 'object' ? row.stored : {}) as Record<
    string,
    unknown
  >;
  const parsed = settings.schema.safeParse(stored);
  if (parsed.success) return parsed.data;
  // Keep the values that still parse, one field at a time; the rest take their defaults.
  const kept: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(settings.schema.shape)) {
    const one = (field as z.ZodType).safeParse(stored[key]);
    if (one.success) kept[key] = stored[key];
  }
  return settings.schema.parse(kept);
}

/** What a change to a module's settings got wrong, by field, in the schema's words. */
export type SettingsProblems = Record<string, string>;

/**
 * Changes some of a module's settings, keeping the others, after checking the
 * whole result against the schema; audited before and after. Returns the
 * problems by field instead when the schema refuses it (nothing is saved).
 */
export async function updateModuleSettings<S extends z.ZodObject>(
  tx: Queryable,
  actor: Actor,
  organisationId: string,
  settings: ModuleSettings<S>,
  change: Partial<z.input<S>>,
): Promise<{ ok: true; value: z.output<S> } | { ok: false; problems: SettingsProblems }> {
  const before = await readModuleSettings(tx, organisationId, settings);
  const parsed = settings.schema.safeParse({ ...before, ...change });
  if (!parsed.success) {
    const problems: SettingsProblems = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      problems[field] ??= issue.message;
    }
    return { ok: false, problems };
  }
  await tx
    .update(organisations)
    .set({
      settings: sql`jsonb_set(${organisations.settings}, ${`{${settings.module}}`}::text[], ${JSON.stringify(parsed.data)}::jsonb, true)`,
    })
    .where(eq(organisations.id, organisationId));
  await audit(tx, actor, {
    action: 'update',
    // The same entity as the platform's settings, so one filter of the audit trail finds every change.
    entity: 'organisation_settings',
    entityId: organisationId,
    before,
    after: parsed.data,
  });
  return { ok: true, value: parsed.data };
}
