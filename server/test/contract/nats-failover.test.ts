import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsUrl } from '../support/nats.ts';
import { startChildServer, startTestCluster, type TestCluster } from '../support/test-cluster.ts';
import { api, createThread, sendBody, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';

const MESSAGES = 120;
/** Sends in flight at once, spread over the surviving processes. */
const SENDERS = 6;
/** Messages the socket on the doomed process sees before it is killed. */
const SEEN_BEFORE_KILL = 20;

/** A server process killed with SIGKILL in the middle of a conversation (issue 10). */
describe.runIf(natsUrl)('a process killed mid-traffic', () => {
  let cluster: TestCluster;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    cluster = await startTestCluster(natsUrl!, 2);
    [a, b] = cluster.servers as [TestServer, TestServer];
  });
  afterAll(() => cluster?.close());

  it(
    'loses nothing: its client reconnects to another process, catches up by thread_seq, and every seq comes once per socket',
    { timeout: 60_000 },
    async () => {
      const alice = await a.addUser('Alice');
      const bob = await a.addUser('Bob');
      const thread = await createThread(a, alice.token, { target_user_ids: [bob.user.id] });
      const child = await startChildServer(cluster.env);
      try {
        const before = TestSocket.open(userSocketUrl(child.wsUrl, bob.token));
        await before.ready();

        let next = 0;
        const sending = Promise.all(
          Array.from({ length: SENDERS }, async (_, sender) => {
            const statuses: number[] = [];
            for (let index = next++; index < MESSAGES; index = next++) {
              const server = [a, b][sender % 2]!;
              const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
                token: alice.token,
                body: sendBody(`m${index}`),
              });
              statuses.push(sent.status);
            }
            return statuses;
          }),
        );
        const seqsOf = (socket: TestSocket) =>
          socket.frames.filter((f) => f.type === 'thread_message' && f.thread_id === thread.id).map((f) => f.data.thread_seq as number);
        await before.next(() => seqsOf(before).length >= SEEN_BEFORE_KILL, 10_000, `${SEEN_BEFORE_KILL} messages`);
        await child.kill();
        await before.closed;

        // The client's reconnect: another process, then the log after the last seq it has.
        const after = TestSocket.open(userSocketUrl(a.wsUrl, bob.token));
        await after.ready();
        const seen = new Set(seqsOf(before));
        const caughtUp: number[] = [];
        // Like the client's appliedSeq: the end of the unbroken run seen (frames from several processes interleave).
        let applied = thread.last_seq;
        while (seen.has(applied + 1)) applied++;
        for (let cursor = applied; ;) {
          const page = await api(a, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=${cursor}&limit=200`, { token: bob.token });
          caughtUp.push(...page.body.events.map((event: { thread_seq: number }) => event.thread_seq));
          cursor = page.body.events.at(-1)?.thread_seq ?? cursor;
          if (!page.body.has_more) break;
        }
        const statuses = (await sending).flat();
        expect(statuses).toEqual(statuses.map(() => 201));

        const last = thread.last_seq + MESSAGES;
        // Whatever the catch-up did not have yet comes live on the new socket (subscribed before it).
        if (!caughtUp.includes(last)) await after.next(() => seqsOf(after).includes(last), 10_000, 'the last message');
        const all = new Set([...seen, ...caughtUp, ...seqsOf(after)]);
        const expected = Array.from({ length: MESSAGES }, (_, index) => thread.last_seq + 1 + index);
        expect([...all].filter((seq) => seq > thread.last_seq).sort((x, y) => x - y)).toEqual(expected);
        // Each socket got each seq at most once.
        for (const socket of [before, after]) expect(new Set(seqsOf(socket)).size).toBe(seqsOf(socket).length);
        // The log itself: dense, each message once.
        const log = await api(a, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=${thread.last_seq}&limit=200`, {
          token: bob.token,
        });
        expect(log.body.events.map((event: { thread_seq: number }) => event.thread_seq)).toEqual(expected);
        expect(new Set(log.body.events.map((event: { content: string }) => event.content)).size).toBe(MESSAGES);
        await after.close();
      } finally {
        await child.kill();
      }
    },
  );
});
