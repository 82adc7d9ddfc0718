import { Ajv, type Options } from 'ajv';
import formats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS: under ESM its function is the default import, which its types describe as the module.
const addFormats = formats as unknown as (ajv: Ajv) => Ajv;

/**
 * Request validation. Bodies are strict: unknown fields are an error (not silently dropped) and a string
 * is never coerced into a number. Path and query parameters arrive as text, so they are coerced.
 */
const common: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };
const strict = addFormats(new Ajv({ ...common, coerceTypes: false }));
const coercing = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
