import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterAvailable, createUsers, signIn, startCluster, type Cluster } from '../support/cluster.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { api, sendBody } from '../support/test-server.ts';
import { SocketTracker, TestSocket, sleep, userSocketUrl } from '../support/test-socket.ts';

const PASSWORD = 'a long enough password';
/** Three server processes start in the setup: on a busy machine that takes a while. */
const SETUP_TIMEOUT_MS = 120_000;
/** A client gives up on a request after this long (and retries it elsewhere with the same client_message_id). */
const CLIENT_DEADLINE_MS = 10_000;
/** Senders of the burst, each sending one message after another, spread over the three processes. */
const BURST_SENDERS = 9;
/** Freezes tried until one lands inside a transaction (on today's code none can: then the last one stays). */
const FREEZE_ATTEMPTS = 10;
/** Sends answered between two freezes, so that every process's lanes are busy again. */
const SENDS_BETWEEN_FREEZES = 15;
/** How often, and how many times at most, the frozen process's backends are looked at until none is mid-statement. */
const SETTLE_POLL_MS = 50;
const SETTLE_POLLS = 40;
/** Sends each live process makes to each thread while the other is frozen. */
const SENDS_WHILE_FROZEN = 3;

type Session = { token: string; user: { id: string } };
type Backend = { state: string; wait_event: string | null; wrote: boolean };
/** What the client saw of one send: every try's status (or "no answer"), and the message it got in the end. */
interface Sent {
  clientMessageId: string;
  threadId: string;
  tries: { server: number; status: number | 'no answer'; body: unknown }[];
  seq: number | null;
}

/**
 * Issue 22: one process frozen (SIGSTOP) in the middle of a burst of grouped commits must
 * not stop the other two committing, to the same thread or any other. PostgreSQL's view of
 * the frozen process's connections (`pg_stat_activity`, told apart by `PGAPPNAME`) shows
 * whether the freeze caught it inside a transaction: on the old send path (BEGIN, the
 * statements, COMMIT only after their answers came back) it soon does, holding the thread's
 * row lock; now a group is one statement, which PostgreSQL finishes by itself.
 */
