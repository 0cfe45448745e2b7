import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InboundEvent, InboundMessage } from '../protocol/server-frame-schemas.ts';
import { MemoryOutboxStore } from '../sync/outbox-store.ts';
import { FakeConnection } from '../testing/fake-connection.ts';
import { FakeEnvironment } from '../testing/fake-environment.ts';
import { FakeThreadSource, flushMicrotasks } from '../testing/fake-thread-source.ts';
import { SyncEngine } from './sync-engine.ts';

const ME = 'user:me';

function setup(threadId = 't1') {
  const source = new FakeThreadSource(threadId);
  const connection = new FakeConnection();
  const environment = new FakeEnvironment();
  const engine = new SyncEngine({ connection, source, outboxStore: new MemoryOutboxStore(), environment, selfSenderId: ME });
  return { source, connection, environment, engine };
}

/** The `thread_message` frame a server sends for a committed message event. */
function messageFrame(event: InboundEvent, withSeq = true) {
  const data = event.data as { message_id: string };
  const message: InboundMessage = {
    id: data.message_id,
    thread_id: event.thread_id,
    sender_id: event.sender_id!,
    content: event.content ?? '',
    role: 'user',
    ...(withSeq ? { thread_seq: event.thread_seq } : {}),
  };
  return { type: 'thread_message' as const, thread_id: event.thread_id!, data: message };
}

function frameOf(event: InboundEvent, withSeq = true) {
  return event.event_type === 'message_committed'
    ? messageFrame(event, withSeq)
    : { type: 'thread_event' as const, thread_id: event.thread_id!, data: event };
}

async function settle(setupResult: ReturnType<typeof setup>) {
  await setupResult.source.settle();
  setupResult.engine.flush();
}

/** Starts the engine, opens its connection and the thread t1, and waits until t1 is loaded. */
async function openT1(ctx: ReturnType<typeof setup>) {
  await ctx.engine.start();
  ctx.connection.open();
  const opening = ctx.engine.openThread('t1');
  await settle(ctx);
  await opening;
}

