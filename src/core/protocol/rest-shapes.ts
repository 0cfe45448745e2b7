/**
 * The REST shapes shared by the server and its clients (CONTRACT §1–§5, §7), each written
 * once: `.wire` is what the server sends (its JSON Schema is generated from it), `.lenient`
 * is what a client accepts (see rest-shape.ts).
 */
import * as v from 'valibot';
import { MAX_EXPECTED_REPLY_MINUTES } from './limits.ts';
import { DURABLE_EVENT_TYPES, ERROR_CODES } from './model.ts';
import { THREAD_STATUSES } from './ownership.ts';
import { eachOf, listOf, maybe, needed, orNull, sent, shape } from './rest-shape.ts';

const id = v.pipe(v.string(), v.minLength(1));
const text = v.string();
const flag = v.boolean();
const nonNegativeInt = v.pipe(v.number(), v.integer(), v.minValue(0));
/** A log position a message or event holds: the first is 1 (CONTRACT §5). */
const seq = v.pipe(v.number(), v.integer(), v.minValue(1));
const nullableText = v.nullable(v.string());
/**
 * [ext] "Usually replies within …", in minutes; null when the owners state none. A client
 * takes any number (it rounds for display), so a wider range later breaks no profile.
 */
const expectedReply = {
  wire: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_EXPECTED_REPLY_MINUTES))),
  lenient: v.nullable(v.number()),
};
const visitorSenderId = v.pipe(v.string(), v.startsWith('visitor:'));
/** ISO-8601; stated for the OpenAPI document, not checked by clients. */
const timestamp = v.pipe(v.string(), v.metadata({ format: 'date-time' }));

/** The error body of every failed REST call (CONTRACT §2). */
export const errorBody = shape({
  error: needed(shape({ code: needed(v.picklist(ERROR_CODES)), message: needed(text), retryable: sent(flag) })),
});

/** A signed-in user (CONTRACT §1). */
export const user = shape({
  id: needed(id),
  name: needed(text),
  email: sent(text),
  avatar_url: sent(nullableText, null),
});

/** One participant of a thread (CONTRACT §3). */
export const participant = shape({
  sender_id: needed(id),
  name: sent(text, ''),
  avatar_url: sent(nullableText, null),
});

/** [ext] A public thread's visitor (CONTRACT §7); absent on private threads and seed-only servers. */
const threadVisitor = shape({
  sender_id: needed(visitorSenderId),
  name: sent(nullableText, null),
  email: sent(nullableText, null),
  verified: sent(flag, false),
});

/** A thread's last message, as its list shows it (CONTRACT §3). */
const lastMessage = shape({ sender_id: needed(text), content: needed(text), created_at: sent(text) });

/** A thread as listed and fetched (CONTRACT §3). */
export const thread = shape({
  id: needed(id),
  kind: sent(v.picklist(['private', 'public']), 'private'),
  title: sent(nullableText, null),
  participants: sent(listOf(participant), []),
  /** Absent on a seed-only server, which has not processed the mode yet (seed 001). */
  participation_mode: sent(v.picklist(['open', 'invocation_only'])),
  /** Absent when the server cannot say; the engine then pages the log from the start. */
  last_seq: sent(nonNegativeInt),
  read_seq: sent(nonNegativeInt, 0),
  unread_count: sent(nonNegativeInt, 0),
  last_message: maybe(orNull(lastMessage), null),
  created_at: maybe(text),
  updated_at: maybe(text),
  /** [ext] Public threads: who the visitor is and whether the website vouched for them. */
  visitor: maybe(threadVisitor),
  /**
   * [ext] Who owns the thread (CONTRACT §11). Absent on a seed-only server: the inbox then shows
   * no queues and no status controls. A status this client does not know is kept as text.
   */
  status: sent({ wire: v.picklist(THREAD_STATUSES), lenient: text }),
  assignee_id: sent(nullableText),
  agent_paused: sent(flag),
  waiting_since: sent(v.nullable(timestamp)),
  snoozed_until: sent(v.nullable(timestamp)),
});

