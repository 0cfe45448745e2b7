import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { isWellFormedText } from '../../../src/core/protocol/limits.ts';

/** Fastify's defaults (see @fastify/ajv-compiler), with `allErrors` off: one error is enough and cheaper. */
const BASE: Options = { useDefaults: true, removeAdditional: true, allErrors: false };

/** The JSON path of the first string (or key) in `value` for which `bad` holds, or null. */
function findText(value: unknown, bad: (text: string) => boolean, path = ''): string | null {
  if (typeof value === 'string') return bad(value) ? path : null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findText(value[index], bad, `${path}/${index}`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (bad(key)) return `${path}/${key}`;
      const found = findText(item, bad, `${path}/${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * The JSON path of the first string (or key) in a body that holds a lone surrogate, or null.
 * Such text (JSON `"\ud800"`) would be changed to U+FFFD on its way into SQLite, so what is
 * stored would not be what was sent; every text field of every body is refused instead.
 */
export function findMalformedText(value: unknown): string | null {
  return findText(value, (text) => !isWellFormedText(text));
}

/**
 * The JSON path of the first string (or key) in a body that holds U+0000, or null. PostgreSQL
 * cannot store it in text (the commit failed with a 500); SQLite could, so both refuse it alike.
 */
export function findNulText(value: unknown): string | null {
  return findText(value, (text) => text.includes('\u0000'));
}

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
