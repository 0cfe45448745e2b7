import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { ThreadRuntimeClient, type TopicEvent } from '../../../src/core/api/thread-runtime-client.ts';
import type { WebSocketConstructor } from '../../../src/core/connection/websocket-transport.ts';
import { DEMO_PASSWORD, seedDemoData } from '../../src/storage/seed-demo-data.ts';
import { clusterAvailable, signIn, startCluster, type Cluster, type Session } from '../support/cluster.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { api, sendBody } from '../support/test-server.ts';

/** Messages committed per thread and phase: enough for the frames of processes to interleave. */
const MESSAGES_PER_PHASE = 15;
/** Deadline for "the cluster has delivered it". */
const EVENTUALLY = { timeout: 20_000, interval: 25 };

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

const seqsOf = (events: TopicEvent[], threadId: string) =>
  events.filter((item) => item.event.thread_id === threadId && item.event.thread_seq !== undefined).map((item) => item.event.thread_seq);

/**
 * The SDK's topic iterator on three processes (issue 21, step 2): its one socket is on A, A
 * is SIGKILLed while Bob writes through B and C, and the SDK reconnects to the next of its
 * base URLs with `from` its last seqs: every seq of each thread exactly once, in order.
 */
describe.runIf(clusterAvailable)('ThreadRuntimeClient.subscribe on three processes (PostgreSQL + NATS)', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ processes: 3, prepare: seedDemoData });
  });
  afterAll(() => cluster?.stop());

  it('reconnects to B when its process A is killed, and misses nothing committed on B and C meanwhile', async () => {
    const [a, b, c] = cluster.servers as [ChildServer, ChildServer, ChildServer];
    const org = cluster.env.NATS_ORG!;
    const alice: Session = await signIn(a, 'alice@example.com', DEMO_PASSWORD);
    const bob: Session = await signIn(b, 'bob@example.com', DEMO_PASSWORD);
    const issued = await api(a, 'POST', '/agents/demo/tokens', { token: alice.token });
    expect(issued.status).toBe(201);
    const token = issued.body.token as string;
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
    const startSeq = Object.fromEntries(
      await Promise.all(threads.map(async (id) => [id, (await api(a, 'GET', `/chat/threads/${id}`, { token })).body.last_seq as number])),
    ) as Record<string, number>;

    // The sockets the SDK opens, in order: which process each is on.
    const opened: string[] = [];
    const Recording = class extends WebSocket {
      constructor(url: string, protocols?: string[]) {
        opened.push(url);
        super(url, protocols);
      }
    };
    const client = new ThreadRuntimeClient({
      baseURL: a.url,
      socketBaseURLs: [a.url, b.url, c.url],
      token,
      WebSocket: Recording as unknown as WebSocketConstructor,
      reconnect: { baseMs: 50, capMs: 200 },
    });
    const iterator = client.subscribe(`events.${org}.chat.thread.*.*`, { from: startSeq });
    const events: TopicEvent[] = [];
    const reading = (async () => {
      for await (const item of iterator) events.push(item);
    })();

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
    await vi.waitFor(() => {
      expect(seqsOf(events, onB)).toEqual(range(startSeq[onB]! + 1, lastB));
      expect(seqsOf(events, onC)).toEqual(range(startSeq[onC]! + 1, lastC));
    }, EVENTUALLY);
    expect(opened).toEqual([`${a.wsUrl}/api/v1/chat/ws/agent`]);
    expect(events.find((item) => item.event.thread_id === onB)?.topic).toBe(`events.${org}.chat.thread.message_committed.${onB}`);

    // A dies without a goodbye while Bob goes on writing through B and C.
    const during = Promise.all([commit(b, onB, 'while A is gone, via B'), commit(c, onC, 'while A is gone, via C')]);
    await a.kill();
    const [endB, endC] = await during;
    const more = await commit(c, onB, 'after, via C');
    await vi.waitFor(() => {
      expect(seqsOf(events, onB)).toEqual(range(startSeq[onB]! + 1, more));
      expect(seqsOf(events, onC)).toEqual(range(startSeq[onC]! + 1, endC));
    }, EVENTUALLY);
    expect(endB).toBeLessThan(more);
    expect(opened[1]).toBe(`${b.wsUrl}/api/v1/chat/ws/agent`);

    await iterator.return?.();
    await reading;
  });
});