/** [ext] `POST /chat/public/{slug}/threads/{id}/handoff-request` (CONTRACT §11): the conversation now waits for a person. */
export const handoffRequestAnswer = shape({
  thread_id: needed(id),
  status: needed(v.picklist(THREAD_STATUSES)),
  waiting_since: sent(v.nullable(timestamp)),
});

/**
 * [ext] `GET /chat/public/{slug}/threads` (CONTRACT §7): the visitor's own conversations with
 * the agent, newest first. A status this client does not know is kept as text.
 */
export const visitorThreadList = shape({
  threads: needed(
    listOf(
      shape({
        id: needed(id),
        status: sent({ wire: v.picklist(THREAD_STATUSES), lenient: text }),
        last_message: sent(orNull(lastMessage), null),
        updated_at: sent(timestamp),
      }),
    ),
  ),
});

/** [ext] `GET /chat/threads/counts` (CONTRACT §11): the caller's queues. */
export const queueCounts = shape({
  waiting: needed(nonNegativeInt),
  mine: needed(nonNegativeInt),
  unassigned: needed(nonNegativeInt),
  open: needed(nonNegativeInt),
  resolved: needed(nonNegativeInt),
  snoozed: needed(nonNegativeInt),
});

/** [ext] A file a message carries (CONTRACT §13); `width`/`height` for raster images only. */
export const attachmentSummary = shape({
  id: needed(id),
  name: needed(text),
  content_type: needed(text),
  size: needed(nonNegativeInt),
  width: maybe(nonNegativeInt),
  height: maybe(nonNegativeInt),
});

/** [ext] An upload's answer (CONTRACT §13): `size` and `sha256` are of the bytes as stored. */
export const uploadedAttachment = shape({
  id: needed(id),
  name: needed(text),
  content_type: needed(text),
  size: needed(nonNegativeInt),
  width: maybe(nonNegativeInt),
  height: maybe(nonNegativeInt),
  sha256: needed(text),
  created_at: sent(timestamp),
});

/**
 * A message (CONTRACT §4). Lenient where a seed-only server differs: `thread_message` without
 * `thread_seq`, messages without `role` or `created_at`.
 */
export const message = shape({
  id: needed(id),
  thread_id: sent(text),
  thread_seq: sent(seq),
  sender_id: needed(id),
  role: sent(v.picklist(['user', 'agent', 'system'])),
  content: needed(text),
  client_message_id: maybe(nullableText),
  mentions: maybe(v.array(text)),
  base_seq: maybe(v.nullable(nonNegativeInt)),
  latest_seen_seq: maybe(v.nullable(nonNegativeInt)),
  created_at: sent(timestamp),
  /** [ext] The files it carries (CONTRACT §13); absent when none. */
  attachments: maybe(listOf(attachmentSummary)),
});

/**
 * A durable event as the poll endpoint and SSE deliver it (CONTRACT §5, seed 000): `thread_seq`
 * is needed there. A client accepts event types it does not know yet.
 */
export const threadEvent = shape({
  event_id: sent(text),
  thread_id: sent(text),
  thread_seq: needed(seq),
  event_type: needed({ wire: v.picklist(DURABLE_EVENT_TYPES), lenient: id }),
  sender_id: sent(text),
  content: maybe(nullableText),
  created_at: sent(timestamp),
  data: sent(v.record(v.string(), v.unknown())),
});

/**
 * [ext] An event as a visitor's history shows it (CONTRACT §7, §11): a durable event, or in
 * place of a team-only one the `hidden` placeholder, which has no sender, content or data.
 */
export const publicThreadEvent = shape({
  event_id: maybe(text),
  thread_id: sent(text),
  thread_seq: needed(seq),
  // The durable types include the `hidden` placeholder.
  event_type: needed({ wire: v.picklist(DURABLE_EVENT_TYPES), lenient: id }),
  sender_id: maybe(text),
  content: maybe(nullableText),
  created_at: sent(timestamp),
  data: maybe(v.record(v.string(), v.unknown())),
});

