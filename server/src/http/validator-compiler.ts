import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { findMalformedText, findNulText } from './validation.ts';

/** Fastify's defaults (see @fastify/ajv-compiler), with `allErrors` off: one error is enough and cheaper. */
const BASE: Options = { useDefaults: true, removeAdditional: true, allErrors: false };

/** What each text check says of the field it refuses. */
const TEXT_CHECKS: { find: (value: unknown) => string | null; keyword: string; message: string }[] = [
  {
    find: findMalformedText,
    keyword: 'wellFormed',
    message: 'contains an unpaired surrogate (broken Unicode); send well-formed UTF-16 text',
  },
  { find: findNulText, keyword: 'noNul', message: 'contains the character U+0000, which text may not hold' },
];

/** Wraps a body validator so that, after the schema, text fields must be well-formed Unicode without U+0000. */
function withWellFormedText(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown, context?: never) => {
    if (!validate(data, context)) {
      wrapped.errors = validate.errors;
      return false;
    }
    for (const check of TEXT_CHECKS) {
      const path = check.find(data);
      if (path === null) continue;
      const error: ErrorObject = { keyword: check.keyword, instancePath: path, schemaPath: '#', params: {}, message: check.message };
      wrapped.errors = [error];
      return false;
    }
    wrapped.errors = null;
    return true;
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
