import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/api-error.ts';
import type { EventPage, ThreadSource } from '../api/thread-source.ts';
import type { InboundEvent, InboundFrame } from '../protocol/server-frame-schemas.ts';
import { POLL_INTERVAL_MS, PollTransport } from './poll-transport.ts';
import type { TransportClose } from './transport.ts';

const A = 'thread-a';

const event = (seq: number): InboundEvent => ({
  event_id: `e${seq}`,
  thread_id: A,
  thread_seq: seq,
  event_type: 'message_committed',
  content: `m${seq}`,
  data: {},
});

/** A server log of one thread; `fail` makes the next polls reject. */
function fakeSource(limitPerPage = 200) {
  const log: InboundEvent[] = [];
  const calls: { afterSeq: number; limit: number }[] = [];
  const failures: ApiError[] = [];
  const source: ThreadSource = {
    async pollEvents(_threadId, afterSeq, limit): Promise<EventPage> {
      calls.push({ afterSeq, limit });
      const failure = failures.shift();
      if (failure) throw failure;
      const after = log.filter((item) => item.thread_seq > afterSeq);
      return { events: after.slice(0, Math.min(limit, limitPerPage)), has_more: after.length > Math.min(limit, limitPerPage) };
    },
    lastSeq: async () => null,
    sendMessage: async () => {
      throw new Error('not used');
    },
  };
  return { log, calls, failures, source };
}

function setup(server: ReturnType<typeof fakeSource>, cursor = () => 0) {
  const transport = new PollTransport({ source: server.source, cursorOf: cursor, random: () => 0.5 });
  const record = { opens: 0, frames: [] as InboundFrame[], closes: [] as TransportClose[] };
  transport.follow([A]);
  transport.open({ open: () => record.opens++, frame: (frame) => record.frames.push(frame), close: (info) => record.closes.push(info) });
  const seqs = () => record.frames.map((frame) => (frame.type === 'thread_event' ? frame.data.thread_seq : -1));
  return { transport, record, seqs };
}

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('PollTransport', () => {
  it('delivers the log as thread_event frames, paging at once while has_more, then every interval', async () => {
    const server = fakeSource(2);
    server.log.push(event(1), event(2), event(3), event(4), event(5));
    const { record, seqs, transport } = setup(server);
    await vi.advanceTimersByTimeAsync(0);
    expect(record.opens).toBe(1);
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(server.calls.map((call) => call.afterSeq)).toEqual([0, 2, 4]);
    expect(server.calls[0]!.limit).toBe(200);

    server.log.push(event(6));
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS - 1);
    expect(seqs()).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(transport.send()).toBe(false);
  });

  it('asks from the engine cursor when it is ahead', async () => {
    const server = fakeSource();
    server.log.push(event(1), event(2), event(3));
    const { seqs } = setup(server, () => 2);
    await vi.advanceTimersByTimeAsync(0);
    expect(seqs()).toEqual([3]);
  });

  it('backs off on failures, honours Retry-After, and closes with 4001 when unauthorized', async () => {
    const server = fakeSource();
    server.failures.push(new ApiError('unavailable', 'down', true, 503), new ApiError('rate_limited', 'slow down', true, 429, 20_000));
    server.log.push(event(1));
    const { record, seqs } = setup(server);
    await vi.advanceTimersByTimeAsync(0);
    expect(record.opens).toBe(0);
    // interval + 0.5 × 500 ms
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS + 250);
    expect(server.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(19_999);
    expect(server.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(seqs()).toEqual([1]);
    expect(record.opens).toBe(1);

    server.failures.push(new ApiError('unauthorized', 'Token expired.', false, 401));
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
    expect(record.closes).toEqual([{ code: 4001, reason: 'Token expired.' }]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.calls).toHaveLength(4);
  });

  it('stops polling a thread it may not read, and threads it no longer follows', async () => {
    const server = fakeSource();
    server.failures.push(new ApiError('forbidden', 'no', false, 403));
    setup(server);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.calls).toHaveLength(1);

    const other = fakeSource();
    const { transport } = setup(other);
    await vi.advanceTimersByTimeAsync(0);
    transport.follow([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(other.calls).toHaveLength(1);
  });
});
