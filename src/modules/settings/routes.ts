import type { FastifyPluginAsync } from 'fastify';
import multipart, { type MultipartFile } from '@fastify/multipart';
import { guard } from '../../platform/auth/index.ts';
import { translator } from '../../platform/i18n/index.ts';
import { formErrors } from '../../platform/views/forms.ts';
import {
  contrastRatio,
  readOrganisationSettings,
  updateOrganisation,
} from '../../platform/tenancy/index.ts';
import { actorOf } from '../identity/index.ts';

/** The largest logo we take. The route's own limit: the rest of the app takes 64 KB. */
export const LOGO_MAX_BYTES = 200 * 1024;
const LOGO_TYPES: Record<string, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/webp': 'WebP',
};

interface UploadedFile {
  buffer: Buffer;
  truncated: boolean;
  mimetype: string;
  filename: string;
}

type SettingsBody = Record<string, string | UploadedFile | undefined>;

function text(body: SettingsBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** Checks the file's first bytes, not only the type the browser claimed. */
function sniff(buffer: Buffer): string | null {
  if (buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) return 'image/jpeg';
  if (
    buffer.subarray(0, 4).toString('latin1') === 'RIFF' &&
    buffer.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}

export const settingsRoutes: FastifyPluginAsync = async (app) => {
  // Multipart only in this context, with this route's own limits.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { fileSize: LOGO_MAX_BYTES, files: 1, fields: 20, fieldSize: 10 * 1024 },
    async onFile(part: MultipartFile & { value?: unknown }) {
      const buffer = await part.toBuffer();
      part.value = {
        buffer,
        truncated: part.file.truncated,
        mimetype: part.mimetype,
        filename: part.filename,
      } satisfies UploadedFile;
    },
  });

  app.get('/admin/organisation', guard('organisation:manage'), async (request, reply) => {
    const row = await request.db((tx) => readOrganisationSettings(tx, request.organisation.id));
    return reply.page('settings/views/organisation.njk', {
      values: { ...row, welsh: row.welshEnabled ? 'yes' : 'no', nameCy: row.nameCy ?? '' },
      saved: (request.query as Record<string, string>).saved === '1',
    });
  });

  app.post('/admin/organisation', guard('organisation:manage'), async (request, reply) => {
    const body = (request.body ?? {}) as SettingsBody;
    const tr = translator(request.language);
    const values = {
      name: text(body, 'name'),
      nameCy: text(body, 'nameCy'),
      brandColour: text(body, 'brandColour').toLowerCase(),
      welsh: text(body, 'welsh') === 'yes' ? 'yes' : 'no',
      removeLogo: text(body, 'removeLogo') === 'yes',
    };
    const file = typeof body.logo === 'object' ? body.logo : undefined;
    const hasFile = Boolean(file && file.filename && file.buffer.length > 0);
    const sniffed = hasFile ? sniff(file!.buffer) : null;
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
    };
    const invalid = formErrors(tr, problems);
    if (invalid) {
      // Everything typed is kept; a refused file is not, and the message says so.
      return reply.code(400).page('settings/views/organisation.njk', { ...invalid, values });
    }
    await request.db((tx) =>
      updateOrganisation(tx, actorOf(request), request.organisation.id, {
        name: values.name,
        nameCy: values.nameCy || null,
        brandColour: values.brandColour,
        welshEnabled: values.welsh === 'yes',
        ...(hasFile
          ? { logo: { content: file!.buffer, contentType: sniffed! } }
          : values.removeLogo
            ? { logo: null }
            : {}),
      }),
    );
    return reply.redirect('/admin/organisation?saved=1', 303);
  });
};
