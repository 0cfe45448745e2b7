/**
 * The surface of the seed SDK `@ama2/thread-runtime-sdk` (seed 001, seed 000): what an
 * external agent uses with its `ama_eat_` token. Same names and arguments as the seed;
 * responses are validated, and every method rejects with an {@link ApiError} only.
 */
import * as v from 'valibot';
import type { BackoffOptions } from '../connection/backoff.ts';
import type { WebSocketConstructor } from '../connection/websocket-transport.ts';
import { describeIssue, type SendMessageInput } from '../protocol/client-frames.ts';
import { POLL_LIMIT_DEFAULT } from '../protocol/limits.ts';
import type { ParticipationMode } from '../protocol/model.ts';
import {
  parseEventPage,
  parseSentMessage,
  threadSchema,
  webhookSubscriptionSchema,
  type InboundThread,
  type InvalidItemHandler,
  type WebhookSubscription,
} from '../protocol/rest-schemas.ts';
import type { InboundMessage } from '../protocol/server-frame-schemas.ts';
import { MAX_SUBSCRIPTIONS, subscribeFrameSchema } from '../protocol/topic-frames.ts';
import { parseTopic } from '../topics/topic-pattern.ts';
import { AGENT_SOCKET_PATH, AgentTopicSocket } from './agent-topic-socket.ts';
import { ApiError } from './api-error.ts';
import { apiBaseUrl, createHttpClient, parseWith, type HttpClient } from './http-client.ts';
import type { EventPage } from './thread-source.ts';
import { TopicStream, type TopicEvent, type TopicStreamLimits } from './topic-stream.ts';

export { pollThreadEvents } from './poll-thread-events.ts';
export { TOPIC_BUFFER_LIMIT, TOPIC_BUFFER_RESUME, type TopicEvent, type TopicEventObject } from './topic-stream.ts';

export interface ThreadRuntimeClientConfig {
  /** AMA2 API base URL, e.g. `https://api.ama2.me` (without `/api/v1`). */
  baseURL: string;
  /** External agent token (`ama_eat_…`), or a user JWT. */
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Told about each polled event dropped for failing its schema (type only). */
  onInvalidItem?: InvalidItemHandler;
  /**
   * Servers of the same deployment for the agent socket of {@link ThreadRuntimeClient.subscribe}
   * (e.g. every process of a cluster, `http://a:3000`), tried in turn: after a drop the next one.
   * Defaults to `[baseURL]`; REST calls always go to `baseURL`.
   */
  socketBaseURLs?: readonly string[];
  /** The WebSocket class of the agent socket; defaults to `globalThis.WebSocket` (Node 20 has none: pass the `ws` package's). */
  WebSocket?: WebSocketConstructor;
  /** Reconnect delays of the agent socket (full-jitter backoff, 0.5 s doubling to 30 s by default). */
  reconnect?: BackoffOptions;
  /** Per-subscription buffer bounds (see topic-stream.ts); for tests. */
  topicBuffer?: TopicStreamLimits;
}

export interface SubscribeOptions {
  /** `{thread_id: seq}`: the events after those seqs are replayed first; the caller has the rest. */
  from?: Readonly<Record<string, number>>;
  /** Aborting ends the iterator (its waiting `next()` rejects with an `aborted` ApiError) and unsubscribes. */
  signal?: AbortSignal;
}

export interface CreateThreadParams {
  target_user_ids: string[];
  /** Honoured by the local server; the seed notes AMA2 does not process it yet. */
  participation_mode?: ParticipationMode;
  /** Honoured by the local server; the seed notes AMA2 does not process it yet. */
  initial_message?: string;
  /** [ext] */
  agent_ids?: string[];
  /** [ext] */
  title?: string | null;
}

/** Client for the Thread Runtime API (seed 001). */
export class ThreadRuntimeClient {
  // Private so the token is not reachable from the instance (logs, devtools, JSON).
  readonly #http: HttpClient;
  readonly #onInvalidItem: InvalidItemHandler | undefined;
  readonly #config: ThreadRuntimeClientConfig;
  #socket: AgentTopicSocket | null = null;
  #subscriptions = 0;

