import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEnvironment } from '../testing/fake-environment.ts';
import { FakeOutboxTabs } from '../testing/fake-outbox-tabs.ts';
import { FakeSendServer as FakeServer, type SendFault } from '../testing/fake-send-server.ts';
import { Outbox } from './outbox.ts';
import { MemoryOutboxStore } from './outbox-store.ts';

type Fault = SendFault;

function createOutbox(store: MemoryOutboxStore, server: FakeServer, environment: FakeEnvironment) {
  const changes: string[] = [];
  let next = 0;
  const outbox: Outbox = new Outbox({
    store,
    send: server.send,
    environment,
    onChange: (threadId) => changes.push(threadId),
    // The engine confirms once the log holds the message; here the log is instant.
    onSent: (_threadId, message) => queueMicrotask(() => outbox.confirm(message.client_message_id!)),
    createId: () => `c-${Date.now()}-${next++}-${Math.random().toString(36).slice(2, 8)}`,
  });
  return { outbox, changes };
}

describe('Outbox', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('stores a message before sending it, then removes it once committed', async () => {
    const store = new MemoryOutboxStore();
    const server = new FakeServer();
    const { outbox } = createOutbox(store, server, new FakeEnvironment());
    const item = await outbox.add({ threadId: 't', content: 'hello', baseSeq: 4, latestSeenSeq: 6 });
    expect(store.items.get(item.clientMessageId)?.content).toBe('hello');
    await vi.runAllTimersAsync();
    expect(server.committed.map((m) => [m.content, m.client_message_id])).toEqual([['hello', item.clientMessageId]]);
    expect(store.items.size).toBe(0);
    expect(outbox.list('t')).toEqual([]);
  });

  it('retries a retryable failure under the same id, honouring Retry-After', async () => {
    const store = new MemoryOutboxStore();
    const server = new FakeServer();
    server.faults = ['server_busy', 'lost_response'];
    const { outbox } = createOutbox(store, server, new FakeEnvironment());
    const item = await outbox.add({ threadId: 't', content: 'again', baseSeq: null, latestSeenSeq: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.get(item.clientMessageId)).toMatchObject({ status: 'queued', attempts: 1, error: { code: 'unavailable' } });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(server.attempts).toBe(1);
    await vi.runAllTimersAsync();
    expect(server.attempts).toBe(3);
    expect(server.committed).toHaveLength(1);
    expect(outbox.list('t')).toEqual([]);
  });

  it('holds a non-retryable failure for the user: retry, edit (new id) or discard', async () => {
    const store = new MemoryOutboxStore();
    const server = new FakeServer();
    server.faults = ['rejected', 'rejected'];
    const { outbox } = createOutbox(store, server, new FakeEnvironment());
    const first = await outbox.add({ threadId: 't', content: 'one', baseSeq: null, latestSeenSeq: null });
    const second = await outbox.add({ threadId: 't', content: 'two', baseSeq: null, latestSeenSeq: null });
    await vi.runAllTimersAsync();
    expect(outbox.list('t').map((item) => [item.content, item.status])).toEqual([
      ['one', 'failed'],
      ['two', 'failed'],
    ]);
    expect(outbox.get(first.clientMessageId)?.error).toEqual({ code: 'client_error', message: 'content refused', retryable: false });
    outbox.retry(first.clientMessageId);
    const edited = outbox.edit(second.clientMessageId, 'two, edited');
    expect(edited?.clientMessageId).not.toBe(second.clientMessageId);
    await vi.runAllTimersAsync();
    expect(server.committed.map((m) => m.content)).toEqual(['one', 'two, edited']);
    const third = await outbox.add({ threadId: 't', content: 'three', baseSeq: null, latestSeenSeq: null });
    server.faults = ['rejected'];
    await vi.runAllTimersAsync();
    outbox.discard(third.clientMessageId);
    expect(outbox.list('t')).toEqual([]);
    expect(store.items.size).toBe(0);
  });

  it('waits while offline and sends as soon as the browser is online', async () => {
    const environment = new FakeEnvironment();
    environment.online = false;
    const server = new FakeServer();
    const { outbox } = createOutbox(new MemoryOutboxStore(), server, environment);
    await outbox.add({ threadId: 't', content: 'written offline', baseSeq: null, latestSeenSeq: null });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.attempts).toBe(0);
    environment.setOnline(true);
    await vi.runAllTimersAsync();
    expect(server.committed.map((m) => m.content)).toEqual(['written offline']);
  });

  it('sends the messages of one thread in the order they were written', async () => {
    const server = new FakeServer();
    server.faults = ['lost_request', 'ok', 'lost_response'];
    const { outbox } = createOutbox(new MemoryOutboxStore(), server, new FakeEnvironment());
    for (const content of ['a', 'b', 'c', 'd']) await outbox.add({ threadId: 't', content, baseSeq: null, latestSeenSeq: null });
    await vi.runAllTimersAsync();
    expect(server.committed.map((m) => m.content)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ignores stored items that are not outbox items', async () => {
    const store = new MemoryOutboxStore();
    store.items.set('junk', { clientMessageId: 'junk' } as never);
    const { isOutboxItem } = await import('./outbox-store.ts');
    expect(isOutboxItem(store.items.get('junk'))).toBe(false);
  });
});

