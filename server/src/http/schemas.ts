import type * as v from 'valibot';
import { sendMessageInputSchema } from '../../../src/core/protocol/client-frames.ts';
import { noteInputSchema } from '../../../src/core/protocol/note-input.ts';
import { POLL_LIMIT_DEFAULT, POLL_LIMIT_MAX } from '../../../src/core/protocol/limits.ts';
import type { Variants } from '../../../src/core/protocol/rest-shape.ts';
import {
  agentList,
  agentProfile,
  agentSettings,
  agentTokenList,
  approvalDecision,
  createdWebhook,
  errorBody,
  eventPage,
  issuedAgentToken,
  issuedIdentitySecret,
  loginAnswer,
  message,
  addedNote,
  participant,
  handoffRequestAnswer,
  queueCounts,
  publicEventPage,
  resolvedThread,
  resumedVisitor,
  sentMessage,
  thread,
  uploadedAttachment,
  threadEvent,
  threadPage,
  user,
  userList,
  visitorThreadList,
  webhookList,
} from '../../../src/core/protocol/rest-shapes.ts';
import { jsonSchemaOf, type JsonSchemaOptions } from './json-schema.ts';
import { SLUG_PATTERN, UUID_PATTERN } from './validation.ts';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../attachments/attachment-kinds.ts';

/**
 * JSON Schemas of the REST API. Fastify validates requests with them and the OpenAPI
 * document at `/api/v1/openapi.json` is generated from them.
 */

const seq = { type: 'integer', minimum: 0 } as const;

/** Shapes the document names once (`Name#`) and other schemas refer to. */
const named = new Map<v.GenericSchema, string>([
  [errorBody.wire, 'Error#'],
  [user.wire, 'User#'],
  [resolvedThread.wire, 'ResolvedThread#'],
  [participant.wire, 'Participant#'],
  [message.wire, 'Message#'],
  [threadEvent.wire, 'ThreadEvent#'],
  [thread.wire, 'Thread#'],
]);

/** A response's schema, from the shape's one definition (rest-shapes.ts); named shapes inside it are `$ref`s. */
const answer = (variants: Variants, options: Omit<JsonSchemaOptions, 'refs'> = {}) =>
  jsonSchemaOf(variants.wire, { refs: named, ...options });

/** The named shapes, as Fastify's shared schemas (and the OpenAPI document's components). */
export const sharedSchemas = [
  answer(errorBody, { id: 'Error' }),
  answer(user, { id: 'User' }),
  answer(resolvedThread, {
    id: 'ResolvedThread',
    describe: {
      sender_id: "[ext] the visitor's own sender id",
      visitor_token: '[ext] vt_…: the proof of who the visitor is; send it as Bearer and on the socket',
      verified: '[ext] an identity token vouched for this visitor',
      email: "[ext] the visitor's email label, for the socket's ?email=",
    },
  }),
  answer(participant, { id: 'Participant' }),
  answer(message, { id: 'Message' }),
  answer(threadEvent, { id: 'ThreadEvent' }),
  answer(thread, {
    id: 'Thread',
    describe: {
      visitor: '[ext] public threads: the visitor (email is a label, verified means an identity token vouched)',
      status: '[ext] open, waiting (a person is needed), resolved or snoozed (CONTRACT §11)',
      assignee_id: '[ext] the person who has the thread: user:<uuid>, or null',
      agent_paused: '[ext] a person took over: the agent starts no run by itself',
      waiting_since: '[ext] since when the thread waits for a person; null unless waiting',
      snoozed_until: '[ext] when a snoozed thread opens again; null unless snoozed',
    },
  }),
];

export const threadPageResponse = answer(threadPage);
export const queueCountsResponse = answer(queueCounts);
export const handoffRequestResponse = answer(handoffRequestAnswer);
export const userListResponse = answer(userList);
export const agentListResponse = answer(agentList, {
  describe: { 'agents[].is_owner': '[ext] whether you own it (may open its settings)' },
});
export const loginResponse = answer(loginAnswer);
export const approvalDecisionResponse = answer(approvalDecision);
export const createdWebhookResponse = answer(createdWebhook);
export const webhookListResponse = answer(webhookList);
export const agentProfileResponse = answer(agentProfile, {
  describe: { require_verified_identity: '[ext] only visitors vouched for by an identity token may chat' },
});
export const agentSettingsResponse = answer(agentSettings);
export const resumedVisitorResponse = answer(resumedVisitor);
export const issuedIdentitySecretResponse = answer(issuedIdentitySecret);
export const agentTokenListResponse = answer(agentTokenList);
export const issuedAgentTokenResponse = answer(issuedAgentToken);
export const pollResponse = answer(eventPage);
export const messageResponse = answer(sentMessage);
export const publicPollResponse = answer(publicEventPage);
export const noteResponse = answer(addedNote);
export const visitorThreadListResponse = answer(visitorThreadList, {
  describe: { 'threads[].status': 'open, waiting (a person is needed), resolved or snoozed (CONTRACT §11)' },
});

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
const sendSchema = jsonSchemaOf(sendMessageInputSchema) as { properties: Record<string, Record<string, unknown>> };
const { minLength: _contentMinLength, pattern: _notBlank, ...anyContent } = sendSchema.properties.content!;
export const sendMessageBody = {
  ...sendSchema,
  properties: {
    ...sendSchema.properties,
    // [ext] CONTRACT §13: a message may be only files; then its content may be empty.
    content: anyContent,
    attachment_ids: {
      type: 'array',
      items: { type: 'string', pattern: UUID_PATTERN },
      maxItems: MAX_ATTACHMENTS_PER_MESSAGE,
      uniqueItems: true,
      description: `[ext] uploads this message carries (at most ${MAX_ATTACHMENTS_PER_MESSAGE}), each the sender's own in this thread, not sent before`,
    },
  },
  // Without attachments, the content is checked as §4 says (not blank).
  if: { properties: { attachment_ids: { type: 'array', minItems: 1 } }, required: ['attachment_ids'] },
  else: { properties: { content: sendSchema.properties.content } },
};

/** [ext] An upload's answer (CONTRACT §13). */
export const uploadedAttachmentResponse = answer(uploadedAttachment);

/** The note body (CONTRACT §11): a send's content and idempotency key, from the one schema. */
export const noteBody = jsonSchemaOf(noteInputSchema);

export const pollQuery = {
  type: 'object',
  properties: {
    last_thread_seq: { ...seq, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: POLL_LIMIT_MAX, default: POLL_LIMIT_DEFAULT },
  },
} as const;
