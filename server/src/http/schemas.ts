import { sendMessageInputSchema } from '../../../src/core/protocol/client-frames.ts';
import { POLL_LIMIT_DEFAULT, POLL_LIMIT_MAX } from '../../../src/core/protocol/limits.ts';
import { errorBody, message, participant, resolvedThread, thread, threadEvent, user } from '../../../src/core/protocol/rest-shapes.ts';
import { jsonSchemaOf } from './json-schema.ts';
import { SLUG_PATTERN, UUID_PATTERN } from './validation.ts';

/**
 * JSON Schemas of the REST API. Fastify validates requests with them and the OpenAPI
 * document at `/api/v1/openapi.json` is generated from them.
 */

const seq = { type: 'integer', minimum: 0 } as const;

/** The shapes routes refer to as `Name#`: generated from their one definition (rest-shapes.ts). */
export const sharedSchemas = [
  jsonSchemaOf(errorBody.wire, { id: 'Error' }),
  jsonSchemaOf(user.wire, { id: 'User' }),
  jsonSchemaOf(resolvedThread.wire, {
    id: 'ResolvedThread',
    describe: {
      sender_id: "[ext] the visitor's own sender id",
      visitor_token: '[ext] vt_…: the proof of who the visitor is; send it as Bearer and on the socket',
      verified: '[ext] an identity token vouched for this visitor',
      email: "[ext] the visitor's email label, for the socket's ?email=",
    },
  }),
  jsonSchemaOf(participant.wire, { id: 'Participant' }),
  jsonSchemaOf(message.wire, { id: 'Message' }),
  jsonSchemaOf(threadEvent.wire, { id: 'ThreadEvent' }),
  jsonSchemaOf(thread.wire, {
    id: 'Thread',
    refs: new Map([[participant.wire, 'Participant#']]),
    describe: { visitor: '[ext] public threads: the visitor (email is a label, verified means an identity token vouched)' },
  }),
];

export const errorResponses = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
  429: { $ref: 'Error#' },
} as const;

export const threadParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: UUID_PATTERN } },
  required: ['id'],
} as const;

export const slugParams = {
  type: 'object',
  properties: { slug: { type: 'string', pattern: SLUG_PATTERN } },
  required: ['slug'],
} as const;

export const publicThreadParams = {
  type: 'object',
  properties: { slug: { type: 'string', pattern: SLUG_PATTERN }, thread_id: { type: 'string', pattern: UUID_PATTERN } },
  required: ['slug', 'thread_id'],
} as const;

/**
 * The message send body (CONTRACT §4), from the one schema the socket's `send_message` uses.
 * Fastify checks it, once: the service trusts what reaches it.
 */
export const sendMessageBody = jsonSchemaOf(sendMessageInputSchema);

export const pollQuery = {
  type: 'object',
  properties: {
    last_thread_seq: { ...seq, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: POLL_LIMIT_MAX, default: POLL_LIMIT_DEFAULT },
  },
} as const;

export const pollResponse = {
  type: 'object',
  properties: { events: { type: 'array', items: { $ref: 'ThreadEvent#' } }, has_more: { type: 'boolean' } },
  required: ['events', 'has_more'],
} as const;

export const messageResponse = {
  type: 'object',
  properties: { message: { $ref: 'Message#' } },
  required: ['message'],
} as const;
