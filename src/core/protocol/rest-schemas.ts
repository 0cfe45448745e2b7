/**
 * Runtime schemas of REST responses (CONTRACT §1, §3, §4, §5, §7, §8). Lenient in the
 * same spirit as the frame schemas: only what a client cannot do without is required,
 * [ext] fields are optional, list fields default to empty, unknown extra fields pass
 * through. Lists are checked item by item so one bad item is dropped, not the page.
 */
import * as v from 'valibot';
import { lenient } from './rest-shape.ts';
import { resolvedThread, thread, user } from './rest-shapes.ts';
import { inboundMessageSchema, parseEvent, type InboundEvent, type InboundMessage } from './server-frame-schemas.ts';

const id = v.pipe(v.string(), v.minLength(1));
const nullableString = v.optional(v.nullable(v.string()), null);

export const userSchema = lenient(user);
export type InboundUser = v.InferOutput<typeof userSchema>;

export const threadSchema = lenient(thread);
export type InboundThread = v.InferOutput<typeof threadSchema>;
/** [ext] A public thread's visitor (CONTRACT §7); absent on private threads and seed-only servers. */
export type InboundThreadVisitor = NonNullable<InboundThread['visitor']>;

const agentSchema = v.looseObject({
  id,
  sender_id: id,
  slug: v.optional(v.string()),
  name: v.string(),
  avatar_url: nullableString,
  /** [ext] Whether the caller owns this agent (may open its settings). */
  is_owner: v.optional(v.boolean()),
});
export type InboundAgent = v.InferOutput<typeof agentSchema>;

export const loginResponseSchema = v.object({ token: v.pipe(v.string(), v.minLength(1)), user: userSchema });

export const approvalDecisionSchema = v.looseObject({
  approval_id: id,
  status: v.string(),
  decided_at: v.optional(v.nullable(v.string()), null),
});
export type ApprovalDecisionResult = v.InferOutput<typeof approvalDecisionSchema>;

export const webhookSubscriptionSchema = v.looseObject({
  subscription_id: id,
  thread_id: v.string(),
  callback_url: v.string(),
  active: v.boolean(),
  created_at: v.string(),
  /** [ext] Shown once, at creation: it keys the callback signature. */
  secret: v.optional(v.string()),
});
export type WebhookSubscription = v.InferOutput<typeof webhookSubscriptionSchema>;

/** [ext] A thread's webhook as its participants see it (`GET /chat/threads/{id}/webhooks`): never a secret. */
export const listedWebhookSchema = v.looseObject({
  subscription_id: id,
  thread_id: v.string(),
  callback_url: v.string(),
  active: v.boolean(),
  /** Why it is off, e.g. `delivery_failed`, `creator_disabled`; absent while on. */
  inactive_reason: v.optional(v.string()),
  created_by: v.string(),
  created_at: v.string(),
});
export type ListedWebhook = v.InferOutput<typeof listedWebhookSchema>;
export const webhookListSchema = v.looseObject({ webhooks: v.array(listedWebhookSchema) });

export const agentProfileSchema = v.looseObject({
  slug: v.string(),
  name: v.string(),
  avatar_url: nullableString,
  greeting: v.optional(v.string(), ''),
  theme: v.optional(v.looseObject({ color: v.optional(v.string()) }), {}),
  /** [ext] When true, only visitors vouched for by an identity token may chat. */
  require_verified_identity: v.optional(v.boolean()),
});
export type AgentProfile = v.InferOutput<typeof agentProfileSchema>;

export const resolvedThreadSchema = lenient(resolvedThread);
export type ResolvedThread = v.InferOutput<typeof resolvedThreadSchema>;

/** [ext] `GET`/`PUT /agents/{slug}/settings` (owners only). */
export const agentSettingsSchema = v.looseObject({
  allowed_origins: v.array(v.string()),
  require_verified_identity: v.boolean(),
  identity_secret_set: v.boolean(),
  identity_secret_created_at: nullableString,
});
export type InboundAgentSettings = v.InferOutput<typeof agentSettingsSchema>;

/** [ext] `POST /agents/{slug}/identity-secret`: the secret, shown once. */
export const issuedIdentitySecretSchema = v.looseObject({
  secret: v.pipe(v.string(), v.minLength(1)),
  created_at: v.string(),
});
export type InboundIssuedIdentitySecret = v.InferOutput<typeof issuedIdentitySecretSchema>;

