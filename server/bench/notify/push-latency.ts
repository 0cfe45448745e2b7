/**
 * Commit → push request sent, for `bench:notify` (issue 18: p95 ≤ 500 ms with 1,000 users
 * subscribed to one busy thread at 50 messages/s). The users, their private thread, their
 * settings (`message` on push) and one push subscription each are written straight into the
 * running server's database (there is no sign-up endpoint, and 1,000 REST logins would not
 * add to what is measured); then a demo user posts at a fixed rate through REST, spread over
 * the processes' ports: for `warmUpSeconds` first, not measured, then for `seconds`, measured.
 * The thread is busy when the measure starts, as the budget says: the first second of a server's
 * busy thread runs code not yet compiled (its first second pushed half as many a second as the
 * ones after), which is a process starting, not a thread being busy.
 *
 * A user has one unread `message` notification per thread, updated in place, with one queued
 * push that carries its newest content when sent: what the budget means is, for each committed
 * message and each user, the time until a push carrying that seq or a later one arrived at the
 * {@link ArrivalPushReceiver} (from the message's `created_at`, the commit, same machine clock).
 * Also: pushes per second, server CPU per push, repeats (a push carrying what that user's
 * previous one did), and whether every user's last push carries the thread's last seq.
 */
import { createECDH, randomBytes, randomUUID, type ECDH } from 'node:crypto';
import type http from 'node:http';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../src/core/protocol/notifications.ts';
import { openStorage } from '../../src/storage/open-storage.ts';
import { processCpuSeconds } from '../load/cpu-time.ts';
import { jsonRequest, sleep } from '../spawn-server.ts';
import { ArrivalPushReceiver } from './arrival-push-receiver.ts';

/** After the last message, how long without a new push ends the wait. */
const DRAIN_IDLE_MS = 5_000;
/** While the big thread is created: a read this often (see seedAudience). */
const HEARTBEAT_MS = 500;
/** The warm-up's push to every user may take this long at most. */
const WARM_UP_MAX_MS = 60_000;
/** After the warm-up's pushes, quiet this long before the measure. */
const WARM_UP_SETTLE_MS = 1_000;
/** How often the drain looks at the count. */
const DRAIN_CHECK_MS = 250;
/** The timeline's step (BENCH_NOTIFY_TIMELINE). */
const TIMELINE_STEP_MS = 100;

export interface PushLatencyOptions {
  agent: http.Agent;
  /** The server processes' ports; message i goes through ports[i % n]. */
  ports: readonly number[];
  /** Where the servers keep their data, to write the users into. */
  database: { databasePath: string; databaseUrl: string | null; dataKey: Buffer };
  users: number;
  messagesPerSecond: number;
  /** The same load before the measure, not measured (see the file's comment). */
  warmUpSeconds: number;
  seconds: number;
  /** The longest wait for the pushes after the last message. */
  drainMaxMs: number;
  /** The server processes, for their CPU time. */
  pids: readonly number[];
}

export interface PushLatencyResult {
  messages: number;
  /** (message, user) pairs: every user is to learn of every message. */
  expected: number;
  /** (message, user) pairs a push carrying that seq or a later one reached. */
  received: number;
  /** Push requests from the first measured message on. */
  pushes: number;
  /** Pushes that carried the same notification and seq as that user's previous one. */
  repeats: number;
  /** Users whose last push carries the thread's last seq (all of them, when nothing was lost). */
  usersUpToDate: number;
  users: number;
  /** Commit → arrival of the first push carrying that seq or a later one, per (message, user), sorted, in ms. */
  latencies: number[];
  /** Push requests per second from the first measured message to the last arrival. */
  pushesPerSecond: number;
  /** Push requests that had arrived by the time the last message was committed. */
  receivedWhileSending: number;
  /** From the first measured message to the end of the wait, in ms. */
  waitedMs: number;
  /** The servers' CPU time (all processes, all threads) per push request received, in µs. */
  cpuMicrosPerPush: number;
  /** The servers' CPU time over the whole measure, in seconds. */
  cpuSeconds: number;
  /**
   * Where the latency goes, in ms, sorted: how old the message a push carried was when it
   * arrived (every push but the ones carrying the last seq), and the time between a user's
   * push and their next one while messages kept coming. A (message, user) latency is about
   * the first plus part of the second.
   */
  contentAges: number[];
  gaps: number[];
  /** Per 100 ms from the first commit: pushes arrived, the range of seqs they carried (from 0), messages committed by its end. */
  timeline: { fromMs: number; pushes: number; seqs: [number, number]; committed: number }[];
}

type Session = { token: string; user: { id: string } };

