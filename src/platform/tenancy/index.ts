import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { audit, type Actor } from '../audit/index.ts';
import { organisationHosts, organisations, type OrganisationSettings } from './tables.ts';

export { organisations, organisationHosts } from './tables.ts';

/** What a request knows about the organisation it reached. */
export interface Organisation {
  id: string;
  slug: string;
  name: string;
  nameCy: string | null;
  brandColour: string;
  hasLogo: boolean;
  welshEnabled: boolean;
  settings: OrganisationSettings;
}

const columns = {
  id: organisations.id,
  slug: organisations.slug,
  name: organisations.name,
  nameCy: organisations.nameCy,
  brandColour: organisations.brandColour,
  hasLogo: sql<boolean>`${organisations.logo} is not null`,
  welshEnabled: organisations.welshEnabled,
  settings: organisations.settings,
};

/** Lower-cases a Host header and drops its port. */
export function normaliseHost(host: string | undefined): string {
  if (!host) return '';
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  return lower.replace(/:\d+$/, '');
}

/**
 * Finds the organisation a request reaches: by its host name, or else the
 * default organisation. Runs on the system handle, before any organisation is
 * known (one of the paths docs/architecture.md names).
 */
export async function findOrganisationForHost(
  system: Queryable,
  host: string,
  defaultSlug: string,
): Promise<{ organisation: Organisation; byHost: boolean } | null> {
  const [byHost] = await system
    .select(columns)
    .from(organisationHosts)
    .innerJoin(organisations, eq(organisations.id, organisationHosts.organisationId))
    .where(eq(organisationHosts.host, host))
    .limit(1);
  if (byHost) return { organisation: byHost, byHost: true };
  const fallback = await findOrganisationBySlug(system, defaultSlug);
  return fallback ? { organisation: fallback, byHost: false } : null;
}

/** Finds an organisation by its slug, on the system handle (CLI, default organisation). */
export async function findOrganisationBySlug(
  system: Queryable,
  slug: string,
): Promise<Organisation | null> {
  const [row] = await system
    .select(columns)
    .from(organisations)
    .where(eq(organisations.slug, slug));
  return row ?? null;
}

export interface NewOrganisation {
  slug: string;
  name: string;
  nameCy?: string | null;
  brandColour?: string;
  welshEnabled?: boolean;
  hostNames?: string[];
  logo?: { content: Buffer; contentType: string } | null;
}

/** Creates an organisation and its host names (system handle: there is no tenant yet). */
export async function createOrganisation(
  system: Queryable,
  input: NewOrganisation,
): Promise<Organisation> {
  return system.transaction(async (tx) => {
    const [row] = await tx
      .insert(organisations)
      .values({
        slug: input.slug,
        name: input.name,
        nameCy: input.nameCy ?? null,
        brandColour: input.brandColour ?? '#00594f',
        welshEnabled: input.welshEnabled ?? false,
        logo: input.logo?.content ?? null,
        logoContentType: input.logo?.contentType ?? null,
      })
      .returning(columns);
    if (!row) throw new Error('The organisation was not created');
    if (input.hostNames?.length) {
      await tx
        .insert(organisationHosts)
        .values(
          input.hostNames.map((host) => ({ host: normaliseHost(host), organisationId: row.id })),
        );
    }
    return row;
  });
}

/** The organisation's logo, read inside its own scoped transaction. */
export async function readLogo(
  tx: Queryable,
  organisationId: string,
): Promise<{ content: Buffer; contentType: string } | null> {
  const [row] = await tx
    .select({ logo: organisations.logo, contentType: organisations.logoContentType })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  if (!row?.logo || !row.contentType) return null;
  return { content: row.logo, contentType: row.contentType };
}

/** The name to show in a language: Welsh where the organisation gave one. */
export function organisationName(org: Organisation, language: 'en' | 'cy'): string {
  return language === 'cy' && org.nameCy ? org.nameCy : org.name;
}

