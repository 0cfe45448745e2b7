import { describe, expect, it } from 'vitest';
import {
  FIXTURE_IDS,
  allServerFrameFixtures,
  durableEvents,
  privacyEvents,
  fixtureEventLog,
  fixtureAgentProfile,
  fixtureAgentSettings,
  fixtureAgentTokenInfo,
  fixtureIdentitySecret,
  fixtureIssuedAgentToken,
  fixtureMessage,
  fixturePublicThread,
  fixtureResolvedThread,
  fixtureThread,
  seedResolvedThread,
  runtimeEvents,
  seedThreadMessage,
  serverFrames,
} from './fixtures.ts';
import { DURABLE_EVENT_TYPES, RUNTIME_EVENT_TYPES } from './model.ts';
import { ownershipEvents } from './ownership-fixtures.ts';
import {
  agentProfileSchema,
  agentSettingsSchema,
  agentTokenListSchema,
  issuedAgentTokenSchema,
  issuedIdentitySecretSchema,
  parseEventPage,
  resolvedThreadSchema,
  threadSchema,
} from './rest-schemas.ts';
import { parseEvent, parseMessage, parseServerFrame } from './server-frame-schemas.ts';
import * as v from 'valibot';

/** Planted in invalid frames: it must never come back out of the parser. */
const SECRET = 'do-not-echo-4f2a';

