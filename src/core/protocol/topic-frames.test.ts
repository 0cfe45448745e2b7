import { describe, expect, it } from 'vitest';
import { parseServerFrame } from './server-frame-schemas.ts';
import {
  MAX_FROM_THREADS,
  MAX_SUBSCRIPTION_ID_LENGTH,
  isTopicFrameType,
  parseTopicClientFrame,
  parseTopicServerFrame,
} from './topic-frames.ts';

const THREAD = '0b4b4a8e-8f3a-4f57-9d49-1f0a2a0c5e11';

describe('parseTopicClientFrame', () => {
  it('accepts subscribe (with and without from) and unsubscribe', () => {
    const frames = [
      { type: 'subscribe', data: { id: 'all', topic: 'events.local.chat.thread.*.*' } },
      { type: 'subscribe', data: { id: 'rest', topic: 'events.local.>', from: { [THREAD]: 41 } } },
      { type: 'unsubscribe', data: { id: 'all' } },
    ] as const;
    for (const frame of frames) expect(parseTopicClientFrame(frame)).toEqual({ ok: true, frame });
    expect(isTopicFrameType('subscribe')).toBe(true);
    expect(isTopicFrameType('ping')).toBe(false);
  });

  it('says in words what is wrong with a topic, an id or a from', () => {
    const subscribe = (data: unknown) => parseTopicClientFrame({ type: 'subscribe', data } as never);
    expect(subscribe({ id: 'a', topic: 'events.local.chat' })).toEqual({
      ok: false,
      type: 'subscribe',
      message:
        'Invalid "subscribe" frame: data.topic: "events.local.chat" has 3 tokens: a topic is six dot-separated tokens (events.<org>.<source>.<resource>.<event>.<id>), each letters, digits, "_" or "-", or "*" for any one token; or fewer than six ending in ">" for any remaining tokens.',
    });
    expect(subscribe({ id: 'a', topic: 'events.>.chat.thread.x.y' })).toMatchObject({
      message: expect.stringContaining('has ">" before the end at position 2'),
    });
    expect(subscribe({ topic: 'events.local.>' })).toMatchObject({ message: 'Invalid "subscribe" frame: data.id is required' });
    expect(subscribe({ id: 'x'.repeat(MAX_SUBSCRIPTION_ID_LENGTH + 1), topic: 'events.local.>' })).toMatchObject({
      message: 'Invalid "subscribe" frame: data.id: id is longer than 128 characters',
    });
    expect(subscribe({ id: 'a', topic: 'events.local.>', from: { 'not-a-uuid': 1 } })).toMatchObject({
      message: expect.stringContaining('from must map thread ids (UUIDs) to seqs'),
    });
    expect(subscribe({ id: 'a', topic: 'events.local.>', from: { [THREAD]: -1 } })).toMatchObject({
      message: expect.stringContaining('a seq in from must not be negative'),
    });
    const many = Object.fromEntries(
      Array.from({ length: MAX_FROM_THREADS + 1 }, (_, index) => [`0b4b4a8e-8f3a-4f57-9d49-${String(index).padStart(12, '0')}`, 1]),
    );
    expect(subscribe({ id: 'a', topic: 'events.local.>', from: many })).toMatchObject({
      message: 'Invalid "subscribe" frame: data.from: from names more than 1,000 threads',
    });
    expect(parseTopicClientFrame({ type: 'unsubscribe', data: { id: '' } } as never)).toMatchObject({
      message: 'Invalid "unsubscribe" frame: data.id: id must not be empty',
    });
  });
});

describe('parseTopicServerFrame', () => {
  it('reads subscribed and event frames, and refuses malformed ones', () => {
    expect(parseTopicServerFrame({ type: 'subscribed', data: { id: 'a', topic: 'events.local.>' } })).toEqual({
      type: 'subscribed',
      data: { id: 'a', topic: 'events.local.>' },
    });
    const event = {
      type: 'event',
      data: {
        topic: `events.local.chat.thread.message_committed.${THREAD}`,
        subscription_ids: ['a', 'b'],
        event: { event_type: 'message_committed', thread_seq: 3, extra: true },
      },
    };
    expect(parseTopicServerFrame(event)).toEqual(event);
    expect(parseTopicServerFrame({ type: 'event', data: { topic: 'x', subscription_ids: [], event: {} } })).toBeNull();
    expect(parseTopicServerFrame({ type: 'pong' })).toBeNull();
  });

  it('takes ready with and without org', () => {
    expect(parseServerFrame({ type: 'ready', data: { connection_id: 'c', org: 'local' } })).toMatchObject({
      ok: true,
      frame: { data: { org: 'local' } },
    });
    expect(parseServerFrame({ type: 'ready', data: { connection_id: 'c' } })).toMatchObject({ ok: true });
  });
});