/** [ext] A private note (CONTRACT §11), as its writer gets it back. */
export const note = shape({
  id: needed(id),
  thread_id: needed(text),
  thread_seq: needed(seq),
  sender_id: needed(id),
  content: needed(text),
  client_message_id: needed(text),
  created_at: needed(timestamp),
});

/** The answer of the public resolve call (CONTRACT §7). */
export const resolvedThread = shape({
  thread_id: needed(id),
  resumed: needed(flag),
  sender_id: sent(visitorSenderId),
  visitor_token: sent(id),
  verified: sent(flag),
  email: sent(nullableText),
});

/** [ext] `POST /chat/public/{slug}/resume`: the conversation of a follow-up email's link, with a new visitor token (CONTRACT §12). */
export const resumedVisitor = shape({
  thread_id: needed(id),
  sender_id: needed(visitorSenderId),
  visitor_token: needed(id),
  verified: needed(flag),
});

/** An agent in the directory (`GET /agents`). */
export const agent = shape({
  id: needed(id),
  sender_id: needed(id),
  slug: sent(text),
  name: needed(text),
  avatar_url: sent(nullableText, null),
  /** [ext] Whether the caller owns this agent (may open its settings). */
  is_owner: sent(flag),
});

/** [ext] `POST /auth/login` (CONTRACT §1). */
export const loginAnswer = shape({ token: needed(id), user: needed(user) });

/** `POST /chat/threads/{id}/approvals/{approval_id}`. */
export const approvalDecision = shape({
  approval_id: needed(id),
  status: needed(text),
  decided_at: sent(nullableText, null),
});

/** What every answer about a webhook subscription says (CONTRACT §8). */
const subscriptionFields = {
  subscription_id: needed(id),
  thread_id: needed(text),
  callback_url: needed(text),
  active: needed(flag),
  created_at: needed(text),
};

/** A webhook just created: its secret, which keys the callback signature, is shown this once. */
export const createdWebhook = shape({ ...subscriptionFields, secret: sent(text) });

/** [ext] A thread's webhook as its participants see it (`GET /chat/threads/{id}/webhooks`): never a secret. */
export const listedWebhook = shape({
  ...subscriptionFields,
  /** Why it is off, e.g. `delivery_failed`, `creator_disabled`; absent while on. */
  inactive_reason: maybe(text),
  created_by: needed(text),
});
export const webhookList = shape({ webhooks: needed(listOf(listedWebhook)) });

/** An agent's public profile (`GET /chat/public/{slug}`, CONTRACT §7). */
/** [ext] What an agent lets its visitors send (CONTRACT §13, agent settings `attachments`). */
export const visitorAttachmentSettings = shape({
  enabled: needed(flag),
  max_bytes: needed(nonNegativeInt),
  types: needed(v.array(text)),
});

export const agentProfile = shape({
  slug: needed(text),
  name: needed(text),
  avatar_url: sent(nullableText, null),
  greeting: sent(text, ''),
  theme: sent(shape({ color: maybe(text) }), {}),
  /** [ext] When true, only visitors vouched for by an identity token may chat. */
  require_verified_identity: sent(flag),
  /** [ext] How soon a person usually replies; absent on a seed-only server (then nothing is said). */
  expected_reply_minutes: sent(expectedReply, null),
  /**
   * [ext] What visitors may upload (CONTRACT §13), so the widget checks a file before sending it.
   * A client takes it unchecked (its own code reads the fields), which keeps the widget small.
   */
  attachments: maybe({ wire: visitorAttachmentSettings.wire, lenient: v.unknown() }),
});

