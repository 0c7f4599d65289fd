import type { FastifyInstance } from 'fastify';
import multipart, { type MultipartFile } from '@fastify/multipart';

/** An uploaded file, read whole (within the route's own size limit). */
export interface UploadedFile {
  buffer: Buffer;
  truncated: boolean;
  mimetype: string;
  filename: string;
}

/** A multipart form's fields: text, or the one file. */
export type UploadBody = Record<string, string | UploadedFile | undefined>;

/**
 * Takes multipart forms in this context only, with its own limits (the rest
 * of the app takes 64 KB of url-encoded form). One file, read into memory; a
 * file over the limit arrives marked truncated, so the route can say so and
 * re-show the form with every other answer kept. The route's permission is
 * checked on request (guard()), before any of this is read.
 */
export async function acceptUploads(
  app: FastifyInstance,
  limits: { fileSize: number; fields: number; fieldSize: number },
): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { ...limits, files: 1 },
    async onFile(part: MultipartFile & { value?: unknown }) {
      part.value = {
        buffer: await part.toBuffer(),
        truncated: part.file.truncated,
        mimetype: part.mimetype,
        filename: part.filename,
      } satisfies UploadedFile;
    },
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
