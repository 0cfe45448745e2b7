import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixtureThread } from '../core/protocol/fixtures.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { fakeEngine } from '../core/testing/fake-engine.ts';
import { HIDDEN_LIST_SYNC_MS, syncThreadList } from './thread-list-sync.ts';
import { flattenThreads, threadKeys, type ThreadPages } from './thread-queries.ts';

const listed = (id: string): InboundThread =>
  ({ ...fixtureThread, id, last_seq: 0, read_seq: 0, unread_count: 0, last_message: null, visitor: undefined }) as InboundThread;

const messageFrame = (threadId: string, seq: number, content = `message ${seq}`) => ({
  type: 'thread_message' as const,
  thread_id: threadId,
  data: { id: `${threadId}-m${seq}`, thread_id: threadId, sender_id: 'user:bob', content, role: 'user' as const, thread_seq: seq },
});

/** An engine over fakes, the list cached with threads a and b, and the list's writes counted. */
async function setup() {
  const { engine, connection } = fakeEngine();
  const queryClient = new QueryClient();
  queryClient.setQueryData<ThreadPages>(threadKeys.all, {
    pages: [{ threads: [listed('a'), listed('b')], next_cursor: null }],
    pageParams: [null],
  });
  let writes = 0;
  let refetches = 0;
  queryClient.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'success') writes++;
    if (event.type === 'updated' && event.action.type === 'invalidate') refetches++;
  });
  let hidden = false;
  let shown: () => void = () => undefined;
  const stop = syncThreadList(engine, queryClient, {
    isHidden: () => hidden,
    onShown: (listener) => {
      shown = listener;
      return () => undefined;
    },
  });
  await engine.start();
  connection.open();
  const thread = (id: string) => flattenThreads(queryClient.getQueryData<ThreadPages>(threadKeys.all)).find((t) => t.id === id)!;
  return {
    connection,
    queryClient,
    thread,
    stop,
    writes: () => writes,
    refetches: () => refetches,
    hide: () => void (hidden = true),
    show: () => {
      hidden = false;
      shown();
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('syncThreadList', () => {
  it('patches the list on every message while the page is shown', async () => {
    const { connection, thread, writes } = await setup();
    connection.deliver(messageFrame('a', 1));
    expect(thread('a')).toMatchObject({ last_seq: 1, unread_count: 1, last_message: { content: 'message 1' } });
    connection.deliver(messageFrame('a', 2));
    expect(thread('a')).toMatchObject({ last_seq: 2, unread_count: 2 });
    expect(writes()).toBe(2);
  });

  it('while hidden, patches the latest of each thread together once a second, and at once when shown', async () => {
    const { connection, thread, writes, hide, show } = await setup();
    hide();
    for (let seq = 1; seq <= 30; seq++) connection.deliver(messageFrame('a', seq));
    connection.deliver(messageFrame('b', 1, 'hello b'));
    expect(thread('a')).toMatchObject({ last_seq: 0, unread_count: 0 });
    vi.advanceTimersByTime(HIDDEN_LIST_SYNC_MS);
    expect(thread('a')).toMatchObject({ last_seq: 30, unread_count: 30, last_message: { content: 'message 30' } });
    expect(thread('b')).toMatchObject({ last_seq: 1, unread_count: 1, last_message: { content: 'hello b' } });
    expect(writes()).toBe(1);

    connection.deliver(messageFrame('a', 31));
    connection.deliver({ type: 'thread_read', thread_id: 'a', data: { read_seq: 31 } });
    show();
    expect(thread('a')).toMatchObject({ last_seq: 31, read_seq: 31, unread_count: 0 });
    expect(writes()).toBe(2);
    // Nothing left waiting: the timer set while hidden writes nothing more.
    vi.advanceTimersByTime(HIDDEN_LIST_SYNC_MS);
    expect(writes()).toBe(2);
  });

  it('refetches the list for a thread it has not loaded, hidden or not, and stops when told', async () => {
    const { connection, queryClient, thread, writes, refetches, hide, stop } = await setup();
    connection.deliver(messageFrame('c', 1));
    expect(refetches()).toBe(1);
    // The refetch came back (the list is current again, and can be invalidated again).
    queryClient.setQueryData<ThreadPages>(threadKeys.all, (data) => data && { ...data });
    hide();
    connection.deliver(messageFrame('d', 4));
    connection.deliver({ type: 'thread_read', thread_id: 'e', data: { read_seq: 2 } });
    vi.advanceTimersByTime(HIDDEN_LIST_SYNC_MS);
    // A read position alone does not mean a thread exists that the list lacks.
    expect(refetches()).toBe(2);
    stop();
    const before = writes();
    connection.deliver(messageFrame('a', 1));
    vi.advanceTimersByTime(HIDDEN_LIST_SYNC_MS);
    expect(thread('a').last_seq).toBe(0);
    expect(writes()).toBe(before);
  });

  it('drops a deleted thread (thread_deleted, CONTRACT §14) from the list at once, even hidden, and its unread count with it', async () => {
    const { connection, queryClient, hide } = await setup();
    connection.deliver(messageFrame('a', 1));
    connection.deliver(messageFrame('b', 1));
    hide();
    connection.deliver(messageFrame('a', 2));
    connection.deliver({
      type: 'thread_event',
      thread_id: 'a',
      data: {
        event_id: 'e3',
        thread_id: 'a',
        thread_seq: 3,
        event_type: 'thread_deleted',
        sender_id: 'system',
        content: null,
        data: { reason: 'erased_by_owner' },
      },
    });
    const threads = flattenThreads(queryClient.getQueryData<ThreadPages>(threadKeys.all));
    expect(threads.map((t) => t.id)).toEqual(['b']);
    expect(threads.reduce((total, t) => total + t.unread_count, 0)).toBe(1);
    // Nothing of it comes back when the waiting summaries are written.
    vi.advanceTimersByTime(HIDDEN_LIST_SYNC_MS);
    expect(flattenThreads(queryClient.getQueryData<ThreadPages>(threadKeys.all)).map((t) => t.id)).toEqual(['b']);
  });
});
