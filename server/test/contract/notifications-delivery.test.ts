import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../src/core/protocol/notifications.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { NOTIFY_TIMEOUT_MS, RecordingEmail, RecordingPush, removeAccess, waitForNotification } from '../support/notifications.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { waitFor } from '../support/webhook-receiver.ts';

type Session = { token: string; user: { id: string; name: string; email: string } };

/** 23:30 in Berlin (UTC+1 in December): inside quiet hours 22:00–07:00. */
const LATE_EVENING = '2026-12-06T22:30:00.000Z';
/** 07:00 in Berlin the next morning: the quiet hours are over. */
const NEXT_MORNING = '2026-12-07T06:00:00.000Z';
/** The email delay of these tests: the queued emails fall due by the next morning. */
const EMAIL_DELAY_MS = 60_000;
const JWT_SECRET = 'notifications-delivery-test-secret';
/** Short, so that the hold of a process stopped mid-delivery runs out within the test. */
const SHORT_LEASE_MS = '1000';

/**
 * The delivery queue (CONTRACT §12) on one process at a time, with in-test push and email
 * channels that record what they are handed (the seam of delivery-channels.ts). Delays and
 * quiet hours are judged by a fixed notification clock (`NOTIFY_CLOCK`): the server is
 * restarted on the same storage with a later clock instead of waiting. On SQLite and PostgreSQL.
 */
