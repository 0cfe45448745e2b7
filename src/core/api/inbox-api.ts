/**
 * The signed-in user's REST API (CONTRACT §1, §3–§5, §7 agent settings, §8, §9) with every response
 * validated at the boundary. Every method rejects with an {@link ApiError} only.
 */
import * as v from 'valibot';
import type { SendMessageInput } from '../protocol/client-frames.ts';
import { POLL_LIMIT_DEFAULT } from '../protocol/limits.ts';
import type { ParticipationMode } from '../protocol/model.ts';
import {
  agentSettingsSchema,
  agentTokenListSchema,
  approvalDecisionSchema,
  issuedAgentTokenSchema,
  issuedIdentitySecretSchema,
  loginResponseSchema,
  parseAgentList,
  parseEventPage,
  parseSentMessage,
  parseThreadPage,
  parseUserList,
  threadSchema,
  userSchema,
  webhookListSchema,
  webhookSubscriptionSchema,
  type ApprovalDecisionResult,
  type InboundAgentSettings,
  type InboundAgentTokenInfo,
  type InboundIssuedAgentToken,
  type InboundIssuedIdentitySecret,
  type InboundAgent,
  type InboundThread,
  type InboundUser,
  type InvalidItemHandler,
  type ListedWebhook,
  type WebhookSubscription,
} from '../protocol/rest-schemas.ts';
import type { InboundMessage } from '../protocol/server-frame-schemas.ts';
import { apiBaseUrl, createHttpClient, parseWith } from './http-client.ts';
import { notificationSettingsCalls, type NotificationSettingsApi } from './notification-settings-api.ts';
import { notificationCalls, type NotificationsApi } from './notifications-api.ts';
import { ownershipCalls, type OwnershipApi } from './ownership-api.ts';
import type { EventPage, ThreadSource } from './thread-source.ts';

export interface InboxApiOptions {
  /** The server's URL without `/api/v1`, e.g. `http://localhost:8787`; `''` for the page's own origin. */
  serverUrl: string;
  getToken: () => string | null;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Told about each list item dropped for failing its schema (kind and type only). */
  onInvalidItem?: InvalidItemHandler;
}

interface CreateThreadInput {
  target_user_ids: string[];
  agent_ids?: string[];
  title?: string | null;
  participation_mode?: ParticipationMode;
  initial_message?: string;
}

type ApprovalDecision = 'approve' | 'reject';

/** What an owner may change with `PUT /agents/{slug}/settings` (both fields required). */
export interface AgentSettingsInput {
  allowed_origins: string[];
  require_verified_identity: boolean;
  /** [ext] Left out: unchanged; null: nothing is said to visitors. */
  expected_reply_minutes?: number | null;
  /** [ext] Left out: unchanged; null clears it (CONTRACT §12 "Visitors who left"). */
  website_url?: string | null;
  /** [ext] Left out: unchanged. */
  email_follow_up?: boolean;
  /** [ext] Left out: unchanged; null keeps visitor conversations forever (CONTRACT §14). */
  retention_days?: number | null;
}

/**
 * The signed-in user's calls; the §11 ones (queues, ownership, notes, search) are in {@link OwnershipApi},
 * the §12 notifications in {@link NotificationsApi} and their settings in {@link NotificationSettingsApi}.
 */
