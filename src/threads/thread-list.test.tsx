import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contractError, json } from '../core/api/fake-fetch.ts';
import { fixtureThread } from '../core/protocol/fixtures.ts';
import {
  fixtureThreadCounts,
  fixtureThreadWithoutOwnership,
  fixtureWaitingThread,
  ownershipEvents,
} from '../core/protocol/ownership-fixtures.ts';
import { renderInInbox } from '../ownership/render-in-inbox.tsx';
import { useOwnershipSync } from '../queues/use-ownership-sync.ts';
import { ThreadList } from './thread-list.tsx';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const MINUTE = 60_000;
const NOW = Date.parse('2026-04-09T12:00:00.000Z');
const waitingFor = (minutes: number, id: string, title: string) => ({
  ...fixtureWaitingThread,
  id,
  title,
  waiting_since: new Date(NOW - minutes * MINUTE).toISOString(),
});
const older = waitingFor(30, '00000000-0000-4000-8000-000000000001', 'Refund please');
const newer = waitingFor(4, '00000000-0000-4000-8000-000000000002', 'Where is my order');
/** Ben owns the agent but takes no part in the thread: his name comes from the directory. */
const BEN = 'user:0000000b-0000-4000-8000-00000000000b';
const users = [{ id: BEN.slice('user:'.length), name: 'Ben', email: 'ben@example.com', avatar_url: null }];

function List() {
  useOwnershipSync();
  return <ThreadList selectedId={null} onSelect={() => undefined} onNewThread={() => undefined} />;
}

describe('ThreadList queues (CONTRACT §11)', () => {
  it('shows the queues with live counts; Waiting lists the longest waiting first, with how long, assignee and paused agent', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    let counts = fixtureThreadCounts;
    let waitingList = [newer, { ...older, assignee_id: BEN, agent_paused: true }];
    const { asked, connection } = renderInInbox(<List />, (request) => {
      const path = request.url.pathname.replace('/api/v1', '');
      if (path === '/chat/threads/counts') return json(counts);
      if (path === '/users') return json({ users });
      if (path === '/chat/threads' && request.url.searchParams.get('status') === 'waiting')
        return json({ threads: waitingList, next_cursor: null });
      if (path === '/chat/threads') return json({ threads: [{ ...fixtureThread, status: 'open' }], next_cursor: null });
      return contractError(404, 'not_found', path);
    });
    const queues = await screen.findByRole('group', { name: 'Queues' });
    const waiting = await within(queues).findByRole('button', { name: 'Waiting, 3 threads' });
    expect(within(queues).getByRole('button', { name: 'All' }).getAttribute('aria-pressed')).toBe('true');
    expect(within(queues).getByRole('button', { name: 'Resolved, 12 threads' })).toBeDefined();

    fireEvent.click(waiting);
    expect(waiting.getAttribute('aria-pressed')).toBe('true');
    await screen.findByText('Refund please');
    await screen.findByText('Assigned to Ben');
    const [first, second] = screen.getAllByRole('listitem');
    expect(first!.textContent).toContain('Refund please');
    expect(first!.textContent).toContain('waiting 30 min');
    expect(first!.textContent).toContain('Assigned to Ben');
    expect(first!.textContent).toContain('Agent paused');
    expect(second!.textContent).toContain('waiting 4 min');
    expect(asked()).toContain('GET /chat/threads?status=waiting&limit=50');

    // Alice takes the newer one over: it leaves Waiting at once, and the counts are read again.
    counts = { ...fixtureThreadCounts, waiting: 2, mine: 3 };
    waitingList = waitingList.slice(1);
    act(() => connection.deliver({ type: 'thread_event', thread_id: newer.id, data: { ...ownershipEvents.handoff, thread_id: newer.id } }));
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(1));
    expect(await within(queues).findByRole('button', { name: 'Waiting, 2 threads' })).toBeDefined();
    expect(within(queues).getByRole('button', { name: 'Mine, 3 threads' })).toBeDefined();
  });

  it('shows no queues and no marks on a server without ownership', async () => {
    const { asked } = renderInInbox(<List />, (request) => {
      const path = request.url.pathname.replace('/api/v1', '');
      if (path === '/chat/threads') return json({ threads: [fixtureThreadWithoutOwnership], next_cursor: null });
      return new Response('Not Found', { status: 404 });
    });
    expect(await screen.findByText('Order 42')).toBeDefined();
    await waitFor(() => expect(asked()).toContain('GET /chat/threads/counts'));
    expect(screen.queryByRole('group', { name: 'Queues' })).toBeNull();
    expect(screen.queryByTestId('ownership-marks')).toBeNull();
  });
});
