/**
 * One example of everything a server sends (CONTRACT §3–§6): every server frame type,
 * every durable event type and every runtime `event_type`, plus the seed's bare
 * `thread_message`. Shared by unit and browser tests; `fixtures.test.ts` checks each one
 * against the schemas, so a fixture can be trusted to look like the wire.
 *
 * The durable events form one dense log (seq 1..10) of {@link FIXTURE_IDS.thread}.
 */
import type {
  AgentSettings,
  AgentTokenInfo,
  DurableEventType,
  IssuedAgentToken,
  IssuedIdentitySecret,
  Message,
  OwnershipEventType,
  PrivacyEventType,
  PublicAgentProfile,
  ResolvedPublicThread,
  RuntimeEventType,
  OwnedThread,
  Thread,
  ThreadEvent,
  User,
} from './model.ts';
import type { RuntimeFrameData, ServerFrame, ServerFrameType } from './server-frames.ts';

export const FIXTURE_IDS = {
  thread: '6f1c2a9e-3b7d-4c1e-9a52-0d8e4f7b1a01',
  alice: '1a2b3c4d-0000-4000-8000-00000000a11c',
  bob: '1a2b3c4d-0000-4000-8000-000000000b0b',
  agent: '1a2b3c4d-0000-4000-8000-0000000a9e17',
  message: '9d0e8f7a-1111-4222-8333-444455556661',
  reply: '9d0e8f7a-1111-4222-8333-444455556662',
  run: 'c0ffee00-2222-4333-8444-555566667771',
  approval: 'a99e0a1a-3333-4444-8555-666677778881',
  expiredApproval: 'a99e0a1a-3333-4444-8555-666677778882',
  publicThread: '6f1c2a9e-3b7d-4c1e-9a52-0d8e4f7b1a02',
  visitor: '1a2b3c4d-0000-4000-8000-0000000a1517',
  agentToken: '7e57a9e1-4444-4555-8666-777788889991',
  note: '9d0e8f7a-1111-4222-8333-444455556663',
} as const;

export const FIXTURE_SENDERS = {
  alice: `user:${FIXTURE_IDS.alice}`,
  bob: `user:${FIXTURE_IDS.bob}`,
  agent: `agent:${FIXTURE_IDS.agent}`,
  visitor: `visitor:${FIXTURE_IDS.visitor}`,
} as const;

/** A visitor token as the server issues them: `vt_` + base64url of 32 random bytes. */
const FIXTURE_VISITOR_TOKEN = 'vt_q3Yx0VbU2hV7cZ1mN8pR4sT6wA9eK2jL5nP0oQ3rS7u';

const T0 = Date.parse('2026-04-09T10:00:00.000Z');
/** A timestamp `seconds` after the fixtures' start. */
export const fixtureTime = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

export const fixtureUser: User = { id: FIXTURE_IDS.alice, name: 'Alice', email: 'alice@example.com', avatar_url: null };

/** Alice's first message: seq 1 of the log. */
export const fixtureMessage: Message = {
  id: FIXTURE_IDS.message,
  thread_id: FIXTURE_IDS.thread,
  thread_seq: 1,
  sender_id: FIXTURE_SENDERS.alice,
  role: 'user',
  content: 'Hello @Demo, can you look this up?',
  client_message_id: 'client-1',
  mentions: [FIXTURE_SENDERS.agent],
  base_seq: 0,
  latest_seen_seq: 0,
  created_at: fixtureTime(1),
};

const event = <K extends DurableEventType>(
  thread_seq: number,
  event_type: K,
  sender_id: string,
  data: Record<string, unknown>,
  content: string | null = null,
): ThreadEvent & { event_type: K } => ({
  event_id: `e0e0e0e0-0000-4000-8000-${String(thread_seq).padStart(12, '0')}`,
  thread_id: FIXTURE_IDS.thread,
  thread_seq,
  event_type,
  sender_id,
  content,
  created_at: fixtureTime(thread_seq),
  data,
});

const toolCall = { run_id: FIXTURE_IDS.run, tool_call_id: 'call_0123456789ab', tool_name: 'lookup', preview: { query: 'order 42' } };
const approval = {
  approval_id: FIXTURE_IDS.approval,
  run_id: FIXTURE_IDS.run,
  tool_name: 'refund',
  preview: { amount: 10 },
  expires_at: fixtureTime(66),
};
const runError = { code: 'upstream_error', message: 'The agent stopped with an internal error.', retryable: true };

