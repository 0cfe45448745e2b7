/**
 * The surface of the seed SDK `@ama2/thread-runtime-sdk` (seed 001, seed 000): what an
 * external agent uses with its `ama_eat_` token. Same names and arguments as the seed;
 * responses are validated, and every method rejects with an {@link ApiError} only.
 */
import * as v from 'valibot';
import type { SendMessageInput } from '../protocol/client-frames.ts';
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
import { apiBaseUrl, createHttpClient, parseWith, type HttpClient } from './http-client.ts';
import type { EventPage } from './thread-source.ts';

export { pollThreadEvents } from './poll-thread-events.ts';

export interface ThreadRuntimeClientConfig {
  /** AMA2 API base URL, e.g. `https://api.ama2.me` (without `/api/v1`). */
  baseURL: string;
  /** External agent token (`ama_eat_…`), or a user JWT. */
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Told about each polled event dropped for failing its schema (type only). */
  onInvalidItem?: InvalidItemHandler;
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

  constructor(config: ThreadRuntimeClientConfig) {
    const { token } = config;
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
}

function threadPath(threadId: string): string {
  return `/chat/threads/${encodeURIComponent(threadId)}`;
}
