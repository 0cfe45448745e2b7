import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { natsUrl } from '../support/nats.ts';
import { startTestCluster, type TestCluster } from '../support/test-cluster.ts';
import { api, createThread, sendBody, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';

type Session = { token: string; user: { id: string } };

/** One letter per runtime event type, in the contract's order (CONTRACT §6). */
const RUNTIME_LETTERS: Record<string, string> = {
  queued: 'Q',
  agent_decisions: 'D',
  run_started: 'S',
  typing: 'T',
  text_delta: 'x',
  reply_committed: 'R',
  run_finished: 'F',
  intake_completed: 'C',
};

/** The users of one thread who send its 200 messages, 50 each. */
const SENDERS = 4;
const MESSAGES_PER_SENDER = 50;

/** A minimal SSE reader: the `id:` values seen so far, and a wait for one of them. */
async function openSse(server: TestServer, threadId: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/api/v1/chat/threads/${threadId}/events/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const ids: number[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const until = async (seq: number) => {
    while (!ids.includes(seq)) {
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no id ${seq} on the stream; got ${ids.join(', ')}`)), 5_000).unref(),
      );
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) throw new Error(`stream ended before id ${seq}`);
      text += decoder.decode(value, { stream: true });
      ids.splice(0, ids.length, ...[...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1])));
    }
  };
  return { ids, until, text: () => text, close: () => controller.abort() };
}

/**
 * Live frames across server processes over a real nats-server (issue 10): three apps, each
 * with its own NATS connection, share one storage, so what is tested is the hub alone.
 */
describe.runIf(natsUrl)('fan-out across processes over NATS', () => {
  let cluster: TestCluster;
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  const sockets = new SocketTracker();

  const connect = async (server: TestServer, session: Session) => {
    const socket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, session.token)));
    await socket.ready();
    return socket;
  };
  const messagesOf = (socket: TestSocket, threadId: string) =>
    socket.frames.filter((frame) => frame.type === 'thread_message' && frame.thread_id === threadId);

  beforeAll(async () => {
    cluster = await startTestCluster(natsUrl!, 3);
    [a, b, c] = cluster.servers as [TestServer, TestServer, TestServer];
  });
  afterEach(() => sockets.closeAll());
  afterAll(() => cluster?.close());

  it('gives a socket on A a message posted through REST on B, once, with its seq', async () => {
    const alice = await b.addUser('Alice');
    const bob = await a.addUser('Bob');
    const thread = await createThread(b, alice.token, { target_user_ids: [bob.user.id] });
    const bobSocket = await connect(a, bob);
    const sent = await api(b, 'POST', `/chat/threads/${thread.id}/messages`, { token: alice.token, body: sendBody('across') });
    expect(sent.status).toBe(201);
    const frame = await bobSocket.next((f) => f.type === 'thread_message' && f.data.content === 'across', 5_000, 'the message');
    expect(frame).toEqual({ type: 'thread_message', thread_id: thread.id, data: sent.body.message });
    expect(frame.data.thread_seq).toBe(thread.last_seq + 1);

    // A later message from A itself is the barrier: the first one came exactly once.
    const barrier = await api(a, 'POST', `/chat/threads/${thread.id}/messages`, { token: bob.token, body: sendBody('barrier') });
    await bobSocket.next((f) => f.type === 'thread_message' && f.data.content === 'barrier', 5_000, 'the barrier');
    expect(messagesOf(bobSocket, thread.id).map((f) => f.data.thread_seq)).toEqual([thread.last_seq + 1, barrier.body.message.thread_seq]);
  });

  it('delivers a thread of 200 messages, sent from every process at once, to every socket on every process once each', async () => {
    const users = await Promise.all(Array.from({ length: SENDERS }, (_, index) => a.addUser(`Sender${index}`)));
    const [first, ...others] = users;
    if (!first) throw new Error('no senders');
    const thread = await createThread(a, first.token, { target_user_ids: others.map((user) => user.user.id) });
    // Every user has a socket on every process.
    const all = await Promise.all(cluster.servers.flatMap((server) => users.map((user) => connect(server, user))));

    const servers = cluster.servers;
    const sends = users.flatMap((user, userIndex) =>
      Array.from({ length: MESSAGES_PER_SENDER }, (_, index) => {
        const server = servers[(userIndex + index) % servers.length]!;
        return api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: user.token, body: sendBody(`m${userIndex}-${index}`) });
      }),
    );
    const results = await Promise.all(sends);
    expect(results.map((result) => result.status)).toEqual(results.map(() => 201));
    const total = SENDERS * MESSAGES_PER_SENDER;
    const expected = Array.from({ length: total }, (_, index) => thread.last_seq + 1 + index);
    expect(results.map((result) => result.body.message.thread_seq).sort((x, y) => x - y)).toEqual(expected);

    for (const socket of all) {
      await socket.next(() => messagesOf(socket, thread.id).length >= total, 20_000, `${total} messages`);
    }
    // A barrier from each process: whatever a process sent before it has arrived.
    for (const server of servers) {
      const marker = `barrier ${randomUUID()}`;
      await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: first.token, body: sendBody(marker) });
      await Promise.all(all.map((socket) => socket.next((f) => f.type === 'thread_message' && f.data.content === marker, 5_000, marker)));
    }
    for (const socket of all) {
      const seqs = messagesOf(socket, thread.id)
        .map((frame) => frame.data.thread_seq as number)
        .filter((seq) => seq <= expected.at(-1)!);
      expect(seqs.sort((x, y) => x - y)).toEqual(expected);
    }
  });

  it("echoes thread_read to the user's sockets on the other processes", async () => {
    const alice = await a.addUser('Reader');
    const bob = await a.addUser('Writer');
    const thread = await createThread(a, bob.token, { target_user_ids: [alice.user.id], initial_message: 'read me' });
    const onB = await connect(b, alice);
    const onC = await connect(c, alice);
    const read = await api(a, 'POST', `/chat/threads/${thread.id}/read`, { token: alice.token, body: { seq: thread.last_seq } });
    expect(read.status).toBe(200);
    for (const socket of [onB, onC]) {
      const frame = await socket.next((f) => f.type === 'thread_read' && f.thread_id === thread.id, 5_000, 'thread_read');
      expect(frame).toEqual({ type: 'thread_read', thread_id: thread.id, data: { read_seq: thread.last_seq } });
    }
  });

  it('subscribes a socket on A to a thread created on B (addUserToThread reaches every process)', async () => {
    const carol = await a.addUser('Carol');
    const dave = await b.addUser('Dave');
    const carolSocket = await connect(a, carol);
    const thread = await createThread(b, dave.token, { target_user_ids: [carol.user.id] });
    await carolSocket.next(
      (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.thread_seq === thread.last_seq,
      5_000,
      'the new thread',
    );
    await api(c, 'POST', `/chat/threads/${thread.id}/messages`, { token: dave.token, body: sendBody('hi Carol') });
    const frame = await carolSocket.next((f) => f.type === 'thread_message' && f.thread_id === thread.id, 5_000, 'the message');
    expect(frame.data).toMatchObject({ content: 'hi Carol', thread_seq: thread.last_seq + 1 });
  });

  it('streams committed events to an SSE reader (agent token) on another process', async () => {
    const alice = await a.login('alice@example.com');
    const bob = await a.login('bob@example.com');
    const issued = await api(a, 'POST', '/agents/demo/tokens', { token: alice.token });
    expect(issued.status).toBe(201);
    const thread = await createThread(a, issued.body.token, { target_user_ids: [bob.user.id] });
    const stream = await openSse(c, thread.id, issued.body.token);
    const { ids, until } = stream;
    await until(thread.last_seq);
    const sent = await api(b, 'POST', `/chat/threads/${thread.id}/messages`, { token: bob.token, body: sendBody('for the agent') });
    await until(sent.body.message.thread_seq);
    stream.close();
    // The demo agent may answer meanwhile: the stream is dense and in order up to the message.
    const seq = sent.body.message.thread_seq as number;
    expect(ids.filter((id) => id <= seq)).toEqual(Array.from({ length: seq }, (_, index) => index + 1));
    expect(stream.text()).toContain('"content":"for the agent"');
  });
  it("streams a demo-agent run on B to a socket on A in the contract's runtime order", async () => {
    const alice = await a.login('alice@example.com');
    const agents = await api(a, 'GET', '/agents', { token: alice.token });
    const demo = agents.body.agents.find((agent: { slug: string }) => agent.slug === 'demo');
    const thread = await createThread(b, alice.token, { target_user_ids: [], agent_ids: [demo.id] });
    const onA = await connect(a, alice);
    const sent = await api(b, 'POST', `/chat/threads/${thread.id}/messages`, { token: alice.token, body: sendBody('hello agent') });
    expect(sent.status).toBe(201);
    const end = await onA.next(
      (f) => f.type === 'thread_runtime' && f.data.in_reply_to === sent.body.message.id && f.data.event_type === 'intake_completed',
      10_000,
      'the end of the run',
    );
    const types = onA.frames
      .filter((f) => f.type === 'thread_runtime' && f.data.run_id === end.data.run_id)
      .map((f) => f.data.event_type as string);
    const letters = types.map((type) => RUNTIME_LETTERS[type] ?? '?').join('');
    expect(letters, types.join(' → ')).toMatch(/^QDSTx+RFC$/);
    const reply = onA.frames.find((f) => f.type === 'thread_message' && f.thread_id === thread.id && f.data.sender_id === demo.sender_id);
    expect(reply.data.thread_seq).toBe(sent.body.message.thread_seq + 1);
  });

  it("keeps an SSE stream dense and in order when a thread's events arrive out of order from two processes", async () => {
    const bob = await a.login('bob@example.com');
    const carol = await a.addUser('Carol');
    const thread = await createThread(a, bob.token, { target_user_ids: [carol.user.id] });
    const stream = await openSse(c, thread.id, bob.token);
    await stream.until(thread.last_seq);
    // Two commits whose fan-out is done by hand: the later one from B first, the earlier one from A after.
    const commit = (content: string) =>
      cluster.storage.log.commitMessage({
        threadId: thread.id,
        senderId: `user:${bob.user.id}`,
        role: 'user',
        content,
        clientMessageId: randomUUID(),
        mentions: [],
        baseSeq: null,
        latestSeenSeq: null,
      });
    const first = await commit('first');
    const second = await commit('second');
    if (first.status !== 'created' || second.status !== 'created') throw new Error('commits failed');
    const record = (await cluster.storage.threads.get(thread.id))!;
    b.app.context.threads.publishCommitted(record, second.event, second.message);
    await stream.until(second.event.thread_seq);
    a.app.context.threads.publishCommitted(record, first.event, first.message);
    // A later message from A: the earlier event has passed by then.
    const last = await api(a, 'POST', `/chat/threads/${thread.id}/messages`, { token: bob.token, body: sendBody('last') });
    await stream.until(last.body.message.thread_seq);
    stream.close();
    expect(stream.ids).toEqual(Array.from({ length: last.body.message.thread_seq }, (_, index) => index + 1));
  });
});