/**
 * One event of every durable type of CONTRACT §5, in log order: seq 1..10. The ownership
 * events of §11 continue this log in ownership-fixtures.ts (seq 11..).
 */
export const durableEvents: { [K in Exclude<DurableEventType, OwnershipEventType | PrivacyEventType>]: ThreadEvent & { event_type: K } } = {
  message_committed: event(
    1,
    'message_committed',
    FIXTURE_SENDERS.alice,
    {
      message_id: fixtureMessage.id,
      client_message_id: fixtureMessage.client_message_id,
      role: fixtureMessage.role,
      mentions: fixtureMessage.mentions,
      base_seq: fixtureMessage.base_seq,
      latest_seen_seq: fixtureMessage.latest_seen_seq,
    },
    fixtureMessage.content,
  ),
  mode_changed: event(2, 'mode_changed', FIXTURE_SENDERS.alice, { participation_mode: 'invocation_only' }),
  participant_joined: event(3, 'participant_joined', FIXTURE_SENDERS.bob, { sender_id: FIXTURE_SENDERS.bob, name: 'Bob' }),
  tool_call_started: event(4, 'tool_call_started', FIXTURE_SENDERS.agent, toolCall),
  tool_call_completed: event(5, 'tool_call_completed', FIXTURE_SENDERS.agent, { ...toolCall, ok: true, result_preview: 'Shipped.' }),
  approval_pending: event(6, 'approval_pending', FIXTURE_SENDERS.agent, approval),
  approval_resolved: event(7, 'approval_resolved', FIXTURE_SENDERS.alice, {
    ...approval,
    decision: 'approve',
    decided_by: FIXTURE_SENDERS.alice,
  }),
  approval_expired: event(8, 'approval_expired', 'system', { ...approval, approval_id: FIXTURE_IDS.expiredApproval, decision: 'expired' }),
  escalation_created: event(9, 'escalation_created', FIXTURE_SENDERS.agent, {
    run_id: FIXTURE_IDS.run,
    to: 'human',
    reason: 'Asked for a person.',
  }),
  run_failed: event(10, 'run_failed', FIXTURE_SENDERS.agent, { run_id: FIXTURE_IDS.run, message_id: fixtureMessage.id, error: runError }),
};

/** The durable events as the poll endpoint returns them: ascending, dense. */
export const fixtureEventLog: ThreadEvent[] = Object.values(durableEvents).sort((a, b) => a.thread_seq - b.thread_seq);

/** The thread after its ten events, as Alice sees it. */
export const fixtureThread: OwnedThread = {
  id: FIXTURE_IDS.thread,
  kind: 'private',
  title: 'Order 42',
  participants: [
    { sender_id: FIXTURE_SENDERS.alice, name: 'Alice', avatar_url: null },
    { sender_id: FIXTURE_SENDERS.bob, name: 'Bob', avatar_url: null },
    { sender_id: FIXTURE_SENDERS.agent, name: 'Demo', avatar_url: null },
  ],
  participation_mode: 'invocation_only',
  last_seq: 10,
  read_seq: 8,
  unread_count: 2,
  last_message: { sender_id: fixtureMessage.sender_id, content: fixtureMessage.content, created_at: fixtureMessage.created_at },
  created_at: fixtureTime(0),
  updated_at: fixtureTime(10),
  status: 'open',
  assignee_id: FIXTURE_SENDERS.bob,
  agent_paused: false,
  waiting_since: null,
  snoozed_until: null,
};

/** The ownership fields of CONTRACT §11, which a seed-only server does not send. */
const OWNERSHIP_FIELDS: readonly string[] = ['status', 'assignee_id', 'agent_paused', 'waiting_since', 'snoozed_until'];

/** {@link fixtureThread} as a seed-only server sends it: without the ownership fields. */
export const fixtureSeedThread = Object.fromEntries(
  Object.entries(fixtureThread).filter(([key]) => !OWNERSHIP_FIELDS.includes(key)),
) as Thread;

