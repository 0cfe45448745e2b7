import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../src/core/protocol/notifications.ts';
import type { DeliverableNotification, DeliveryOutcome, PushChannel } from '../../src/notifications/delivery-channels.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { NOTIFY_TIMEOUT_MS, notificationsOf, waitForNotification } from '../support/notifications.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { waitFor } from '../support/webhook-receiver.ts';

type Session = { token: string; user: { id: string; name: string } };

/** A push channel that records what it was handed, as it was at send time; a closed gate holds the push in flight. */
class GatedPush implements PushChannel {
  readonly handed: { threadId: string; id: string; seq: number; title: string }[] = [];
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;

  close(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = null;
  }

  async deliver(item: DeliverableNotification): Promise<DeliveryOutcome> {
    const { thread_id: threadId, id, thread_seq: seq, title } = item.notification;
    this.handed.push({ threadId, id, seq, title });
    if (this.gate) await this.gate;
    return 'sent';
  }
}

/**
 * A busy thread (issue 18's budgets, CONTRACT §12): a user has one unread `message`
 * notification per thread, updated in place as messages arrive (same id, newest seq, title
 * and body, counted title, at the top), and sent to their socket again with that id; once
 * read, the next message makes a new one; other kinds stay one per (user, kind, seq). A
 * queued push of it is reused: what is sent is its newest content, and one that was being
 * sent while newer messages joined is followed by one push of the newest. SQLite and PostgreSQL.
 */
