import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contractError, fakeFetch, json, type RecordedRequest } from '../core/api/fake-fetch.ts';
import { createInboxApi } from '../core/api/inbox-api.ts';
import { NotificationCenter } from '../core/notifications/notification-center.ts';
import type { InboundNotification } from '../core/protocol/server-frame-schemas.ts';
import { FakeConnection } from '../core/testing/fake-connection.ts';
import { NotificationBell } from './notification-bell.tsx';
import { installModalDialogs } from '../ui/testing/modal-dialogs.ts';

beforeEach(() => {
  installModalDialogs();
});
afterEach(cleanup);

const note = (id: number, readAt: string | null = null, kind = 'mention'): InboundNotification => ({
  id: `n${id}`,
  kind,
  thread_id: `thread-${id}`,
  thread_seq: 10 + id,
  title: `Ben mentioned you ${id}`,
  body: `Can you look at order ${id}?`,
  created_at: new Date(Date.now() - id * 60_000).toISOString(),
  read_at: readAt,
});

/** The bell over the real inbox API on a fake fetch; `answer` may replace any response. */
function renderBell(notes: InboundNotification[], answer?: (request: RecordedRequest) => Response | null) {
  const unread = () => notes.filter((item) => item.read_at === null);
  const fake = fakeFetch((request) => {
    const replaced = answer?.(request);
    if (replaced) return replaced;
    if (request.method === 'POST') return json({ unread_count: 0 });
    const list = request.url.searchParams.get('unread') === 'true' ? unread() : notes;
    return json({ notifications: list, next_cursor: null, unread_count: unread().length });
  });
  const api = createInboxApi({ serverUrl: '', getToken: () => 'jwt', fetch: fake.fetch });
  const connection = new FakeConnection();
  const center = new NotificationCenter({ api, connection, hub: null });
  center.start();
  const onOpen = vi.fn();
  render(<NotificationBell center={center} onOpen={onOpen} />);
  return { center, connection, onOpen, requests: fake.requests };
}

/** Lets the fake fetch answer and the lazy panel load. */
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 20)));

async function openPanel() {
  fireEvent.click(screen.getByRole('button', { name: /^Notifications/ }));
  return screen.findByRole('dialog', { name: 'Notifications' });
}

describe('NotificationBell and its panel', () => {
  it('names the unread count, and raises it for each new notification on the socket', async () => {
    const { connection } = renderBell([note(1), note(2, 'read')]);
    await settle();
    const bell = screen.getByRole('button', { name: 'Notifications, 1 unread' });
    expect(within(bell).getByText('1')).toBeTruthy();
    act(() => connection.deliver({ type: 'notification', data: note(3) }));
    act(() => connection.deliver({ type: 'notification', data: note(3) }));
    expect(screen.getByRole('button', { name: 'Notifications, 2 unread' })).toBeTruthy();
  });

  it('lists newest first with the kind in words and "Unread" said, and opens one at its event, marking it read', async () => {
    const { onOpen, requests } = renderBell([note(1), note(2, 'read')]);
    await settle();
    const panel = await openPanel();
    await settle();
    expect(document.activeElement).toBe(within(panel).getByRole('heading', { name: 'Notifications' }));
    const items = within(panel).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      'UnreadMentioned you1 minute agoBen mentioned you 1Can you look at order 1?',
      'Mentioned you2 minutes agoBen mentioned you 2Can you look at order 2?',
    ]);
    fireEvent.click(within(items[0]!).getByRole('button'));
    expect(onOpen).toHaveBeenCalledWith('thread-1', 11);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('button', { name: 'Notifications' })).toBeTruthy();
    await settle();
    const read = requests.find((request) => request.method === 'POST');
    expect(read?.body).toEqual({ ids: ['n1'] });
  });

  it('says when there are none, and when the list failed, with a retry that lists them', async () => {
    let fail = true;
    renderBell([note(1)], (request) =>
      request.method === 'GET' && request.url.searchParams.get('unread') !== 'true' && fail
        ? contractError(503, 'upstream_error', 'The database is restarting.', true)
        : null,
    );
    await settle();
    const panel = await openPanel();
    await settle();
    expect(within(panel).getByRole('alert').textContent).toContain('Notifications could not be loaded');
    fail = false;
    fireEvent.click(within(panel).getByRole('button', { name: 'Try again' }));
    await settle();
    expect(within(panel).getAllByRole('listitem')).toHaveLength(1);
    fireEvent.click(within(panel).getByLabelText('Unread only'));
    await settle();
    expect(within(panel).getAllByRole('listitem')).toHaveLength(1);
  });

  it('shows "No notifications yet" for none', async () => {
    renderBell([]);
    await settle();
    const panel = await openPanel();
    await settle();
    expect(within(panel).getByText('No notifications yet')).toBeTruthy();
    expect(within(panel).getByRole('button', { name: 'Mark all as read' }).hasAttribute('disabled')).toBe(true);
  });

  it('"Mark all as read" shows them read at once, and undoes it with a message when the server refuses', async () => {
    renderBell([note(1), note(2)], (request) =>
      request.method === 'POST' ? contractError(503, 'upstream_error', 'The database is restarting.', true) : null,
    );
    await settle();
    const panel = await openPanel();
    await settle();
    fireEvent.click(within(panel).getByRole('button', { name: 'Mark all as read' }));
    expect(screen.getByRole('button', { name: 'Notifications' })).toBeTruthy();
    expect(within(panel).queryAllByText('Unread')).toHaveLength(0);
    await settle();
    expect(screen.getByRole('button', { name: 'Notifications, 2 unread' })).toBeTruthy();
    expect(within(panel).getAllByText('Unread')).toHaveLength(2);
    expect(within(panel).getByRole('alert').textContent).toContain('They could not be marked as read');
  });

  it('puts a notification arriving while open at the top without moving focus, and announces it once', async () => {
    const { connection } = renderBell([note(2)]);
    await settle();
    const panel = await openPanel();
    await settle();
    const first = within(panel).getAllByRole('button', { name: /Ben mentioned you 2/ })[0]!;
    first.focus();
    act(() => connection.deliver({ type: 'notification', data: { ...note(1), created_at: new Date().toISOString() } }));
    act(() => connection.deliver({ type: 'notification', data: { ...note(1), created_at: new Date().toISOString() } }));
    const items = within(panel).getAllByRole('listitem');
    expect(items[0]!.textContent).toContain('Ben mentioned you 1');
    expect(document.activeElement).toBe(first);
    expect(within(panel).getByRole('status').textContent).toBe('New notification: Ben mentioned you 1');
  });
});
