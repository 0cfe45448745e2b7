import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_SWEEP_MS, PROCESS_STOPPED_ERROR } from '../../src/agents/agent-runtime.ts';
import { retryRunIdOf } from '../../src/agents/failed-run-lookup.ts';
import { startChildServer } from '../support/test-cluster.ts';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { TEST_DATA_KEY } from '../support/data-key.ts';

/** The lease of the server that gets killed: its runs are taken over this long after its last heartbeat. */
const LEASE_MS = 1_000;
/** How long a run of a killed server may take to be failed by the next one: its lease, then up to two sweeps. */
const TAKEOVER_TIMEOUT_MS = LEASE_MS + 3 * APPROVAL_SWEEP_MS;
/** Between two looks at the log while waiting. */
const POLL_MS = 100;
const FRAME_TIMEOUT_MS = 10_000;

type World = Awaited<ReturnType<typeof demoWorld>>;

async function logOf(server: { url: string }, token: string, threadId: string, after = 0): Promise<any[]> {
  const page = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${after}&limit=200`, { token });
  expect(page.status).toBe(200);
  return page.body.events;
}

/** Waits until the thread's log holds an event that passes `test`; fails after `timeoutMs`. */
async function untilLogged(server: { url: string }, token: string, threadId: string, test: (event: any) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await logOf(server, token, threadId)).find(test);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`not in the log within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * A run whose server stops before it ends, on one server process with its SQLite file (issue
 * 10): the next start of the server fails it visibly, and it can be retried once.
 */
describe('a run whose server stopped ends visibly when the server is back', () => {
  let dir: string;
  let env: Record<string, string>;
  let world: World;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-run-recovery-'));
    env = {
      DATABASE_PATH: join(dir, 'db.sqlite'),
      JWT_SECRET: randomBytes(32).toString('base64url'),
      DATA_ENCRYPTION_KEY: TEST_DATA_KEY,
      PROCESS_LEASE_MS: String(LEASE_MS),
    };
    const seeding = await startTestServer({ ...env, DEMO_DATA: 'true' });
    world = await demoWorld(seeding);
    await seeding.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const agentThread = (server: TestServer) =>
    createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id], agent_ids: [world.demoAgent.id] });

  it(
    'SIGKILL while a run waits on approval: the next server expires the approval and fails the run; two retries at once start one run',
    { timeout: 60_000 },
    async () => {
      let server = await startTestServer(env);
      const thread = await agentThread(server);
      await server.close();
      // The run lives on a server process that is killed while it waits.
      const child = await startChildServer({ ...env, DEMO_AGENT_CHUNK_MS: '0' });
      let message: { id: string; thread_seq: number };
      try {
        const sent = await api(child, 'POST', `/chat/threads/${thread.id}/messages`, {
          token: world.alice.token,
          body: sendBody('/approve Pay invoice'),
        });
        expect(sent.status).toBe(201);
        message = sent.body.message;
        await untilLogged(child, world.alice.token, thread.id, (event) => event.event_type === 'approval_pending', FRAME_TIMEOUT_MS);
      } finally {
        await child.kill();
      }

      server = await startTestServer(env);
      try {
        const socket = TestSocket.open(userSocketUrl(server.wsUrl, world.bob.token));
        await socket.ready();
        const failed = await untilLogged(
          server,
          world.alice.token,
          thread.id,
          (event) => event.event_type === 'run_failed',
          TAKEOVER_TIMEOUT_MS,
        );
        const log = await logOf(server, world.alice.token, thread.id, message.thread_seq);
        const runId = log[0].data.run_id as string;
        expect(log.map((event) => [event.event_type, event.data.run_id])).toEqual([
          ['approval_pending', runId],
          ['approval_expired', runId],
          ['run_failed', runId],
        ]);
        expect(failed).toMatchObject({
          sender_id: world.demoAgent.sender_id,
          data: { run_id: runId, message_id: message.id, error: PROCESS_STOPPED_ERROR },
        });

        // Two retries at the same moment: one starts a run, the other is a conflict.
        const retries = await Promise.all(
          [world.alice.token, world.bob.token].map((token) =>
            api(server, 'POST', `/chat/threads/${thread.id}/runs/${runId}/retry`, { token }),
          ),
        );
        expect(retries.map((retry) => retry.status).sort()).toEqual([202, 409]);
        expect(retries.find((retry) => retry.status === 409)!.body.error.message).toBe(
          'This run cannot be retried: it was already retried.',
        );
        const retryRunId = retryRunIdOf(runId);
        const again = await socket.next(
          (f) => f.type === 'thread_event' && f.data.event_type === 'approval_pending' && f.data.data.run_id === retryRunId,
          FRAME_TIMEOUT_MS,
          "the retry's approval_pending",
        );
        const decided = await api(server, 'POST', `/chat/threads/${thread.id}/approvals/${again.data.data.approval_id}`, {
          token: world.bob.token,
          body: { decision: 'reject' },
        });
        expect(decided.status).toBe(200);
        await socket.next(
          (f) => f.type === 'thread_runtime' && f.data.run_id === retryRunId && f.data.event_type === 'intake_completed',
          FRAME_TIMEOUT_MS,
          'the end of the retry',
        );
        expect((await logOf(server, world.alice.token, thread.id, failed.thread_seq)).map((event) => event.event_type)).toEqual([
          'approval_pending',
          'approval_resolved',
          'message_committed',
        ]);
        await socket.close();
      } finally {
        await server.close();
      }
    },
  );

  it('a graceful stop mid-run: the server, started again, fails the run before it serves', { timeout: 30_000 }, async () => {
    let server = await startTestServer(env);
    const thread = await agentThread(server);
    const socket = TestSocket.open(userSocketUrl(server.wsUrl, world.alice.token));
    await socket.ready();
    const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
      token: world.alice.token,
      body: sendBody('/approve Restart'),
    });
    const pending = await socket.next(
      (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'approval_pending',
      FRAME_TIMEOUT_MS,
      'approval_pending',
    );
    await server.close();

    // The stop gave up the lease: the first sweep, before the server listens, ends the run.
    server = await startTestServer(env);
    try {
      const log = await logOf(server, world.alice.token, thread.id, sent.body.message.thread_seq);
      expect(log.map((event) => event.event_type)).toEqual(['approval_pending', 'approval_expired', 'run_failed']);
      expect(log[2].data).toEqual({ run_id: pending.data.data.run_id, message_id: sent.body.message.id, error: PROCESS_STOPPED_ERROR });
    } finally {
      await server.close();
    }
  });
});