describeEachStorage('notifications: a busy thread (one unread message notification per thread)', (storageEnv) => {
  let dir: string;
  let server: TestServer | undefined;
  let push: GatedPush;
  let alice: Session;
  let bob: Session;
  let carol: Session;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-notify-collapse-'));
    push = new GatedPush();
    server = await startTestServer(
      { DATABASE_PATH: join(dir, 'db.sqlite'), ...(await storageEnv()), DEMO_DATA: 'true' },
      { notificationChannels: { push } },
    );
    alice = (await server.login('alice@example.com')) as Session;
    bob = (await server.addUser('Bob')) as Session;
    carol = (await server.addUser('Carol')) as Session;
    // Bob wants pushes for messages too (the default keeps them in the app).
    const channels = { ...DEFAULT_NOTIFICATION_SETTINGS.channels, message: ['in_app', 'push'] };
    const saved = await api(server, 'PUT', '/me/notification-settings', {
      token: bob.token,
      body: { ...DEFAULT_NOTIFICATION_SETTINGS, channels },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  });
  afterEach(() => push.release());
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (who: Session, threadId: string, content: string, mentions: Session[] = []) => {
    const response = await api(server!, 'POST', `/chat/threads/${threadId}/messages`, {
      token: who.token,
      body: { ...sendBody(content), mentions: mentions.map((m) => `user:${m.user.id}`) },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.message.thread_seq as number;
  };
  const ofThread = async (who: Session, threadId: string, query = '?limit=100') =>
    (await notificationsOf(server!, who.token, query)).notifications.filter((n) => n.thread_id === threadId);

  it('two messages: one unread notification with the newest seq and "2 new messages", listed once, at the top; its frame sent twice with the same id', async () => {
    const quiet = await createThread(server!, alice.token, { target_user_ids: [bob.user.id], title: 'Quiet' });
    const busy = await createThread(server!, alice.token, { target_user_ids: [bob.user.id], title: 'Busy' });
    const socket = TestSocket.open(userSocketUrl(server!.wsUrl, bob.token));
    await socket.ready();
    const first = await send(alice, busy.id, 'first');
    await waitForNotification(server!, bob.token, busy.id, first);
    const other = await send(alice, quiet.id, 'elsewhere');
    await waitForNotification(server!, bob.token, quiet.id, other);
    const second = await send(alice, busy.id, 'second');
    const list = await waitForNotification(server!, bob.token, busy.id, second);

    const mine = list.notifications.filter((n) => n.thread_id === busy.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      kind: 'message',
      thread_seq: second,
      title: '2 new messages from Alice',
      body: 'second',
      read_at: null,
      count: 2,
    });
    // At the top, above the quiet thread's newer notification.
    expect(list.notifications[0]!.id).toBe(mine[0]!.id);
    expect(list.notifications[1]).toMatchObject({ thread_id: quiet.id, thread_seq: other });
    expect(list.unread_count).toBe(2);
    expect((await notificationsOf(server!, bob.token, '?unread=true')).notifications.filter((n) => n.thread_id === busy.id)).toHaveLength(
      1,
    );

    const frames = () =>
      socket
        .ofType('notification')
        .map((f: { data: { id: string; thread_id: string; thread_seq: number; title: string } }) => f.data)
        .filter((n: { thread_id: string }) => n.thread_id === busy.id);
    await waitFor('both frames', () => frames().length >= 2, NOTIFY_TIMEOUT_MS);
    expect(frames().map((n: { id: string; thread_seq: number; title: string }) => [n.id, n.thread_seq, n.title])).toEqual([
      [mine[0]!.id, first, 'New message from Alice'],
      [mine[0]!.id, second, '2 new messages from Alice'],
    ]);
    await socket.close();
  });

  it('several senders: "… in <thread>"; once read, the next message makes a new notification; a mention in the same thread stays separate', async () => {
    const thread = await createThread(server!, alice.token, { target_user_ids: [bob.user.id, carol.user.id], title: 'Plans' });
    await send(alice, thread.id, 'one');
    const byCarol = await send(carol, thread.id, 'two');
    await waitForNotification(server!, bob.token, thread.id, byCarol);
    const [joined] = await ofThread(bob, thread.id);
    expect(joined).toMatchObject({ kind: 'message', thread_seq: byCarol, title: '2 new messages in Plans', body: 'two' });

    const read = await api(server!, 'POST', '/me/notifications/read', { token: bob.token, body: { ids: [joined!.id] } });
    expect(read.status).toBe(200);
    const after = await send(alice, thread.id, 'three');
    const mention = await send(alice, thread.id, 'four, Bob', [bob]);
    await waitForNotification(server!, bob.token, thread.id, mention);
    const listed = await ofThread(bob, thread.id);
    expect(listed.map((n) => [n.kind, n.thread_seq, n.title, n.read_at === null])).toEqual([
      ['mention', mention, 'Alice mentioned you', true],
      ['message', after, 'New message from Alice', true],
      ['message', byCarol, '2 new messages in Plans', false],
    ]);
    expect(listed[1]!.id).not.toBe(joined!.id);
  });

  it('a queued push is reused: one being sent when newer messages arrive is followed by one push of the newest, never the same twice', async () => {
    const thread = await createThread(server!, alice.token, { target_user_ids: [bob.user.id], title: 'Pushes' });
    const pushed = () => push.handed.filter((item) => item.id === pushedId);
    let pushedId = '';
    push.close();
    const first = await send(alice, thread.id, 'one');
    const ofThread = (item: { threadId: string; seq: number }) => item.threadId === thread.id && item.seq === first;
    await waitFor('the first push in flight', () => push.handed.some(ofThread), NOTIFY_TIMEOUT_MS);
    pushedId = push.handed.find(ofThread)!.id;
    // While it is being sent, two more messages join the same notification (and its one queued push).
    await send(alice, thread.id, 'two');
    const third = await send(alice, thread.id, 'three');
    await waitForNotification(server!, bob.token, thread.id, third);
    push.release();
    await waitFor('the newest pushed', () => pushed().some((item) => item.seq === third), NOTIFY_TIMEOUT_MS);
    // Nothing else is queued for Bob: a poll (every second) would find it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(pushed()).toEqual([
      { threadId: thread.id, id: pushedId, seq: first, title: 'New message from Alice' },
      { threadId: thread.id, id: pushedId, seq: third, title: '3 new messages from Alice' },
    ]);
  });
});
