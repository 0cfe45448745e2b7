/**
 * The inbox's calls for privacy operations (CONTRACT §14): delete a message, find, export
 * and erase a visitor, and read the agent's audit log. Validated at the boundary like the
 * rest of the inbox API. Kept apart from `createInboxApi`: only the lazily loaded privacy
 * dialogs and screens use them, so they stay out of the inbox's initial JS.
 */
import * as v from 'valibot';
import { parseWith, type HttpClient } from './http-client.ts';

const visitorSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1)),
  sender_id: v.string(),
  email: v.nullable(v.string()),
  name: v.nullable(v.string()),
  verified: v.boolean(),
  sub: v.optional(v.nullable(v.string()), null),
  created_at: v.string(),
  last_seen_at: v.optional(v.nullable(v.string()), null),
  thread_ids: v.array(v.string()),
});
/** A visitor of an agent as its owners find them (CONTRACT §14). */
export type PrivacyVisitor = v.InferOutput<typeof visitorSchema>;

const auditEntrySchema = v.object({
  id: v.union([v.string(), v.number()]),
  at: v.string(),
  actor: v.string(),
  action: v.string(),
  target: v.nullable(v.string()),
  details: v.optional(v.unknown()),
  address: v.optional(v.nullable(v.string()), null),
});
/** One audit log entry (CONTRACT §14): no content, no secret, visitors named by id. */
export type AuditEntry = v.InferOutput<typeof auditEntrySchema>;

const auditPageSchema = v.object({ entries: v.array(auditEntrySchema), next_cursor: v.nullable(v.string()) });
export type AuditPage = v.InferOutput<typeof auditPageSchema>;

export interface PrivacyApi {
  /** Deletes a message (its author, or an owner of the thread's agent): the thread commits `message_deleted`. */
  deleteMessage(threadId: string, messageId: string, signal?: AbortSignal): Promise<void>;
  /** The visitor of a public thread, as the agent's owners see them; null when the server finds none. */
  visitorOfThread(agentSlug: string, threadId: string, signal?: AbortSignal): Promise<PrivacyVisitor | null>;
  /** Everything the server holds of the visitor, as the one JSON document it sends. */
  exportVisitor(agentSlug: string, visitorId: string, signal?: AbortSignal): Promise<unknown>;
  /** Erases the visitor, their conversations, messages, notes and files (`204`). Cannot be undone. */
  eraseVisitor(agentSlug: string, visitorId: string, signal?: AbortSignal): Promise<void>;
  /** One page of the agent's audit log, newest first; `cursor` is the page before's `next_cursor`. */
  auditLog(agentSlug: string, query: { cursor?: string | null; action?: string | null }, signal?: AbortSignal): Promise<AuditPage>;
}

export function createPrivacyApi(http: HttpClient): PrivacyApi {
  const agent = (slug: string) => `/agents/${encodeURIComponent(slug)}`;
  const visitor = (slug: string, id: string) => `${agent(slug)}/visitors/${encodeURIComponent(id)}`;
  const none = () => undefined;
  return {
    deleteMessage: async (threadId, messageId, signal) => {
      await http.request('DELETE', `/chat/threads/${encodeURIComponent(threadId)}/messages/${encodeURIComponent(messageId)}`, {
        signal,
        parse: none,
      });
    },
    visitorOfThread: async (agentSlug, threadId, signal) => {
      const found = await http.request('GET', `${agent(agentSlug)}/visitors`, {
        query: { thread_id: threadId },
        signal,
        parse: parseWith(v.object({ visitors: v.array(visitorSchema) })),
      });
      return found.visitors.find((candidate) => candidate.thread_ids.includes(threadId)) ?? found.visitors[0] ?? null;
    },
    exportVisitor: (agentSlug, visitorId, signal) =>
      http.request('GET', `${visitor(agentSlug, visitorId)}/export`, {
        signal,
        parse: parseWith(v.looseObject({ visitor: v.looseObject({ id: v.string() }), threads: v.array(v.unknown()) })),
      }),
    eraseVisitor: async (agentSlug, visitorId, signal) => {
      await http.request('DELETE', visitor(agentSlug, visitorId), { signal, parse: none });
    },
    auditLog: (agentSlug, query, signal) =>
      http.request('GET', `${agent(agentSlug)}/audit`, {
        query: { cursor: query.cursor ?? undefined, action: query.action ?? undefined },
        signal,
        parse: parseWith(auditPageSchema),
      }),
  };
}