/** [ext] One agent token as listed: never the token itself. */
const agentTokenInfoSchema = v.looseObject({
  id,
  prefix: v.string(),
  created_at: v.string(),
  last_used_at: nullableString,
});
export type InboundAgentTokenInfo = v.InferOutput<typeof agentTokenInfoSchema>;

/** [ext] `GET /agents/{slug}/tokens` (`{tokens}`). */
export const agentTokenListSchema = v.looseObject({ tokens: v.array(agentTokenInfoSchema) });

/** `POST /agents/{slug}/tokens`: the token, shown once (`id` and `prefix` are [ext]). */
export const issuedAgentTokenSchema = v.looseObject({
  id: v.optional(v.string()),
  token: v.pipe(v.string(), v.minLength(1)),
  prefix: v.optional(v.string()),
  agent_id: v.string(),
  created_at: v.string(),
});
export type InboundIssuedAgentToken = v.InferOutput<typeof issuedAgentTokenSchema>;

const userListSchema = v.looseObject({ users: v.array(v.unknown()) });
const agentListSchema = v.looseObject({ agents: v.array(v.unknown()) });
const threadPageSchema = v.looseObject({ threads: v.array(v.unknown()), next_cursor: v.optional(v.nullable(v.string()), null) });
const eventPageSchema = v.looseObject({ events: v.array(v.unknown()), has_more: v.boolean() });

/** Called for each list item that fails its schema: what it was and its type, never its content. */
export type InvalidItemHandler = (kind: 'event' | 'thread' | 'user' | 'agent', type: string | null) => void;

function parseItems<S extends v.GenericSchema>(
  items: unknown[],
  schema: S,
  kind: Parameters<InvalidItemHandler>[0],
  onInvalid?: InvalidItemHandler,
): v.InferOutput<S>[] {
  const valid: v.InferOutput<S>[] = [];
  for (const item of items) {
    const result = v.safeParse(schema, item);
    if (result.success) valid.push(result.output);
    else onInvalid?.(kind, null);
  }
  return valid;
}

function eventTypeOf(item: unknown): string | null {
  const type = typeof item === 'object' && item !== null ? (item as { event_type?: unknown }).event_type : undefined;
  return typeof type === 'string' ? type : null;
}

/**
 * Parses a poll page (`{events, has_more}`, seed 000). Throws when the envelope is wrong;
 * an event that fails its schema is dropped and reported, so one bad event does not sink
 * the page (the engine sees the hole and re-reads it).
 */
export function parseEventPage(json: unknown, onInvalid?: InvalidItemHandler): { events: InboundEvent[]; has_more: boolean } {
  const page = v.parse(eventPageSchema, json);
  const events: InboundEvent[] = [];
  for (const item of page.events) {
    const event = parseEvent(item);
    if (event) events.push(event);
    else onInvalid?.('event', eventTypeOf(item));
  }
  return { events, has_more: page.has_more };
}

/** Parses `GET /chat/threads` (`{threads, next_cursor}`). */
export function parseThreadPage(json: unknown, onInvalid?: InvalidItemHandler): { threads: InboundThread[]; next_cursor: string | null } {
  const page = v.parse(threadPageSchema, json);
  return { threads: parseItems(page.threads, threadSchema, 'thread', onInvalid), next_cursor: page.next_cursor };
}

/** Parses `GET /users` (`{users}`). */
export function parseUserList(json: unknown, onInvalid?: InvalidItemHandler): InboundUser[] {
  return parseItems(v.parse(userListSchema, json).users, userSchema, 'user', onInvalid);
}

/** Parses `GET /agents` (`{agents}`). */
export function parseAgentList(json: unknown, onInvalid?: InvalidItemHandler): InboundAgent[] {
  return parseItems(v.parse(agentListSchema, json).agents, agentSchema, 'agent', onInvalid);
}

/**
 * Parses a send response: our server wraps the message as `{message}` (CONTRACT §4); the
 * seed SDK documents "the sent message object", so a bare message is accepted too.
 */
export function parseSentMessage(json: unknown): InboundMessage {
  const wrapped = typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'object';
  return v.parse(inboundMessageSchema, wrapped ? (json as { message: unknown }).message : json);
}
