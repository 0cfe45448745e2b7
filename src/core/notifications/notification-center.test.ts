import { describe, expect, it } from 'vitest';
import { contractError, fakeFetch, json, type RecordedRequest } from '../api/fake-fetch.ts';
import { createInboxApi } from '../api/inbox-api.ts';
import type { InboundNotification } from '../protocol/server-frame-schemas.ts';
import { FakeConnection } from '../testing/fake-connection.ts';
import { FakeTabHub } from '../testing/fake-tabs.ts';
import { NotificationCenter } from './notification-center.ts';

const note = (id: number, readAt: string | null = null): InboundNotification => ({
  id: `n${id}`,
  kind: 'message',
  thread_id: 't1',
  thread_seq: id,
  title: `Ben wrote in Order ${id}`,
  body: `Message ${id}`,
  created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString(),
  read_at: readAt,
});

/** A server holding `notes` (newest last); reads are refused while `refuse` is set. */
function server(notes: InboundNotification[]) {
  const state = { notes, refuse: false };
  const unread = () => state.notes.filter((item) => item.read_at === null);
  const handler = (request: RecordedRequest) => {
    const path = request.url.pathname.replace('/api/v1', '');
    if (request.method === 'GET' && path === '/me/notifications') {
      const list = request.url.searchParams.get('unread') === 'true' ? unread() : state.notes;
      return json({ notifications: [...list].reverse(), next_cursor: null, unread_count: unread().length });
    }
    if (request.method === 'POST' && path === '/me/notifications/read') {
      if (state.refuse) return contractError(503, 'upstream_error', 'The database is restarting.', true);
      const body = request.body as { ids?: string[]; all?: boolean };
      state.notes = state.notes.map((item) =>
        body.all || body.ids?.includes(item.id) ? { ...item, read_at: item.read_at ?? 'now' } : item,
      );
      return json({ unread_count: unread().length });
    }
    return contractError(404, 'not_found', 'No such route.');
  };
  return { state, handler };
}

function tab(hub: FakeTabHub | null, handler: (request: RecordedRequest) => Response, name: string) {
  const fake = fakeFetch(handler);
  const api = createInboxApi({ serverUrl: '', getToken: () => 'jwt', fetch: fake.fetch });
  const connection = new FakeConnection();
  const center = new NotificationCenter({ api, connection, hub: hub?.tabHub(name) ?? null });
  return { center, connection, requests: fake.requests };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('NotificationCenter', () => {
  it('fetches the unread count at start, raises it for each new frame, and asks again after a reconnect', async () => {
    const backend = server([note(1), note(2, 'read')]);
    const { center, connection, requests } = tab(null, backend.handler, 'a');
    center.start();
    connection.open();
    await settle();
    expect(center.getSnapshot().unreadCount).toBe(1);
    // At start, and again when the socket is up (what was made before it opened is never sent on it).
    expect(requests.map((request) => request.url.search)).toEqual(['?unread=true&limit=30', '?unread=true&limit=30']);

    const arrived: string[] = [];
    center.onArrived((notification) => arrived.push(notification.id));
    connection.deliver({ type: 'notification', data: note(3) });
    connection.deliver({ type: 'notification', data: note(3) });
    expect(center.getSnapshot().unreadCount).toBe(2);
    expect(arrived).toEqual(['n3']);

    // Frames lost in a gap: the server has three unread by the time the socket is back.
    backend.state.notes.push(note(3), note(4));
    connection.drop();
    connection.open();
    await settle();
    expect(requests).toHaveLength(3);
    expect(center.getSnapshot().unreadCount).toBe(3);
  });

  it('marks read at once, and undoes it (count and list) when the server refuses', async () => {
    const backend = server([note(1), note(2)]);
    const { center, connection } = tab(null, backend.handler, 'a');
    center.start();
    connection.open();
    await center.load('all');
    expect(center.getSnapshot().unreadCount).toBe(2);
    backend.state.refuse = true;
    const reading = center.markRead(['n2']);
    expect(center.getSnapshot().unreadCount).toBe(1);
    expect(center.getSnapshot().items.find((item) => item.id === 'n2')?.read_at).not.toBeNull();
    const error = await reading;
    expect(error).toBeTruthy();
    expect(center.getSnapshot().unreadCount).toBe(2);
    expect(center.getSnapshot().items.map((item) => item.read_at)).toEqual([null, null]);
  });

  it("tells the user's other tabs a read the server took: their count and list agree", async () => {
    const hub = new FakeTabHub();
    const backend = server([note(1), note(2), note(3)]);
    const a = tab(hub, backend.handler, 'a');
    const b = tab(hub, backend.handler, 'b');
    for (const { center, connection } of [a, b]) {
      center.start();
      connection.open();
    }
    await b.center.load('all');
    await settle();
    expect(b.center.getSnapshot().unreadCount).toBe(3);

    expect(await a.center.markRead(['n3'])).toBeNull();
    await hub.flush();
    expect(b.center.getSnapshot().unreadCount).toBe(2);
    expect(b.center.getSnapshot().items.find((item) => item.id === 'n3')?.read_at).not.toBeNull();

    expect(await a.center.markAllRead()).toBeNull();
    await hub.flush();
    expect(b.center.getSnapshot().unreadCount).toBe(0);
    expect(b.center.getSnapshot().items.every((item) => item.read_at !== null)).toBe(true);
  });

  it('an answer for a filter no longer shown does not replace the list', async () => {
    const backend = server([note(1), note(2, 'read')]);
    const { center } = tab(null, backend.handler, 'a');
    const all = center.load('all');
    const unread = center.load('unread');
    await Promise.all([all, unread]);
    expect(center.getSnapshot().filter).toBe('unread');
    expect(center.getSnapshot().items.map((item) => item.id)).toEqual(['n1']);
  });
});
