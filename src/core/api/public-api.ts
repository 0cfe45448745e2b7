/**
 * The visitor endpoints (CONTRACT §7): no sign-in; a visitor proves who they are with the
 * visitor token the resolve call issued (Bearer, never in a URL), and across devices with
 * the website's identity token. Every method rejects with an {@link ApiError} only.
 */
import type { SendMessageInput } from '../protocol/client-frames.ts';
import { POLL_LIMIT_DEFAULT } from '../protocol/limits.ts';
import {
  agentProfileSchema,
  parseEventPage,
  parseSentMessage,
  resolvedThreadSchema,
  visitorThreadListSchema,
  type AgentProfile,
  type ResolvedThread,
  type InvalidItemHandler,
  type VisitorThreadList,
} from '../protocol/rest-schemas.ts';
import type { InboundMessage } from '../protocol/server-frame-schemas.ts';
import { ApiError } from './api-error.ts';
import { apiBaseUrl, createHttpClient, parseWith } from './http-client.ts';
import type { EventPage, ThreadSource } from './thread-source.ts';

export interface PublicApiOptions {
  /** The server's URL without `/api/v1`: the widget runs on a customer's site, so this is never `''`. */
  serverUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Told about each history event dropped for failing its schema (type only). */
  onInvalidItem?: InvalidItemHandler;
  /**
   * [ext] The widget's language (its locale, e.g. `de-at`), sent with every resolve so the
   * server writes a follow-up email in it (CONTRACT §12); a server without it ignores the field.
   */
  language?: string;
}

/** What the resolve call sends (CONTRACT §7); each field is left out when absent. */
export interface ResolveInput {
  /** A label shown to the agent's owners; required by the server only for a brand-new visitor without an identity token. */
  email?: string | null;
  name?: string | null;
  /** [ext] Open a new conversation for this visitor instead of resuming the open one. */
  fresh?: boolean;
  /** [ext] The website's signed identity token (HS256 JWT), passed on as it came. */
  identity_token?: string | null;
}

/**
 * How the visitor proves who they are on history and send: the visitor token (Bearer). A
 * seed-only server issues none and wants the email in the query instead; with a token the
 * email is left out of the URL (it proves nothing, and URLs end up in logs).
 */
export interface VisitorCredentials {
  visitorToken: string | null;
  email: string | null;
}

export interface PublicApi {
  /** The agent's public card: name, avatar, greeting, theme colour, whether it needs verified visitors. */
  profile(slug: string, signal?: AbortSignal): Promise<AgentProfile>;
  /**
   * The visitor's thread with this agent, decided by the server in the contract's order: the
   * stored `visitorToken` resumes (or with `fresh` opens a new thread for the same visitor),
   * else a valid identity token, else a new visitor. Rejects with `identity_invalid`,
   * `identity_required`, `forbidden` (origin refused) or `client_error` like any ApiError.
   */
  resolveThread(slug: string, input: ResolveInput, visitorToken: string | null, signal?: AbortSignal): Promise<ResolvedThread>;
  /** The thread's history after `afterSeq`, ascending (CONTRACT §5 poll, visitor edition). */
  pollEvents(
    slug: string,
    threadId: string,
    credentials: VisitorCredentials,
    afterSeq: number,
    limit?: number,
    signal?: AbortSignal,
  ): Promise<EventPage>;
  /** Sends as the visitor when the socket is down; idempotent on `client_message_id` like §4. */
  sendMessage(
    slug: string,
    threadId: string,
    credentials: VisitorCredentials,
    body: SendMessageInput,
    signal?: AbortSignal,
  ): Promise<InboundMessage>;
  /**
   * [ext] The visitor's own conversations with this agent, newest first (CONTRACT §7 "my
   * conversations"); one is resumed with its id. A seed-only server answers 404.
   */
  listThreads(slug: string, visitorToken: string, signal?: AbortSignal): Promise<VisitorThreadList>;
  /** [ext] Forgets this device: the server revokes the visitor token (the conversation stays with the agent's owners). */
  forgetVisitorToken(slug: string, visitorToken: string): Promise<void>;
  /**
   * [ext] Erases the token's visitor with all their conversations, on the server (CONTRACT §14
   * "erase myself"); afterwards the token is `401` and the threads `404`.
   */
  eraseVisitor(slug: string, visitorToken: string): Promise<void>;
  /** [ext] "Talk to a person" (CONTRACT §11): the thread waits for one; a repeat while it waits changes nothing. */
  requestHandoff(slug: string, threadId: string, visitorToken: string): Promise<void>;
}

