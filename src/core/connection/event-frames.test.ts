import { describe, expect, it } from 'vitest';
import { durableEventFrame, streamEventFrame } from './event-frames.ts';

const T = 'thread-1';

describe('streamEventFrame', () => {
  it('turns a durable event into a thread_event frame of the stream thread', () => {
    const event = {
      event_id: 'e1',
      thread_id: T,
      thread_seq: 4,
      event_type: 'message_committed',
      sender_id: 'user:a',
      content: 'hi',
      data: {},
    };
    expect(streamEventFrame(T, event)).toEqual({ ok: true, frame: { type: 'thread_event', thread_id: T, data: event } });
  });

  it('maps the server ephemeral shapes back to typing, presence and runtime frames', () => {
    expect(
      streamEventFrame(T, { event_type: 'typing', thread_id: T, sender_id: 'agent:x', data: { sender_id: 'agent:x', status: 'started' } }),
    ).toEqual({
      ok: true,
      frame: { type: 'thread_typing', thread_id: T, data: { sender_id: 'agent:x', status: 'started' } },
    });
    expect(
      streamEventFrame(T, { event_type: 'thread_presence', sender_id: 'user:b', data: { sender_id: 'user:b', status: 'focused' } }),
    ).toEqual({
      ok: true,
      frame: { type: 'thread_presence', thread_id: T, data: { sender_id: 'user:b', status: 'focused' } },
    });
    expect(
      streamEventFrame(T, { event_type: 'text_delta', thread_id: T, data: { event_type: 'text_delta', run_id: 'r1', content: 'Hel' } }),
    ).toEqual({
      ok: true,
      frame: { type: 'thread_runtime', thread_id: T, data: { event_type: 'text_delta', run_id: 'r1', content: 'Hel' } },
    });
  });

  it('understands a server that puts sender and status on the event itself', () => {
    expect(streamEventFrame(T, { event_type: 'typing', sender_id: 'agent:x', status: 'stopped' })).toMatchObject({
      ok: true,
      frame: { type: 'thread_typing', data: { sender_id: 'agent:x', status: 'stopped' } },
    });
  });

  it('rejects what does not validate, naming only the type', () => {
    expect(streamEventFrame(T, 'text')).toEqual({ ok: false, type: null, reason: 'not an object' });
    expect(streamEventFrame(T, { data: {} })).toEqual({ ok: false, type: null, reason: 'no event_type' });
    expect(streamEventFrame(T, { event_type: 'typing', data: { sender_id: 'a', status: 'maybe' } })).toMatchObject({
      ok: false,
      type: 'thread_typing',
    });
    expect(durableEventFrame(T, { thread_seq: 0, event_type: 'x' })).toMatchObject({ ok: false, type: 'thread_event' });
  });
});