/** [ext] A visitor thread as the agent's owner (Alice) sees it: `kind: 'public'` with its `visitor`. */
export const fixturePublicThread: OwnedThread = {
  id: FIXTURE_IDS.publicThread,
  kind: 'public',
  title: null,
  participants: [
    { sender_id: FIXTURE_SENDERS.visitor, name: 'Vera', avatar_url: null },
    { sender_id: FIXTURE_SENDERS.agent, name: 'Demo', avatar_url: null },
  ],
  participation_mode: 'open',
  last_seq: 2,
  read_seq: 0,
  unread_count: 2,
  last_message: { sender_id: FIXTURE_SENDERS.agent, content: 'Hello Vera!', created_at: fixtureTime(2) },
  created_at: fixtureTime(0),
  updated_at: fixtureTime(2),
  visitor: { sender_id: FIXTURE_SENDERS.visitor, name: 'Vera', email: 'vera@example.com', verified: true },
  status: 'waiting',
  assignee_id: null,
  agent_paused: false,
  waiting_since: fixtureTime(2),
  snoozed_until: null,
};

/** [ext] The public agent profile (CONTRACT §7). */
export const fixtureAgentProfile: PublicAgentProfile = {
  slug: 'demo',
  name: 'Demo',
  avatar_url: null,
  greeting: 'Hi! Ask me anything.',
  theme: { color: '#4f46e5' },
  require_verified_identity: false,
  expected_reply_minutes: 90,
};

/** [ext] A resolve answer: a new conversation for a visitor the website vouched for. */
export const fixtureResolvedThread: ResolvedPublicThread = {
  thread_id: FIXTURE_IDS.publicThread,
  resumed: false,
  sender_id: FIXTURE_SENDERS.visitor,
  visitor_token: FIXTURE_VISITOR_TOKEN,
  verified: true,
  email: 'vera@example.com',
};

/** The seed's resolve answer: only `thread_id` and `resumed`. A client must cope (CONTRACT rule 1). */
export const seedResolvedThread = { thread_id: FIXTURE_IDS.publicThread, resumed: true } as const;

/** [ext] Agent settings as its owner reads them. */
export const fixtureAgentSettings: AgentSettings = {
  allowed_origins: ['https://shop.example.com', 'http://localhost:3000'],
  require_verified_identity: false,
  identity_secret_set: true,
  identity_secret_created_at: fixtureTime(-3600),
  expected_reply_minutes: null,
  website_url: null,
  email_follow_up: false,
  attachments: { enabled: true, max_bytes: 10 * 1024 * 1024, types: ['image', 'pdf'] },
  retention_days: null,
};

/** [ext] A freshly generated identity secret (shown once). */
export const fixtureIdentitySecret: IssuedIdentitySecret = {
  secret: 'ais_Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE',
  created_at: fixtureTime(0),
};

/** A freshly issued agent token (shown once). */
export const fixtureIssuedAgentToken: IssuedAgentToken = {
  id: FIXTURE_IDS.agentToken,
  token: 'ama_eat_Q2hhdFRva2VuRml4dHVyZTAxMjM0NTY3ODlhYmNkZWY',
  prefix: 'ama_eat_Q2ha',
  agent_id: FIXTURE_IDS.agent,
  created_at: fixtureTime(0),
};

/** [ext] The same token as `GET /agents/{slug}/tokens` lists it: no secret. */
export const fixtureAgentTokenInfo: AgentTokenInfo = {
  id: FIXTURE_IDS.agentToken,
  prefix: fixtureIssuedAgentToken.prefix,
  created_at: fixtureIssuedAgentToken.created_at,
  last_used_at: fixtureTime(60),
};

const runtime = <K extends RuntimeEventType>(event_type: K, data: Record<string, unknown> = {}): RuntimeFrameData & { event_type: K } => ({
  event_type,
  run_id: FIXTURE_IDS.run,
  agent_id: FIXTURE_SENDERS.agent,
  in_reply_to: fixtureMessage.id,
  ...data,
});