/** Writes `count` users reading one private thread with `senderId`, push on for `message`, each subscribed. */
async function seedAudience(
  options: PushLatencyOptions,
  senderId: string,
  receiver: ArrivalPushReceiver,
): Promise<{ threadId: string; userIds: string[]; keys: { ecdh: ECDH; publicKey: Buffer; auth: Buffer }[] }> {
  const storage = await openStorage(options.database);
  try {
    // One browser key pair for every subscription: the receiver does not decrypt, the server encrypts to it.
    const browser = createECDH('prime256v1');
    browser.generateKeys();
    const publicKey = browser.getPublicKey();
    const p256dh = publicKey.toString('base64url');
    const keys: { ecdh: ECDH; publicKey: Buffer; auth: Buffer }[] = [];
    const settings = {
      ...DEFAULT_NOTIFICATION_SETTINGS,
      channels: { ...DEFAULT_NOTIFICATION_SETTINGS.channels, message: ['in_app', 'push'] },
    };
    const userIds: string[] = [];
    for (let i = 0; i < options.users; i++) {
      const id = randomUUID();
      await storage.users.create({ id, email: `${id}@bench.example`, name: `Reader ${i}`, avatarUrl: null, passwordHash: 'x' });
      await storage.notifications.saveSettings(id, settings as typeof DEFAULT_NOTIFICATION_SETTINGS);
      const auth = randomBytes(16);
      keys.push({ ecdh: browser, publicKey, auth });
      await storage.push.subscribe({ userId: id, endpoint: receiver.endpoint(i), p256dh, auth: auth.toString('base64url') });
      userIds.push(id);
    }
    // One thread of 1,001 participants is a long transaction on PostgreSQL: cheap reads beside
    // it keep the storage's stall deadline (no call answered for 3 s) from calling it an outage.
    const heartbeat = setInterval(() => void storage.users.get(senderId).catch(() => undefined), HEARTBEAT_MS);
    const { thread } = await storage.threads
      .create({
        kind: 'private',
        title: 'Busy thread',
        participationMode: 'open',
        participants: [
          { sender_id: `user:${senderId}`, name: 'Sender', avatar_url: null },
          ...userIds.map((id, i) => ({ sender_id: `user:${id}` as const, name: `Reader ${i}`, avatar_url: null })),
        ],
        extraAudience: [],
        createdBy: `user:${senderId}`,
        initialMessage: null,
      })
      .finally(() => clearInterval(heartbeat));
    return { threadId: thread.id, userIds, keys };
  } finally {
    await storage.close();
  }
}

