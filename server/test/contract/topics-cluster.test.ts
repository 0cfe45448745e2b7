import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemoData } from '../../src/storage/seed-demo-data.ts';
import { clusterAvailable, signIn, startCluster, type Cluster, type Session } from '../support/cluster.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { api, sendBody } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';

/** Messages committed per thread and phase: enough for the frames of processes to interleave. */
const MESSAGES_PER_PHASE = 15;

const sockets = new SocketTracker();
afterEach(() => sockets.closeAll());

function openAgent(server: ChildServer, token: string): TestSocket {
  return sockets.track(TestSocket.open(`${server.wsUrl}/api/v1/chat/ws/agent`, { protocols: ['auth', token] }));
}

async function subscribe(socket: TestSocket, id: string, topic: string, from?: Record<string, number>) {
  const since = socket.frames.length;
  socket.send({ type: 'subscribe', data: { id, topic, ...(from ? { from } : {}) } });
  const answer = await socket.next(
    (frame) => socket.frames.indexOf(frame) >= since && (frame.type === 'subscribed' || frame.type === 'error'),
  );
  expect(answer).toEqual({ type: 'subscribed', data: { id, topic } });
}

/** The durable seqs a socket got for a thread, in arrival order. */
const seqsOf = (socket: TestSocket, threadId: string): number[] =>
  socket.frames
    .filter((frame) => frame.type === 'event' && frame.data.event.thread_id === threadId && typeof frame.data.event.thread_seq === 'number')
    .map((frame) => frame.data.event.thread_seq);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

/**
 * Topics across server processes (CONTRACT §15, issue 21 step 5): an agent socket on one
 * process sees what the others commit, dense per thread, and after its process is killed
 * reconnects to another with `from` and misses nothing.
 */
