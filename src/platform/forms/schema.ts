/**
 * Request shapes with zod, through a Fastify type provider, so that handlers
 * read a typed request.body, query and params instead of casting.
 *
 * The shapes are lenient on purpose: a field of the wrong kind (missing, sent
 * twice, not text) becomes undefined rather than failing validation, so a form
 * post never ends in a bare 400. Meaning (required, too long, a real date) is
 * checked by the module's service, which returns field problems the form shows.
 *
 * Our own provider rather than fastify-type-provider-zod: its versions for
 * Fastify 5 and zod 4 require @fastify/swagger and openapi-types as peers,
 * and we publish no OpenAPI document from these pages.
 */
import type { FastifyInstance, FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import { z } from 'zod';
import type { UploadedFile } from '../http/uploads.ts';

/** Types request.body, query and params from the zod shapes of a route's schema. */
export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/** Validates with a route's zod shape; the parsed value (transforms applied) replaces the input. */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> =
  ({ schema, url, method }) =>
  (data) => {
    if (!(schema instanceof z.ZodType))
      throw new Error(`${method} ${url}: a route schema here must be a zod shape`);
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: result.error };
  };

/**
 * The routes of a plugin with zod shapes: call once at the top of a module's
 * route plugin, then register the routes on what it returns. Scoped to that
 * plugin, so other plugins keep Fastify's JSON-schema validation.
 */
export function withShapes(app: FastifyInstance) {
  app.setValidatorCompiler(zodValidatorCompiler);
  return app.withTypeProvider<ZodTypeProvider>();
}

const firstText = (value: unknown): string | undefined => {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one : undefined;
};

/** A text field as typed (not trimmed: services tidy); undefined when missing or not text. */
export const text = () => z.unknown().optional().transform(firstText);

/** A field that may come many times (a checkbox group): every text value, in order. */
export const list = () =>
  z
    .unknown()
    .optional()
    .transform((value) =>
      (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string'),
    );

/** An uploaded file (see platform/http/uploads), the first when several came; else undefined. */
export const file = () =>
  z
    .unknown()
    .optional()
    .transform((value) => {
      const one: unknown = Array.isArray(value) ? value[0] : value;
      const upload = one as Partial<UploadedFile> | null | undefined;
      return upload && typeof upload === 'object' && Buffer.isBuffer(upload.buffer)
        ? (upload as UploadedFile)
        : undefined;
    });

/**
 * A form body or query string: the named fields typed, any others kept as
 * they came (the CSRF token, fields named by a pattern such as `name-3`),
 * and a missing or odd body read as empty.
 */
export function form<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess(
    (value) => (value && typeof value === 'object' && !Array.isArray(value) ? value : {}),
    z.looseObject(shape),
  );
}

/** Route params: each a text value ('' when missing), checked for meaning by the handler. */
export function params<Names extends string>(...names: Names[]) {
  return z.object(
    Object.fromEntries(
      names.map((n) => [
        n,
        z
          .unknown()
          .optional()
          .transform((v) => firstText(v) ?? ''),
      ]),
    ) as {
      [K in Names]: z.ZodPipe<z.ZodOptional<z.ZodUnknown>, z.ZodTransform<string, unknown>>;
    },
  );
}