  constructor(config: ThreadRuntimeClientConfig) {
    const { token } = config;
    this.#config = config;
    this.#http = createHttpClient({
      baseUrl: apiBaseUrl(config.baseURL),
      getToken: () => token,
      fetch: config.fetch,
      timeoutMs: config.timeoutMs,
    });
    this.#onInvalidItem = config.onInvalidItem;
  }

  /** Creates a private thread with the target users; the caller joins it. */
  createThread(params: CreateThreadParams, signal?: AbortSignal): Promise<InboundThread> {
    return this.#http.request('POST', '/chat/threads', { body: params, signal, parse: parseWith(threadSchema) });
  }

  /** Sends a message; idempotent on `client_message_id`, so a retry cannot duplicate it. */
  sendMessage(threadId: string, message: SendMessageInput, signal?: AbortSignal): Promise<InboundMessage> {
    return this.#http.request('POST', `${threadPath(threadId)}/messages`, { body: message, signal, parse: parseSentMessage });
  }

  /** Events after `afterSeq`, ascending; continue from the last event's `thread_seq` while `has_more`. */
  pollEvents(threadId: string, afterSeq = 0, options: { limit?: number; signal?: AbortSignal } = {}): Promise<EventPage> {
    return this.#http.request('GET', `${threadPath(threadId)}/events`, {
      query: { last_thread_seq: afterSeq, limit: options.limit ?? POLL_LIMIT_DEFAULT },
      signal: options.signal,
      parse: (json) => parseEventPage(json, this.#onInvalidItem),
    });
  }

  /** Changes the agent participation mode; resolves with the updated thread, or null when the server sends none. */
  async setThreadMode(
    threadId: string,
    params: { participation_mode: ParticipationMode },
    signal?: AbortSignal,
  ): Promise<InboundThread | null> {
    // The seed documents no answer for this call, so anything that is not a thread (even a 204) is fine.
    const thread = await this.#http.request<InboundThread | null>('PUT', `${threadPath(threadId)}/mode`, {
      body: params,
      signal,
      parse: (json) => {
        const result = v.safeParse(threadSchema, json);
        return result.success ? result.output : null;
      },
    });
    return thread ?? null;
  }

  /** Registers a callback URL for push delivery; the local server adds the signing `secret`, shown once. */
  registerWebhook(threadId: string, params: { callback_url: string }, signal?: AbortSignal): Promise<WebhookSubscription> {
    return this.#http.request('POST', `${threadPath(threadId)}/webhooks`, {
      body: params,
      signal,
      parse: parseWith(webhookSubscriptionSchema),
    });
  }

  /** Unsubscribes a webhook. An agent token may not remove one a person registered (`403`); a signed-in user may remove any of the thread's. */
  removeWebhook(threadId: string, subscriptionId: string, signal?: AbortSignal): Promise<void> {
    return this.#http.request<void>('DELETE', `${threadPath(threadId)}/webhooks/${encodeURIComponent(subscriptionId)}`, { signal });
  }

  /**
   * Follows a topic (CONTRACT §15), e.g. `events.local.chat.thread.message_committed.*` (or
   * `events.*.…` for whatever the server's org is): the events of every thread the token may
   * read that match, including threads it joins later, as they are committed. All of a
   * client's subscriptions share one agent socket, opened now and closed when the last ends.
   * After a drop it reconnects and resumes each subscription from the last seq it yielded per
   * thread: durable events come once each, in seq order per thread, with no gap. A refused or
   * revoked token ends the iterator with an ApiError (`unauthorized`), thrown from `next()`.
   * A bad topic or `from` throws at once.
   */
  subscribe(topic: string, options: SubscribeOptions = {}): AsyncIterableIterator<TopicEvent> {
    const parsed = parseTopic(topic);
    if (!parsed.ok) throw new ApiError('client_error', parsed.reason, false);
    const checked = v.safeParse(subscribeFrameSchema, { type: 'subscribe', data: { id: 'check', topic, from: options.from } });
    if (!checked.success) throw new ApiError('client_error', `Invalid from: ${describeIssue(checked.issues[0])}`, false);
    const socket = (this.#socket ??= this.#openSocket());
    if (socket.size >= MAX_SUBSCRIPTIONS) {
      throw new ApiError(
        'client_error',
        `This client already follows ${MAX_SUBSCRIPTIONS} topics, the most one socket may; end one first.`,
        false,
      );
    }
    const stream = new TopicStream(`s${++this.#subscriptions}`, topic, options.from, socket, this.#config.topicBuffer);
    const { signal } = options;
    if (signal?.aborted) {
      stream.abort();
      return stream;
    }
    if (signal) {
      const onAbort = () => stream.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      stream.whenEnded(() => signal.removeEventListener('abort', onAbort));
    }
    socket.add(stream);
    return stream;
  }

  #openSocket(): AgentTopicSocket {
    const config = this.#config;
    const bases = config.socketBaseURLs && config.socketBaseURLs.length > 0 ? config.socketBaseURLs : [config.baseURL];
    const socket = new AgentTopicSocket({
      urls: bases.map((base) => `${base.replace(/\/+$/, '').replace(/^http/u, 'ws')}${AGENT_SOCKET_PATH}`),
      token: config.token,
      WebSocket: config.WebSocket,
      backoff: config.reconnect,
      idle: () => {
        if (this.#socket === socket) this.#socket = null;
      },
    });
    return socket;
  }
}

function threadPath(threadId: string): string {
  return `/chat/threads/${encodeURIComponent(threadId)}`;
}