/** The resolve body: only the fields that have a value, so a seed-only server sees what it knows. */
function resolveBody(input: ResolveInput, language: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { language };
  if (input.email) body.email = input.email;
  if (input.name) body.name = input.name;
  if (input.fresh) body.fresh = true;
  if (input.identity_token) body.identity_token = input.identity_token;
  return body;
}

const seedEmail = (credentials: VisitorCredentials) => (credentials.visitorToken ? null : credentials.email);

/**
 * Creates the visitor API. The visitor token travels only in the `Authorization` header; the
 * email label goes in the query string only for a seed-only server (no token). Neither
 * appears in error messages.
 */
export function createPublicApi(options: PublicApiOptions): PublicApi {
  // The token belongs to each call (one API object serves whoever the visitor is now).
  const clientFor = (token: string | null) =>
    createHttpClient({ baseUrl: apiBaseUrl(options.serverUrl), fetch: options.fetch, timeoutMs: options.timeoutMs, getToken: () => token });
  const anonymous = clientFor(null);
  const agent = (slug: string) => `/chat/public/${encodeURIComponent(slug)}`;
  const thread = (slug: string, threadId: string) => `${agent(slug)}/threads/${encodeURIComponent(threadId)}`;

  return {
    profile: (slug, signal) => anonymous.request('GET', agent(slug), { auth: false, signal, parse: parseWith(agentProfileSchema) }),
    resolveThread: (slug, input, visitorToken, signal) =>
      clientFor(visitorToken).request('POST', `${agent(slug)}/threads`, {
        body: resolveBody(input, options.language),
        signal,
        parse: parseWith(resolvedThreadSchema),
      }),
    pollEvents: (slug, threadId, credentials, afterSeq, limit = POLL_LIMIT_DEFAULT, signal) =>
      clientFor(credentials.visitorToken).request('GET', `${thread(slug, threadId)}/events`, {
        query: { email: seedEmail(credentials), last_thread_seq: afterSeq, limit },
        signal,
        parse: (json) => parseEventPage(json, options.onInvalidItem),
      }),
    sendMessage: (slug, threadId, credentials, body, signal) =>
      clientFor(credentials.visitorToken).request('POST', `${thread(slug, threadId)}/messages`, {
        query: { email: seedEmail(credentials) },
        body,
        signal,
        parse: parseSentMessage,
      }),
    listThreads: (slug, visitorToken, signal) =>
      clientFor(visitorToken).request('GET', `${agent(slug)}/threads`, { signal, parse: parseWith(visitorThreadListSchema) }),
    forgetVisitorToken: (slug, visitorToken) => clientFor(visitorToken).request<void>('DELETE', `${agent(slug)}/visitor-token`),
    eraseVisitor: (slug, visitorToken) => clientFor(visitorToken).request<void>('DELETE', `${agent(slug)}/me`),
    requestHandoff: (slug, threadId, visitorToken) =>
      clientFor(visitorToken).request<void>('POST', `${thread(slug, threadId)}/handoff-request`),
  };
}

/**
 * The engine's view of one visitor's thread with one agent. `lastSeq` is always null:
 * public threads have no GET, so the engine pages the history from 0.
 */
export function publicThreadSource(api: PublicApi, slug: string, credentials: VisitorCredentials): ThreadSource {
  return {
    pollEvents: (threadId, afterSeq, limit, signal) => api.pollEvents(slug, threadId, credentials, afterSeq, limit, signal),
    lastSeq: () => Promise.resolve(null),
    sendMessage: (threadId, body, signal) => api.sendMessage(slug, threadId, credentials, body, signal),
  };
}

/**
 * The same source, telling `onRefused` when the server refuses the visitor's credentials or
 * origin on history or send (401 / 403): the widget then re-resolves once or explains.
 */
export function watchRefusals(source: ThreadSource, onRefused: (error: ApiError) => void): ThreadSource {
  const watch = <T>(promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      if (ApiError.is(error) && (error.status === 401 || error.status === 403)) onRefused(error);
      throw error;
    });
  return {
    pollEvents: (threadId, afterSeq, limit, signal) => watch(source.pollEvents(threadId, afterSeq, limit, signal)),
    lastSeq: (threadId, signal) => source.lastSeq(threadId, signal),
    sendMessage: (threadId, body, signal) => watch(source.sendMessage(threadId, body, signal)),
  };
}
