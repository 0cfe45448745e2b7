import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_SWEEP_MS, PROCESS_STOPPED_ERROR } from '../../src/agents/agent-runtime.ts';
import { retryRunIdOf } from '../../src/agents/failed-run-lookup.ts';
import { SESSION_ENDED_MESSAGE } from '../../src/http/authenticate.ts';
import { runAdminCli } from '../support/admin-cli.ts';
import { clusterAvailable, createUsers, signIn, startCluster, type Cluster, type Session } from '../support/cluster.ts';
import { startChildServer, type ChildServer } from '../support/test-cluster.ts';
import { api, sendBody } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';

const PASSWORD = 'a long enough password';
const NEW_PASSWORD = 'another long enough password';
/** Short, so that a killed process's runs are taken over soon; far shorter than the approval window. */
const LEASE_MS = 2_000;
/** How long a killed process's run may take to be failed by a survivor: its lease, then up to two sweeps. */
const TAKEOVER_TIMEOUT_MS = LEASE_MS + 3 * APPROVAL_SWEEP_MS;
const RECHECK_MS = 200;
/** Three processes start one after the other on a busy machine. */
const SETUP_TIMEOUT_MS = 120_000;
/** A generous deadline for a frame that follows from a request. */
const FRAME_TIMEOUT_MS = 10_000;

/**
 * Agent runs and sessions with real server processes on one PostgreSQL database and one NATS
 * (issue 10): a run whose process is killed ends visibly, a retry is claimed once whatever
 * process it reaches, and a password set with `npm run admin` ends the sessions everywhere.
 */