describe('Outbox under random failures and reloads (property)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('commits every message the user sent exactly once, and loses none across reloads', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('send' as const), thread: fc.constantFrom('t1', 't2') }),
      fc.record({ kind: fc.constant('reload' as const) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 120 }) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 5_000 }) }),
      fc.record({ kind: fc.constant('offline' as const), online: fc.boolean() }),
    );
    const fault = fc.constantFrom<Fault>('ok', 'ok', 'lost_request', 'lost_response', 'server_busy', 'rejected');
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.array(fault, { maxLength: 60 }), async (steps, faults) => {
        vi.setSystemTime(1_700_000_000_000);
        const store = new MemoryOutboxStore();
        const server = new FakeServer();
        server.faults = [...faults];
        server.latencyMs = 40;
        const environment = new FakeEnvironment(() => 0.5);
        let current = createOutbox(store, server, environment).outbox;
        await current.restore();
        const sent: string[] = [];
        for (const [index, action] of steps.entries()) {
          if (action.kind === 'send') {
            const content = `message ${index}`;
            await current.add({ threadId: action.thread, content, baseSeq: null, latestSeenSeq: null });
            sent.push(content);
          } else if (action.kind === 'reload') {
            current.stop();
            current = createOutbox(store, server, environment).outbox;
            await current.restore();
          } else if (action.kind === 'offline') {
            environment.setOnline(action.online);
          } else {
            await vi.advanceTimersByTimeAsync(action.ms);
          }
        }
        // The end: online, faults over, and the user retries whatever waits for them.
        server.faults = [];
        environment.setOnline(true);
        for (let round = 0; round < 5; round++) {
          await vi.runAllTimersAsync();
          for (const thread of ['t1', 't2']) {
            for (const item of current.list(thread)) if (item.status === 'failed') current.retry(item.clientMessageId);
          }
        }
        await vi.runAllTimersAsync();
        const committed = server.committed.map((m) => m.content);
        expect([...committed].sort()).toEqual([...sent].sort());
        expect(new Set(committed).size).toBe(committed.length);
        expect(store.items.size).toBe(0);
        current.stop();
      }),
      { numRuns: 150 },
    );
  });
});

describe('Outbox shared by tabs under random leader changes (property)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('commits every message written in any tab exactly once, in the order written per thread', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('send' as const), tab: fc.nat(), thread: fc.constantFrom('t1', 't2') }),
      // The leader tab closes or crashes (another takes over); a new tab opens so one is always left.
      fc.record({ kind: fc.constant('close_leader' as const) }),
      fc.record({ kind: fc.constant('close_tab' as const), tab: fc.nat() }),
      fc.record({ kind: fc.constant('open_tab' as const) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 120 }) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 5_000 }) }),
      fc.record({ kind: fc.constant('offline' as const), online: fc.boolean() }),
    );
    // No refusals: a refused message waits for the user, and the ones after it go first by design.
    const fault = fc.constantFrom<Fault>('ok', 'ok', 'lost_request', 'lost_response', 'server_busy');
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 40 }),
        fc.array(fault, { maxLength: 60 }),
        fc.boolean(),
        async (steps, faults, socket) => {
          vi.setSystemTime(1_700_000_000_000);
          const world = new FakeOutboxTabs(socket);
          world.server.faults = [...faults];
          world.server.latencyMs = 40;
          for (let i = 0; i < 3; i++) await world.open();
          const written: Record<string, string[]> = { t1: [], t2: [] };
          for (const [index, action] of steps.entries()) {
            if (action.kind === 'send') {
              const content = `message ${index}`;
              await world.tabs[action.tab % world.tabs.length]!.outbox.add({
                threadId: action.thread,
                content,
                baseSeq: null,
                latestSeenSeq: null,
              });
              written[action.thread]!.push(content);
            } else if (action.kind === 'close_leader') {
              world.leader()?.close();
              if (world.tabs.length === 0) await world.open();
            } else if (action.kind === 'close_tab') {
              if (world.tabs.length > 1) world.tabs[action.tab % world.tabs.length]!.close();
            } else if (action.kind === 'open_tab') {
              if (world.tabs.length < 5) await world.open();
            } else if (action.kind === 'offline') {
              world.environment.setOnline(action.online);
            } else {
              await vi.advanceTimersByTimeAsync(action.ms);
            }
            // Tabs hear each other faster than a person writes.
            await world.hub.flush();
          }
          world.server.faults = [];
          world.environment.setOnline(true);
          await world.settle(() => vi.runAllTimersAsync());
          for (const thread of ['t1', 't2']) {
            expect(world.server.contents(thread)).toEqual(written[thread]);
            for (const tab of world.tabs) expect(tab.outbox.list(thread)).toEqual([]);
          }
          expect(world.store.items.size).toBe(0);
          expect(world.overlappingSends).toBe(0);
          for (const tab of [...world.tabs]) tab.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