/** [ext] `GET`/`PUT /agents/{slug}/settings` (owners only). */
export const agentSettings = shape({
  allowed_origins: needed(v.array(text)),
  require_verified_identity: needed(flag),
  identity_secret_set: needed(flag),
  identity_secret_created_at: sent(nullableText, null),
  expected_reply_minutes: sent(expectedReply, null),
  /** [ext] The page that embeds the chat; follow-up emails link to it (CONTRACT §12). */
  website_url: sent(nullableText, null),
  /** [ext] Email visitors who left the replies they did not see. */
  email_follow_up: sent(flag, false),
  /** [ext] What visitors may upload (CONTRACT §13). */
  attachments: sent(visitorAttachmentSettings),
  /** [ext] Visitor threads idle this many days are erased (CONTRACT §14); null keeps them. */
  retention_days: sent({ wire: v.nullable(v.pipe(v.number(), v.minValue(0))), lenient: v.nullable(v.number()) }, null),
});

/** [ext] `POST /agents/{slug}/identity-secret`: the secret, shown once. */
export const issuedIdentitySecret = shape({ secret: needed(id), created_at: needed(text) });

/** [ext] One agent token as listed: never the token itself. */
export const agentTokenInfo = shape({
  id: needed(id),
  prefix: needed(text),
  created_at: needed(text),
  last_used_at: sent(nullableText, null),
});

/** [ext] `GET /agents/{slug}/tokens`. */
export const agentTokenList = shape({ tokens: needed(listOf(agentTokenInfo)) });

/** `POST /agents/{slug}/tokens`: the token, shown once (`id` and `prefix` are [ext]). */
export const issuedAgentToken = shape({
  id: sent(text),
  token: needed(id),
  prefix: sent(text),
  agent_id: needed(text),
  created_at: needed(text),
});

/** `GET /chat/threads` (CONTRACT §3). */
export const threadPage = shape({ threads: needed(eachOf(thread)), next_cursor: sent(nullableText, null) });

/** A poll page (CONTRACT §5, seed 000). */
export const eventPage = shape({ events: needed(eachOf(threadEvent)), has_more: needed(flag) });

/** `GET /users`. */
export const userList = shape({ users: needed(eachOf(user)) });

/** `GET /agents`. */
export const agentList = shape({ agents: needed(eachOf(agent)) });

/** [ext] `GET /chat/threads/counts` (CONTRACT §11): the caller's queues. */
export const threadCounts = shape({
  waiting: sent(nonNegativeInt, 0),
  mine: sent(nonNegativeInt, 0),
  unassigned: sent(nonNegativeInt, 0),
  open: sent(nonNegativeInt, 0),
  resolved: sent(nonNegativeInt, 0),
  snoozed: sent(nonNegativeInt, 0),
});

/** [ext] Where a search result's words matched: `[start, end)` offsets into the snippet's text, never markup. */
const highlight = v.pipe(
  v.tuple([nonNegativeInt, nonNegativeInt]),
  v.check(([start, end]) => start < end),
);

/**
 * [ext] One search result (CONTRACT §11): a message or note (with its `thread_seq`), or a
 * thread found by its title or people (`event_type: "thread"`, no seq).
 */
export const searchResult = shape({
  thread_id: needed(id),
  thread_seq: maybe(seq),
  event_type: needed(id),
  sender_id: sent(nullableText, null),
  created_at: sent(timestamp),
  snippet: needed(shape({ text: needed(text), highlights: sent(listOf(highlight), []) })),
});

/** [ext] `GET /chat/search`. */
export const searchPage = shape({ results: needed(eachOf(searchResult)), next_cursor: sent(nullableText, null) });

/** A send's answer (CONTRACT §4). */
export const sentMessage = shape({ message: needed(message) });

/** [ext] A public history page (CONTRACT §7): team-only events as `hidden` placeholders. */
export const publicEventPage = shape({ events: needed(eachOf(publicThreadEvent)), has_more: needed(flag) });

/** [ext] A note's answer (`POST /chat/threads/{id}/notes`, CONTRACT §11). */
export const addedNote = shape({ note: needed(note) });
