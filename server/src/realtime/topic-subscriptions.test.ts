import { describe, expect, it } from 'vitest';
import type { Message, ThreadEvent } from '../../../src/core/protocol/model.ts';
import { parseTopic, type TopicPattern } from '../../../src/core/topics/topic-pattern.ts';
import { Outbound } from './outbound.ts';
import { TopicEncoder } from './topic-encoder.ts';
import { TopicSubscriptions, type TopicSubscriptionDeps } from './topic-subscriptions.ts';
import { textFramePayload } from './ws-frame.ts';

const THREAD = '0b4b4a8e-8f3a-4f57-9d49-1f0a2a0c5e11';
const USER = '5d1c7f3e-0000-4000-8000-000000000001';

const pattern = (topic: string): TopicPattern => {
  const parsed = parseTopic(topic);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.pattern;
};

const event = (seq: number, type: ThreadEvent['event_type'] = 'mode_changed'): ThreadEvent => ({
  event_id: `e${seq}`,
  thread_id: THREAD,
  thread_seq: seq,
  event_type: type,
  sender_id: 'user:x',
  content: '',
  created_at: '2026-01-01T00:00:00.000Z',
  data: { participation_mode: 'open' },
});

const durable = (seq: number) => new Outbound(THREAD, { type: 'thread_event', thread_id: THREAD, data: event(seq) }, event(seq));

/** A log of `last` events and a socket that records what it is sent; reads of the log wait until `release()`. */
function harness(last: number) {
  const sent: { topic: string; subscription_ids: string[]; event: { thread_seq?: number; event_type: string } }[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const deps: TopicSubscriptionDeps = {
    encoder: new TopicEncoder('local'),
    canRead: async () => true,
    readLog: async (_threadId, afterSeq, limit) => {
      await gate;
      const events = [];
      for (let seq = afterSeq + 1; seq <= Math.min(last, afterSeq + limit); seq++) events.push(event(seq));
      return { events, hasMore: afterSeq + limit < last };
    },
    send: (frame) => sent.push(JSON.parse(textFramePayload(frame).toString()).data),
    writable: async () => true,
    overflow: () => {},
    failed: (error) => {
      throw error;
    },
  };
  return { deps, sent, release };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('TopicSubscriptions', () => {
  it('sends a matching event once with every matching id, encoded as SSE sends it', () => {
    const { deps, sent } = harness(0);
    const topics = new TopicSubscriptions(deps, USER);
    topics.subscribe('all', pattern('events.local.chat.thread.*.*'), undefined, () => {});
    topics.subscribe('modes', pattern('events.local.chat.thread.>'), undefined, () => {});
    topics.subscribe('other', pattern('events.local.chat.thread.message_committed.*'), undefined, () => {});
    topics.offer(durable(3));
    expect(sent).toEqual([
      {
        topic: `events.local.chat.thread.mode_changed.${THREAD}`,
        subscription_ids: expect.arrayContaining(['all', 'modes']),
        event: event(3),
      },
    ]);
    expect(sent[0]!.subscription_ids).toHaveLength(2);
  });

  it('holds live events during a from replay, then sends them without gap or double', async () => {
    const { deps, sent, release } = harness(7);
    const topics = new TopicSubscriptions(deps, USER);
    let subscribed = false;
    topics.subscribe('r', pattern(`events.local.chat.thread.*.${THREAD}`), { [THREAD]: 2 }, () => (subscribed = true));
    expect(subscribed).toBe(true);
    // Live while the log is read: 6 and 7 are in the log too, 8 is not.
    topics.offer(durable(6));
    topics.offer(durable(7));
    topics.offer(durable(8));
    expect(sent).toEqual([]);
    release();
    await flush();
    await flush();
    expect(sent.map((item) => item.event.thread_seq)).toEqual([3, 4, 5, 6, 7, 8]);
    // A late live copy of a replayed event is not sent again; a new one is.
    topics.offer(durable(7));
    topics.offer(durable(9));
    expect(sent.map((item) => item.event.thread_seq)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('sends a notification on its user subject only, and nothing for frames that are no events', () => {
    const { deps, sent } = harness(0);
    const topics = new TopicSubscriptions(deps, USER);
    topics.subscribe('n', pattern('events.local.notifications.user.*.*'), undefined, () => {});
    const notification = {
      id: 'n1',
      kind: 'mention' as const,
      thread_id: THREAD,
      thread_seq: 4,
      title: 'Bob mentioned you',
      body: 'hi',
      created_at: '2026-01-01T00:00:00.000Z',
      read_at: null,
    };
    topics.offer(new Outbound(THREAD, { type: 'notification', data: notification }));
    topics.offer(new Outbound(THREAD, { type: 'thread_read', thread_id: THREAD, data: { read_seq: 4 } }));
    expect(sent).toEqual([{ topic: `events.local.notifications.user.mention.${USER}`, subscription_ids: ['n'], event: notification }]);
  });

  it('encodes a thread_message as message_committed, and typing in the ephemeral shape without seq', () => {
    const { deps, sent } = harness(0);
    const topics = new TopicSubscriptions(deps, null);
    topics.subscribe('all', pattern('events.local.>'), undefined, () => {});
    const message = { id: 'm1', thread_id: THREAD, thread_seq: 5 } as unknown as Message;
    topics.offer(new Outbound(THREAD, { type: 'thread_message', thread_id: THREAD, data: message }, event(5, 'message_committed')));
    topics.offer(new Outbound(THREAD, { type: 'thread_typing', thread_id: THREAD, data: { sender_id: 'user:x', status: 'started' } }));
    expect(sent.map((item) => item.topic)).toEqual([
      `events.local.chat.thread.message_committed.${THREAD}`,
      `events.local.chat.thread.typing.${THREAD}`,
    ]);
    expect(sent[1]!.event).toEqual({
      event_type: 'typing',
      thread_id: THREAD,
      sender_id: 'user:x',
      data: { sender_id: 'user:x', status: 'started' },
    });
  });
});
