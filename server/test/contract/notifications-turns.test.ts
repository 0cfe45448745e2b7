import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../src/core/protocol/notifications.ts';
import type { DeliverableNotification, DeliveryOutcome, EmailChannel, PushChannel } from '../../src/notifications/delivery-channels.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { NOTIFY_TIMEOUT_MS, waitForNotification } from '../support/notifications.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { waitFor } from '../support/webhook-receiver.ts';

type Session = { token: string; user: { id: string; name: string } };

/** Calls held until released: a channel's sends that do not end by themselves. */
class Held {
  private readonly held: (() => void)[] = [];

  protected hold(): Promise<void> {
    return new Promise((resolve) => this.held.push(resolve));
  }

  releaseAll(): void {
    for (const release of this.held.splice(0)) release();
  }
}

/** A push channel that records what it was handed (user, seq, title) and holds each push until released. */
class HeldPush extends Held implements PushChannel {
  readonly handed: { userId: string; seq: number; title: string }[] = [];

  async deliver(item: DeliverableNotification): Promise<DeliveryOutcome> {
    this.handed.push({ userId: item.userId, seq: item.notification.thread_seq, title: item.notification.title });
    await this.hold();
    return 'sent';
  }
}

/**
 * Deliveries take turns (issue 18: commit → push on a busy thread): at most so many users are
 * delivered to at once, and a user reads their notification when their turn comes, so one
 * whose turn comes after newer messages is pushed the newest, not what was newest when the
 * round began. Here one user at a time: Bob's push of the first message is in flight while the
 * second is committed; Carol, waiting her turn meanwhile, is pushed the second only. Before
 * the turns, both read the first message at once, and Carol got it a whole round late.
 * SQLite and PostgreSQL.
 */
