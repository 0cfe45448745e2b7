/**
 * The objects of the wire contract (CONTRACT.md §1, §3–§5) as our server sends them.
 * Fields marked [ext] are this contract's additions: a client must treat them as optional
 * when it talks to a server that implements only the seed documents.
 */

import { OWNERSHIP_EVENT_TYPES, type ThreadOwnership, type ThreadStatus } from './ownership.ts';

export { THREAD_STATUSES, type ThreadStatus } from './ownership.ts';

export type ParticipationMode = 'open' | 'invocation_only';
export type ThreadKind = 'private' | 'public';
export type Role = 'user' | 'agent' | 'system';
/** `user:<uuid>`, `agent:<uuid>`, `visitor:<uuid>` or `system`. */
export type SenderId = string;
export type SenderKind = 'user' | 'agent' | 'visitor' | 'system';

export function senderKind(senderId: SenderId): SenderKind | undefined {
  if (senderId === 'system') return 'system';
  const prefix = senderId.slice(0, senderId.indexOf(':'));
  return prefix === 'user' || prefix === 'agent' || prefix === 'visitor' ? prefix : undefined;
}

export interface User {
  id: string;
  name: string;
  email: string;
  avatar_url: string | null;
}

export interface Participant {
  sender_id: SenderId;
  name: string;
  avatar_url: string | null;
}

export interface LastMessage {
  sender_id: SenderId;
  content: string;
  created_at: string;
}

/** [ext] Who a public thread's visitor is, as the agent's owners see it (CONTRACT §7). */
interface ThreadVisitor {
  sender_id: SenderId;
  /** The name the visitor gave (or their identity token carried); null when none. */
  name: string | null;
  /** The email the visitor typed: a label, never proof; null when none. */
  email: string | null;
  /** True when a website-signed identity token vouched for this visitor. */
  verified: boolean;
}

export interface Thread {
  id: string;
  kind: ThreadKind;
  title: string | null;
  participants: Participant[];
  participation_mode: ParticipationMode;
  last_seq: number;
  read_seq: number;
  unread_count: number;
  last_message: LastMessage | null;
  created_at: string;
  updated_at: string;
  /** [ext] Public threads only: the visitor. */
  visitor?: ThreadVisitor;
  /** [ext] Who owns the conversation (CONTRACT §11); absent on a server without ownership. */
  status?: ThreadStatus;
  assignee_id?: SenderId | null;
  agent_paused?: boolean;
  waiting_since?: string | null;
  snoozed_until?: string | null;
}

/** A thread as this server sends it: with its ownership state (CONTRACT §11). */
export type OwnedThread = Thread & ThreadOwnership;

/**
 * [ext] A file a message carries (CONTRACT §13): what a reader needs to show it before
 * fetching it. `width`/`height` are the stored image's, for raster images only.
 */
export interface AttachmentSummary {
  id: string;
  name: string;
  content_type: string;
  size: number;
  width?: number;
  height?: number;
}

export interface Message {
  id: string;
  thread_id: string;
  thread_seq: number;
  sender_id: SenderId;
  role: Role;
  content: string;
  client_message_id: string | null;
  mentions: SenderId[];
  base_seq: number | null;
  latest_seen_seq: number | null;
  created_at: string;
  /** [ext] The files it carries (CONTRACT §13); absent when none (and on a seed-only server). */
  attachments?: AttachmentSummary[];
}

/** The event types that are both durable events (CONTRACT §5) and runtime steps (§6). */
export const RUN_STEP_EVENT_TYPES = [
  'tool_call_started',
  'tool_call_completed',
  'approval_pending',
  'approval_resolved',
  'approval_expired',
  'escalation_created',
] as const;

/**
 * [ext] The durable events of ownership and notes (CONTRACT §11). `hidden` is what a public
 * path shows in place of an event visitors may not see, so their log stays dense.
 */
export type OwnershipEventType = (typeof OWNERSHIP_EVENT_TYPES)[number] | 'note_added' | typeof HIDDEN_EVENT_TYPE;

/** [ext] The durable events of privacy operations (CONTRACT §14): a thread about to be erased, a message erased. */
export const PRIVACY_EVENT_TYPES = ['thread_deleted', 'message_deleted'] as const;
export type PrivacyEventType = (typeof PRIVACY_EVENT_TYPES)[number];

/** Durable event types: each has a `thread_seq` in the thread's log (CONTRACT §5, §11, §14). */
export const DURABLE_EVENT_TYPES = [
  'message_committed',
  'mode_changed',
  'participant_joined',
  ...RUN_STEP_EVENT_TYPES,
  'run_failed',
  ...OWNERSHIP_EVENT_TYPES,
  'note_added',
  ...PRIVACY_EVENT_TYPES,
  'hidden',
] as const;
export type DurableEventType = (typeof DURABLE_EVENT_TYPES)[number];

export interface ThreadEvent {
  event_id: string;
  thread_id: string;
  thread_seq: number;
  event_type: DurableEventType;
  sender_id: SenderId;
  content: string | null;
  created_at: string;
  data: Record<string, unknown>;
}

