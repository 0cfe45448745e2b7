import { notifyManager, QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyncEngine } from '../core/engine/sync-engine.ts';
import type { InboundEvent } from '../core/protocol/server-frame-schemas.ts';
import { MemoryOutboxStore } from '../core/sync/outbox-store.ts';
import { FakeConnection } from '../core/testing/fake-connection.ts';
import { FakeEnvironment } from '../core/testing/fake-environment.ts';
import { FakeThreadSource, flushMicrotasks } from '../core/testing/fake-thread-source.ts';
import { HIDDEN_TITLE_SETTLE_MS, watchTabTitle } from '../desktop-notifications/tab-title.ts';
import { useThreadSnapshot } from '../hooks/use-thread-snapshot.ts';
import { threadKeys, type ThreadPages } from '../threads/thread-queries.ts';
import { frameBatch } from './frame-batch.ts';

const MESSAGES = 50;

/** The page's visibility, as the browser reports it; `show`/`hide` also fire `visibilitychange`. */
let visibility: DocumentVisibilityState = 'visible';
function setVisibility(next: DocumentVisibilityState): void {
  visibility = next;
  document.dispatchEvent(new Event('visibilitychange'));
}

function messageFrame(event: InboundEvent) {
  const data = event.data as { message_id: string };
  return {
    type: 'thread_message' as const,
    thread_id: event.thread_id!,
    data: {
      id: data.message_id,
      thread_id: event.thread_id!,
      sender_id: event.sender_id!,
      content: event.content ?? '',
      role: 'user' as const,
      thread_seq: event.thread_seq,
    },
  };
}

/** The list's cache with one thread holding `unread` unread messages. */
function listWith(unread: number): ThreadPages {
  const thread = { id: 't1', unread_count: unread } as unknown as ThreadPages['pages'][number]['threads'][number];
  return { pages: [{ threads: [thread], next_cursor: null }], pageParams: [null] } as unknown as ThreadPages;
}

describe('a hidden inbox tab does not render', () => {
  beforeEach(() => {
    visibility = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => visibility === 'hidden' });
    // As the signed-in app does: the query cache's notifications render in the page's frame batch.
    notifyManager.setScheduler((callback) => frameBatch.schedule(callback));
  });
  afterEach(() => {
    notifyManager.setScheduler((callback) => setTimeout(callback, 0));
    Reflect.deleteProperty(document, 'visibilityState');
    Reflect.deleteProperty(document, 'hidden');
  });

  it('renders nothing while 50 messages arrive hidden, then once with all of them; the title follows meanwhile', async () => {
    // The inbox's engine: its frame notifications go to the page's frame batch.
    const environment = new FakeEnvironment();
    environment.isVisible = () => visibility !== 'hidden';
    environment.nextFrame = (callback) => frameBatch.schedule(callback);
    const source = new FakeThreadSource('t1');
    const connection = new FakeConnection();
    const engine = new SyncEngine({ connection, source, outboxStore: new MemoryOutboxStore(), environment, selfSenderId: 'user:me' });
    source.plan(MESSAGES);
    await engine.start();
    connection.open();
    const opening = engine.openThread('t1');
    await source.settle();
    await opening;

    const queryClient = new QueryClient();
    queryClient.setQueryData(threadKeys.all, listWith(0));
    const stopTitle = watchTabTitle(queryClient, 'Inbox');
    const renders = { thread: 0, list: 0 };
    function Thread() {
      const snapshot = useThreadSnapshot(engine, 't1');
      renders.thread++;
      return <p data-testid="thread">{snapshot.items.length} messages</p>;
    }
    function List() {
      const { data } = useQuery({ queryKey: threadKeys.all, queryFn: () => listWith(0), staleTime: Infinity });
      renders.list++;
      return <p data-testid="list">{data?.pages[0]?.threads[0]?.unread_count} unread</p>;
    }
    render(
      <QueryClientProvider client={queryClient}>
        <Thread />
        <List />
      </QueryClientProvider>,
    );
    // What the first render scheduled (the observers' first notifications) is done.
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(screen.getByTestId('thread').textContent).toBe('0 messages');
    const before = { ...renders };

    setVisibility('hidden');
    for (let i = 0; i < MESSAGES; i++) {
      source.commit(1);
      await act(async () => {
        connection.deliver(messageFrame(source.log[i]!));
        queryClient.setQueryData(threadKeys.all, listWith(i + 1));
        await flushMicrotasks();
        await new Promise((resolve) => setTimeout(resolve, 20));
      });
    }
    // The engine and the cache have everything; React rendered none of it; the title has it.
    expect(engine.getThreadSnapshot('t1').items).toHaveLength(MESSAGES);
    expect(renders).toEqual(before);
    expect(screen.getByTestId('thread').textContent).toBe('0 messages');
    // The title is written after a wait (a second while hidden), not on every message.
    await vi.waitFor(() => expect(document.title).toBe(`(${MESSAGES}) Inbox`), { timeout: 2 * HIDDEN_TITLE_SETTLE_MS });

    await act(async () => {
      setVisibility('visible');
      await flushMicrotasks();
    });
    expect(screen.getByTestId('thread').textContent).toBe(`${MESSAGES} messages`);
    expect(screen.getByTestId('list').textContent).toBe(`${MESSAGES} unread`);
    expect(renders).toEqual({ thread: before.thread + 1, list: before.list + 1 });
    stopTitle();
    engine.stop();
  });
});