describeEachStorage('notifications: deliveries take turns, each reading the newest when its turn comes', (storageEnv) => {
  let dir: string;
  let server: TestServer | undefined;
  let push: HeldPush;
  let alice: Session;
  let bob: Session;
  let carol: Session;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-notify-turns-'));
    push = new HeldPush();
    server = await startTestServer(
      { DATABASE_PATH: join(dir, 'db.sqlite'), ...(await storageEnv()), DEMO_DATA: 'true' },
      { notificationChannels: { push }, deliveryTurns: { slots: 1, group: 1 } },
    );
    alice = (await server.login('alice@example.com')) as Session;
    bob = (await server.addUser('Bob')) as Session;
    carol = (await server.addUser('Carol')) as Session;
    const channels = { ...DEFAULT_NOTIFICATION_SETTINGS.channels, message: ['in_app', 'push'] };
    for (const who of [bob, carol]) {
      const saved = await api(server, 'PUT', '/me/notification-settings', {
        token: who.token,
        body: { ...DEFAULT_NOTIFICATION_SETTINGS, channels },
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    }
  });
  afterAll(async () => {
    push?.releaseAll();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (threadId: string, content: string) => {
    const response = await api(server!, 'POST', `/chat/threads/${threadId}/messages`, { token: alice.token, body: sendBody(content) });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.message.thread_seq as number;
  };

  it('the one whose turn comes after a newer message is pushed that one; the one in flight is pushed it next; nothing twice', async () => {
    const thread = await createThread(server!, alice.token, { target_user_ids: [bob.user.id, carol.user.id], title: 'Turns' });
    const first = await send(thread.id, 'one');
    await waitFor('a push in flight', () => push.handed.length === 1, NOTIFY_TIMEOUT_MS);
    const [inFlight] = push.handed;
    expect(inFlight!.seq).toBe(first);
    const waiting = inFlight!.userId === bob.user.id ? carol : bob;

    const second = await send(thread.id, 'two');
    await waitForNotification(server!, waiting.token, thread.id, second);
    // Still one at a time: the other waits for the slot.
    expect(push.handed).toHaveLength(1);

    // Each release lets the next turn in: the waiting user's, then the one in flight's again (woken by the second message).
    await waitFor(
      'both pushed the second message',
      () => {
        push.releaseAll();
        return push.handed.filter((item) => item.seq === second).length === 2;
      },
      NOTIFY_TIMEOUT_MS,
    );
    push.releaseAll();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    push.releaseAll();
    const byUser = (userId: string) => push.handed.filter((item) => item.userId === userId).map(({ seq, title }) => ({ seq, title }));
    expect(byUser(inFlight!.userId)).toEqual([
      { seq: first, title: 'New message from Alice' },
      { seq: second, title: '2 new messages from Alice' },
    ]);
    expect(byUser(waiting.user.id)).toEqual([{ seq: second, title: '2 new messages from Alice' }]);
  });
});

/** An email channel whose sends hang until released (a slow mail server). */
class HangingEmail extends Held implements EmailChannel {
  readonly started: string[] = [];

  async deliver(user: { id: string }): Promise<DeliveryOutcome> {
    this.started.push(user.id);
    await this.hold();
    return 'sent';
  }
}

/** Email goes after the turn: a mail server that does not answer holds up nobody's pushes. SQLite and PostgreSQL. */
describeEachStorage('notifications: an email being sent holds no turn at pushing', (storageEnv) => {
  let dir: string;
  let server: TestServer | undefined;
  const pushed: { userId: string; seq: number }[] = [];
  const email = new HangingEmail();
  const push: PushChannel = {
    deliver: async (item) => {
      pushed.push({ userId: item.userId, seq: item.notification.thread_seq });
      return 'sent';
    },
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-notify-turns-email-'));
    server = await startTestServer(
      { DATABASE_PATH: join(dir, 'db.sqlite'), ...(await storageEnv()), DEMO_DATA: 'true', EMAIL_DELAY_MS: '0' },
      { notificationChannels: { push, email }, deliveryTurns: { slots: 1, group: 1 } },
    );
  });
  afterAll(async () => {
    email.releaseAll();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("Carol is pushed while Bob's email hangs, with one turn for everyone", async () => {
    const alice = (await server!.login('alice@example.com')) as Session;
    const bob = (await server!.addUser('Bob')) as Session;
    const carol = (await server!.addUser('Carol')) as Session;
    // Bob hears of mentions by email only, Carol of messages by push.
    const bobs = {
      ...DEFAULT_NOTIFICATION_SETTINGS,
      channels: { ...DEFAULT_NOTIFICATION_SETTINGS.channels, mention: ['in_app', 'email'] },
    };
    const carols = {
      ...DEFAULT_NOTIFICATION_SETTINGS,
      channels: { ...DEFAULT_NOTIFICATION_SETTINGS.channels, message: ['in_app', 'push'] },
    };
    for (const [who, body] of [
      [bob, bobs],
      [carol, carols],
    ] as const) {
      const saved = await api(server!, 'PUT', '/me/notification-settings', { token: who.token, body });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    }
    const toBob = await createThread(server!, alice.token, { target_user_ids: [bob.user.id], title: 'Mail' });
    const first = await api(server!, 'POST', `/chat/threads/${toBob.id}/messages`, {
      token: alice.token,
      body: { ...sendBody('for Bob'), mentions: [`user:${bob.user.id}`] },
    });
    expect(first.status).toBe(201);
    await waitFor("Bob's email being sent", () => email.started.includes(bob.user.id), NOTIFY_TIMEOUT_MS);

    const toCarol = await createThread(server!, alice.token, { target_user_ids: [carol.user.id], title: 'Push' });
    const second = await api(server!, 'POST', `/chat/threads/${toCarol.id}/messages`, { token: alice.token, body: sendBody('for Carol') });
    expect(second.status).toBe(201);
    await waitFor("Carol's push", () => pushed.some((item) => item.userId === carol.user.id), NOTIFY_TIMEOUT_MS);
    expect(pushed).toEqual([{ userId: carol.user.id, seq: second.body.message.thread_seq }]);
    // Bob's email is still being sent.
    expect(email.started).toEqual([bob.user.id]);
  });
});