describe('SyncEngine', () => {
  it('opens a thread, applies live frames and keeps snapshots stable per thread', async () => {
    const ctx = setup();
    const { source, connection, engine } = ctx;
    source.plan(3);
    source.commit(2);
    await openT1(ctx);
    expect(connection.sent).toContainEqual({ type: 'focus_thread', data: { thread_id: 't1' } });
    const first = engine.getThreadSnapshot('t1');
    expect(first.items.map((item) => item.kind === 'message' && item.message.content)).toEqual(['message 1', 'message 2']);
    expect(engine.getThreadSnapshot('t1')).toBe(first);

    const other = engine.getThreadSnapshot('t2');
    source.commit(1);
    connection.deliver(messageFrame(source.log[2]!));
    engine.flush();
    const second = engine.getThreadSnapshot('t1');
    expect(second).not.toBe(first);
    expect(second.items).toHaveLength(3);
    expect(second.health).toEqual({ appliedSeq: 3, serverSeq: 3, status: 'synced' });
    // Nothing happened in t2: same object.
    expect(engine.getThreadSnapshot('t2')).toBe(other);
  });

  it('coalesces a burst of streamed text into one notification per frame', async () => {
    const { connection, engine, environment } = setup();
    await engine.start();
    connection.open();
    let notified = 0;
    engine.subscribeThread('t1', () => notified++);
    for (let i = 0; i < 100; i++) {
      connection.deliver({ type: 'thread_runtime', thread_id: 't1', data: { event_type: 'text_delta', run_id: 'r1', content: `${i} ` } });
    }
    expect(notified).toBe(0);
    expect(environment.runFrame()).toBe(1);
    expect(notified).toBe(1);
    const run = engine.getThreadSnapshot('t1').runs[0]!;
    expect(run.status).toBe('streaming');
    expect(run.text.split(' ').filter(Boolean)).toHaveLength(100);
  });

  it('tells about a committed message at once, without waiting for a frame', async () => {
    const ctx = setup();
    const { source, connection, engine, environment } = ctx;
    source.plan(2);
    source.commit(1);
    await openT1(ctx);
    let notified = 0;
    engine.subscribeThread('t1', () => notified++);
    source.commit(1);
    connection.deliver(messageFrame(source.log[1]!));
    await flushMicrotasks();
    expect(notified).toBe(1);
    expect(engine.getThreadSnapshot('t1').items).toHaveLength(2);
    // Typing is not urgent: it waits for the frame.
    connection.deliver({ type: 'thread_typing', thread_id: 't1', data: { sender_id: 'user:bob', status: 'started' } });
    await flushMicrotasks();
    expect(notified).toBe(1);
    environment.runFrame();
    expect(notified).toBe(2);
    engine.stop();
  });

  it('shows a sent message at once and hands it over to the committed one under the same key', async () => {
    const ctx = setup();
    const { source, connection, engine } = ctx;
    source.plan(1);
    source.commit(1);
    const sent: { content: string; client_message_id: string; base_seq?: number | null }[] = [];
    let resolveSend: ((message: InboundMessage) => void) | undefined;
    source.sendMessage = (_threadId, body) => {
      sent.push(body);
      return new Promise((resolve) => (resolveSend = resolve));
    };
    await openT1(ctx);

    const item = await engine.send('t1', 'hello there');
    engine.flush();
    const pending = engine.getThreadSnapshot('t1').items.at(-1)!;
    expect(pending).toMatchObject({ kind: 'pending_message', item: { content: 'hello there' } });
    expect(sent[0]).toMatchObject({ content: 'hello there', client_message_id: item.clientMessageId, base_seq: 1 });

    // The committed copy arrives on the socket before the REST response.
    const committed: InboundMessage = {
      id: 'm-2',
      thread_id: 't1',
      thread_seq: 2,
      sender_id: ME,
      content: 'hello there',
      client_message_id: item.clientMessageId,
    };
    connection.deliver({ type: 'thread_message', thread_id: 't1', data: committed });
    engine.flush();
    const items = engine.getThreadSnapshot('t1').items;
    expect(items).toHaveLength(2);
    expect(items.at(-1)).toMatchObject({ kind: 'message', key: pending.key, message: { id: 'm-2' } });
    resolveSend!(committed);
    await flushMicrotasks();
    engine.flush();
    expect(engine.getThreadSnapshot('t1').items).toHaveLength(2);
    expect(engine.outbox.list('t1')).toEqual([]);
  });

  it('counts messages from others since composing started', async () => {
    const ctx = setup();
    const { source, connection, engine } = ctx;
    source.plan(4);
    source.commit(1);
    await openT1(ctx);
    engine.startComposing('t1');
    source.commit(2);
    connection.deliver(messageFrame(source.log[1]!));
    connection.deliver(messageFrame(source.log[2]!));
    engine.flush();
    expect(engine.getThreadSnapshot('t1').compose).toEqual({ baseSeq: 1, newFromOthers: 2 });
  });

  it('shows others typing and viewing, not myself, and forgets presence on reconnect', async () => {
    const { connection, engine } = setup();
    await engine.start();
    connection.open();
    connection.deliver({ type: 'thread_typing', thread_id: 't1', data: { sender_id: 'user:bob', status: 'started' } });
    connection.deliver({ type: 'thread_typing', thread_id: 't1', data: { sender_id: ME, status: 'started' } });
    connection.deliver({ type: 'thread_presence', thread_id: 't1', data: { sender_id: 'user:bob', status: 'focused' } });
    engine.flush();
    expect(engine.getThreadSnapshot('t1').typing).toEqual(['user:bob']);
    expect(engine.getThreadSnapshot('t1').present).toEqual(['user:bob']);
    connection.drop();
    connection.open();
    engine.flush();
    expect(engine.getThreadSnapshot('t1').present).toEqual([]);
    engine.stop();
  });

  it('sends typing at most every 3 s while typing, and stopped once', async () => {
    const { connection, engine } = setup();
    await engine.start();
    connection.open();
    engine.setTyping('t1', true);
    engine.setTyping('t1', true);
    engine.setTyping('t1', false);
    engine.setTyping('t1', false);
    expect(connection.sent.filter((frame) => frame.type === 'typing').map((frame) => frame.type === 'typing' && frame.data.status)).toEqual(
      ['started', 'stopped'],
    );
  });

  it('catches every open thread up after a reconnect', async () => {
    const ctx = setup();
    const { source, connection, engine } = ctx;
    source.plan(30);
    source.commit(5);
    await openT1(ctx);
    connection.drop();
    engine.flush();
    expect(engine.getThreadSnapshot('t1').health.status).toBe('offline');
    source.commit(25);
    connection.open();
    await settle(ctx);
    const snapshot = engine.getThreadSnapshot('t1');
    expect(snapshot.items).toHaveLength(30);
    expect(snapshot.health).toEqual({ appliedSeq: 30, serverSeq: 30, status: 'synced' });
  });
});