/** One `thread_runtime` payload of every runtime `event_type` (CONTRACT §6), in run order. */
export const runtimeEvents: { [K in RuntimeEventType]: RuntimeFrameData & { event_type: K } } = {
  queued: runtime('queued'),
  agent_decisions: runtime('agent_decisions', { decisions: ['reply', 'tool:lookup'] }),
  run_started: runtime('run_started', { started_at: fixtureTime(2) }),
  typing: runtime('typing'),
  text_delta: runtime('text_delta', { content: 'Let me ' }),
  tool_call_started: runtime('tool_call_started', { ...durableEvents.tool_call_started.data, thread_seq: 4 }),
  tool_call_completed: runtime('tool_call_completed', { ...durableEvents.tool_call_completed.data, thread_seq: 5 }),
  approval_pending: runtime('approval_pending', { ...durableEvents.approval_pending.data, thread_seq: 6 }),
  approval_resolved: runtime('approval_resolved', { ...durableEvents.approval_resolved.data, thread_seq: 7 }),
  approval_expired: runtime('approval_expired', { ...durableEvents.approval_expired.data, thread_seq: 8 }),
  escalation_created: runtime('escalation_created', { ...durableEvents.escalation_created.data, thread_seq: 9 }),
  reply_committed: runtime('reply_committed', { message_id: FIXTURE_IDS.reply, thread_seq: 11 }),
  run_finished: runtime('run_finished', { duration_ms: 840 }),
  intake_completed: runtime('intake_completed'),
  intake_failed: runtime('intake_failed', { error: runError }),
};

/** The Agent Platform's runtime event types (seed 002), as its WebSocket names them. */
export const AGENT_PLATFORM_EVENT_TYPES = [
  'conversation_started',
  'typing_started',
  'text_delta',
  'tool_call_started',
  'tool_call_completed',
  'approval_pending',
  'approval_expired',
  'escalation_created',
  'stream_end',
  'message_completed',
  'conversation_completed',
  'conversation_failed',
] as const;
export type AgentPlatformEventType = (typeof AGENT_PLATFORM_EVENT_TYPES)[number];

/** A seed-002 event payload: `event_type` and its fields; no `run_id`. */
export interface AgentPlatformEventData<K extends string = string> {
  event_type: K;
  [field: string]: unknown;
}

/** The seed-002 payload fields every event of one conversation carries: its workflow stands for the run. */
const platform = <K extends AgentPlatformEventType>(event_type: K, data: Record<string, unknown> = {}): AgentPlatformEventData<K> => ({
  event_type,
  agent_id: FIXTURE_SENDERS.agent,
  thread_id: FIXTURE_IDS.thread,
  workflow_id: FIXTURE_IDS.run,
  ...data,
});

/**
 * One payload of every Agent Platform event type (seed 002), in conversation order, as a
 * `thread_runtime` frame carries them: no `run_id` (the `workflow_id` names the run) and,
 * like the seed's own example, a `text_delta` that names no workflow at all.
 */
export const agentPlatformEvents: { [K in AgentPlatformEventType]: AgentPlatformEventData<K> } = {
  conversation_started: platform('conversation_started'),
  typing_started: platform('typing_started'),
  text_delta: { event_type: 'text_delta', agent_id: FIXTURE_SENDERS.agent, thread_id: FIXTURE_IDS.thread, content: 'Let me ' },
  tool_call_started: platform('tool_call_started', {
    tool_call_id: toolCall.tool_call_id,
    tool_name: toolCall.tool_name,
    preview: toolCall.preview,
  }),
  tool_call_completed: platform('tool_call_completed', {
    tool_call_id: toolCall.tool_call_id,
    tool_name: toolCall.tool_name,
    ok: true,
    result_preview: 'Shipped.',
  }),
  approval_pending: platform('approval_pending', {
    approval_id: FIXTURE_IDS.approval,
    tool_name: approval.tool_name,
    preview: approval.preview,
    expires_at: approval.expires_at,
  }),
  approval_expired: platform('approval_expired', { approval_id: FIXTURE_IDS.expiredApproval, tool_name: approval.tool_name }),
  escalation_created: platform('escalation_created', { to: 'human', reason: 'Asked for a person.' }),
  stream_end: platform('stream_end'),
  message_completed: platform('message_completed', { message_id: FIXTURE_IDS.reply, content: 'Let me check that.' }),
  conversation_completed: platform('conversation_completed'),
  conversation_failed: platform('conversation_failed', { error: runError }),
};

type FrameOf<K extends ServerFrameType> = Extract<ServerFrame, { type: K }>;

/** A `thread_event` frame carrying `event` (CONTRACT §6). */
export const threadEventFrame = (event: ThreadEvent): FrameOf<'thread_event'> => ({
  type: 'thread_event',
  thread_id: event.thread_id,
  data: event,
});

