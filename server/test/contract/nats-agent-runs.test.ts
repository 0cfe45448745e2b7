import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_SWEEP_MS, PROCESS_STOPPED_ERROR } from '../../src/agents/agent-runtime.ts';
import { retryRunIdOf } from '../../src/agents/failed-run-lookup.ts';
import { natsUrl } from '../support/nats.ts';
import { clusterSettings } from '../support/cluster.ts';
import { freshDatabase, postgresUrl } from '../support/postgres.ts';
import { startChildServer, startTestCluster, type TestCluster } from '../support/test-cluster.ts';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { openVisitorSocket, startVisitor } from '../support/visitors.ts';

/** A generous deadline for a whole run. */
const RUN_TIMEOUT_MS = 10_000;
/** The approval window of the process that gets killed: long enough to be killed before it ends. */
const SHORT_TTL_MS = 3_000;
/** The killed process's lease: it runs out after the approval's deadline, so the deadline comes first. */
const CHILD_LEASE_MS = 6_000;

type World = Awaited<ReturnType<typeof demoWorld>>;

async function readLog(server: TestServer, token: string, threadId: string, after: number): Promise<any[]> {
  const page = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${after}&limit=200`, { token });
  expect(page.status).toBe(200);
  return page.body.events;
}

async function post(server: { url: string }, token: string, threadId: string, content: string) {
  const response = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody(content) });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.message as { id: string; thread_seq: number };
}

const durable = (socket: TestSocket, threadId: string, eventType: string, label = eventType) =>
  socket.next((f) => f.type === 'thread_event' && f.thread_id === threadId && f.data.event_type === eventType, RUN_TIMEOUT_MS, label);

const runEnd = (socket: TestSocket, messageId: string, timeoutMs = RUN_TIMEOUT_MS) =>
  socket.next(
    (f) =>
      f.type === 'thread_runtime' &&
      f.data.in_reply_to === messageId &&
      (f.data.event_type === 'intake_completed' || f.data.event_type === 'intake_failed'),
    timeoutMs,
    `the end of the run answering ${messageId}`,
  );

/** Agent runs, approvals, retries and agent settings with several processes on one NATS and one database (issue 10). */
describe.runIf(natsUrl)('agent runs across processes', () => {
  let cluster: TestCluster;
  let a: TestServer;
  let b: TestServer;
  let world: World;
  let socket: TestSocket;
  const sockets = new SocketTracker();

  beforeAll(async () => {
    cluster = await startTestCluster(natsUrl!, 2);
    [a, b] = cluster.servers as [TestServer, TestServer];
    world = await demoWorld(a);
    socket = TestSocket.open(userSocketUrl(b.wsUrl, world.alice.token));
    await socket.ready();
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await socket?.close();
    await cluster?.close();
  });

  const agentThread = () => createThread(a, world.alice.token, { target_user_ids: [world.bob.user.id], agent_ids: [world.demoAgent.id] });

  it('an approval decided through B resumes the run waiting on A: the tool call and the reply are committed', async () => {
    const thread = await agentThread();
    // The run lives on A, the process that committed the message.
    const message = await post(a, world.alice.token, thread.id, '/approve Board minutes');
    const pending = await durable(socket, thread.id, 'approval_pending');
    const approvalId = pending.data.data.approval_id as string;

    const decided = await api(b, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
      token: world.bob.token,
      body: { decision: 'approve' },
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ approval_id: approvalId, status: 'approved' });

    const end = await runEnd(socket, message.id);
    expect(end.data.event_type).toBe('intake_completed');
    const log = await readLog(a, world.alice.token, thread.id, message.thread_seq);
    expect(log.map((event) => event.event_type)).toEqual([
      'approval_pending',
      'approval_resolved',
      'tool_call_started',
      'tool_call_completed',
      'message_committed',
    ]);
    expect(log[1].data).toMatchObject({ approval_id: approvalId, decision: 'approve', decided_by: `user:${world.bob.user.id}` });
    expect(log[2].data).toMatchObject({ tool_name: 'send_email', run_id: pending.data.data.run_id });
    expect(log[4]).toMatchObject({ sender_id: world.demoAgent.sender_id });
    expect(log[4].content).toBe("I'd like to send an email titled “Board minutes”. Approved, so I sent it.");
  });

  it('a process that starts leaves the pending approval of a run on A alone; deciding through it resumes that run', async () => {
    const thread = await agentThread();
    const message = await post(a, world.alice.token, thread.id, '/approve Late joiner');
    const pending = await durable(socket, thread.id, 'approval_pending');
    const approvalId = pending.data.data.approval_id as string;

    const c = await startTestServer(cluster.env, { storage: cluster.storage, seed: false });
    try {
      expect((await cluster.storage.approvals.get(approvalId))?.status).toBe('pending');
      expect((await readLog(a, world.alice.token, thread.id, pending.data.thread_seq)).map((e) => e.event_type)).toEqual([]);
      const decided = await api(c, 'POST', `/chat/threads/${thread.id}/approvals/${approvalId}`, {
        token: world.alice.token,
        body: { decision: 'reject' },
      });
      expect(decided.status).toBe(200);
      expect((await runEnd(socket, message.id)).data.event_type).toBe('intake_completed');
      const log = await readLog(a, world.alice.token, thread.id, message.thread_seq);
      expect(log.map((event) => event.event_type)).toEqual(['approval_pending', 'approval_resolved', 'message_committed']);
      expect(log[2].content).toBe("I'd like to send an email titled “Late joiner”. Rejected, so I did not send anything.");
    } finally {
      await c.close();
    }
  });

  it(
    'the pending approval of a killed process is expired by another process after its deadline, once; its run then fails visibly and is retried once',
    { timeout: 60_000 },
    async () => {
      const child = await startChildServer({
        ...cluster.env,
        APPROVAL_TTL_MS: String(SHORT_TTL_MS),
        PROCESS_LEASE_MS: String(CHILD_LEASE_MS),
      });
      try {
        const thread = await agentThread();
        // The run lives on the child, which dies while it waits.
        const message = await post(child, world.alice.token, thread.id, '/approve Orphan');
        const pending = await durable(socket, thread.id, 'approval_pending');
        await child.kill();
        const approvalId = pending.data.data.approval_id as string;
        const runId = pending.data.data.run_id as string;
        expect((await cluster.storage.approvals.get(approvalId))?.status).toBe('pending');

        const expired = await socket.next(
          (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'approval_expired',
          SHORT_TTL_MS + 3 * APPROVAL_SWEEP_MS,
          'approval_expired from a surviving process',
        );
        expect(expired.data).toMatchObject({ sender_id: 'system', data: { approval_id: approvalId, decision: 'expired' } });
        expect(Date.parse(expired.data.created_at)).toBeGreaterThanOrEqual(Date.parse(pending.data.data.expires_at));
        // Once the dead process's lease has run out, a survivor fails its run: the client sees it end.
        const failed = await durable(socket, thread.id, 'run_failed');
        expect(failed.data).toMatchObject({
          sender_id: world.demoAgent.sender_id,
          data: { run_id: runId, message_id: message.id, error: PROCESS_STOPPED_ERROR },
        });
        const end = await runEnd(socket, message.id, CHILD_LEASE_MS + 3 * APPROVAL_SWEEP_MS);
        expect(end.data).toMatchObject({ event_type: 'intake_failed', run_id: runId, error: PROCESS_STOPPED_ERROR });
        const log = await readLog(a, world.alice.token, thread.id, message.thread_seq);
        // Two processes sweep; storage settles and fails it once. The dead run never replies.
        expect(log.map((event) => event.event_type)).toEqual(['approval_pending', 'approval_expired', 'run_failed']);
        expect((await cluster.storage.approvals.get(approvalId))?.status).toBe('expired');

        // Retried through both survivors at the same moment: one run starts, the other is told so.
        const retries = await Promise.all(
          [a, b].map((server) => api(server, 'POST', `/chat/threads/${thread.id}/runs/${runId}/retry`, { token: world.alice.token })),
        );
        expect(retries.map((retry) => retry.status).sort()).toEqual([202, 409]);
        expect(retries.find((retry) => retry.status === 409)!.body.error.message).toBe(
          'This run cannot be retried: it was already retried.',
        );
        const again = await socket.next(
          (f) =>
            f.type === 'thread_event' &&
            f.thread_id === thread.id &&
            f.data.event_type === 'approval_pending' &&
            f.data.data.run_id === retryRunIdOf(runId),
          RUN_TIMEOUT_MS,
          "the retry's approval_pending",
        );
        const decided = await api(a, 'POST', `/chat/threads/${thread.id}/approvals/${again.data.data.approval_id}`, {
          token: world.bob.token,
          body: { decision: 'approve' },
        });
        expect(decided.status).toBe(200);
        await socket.next(
          (f) => f.type === 'thread_runtime' && f.data.run_id === retryRunIdOf(runId) && f.data.event_type === 'intake_completed',
          RUN_TIMEOUT_MS,
          'the end of the retry',
        );
        expect((await readLog(a, world.alice.token, thread.id, failed.data.thread_seq)).map((event) => event.event_type)).toEqual([
          'approval_pending',
          'approval_resolved',
          'tool_call_started',
          'tool_call_completed',
          'message_committed',
        ]);
      } finally {
        await child.kill();
      }
    },
  );

  it('a failed run is retried through another process: a new run answers the same message; a second retry is 409', async () => {
    const thread = await agentThread();
    const message = await post(a, world.alice.token, thread.id, '/fail again');
    const failed = await durable(socket, thread.id, 'run_failed');
    const runId = failed.data.data.run_id as string;
    expect(failed.data.data).toMatchObject({ message_id: message.id, error: { retryable: true } });

    const retried = await api(b, 'POST', `/chat/threads/${thread.id}/runs/${runId}/retry`, { token: world.bob.token });
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ retried: true });
    const second = await socket.next(
      (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'run_failed' && f.data.data.run_id !== runId,
      RUN_TIMEOUT_MS,
      'the run_failed of the retry',
    );
    expect(second.data.data).toMatchObject({ message_id: message.id, error: { retryable: true } });
    const started = socket.frames.filter(
      (f) => f.type === 'thread_runtime' && f.data.event_type === 'run_started' && f.data.in_reply_to === message.id,
    );
    expect(started.map((f) => f.data.run_id)).toEqual([runId, second.data.data.run_id]);

    for (const server of [a, b]) {
      const again = await api(server, 'POST', `/chat/threads/${thread.id}/runs/${runId}/retry`, { token: world.alice.token });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'conflict', message: 'This run cannot be retried: it was already retried.' });
    }
    const unknown = await api(a, 'POST', `/chat/threads/${thread.id}/runs/${randomUUID()}/retry`, { token: world.alice.token });
    expect(unknown.status).toBe(409);
    expect(unknown.body.error.message).toBe('This run cannot be retried: it did not fail.');
    // The retry of the retry is allowed: it failed too, retryably.
    const third = await api(a, 'POST', `/chat/threads/${thread.id}/runs/${second.data.data.run_id}/retry`, { token: world.alice.token });
    expect(third.status).toBe(202);
  });

  it("an agent's allowed_origins changed through B closes a public socket on A that it no longer allows", async () => {
    const shop = 'https://shop.example';
    const other = 'https://other.example';
    const set = (server: TestServer, origins: string[]) =>
      api(server, 'PUT', '/agents/demo/settings', {
        token: world.alice.token,
        body: { allowed_origins: origins, require_verified_identity: false },
      });
    expect((await set(b, [shop, other])).status).toBe(200);
    const visitor = await startVisitor(a);
    const kept = await startVisitor(a);
    const refused = sockets.track(
      openVisitorSocket(a, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token }, { origin: other }),
    );
    const allowed = sockets.track(
      openVisitorSocket(a, { threadId: kept.thread_id, email: kept.email, token: kept.visitor_token }, { origin: shop }),
    );
    await Promise.all([refused.ready(), allowed.ready()]);
    try {
      expect((await set(b, [shop])).status).toBe(200);
      // Waits for the close, at most RUN_TIMEOUT_MS (next rejects on either).
      await refused.next(() => false, RUN_TIMEOUT_MS, 'the close of the refused socket').catch(() => undefined);
      expect(await Promise.race([refused.closed, Promise.resolve('still open')])).toEqual({ code: 4001, reason: 'origin not allowed' });
      allowed.send({ type: 'ping' });
      expect(await allowed.nextOfType('pong')).toEqual({ type: 'pong' });
    } finally {
      expect((await set(b, [])).status).toBe(200);
    }
  });
});

/** The same on PostgreSQL, each process with its own connections: approvals settle once however many processes sweep. */
describe.runIf(natsUrl && postgresUrl)('agent runs across processes on PostgreSQL', () => {
  let env: NodeJS.ProcessEnv;
  let a: TestServer;
  let b: TestServer;
  let world: World;
  let socket: TestSocket;

  beforeAll(async () => {
    env = { ...clusterSettings({ DATABASE_URL: await freshDatabase() }), DEMO_DATA: 'true' };
    a = await startTestServer(env);
    b = await startTestServer(env);
    world = await demoWorld(a);
    socket = TestSocket.open(userSocketUrl(b.wsUrl, world.alice.token));
    await socket.ready();
  });
  afterAll(async () => {
    await socket?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it(
    "a decision through B resumes the run on A; a killed process's approval is expired by the others once",
    { timeout: 60_000 },
    async () => {
      const thread = await createThread(a, world.alice.token, { target_user_ids: [], agent_ids: [world.demoAgent.id] });
      const message = await post(a, world.alice.token, thread.id, '/approve Invoice');
      const pending = await durable(socket, thread.id, 'approval_pending');
      const decided = await api(b, 'POST', `/chat/threads/${thread.id}/approvals/${pending.data.data.approval_id}`, {
        token: world.alice.token,
        body: { decision: 'approve' },
      });
      expect(decided.status).toBe(200);
      expect((await runEnd(socket, message.id)).data.event_type).toBe('intake_completed');
      expect((await readLog(a, world.alice.token, thread.id, message.thread_seq)).map((event) => event.event_type)).toEqual([
        'approval_pending',
        'approval_resolved',
        'tool_call_started',
        'tool_call_completed',
        'message_committed',
      ]);

      const child = await startChildServer({
        ...env,
        DEMO_DATA: 'false',
        APPROVAL_TTL_MS: String(SHORT_TTL_MS),
        PROCESS_LEASE_MS: String(CHILD_LEASE_MS),
      });
      try {
        const orphan = await post(child, world.alice.token, thread.id, '/approve Orphan');
        const orphanPending = await socket.next(
          (f) => f.type === 'thread_event' && f.data.event_type === 'approval_pending' && f.data.thread_seq > orphan.thread_seq,
          RUN_TIMEOUT_MS,
          'the approval_pending of the run on the child',
        );
        await child.kill();
        await socket.next(
          (f) => f.type === 'thread_event' && f.data.event_type === 'approval_expired' && f.data.thread_seq > orphanPending.data.thread_seq,
          SHORT_TTL_MS + 3 * APPROVAL_SWEEP_MS,
          'approval_expired from a surviving process',
        );
        await socket.next(
          (f) => f.type === 'thread_event' && f.data.event_type === 'run_failed' && f.data.thread_seq > orphanPending.data.thread_seq,
          CHILD_LEASE_MS + 3 * APPROVAL_SWEEP_MS,
          'run_failed from a surviving process',
        );
        const log = await readLog(a, world.alice.token, thread.id, orphan.thread_seq);
        expect(log.map((event) => event.event_type)).toEqual(['approval_pending', 'approval_expired', 'run_failed']);
        expect(log[1].data).toMatchObject({ approval_id: orphanPending.data.data.approval_id, decision: 'expired' });
        expect(log[2].data).toMatchObject({ run_id: orphanPending.data.data.run_id, error: PROCESS_STOPPED_ERROR });
      } finally {
        await child.kill();
      }
    },
  );
});