describe.runIf(clusterAvailable)('topic subscriptions on three processes (PostgreSQL + NATS)', () => {
  let cluster: Cluster;
  let servers: ChildServer[];

  beforeAll(async () => {
    cluster = await startCluster({ processes: 3, prepare: seedDemoData });
    servers = cluster.servers;
  });
  afterAll(() => cluster?.stop());

  // The race a per-thread NATS interest must close (issue 21): A hears of the thread only by
  // B's announcement, while B and C already publish its events; none of them may be lost.
  // Before the test that kills A.
  it('a thread made on B right after the sockets on A opened: the agent socket and the user socket on A get every event from seq 1', async () => {
    const [a, b, c] = servers as [ChildServer, ChildServer, ChildServer];
    const org = cluster.env.NATS_ORG!;
    const alice: Session = await signIn(b, 'alice@example.com', DEMO_PASSWORD);
    const bob: Session = await signIn(c, 'bob@example.com', DEMO_PASSWORD);
    const issued = await api(b, 'POST', '/agents/demo/tokens', { token: alice.token });
    expect(issued.status).toBe(201);
    const agents = await api(b, 'GET', '/agents', { token: alice.token });
    const demo = agents.body.agents.find((agent: { slug: string }) => agent.slug === 'demo');

    const agentSocket = openAgent(a, issued.body.token as string);
    await agentSocket.next((frame) => frame.type === 'ready');
    await subscribe(agentSocket, 'all', `events.${org}.chat.thread.*.*`);
    const userSocket = sockets.track(TestSocket.open(userSocketUrl(a.wsUrl, bob.token)));
    await userSocket.ready();

    const made = await api(b, 'POST', '/chat/threads', {
      token: alice.token,
      body: { target_user_ids: [bob.user.id], agent_ids: [demo.id], participation_mode: 'invocation_only' },
    });
    expect(made.status).toBe(201);
    const threadId = made.body.id as string;
    // At once, through B (which announced the thread) and C (which did not), no pause between.
    const sends = await Promise.all(
      Array.from({ length: MESSAGES_PER_PHASE }, (_, index) =>
        api(index % 2 === 0 ? b : c, 'POST', `/chat/threads/${threadId}/messages`, {
          token: alice.token,
          body: sendBody(`at once ${index}`),
        }),
      ),
    );
    expect(sends.map((sent) => sent.status)).toEqual(sends.map(() => 201));
    const last = Math.max(...sends.map((sent) => sent.body.message.thread_seq as number));

    await agentSocket.next(
      (frame) => frame.type === 'event' && frame.data.event.thread_id === threadId && frame.data.event.thread_seq === last,
      10_000,
    );
    expect(seqsOf(agentSocket, threadId).sort((x, y) => x - y)).toEqual(range(1, last));
    await userSocket.next(
      (frame) => frame.type === 'thread_message' && frame.thread_id === threadId && frame.data.thread_seq === last,
      10_000,
    );
    // The user socket's durable frames (§6): the thread's first events (participants joining) and every message.
    const userSeqs = userSocket.frames
      .filter((frame) => (frame.type === 'thread_message' || frame.type === 'thread_event') && frame.thread_id === threadId)
      .map((frame) => frame.data.thread_seq as number)
      .sort((x, y) => x - y);
    expect(userSeqs).toEqual(range(1, last));
  });

  it('an agent socket on A sees the events committed on B and C dense per thread, and survives the SIGKILL of A with from', async () => {
    const [a, b, c] = servers as [ChildServer, ChildServer, ChildServer];
    const org = cluster.env.NATS_ORG!;
    const alice: Session = await signIn(a, 'alice@example.com', DEMO_PASSWORD);
    const bob: Session = await signIn(b, 'bob@example.com', DEMO_PASSWORD);
    const issued = await api(a, 'POST', '/agents/demo/tokens', { token: alice.token });
    expect(issued.status).toBe(201);
    const token = issued.body.token as string;
    // Two threads of the agent with Bob, made on B; invocation only, so the demo agent does not answer.
    const threads: string[] = [];
    for (let index = 0; index < 2; index++) {
      const made = await api(b, 'POST', '/chat/threads', {
        token,
        body: { target_user_ids: [bob.user.id], participation_mode: 'invocation_only' },
      });
      expect(made.status).toBe(201);
      threads.push(made.body.id as string);
    }
    const [onB, onC] = threads as [string, string];

    const socket = openAgent(a, token);
    expect((await socket.next((frame) => frame.type === 'ready')).data.org).toBe(org);
    await subscribe(socket, 'all', `events.${org}.chat.thread.*.*`);
    const startSeq = Object.fromEntries(
      await Promise.all(threads.map(async (id) => [id, (await api(a, 'GET', `/chat/threads/${id}`, { token })).body.last_seq as number])),
    ) as Record<string, number>;

    /** Bob commits messages into one thread through one process, one after the other; resolves with the last seq. */
    const commit = async (server: ChildServer, threadId: string, label: string) => {
      let last = 0;
      for (let index = 0; index < MESSAGES_PER_PHASE; index++) {
        const sent = await api(server, 'POST', `/chat/threads/${threadId}/messages`, {
          token: bob.token,
          body: sendBody(`${label} ${index}`),
        });
        expect(sent.status).toBe(201);
        last = sent.body.message.thread_seq;
      }
      return last;
    };
    const [lastB, lastC] = await Promise.all([commit(b, onB, 'via B'), commit(c, onC, 'via C')]);
    await socket.next(
      (frame) => frame.type === 'event' && frame.data.event.thread_id === onB && frame.data.event.thread_seq === lastB,
      10_000,
    );
    await socket.next(
      (frame) => frame.type === 'event' && frame.data.event.thread_id === onC && frame.data.event.thread_seq === lastC,
      10_000,
    );
    expect(seqsOf(socket, onB)).toEqual(range(startSeq[onB]! + 1, lastB));
    expect(seqsOf(socket, onC)).toEqual(range(startSeq[onC]! + 1, lastC));
    const first = socket.frames.find((frame) => frame.type === 'event' && frame.data.event.thread_id === onB);
    expect(first.data).toMatchObject({ topic: `events.${org}.chat.thread.message_committed.${onB}`, subscription_ids: ['all'] });

    // A thread the agent is added to on C, after the socket on A subscribed: its first event arrives.
    const agents = await api(c, 'GET', '/agents', { token: (await signIn(c, 'alice@example.com', DEMO_PASSWORD)).token });
    const demo = agents.body.agents.find((agent: { slug: string }) => agent.slug === 'demo');
    const added = await api(c, 'POST', '/chat/threads', {
      token: alice.token,
      body: { target_user_ids: [bob.user.id], agent_ids: [demo.id], participation_mode: 'invocation_only' },
    });
    expect(added.status).toBe(201);
    const joined = await socket.next((frame) => frame.type === 'event' && frame.data.event.thread_id === added.body.id, 10_000);
    expect(joined.data.event).toMatchObject({ event_type: 'participant_joined', thread_seq: 1 });

    // A dies without a goodbye while Bob goes on writing; the agent reconnects to B with its last seqs.
    const seen = { [onB]: seqsOf(socket, onB).at(-1)!, [onC]: seqsOf(socket, onC).at(-1)! };
    const during = Promise.all([commit(b, onB, 'while A is gone, via B'), commit(c, onC, 'while A is gone, via C')]);
    await a.kill();
    await socket.closed;
    const again = openAgent(b, token);
    await again.next((frame) => frame.type === 'ready');
    await subscribe(again, 'all', `events.${org}.chat.thread.*.*`, seen);
    const [endB, endC] = await during;
    await again.next(
      (frame) => frame.type === 'event' && frame.data.event.thread_id === onB && frame.data.event.thread_seq === endB,
      10_000,
    );
    await again.next(
      (frame) => frame.type === 'event' && frame.data.event.thread_id === onC && frame.data.event.thread_seq === endC,
      10_000,
    );
    // Both sockets together: every seq once, in order, no gap.
    expect([...seqsOf(socket, onB), ...seqsOf(again, onB)]).toEqual(range(startSeq[onB]! + 1, endB));
    expect([...seqsOf(socket, onC), ...seqsOf(again, onC)]).toEqual(range(startSeq[onC]! + 1, endC));
  });
  it('a token revoked on one process closes its agent sockets on the others with 4001; other tokens’ sockets stay', async () => {
    const [, b, c] = servers as [ChildServer, ChildServer, ChildServer];
    const alice: Session = await signIn(b, 'alice@example.com', DEMO_PASSWORD);
    const issue = async () => {
      const issued = await api(b, 'POST', '/agents/demo/tokens', { token: alice.token });
      expect(issued.status).toBe(201);
      return { id: issued.body.id as string, token: issued.body.token as string };
    };
    const revoked = await issue();
    const kept = await issue();
    const doomed = openAgent(c, revoked.token);
    const staying = openAgent(c, kept.token);
    await doomed.next((frame) => frame.type === 'ready');
    await staying.next((frame) => frame.type === 'ready');

    expect((await api(b, 'DELETE', `/agents/demo/tokens/${revoked.id}`, { token: alice.token })).status).toBe(204);
    expect(await doomed.closed).toEqual({ code: 4001, reason: 'Agent token revoked.' });
    const since = staying.frames.length;
    staying.send({ type: 'ping' });
    await staying.next((frame) => staying.frames.indexOf(frame) >= since && frame.type === 'pong');
    expect(await openAgent(c, revoked.token).closed).toEqual({ code: 4001, reason: 'This agent token is not valid (unknown or revoked).' });
  });
});
