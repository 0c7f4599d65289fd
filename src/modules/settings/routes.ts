import type { FastifyPluginAsync } from 'fastify';
import { guard } from '../../platform/auth/index.ts';
import { acceptUploads, fileTypeOf } from '../../platform/http/uploads.ts';
import { withShapes } from '../../platform/forms/schema.ts';
import { OrganisationForm, SavedQuery } from './schemas.ts';
import { NATIONS, isNation } from '../../platform/calendar/index.ts';
import { translator } from '../../platform/i18n/index.ts';
import { formErrors } from '../../platform/views/forms.ts';
import {
  contrastRatio,
  readOrganisationSettings,
  updateOrganisation,
} from '../../platform/tenancy/index.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { plainEnglishRoutes } from './plain-english.ts';

/** The largest logo we take. The route's own limit: the rest of the app takes 64 KB. */
export const LOGO_MAX_BYTES = 200 * 1024;
const LOGO_TYPES: Record<string, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/webp': 'WebP',
};

const text = (value: string | undefined): string => (value ?? '').trim();

/** The organisation's names, colour, logo, languages and nation. */
const organisationRoutes: FastifyPluginAsync = async (plugin) => {
  // Multipart only in this context, with this route's own limits.
  await acceptUploads(plugin, { fileSize: LOGO_MAX_BYTES, fields: 20, fieldSize: 10 * 1024 });
  const app = withShapes(plugin);

  app.get(
    '/admin/organisation',
    { ...guard('organisation:manage'), schema: { querystring: SavedQuery } },
    async (request, reply) => {
      const row = await request.db((tx) => readOrganisationSettings(tx, request.organisation.id));
      return reply.page('settings/views/organisation.njk', {
        values: { ...row, welsh: row.welshEnabled ? 'yes' : 'no', nameCy: row.nameCy ?? '' },
        nations: NATIONS,
        saved: request.query.saved === '1',
      });
    },
  );

  app.post(
    '/admin/organisation',
    { ...guard('organisation:manage'), schema: { body: OrganisationForm } },
    async (request, reply) => {
      const body = request.body;
      const tr = translator(request.language, request.translations);
      const values = {
        name: text(body.name),
        nameCy: text(body.nameCy),
        brandColour: text(body.brandColour).toLowerCase(),
        welsh: text(body.welsh) === 'yes' ? 'yes' : 'no',
        removeLogo: text(body.removeLogo) === 'yes',
        nation: text(body.nation),
      };
      const file = body.logo;
      const hasFile = Boolean(file && file.filename && file.buffer.length > 0);
      const sniffed = hasFile ? fileTypeOf(file!.buffer, Object.keys(LOGO_TYPES)) : null;
      const colourOk = /^#[0-9a-f]{6}$/.test(values.brandColour);
      const problems = {
        name: values.name
          ? values.name.length > 120
            ? 'settings.errors.nameLong'
            : null
          : 'settings.errors.nameMissing',
        brandColour: !colourOk
          ? 'settings.errors.colourFormat'
          : Math.max(
                contrastRatio(values.brandColour, '#ffffff'),
                contrastRatio(values.brandColour, '#0b0c0c'),
              ) < 4.5
            ? 'settings.errors.colourContrast'
            : null,
        logo: !hasFile
          ? null
          : file!.truncated
            ? 'settings.errors.logoTooBig'
            : !sniffed || !LOGO_TYPES[file!.mimetype] || sniffed !== file!.mimetype
              ? 'settings.errors.logoType'
              : null,
        // A browser always sends one (a radio is checked); a post without it leaves the nation as it is.
        nation: !values.nation || isNation(values.nation) ? null : 'settings.errors.nationMissing',
      };
      const invalid = formErrors(tr, problems);
      if (invalid) {
        // Everything typed is kept; a refused file is not, and the message says so.
        return reply
          .code(400)
          .page('settings/views/organisation.njk', { ...invalid, values, nations: NATIONS });
      }
      await request.db((tx) =>
        updateOrganisation(tx, actorOf(request), request.organisation.id, {
          name: values.name,
          nameCy: values.nameCy || null,
          brandColour: values.brandColour,
          welshEnabled: values.welsh === 'yes',
          nation: isNation(values.nation) ? values.nation : undefined,
          ...(hasFile
            ? { logo: { content: file!.buffer, contentType: sniffed! } }
            : values.removeLogo
              ? { logo: null }
              : {}),
        }),
      );
      return reply.redirect('/admin/organisation?saved=1', 303);
    },
  );
};

/** Every settings page: the organisation's own, and its acronyms for the plain-English check. */
export const settingsRoutes: FastifyPluginAsync = async (app) => {
  await app.register(organisationRoutes);
  await app.register(plainEnglishRoutes);
};