/** A `thread_runtime` frame carrying `data`. */
export const threadRuntimeFrame = (data: RuntimeFrameData): FrameOf<'thread_runtime'> => ({
  type: 'thread_runtime',
  thread_id: FIXTURE_IDS.thread,
  data,
});

/** One frame of every server frame type (CONTRACT §6). */
export const serverFrames: { [K in ServerFrameType]: FrameOf<K> } = {
  ready: { type: 'ready', data: { connection_id: 'conn-1', heartbeat_ms: 25_000, server_time: fixtureTime(0) } },
  pong: { type: 'pong' },
  thread_message: { type: 'thread_message', thread_id: FIXTURE_IDS.thread, data: fixtureMessage },
  thread_event: threadEventFrame(durableEvents.mode_changed),
  thread_typing: { type: 'thread_typing', thread_id: FIXTURE_IDS.thread, data: { sender_id: FIXTURE_SENDERS.agent, status: 'started' } },
  thread_presence: { type: 'thread_presence', thread_id: FIXTURE_IDS.thread, data: { sender_id: FIXTURE_SENDERS.bob, status: 'focused' } },
  thread_runtime: threadRuntimeFrame(runtimeEvents.text_delta),
  thread_read: { type: 'thread_read', thread_id: FIXTURE_IDS.thread, data: { read_seq: 8 } },
  message_ack: { type: 'message_ack', data: { client_message_id: fixtureMessage.client_message_id ?? '', message: fixtureMessage } },
  notification: {
    type: 'notification',
    data: {
      id: 'b3d1f0a2-6c4e-4f7a-9e21-5a8c0d3f7b10',
      kind: 'mention',
      thread_id: FIXTURE_IDS.thread,
      thread_seq: 8,
      title: 'Bob mentioned you',
      body: 'Can you look at the invoice?',
      created_at: fixtureTime(0),
      read_at: null,
    },
  },
  error: {
    type: 'error',
    data: { code: 'rate_limited', message: 'Slow down.', retryable: true, client_message_id: 'client-2', retry_after_ms: 1500 },
  },
};

/**
 * `thread_message` as seed 000 shows it, minus `role`: no `thread_seq`, `role` or
 * `created_at`. A client must accept it and catch up by polling (CONTRACT rule 1).
 */
export const seedThreadMessage = {
  type: 'thread_message',
  thread_id: FIXTURE_IDS.thread,
  data: { id: FIXTURE_IDS.reply, sender_id: FIXTURE_SENDERS.agent, content: 'Hello!' },
} as const;

/** A `thread_runtime` frame carrying a seed-002 payload. */
export const agentPlatformFrame = (data: AgentPlatformEventData) => ({
  type: 'thread_runtime' as const,
  thread_id: FIXTURE_IDS.thread,
  data,
});

/** Every fixture frame with a name, for table tests: each frame type, each event as `thread_event`, each runtime event. */
export const allServerFrameFixtures: ReadonlyArray<{
  name: string;
  frame: ServerFrame | typeof seedThreadMessage | ReturnType<typeof agentPlatformFrame>;
}> = [
  ...Object.entries(serverFrames).map(([name, frame]) => ({ name, frame })),
  ...fixtureEventLog.map((event) => ({ name: `thread_event ${event.event_type}`, frame: threadEventFrame(event) })),
  ...Object.values(runtimeEvents).map((data) => ({ name: `thread_runtime ${data.event_type}`, frame: threadRuntimeFrame(data) })),
  ...Object.values(agentPlatformEvents).map((data) => ({
    name: `thread_runtime (seed 002) ${data.event_type}`,
    frame: agentPlatformFrame(data),
  })),
  { name: 'seed thread_message', frame: seedThreadMessage },
];

/**
 * [ext] One event of each privacy type (CONTRACT §14), after the ownership events (seq 17..18):
 * a message erased, then the thread about to be erased.
 */
export const privacyEvents: { [K in PrivacyEventType]: ThreadEvent & { event_type: K } } = {
  message_deleted: event(17, 'message_deleted', FIXTURE_SENDERS.alice, { message_id: fixtureMessage.id, by: FIXTURE_SENDERS.alice }),
  thread_deleted: event(18, 'thread_deleted', FIXTURE_SENDERS.alice, { reason: 'erased_by_owner' }),
};
