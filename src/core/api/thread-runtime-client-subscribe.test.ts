import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeTopicServer } from '../testing/fake-topic-server.ts';
import { ApiError } from './api-error.ts';
import { ThreadRuntimeClient, type TopicEvent } from './thread-runtime-client.ts';

const TOKEN = 'ama_eat_0123456789abcdefghij';
const ALL = 'events.local.chat.thread.*.*';
const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';

/** Lets queued microtasks and zero-delay timers (the reconnect backoff here) run. */
const settle = async (rounds = 5) => {
  for (let index = 0; index < rounds; index++) await new Promise((resolve) => setTimeout(resolve, 0));
};

const clients: ThreadRuntimeClient[] = [];
const open: AsyncIterableIterator<TopicEvent>[] = [];
afterEach(async () => {
  for (const iterator of open.splice(0)) await iterator.return?.();
  clients.length = 0;
});

function setup(limits?: { limit: number; resume: number }) {
  const server = new FakeTopicServer();
  const client = new ThreadRuntimeClient({
    baseURL: 'http://a.test/',
    socketBaseURLs: ['http://a.test', 'https://b.test'],
    token: TOKEN,
    WebSocket: server.WebSocket,
    reconnect: { baseMs: 0, capMs: 0 },
    topicBuffer: limits,
  });
  clients.push(client);
  const subscribe = (...args: Parameters<ThreadRuntimeClient['subscribe']>) => {
    const iterator = client.subscribe(...args);
    open.push(iterator);
    return iterator;
  };
  return { server, client, subscribe };
}

/** Reads `count` events, as `thread:seq` (or `thread:type` for ephemeral ones). */
async function take(iterator: AsyncIterableIterator<TopicEvent>, count: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    const { event } = next.value;
    out.push(`${event.thread_id === T1 ? 'T1' : 'T2'}:${event.thread_seq ?? event.event_type}`);
  }
  return out;
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );

