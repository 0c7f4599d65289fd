import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { AppError } from './errors.ts';

/** An uploaded file, read whole (within the route's own size limit). */
export interface UploadedFile {
  buffer: Buffer;
  truncated: boolean;
  mimetype: string;
  filename: string;
}

/** A multipart form's fields: text, or the one file. */
export type UploadBody = Record<string, string | UploadedFile | undefined>;

/** Whether an error is one of the multipart reader's own, which carry their status (413 for a limit). */
function hasStatus(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Takes multipart forms in this context only, with its own limits (the rest
 * of the app takes 64 KB of url-encoded form). One file, read into memory; a
 * file over the limit arrives marked truncated, so the route can say so and
 * re-show the form with every other answer kept. The route's permission is
 * checked on request (guard()), before any of this is read.
 *
 * The form is read here rather than by the plugin's attachFieldsToBody, so
 * that a body the parser cannot read (no boundary, the wrong boundary, cut
 * off part-way) is a 400 "could not understand that request" page: busboy
 * throws plain errors for those, which the error page took for a fault of
 * ours (500).
 */
export async function acceptUploads(
  app: FastifyInstance,
  limits: { fileSize: number; fields: number; fieldSize: number },
): Promise<void> {
  await app.register(multipart, {
    throwFileSizeLimit: false,
    limits: { ...limits, files: 1 },
  });
  app.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return;
    const body: Record<string, unknown> = {};
    const add = (name: string, value: unknown) => {
      const had = body[name];
      if (had === undefined) body[name] = value;
      else body[name] = Array.isArray(had) ? [...had, value] : [had, value];
    };
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          add(part.fieldname, {
            buffer: await part.toBuffer(),
            truncated: part.file.truncated,
            mimetype: part.mimetype,
            filename: part.filename,
          } satisfies UploadedFile);
        } else {
          add(part.fieldname, part.value);
        }
      }
    } catch (error) {
      if (hasStatus(error)) throw error;
      throw new AppError(400, 'MALFORMED_MULTIPART', 'errors.badRequest', { cause: error });
    }
    request.body = body;
  });
}

const SIGNATURES: Array<[string, (b: Buffer) => boolean]> = [
  ['application/pdf', (b) => b.subarray(0, 5).toString('latin1') === '%PDF-'],
  [
    'image/png',
    (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  ],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  [
    'image/webp',
    (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' &&
      b.subarray(8, 12).toString('latin1') === 'WEBP',
  ],
];

/**
 * What a file is by its first bytes (magic numbers), whatever its name or the
 * type the browser claimed: one of `allowed`, or null.
 */
export function fileTypeOf(buffer: Buffer, allowed: readonly string[]): string | null {
  for (const [type, matches] of SIGNATURES)
    if (allowed.includes(type) && matches(buffer)) return type;
  return null;
}
