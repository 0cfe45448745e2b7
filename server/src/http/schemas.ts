import {
  MAX_CLIENT_MESSAGE_ID_LENGTH,
  MAX_CONTENT_CHARS,
  MAX_MENTIONS,
  POLL_LIMIT_DEFAULT,
  POLL_LIMIT_MAX,
} from '../../../src/core/protocol/limits.ts';
import { DURABLE_EVENT_TYPES, ERROR_CODES } from '../../../src/core/protocol/model.ts';
import { SLUG_PATTERN, UUID_PATTERN } from './validation.ts';

/**
 * JSON Schemas of the REST API. Fastify validates requests with them and the OpenAPI
 * document at `/api/v1/openapi.json` is generated from them.
 */

const nullableString = { type: ['string', 'null'] } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const seq = { type: 'integer', minimum: 0 } as const;

export const sharedSchemas = [
  {
    $id: 'Error',
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: {
            type: 'string',
            enum: [...ERROR_CODES],
          },
          message: { type: 'string' },
          retryable: { type: 'boolean' },
        },
        required: ['code', 'message', 'retryable'],
      },
    },
    required: ['error'],
  },
  {
    $id: 'User',
    type: 'object',
    properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' }, avatar_url: nullableString },
    required: ['id', 'name', 'email', 'avatar_url'],
  },
  {
    $id: 'ResolvedThread',
    type: 'object',
    properties: {
      thread_id: { type: 'string' },
      resumed: { type: 'boolean' },
      sender_id: { type: 'string', description: "[ext] the visitor's own sender id" },
      visitor_token: { type: 'string', description: '[ext] vt_…: the proof of who the visitor is; send it as Bearer and on the socket' },
      verified: { type: 'boolean', description: '[ext] an identity token vouched for this visitor' },
      email: { type: ['string', 'null'], description: "[ext] the visitor's email label, for the socket's ?email=" },
    },
    required: ['thread_id', 'resumed', 'sender_id', 'visitor_token', 'verified', 'email'],
  },
  {
    $id: 'Participant',
    type: 'object',
    properties: { sender_id: { type: 'string' }, name: { type: 'string' }, avatar_url: nullableString },
    required: ['sender_id', 'name', 'avatar_url'],
  },
  {
    $id: 'Message',
    type: 'object',
    properties: {
      id: { type: 'string' },
      thread_id: { type: 'string' },
      thread_seq: { type: 'integer' },
      sender_id: { type: 'string' },
      role: { type: 'string', enum: ['user', 'agent', 'system'] },
      content: { type: 'string' },
      client_message_id: nullableString,
      mentions: { type: 'array', items: { type: 'string' } },
      base_seq: nullableInt,
      latest_seen_seq: nullableInt,
      created_at: { type: 'string', format: 'date-time' },
    },
    required: ['id', 'thread_id', 'thread_seq', 'sender_id', 'role', 'content', 'created_at'],
  },
  {
    $id: 'ThreadEvent',
    type: 'object',
    properties: {
      event_id: { type: 'string' },
      thread_id: { type: 'string' },
      thread_seq: { type: 'integer' },
      event_type: { type: 'string', enum: [...DURABLE_EVENT_TYPES] },
      sender_id: { type: 'string' },
      content: nullableString,
      created_at: { type: 'string', format: 'date-time' },
      data: { type: 'object', additionalProperties: true },
    },
    required: ['event_id', 'thread_id', 'thread_seq', 'event_type', 'sender_id', 'created_at', 'data'],
  },
  {
    $id: 'Thread',
    type: 'object',
    properties: {
      id: { type: 'string' },
      kind: { type: 'string', enum: ['private', 'public'] },
      title: nullableString,
      participants: { type: 'array', items: { $ref: 'Participant#' } },
      participation_mode: { type: 'string', enum: ['open', 'invocation_only'] },
      last_seq: { type: 'integer' },
      read_seq: { type: 'integer' },
      unread_count: { type: 'integer' },
      last_message: {
        type: ['object', 'null'],
        properties: { sender_id: { type: 'string' }, content: { type: 'string' }, created_at: { type: 'string' } },
      },
      created_at: { type: 'string' },
      updated_at: { type: 'string' },
      visitor: {
        type: 'object',
        description: '[ext] public threads: the visitor (email is a label, verified means an identity token vouched)',
        properties: {
          sender_id: { type: 'string' },
          name: nullableString,
          email: nullableString,
          verified: { type: 'boolean' },
        },
        required: ['sender_id', 'name', 'email', 'verified'],
      },
    },
    required: ['id', 'kind', 'title', 'participants', 'participation_mode', 'last_seq', 'read_seq', 'unread_count'],
  },
] as const;

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

/** The message send body (CONTRACT §4). Content rules (code points, blank) are checked again by the service. */
export const sendMessageBody = {
  type: 'object',
  properties: {
    content: { type: 'string', minLength: 1, maxLength: MAX_CONTENT_CHARS },
    client_message_id: { type: 'string', minLength: 1, maxLength: MAX_CLIENT_MESSAGE_ID_LENGTH },
    base_seq: { type: ['integer', 'null'], minimum: 0 },
    latest_seen_seq: { type: ['integer', 'null'], minimum: 0 },
    mentions: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: MAX_MENTIONS },
  },
  required: ['content', 'client_message_id'],
} as const;

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