describe.runIf(clusterAvailable)('runs and sessions across real processes on PostgreSQL', () => {
  let cluster: Cluster;
  let servers: ChildServer[];
  const sockets = new SocketTracker();
  let alice: Session;
  let bob: Session;
  let agentId: string;

  beforeAll(async () => {
    let people: { id: string; email: string }[] = [];
    agentId = randomUUID();
    // Users and the agent exist before the processes start, as `npm run admin` would have made them.
    cluster = await startCluster({
      processes: 3,
      env: {
        DEMO_AGENT_CHUNK_MS: '0',
        PROCESS_LEASE_MS: String(LEASE_MS),
        ACCOUNT_RECHECK_MS: String(RECHECK_MS),
      },
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
    // The test's own processes; a doomed one a test adds is killed by that test.
    servers = [...cluster.servers];
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
  /** The next durable event of the thread that passes `test`, as a socket got it. */
  const durable = (socket: TestSocket, threadId: string, test: (event: any) => boolean, label: string, timeoutMs = FRAME_TIMEOUT_MS) =>
    socket.next((f) => f.type === 'thread_event' && f.thread_id === threadId && test(f.data), timeoutMs, label).then((f) => f.data);
  const logOf = async (server: ChildServer, threadId: string, after: number) => {
    const page = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${after}&limit=200`, { token: alice.token });
    expect(page.status).toBe(200);
    return page.body.events as any[];
  };

  it(
    'SIGKILL of the process running a run that waits on approval: a client on another process sees the approval expire and the run fail; two retries at once on two processes start one run',
    { timeout: 90_000 },
    async () => {
      const [a, b] = servers as [ChildServer, ChildServer];
      // A fourth process runs the run, then dies.
      const doomed = await startChildServer(cluster.env);
      try {
        const created = await api(a, 'POST', '/chat/threads', {
          token: alice.token,
          body: { target_user_ids: [bob.user.id], agent_ids: [agentId], title: 'a run outlives its process' },
        });
        expect(created.status).toBe(201);
        const threadId: string = created.body.id;
        const onA = await connect(a, alice.token);
        const onB = await connect(b, bob.token);

        const sent = await api(doomed, 'POST', `/chat/threads/${threadId}/messages`, {
          token: alice.token,
          body: sendBody('/approve Quarterly report'),
        });
        expect(sent.status).toBe(201);
        const message = sent.body.message as { id: string; thread_seq: number };
        const pending = await durable(onA, threadId, (e) => e.event_type === 'approval_pending', 'approval_pending');
        const runId = pending.data.run_id as string;
        await doomed.kill();

        // Well before the approval's deadline (60 s), the survivors see the dead run end.
        for (const socket of [onA, onB]) {
          const expired = await durable(
            socket,
            threadId,
            (e) => e.event_type === 'approval_expired',
            'approval_expired',
            TAKEOVER_TIMEOUT_MS,
          );
          expect(expired.data).toMatchObject({ approval_id: pending.data.approval_id, run_id: runId, decision: 'expired' });
          const failed = await durable(socket, threadId, (e) => e.event_type === 'run_failed', 'run_failed', TAKEOVER_TIMEOUT_MS);
          expect(failed).toMatchObject({
            sender_id: `agent:${agentId}`,
            data: { run_id: runId, message_id: message.id, error: PROCESS_STOPPED_ERROR },
          });
          const end = await socket.next(
            (f) => f.type === 'thread_runtime' && f.data.run_id === runId && f.data.event_type === 'intake_failed',
            FRAME_TIMEOUT_MS,
            'intake_failed',
          );
          expect(end.data).toMatchObject({ in_reply_to: message.id, agent_id: `agent:${agentId}`, error: PROCESS_STOPPED_ERROR });
        }
        const log = await logOf(a, threadId, message.thread_seq);
        expect(log.map((event) => [event.event_type, event.data.run_id])).toEqual([
          ['approval_pending', runId],
          ['approval_expired', runId],
          ['run_failed', runId],
        ]);
        // A decision on the dead run's approval comes too late.
        const late = await api(b, 'POST', `/chat/threads/${threadId}/approvals/${pending.data.approval_id}`, {
          token: bob.token,
          body: { decision: 'approve' },
        });
        expect(late.status).toBe(409);

        // Two retries at the same moment through two processes: one run starts, the other is a conflict.
        const retries = await Promise.all(
          [a, b].map((server, index) =>
            api(server, 'POST', `/chat/threads/${threadId}/runs/${runId}/retry`, { token: index === 0 ? alice.token : bob.token }),
          ),
        );
        expect(retries.map((retry) => retry.status).sort()).toEqual([202, 409]);
        expect(retries.find((retry) => retry.status === 409)!.body.error).toEqual({
          code: 'conflict',
          message: 'This run cannot be retried: it was already retried.',
          retryable: false,
        });
        const retryRunId = retryRunIdOf(runId);
        const again = await durable(
          onA,
          threadId,
          (e) => e.event_type === 'approval_pending' && e.data.run_id === retryRunId,
          "the retry's approval_pending",
        );
        const decided = await api(b, 'POST', `/chat/threads/${threadId}/approvals/${again.data.approval_id}`, {
          token: bob.token,
          body: { decision: 'approve' },
        });
        expect(decided.status).toBe(200);
        await onA.next(
          (f) => f.type === 'thread_runtime' && f.data.run_id === retryRunId && f.data.event_type === 'intake_completed',
          FRAME_TIMEOUT_MS,
          'the end of the retry',
        );
        // One run answered: one approval, one tool call, one reply after the failure.
        const after = await logOf(a, threadId, log.at(-1).thread_seq);
        expect(after.map((event) => event.event_type)).toEqual([
          'approval_pending',
          'approval_resolved',
          'tool_call_started',
          'tool_call_completed',
          'message_committed',
        ]);
        expect(after[4]).toMatchObject({ sender_id: `agent:${agentId}`, data: { client_message_id: `run:${retryRunId}` } });
        expect(
          onA.frames.filter((f) => f.type === 'thread_runtime' && f.data.event_type === 'run_started').map((f) => f.data.run_id),
        ).toEqual([runId, retryRunId]);
        // A third retry anywhere is refused the same way.
        const third = await api(servers[2]!, 'POST', `/chat/threads/${threadId}/runs/${runId}/retry`, { token: alice.token });
        expect(third.status).toBe(409);
      } finally {
        await doomed.kill();
      }
    },
  );

  it(
    '`npm run admin -- set-password` ends the sessions on every process: old tokens get 401, open sockets close with 4001, the new password signs in',
    { timeout: 60_000 },
    async () => {
      const open = await Promise.all(servers.map((server) => connect(server, bob.token)));
      for (const server of servers) expect((await api(server, 'GET', '/me', { token: bob.token })).status).toBe(200);

      const changed = await runAdminCli(
        ['set-password', '--email', bob.user.email, '--password-stdin'],
        { DATABASE_URL: cluster.databaseUrl },
        NEW_PASSWORD,
      );
      expect(changed.stderr).toBe('');
      expect(changed.code).toBe(0);

      for (const server of servers) {
        const refused = await api(server, 'GET', '/me', { token: bob.token });
        expect(refused.status).toBe(401);
        expect(refused.body.error).toEqual({ code: 'unauthorized', message: SESSION_ENDED_MESSAGE, retryable: false });
      }
      for (const socket of open) expect(await socket.closed).toEqual({ code: 4001, reason: 'Password changed.' });
      // A new socket with the old token is refused at once.
      const late = sockets.track(TestSocket.open(userSocketUrl(servers[2]!.wsUrl, bob.token)));
      expect(await late.closed).toEqual({ code: 4001, reason: 'Password changed.' });

      const oldPassword = await api(servers[0]!, 'POST', '/auth/login', { body: { email: bob.user.email, password: PASSWORD } });
      expect(oldPassword.status).toBe(401);
      const signedIn = await api(servers[1]!, 'POST', '/auth/login', { body: { email: bob.user.email, password: NEW_PASSWORD } });
      expect(signedIn.status).toBe(200);
      const token = signedIn.body.token as string;
      for (const server of servers) expect((await api(server, 'GET', '/me', { token })).status).toBe(200);
      const fresh = await connect(servers[2]!, token);
      fresh.send({ type: 'ping' });
      expect(await fresh.nextOfType('pong')).toEqual({ type: 'pong' });
      // Alice's sessions are untouched.
      expect((await api(servers[2]!, 'GET', '/me', { token: alice.token })).status).toBe(200);
      bob = signedIn.body as Session;
    },
  );
});
