import { describe, expect, it } from 'vitest';
import { contractError, fakeFetch, json } from './fake-fetch.ts';
import { createInboxApi } from './inbox-api.ts';

const notification = {
  id: 'n1',
  kind: 'mention',
  thread_id: 't1',
  thread_seq: 7,
  title: 'Ben mentioned you',
  body: 'Can you look?',
  created_at: '2026-03-04T14:05:00.000Z',
  read_at: null,
};

function api(answer: () => Response) {
  const fake = fakeFetch(answer);
  const dropped: [string, string | null][] = [];
  const inbox = createInboxApi({
    serverUrl: '',
    getToken: () => 'jwt',
    fetch: fake.fetch,
    onInvalidItem: (kind, type) => dropped.push([kind, type]),
  });
  return { inbox, requests: fake.requests, dropped };
}

describe('the notification calls (CONTRACT §12)', () => {
  it('lists a page, keeping a kind it does not know and dropping (and telling) an item that fails its schema', async () => {
    const { inbox, requests, dropped } = api(() =>
      json({
        notifications: [notification, { ...notification, id: 'n2', kind: 'escalated' }, { id: 'n3', kind: 'mention', title: 5 }],
        next_cursor: '41',
        unread_count: 3,
      }),
    );
    const page = await inbox.listNotifications({ unread: true, cursor: '42', limit: 30 });
    expect(`${requests[0]!.method} ${requests[0]!.url.pathname}${requests[0]!.url.search}`).toBe(
      'GET /api/v1/me/notifications?unread=true&cursor=42&limit=30',
    );
    expect(page.notifications.map((item) => [item.id, item.kind])).toEqual([
      ['n1', 'mention'],
      ['n2', 'escalated'],
    ]);
    expect(page).toMatchObject({ next_cursor: '41', unread_count: 3 });
    expect(dropped).toEqual([['notification', 'mention']]);
  });

  it('marks ids or all read and resolves with the unread count; a refusal rejects', async () => {
    const ok = api(() => json({ unread_count: 2 }));
    expect(await ok.inbox.markNotificationsRead({ ids: ['n1'] })).toBe(2);
    expect(await ok.inbox.markNotificationsRead({ all: true })).toBe(2);
    expect(ok.requests.map((request) => request.body)).toEqual([{ ids: ['n1'] }, { all: true }]);
    const refused = api(() => contractError(400, 'client_error', 'Send {"ids": [...]} or {"all": true}.'));
    await expect(refused.inbox.markNotificationsRead({ ids: ['n1'] })).rejects.toMatchObject({ code: 'client_error' });
  });
});