export interface InboxApi extends OwnershipApi, NotificationsApi, NotificationSettingsApi {
  login(email: string, password: string, signal?: AbortSignal): Promise<{ token: string; user: InboundUser }>;
  me(signal?: AbortSignal): Promise<InboundUser>;
  /** My threads, newest activity first; pass `next_cursor` back for the next page. */
  listThreads(
    page?: { limit?: number; cursor?: string | null },
    signal?: AbortSignal,
  ): Promise<{ threads: InboundThread[]; next_cursor: string | null }>;
  getThread(threadId: string, signal?: AbortSignal): Promise<InboundThread>;
  /**
   * The thread's `last_seq`, or null when this server cannot say: it has no
   * `GET /chat/threads/{id}` (a seed-only server) or its thread has no `last_seq`.
   */
  lastSeq(threadId: string, signal?: AbortSignal): Promise<number | null>;
  createThread(input: CreateThreadInput, signal?: AbortSignal): Promise<InboundThread>;
  setMode(threadId: string, mode: ParticipationMode, signal?: AbortSignal): Promise<InboundThread>;
  /** Moves the read position (never backwards); resolves with the server's `read_seq`. */
  markRead(threadId: string, seq: number, signal?: AbortSignal): Promise<number>;
  /** Idempotent on `client_message_id`: a retry resolves with the same message. */
  sendMessage(threadId: string, body: SendMessageInput, signal?: AbortSignal): Promise<InboundMessage>;
  pollEvents(threadId: string, afterSeq: number, limit?: number, signal?: AbortSignal): Promise<EventPage>;
  listUsers(signal?: AbortSignal): Promise<InboundUser[]>;
  listAgents(signal?: AbortSignal): Promise<InboundAgent[]>;
  decideApproval(threadId: string, approvalId: string, decision: ApprovalDecision, signal?: AbortSignal): Promise<ApprovalDecisionResult>;
  /** [ext] Runs the agent again for a failed, retryable run. */
  retryRun(threadId: string, runId: string, signal?: AbortSignal): Promise<void>;
  /** Subscribes a callback URL; the result carries the signing `secret`, shown only this once. */
  registerWebhook(threadId: string, callbackUrl: string, signal?: AbortSignal): Promise<WebhookSubscription>;
  removeWebhook(threadId: string, subscriptionId: string, signal?: AbortSignal): Promise<void>;
  /** [ext] The thread's webhooks, on and off, without secrets; a seed-only server answers 404. */
  listWebhooks(threadId: string, signal?: AbortSignal): Promise<ListedWebhook[]>;
  /** [ext] An agent's settings; owners only (`forbidden` for anyone else). */
  getAgentSettings(slug: string, signal?: AbortSignal): Promise<InboundAgentSettings>;
  /** [ext] Replaces both settings; resolves with what the server stored (origins normalized). */
  updateAgentSettings(slug: string, input: AgentSettingsInput, signal?: AbortSignal): Promise<InboundAgentSettings>;
  /** [ext] Generates a new identity secret, replacing the old one; the secret is returned only this once. */
  rotateIdentitySecret(slug: string, signal?: AbortSignal): Promise<InboundIssuedIdentitySecret>;
  /** [ext] Issues an agent token; the token is returned only this once. */
  issueAgentToken(slug: string, signal?: AbortSignal): Promise<InboundIssuedAgentToken>;
  /** [ext] The agent's tokens that are not revoked, by prefix (never the secret). */
  listAgentTokens(slug: string, signal?: AbortSignal): Promise<InboundAgentTokenInfo[]>;
  /** [ext] Revokes a token: it stops working at once. */
  revokeAgentToken(slug: string, tokenId: string, signal?: AbortSignal): Promise<void>;
}

/**
 * Statuses that mean "no such endpoint here" rather than "no such thread": a 404 without
 * the contract's error body (a framework's default page), 405, and 501.
 */
function endpointMissing(status: number | null, contractBody: boolean): boolean {
  return (status === 404 && !contractBody) || status === 405 || status === 501;
}

const seqSchema = v.pipe(v.number(), v.integer(), v.minValue(0));
const lastSeqSchema = v.looseObject({ last_seq: v.optional(seqSchema) });
const readSchema = v.looseObject({ read_seq: seqSchema });

