import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FRAME_BURST,
  FRAME_DROPS_BEFORE_CLOSE,
  FRAME_NOTICE_INTERVAL_MS,
  FRAME_REFILL_PER_SECOND,
} from '../../src/realtime/frame-limiter.ts';
import { TYPING_THROTTLE_MS } from '../../src/realtime/typing-tracker.ts';
import { natsUrl } from '../support/nats.ts';
import { startTestCluster, type TestCluster } from '../support/test-cluster.ts';
import { api, createThread, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { openVisitorSocket, publicCall, startVisitor } from '../support/visitors.ts';

/** Frames in the flood: typing started, focus, typing stopped, unfocus, over and over. */
const FLOOD_FRAMES = 1_000;

const floodFrame = (threadId: string, index: number) =>
  [
    { type: 'typing', data: { thread_id: threadId, status: 'started' } },
    { type: 'focus_thread', data: { thread_id: threadId } },
    { type: 'typing', data: { thread_id: threadId, status: 'stopped' } },
    { type: 'unfocus_thread', data: { thread_id: threadId } },
  ][index % 4];

/**
 * Sends `send_message` until it is acknowledged: a frame the limit dropped is answered with
 * `rate_limited` and its `client_message_id`, and is sent again after `retry_after_ms`.
 */
async function sendUntilAcked(socket: TestSocket, threadId: string, content: string): Promise<{ thread_seq: number }> {
  const clientMessageId = randomUUID();
  for (;;) {
    const seen = socket.frames.length;
    socket.send({ type: 'send_message', data: { thread_id: threadId, content, client_message_id: clientMessageId } });
    const answer = await socket.next(
      (frame) =>
        socket.frames.indexOf(frame) >= seen &&
        ['message_ack', 'error'].includes(frame.type) &&
        frame.data.client_message_id === clientMessageId,
      5_000,
      'the answer to send_message',
    );
    if (answer.type === 'message_ack') return answer.data.message;
    expect(answer.data).toMatchObject({ code: 'rate_limited', retryable: true });
    await new Promise((resolve) => setTimeout(resolve, answer.data.retry_after_ms));
  }
}

/** Floods from `sender` in `threadId`; returns what `owner` got from it until the sender's next message. */
async function flood(sender: TestSocket, owner: TestSocket, threadId: string, senderId: string) {
  const started = Date.now();
  for (let index = 0; index < FLOOD_FRAMES; index++) sender.send(floodFrame(threadId, index));
  const content = `after the flood ${randomUUID()}`;
  const message = await sendUntilAcked(sender, threadId, content);
  await owner.next((frame) => frame.type === 'thread_message' && frame.data.content === content, 5_000, 'the message after the flood');
  const elapsedMs = Date.now() - started;
  const upTo = owner.frames.findIndex((frame) => frame.type === 'thread_message' && frame.data.content === content);
  const received = owner.frames
    .slice(0, upTo)
    .filter(
      (frame) =>
        ['thread_typing', 'thread_presence'].includes(frame.type) && frame.thread_id === threadId && frame.data.sender_id === senderId,
    );
  const typing = received.filter((frame) => frame.type === 'thread_typing').length;
  const notices = sender.ofType('error').filter((frame) => frame.data.client_message_id === undefined);
  // What the frame limit lets through in that time, and what the typing throttle forwards.
  const admittedBound = FRAME_BURST + Math.ceil((elapsedMs / 1000) * FRAME_REFILL_PER_SECOND);
  const typingBound = 2 * (Math.floor(elapsedMs / TYPING_THROTTLE_MS) + 1);
  return { received: received.length, typing, notices, admittedBound, typingBound, elapsedMs, message };
}

/**
 * Flooding the owner with alternating typing and presence frames (issue 15, item 9): from
 * the outside, with real sockets. The bounds are the throttle's and the frame limit's
 * arithmetic over the time the flood took (measured, not asserted).
 */
describe('a flood of alternating typing and presence frames', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('from a visitor: the owner gets at most what the limits allow, the visitor is told once, stays connected and its message commits', async () => {
    const visitor = await startVisitor(server);
    const alice = await server.login('alice@example.com');
    const owner = TestSocket.open(userSocketUrl(server.wsUrl, alice.token));
    await owner.ready();
    const sender = openVisitorSocket(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token });
    await sender.ready();

    const result = await flood(sender, owner, visitor.thread_id, visitor.sender_id);
    expect(result.received).toBeLessThanOrEqual(result.admittedBound);
    expect(result.typing).toBeLessThanOrEqual(result.typingBound);
    expect(result.notices.length).toBeGreaterThanOrEqual(1);
    expect(result.notices.length).toBeLessThanOrEqual(1 + Math.floor(result.elapsedMs / FRAME_NOTICE_INTERVAL_MS));
    expect(result.notices[0].data).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(result.notices[0].data.retry_after_ms).toBeGreaterThan(0);
    expect(sender.isOpen).toBe(true);

    const events = await publicCall(server, 'GET', `${visitor.thread_id}/events?last_thread_seq=${result.message.thread_seq - 1}&limit=1`, {
      token: visitor.visitor_token,
    });
    expect(events.body.events.map((event: { event_type: string; thread_seq: number }) => [event.event_type, event.thread_seq])).toEqual([
      ['message_committed', result.message.thread_seq],
    ]);
    await Promise.all([sender.close(), owner.close()]);
  });

  it('from a user: the same holds on the user socket', async () => {
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    const owner = TestSocket.open(userSocketUrl(server.wsUrl, alice.token));
    const sender = TestSocket.open(userSocketUrl(server.wsUrl, bob.token));
    await Promise.all([owner.ready(), sender.ready()]);

    const result = await flood(sender, owner, thread.id, `user:${bob.user.id}`);
    expect(result.received).toBeLessThanOrEqual(result.admittedBound);
    expect(result.typing).toBeLessThanOrEqual(result.typingBound);
    expect(result.notices.length).toBeGreaterThanOrEqual(1);
    expect(sender.isOpen).toBe(true);
    const events = await api(server, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=${result.message.thread_seq - 1}&limit=1`, {
      token: bob.token,
    });
    expect(events.body.events[0]).toMatchObject({ event_type: 'message_committed', thread_seq: result.message.thread_seq });
    await Promise.all([sender.close(), owner.close()]);
  });

  it('a flood that goes on is closed with 1013 after a rate_limited error', async () => {
    const bob = await server.login('bob@example.com');
    const sender = TestSocket.open(userSocketUrl(server.wsUrl, bob.token));
    await sender.ready();
    for (let index = 0; index < FRAME_BURST + FRAME_DROPS_BEFORE_CLOSE + 500; index++) sender.send({ type: 'ping' });
    const closed = await sender.closed;
    expect(closed).toEqual({ code: 1013, reason: 'Too many frames.' });
    const errors = sender.ofType('error');
    expect(errors.at(-1).data).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(errors.at(-1).data.message).toMatch(/^Too many frames; this connection is closed\. Reconnect in \d+ s\.$/);
  });
});

describe.runIf(natsUrl)('a flood of alternating typing and presence frames across processes over NATS', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster(natsUrl!, 2);
  });
  afterAll(() => cluster.close());

  it('from a user on one process: the owner on another gets at most what the limits allow', async () => {
    const [one, two] = cluster.servers as [TestServer, TestServer];
    const alice = await two.login('alice@example.com');
    const bob = await one.login('bob@example.com');
    const thread = await createThread(one, alice.token, { target_user_ids: [bob.user.id] });
    const owner = TestSocket.open(userSocketUrl(two.wsUrl, alice.token));
    const sender = TestSocket.open(userSocketUrl(one.wsUrl, bob.token));
    await Promise.all([owner.ready(), sender.ready()]);

    const result = await flood(sender, owner, thread.id, `user:${bob.user.id}`);
    expect(result.received).toBeLessThanOrEqual(result.admittedBound);
    expect(result.typing).toBeLessThanOrEqual(result.typingBound);
    expect(sender.isOpen).toBe(true);
    await Promise.all([sender.close(), owner.close()]);
  });
});
