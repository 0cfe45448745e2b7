import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboundFrame } from '../protocol/server-frame-schemas.ts';
import { SSE_STALL_TIMEOUT_MS, SseTransport } from './sse-transport.ts';
import type { TransportClose } from './transport.ts';

const A = 'thread-a';
const B = 'thread-b';

interface Request {
  url: string;
  headers: Record<string, string>;
  aborted: () => boolean;
  push(text: string): void;
  end(): void;
}

/** A fetch whose streams the test writes; `status` answers the next requests with an error instead. */
function fakeServer() {
  const requests: Request[] = [];
  const statuses: number[] = [];
  const fetch = async (input: string | URL | globalThis.Request, init?: RequestInit) => {
    const status = statuses.shift() ?? 200;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const signal = init?.signal;
    signal?.addEventListener('abort', () => controller.error(new Error('aborted')));
    requests.push({
      url: String(input),
      headers: init?.headers as Record<string, string>,
      aborted: () => signal?.aborted ?? false,
      push: (text) => controller.enqueue(new TextEncoder().encode(text)),
      end: () => controller.close(),
    });
    return new Response(status === 200 ? body : null, { status });
  };
  return { requests, statuses, fetch: fetch as typeof globalThis.fetch };
}

function setup(follow: string[], cursors: Record<string, number> = {}) {
  const server = fakeServer();
  const transport = new SseTransport({
    apiBaseUrl: 'http://server/api/v1',
    headers: () => ({ authorization: 'Bearer tok' }),
    cursorOf: (id) => cursors[id] ?? 0,
    random: () => 0.5,
    fetch: server.fetch,
  });
  const record = { opens: 0, frames: [] as InboundFrame[], closes: [] as TransportClose[], invalid: [] as (string | null)[] };
  transport.follow(follow);
  transport.open({
    open: () => record.opens++,
    frame: (frame) => record.frames.push(frame),
    close: (info) => record.closes.push(info),
    invalid: (type) => record.invalid.push(type),
  });
  return { server, transport, record, cursors };
}

const event = (seq: number, threadId = A) => ({
  event_id: `e${seq}`,
  thread_id: threadId,
  thread_seq: seq,
  event_type: 'message_committed',
  content: `m${seq}`,
  data: {},
});
const durable = (seq: number, threadId = A) => `id: ${seq}\ndata: ${JSON.stringify(event(seq, threadId))}\n\n`;

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('SseTransport', () => {
  it('streams each followed thread from its cursor, with the bearer header, and opens once', async () => {
    const { server, record } = setup([A, B], { [A]: 5 });
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests.map((request) => request.url).sort()).toEqual([
      'http://server/api/v1/chat/threads/thread-a/events/stream?last_thread_seq=5',
      'http://server/api/v1/chat/threads/thread-b/events/stream?last_thread_seq=0',
    ]);
    expect(server.requests[0]!.headers).toMatchObject({ authorization: 'Bearer tok', accept: 'text/event-stream' });
    expect(record.opens).toBe(1);
  });

  it('turns durable and live-only events into frames, and reports bad ones by type', async () => {
    const { server, record } = setup([A]);
    await vi.advanceTimersByTimeAsync(0);
    const stream = server.requests[0]!;
    stream.push(': stream open\n\n' + durable(1) + durable(2));
    stream.push(
      'data: {"event_type":"typing","thread_id":"thread-a","sender_id":"agent:x","data":{"sender_id":"agent:x","status":"started"}}\r\n\r\n',
    );
    stream.push('data: {"event_type":"run_started","thread_id":"thread-a","data":{"event_type":"run_started","run_id":"r"}}\n\n');
    stream.push('data: not json\n\n: keep-alive\n\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(record.frames).toEqual([
      { type: 'thread_event', thread_id: A, data: event(1) },
      { type: 'thread_event', thread_id: A, data: event(2) },
      { type: 'thread_typing', thread_id: A, data: { sender_id: 'agent:x', status: 'started' } },
      { type: 'thread_runtime', thread_id: A, data: { event_type: 'run_started', run_id: 'r' } },
    ]);
    expect(record.invalid).toEqual([null]);
  });

  it('reopens an ended stream after a backoff, from the newer of the cursor and what it delivered', async () => {
    const { server, record, cursors } = setup([A], { [A]: 1 });
    await vi.advanceTimersByTimeAsync(0);
    server.requests[0]!.push(durable(2) + durable(3));
    server.requests[0]!.end();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(server.requests[1]!.url).toContain('last_thread_seq=3');

    // A failing server: each retry waits longer; the engine's newer cursor is used when it is ahead.
    server.statuses.push(503, 503);
    cursors[A] = 10;
    server.requests[1]!.end();
    await vi.advanceTimersByTimeAsync(250); // 503
    await vi.advanceTimersByTimeAsync(500); // 503
    expect(server.requests).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(999);
    expect(server.requests).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.requests).toHaveLength(5);
    expect(server.requests[4]!.url).toContain('last_thread_seq=10');
    expect(record.opens).toBe(1);
    expect(record.closes).toEqual([]);
  });

  it('reopens a stream that went silent, even without keep-alives', async () => {
    const { server } = setup([A]);
    await vi.advanceTimersByTimeAsync(0);
    server.requests[0]!.push(': keep-alive\n\n');
    await vi.advanceTimersByTimeAsync(SSE_STALL_TIMEOUT_MS - 1);
    expect(server.requests[0]!.aborted()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.requests[0]!.aborted()).toBe(true);
    await vi.advanceTimersByTimeAsync(500);
    expect(server.requests).toHaveLength(2);
  });

  it('closes with 4001 on HTTP 401, and stops a thread it may not read', async () => {
    const refused = setup([A]);
    refused.server.statuses.push(401);
    await vi.advanceTimersByTimeAsync(0);
    expect(refused.record.closes).toEqual([{ code: 4001, reason: 'Your session has expired. Sign in again.' }]);

    const gone = setup([A]);
    gone.server.statuses.push(404);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(gone.server.requests).toHaveLength(1);
    expect(gone.record.closes).toEqual([]);
  });

  it('opens at once when it follows nothing, and follow() adds and removes streams', async () => {
    const { server, record, transport } = setup([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(record.opens).toBe(1);
    transport.follow([A, B]);
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.streamCount).toBe(2);
    transport.follow([B]);
    expect(server.requests.find((request) => request.url.includes(A))!.aborted()).toBe(true);
    expect(server.requests.find((request) => request.url.includes(B))!.aborted()).toBe(false);
    expect(transport.send()).toBe(false);
    transport.close();
    expect(server.requests.find((request) => request.url.includes(B))!.aborted()).toBe(true);
    expect(record.closes).toEqual([{ code: 1000, reason: '' }]);
  });
});