/** Creates the API for a signed-in user. */
export function createInboxApi(options: InboxApiOptions): InboxApi {
  const http = createHttpClient({
    baseUrl: apiBaseUrl(options.serverUrl),
    getToken: options.getToken,
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
  });
  const onInvalid = options.onInvalidItem;
  const thread = (id: string) => `/chat/threads/${encodeURIComponent(id)}`;
  const agent = (slug: string) => `/agents/${encodeURIComponent(slug)}`;

  return {
    ...ownershipCalls(http, onInvalid),
    ...notificationSettingsCalls(http),
    ...notificationCalls(http, onInvalid),
    login: (email, password, signal) =>
      http.request('POST', '/auth/login', { body: { email, password }, auth: false, signal, parse: parseWith(loginResponseSchema) }),
    me: (signal) => http.request('GET', '/me', { signal, parse: parseWith(userSchema) }),
    listThreads: (page = {}, signal) =>
      http.request('GET', '/chat/threads', {
        query: { limit: page.limit, cursor: page.cursor },
        signal,
        parse: (json) => parseThreadPage(json, onInvalid),
      }),
    getThread: (threadId, signal) => http.request('GET', thread(threadId), { signal, parse: parseWith(threadSchema) }),
    lastSeq: (threadId, signal) =>
      http.request<number | null>('GET', thread(threadId), {
        signal,
        parse: (json) => v.parse(lastSeqSchema, json).last_seq ?? null,
        recover: (error, contractBody) => (endpointMissing(error.status, contractBody) ? { value: null } : undefined),
      }),
    createThread: (input, signal) => http.request('POST', '/chat/threads', { body: input, signal, parse: parseWith(threadSchema) }),
    setMode: (threadId, mode, signal) =>
      http.request('PUT', `${thread(threadId)}/mode`, { body: { participation_mode: mode }, signal, parse: parseWith(threadSchema) }),
    markRead: (threadId, seq, signal) =>
      http.request('POST', `${thread(threadId)}/read`, {
        body: { seq },
        signal,
        parse: (json) => v.parse(readSchema, json).read_seq,
      }),
    sendMessage: (threadId, body, signal) =>
      http.request('POST', `${thread(threadId)}/messages`, { body, signal, parse: parseSentMessage }),
    pollEvents: (threadId, afterSeq, limit = POLL_LIMIT_DEFAULT, signal) =>
      http.request('GET', `${thread(threadId)}/events`, {
        query: { last_thread_seq: afterSeq, limit },
        signal,
        parse: (json) => parseEventPage(json, onInvalid),
      }),
    listUsers: (signal) => http.request('GET', '/users', { signal, parse: (json) => parseUserList(json, onInvalid) }),
    listAgents: (signal) => http.request('GET', '/agents', { signal, parse: (json) => parseAgentList(json, onInvalid) }),
    decideApproval: (threadId, approvalId, decision, signal) =>
      http.request('POST', `${thread(threadId)}/approvals/${encodeURIComponent(approvalId)}`, {
        body: { decision },
        signal,
        parse: parseWith(approvalDecisionSchema),
      }),
    retryRun: async (threadId, runId, signal) => {
      await http.request('POST', `${thread(threadId)}/runs/${encodeURIComponent(runId)}/retry`, { signal, parse: () => undefined });
    },
    registerWebhook: (threadId, callbackUrl, signal) =>
      http.request('POST', `${thread(threadId)}/webhooks`, {
        body: { callback_url: callbackUrl },
        signal,
        parse: parseWith(webhookSubscriptionSchema),
      }),
    removeWebhook: (threadId, subscriptionId, signal) =>
      http.request<void>('DELETE', `${thread(threadId)}/webhooks/${encodeURIComponent(subscriptionId)}`, { signal }),
    listWebhooks: async (threadId, signal) =>
      (await http.request('GET', `${thread(threadId)}/webhooks`, { signal, parse: parseWith(webhookListSchema) })).webhooks,
    getAgentSettings: (slug, signal) => http.request('GET', `${agent(slug)}/settings`, { signal, parse: parseWith(agentSettingsSchema) }),
    updateAgentSettings: (slug, input, signal) =>
      http.request('PUT', `${agent(slug)}/settings`, {
        // [ext] A field not given is undefined, which JSON leaves out (not null): the server keeps what it has.
        body: {
          allowed_origins: input.allowed_origins,
          require_verified_identity: input.require_verified_identity,
          expected_reply_minutes: input.expected_reply_minutes,
          website_url: input.website_url,
          email_follow_up: input.email_follow_up,
          retention_days: input.retention_days,
        },
        signal,
        parse: parseWith(agentSettingsSchema),
      }),
    rotateIdentitySecret: (slug, signal) =>
      http.request('POST', `${agent(slug)}/identity-secret`, { signal, parse: parseWith(issuedIdentitySecretSchema) }),
    issueAgentToken: (slug, signal) => http.request('POST', `${agent(slug)}/tokens`, { signal, parse: parseWith(issuedAgentTokenSchema) }),
    listAgentTokens: (slug, signal) =>
      http.request('GET', `${agent(slug)}/tokens`, { signal, parse: (json) => v.parse(agentTokenListSchema, json).tokens }),
    revokeAgentToken: (slug, tokenId, signal) =>
      http.request<void>('DELETE', `${agent(slug)}/tokens/${encodeURIComponent(tokenId)}`, { signal }),
  };
}

/** The engine's view of the inbox API (CONTRACT §3–§5). */
export function inboxThreadSource(api: InboxApi): ThreadSource {
  return {
    pollEvents: (threadId, afterSeq, limit, signal) => api.pollEvents(threadId, afterSeq, limit, signal),
    lastSeq: (threadId, signal) => api.lastSeq(threadId, signal),
    sendMessage: (threadId, body, signal) => api.sendMessage(threadId, body, signal),
  };
}