describe('SyncEngine on its first connection', () => {
  it('catches up a thread whose log was read before the socket was subscribed (a commit in between is not lost)', async () => {
    // The widget reads the log, then connects: a reply committed between the two is in
    // neither the page read nor the socket (seen in CI: a reload during an agent's reply).
    const ctx = setup();
    const { source, connection, engine } = ctx;
    source.plan(3);
    source.commit(1);
    await engine.start();
    const opening = engine.openThread('t1');
    await settle(ctx);
    await opening;
    expect(engine.getThreadSnapshot('t1').items).toHaveLength(1);
    source.commit(2);
    connection.open();
    await settle(ctx);
    expect(engine.getThreadSnapshot('t1').health).toEqual({ appliedSeq: 3, serverSeq: 3, status: 'synced' });
  });

  it('catches up after an open that was still reading when the socket was subscribed', async () => {
    const ctx = setup();
    const { source, connection, engine } = ctx;
    source.plan(3);
    source.commit(1);
    await engine.start();
    const opening = engine.openThread('t1');
    connection.open();
    source.commit(2);
    await settle(ctx);
    await opening;
    await settle(ctx);
    expect(engine.getThreadSnapshot('t1').health).toEqual({ appliedSeq: 3, serverSeq: 3, status: 'synced' });
  });
});

describe('SyncEngine under any delivery schedule (property)', () => {
  it("ends with the thread equal to the server's log", async () => {
    type Step =
      | { op: 'commit'; count: number }
      | { op: 'frame'; pick: number; withSeq: boolean }
      | { op: 'drop' }
      | { op: 'reopen' }
      | { op: 'answer'; pick: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ op: fc.constant('commit' as const), count: fc.integer({ min: 1, max: 6 }) }) },
      { weight: 6, arbitrary: fc.record({ op: fc.constant('frame' as const), pick: fc.nat(), withSeq: fc.boolean() }) },
      { weight: 1, arbitrary: fc.constant({ op: 'drop' as const }) },
      { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
      { weight: 4, arbitrary: fc.record({ op: fc.constant('answer' as const), pick: fc.nat() }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 90 }), fc.array(step, { maxLength: 100 }), async (total, steps) => {
        const ctx = setup();
        const { source, connection, engine } = ctx;
        source.plan(total, (seq) => (seq % 5 === 0 ? 'approval_pending' : 'message_committed'));
        await engine.start();
        connection.open();
        void engine.openThread('t1');
        for (const action of steps) {
          if (action.op === 'commit') source.commit(action.count);
          else if (action.op === 'frame' && source.committed > 0) {
            connection.deliver(frameOf(source.log[action.pick % source.committed]!, action.withSeq));
          } else if (action.op === 'drop') connection.drop();
          else if (action.op === 'reopen') connection.open();
          else if (action.op === 'answer' && source.calls.length > 0) source.releaseOne(action.pick % source.calls.length);
          await flushMicrotasks();
        }
        source.commit(total);
        connection.open();
        await settle(ctx);
        while (engine.getThreadSnapshot('t1').hasOlder) {
          const older = engine.loadOlder('t1');
          await settle(ctx);
          await older;
          engine.flush();
        }
        const keys = engine
          .getThreadSnapshot('t1')
          .items.map((item) => (item.kind === 'message' ? item.message.id : 'seq' in item ? item.key.slice('event|'.length) : item.kind));
        const expected = source.log.map((event) =>
          event.event_type === 'message_committed' ? (event.data as { message_id: string }).message_id : event.event_id,
        );
        expect(keys).toEqual(expected);
        expect(engine.getThreadSnapshot('t1').health).toEqual({ appliedSeq: total, serverSeq: total, status: 'synced' });
      }),
      { numRuns: 200 },
    );
  });
});

describe('SyncEngine activity listeners', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('a listener that throws is reported and the next listener still hears the activity', async () => {
    // The guard rethrows apart, in a microtask: catch it there to check what is reported.
    const reported: unknown[] = [];
    const original = globalThis.queueMicrotask;
    vi.stubGlobal('queueMicrotask', (callback: () => void) =>
      original(() => {
        try {
          callback();
        } catch (error) {
          reported.push(error);
        }
      }),
    );
    const ctx = setup();
    await ctx.engine.start();
    ctx.connection.open();
    const heard: string[] = [];
    ctx.engine.onActivity(() => {
      throw new Error('listener broke');
    });
    ctx.engine.onActivity((activity) => heard.push(activity.kind === 'error' ? activity.code : activity.kind));

    ctx.connection.deliver({ type: 'error', data: { code: 'upstream_error', message: 'Upstream failed.', retryable: true } });
    await flushMicrotasks();

    expect(heard).toEqual(['upstream_error']);
    expect(reported).toEqual([new Error('listener broke')]);
  });
});
