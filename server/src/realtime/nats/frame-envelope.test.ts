import { describe, expect, it, vi } from 'vitest';
import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
import { Outbound } from '../outbound.ts';
import { TopicEncoder } from '../topic-encoder.ts';
import { textFramePayload } from '../ws-frame.ts';
import { decodeEnvelope, decodeUserBatch, encodeEnvelope, encodeUserBatch } from './frame-envelope.ts';

const event: ThreadEvent = {
  event_id: 'e1',
  thread_id: 't1',
  thread_seq: 7,
  event_type: 'mode_changed',
  sender_id: 'user:u1',
  content: 'line one\nline two',
  created_at: '2026-01-01T00:00:00.000Z',
  data: { participation_mode: 'open' },
};

describe('frame envelope', () => {
  it('carries a durable frame: the same socket bytes, the same SSE text, the seq', () => {
    const sent = new Outbound('t1', { type: 'thread_event', thread_id: 't1', data: event }, event);
    const received = decodeEnvelope(encodeEnvelope(sent));
    expect(received.ws.equals(sent.ws)).toBe(true);
    expect(received.sse).toBe(sent.sse);
    expect(received.seq).toBe(7);
    expect(received.threadId).toBe('t1');
    expect(received.exceptSenderId).toBeNull();
    expect(received.frame).toEqual(sent.frame);
    expect(received.event).toEqual(event);
  });

  it('carries a live frame with its excluded sender', () => {
    const frame = { type: 'thread_typing', thread_id: 't1', data: { sender_id: 'user:u1', status: 'started' } } as const;
    const sent = new Outbound('t1', frame, null, 'user:u1');
    const received = decodeEnvelope(encodeEnvelope(sent));
    expect(received.ws.toString()).toBe(JSON.stringify(frame));
    expect(received.exceptSenderId).toBe('user:u1');
    expect(received.seq).toBeNull();
    expect(received.event).toBeNull();
    expect(received.sse).toBe(sent.sse);
  });

  it("names a durable event's type from the subject, so its topic event is made without parsing the frame", () => {
    const sent = new Outbound('t1', { type: 'thread_event', thread_id: 't1', data: event }, event);
    const envelope = encodeEnvelope(sent);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const received = decodeEnvelope(envelope, 'mode_changed');
      const topic = new TopicEncoder('acme').of(received, null);
      expect(topic?.subject).toBe('events.acme.chat.thread.mode_changed.t1');
      expect(topic?.seq).toBe(7);
      // The envelope's header line only: 20,000 frames a second are not parsed again on the receiving process.
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
    // Without a type from the subject (an older sender, or its `other`), the frame tells it.
    expect(new TopicEncoder('acme').of(decodeEnvelope(envelope), null)?.subject).toBe('events.acme.chat.thread.mode_changed.t1');
  });

  it('sends a received durable event to topic sockets as its received bytes: not decoded to text, kept when the receive buffer is reused', () => {
    const multiByte = { ...event, content: 'Grüße, „Thread“ ✓\nzweite Zeile' };
    const sent = new Outbound('t1', { type: 'thread_event', thread_id: 't1', data: multiByte }, multiByte);
    const envelope = encodeEnvelope(sent);
    const toText = vi.spyOn(Buffer.prototype, 'toString');
    let frame: Buffer;
    try {
      const received = decodeEnvelope(envelope, 'mode_changed');
      // The NATS client's read buffer is reused for the next frames once the handler returned.
      envelope.fill(0);
      const encoder = new TopicEncoder('acme');
      frame = encoder.frame(encoder.of(received, null)!, ['all', 'ümlaut-id']);
      // The envelope's header line only: the event's bytes go into the frame as they came.
      expect(toText).toHaveBeenCalledTimes(1);
    } finally {
      toText.mockRestore();
    }
    expect(JSON.parse(textFramePayload(frame).toString())).toStrictEqual({
      type: 'event',
      data: { topic: 'events.acme.chat.thread.mode_changed.t1', subscription_ids: ['all', 'ümlaut-id'], event: multiByte },
    });
  });

  it('refuses what is not an envelope', () => {
    expect(() => decodeEnvelope(Buffer.from('no header line'))).toThrow(/header/);
  });
});

describe('user batch', () => {
  const notification = (userId: string, content: string) =>
    new Outbound('t1', { type: 'thread_read', thread_id: 't1', data: { read_seq: content.length } }, null, `user:${userId}`);

  it("carries many users' frames in order, and decodes only those of the users asked for", () => {
    // Multi-byte text and newlines inside the frames: the lengths are bytes, and the envelopes split by them alone.
    const sent = [
      {
        userId: 'u1',
        outbound: new Outbound(
          't1',
          { type: 'thread_event', thread_id: 't1', data: { ...event, content: 'Grüße ✓\nzwei' } },
          { ...event, content: 'Grüße ✓\nzwei' },
        ),
      },
      { userId: 'u2', outbound: notification('u2', 'two') },
      { userId: 'u1', outbound: notification('u1', 'three!') },
    ];
    const batch = encodeUserBatch(sent);
    const all = decodeUserBatch(batch, () => true);
    expect(all.map(({ userId }) => userId)).toEqual(['u1', 'u2', 'u1']);
    for (const [index, { outbound }] of all.entries()) {
      expect(outbound.ws.equals(sent[index]!.outbound.ws)).toBe(true);
      expect(outbound.exceptSenderId).toBe(sent[index]!.outbound.exceptSenderId);
      expect(outbound.seq).toBe(sent[index]!.outbound.seq);
    }
    expect(all[0]!.outbound.event).toEqual({ ...event, content: 'Grüße ✓\nzwei' });

    const decode = vi.spyOn(Outbound, 'fromEncoded');
    try {
      expect(decodeUserBatch(batch, (userId) => userId === 'u2').map(({ outbound }) => outbound.frame)).toEqual([sent[1]!.outbound.frame]);
      expect(decode).toHaveBeenCalledTimes(1);
      expect(decodeUserBatch(batch, () => false)).toEqual([]);
      expect(decode).toHaveBeenCalledTimes(1);
    } finally {
      decode.mockRestore();
    }
  });

  it('refuses what is not a batch, or one whose lengths do not add up', () => {
    const batch = encodeUserBatch([{ userId: 'u1', outbound: notification('u1', 'x') }]);
    expect(() => decodeUserBatch(Buffer.from('no header line'), () => true)).toThrow(/header line/);
    expect(() => decodeUserBatch(Buffer.from('{"not":"a list"}\n'), () => true)).toThrow(/not a list/);
    expect(() => decodeUserBatch(Buffer.from('[["u1",-1]]\n'), () => true)).toThrow(/\[userId, length\]/);
    expect(() => decodeUserBatch(Buffer.from('[[7,0]]\n'), () => true)).toThrow(/\[userId, length\]/);
    expect(() => decodeUserBatch(batch.subarray(0, batch.length - 1), () => true)).toThrow(/shorter/);
    expect(() => decodeUserBatch(Buffer.concat([batch, Buffer.from('x')]), () => true)).toThrow(/longer/);
  });
});