describe.runIf(clusterAvailable)('a frozen process (SIGSTOP) amid grouped commits', () => {
  let cluster: Cluster;
  let servers: ChildServer[];
  const sessions: Session[] = [];
  const sockets = new SocketTracker();
  const frozenApp = `ama2-frozen-${randomUUID().slice(0, 8)}`;
  let monitor: postgres.Sql;

  beforeAll(async () => {
    let users: { email: string }[] = [];
    cluster = await startCluster({
      processes: 3,
      env: { RATE_LIMIT_MESSAGES_PER_MIN: '100000' },
      // Process 0 is the one to freeze: its connections carry their own application_name.
      envOf: (index) => (index === 0 ? { PGAPPNAME: frozenApp } : {}),
      async prepare(storage) {
        const people = [0, 1].map((index) => ({ email: `frozen${index}-${randomUUID()}@example.com`, name: `User ${index}` }));
        users = await createUsers(storage, people, PASSWORD);
      },
    });
    ({ servers, sql: monitor } = cluster);
    for (const [index, user] of users.entries()) sessions.push(await signIn(servers[index]!, user.email, PASSWORD));
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await sockets.closeAll();
    // A frozen process is woken by the stop.
    await cluster?.stop();
  });

  /**
   * The frozen process's backends once none is running a statement any more (PostgreSQL
   * finishes those by itself): their state, and whether their transaction has written
   * (`backend_xid`), which on the send path means it holds a thread's row lock.
   */
  async function settledBackends(): Promise<Backend[]> {
    let backends: Backend[] = [];
    for (let poll = 0; poll < SETTLE_POLLS; poll++) {
      backends = [
        ...(await monitor<Backend[]>`
          SELECT state, wait_event, backend_xid IS NOT NULL AS wrote FROM pg_stat_activity WHERE application_name = ${frozenApp}`),
      ];
      if (!backends.some(running)) break;
      await sleep(SETTLE_POLL_MS);
    }
    return backends;
  }
  /**
   * Still running a statement PostgreSQL can finish by itself. A backend that is `active` but
   * waits on `ClientRead` is waiting for the rest of a message the frozen client had not yet
   * sent (the driver writes a query in parts): it cannot go on until the process wakes.
   */
  const running = (backend: Backend) => backend.state === 'active' && backend.wait_event !== 'ClientRead';
  /** Inside a transaction, between statements or waiting on the frozen client for the next one. */
  const inTransaction = (backends: Backend[]) =>
    backends.filter(
      (backend) => backend.state.startsWith('idle in transaction') || (backend.state === 'active' && backend.wrote && !running(backend)),
    );

  /** A send as a client makes it: a deadline per try; no answer or a retryable error, and it tries again on a live process with the same id. */
  async function send(sent: Sent, session: Session, firstServer: number, isLive: (server: number) => boolean): Promise<void> {
    let server = firstServer;
    for (let attempt = 0; attempt < 4; attempt++) {
      let status: number | 'no answer';
      let body: unknown = null;
      try {
        const response = await fetch(`${servers[server]!.url}/api/v1/chat/threads/${sent.threadId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
          body: JSON.stringify(sendBody(`burst ${sent.clientMessageId}`, sent.clientMessageId)),
          signal: AbortSignal.timeout(CLIENT_DEADLINE_MS),
        });
        status = response.status;
        body = await response.json();
      } catch {
        status = 'no answer';
      }
      sent.tries.push({ server, status, body });
      if (status === 200 || status === 201) {
        sent.seq = (body as { message: { thread_seq: number } }).message.thread_seq;
        return;
      }
      const retryable = status === 'no answer' || (body as { error?: { retryable?: boolean } })?.error?.retryable === true;
      if (!retryable) return;
      do server = (server + 1) % servers.length;
      while (!isLive(server));
    }
  }

  it(
    'the other two commit to the frozen thread and another meanwhile; every message once, dense, on every socket; every answer in time and in shape',
    { timeout: 180_000 },
    async () => {
      const [a, b] = sessions as [Session, Session];
      const threadIds: string[] = [];
      for (const title of ['burst', 'another']) {
        const created = await api(servers[1]!, 'POST', '/chat/threads', { token: a.token, body: { target_user_ids: [b.user.id], title } });
        expect(created.status).toBe(201);
        threadIds.push(created.body.id);
      }
      const [burstThread, otherThread] = threadIds as [string, string];
      const socketsOnEvery = await Promise.all(
        servers.flatMap((server) =>
          [a, b].map(async (session) => {
            const socket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, session.token)));
            await socket.ready();
            return socket;
          }),
        ),
      );

      let frozen = false;
      const isLive = (server: number) => server !== 0 || !frozen;
      const sends: Sent[] = [];
      const newSend = (threadId: string): Sent => {
        const sent: Sent = { clientMessageId: randomUUID(), threadId, tries: [], seq: null };
        sends.push(sent);
        return sent;
      };
      let bursting = true;
      let answered = 0;
      const burst = Array.from({ length: BURST_SENDERS }, async (_, sender) => {
        while (bursting) {
          await send(newSend(burstThread), sessions[sender % 2]!, sender % servers.length, isLive);
          answered++;
        }
      });

      // Freeze process 0 until the freeze lands inside one of its transactions holding a
      // thread's row, or the attempts run out (then it stays frozen).
      const backendsSeen: Backend[][] = [];
      let caughtHoldingRow = false;
      for (let attempt = 0; attempt < FREEZE_ATTEMPTS && !caughtHoldingRow; attempt++) {
        const start = answered;
        while (answered - start < SENDS_BETWEEN_FREEZES) await sleep(SETTLE_POLL_MS);
        servers[0]!.process.kill('SIGSTOP');
        frozen = true;
        const backends = await settledBackends();
        backendsSeen.push(backends);
        caughtHoldingRow = inTransaction(backends).some((backend) => backend.wrote);
        if (!caughtHoldingRow && attempt < FREEZE_ATTEMPTS - 1) {
          servers[0]!.process.kill('SIGCONT');
          frozen = false;
        }
      }

      // Still frozen: the other two processes commit to the same thread and to another one.
      const whileFrozen = [burstThread, otherThread].flatMap((threadId) =>
        [1, 2].flatMap((server) =>
          Array.from({ length: SENDS_WHILE_FROZEN }, () => {
            const sent = newSend(threadId);
            return send(sent, sessions[server - 1]!, server, isLive).then(() => sent);
          }),
        ),
      );
      const committedWhileFrozen = await Promise.all(whileFrozen);
      const backendsAfterwards = await settledBackends();
      servers[0]!.process.kill('SIGCONT');
      frozen = false;
      bursting = false;
      await Promise.all(burst);

      // One look at all that matters, so that a failure shows the whole picture.
      expect({
        inTransactionAtFreezes: backendsSeen.flatMap(inTransaction),
        inTransactionAfterwards: inTransaction(backendsAfterwards),
        // Answered while the other process was frozen, at the first try.
        whileFrozen: committedWhileFrozen.map((sent) => sent.tries.map((t) => t.status)),
        // No request without an answer past the client's deadline.
        unanswered: sends.flatMap((sent) => sent.tries).filter((t) => t.status === 'no answer').length,
      }).toEqual({
        inTransactionAtFreezes: [],
        inTransactionAfterwards: [],
        whileFrozen: committedWhileFrozen.map(() => [201]),
        unanswered: 0,
      });
      expect(backendsSeen.length).toBe(FREEZE_ATTEMPTS);
      // Every error (a retryable one, tried again) in the contract's shape.
      for (const t of sends.flatMap((sent) => sent.tries).filter((t) => t.status !== 200 && t.status !== 201)) {
        expect(t.body).toEqual({ error: { code: expect.any(String), message: expect.any(String), retryable: expect.any(Boolean) } });
      }
      expect(sends.filter((sent) => sent.seq === null)).toEqual([]);

      // Every message once, the log dense: one event per send, in the thread it was sent to.
      for (const threadId of threadIds) {
        const events: { thread_seq: number; event_type: string; data: { client_message_id?: string } }[] = [];
        for (let more = true; more;) {
          const page = await api(servers[1]!, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${events.length}&limit=200`, {
            token: a.token,
          });
          events.push(...page.body.events);
          more = page.body.has_more;
        }
        expect(events.map((event) => event.thread_seq)).toEqual(events.map((_, index) => index + 1));
        const committedIds = events
          .filter((event) => event.event_type === 'message_committed')
          .map((event) => event.data.client_message_id);
        const sentHere = sends.filter((sent) => sent.threadId === threadId);
        expect([...committedIds].sort()).toEqual(sentHere.map((sent) => sent.clientMessageId).sort());
        expect(sentHere.map((sent) => sent.seq).sort((x, y) => x! - y!)).toEqual(
          events.filter((event) => event.event_type === 'message_committed').map((event) => event.thread_seq),
        );
      }

      // A barrier through each process: then every socket, on every process, has every message of both threads.
      const barriers: Sent[] = [];
      for (const [server] of servers.entries()) {
        for (const threadId of threadIds) {
          const sent = newSend(threadId);
          await send(sent, a, server, () => true);
          barriers.push(sent);
        }
      }
      for (const socket of socketsOnEvery) {
        for (const barrier of barriers) {
          await socket.next(
            (f) => f.type === 'thread_message' && f.thread_id === barrier.threadId && f.data.thread_seq === barrier.seq,
            10_000,
          );
        }
        for (const threadId of threadIds) {
          const received = socket.frames
            .filter((frame) => frame.type === 'thread_message' && frame.thread_id === threadId)
            .map((frame) => frame.data.thread_seq as number)
            .sort((x, y) => x - y);
          const expected = sends
            .filter((sent) => sent.threadId === threadId)
            .map((sent) => sent.seq!)
            .sort((x, y) => x - y);
          expect(received).toEqual(expected);
        }
      }
    },
  );
});
