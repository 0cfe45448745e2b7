import { afterAll, describe, expect, it } from 'vitest';
import { demoSuite, type DemoWorld } from '../support/demo-suite.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { natsUrl } from '../support/nats.ts';
import { clusterSettings } from '../support/cluster.ts';
import { freshDatabase, postgresUrl } from '../support/postgres.ts';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';

/** A generous deadline for a frame that follows from a request (chunks are instant in tests). */
const FRAME_TIMEOUT_MS = 10_000;

async function post(server: TestServer, token: string, threadId: string, content: string) {
  const response = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody(content) });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.message as { id: string; thread_seq: number };
}

const runtimeOf = (socket: TestSocket, threadId: string) => socket.ofType('thread_runtime').filter((frame) => frame.thread_id === threadId);

const runEnd = (socket: TestSocket, messageId: string) =>
  socket.next(
    (f) =>
      f.type === 'thread_runtime' &&
      f.data.in_reply_to === messageId &&
      (f.data.event_type === 'intake_completed' || f.data.event_type === 'intake_failed'),
    FRAME_TIMEOUT_MS,
    `the end of the run answering ${messageId}`,
  );

/**
 * Posts through `server` a message that waits on an approval, then one that queues behind it,
 * and reads the frames on `socket` (of this process or another): the second run says `queued`
 * before the decision, once, and its other steps come after the first run's end.
 */
async function queuedBehindApproval(server: TestServer, socket: TestSocket, world: DemoWorld) {
  const thread = await createThread(server, world.alice.token, { target_user_ids: [], agent_ids: [world.demoAgent.id] });
  const first = await post(server, world.alice.token, thread.id, '/approve Quarterly report');
  const pending = await socket.next(
    (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'approval_pending',
    FRAME_TIMEOUT_MS,
    'approval_pending',
  );
  const second = await post(server, world.alice.token, thread.id, 'And the invoice?');

  const queued = await socket.next(
    (f) => f.type === 'thread_runtime' && f.data.in_reply_to === second.id && f.data.event_type === 'queued',
    FRAME_TIMEOUT_MS,
    'the queued frame of the second run',
  );
  expect(queued.data).toEqual({
    event_type: 'queued',
    run_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    agent_id: world.demoAgent.sender_id,
    in_reply_to: second.id,
    at: expect.any(String),
  });
  const secondRun: string = queued.data.run_id;
  expect(secondRun).not.toBe(pending.data.data.run_id);
  // Only queued so far: the run waits for the approval, it does not start.
  expect(
    runtimeOf(socket, thread.id)
      .filter((f) => f.data.run_id === secondRun)
      .map((f) => f.data.event_type),
  ).toEqual(['queued']);

  const decided = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${pending.data.data.approval_id}`, {
    token: world.alice.token,
    body: { decision: 'approve' },
  });
  expect(decided.status).toBe(200);
  await runEnd(socket, first.id);
  await runEnd(socket, second.id);

  // The second run's steps, in the contract's order, queued once; it started after the first ended.
  const frames = runtimeOf(socket, thread.id);
  const types = frames.filter((f) => f.data.run_id === secondRun).map((f) => f.data.event_type);
  expect(types[0]).toBe('queued');
  expect(types.filter((type) => type === 'queued')).toHaveLength(1);
  expect(types.filter((type) => type !== 'text_delta')).toEqual([
    'queued',
    'agent_decisions',
    'run_started',
    'typing',
    'reply_committed',
    'run_finished',
    'intake_completed',
  ]);
  const firstEnd = frames.findIndex((f) => f.data.in_reply_to === first.id && f.data.event_type === 'intake_completed');
  const secondStart = frames.findIndex((f) => f.data.run_id === secondRun && f.data.event_type === 'agent_decisions');
  expect(frames.findIndex((f) => f.data.run_id === secondRun)).toBeLessThan(firstEnd);
  expect(secondStart).toBeGreaterThan(firstEnd);
  // Each reply says what it answers: its base_seq is its message's.
  const replies = socket
    .ofType('thread_message')
    .filter((f) => f.thread_id === thread.id && f.data.sender_id === world.demoAgent.sender_id)
    .map((f) => f.data.base_seq);
  expect(replies).toEqual([first.thread_seq, second.thread_seq]);
}

describeEachStorage('a run queued behind another says so at once (CONTRACT §6)', (storageEnv) => {
  const suite = demoSuite(storageEnv);

  it('a message sent while a run awaits an approval gets its queued frame before the decision, and runs after it', async () => {
    const socket = await suite.connect(suite.world.alice.token);
    await queuedBehindApproval(suite.server, socket, suite.world);
  });

  it('a run that starts at once says queued when it starts, as before: queued, agent_decisions, run_started', async () => {
    const socket = await suite.connect(suite.world.alice.token);
    const { server, world } = suite;
    const thread = await createThread(server, world.alice.token, { target_user_ids: [], agent_ids: [world.demoAgent.id] });
    const message = await post(server, world.alice.token, thread.id, 'Hello');
    await runEnd(socket, message.id);
    const types = runtimeOf(socket, thread.id).map((f) => f.data.event_type);
    expect(types.slice(0, 3)).toEqual(['queued', 'agent_decisions', 'run_started']);
    expect(types.filter((type) => type === 'queued')).toHaveLength(1);
  });
});

describe.runIf(natsUrl && postgresUrl)('a run queued behind another, seen through another process (PostgreSQL + NATS)', () => {
  let a: TestServer;
  let b: TestServer;
  let world: DemoWorld;
  let socket: TestSocket;

  afterAll(async () => {
    await socket?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('the queued frame of a run on A reaches a socket on B before the decision', { timeout: 60_000 }, async () => {
    const env = { ...clusterSettings({ DATABASE_URL: await freshDatabase() }), DEMO_DATA: 'true' };
    a = await startTestServer(env);
    b = await startTestServer(env);
    world = await demoWorld(a);
    socket = TestSocket.open(userSocketUrl(b.wsUrl, world.alice.token));
    await socket.ready();
    await queuedBehindApproval(a, socket, world);
  });
});