/** Runs the load once and measures every push's commit → arrival. */
export async function measurePushLatency(options: PushLatencyOptions): Promise<PushLatencyResult> {
  const { agent, ports } = options;
  const receiver = await ArrivalPushReceiver.start();
  try {
    const login = await jsonRequest<Session>(agent, ports[0]!, 'POST', '/auth/login', null, {
      email: 'alice@example.com',
      password: 'password123',
    });
    if (login.status !== 200) throw new Error(`login answered ${login.status}`);
    const { threadId, keys } = await seedAudience(options, login.json.user.id, receiver);
    // A busy thread as it is once busy: one message first, pushed to everyone, not measured. The
    // servers learn of the thread written into the database by this message, so the rules go
    // through its thousand join events first (on PostgreSQL, across processes, that took most of
    // a second of the measure); the first push of a process also signs its VAPID header, starts
    // the encryption thread and opens the connections. Every user has an unread `message`
    // notification afterwards, as on a thread that is busy.
    const warmUp = await jsonRequest(agent, ports[0]!, 'POST', `/chat/threads/${threadId}/messages`, login.json.token, {
      content: 'Warm-up message (not measured)',
      client_message_id: randomUUID(),
    });
    if (warmUp.status !== 201) throw new Error(`the warm-up message answered ${warmUp.status}`);
    const warmUpStarted = Date.now();
    while (receiver.requests < options.users && Date.now() - warmUpStarted < WARM_UP_MAX_MS) await sleep(DRAIN_CHECK_MS);
    if (receiver.requests < options.users) throw new Error(`the warm-up reached ${receiver.requests} of ${options.users} users`);
    while (Date.now() - receiver.lastArrivalAt < WARM_UP_SETTLE_MS) await sleep(DRAIN_CHECK_MS);
    receiver.clear();

    const warm = Math.round(options.messagesPerSecond * options.warmUpSeconds);
    const total = Math.round(options.messagesPerSecond * options.seconds);
    const gapMs = 1000 / options.messagesPerSecond;
    const committed: { seq: number; at: number }[] = [];
    // Every message's commit, the warm-up's too: a push just after the measure starts may carry one of those.
    const committedAt = new Map<number, number>();
    const sends: Promise<void>[] = [];
    const serverCpu = () => options.pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
    let cpuBefore = serverCpu();
    let started = Date.now();
    let requestsBefore = 0;
    const load = Date.now();
    for (let i = 0; i < warm + total; i++) {
      // A fixed schedule (not one after the other): a slow answer does not slow the rate.
      const wait = load + i * gapMs - Date.now();
      if (wait > 0) await sleep(wait);
      const measured = i >= warm;
      if (i === warm) {
        started = Date.now();
        cpuBefore = serverCpu();
        requestsBefore = receiver.requests;
      }
      sends.push(
        jsonRequest<{ message: { thread_seq: number; created_at: string } }>(
          agent,
          ports[i % ports.length]!,
          'POST',
          `/chat/threads/${threadId}/messages`,
          login.json.token,
          { content: `Busy thread message ${i}: is the order on its way?`, client_message_id: randomUUID() },
        ).then(({ status, json }) => {
          if (status !== 201) throw new Error(`a message answered ${status}`);
          const at = Date.parse(json.message.created_at);
          committedAt.set(json.message.thread_seq, at);
          if (measured) committed.push({ seq: json.message.thread_seq, at });
        }),
      );
    }
    await Promise.all(sends);
    const receivedWhileSending = receiver.requests - requestsBefore;
    // Nobody is focused (no sockets) or has read: every user is pushed until their push carries the last seq.
    const expected = total * options.users;
    const drainStarted = Date.now();
    while (Date.now() - drainStarted < options.drainMaxMs) {
      // Nothing yet is not idle: the first round on a thousand readers may take a while.
      if (receiver.lastArrivalAt > 0 && Date.now() - Math.max(receiver.lastArrivalAt, drainStarted) > DRAIN_IDLE_MS) break;
      await sleep(DRAIN_CHECK_MS);
    }
    const cpuSeconds = serverCpu() - cpuBefore;
    const waitedMs = Date.now() - started;
    committed.sort((a, b) => a.seq - b.seq);
    const lastSeq = committed.at(-1)?.seq ?? 0;
    const latencies: number[] = [];
    let repeats = 0;
    let usersUpToDate = 0;
    const firstAt = committed[0]?.at ?? started;
    const firstSeq = committed[0]?.seq ?? 0;
    const contentAges: number[] = [];
    const gaps: number[] = [];
    const buckets = new Map<number, { pushes: number; seqs: [number, number] }>();
    for (let i = 0; i < options.users; i++) {
      const pushes = receiver.decoded(i, keys[i]!);
      pushes.forEach((push, k) => {
        // The warm-up's pushes only tell which message each user had last.
        if (push.at < started) return;
        const before = pushes[k - 1];
        if (before && before.notificationId === push.notificationId && before.seq === push.seq) repeats++;
        if (push.seq !== lastSeq) contentAges.push(push.at - (committedAt.get(push.seq) ?? push.at));
        if (before && before.at >= started && before.seq !== lastSeq) gaps.push(push.at - before.at);
        const index = Math.floor((push.at - firstAt) / TIMELINE_STEP_MS);
        const bucket = buckets.get(index) ?? { pushes: 0, seqs: [Infinity, -Infinity] };
        bucket.pushes++;
        bucket.seqs = [Math.min(bucket.seqs[0], push.seq - firstSeq), Math.max(bucket.seqs[1], push.seq - firstSeq)];
        buckets.set(index, bucket);
      });
      if (pushes.at(-1)?.seq === lastSeq) usersUpToDate++;
      // Each message: the first push (in arrival order) carrying its seq or a later one.
      let next = 0;
      for (const message of committed) {
        while (next < pushes.length && pushes[next]!.seq < message.seq) next++;
        if (next < pushes.length) latencies.push(pushes[next]!.at - message.at);
      }
    }
    latencies.sort((a, b) => a - b);
    contentAges.sort((a, b) => a - b);
    gaps.sort((a, b) => a - b);
    const timeline = [...buckets]
      .sort(([a], [b]) => a - b)
      .map(([index, bucket]) => ({
        fromMs: index * TIMELINE_STEP_MS,
        ...bucket,
        committed: committed.filter(({ at }) => at < firstAt + (index + 1) * TIMELINE_STEP_MS).length,
      }));
    return {
      messages: total,
      expected,
      received: latencies.length,
      pushes: receiver.requests - requestsBefore,
      repeats,
      usersUpToDate,
      users: options.users,
      latencies,
      pushesPerSecond: (receiver.requests - requestsBefore) / Math.max(0.001, (receiver.lastArrivalAt - started) / 1000),
      receivedWhileSending,
      waitedMs,
      cpuMicrosPerPush: (cpuSeconds * 1e6) / Math.max(1, receiver.requests - requestsBefore),
      cpuSeconds,
      contentAges,
      gaps,
      timeline,
    };
  } finally {
    await receiver.close();
  }
}

/**
 * p50/p95/p99 over every expected push, formatted: a push that never came within the wait is
 * later than all that did, so a percentile that falls on one reads "> <the wait so far>"
 * (percentiles of the arrived ones alone would flatter a backlog).
 */
export function latencySummary(
  sorted: number[],
  expected: number,
  waitedMs: number,
): { p50: string; p95: string; p99: string; p95Ms: number } {
  const at = (p: number) => sorted[Math.min(expected - 1, Math.floor((p / 100) * expected))];
  const ms = (p: number) => {
    const value = at(p);
    return value === undefined
      ? `> ${Math.round(waitedMs).toLocaleString('en')} ms (not arrived)`
      : `${Math.round(value).toLocaleString('en')} ms`;
  };
  return { p50: ms(50), p95: ms(95), p99: ms(99), p95Ms: at(95) ?? Infinity };
}
