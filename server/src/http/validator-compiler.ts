import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { isWellFormedText } from '../../../src/core/protocol/limits.ts';

/** Fastify's defaults (see @fastify/ajv-compiler), with `allErrors` off: one error is enough and cheaper. */
const BASE: Options = { useDefaults: true, removeAdditional: true, allErrors: false };

/**
 * The JSON path of the first string (or key) in a body that holds a lone surrogate, or null.
 * Such text (JSON `"\ud800"`) would be changed to U+FFFD on its way into SQLite, so what is
 * stored would not be what was sent; every text field of every body is refused instead.
 */
export function findMalformedText(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return isWellFormedText(value) ? null : path;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findMalformedText(value[index], `${path}/${index}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (!isWellFormedText(key)) return `${path}/${key}`;
      const found = findMalformedText(item, `${path}/${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/** Wraps a body validator so that, after the schema, text fields must be well-formed Unicode. */
function withWellFormedText(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown, context?: never) => {
    if (!validate(data, context)) {
      wrapped.errors = validate.errors;
      return false;
    }
    const path = findMalformedText(data);
    if (path === null) {
      wrapped.errors = null;
      return true;
    }
    const error: ErrorObject = {
      keyword: 'wellFormed',
      instancePath: path,
      schemaPath: '#',
      params: {},
      message: 'contains an unpaired surrogate (broken Unicode); send well-formed UTF-16 text',
    };
    wrapped.errors = [error];
    return false;
  }) as ValidateFunction;
  // Fastify passes the parent object when a validator has `schemaEnv`, so defaults can reach the root.
  return Object.assign(wrapped, { schema: validate.schema, schemaEnv: validate.schemaEnv });
}

/**
 * Query strings and path parameters arrive as text, so their schemas coerce ("50" → 50).
 * A JSON body carries its own types: `{"content": 5}` is a mistake to report, not a
 * number to turn into "5". Fastify's default compiler coerces every part alike.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = addFormats(new Ajv({ ...BASE, coerceTypes: false }));
  const coercing = addFormats(new Ajv({ ...BASE, coerceTypes: 'array' }));
  return ({ schema, httpPart }) =>
    httpPart === 'body' ? withWellFormedText(strict.compile(schema as object)) : coercing.compile(schema as object);
}