describe('fixtures', () => {
  it('cover every frame type, durable event type and runtime event type of the contract', () => {
    expect(Object.keys(serverFrames).sort()).toEqual([
      'error',
      'message_ack',
      'notification',
      'pong',
      'ready',
      'thread_event',
      'thread_message',
      'thread_presence',
      'thread_read',
      'thread_runtime',
      'thread_typing',
    ]);
    expect([...Object.keys(durableEvents), ...Object.keys(ownershipEvents), ...Object.keys(privacyEvents)].sort()).toEqual(
      [...DURABLE_EVENT_TYPES].sort(),
    );
    expect(Object.keys(runtimeEvents)).toEqual([...RUNTIME_EVENT_TYPES]);
    for (const [type, event] of Object.entries(durableEvents)) expect(event.event_type).toBe(type);
    for (const [type, data] of Object.entries(runtimeEvents)) expect(data.event_type).toBe(type);
  });

  it.each(allServerFrameFixtures)('$name passes parseServerFrame, as a value and as JSON text', ({ frame }) => {
    const fromValue = parseServerFrame(frame);
    const fromText = parseServerFrame(JSON.stringify(frame));
    expect(fromValue).toEqual({ ok: true, frame });
    expect(fromText).toEqual({ ok: true, frame });
  });

  it('keeps the seed-style thread_message without thread_seq, role or created_at', () => {
    const parsed = parseServerFrame(JSON.stringify(seedThreadMessage));
    expect(parsed.ok && parsed.frame.type === 'thread_message' && parsed.frame.data).toEqual(seedThreadMessage.data);
    expect(parsed.ok && parsed.frame.type === 'thread_message' && parsed.frame.data.thread_seq).toBeUndefined();
  });

  it.each(fixtureEventLog)('durable event $event_type passes parseEvent', (event) => {
    expect(parseEvent(event)).toEqual(event);
  });

  it('form one dense log, seq 1..10, that parses as a poll page', () => {
    expect(fixtureEventLog.map((event) => event.thread_seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(new Set(fixtureEventLog.map((event) => event.thread_id))).toEqual(new Set([FIXTURE_IDS.thread]));
    expect(parseEventPage({ events: fixtureEventLog, has_more: false })).toEqual({ events: fixtureEventLog, has_more: false });
  });

  it('include a message and a thread that pass their REST schemas', () => {
    expect(parseMessage(fixtureMessage)).toEqual(fixtureMessage);
    expect(v.parse(threadSchema, fixtureThread)).toEqual(fixtureThread);
  });

  it('include the visitor-trust objects, and each passes its REST schema unchanged', () => {
    expect(v.parse(threadSchema, fixturePublicThread)).toEqual(fixturePublicThread);
    expect(v.parse(agentProfileSchema, fixtureAgentProfile)).toEqual(fixtureAgentProfile);
    expect(v.parse(resolvedThreadSchema, fixtureResolvedThread)).toEqual(fixtureResolvedThread);
    expect(v.parse(agentSettingsSchema, fixtureAgentSettings)).toEqual(fixtureAgentSettings);
    expect(v.parse(issuedIdentitySecretSchema, fixtureIdentitySecret)).toEqual(fixtureIdentitySecret);
    expect(v.parse(issuedAgentTokenSchema, fixtureIssuedAgentToken)).toEqual(fixtureIssuedAgentToken);
    expect(v.parse(agentTokenListSchema, { tokens: [fixtureAgentTokenInfo] })).toEqual({ tokens: [fixtureAgentTokenInfo] });
    expect(fixtureResolvedThread.visitor_token).toMatch(/^vt_[A-Za-z0-9_-]{43}$/);
  });

  it('accept the seed-only resolve answer and a private thread without a visitor', () => {
    expect(v.parse(resolvedThreadSchema, seedResolvedThread)).toEqual(seedResolvedThread);
    expect(v.parse(threadSchema, fixtureThread).visitor).toBeUndefined();
    const { verified: _verified, ...unverified } = fixturePublicThread.visitor ?? { verified: true };
    expect(v.parse(threadSchema, { ...fixturePublicThread, visitor: unverified }).visitor?.verified).toBe(false);
  });
});

describe('parseServerFrame on invalid input', () => {
  const thread = FIXTURE_IDS.thread;
  const cases: Array<{ name: string; input: unknown; type: string | null }> = [
    { name: 'not JSON', input: `{"type":"thread_message","data":"${SECRET}"`, type: null },
    { name: 'JSON that is not an object', input: JSON.stringify([SECRET]), type: null },
    { name: 'null', input: 'null', type: null },
    { name: 'no type', input: { data: { content: SECRET } }, type: null },
    { name: 'type is not a string', input: { type: 42, data: SECRET }, type: null },
    { name: 'unknown type', input: { type: 'thread_dance', data: { content: SECRET } }, type: 'thread_dance' },
    { name: 'thread_message without data', input: { type: 'thread_message', thread_id: thread }, type: 'thread_message' },
    {
      name: 'thread_message with numeric content',
      input: { type: 'thread_message', thread_id: thread, data: { id: 'm', sender_id: SECRET, content: 7 } },
      type: 'thread_message',
    },
    {
      name: 'thread_message without thread_id',
      input: { type: 'thread_message', data: { id: 'm', sender_id: 'user:x', content: SECRET } },
      type: 'thread_message',
    },
    {
      name: 'thread_message with seq 0',
      input: { type: 'thread_message', thread_id: thread, data: { ...fixtureMessage, content: SECRET, thread_seq: 0 } },
      type: 'thread_message',
    },
    {
      name: 'thread_event without thread_seq',
      input: {
        type: 'thread_event',
        thread_id: thread,
        data: { ...durableEvents.message_committed, content: SECRET, thread_seq: undefined },
      },
      type: 'thread_event',
    },
    {
      name: 'thread_event with a string seq',
      input: { type: 'thread_event', thread_id: thread, data: { ...durableEvents.message_committed, content: SECRET, thread_seq: '3' } },
      type: 'thread_event',
    },
    {
      name: 'thread_typing with an unknown status',
      input: { type: 'thread_typing', thread_id: thread, data: { sender_id: SECRET, status: 'maybe' } },
      type: 'thread_typing',
    },
    {
      name: 'thread_presence without sender',
      input: { type: 'thread_presence', thread_id: thread, data: { status: 'focused', note: SECRET } },
      type: 'thread_presence',
    },
    {
      name: 'thread_runtime without event_type',
      input: { type: 'thread_runtime', thread_id: thread, data: { run_id: 'r', content: SECRET } },
      type: 'thread_runtime',
    },
    {
      name: 'thread_read with a negative seq',
      input: { type: 'thread_read', thread_id: thread, data: { read_seq: -1 } },
      type: 'thread_read',
    },
    {
      name: 'message_ack without message',
      input: { type: 'message_ack', data: { client_message_id: SECRET } },
      type: 'message_ack',
    },
    { name: 'error without message', input: { type: 'error', data: { code: 'client_error', detail: SECRET } }, type: 'error' },
    { name: 'ready with a tiny heartbeat', input: { type: 'ready', data: { heartbeat_ms: 1, connection_id: SECRET } }, type: 'ready' },
  ];

  it.each(cases)('$name: fails with its type and no content, without throwing', ({ input, type }) => {
    const text = typeof input === 'string' ? input : JSON.stringify(input);
    for (const candidate of [input, text]) {
      const result = parseServerFrame(candidate);
      expect(result.ok).toBe(false);
      expect(result.ok ? undefined : result.type).toBe(type);
      expect(JSON.stringify(result)).not.toContain(SECRET);
    }
  });

  it('rejects invalid durable events with null, without throwing', () => {
    const base = durableEvents.message_committed;
    for (const input of [null, 'text', [], { ...base, thread_seq: 0 }, { ...base, event_type: '' }, { ...base, data: 'x' }]) {
      expect(parseEvent(input)).toBeNull();
    }
  });
});
