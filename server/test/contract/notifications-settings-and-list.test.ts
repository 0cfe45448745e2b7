import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../src/core/protocol/notifications.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { notificationsOf, waitForNotification } from '../support/notifications.ts';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';

type Session = { token: string; user: { id: string } };

/**
 * `GET`/`PUT /me/notification-settings` (validated whole, defaults from the contract) and the
 * in-app list (`GET /me/notifications`: newest first, keyset cursor, `unread=true`,
 * `unread_count`; `POST /me/notifications/read` with ids or all). On SQLite and PostgreSQL.
 */
describeEachStorage('notifications: settings and the in-app list', (storageEnv) => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;

  beforeAll(async () => {
    server = await startTestServer({ ...(await storageEnv()), DEMO_DATA: 'true' });
    ({ alice } = await demoWorld(server));
    bob = await server.addUser('Bert');
  });
  afterAll(async () => {
    await server?.close();
  });

  const put = (body: unknown, token = bob.token) => api(server, 'PUT', '/me/notification-settings', { token, body });

  it('a user who never chose has the defaults; a whole, valid change is kept and read back', async () => {
    const first = await api(server, 'GET', '/me/notification-settings', { token: bob.token });
    expect(first.status).toBe(200);
    expect(first.body).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
    const chosen = {
      channels: {
        mention: ['push', 'in_app'],
        assigned: [],
        waiting: ['email'],
        approval_pending: ['in_app'],
        message: ['in_app', 'push'],
      },
      email_delay_minutes: 0,
      quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Europe/Berlin' },
      language: 'de',
    };
    const saved = await put(chosen);
    expect(saved.status).toBe(200);
    // Channels come back in the contract's order.
    const expected = { ...chosen, channels: { ...chosen.channels, mention: ['in_app', 'push'] } };
    expect(saved.body).toEqual(expected);
    expect((await api(server, 'GET', '/me/notification-settings', { token: bob.token })).body).toEqual(expected);
    expect((await put(DEFAULT_NOTIFICATION_SETTINGS)).status).toBe(200);
  });

  it.each([
    [
      'an unknown kind',
      { channels: { ...DEFAULT_NOTIFICATION_SETTINGS.channels, digest: ['email'] } },
      'Unknown notification kind "digest"; the kinds are mention, assigned, waiting, approval_pending, message.',
    ],
    [
      'an unknown channel',
      { channels: { ...DEFAULT_NOTIFICATION_SETTINGS.channels, mention: ['sms'] } },
      'Unknown channel "sms" in channels.mention; the channels are in_app, push, email.',
    ],
    ['a kind left out', { channels: { mention: ['in_app'] } }, 'channels.assigned must be a list of channels (in_app, push, email).'],
    [
      'email on every message',
      { channels: { ...DEFAULT_NOTIFICATION_SETTINGS.channels, message: ['in_app', 'email'] } },
      'Email is not offered for every message: channels.message may hold in_app and push only.',
    ],
    ['a delay over a day', { email_delay_minutes: 1441 }, 'email_delay_minutes must be a whole number from 0 to 1440.'],
    ['a negative delay', { email_delay_minutes: -1 }, 'email_delay_minutes must be a whole number from 0 to 1440.'],
    [
      'a time that is not HH:MM',
      { quiet_hours: { start: '7:00', end: '22:00', time_zone: 'Europe/Berlin' } },
      'quiet_hours.start must be a time as HH:MM (00:00 to 23:59).',
    ],
    [
      'an hour past 23',
      { quiet_hours: { start: '22:00', end: '24:00', time_zone: 'Europe/Berlin' } },
      'quiet_hours.end must be a time as HH:MM (00:00 to 23:59).',
    ],
    [
      'a made-up time zone',
      { quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Europe/Atlantis' } },
      'quiet_hours.time_zone must be an IANA time zone, such as Europe/Berlin.',
    ],
    ['a language the inbox does not have', { language: 'fr' }, 'language must be one of en, de.'],
    ['an unknown setting', { sound: true }, 'Unknown setting "sound".'],
  ])('%s is 400 with words that say what to fix, and nothing changes', async (_name, change, message) => {
    const response = await put({ ...DEFAULT_NOTIFICATION_SETTINGS, ...change });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'client_error', message, retryable: false } });
    expect((await api(server, 'GET', '/me/notification-settings', { token: bob.token })).body).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
  });

  it('without a token, 401', async () => {
    expect((await api(server, 'GET', '/me/notifications')).status).toBe(401);
    expect((await api(server, 'PUT', '/me/notification-settings', { body: DEFAULT_NOTIFICATION_SETTINGS })).status).toBe(401);
  });

  it('lists newest first page by page, counts and filters unread, marks ids and then all read', async () => {
    // Five threads, a message each: a user has one unread `message` notification per thread (see the collapse tests).
    for (let i = 1; i <= 5; i++) {
      const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id], title: `Paging ${i}` });
      const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: alice.token, body: sendBody(`message ${i}`) });
      await waitForNotification(server, bob.token, thread.id, sent.body.message.thread_seq);
    }

    const first = await notificationsOf(server, bob.token, '?limit=2');
    expect(first.notifications.map((n) => n.body)).toEqual(['message 5', 'message 4']);
    expect(first.unread_count).toBe(5);
    const second = await notificationsOf(server, bob.token, `?limit=2&cursor=${first.next_cursor}`);
    expect(second.notifications.map((n) => n.body)).toEqual(['message 3', 'message 2']);
    const third = await notificationsOf(server, bob.token, `?limit=2&cursor=${second.next_cursor}`);
    expect(third.notifications.map((n) => n.body)).toEqual(['message 1']);
    expect(third.next_cursor).toBeNull();

    const read = await api(server, 'POST', '/me/notifications/read', {
      token: bob.token,
      body: { ids: [first.notifications[0]!.id, second.notifications[1]!.id] },
    });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ unread_count: 3 });
    const unread = await notificationsOf(server, bob.token, '?unread=true');
    expect(unread.notifications.map((n) => n.body)).toEqual(['message 4', 'message 3', 'message 1']);
    expect((await notificationsOf(server, bob.token)).notifications.find((n) => n.body === 'message 5')!.read_at).toEqual(
      expect.any(String),
    );

    // Someone else's ids change nothing of theirs.
    expect(
      (await api(server, 'POST', '/me/notifications/read', { token: alice.token, body: { ids: unread.notifications.map((n) => n.id) } }))
        .status,
    ).toBe(200);
    expect((await notificationsOf(server, bob.token)).unread_count).toBe(3);

    const all = await api(server, 'POST', '/me/notifications/read', { token: bob.token, body: { all: true } });
    expect(all.body).toEqual({ unread_count: 0 });
    expect((await notificationsOf(server, bob.token, '?unread=true')).notifications).toEqual([]);
  });

  it.each([
    ['nothing', {}],
    ['an empty list', { ids: [] }],
    ['both', { ids: ['x'], all: true }],
    ['all: false', { all: false }],
  ])('marking read with %s is 400', async (_name, body) => {
    const response = await api(server, 'POST', '/me/notifications/read', { token: bob.token, body });
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      code: 'client_error',
      message: 'Send {"ids": [1 to 500 notification ids]} or {"all": true}.',
      retryable: false,
    });
  });

  it('a cursor the server did not give out is 400', async () => {
    const response = await api(server, 'GET', '/me/notifications?cursor=abc', { token: bob.token });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('client_error');
  });
});
