/**
 * How a client reads REST responses (CONTRACT §1, §3, §4, §5, §7, §8): the lenient variant
 * of each shape in rest-shapes.ts, where the shapes are written once. Only what a client
 * cannot do without is required, [ext] fields are optional, list fields default to empty,
 * unknown extra fields pass through. Lists are checked item by item so one bad item is
 * dropped, not the page.
 */
import * as v from 'valibot';
import { lenient } from './rest-shape.ts';
import {
  agent,
  agentList,
  agentProfile,
  agentSettings,
  agentTokenList,
  approvalDecision,
  createdWebhook,
  eventPage,
  issuedAgentToken,
  issuedIdentitySecret,
  listedWebhook,
  loginAnswer,
  resolvedThread,
  searchPage,
  searchResult,
  thread,
  threadCounts,
  threadPage,
  user,
  userList,
  visitorThreadList,
  webhookList,
  type agentTokenInfo,
} from './rest-shapes.ts';
import { inboundMessageSchema, parseEvent, type InboundEvent, type InboundMessage } from './server-frame-schemas.ts';

export const userSchema = lenient(user);
export type InboundUser = v.InferOutput<typeof userSchema>;

export const threadSchema = lenient(thread);
export type InboundThread = v.InferOutput<typeof threadSchema>;
/** [ext] A public thread's visitor (CONTRACT §7); absent on private threads and seed-only servers. */
export type InboundThreadVisitor = NonNullable<InboundThread['visitor']>;

const agentSchema = lenient(agent);
export type InboundAgent = v.InferOutput<typeof agentSchema>;

export const loginResponseSchema = lenient(loginAnswer);

export const approvalDecisionSchema = lenient(approvalDecision);
export type ApprovalDecisionResult = v.InferOutput<typeof approvalDecisionSchema>;

export const webhookSubscriptionSchema = lenient(createdWebhook);
export type WebhookSubscription = v.InferOutput<typeof webhookSubscriptionSchema>;

export const listedWebhookSchema = lenient(listedWebhook);
export type ListedWebhook = v.InferOutput<typeof listedWebhookSchema>;
export const webhookListSchema = lenient(webhookList);

export const agentProfileSchema = lenient(agentProfile);
export type AgentProfile = v.InferOutput<typeof agentProfileSchema>;

export const resolvedThreadSchema = lenient(resolvedThread);
export type ResolvedThread = v.InferOutput<typeof resolvedThreadSchema>;

/** [ext] The visitor's own conversations (CONTRACT §7 "my conversations"). */
export const visitorThreadListSchema = lenient(visitorThreadList);
export type VisitorThreadList = v.InferOutput<typeof visitorThreadListSchema>;
export type VisitorThreadSummary = VisitorThreadList['threads'][number];

export const agentSettingsSchema = lenient(agentSettings);
export type InboundAgentSettings = v.InferOutput<typeof agentSettingsSchema>;

export const issuedIdentitySecretSchema = lenient(issuedIdentitySecret);
export type InboundIssuedIdentitySecret = v.InferOutput<typeof issuedIdentitySecretSchema>;

export type InboundAgentTokenInfo = v.InferOutput<(typeof agentTokenInfo)['lenient']>;

export const agentTokenListSchema = lenient(agentTokenList);

export const issuedAgentTokenSchema = lenient(issuedAgentToken);
export type InboundIssuedAgentToken = v.InferOutput<typeof issuedAgentTokenSchema>;

/** [ext] The caller's queue counts (CONTRACT §11). */
export const threadCountsSchema = lenient(threadCounts);
export type ThreadCounts = v.InferOutput<typeof threadCountsSchema>;

const searchResultSchema = lenient(searchResult);
/** [ext] One search result (CONTRACT §11). */
export type SearchResult = v.InferOutput<typeof searchResultSchema>;
const searchPageSchema = lenient(searchPage);

const userListSchema = lenient(userList);
const agentListSchema = lenient(agentList);
const threadPageSchema = lenient(threadPage);
const eventPageSchema = lenient(eventPage);

/** Called for each list item that fails its schema: what it was and its type, never its content. */
export type InvalidItemHandler = (
  kind: 'event' | 'thread' | 'user' | 'agent' | 'search_result' | 'notification',
  type: string | null,
) => void;

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

/**
 * Parses `GET /chat/search` (`{results, next_cursor}`). A result whose highlights do not fit
 * its text keeps the text and loses the highlights that do not fit (never an offset past it).
 */
export function parseSearchPage(json: unknown, onInvalid?: InvalidItemHandler): { results: SearchResult[]; next_cursor: string | null } {
  const page = v.parse(searchPageSchema, json);
  const results = parseItems(page.results, searchResultSchema, 'search_result', onInvalid).map((result) => {
    const length = result.snippet.text.length;
    const fits = result.snippet.highlights.filter(([, end]) => end <= length);
    return fits.length === result.snippet.highlights.length ? result : { ...result, snippet: { ...result.snippet, highlights: fits } };
  });
  return { results, next_cursor: page.next_cursor };
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