/**
 * [ext] What a visitor sees of an event that is for the team only (CONTRACT §11 "What
 * visitors see"): its place in the log, nothing of what it says.
 */
export const HIDDEN_EVENT_TYPE = 'hidden';

/** [ext] A team-only event on a public path: no sender, content or data (CONTRACT §11). */
export interface HiddenEvent {
  thread_id: string;
  thread_seq: number;
  event_type: typeof HIDDEN_EVENT_TYPE;
  created_at: string;
}

/** [ext] A private note (CONTRACT §11): seen by the team only, committed as `note_added`. */
export interface Note {
  id: string;
  thread_id: string;
  thread_seq: number;
  sender_id: SenderId;
  content: string;
  client_message_id: string;
  created_at: string;
}

export interface RunError {
  code: string;
  message: string;
  retryable: boolean;
}

/** Runtime progress of an agent run, in the order the contract gives (CONTRACT §6). */
export const RUNTIME_EVENT_TYPES = [
  'queued',
  'agent_decisions',
  'run_started',
  'typing',
  'text_delta',
  ...RUN_STEP_EVENT_TYPES,
  'reply_committed',
  'run_finished',
  'intake_completed',
  'intake_failed',
] as const;
export type RuntimeEventType = (typeof RUNTIME_EVENT_TYPES)[number];

/** REST error codes (CONTRACT §2); `identity_invalid` and `identity_required` are [ext] (§7, status 401). */
export const ERROR_CODES = [
  'client_error',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'server_error',
  'unavailable',
  'identity_invalid',
  'identity_required',
  'unsupported_media_type',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** REST error body (CONTRACT §2). */
export interface ApiErrorBody {
  /** `max_bytes` [ext]: on a `413` for a file over a limit, that limit in bytes (CONTRACT §13). */
  error: { code: ErrorCode; message: string; retryable: boolean; max_bytes?: number };
}

/** Codes of the `error` frame on WebSockets (CONTRACT §6, after seed 004). */
export type SocketErrorCode = 'client_error' | 'upstream_error' | 'stream_interrupted' | 'turn_timeout' | 'idle_timeout' | 'rate_limited';

/** `POST /chat/public/{slug}/threads` answer (CONTRACT §7); the last four fields are [ext]. */
export interface ResolvedPublicThread {
  thread_id: string;
  resumed: boolean;
  sender_id: SenderId;
  /** `vt_…`: the proof of who this visitor is, sent back as Bearer and on the socket. */
  visitor_token: string;
  verified: boolean;
  /** The label the server holds for this visitor (for the socket's `?email=`), or null. */
  email: string | null;
}

/** `GET /chat/public/{slug}` (CONTRACT §7). */
export interface PublicAgentProfile {
  slug: string;
  name: string;
  avatar_url: string | null;
  greeting: string;
  theme: { color?: string };
  /** [ext] */
  require_verified_identity: boolean;
  /** [ext] How soon a person usually replies, in minutes; null: nothing is said. */
  expected_reply_minutes?: number | null;
  /** [ext] What visitors may upload (CONTRACT §13); absent on servers without attachments. */
  attachments?: VisitorAttachmentSettings;
}

/** [ext] What an agent lets its visitors upload (CONTRACT §13): on or off, the largest file, the kinds (`image`, `pdf`, `text`). */
export interface VisitorAttachmentSettings {
  enabled: boolean;
  max_bytes: number;
  types: string[];
}

/** `GET`/`PUT /agents/{slug}/settings` [ext], owners only. */
export interface AgentSettings {
  allowed_origins: string[];
  require_verified_identity: boolean;
  identity_secret_set: boolean;
  identity_secret_created_at: string | null;
  /** [ext] "Usually replies within" this many minutes (1 to a week); null: nothing is said. */
  expected_reply_minutes?: number | null;
  /** [ext] The page that embeds the chat; follow-up emails link to it (CONTRACT §12). */
  website_url?: string | null;
  /** [ext] Email visitors who left the replies they did not see (CONTRACT §12). */
  email_follow_up?: boolean;
  /** [ext] What visitors may upload (CONTRACT §13). */
  attachments?: VisitorAttachmentSettings;
  /** [ext] Visitor threads with no activity for this many days (fractions allowed) are erased (CONTRACT §14); null keeps them. */
  retention_days?: number | null;
}

/** `POST /agents/{slug}/identity-secret` [ext]: the secret is shown this once. */
export interface IssuedIdentitySecret {
  secret: string;
  created_at: string;
}

/** An agent token as listed (`GET /agents/{slug}/tokens` [ext]): never the secret itself. */
export interface AgentTokenInfo {
  id: string;
  /** The token's first 12 characters, to tell tokens apart. */
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

/** `POST /agents/{slug}/tokens`: the token is shown this once. */
export interface IssuedAgentToken {
  id: string;
  token: string;
  prefix: string;
  agent_id: string;
  created_at: string;
}