/** Relative luminance contrast (WCAG 2.x) between two #rrggbb colours. */
export function contrastRatio(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** White or black text on the brand colour, whichever contrasts more (WCAG 1.4.3). */
export function textColourOn(background: string): '#ffffff' | '#0b0c0c' {
  return contrastRatio(background, '#ffffff') >= contrastRatio(background, '#0b0c0c')
    ? '#ffffff'
    : '#0b0c0c';
}

/** The settings an administrator can change, as they are now. */
export async function readOrganisationSettings(tx: Queryable, organisationId: string) {
  const [row] = await tx
    .select({
      name: organisations.name,
      nameCy: organisations.nameCy,
      brandColour: organisations.brandColour,
      welshEnabled: organisations.welshEnabled,
      settings: organisations.settings,
    })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  if (!row) throw new Error('The organisation is not there');
  const { settings, ...rest } = row;
  return { ...rest, nation: settings.nation ?? DEFAULT_SETTINGS.nation };
}

export interface OrganisationChange {
  name: string;
  nameCy: string | null;
  brandColour: string;
  welshEnabled: boolean;
  /** Whose bank holidays count for working days; left as it is when absent. */
  nation?: NonNullable<OrganisationSettings['nation']>;
  logo?: { content: Buffer; contentType: string } | null;
}

/**
 * Changes the organisation's own settings, in its scoped transaction, with an
 * audit record of what changed (the logo by size and type, not its bytes).
 */
export async function updateOrganisation(
  tx: Queryable,
  actor: Actor,
  organisationId: string,
  change: OrganisationChange,
): Promise<void> {
  const before = await readOrganisationSettings(tx, organisationId);
  const values: Partial<typeof organisations.$inferInsert> = {
    name: change.name,
    nameCy: change.nameCy,
    brandColour: change.brandColour,
    welshEnabled: change.welshEnabled,
  };
  if (change.logo !== undefined) {
    values.logo = change.logo?.content ?? null;
    values.logoContentType = change.logo?.contentType ?? null;
  }
  // The nation lives in the settings, merged so that the other settings stay as they are.
  const settings =
    change.nation === undefined
      ? {}
      : {
          settings: sql`${organisations.settings} || ${JSON.stringify({ nation: change.nation })}::jsonb`,
        };
  await tx
    .update(organisations)
    .set({ ...values, ...settings })
    .where(eq(organisations.id, organisationId));
  await audit(tx, actor, {
    action: 'update',
    entity: 'organisation',
    entityId: organisationId,
    before,
    after: {
      name: change.name,
      nameCy: change.nameCy,
      brandColour: change.brandColour,
      welshEnabled: change.welshEnabled,
      ...(change.nation !== undefined ? { nation: change.nation } : {}),
      ...(change.logo !== undefined
        ? {
            logo: change.logo
              ? `${change.logo.contentType}, ${change.logo.content.length} bytes`
              : null,
          }
        : {}),
    },
  });
}

/** What each setting is when the organisation has not chosen (issue 4 §6 and §10). */
export const DEFAULT_SETTINGS: Required<OrganisationSettings> = {
  plainEnglishAcronyms: {},
  nation: 'england-and-wales',
};

/** The organisation's settings as they are now, defaults filled in, in its scoped transaction. */
export async function readSettings(
  tx: Queryable,
  organisationId: string,
): Promise<Required<OrganisationSettings>> {
  const [row] = await tx
    .select({ settings: organisations.settings })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  if (!row) throw new Error('The organisation is not there');
  return { ...DEFAULT_SETTINGS, ...row.settings };
}

/**
 * The settings of the organisation a scoped transaction belongs to
 * (app_organisation_id()), defaults filled in: for services that are not
 * handed the organisation's id, such as a rights request's deadline.
 */
export async function readOwnSettings(tx: Queryable): Promise<Required<OrganisationSettings>> {
  const [row] = await tx
    .select({ settings: organisations.settings })
    .from(organisations)
    .where(sql`${organisations.id} = app_organisation_id()`);
  if (!row) throw new Error('No organisation is in scope');
  return { ...DEFAULT_SETTINGS, ...row.settings };
}

/** Changes some settings, keeping the others, with an audit record of before and after. */
export async function updateSettings(
  tx: Queryable,
  actor: Actor,
  organisationId: string,
  change: Partial<OrganisationSettings>,
): Promise<void> {
  const before = await readSettings(tx, organisationId);
  await tx
    .update(organisations)
    .set({ settings: sql`${organisations.settings} || ${JSON.stringify(change)}::jsonb` })
    .where(eq(organisations.id, organisationId));
  await audit(tx, actor, {
    action: 'update',
    entity: 'organisation_settings',
    entityId: organisationId,
    before,
    after: { ...before, ...change },
  });
}
