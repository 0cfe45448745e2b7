import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FIXTURE_SENDERS } from '../core/protocol/fixtures.ts';
import { fixtureThreadCounts, fixtureWaitingThread, ownershipEvents } from '../core/protocol/ownership-fixtures.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { fakeEngine } from '../core/testing/fake-engine.ts';
import { syncThreadList } from '../threads/thread-list-sync.ts';
import { threadKeys, type ThreadPages } from '../threads/thread-queries.ts';
import { QUEUE_REFRESH_DELAY_MS, syncOwnership } from './ownership-sync.ts';
import { queueKeys } from './queues.ts';

const pages = (...threads: InboundThread[]): ThreadPages => ({ pages: [{ threads, next_cursor: null }], pageParams: [null] });
const waitingThread = fixtureWaitingThread as InboundThread;
const frame = (event: (typeof ownershipEvents)[keyof typeof ownershipEvents], seq: number) => ({
  type: 'thread_event' as const,
  thread_id: waitingThread.id,
  data: { ...event, thread_id: waitingThread.id, thread_seq: seq },
});

async function setup() {
  const { engine, connection } = fakeEngine({ selfSenderId: FIXTURE_SENDERS.alice });
  const queryClient = new QueryClient();
  queryClient.setQueryData(threadKeys.all, pages(waitingThread));
  queryClient.setQueryData(queueKeys.list('waiting'), pages(waitingThread));
  queryClient.setQueryData(['thread', waitingThread.id], waitingThread);
  queryClient.setQueryData(queueKeys.counts, fixtureThreadCounts);
  const stop = syncOwnership(engine, queryClient);
  const stopList = syncThreadList(engine, queryClient, { isHidden: () => false, onShown: () => () => undefined });
  await engine.start();
  connection.open();
  const listed = (key: readonly unknown[]) => queryClient.getQueryData<ThreadPages>(key)!.pages[0]!.threads[0]!;
  const stale = (key: readonly unknown[]) => queryClient.getQueryState(key)?.isInvalidated;
  return { connection, queryClient, listed, stale, stop: () => (stop(), stopList()) };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('syncOwnership', () => {
  it('patches a take-over into every list and the thread at once, then reads the counts and queues again once', async () => {
    const { connection, listed, queryClient, stale, stop } = await setup();
    connection.deliver(frame(ownershipEvents.handoff, 11));
    const expected = { status: 'open', assignee_id: FIXTURE_SENDERS.alice, agent_paused: true, waiting_since: null };
    expect(listed(threadKeys.all)).toMatchObject(expected);
    expect(listed(queueKeys.list('waiting'))).toMatchObject(expected);
    expect(queryClient.getQueryData(['thread', waitingThread.id])).toMatchObject(expected);
    expect(stale(queueKeys.counts)).toBe(false);

    connection.deliver(frame(ownershipEvents.assignee_changed, 12));
    expect(listed(threadKeys.all).assignee_id).toBe(FIXTURE_SENDERS.bob);
    vi.advanceTimersByTime(QUEUE_REFRESH_DELAY_MS);
    expect(stale(queueKeys.counts)).toBe(true);
    expect(stale(queueKeys.list('waiting'))).toBe(true);
    // The plain list is patched, not read again.
    expect(stale(threadKeys.all)).toBe(false);
    stop();
  });

  it('keeps how long a thread has waited, and starts the clock when it begins to wait', async () => {
    const { connection, listed, stop } = await setup();
    connection.deliver(frame({ ...ownershipEvents.status_changed, data: { status: 'waiting', previous: 'waiting', by: 'system' } }, 11));
    expect(listed(threadKeys.all).waiting_since).toBe(waitingThread.waiting_since);
    connection.deliver(
      frame({ ...ownershipEvents.status_changed, data: { status: 'resolved', previous: 'waiting', by: FIXTURE_SENDERS.alice } }, 12),
    );
    expect(listed(threadKeys.all)).toMatchObject({ status: 'resolved', waiting_since: null });
    const again = { ...ownershipEvents.status_changed, created_at: '2026-04-09T11:00:00.000Z' };
    connection.deliver(frame(again, 13));
    expect(listed(threadKeys.all)).toMatchObject({ status: 'waiting', waiting_since: '2026-04-09T11:00:00.000Z' });
    stop();
  });

  it('patches message previews into the queue lists as into the plain list', async () => {
    const { connection, listed, stop } = await setup();
    connection.deliver({
      type: 'thread_message',
      thread_id: waitingThread.id,
      data: { id: 'm11', thread_id: waitingThread.id, sender_id: FIXTURE_SENDERS.bob, content: 'any news?', role: 'user', thread_seq: 11 },
    });
    expect(listed(queueKeys.list('waiting')).last_message?.content).toBe('any news?');
    stop();
  });
});
