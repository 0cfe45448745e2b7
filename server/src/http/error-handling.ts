import type { FastifyError, FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { NOT_BLANK } from '../../../src/core/protocol/limits.ts';
import { storageFailureMessage } from '../storage/storage-unavailable.ts';
import { ApiError, unavailable } from './errors.ts';

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

/** Turns ajv's findings into one sentence that names the field: "content is required". */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const error = errors[0];
  const where = dataVar === 'params' ? ' (in the path)' : dataVar === 'querystring' ? ' (in the query)' : '';
  if (!error) return new Error(`Invalid ${dataVar}.`);
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const params = error.params as Record<string, unknown>;
  const name = path || (dataVar === 'body' ? 'The request body' : dataVar);
  let text: string;
  switch (error.keyword) {
    case 'required':
      text = `${path ? `${path}.` : ''}${String(params.missingProperty)} is required`;
      break;
    case 'type':
      text = `${name} must be ${String(params.type)
        .split(',')
        .map((type) => TYPE_NAMES[type] ?? type)
        .join(' or ')}`;
      break;
    case 'minLength':
      text = params.limit === 1 ? `${name} must not be empty` : `${name} must be at least ${String(params.limit)} characters`;
      break;
    case 'maxLength':
      text = `${name} is longer than ${Number(params.limit).toLocaleString('en-US')} characters`;
      break;
    case 'pattern':
      if (params.pattern === NOT_BLANK.source) text = `${name} must not be empty`;
      else text = `${name} is not valid${/0-9a-f\]\{8\}/.test(String(params.pattern)) ? ' (expected a UUID)' : ''}`;
      break;
    case 'enum':
      text = `${name} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`;
      break;
    case 'minimum':
    case 'maximum':
      text = `${name} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}`;
      break;
    case 'maxItems':
      text = `${name} has more than ${String(params.limit)} items`;
      break;
    default:
      text = `${name} ${error.message ?? 'is invalid'}`;
  }
  return new Error(`${text}${where}.`);
}

const CONTENT_TYPE_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Send the body as JSON (Content-Type: application/json).',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty; send a JSON object.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
};

/** Renders every failure as the contract's error body (CONTRACT §2). */
export function installErrorHandling(app: FastifyInstance, bodyLimitBytes: number): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.code(error.status).send(error.toBody());
    }
    if (error.validation) {
      return reply.code(400).send(new ApiError('client_error', error.message).toBody());
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const message = `The request body is larger than ${bodyLimitBytes / 1024} KiB.`;
      return reply.code(413).send(new ApiError('client_error', message, { status: 413 }).toBody());
    }
    const known = error.code ? CONTENT_TYPE_ERRORS[error.code] : undefined;
    if (known || (error.statusCode === 400 && error instanceof SyntaxError)) {
      return reply.code(400).send(new ApiError('client_error', known ?? 'The request body is not valid JSON.').toBody());
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(400).send(new ApiError('client_error', error.message).toBody());
    }
    const passing = storageFailureMessage(error);
    if (passing) {
      // Expected while the database is away, a lock is held elsewhere or the disk is full: a
      // warning with the code only (the error's detail may quote the request's data), and an
      // answer the client retries (idempotently).
      request.log.warn({ code: error.code }, 'storage unavailable');
      const answer = unavailable(passing);
      return reply.code(503).header('retry-after', String(answer.retryAfterSeconds)).send(answer.toBody());
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(new ApiError('server_error', 'Something went wrong on the server; try again.').toBody());
  });
}
