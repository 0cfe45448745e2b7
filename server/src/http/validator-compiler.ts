import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/** Fastify's defaults (see @fastify/ajv-compiler), with `allErrors` off: one error is enough and cheaper. */
const BASE: Options = { useDefaults: true, removeAdditional: true, allErrors: false };

/**
 * Query strings and path parameters arrive as text, so their schemas coerce ("50" → 50).
 * A JSON body carries its own types: `{"content": 5}` is a mistake to report, not a
 * number to turn into "5". Fastify's default compiler coerces every part alike.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = addFormats(new Ajv({ ...BASE, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...BASE, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}
