/**
 * The visitor endpoints (CONTRACT §7): no sign-in; a visitor is known by agent slug,
 * thread id and the email the thread was opened with. Every method rejects with an
 * {@link ApiError} only.
 */
import type { SendMessageInput } from '../protocol/client-frames.ts';
import { POLL_LIMIT_DEFAULT } from '../protocol/limits.ts';
import {
  agentProfileSchema,
  parseEventPage,
  parseSentMessage,
  resolvedThreadSchema,
  type AgentProfile,
  type ResolvedThread,
  type InvalidItemHandler,
} from '../protocol/rest-schemas.ts';
import type { InboundMessage } from '../protocol/server-frame-schemas.ts';
import { apiBaseUrl, createHttpClient, parseWith } from './http-client.ts';
import type { EventPage, ThreadSource } from './thread-source.ts';

export interface PublicApiOptions {
  /** The server's URL without `/api/v1`: the widget runs on a customer's site, so this is never `''`. */
  serverUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Told about each history event dropped for failing its schema (type only). */
  onInvalidItem?: InvalidItemHandler;
}

export interface PublicApi {
  /** The agent's public card: name, avatar, greeting, theme colour. */
  profile(slug: string, signal?: AbortSignal): Promise<AgentProfile>;
  /** The visitor's thread with this agent: the same (slug, email) always gets the same open thread. */
  resolveThread(slug: string, email: string, name?: string | null, signal?: AbortSignal): Promise<ResolvedThread>;
  /** [ext] Starts a new conversation for this visitor; later `resolveThread` calls return it. */
  startNewThread(slug: string, email: string, name?: string | null, signal?: AbortSignal): Promise<ResolvedThread>;
  /** The thread's history after `afterSeq`, ascending (CONTRACT §5 poll, visitor edition). */
  pollEvents(slug: string, threadId: string, email: string, afterSeq: number, limit?: number, signal?: AbortSignal): Promise<EventPage>;
  /** Sends as the visitor when the socket is down; idempotent on `client_message_id` like §4. */
  sendMessage(slug: string, threadId: string, email: string, body: SendMessageInput, signal?: AbortSignal): Promise<InboundMessage>;
}

/** Creates the visitor API. The email travels in the query string, as the contract says; it never appears in error messages. */
export function createPublicApi(options: PublicApiOptions): PublicApi {
  const http = createHttpClient({ baseUrl: apiBaseUrl(options.serverUrl), fetch: options.fetch, timeoutMs: options.timeoutMs });
  const agent = (slug: string) => `/chat/public/${encodeURIComponent(slug)}`;
  const thread = (slug: string, threadId: string) => `${agent(slug)}/threads/${encodeURIComponent(threadId)}`;

  return {
    profile: (slug, signal) => http.request('GET', agent(slug), { auth: false, signal, parse: parseWith(agentProfileSchema) }),
    resolveThread: (slug, email, name, signal) =>
      http.request('POST', `${agent(slug)}/threads`, {
        body: name ? { email, name } : { email },
        auth: false,
        signal,
        parse: parseWith(resolvedThreadSchema),
      }),
    startNewThread: (slug, email, name, signal) =>
      http.request('POST', `${agent(slug)}/threads`, {
        body: name ? { email, name, fresh: true } : { email, fresh: true },
        auth: false,
        signal,
        parse: parseWith(resolvedThreadSchema),
      }),
    pollEvents: (slug, threadId, email, afterSeq, limit = POLL_LIMIT_DEFAULT, signal) =>
      http.request('GET', `${thread(slug, threadId)}/events`, {
        query: { email, last_thread_seq: afterSeq, limit },
        auth: false,
        signal,
        parse: (json) => parseEventPage(json, options.onInvalidItem),
      }),
    sendMessage: (slug, threadId, email, body, signal) =>
      http.request('POST', `${thread(slug, threadId)}/messages`, {
        query: { email },
        body,
        auth: false,
        signal,
        parse: parseSentMessage,
      }),
  };
}

/**
 * The engine's view of one visitor's threads with one agent. `lastSeq` is always null:
 * public threads have no GET, so the engine pages the history from 0.
 */
export function publicThreadSource(api: PublicApi, slug: string, email: string): ThreadSource {
  return {
    pollEvents: (threadId, afterSeq, limit, signal) => api.pollEvents(slug, threadId, email, afterSeq, limit, signal),
    lastSeq: () => Promise.resolve(null),
    sendMessage: (threadId, body, signal) => api.sendMessage(slug, threadId, email, body, signal),
  };
}