describeEachStorage('notifications: the delivery queue', (storageEnv) => {
  let dir: string;
  let storage: NodeJS.ProcessEnv;
  let server: TestServer | undefined;
  let push: RecordingPush;
  let email: RecordingEmail;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-notify-delivery-'));
    storage = { ...(await storageEnv()) };
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A server on this suite's storage (one SQLite file or PostgreSQL database for all its tests). */
  const start = async (env: NodeJS.ProcessEnv = {}) => {
    push = new RecordingPush();
    email = new RecordingEmail();
    server = await startTestServer(
      { DATABASE_PATH: join(dir, 'db.sqlite'), ...storage, DEMO_DATA: 'true', JWT_SECRET, NOTIFY_RETRY_BASE_MS: '20', ...env },
      { notificationChannels: { push, email } },
    );
    return server;
  };
  const people = async (s: TestServer) => {
    const alice = (await s.login('alice@example.com')) as Session;
    const bob = (await s.addUser('Bob')) as Session;
    const carol = (await s.addUser('Carol')) as Session;
    return { alice, bob, carol };
  };
  const send = async (s: TestServer, who: Session, threadId: string, content: string, mentions: Session[] = []) => {
    const response = await api(s, 'POST', `/chat/threads/${threadId}/messages`, {
      token: who.token,
      body: { ...sendBody(content), mentions: mentions.map((m) => `user:${m.user.id}`) },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.message.thread_seq as number;
  };
  const pushedTo = (user: Session) => push.handed.filter((item) => item.userId === user.user.id);
  /** Emails to these people (the suite's storage may hold earlier tests' emails, which fall due under a later clock). */
  const emailsTo = (...who: Session[]) => email.sent.filter((sent) => who.some((person) => person.user.id === sent.user.id));

  it('push: each notification of a kind with push, at once, one by one in order; a kind without push is not pushed', async () => {
    const s = await start();
    const { alice, bob, carol } = await people(s);
    const thread = await createThread(s, alice.token, { target_user_ids: [bob.user.id, carol.user.id], title: 'Order' });
    const seqs: number[] = [];
    for (let i = 1; i <= 4; i++) seqs.push(await send(s, alice, thread.id, `ping ${i}`, [bob]));
    await waitFor('four pushes to Bob', () => pushedTo(bob).length === 4, NOTIFY_TIMEOUT_MS);
    expect(pushedTo(bob).map((item) => [item.notification.kind, item.notification.thread_seq, item.notification.body])).toEqual(
      seqs.map((seq, i) => ['mention', seq, `ping ${i + 1}`]),
    );
    const listed = await waitForNotification(s, bob.token, thread.id, seqs[3]!);
    expect(pushedTo(bob)[3]).toEqual({ userId: bob.user.id, notification: listed.notifications.find((n) => n.thread_seq === seqs[3]) });
    // Carol's `message` is in the app only (the default): never pushed, never emailed.
    await waitForNotification(s, carol.token, thread.id, seqs[3]!);
    expect(pushedTo(carol)).toEqual([]);
  });

  it('a push channel that answers retry is tried again with backoff, and what comes after waits its turn', async () => {
    const s = await start();
    const { alice, bob } = await people(s);
    push.answers = ['retry', 'retry'];
    const thread = await createThread(s, alice.token, { target_user_ids: [bob.user.id], title: 'Retry' });
    const first = await send(s, alice, thread.id, 'first', [bob]);
    const second = await send(s, alice, thread.id, 'second', [bob]);
    await waitFor('both pushed', () => pushedTo(bob).length === 4, NOTIFY_TIMEOUT_MS);
    expect(pushedTo(bob).map((item) => item.notification.thread_seq)).toEqual([first, first, first, second]);
  });

  it('a push channel that never answers does not hold the shutdown; the delivery stays queued for the next process', async () => {
    const s = await start({ NOTIFY_LEASE_MS: SHORT_LEASE_MS });
    const { alice, bob } = await people(s);
    let handed = 0;
    push.deliver = () => {
      handed++;
      return new Promise(() => undefined);
    };
    const thread = await createThread(s, alice.token, { target_user_ids: [bob.user.id], title: 'Hanging' });
    const seq = await send(s, alice, thread.id, 'are you there?', [bob]);
    await waitFor('the push in flight', () => handed === 1, NOTIFY_TIMEOUT_MS);
    await s.close();
    server = undefined;
    const again = await start({ NOTIFY_LEASE_MS: SHORT_LEASE_MS });
    await waitFor('the push after the restart', () => pushedTo(bob).length === 1, NOTIFY_TIMEOUT_MS * 3);
    expect(pushedTo(bob)[0]!.notification.thread_seq).toBe(seq);
    // The channel is handed the item before the queue ends it: wait for the end, not just the hand-over.
    await waitFor(
      'the delivery ended',
      async () => (await again.app.context.storage.notifications.queued(bob.user.id, 'push', 10)).length === 0,
      NOTIFY_TIMEOUT_MS,
    );
  });

  it('nothing is pushed for a thread the user focuses when it is due', async () => {
    const s = await start();
    const { alice, bob } = await people(s);
    const focused = await createThread(s, alice.token, { target_user_ids: [bob.user.id], title: 'Focused' });
    const other = await createThread(s, alice.token, { target_user_ids: [bob.user.id], title: 'Elsewhere' });
    const aliceSocket = TestSocket.open(userSocketUrl(s.wsUrl, alice.token));
    const bobSocket = TestSocket.open(userSocketUrl(s.wsUrl, bob.token));
    try {
      await Promise.all([aliceSocket.ready(), bobSocket.ready()]);
      bobSocket.send({ type: 'focus_thread', data: { thread_id: focused.id } });
      await aliceSocket.next((f) => f.type === 'thread_presence' && f.thread_id === focused.id, 5_000, "Bob's focus");
      await send(s, alice, focused.id, 'you are looking at this', [bob]);
      const marker = await send(s, alice, other.id, 'and this you are not', [bob]);
      await waitFor(
        'the push of the other thread',
        () => pushedTo(bob).some((item) => item.notification.thread_id === other.id),
        NOTIFY_TIMEOUT_MS,
      );
      expect(pushedTo(bob).map((item) => [item.notification.thread_id, item.notification.thread_seq])).toEqual([[other.id, marker]]);
    } finally {
      await Promise.all([aliceSocket.close(), bobSocket.close()]);
    }
  });

  it('email waits its delay, skips what was read meanwhile, and goes out as one digest; quiet hours hold push until they end', async () => {
    const late = await start({ NOTIFY_CLOCK: LATE_EVENING, EMAIL_DELAY_MS: String(EMAIL_DELAY_MS) });
    const { alice, bob, carol } = await people(late);
    // Dave, like Carol, is in quiet hours, and no longer reads the thread by the morning.
    const dave = (await late.addUser('Dave')) as Session;
    const quiet = { ...DEFAULT_NOTIFICATION_SETTINGS, quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Europe/Berlin' } };
    for (const who of [carol, dave]) {
      expect((await api(late, 'PUT', '/me/notification-settings', { token: who.token, body: quiet })).status).toBe(200);
    }
    const thread = await createThread(late, alice.token, { target_user_ids: [bob.user.id, carol.user.id, dave.user.id], title: 'Digest' });
    const seqs: number[] = [];
    for (const text of ['one', 'two', 'three']) seqs.push(await send(late, alice, thread.id, text, [bob, carol, dave]));
    // Bob has no quiet hours: pushed at once. Carol's push waits for the morning.
    await waitFor('three pushes to Bob', () => pushedTo(bob).length === 3, NOTIFY_TIMEOUT_MS);
    const store = late.app.context.storage.notifications;
    await waitFor(
      "Carol's pushes held until 07:00 in Berlin",
      async () => (await store.queued(carol.user.id, 'push', 10)).every((d) => d.dueAt === Date.parse(NEXT_MORNING)),
      NOTIFY_TIMEOUT_MS,
    );
    expect((await store.queued(carol.user.id, 'push', 10)).map((d) => d.item.notification.thread_seq)).toEqual(seqs);
    expect(pushedTo(carol)).toEqual([]);
    // The emails wait their delay from the clock of when they were made.
    const bobsEmails = await store.queued(bob.user.id, 'email', 10);
    expect(bobsEmails.map((d) => [d.item.notification.thread_seq, d.dueAt])).toEqual(
      seqs.map((seq) => [seq, Date.parse(LATE_EVENING) + EMAIL_DELAY_MS]),
    );
    expect(emailsTo(bob, carol)).toEqual([]);
    await waitFor("Dave's pushes queued", async () => (await store.queued(dave.user.id, 'push', 10)).length === 3, NOTIFY_TIMEOUT_MS);
    // Bob reads the first two meanwhile; Dave is taken out of the thread.
    expect((await api(late, 'POST', `/chat/threads/${thread.id}/read`, { token: bob.token, body: { seq: seqs[1] } })).status).toBe(200);
    await removeAccess(late, thread.id, dave.user.id);
    await late.close();
    server = undefined;

    const morning = await start({ NOTIFY_CLOCK: NEXT_MORNING, EMAIL_DELAY_MS: String(EMAIL_DELAY_MS) });
    await waitFor(
      'the emails and the held pushes',
      () => emailsTo(bob, carol).length === 2 && pushedTo(carol).length === 3,
      NOTIFY_TIMEOUT_MS,
    );
    expect(
      emailsTo(bob, carol)
        .map((sent) => sent.user.id)
        .sort(),
    ).toEqual([bob.user.id, carol.user.id].sort());
    const toBob = email.sent.find((sent) => sent.user.id === bob.user.id)!;
    expect(toBob.user).toEqual({ id: bob.user.id, name: 'Bob', email: bob.user.email, language: 'en' });
    expect(toBob.items.map((item) => item.notification.thread_seq)).toEqual([seqs[2]]);
    const toCarol = email.sent.find((sent) => sent.user.id === carol.user.id)!;
    expect(toCarol.items.map((item) => [item.notification.kind, item.notification.thread_seq])).toEqual(
      seqs.map((seq) => ['mention', seq]),
    );
    expect(pushedTo(carol).map((item) => item.notification.thread_seq)).toEqual(seqs);
    const after = morning.app.context.storage.notifications;
    await waitFor("Bob's email ended", async () => (await after.queued(bob.user.id, 'email', 10)).length === 0, NOTIFY_TIMEOUT_MS);
    // Nothing for Dave, who can no longer read the thread: his deliveries were dropped, not sent.
    await waitFor(
      "Dave's deliveries ended",
      async () => (await after.queued(dave.user.id, 'push', 10)).length + (await after.queued(dave.user.id, 'email', 10)).length === 0,
      NOTIFY_TIMEOUT_MS,
    );
    expect(pushedTo(dave)).toEqual([]);
    expect(emailsTo(dave)).toEqual([]);
  });
});