describe('ThreadRuntimeClient.subscribe', () => {
  it('refuses a bad topic or from at once, in words, and opens no socket', () => {
    const { server, client } = setup();
    const error: unknown = (() => {
      try {
        return client.subscribe('events.local.chat.thread');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'client_error', retryable: false });
    expect(() => client.subscribe('events.local.chat.thread')).toThrow(/has 4 tokens: a topic is six dot-separated tokens/);
    expect(() => client.subscribe(ALL, { from: { 'not-a-thread': 3 } })).toThrow('Invalid from: ');
    expect(() => client.subscribe(ALL, { from: { [T1]: -1 } })).toThrow('a seq in from must not be negative');
    expect(server.sockets).toEqual([]);
  });

  it('shares one agent socket (token as subprotocol, not in the URL) among subscriptions, and closes it when the last ends', async () => {
    const { server, subscribe } = setup();
    const first = subscribe(ALL);
    const second = subscribe(`events.local.chat.thread.message_committed.${T1}`, { from: { [T1]: 2 } });
    await settle();
    expect(server.sockets).toHaveLength(1);
    const socket = server.sockets[0]!;
    expect(socket.url).toBe('ws://a.test/api/v1/chat/ws/agent');
    expect(socket.protocols).toEqual(['auth', TOKEN]);
    expect(socket.sent).toEqual([
      { type: 'subscribe', data: { id: 's1', topic: ALL } },
      { type: 'subscribe', data: { id: 's2', topic: `events.local.chat.thread.message_committed.${T1}`, from: { [T1]: 2 } } },
    ]);
    server.commit(T1);
    server.commit(T1);
    server.commit(T1);
    server.typing(T2);
    expect(await take(first, 4)).toEqual(['T1:1', 'T1:2', 'T1:3', 'T2:typing']);
    // The second had seqs 1 and 2 already (its from).
    expect(await take(second, 2)).toEqual(['T1:3', 'T2:typing']);
    await first.return?.();
    expect(socket.sent.at(-1)).toEqual({ type: 'unsubscribe', data: { id: 's1' } });
    expect(socket.readyState).toBe(1);
    server.typing(T2);
    for await (const item of second) {
      expect(item.event.thread_seq).toBeUndefined();
      break;
    }
    expect(socket.readyState).toBe(3);
    expect(await first.next()).toEqual({ value: undefined, done: true });
  });

  it('reconnects to the next URL after a drop and resumes from the last seqs: no gap, no double', async () => {
    const { server, subscribe } = setup();
    const events = subscribe(ALL);
    await settle();
    server.commit(T1);
    server.commit(T2);
    expect(await take(events, 2)).toEqual(['T1:1', 'T2:1']);
    server.commit(T1); // T1:2 is buffered, not yet read
    server.sockets[0]!.serverClose(1006, '');
    server.commit(T1); // while no socket is open
    server.commit(T2);
    await settle();
    expect(server.sockets).toHaveLength(2);
    expect(server.sockets[1]!.url).toBe('wss://b.test/api/v1/chat/ws/agent');
    expect(server.sockets[1]!.sent[0]).toEqual({ type: 'subscribe', data: { id: 's1', topic: ALL, from: { [T2]: 1, [T1]: 2 } } });
    server.commit(T1);
    // Seq order per thread (the contract orders nothing across threads).
    const resumed = await take(events, 4);
    expect(resumed.filter((item) => item.startsWith('T1'))).toEqual(['T1:2', 'T1:3', 'T1:4']);
    expect(resumed.filter((item) => item.startsWith('T2'))).toEqual(['T2:2']);
  });

  it('a revoked token (4001) ends the iterator with an ApiError after what was buffered, and does not reconnect', async () => {
    const { server, subscribe } = setup();
    const events = subscribe(ALL);
    const other = subscribe(ALL);
    await settle();
    server.commit(T1);
    server.sockets[0]!.serverClose(4001, 'Agent token revoked.');
    await settle();
    expect(await take(events, 1)).toEqual(['T1:1']);
    const error = await rejection(events.next());
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, message: 'Agent token revoked.', retryable: false });
    expect(await events.next()).toEqual({ value: undefined, done: true });
    await take(other, 1);
    expect(await rejection(other.next())).toMatchObject({ code: 'unauthorized' });
    expect(server.sockets).toHaveLength(1);
  });

  it('a token refused at connect (4001 without a reason) ends the iterator in words, and the abort listener is removed', async () => {
    const { server, subscribe } = setup();
    server.autoOpen = false;
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const events = subscribe(ALL, { signal: controller.signal });
    await settle();
    server.sockets[0]!.serverClose(4001, '');
    expect(await rejection(events.next())).toMatchObject({
      code: 'unauthorized',
      message: 'The agent token was refused (unknown, revoked or expired).',
    });
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    await settle();
    expect(server.sockets).toHaveLength(1);
  });

  it('sends a rate-limited subscribe again after retry_after_ms', async () => {
    const { server, subscribe } = setup();
    server.rateLimitSubscribes = 2;
    const events = subscribe(ALL);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const socket = server.sockets[0]!;
    expect(socket.sent.filter((frame) => frame.type === 'subscribe')).toHaveLength(3);
    expect([...socket.subscriptions.keys()]).toEqual(['s1']);
    server.commit(T1);
    expect(await take(events, 1)).toEqual(['T1:1']);
  });

  it('an aborted signal rejects the waiting next() and unsubscribes', async () => {
    const { server, subscribe } = setup();
    const controller = new AbortController();
    const events = subscribe(ALL, { signal: controller.signal });
    const kept = subscribe(ALL);
    await settle();
    const waiting = rejection(events.next());
    controller.abort();
    expect(await waiting).toMatchObject({ code: 'aborted', message: 'The subscription was aborted.' });
    expect(server.sockets[0]!.sent.at(-1)).toEqual({ type: 'unsubscribe', data: { id: 's1' } });
    server.commit(T1);
    expect(await take(kept, 1)).toEqual(['T1:1']);
  });

  it('back-pressure: a slow consumer pauses its subscription at the bound and resumes with from, losing no durable event', async () => {
    const { server, subscribe } = setup({ limit: 4, resume: 1 });
    const events = subscribe(ALL);
    await settle();
    const socket = server.sockets[0]!;
    // Ten events of T1 and three of T2 (a thread first seen while paused) arrive before the consumer reads one.
    for (let index = 0; index < 10; index++) server.commit(T1);
    for (let index = 0; index < 3; index++) server.commit(T2);
    const got: string[] = [];
    // A slow consumer: one event per macrotask.
    for (let index = 0; index < 13; index++) {
      got.push(...(await take(events, 1)));
      await settle(1);
    }
    expect(got).toEqual([...Array.from({ length: 10 }, (_, index) => `T1:${index + 1}`), 'T2:1', 'T2:2', 'T2:3']);
    // It resubscribed from where each thread was dropped (and again whenever the replay itself filled the buffer).
    const froms = socket.sent.filter((frame) => frame.type === 'subscribe').map((frame) => frame.data.from);
    expect(froms.slice(0, 2)).toEqual([undefined, { [T1]: 4, [T2]: 0 }]);
    expect(froms.slice(1).every((from) => from !== undefined)).toBe(true);
  });

  it('property: any mix of commits, drops and slow reads yields every seq of every thread once, in order', async () => {
    const step = fc.oneof(
      fc.constant('commit1' as const),
      fc.constant('commit2' as const),
      fc.constant('drop' as const),
      fc.constant('read' as const),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), fc.integer({ min: 2, max: 6 }), async (steps, limit) => {
        const { server, subscribe } = setup({ limit, resume: 1 });
        const events = subscribe(ALL);
        await settle();
        const got: TopicEvent[] = [];
        for (const action of steps) {
          if (action === 'commit1') server.commit(T1);
          else if (action === 'commit2') server.commit(T2);
          else if (action === 'drop') server.current?.serverClose(1006, '');
          else got.push(...(await readAvailable(events)));
          await settle(2);
        }
        // Then the consumer catches up.
        const total = (server.logs.get(T1) ?? 0) + (server.logs.get(T2) ?? 0);
        while (got.filter((item) => item.event.thread_seq !== undefined).length < total) {
          got.push(...(await readAvailable(events)));
          await settle(2);
        }
        for (const thread of [T1, T2]) {
          const seqs = got.filter((item) => item.event.thread_id === thread).map((item) => item.event.thread_seq);
          expect(seqs).toEqual(Array.from({ length: server.logs.get(thread) ?? 0 }, (_, index) => index + 1));
        }
        await events.return?.();
      }),
      { numRuns: 60 },
    );
  });
});

/** A `next()` still waiting from an earlier {@link readAvailable}: it is the next read, so that no event is lost. */
const outstanding = new WeakMap<object, Promise<IteratorResult<TopicEvent>>>();

/** What the iterator has ready now (read until a `next()` waits past a macrotask). */
async function readAvailable(iterator: AsyncIterableIterator<TopicEvent>): Promise<TopicEvent[]> {
  const out: TopicEvent[] = [];
  for (;;) {
    const pending = outstanding.get(iterator) ?? iterator.next();
    outstanding.delete(iterator);
    const next = await Promise.race([pending, new Promise<'wait'>((resolve) => setTimeout(() => resolve('wait'), 0))]);
    if (next === 'wait') {
      outstanding.set(iterator, pending);
      return out;
    }
    if (next.done) return out;
    out.push(next.value);
  }
}
