import { QueryClient, QueryClientProvider, useInfiniteQuery } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboxApi } from '../core/api/inbox-api.ts';
import { MARK_READ_DELAY_MS, readMarker } from '../core/engine/read-marker.ts';
import { fixtureThread } from '../core/protocol/fixtures.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { InboxClient } from '../core/engine/create-inbox-engine.ts';
import { MutedThreads } from '../core/notify/muted-threads.ts';
import { TabHub } from '../core/tabs/tab-hub.ts';
import { EngineValueProvider, type EngineContextValue } from '../engine-provider/engine-context.tsx';
import { flattenThreads, threadKeys, threadsQuery, type ThreadPages } from '../threads/thread-queries.ts';
import { useThreadListSync } from '../threads/use-thread-list-sync.ts';
import { useMarkRead } from './use-mark-read.ts';
import { fakeEngine } from '../core/testing/fake-engine.ts';

const listed = { ...fixtureThread, id: 't1', last_seq: 5, read_seq: 2, unread_count: 3, visitor: undefined } as InboundThread;

/** An inbox with the thread list cached and `t1` on screen at its bottom; the list's cache writes are counted. */
function setup() {
  const saved: number[] = [];
  const { engine, connection } = fakeEngine({
    reads: readMarker({
      save: async (_threadId, readSeq) => {
        saved.push(readSeq);
      },
    }),
  });
  const queryClient = new QueryClient();
  queryClient.setQueryData<ThreadPages>(threadKeys.all, { pages: [{ threads: [listed], next_cursor: null }], pageParams: [null] });
  let writes = 0;
  queryClient.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'success') writes++;
  });
  const api = {} as InboxApi;
  const value: EngineContextValue = {
    engine,
    api,
    user: { id: 'me', name: 'Me' } as EngineContextValue['user'],
    selfSenderId: 'user:me',
    // The hook reads only the engine; the rest of the client is a tab alone.
    client: {} as InboxClient,
    tabs: { hub: new TabHub({ tabId: 'me', leadership: null, channel: null }), muted: new MutedThreads(null, 'muted') },
  };
  function Reader() {
    useThreadListSync();
    const thread = flattenThreads(useInfiniteQuery({ ...threadsQuery(api), enabled: false }).data)[0]!;
    useMarkRead('t1', 5, true, thread.read_seq);
    return null;
  }
  const view = render(
    <QueryClientProvider client={queryClient}>
      <EngineValueProvider value={value}>
        <Reader />
      </EngineValueProvider>
    </QueryClientProvider>,
  );
  const thread = () => flattenThreads(queryClient.getQueryData<ThreadPages>(threadKeys.all))[0]!;
  return { connection, engine, saved, view, thread, writes: () => writes };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('useMarkRead', () => {
  it('patches the thread list once per read, and not again for the server’s echo', async () => {
    const { connection, engine, saved, thread, writes, view } = setup();
    await engine.start();
    act(() => connection.open());
    act(() => void vi.advanceTimersByTime(MARK_READ_DELAY_MS));
    expect(thread()).toMatchObject({ read_seq: 5, unread_count: 0 });
    expect(writes()).toBe(1);
    expect(saved).toEqual([5]);
    act(() => connection.deliver({ type: 'thread_read', thread_id: 't1', data: { read_seq: 5 } }));
    expect(writes()).toBe(1);
    view.unmount();
    expect(saved).toEqual([5]);
    engine.stop();
  });
});
