import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TAKEN_OVER_ERROR } from '../../src/agents/agent-runtime.ts';
import { clusterAvailable, createUsers, signIn, startCluster, type Cluster, type Session } from '../support/cluster.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { api, sendBody } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';

const PASSWORD = 'a long enough password';
/** Slow enough that a long reply is still streaming when the take-over arrives. */
const CHUNK_MS = 40;
const SETUP_TIMEOUT_MS = 120_000;
const FRAME_TIMEOUT_MS = 10_000;

/**
 * Ownership across real processes on one PostgreSQL database and one NATS (CONTRACT §11): a
 * take-over through one process stops the run streaming on another at once, and status changes
 * reach the sockets of every process.
 */
describe.runIf(clusterAvailable)('ownership across real processes on PostgreSQL', () => {
  let cluster: Cluster;
  let servers: ChildServer[];
  const sockets = new SocketTracker();
  let alice: Session;
  let bob: Session;
  let agentId: string;

  beforeAll(async () => {
    let people: { id: string; email: string }[] = [];
    agentId = randomUUID();
    cluster = await startCluster({
      processes: 2,
      env: { DEMO_AGENT_CHUNK_MS: String(CHUNK_MS) },
      async prepare(storage) {
        people = await createUsers(
          storage,
          ['alice', 'bob'].map((name) => ({ email: `${name}-${randomUUID()}@example.com`, name })),
          PASSWORD,
        );
        await storage.agents.create(
          { id: agentId, slug: 'demo', name: 'Demo', avatarUrl: null, greeting: 'Hi', themeColor: '#336699', engine: 'demo' },
          [people[0]!.id],
        );
      },
    });
    servers = cluster.servers;
    alice = await signIn(servers[0]!, people[0]!.email, PASSWORD);
    bob = await signIn(servers[1]!, people[1]!.email, PASSWORD);
  }, SETUP_TIMEOUT_MS);
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await cluster?.stop();
  });

  const connect = async (server: ChildServer, token: string) => {
    const socket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, token)));
    await socket.ready();
    return socket;
  };

  it(
    'a take-over through process B stops the run streaming on process A: intake_failed taken_over on both sockets, run_failed in the log, no reply',
    { timeout: 60_000 },
    async () => {
      const [a, b] = servers as [ChildServer, ChildServer];
      const created = await api(a, 'POST', '/chat/threads', {
        token: alice.token,
        body: { target_user_ids: [bob.user.id], agent_ids: [agentId], title: 'take-over across processes' },
      });
      const threadId: string = created.body.id;
      const onA = await connect(a, alice.token);
      const onB = await connect(b, bob.token);
      // Sent through A: the run runs on A.
      const sent = await api(a, 'POST', `/chat/threads/${threadId}/messages`, { token: alice.token, body: sendBody('/long') });
      expect(sent.status).toBe(201);
      const delta = await onA.next(
        (f) => f.type === 'thread_runtime' && f.thread_id === threadId && f.data.event_type === 'text_delta',
        FRAME_TIMEOUT_MS,
        'text_delta',
      );
      const runId = delta.data.run_id as string;

      const taken = await api(b, 'POST', `/chat/threads/${threadId}/takeover`, { token: bob.token });
      expect(taken.status).toBe(200);
      expect(taken.body).toMatchObject({ assignee_id: `user:${bob.user.id}`, agent_paused: true });
      const ends = [];
      for (const socket of [onA, onB]) {
        ends.push(
          await socket.next(
            (f) => f.type === 'thread_runtime' && f.data.run_id === runId && f.data.event_type === 'intake_failed',
            FRAME_TIMEOUT_MS,
            'intake_failed',
          ),
        );
        await socket.next(
          (f) => f.type === 'thread_event' && f.thread_id === threadId && f.data.event_type === 'run_failed',
          FRAME_TIMEOUT_MS,
          'run_failed',
        );
      }
      for (const end of ends) expect(end.data.error).toEqual(TAKEN_OVER_ERROR);
      // A marker through A after the take-over: once both sockets have it, nothing more of the run follows it.
      const marker = await api(a, 'POST', `/chat/threads/${threadId}/messages`, { token: alice.token, body: sendBody('marker') });
      for (const [index, socket] of [onA, onB].entries()) {
        await socket.next((f) => f.type === 'thread_message' && f.data.id === marker.body.message.id, FRAME_TIMEOUT_MS, 'marker');
        const after = socket.frames.slice(socket.frames.indexOf(ends[index]) + 1);
        expect(after.filter((f) => f.type === 'thread_runtime' && f.data.run_id === runId)).toEqual([]);
      }
      const log = await api(a, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${sent.body.message.thread_seq}`, {
        token: alice.token,
      });
      expect(log.body.events.map((e: any) => [e.event_type, e.data.error?.code ?? null])).toEqual([
        ['handoff', null],
        ['run_failed', 'taken_over'],
        ['message_committed', null],
      ]);
    },
  );

  it(
    'every change through one process (assignee, handoff, handback, note, status) reaches the user sockets of the other, in seq order, as the log has it',
    { timeout: 30_000 },
    async () => {
      const [a, b] = servers as [ChildServer, ChildServer];
      const created = await api(a, 'POST', '/chat/threads', {
        token: alice.token,
        body: {
          target_user_ids: [bob.user.id],
          agent_ids: [agentId],
          participation_mode: 'invocation_only',
          title: 'changes across processes',
        },
      });
      expect(created.status).toBe(201);
      const threadId: string = created.body.id;
      const onB = await connect(b, bob.token);
      const call = (method: string, path: string, body?: unknown) =>
        api(a, method, `/chat/threads/${threadId}/${path}`, { token: alice.token, ...(body ? { body } : {}) });
      expect((await call('PUT', 'assignee', { assignee_id: `user:${bob.user.id}` })).status).toBe(200);
      expect((await call('POST', 'takeover')).status).toBe(200);
      expect((await call('POST', 'handback')).status).toBe(200);
      expect((await call('POST', 'notes', { content: 'for the team', client_message_id: randomUUID() })).status).toBe(201);
      expect((await call('PUT', 'status', { status: 'resolved' })).status).toBe(200);
      const log = (await call('GET', `events?last_thread_seq=${created.body.last_seq}`)).body.events as any[];
      expect(log.map((e) => e.event_type)).toEqual(['assignee_changed', 'handoff', 'handback', 'note_added', 'status_changed']);
      const frames = [];
      for (const event of log) {
        frames.push(
          await onB.next(
            (f) => f.type === 'thread_event' && f.thread_id === threadId && f.data.thread_seq === event.thread_seq,
            FRAME_TIMEOUT_MS,
            `${event.event_type} on B`,
          ),
        );
      }
      expect(frames.map((f) => f.data)).toEqual(log);
      const counts = await api(b, 'GET', '/chat/threads/counts', { token: bob.token });
      expect(counts.body.resolved).toBeGreaterThanOrEqual(1);
    },
  );

  it('a status change through one process reaches the user sockets of the other', { timeout: 30_000 }, async () => {
    const [a, b] = servers as [ChildServer, ChildServer];
    const created = await api(a, 'POST', '/chat/threads', {
      token: alice.token,
      body: { target_user_ids: [bob.user.id], title: 'status across processes' },
    });
    const onB = await connect(b, bob.token);
    const changed = await api(a, 'PUT', `/chat/threads/${created.body.id}/status`, { token: alice.token, body: { status: 'waiting' } });
    expect(changed.status).toBe(200);
    const frame = await onB.next(
      (f) => f.type === 'thread_event' && f.thread_id === created.body.id && f.data.event_type === 'status_changed',
      FRAME_TIMEOUT_MS,
      'status_changed on B',
    );
    expect(frame.data.data).toEqual({ status: 'waiting', previous: 'open', by: `user:${alice.user.id}` });
    const counts = await api(b, 'GET', '/chat/threads/counts', { token: bob.token });
    expect(counts.body.waiting).toBeGreaterThanOrEqual(1);
  });
});
