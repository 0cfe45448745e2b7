import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createThread, startTestServer, type TestServer } from '../../../server/test/support/test-server.ts';
import type { WebSocketConstructor } from '../connection/websocket-transport.ts';
import type { InboundThread } from '../protocol/rest-schemas.ts';
import { MemoryOutboxStore } from '../sync/outbox-store.ts';
import { createInboxEngine } from './create-inbox-engine.ts';
import type { InboxSyncEngine } from './inbox-sync-engine.ts';
import { mergeSummary, type ThreadSummary } from './thread-summaries.ts';

/**
 * The thread list's stale-vs-fresh oracle (after Zulip's): a list fetched once and then kept
 * current from the live events alone (what `useThreadListSync` does: each summary the engine
 * emits, merged with `mergeSummary`) must equal the list fetched afresh from the real server,
 * whatever happened in between: messages from others and from me, reads here or elsewhere,
 * up to the end or part way. One real server for all the cases, a new thread for each.
 */

/** Cases per run: each is a new thread and a few dozen requests on the one server. */
const RUNS = 40;
/** What one case does at most before the lists are compared. */
const MAX_STEPS = 12;
/** A generous deadline for the engine to hear what the server committed. */
const SETTLE_TIMEOUT_MS = 10_000;
const POLL_MS = 10;

/** A read up to the end, or part way (`at` picks the seq). */
type Step = { op: 'send'; who: 'alice' | 'bob' } | { op: 'read'; upTo: 'end' | 'part'; at: number } | { op: 'stale' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('send' as const), who: fc.constantFrom('alice' as const, 'bob' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('read' as const), upTo: fc.constantFrom('end' as const, 'part' as const), at: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'stale' as const }) },
);

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** What the list shows of a thread and the live events change: the rest (title, people) only a refetch brings. */
const shown = (thread: InboundThread) => ({
  last_seq: thread.last_seq,
  read_seq: thread.read_seq,
  unread_count: thread.unread_count,
  last_message: thread.last_message,
  updated_at: thread.updated_at,
});

describe('the thread list kept current from live events (oracle)', () => {
  let server: TestServer;
  let alice: { token: string; user: { id: string } };
  let bob: { token: string; user: { id: string } };
  let engine: InboxSyncEngine;
  /** Every summary the engine emitted, in order, as the list's sync hears them. */
  const summaries: { threadId: string; summary: ThreadSummary }[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    bob = await server.login('bob@example.com');
    ({ engine } = createInboxEngine({
      serverUrl: server.url,
      getToken: () => alice.token,
      userId: alice.user.id,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      fetch,
      outboxStore: new MemoryOutboxStore(),
    }));
    engine.onActivity((activity) => {
      if (activity.kind === 'summary') summaries.push({ threadId: activity.threadId, summary: activity.summary });
    });
    await engine.start();
    await waitFor(() => engine.getConnectionState().status === 'open', 'the socket to open');
  });
  afterAll(async () => {
    engine?.stop();
    await server?.close();
  });

  const fetchThread = async (threadId: string): Promise<InboundThread> => {
    const response = await api(server, 'GET', `/chat/threads/${threadId}`, { token: alice.token });
    expect(response.status).toBe(200);
    return response.body as InboundThread;
  };

  it('applying the live events to a stale list equals a fresh fetch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: MAX_STEPS }), async (steps) => {
        const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id], title: `oracle ${randomUUID()}` });
        let lastSeq = thread.last_seq as number;
        let readSeq = 0;
        let stale = await fetchThread(thread.id);
        let heardFrom = summaries.length;
        for (const [index, action] of steps.entries()) {
          if (action.op === 'send') {
            const who = action.who === 'alice' ? alice : bob;
            const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
              token: who.token,
              body: { content: `${action.who} ${index}`, client_message_id: randomUUID() },
            });
            expect(sent.status).toBe(201);
            lastSeq = sent.body.message.thread_seq;
          } else if (action.op === 'read' && lastSeq > 0) {
            // Read elsewhere (another device): the server tells this client with thread_read.
            const seq = action.upTo === 'end' ? lastSeq : 1 + (action.at % lastSeq);
            const read = await api(server, 'POST', `/chat/threads/${thread.id}/read`, { token: alice.token, body: { seq } });
            expect(read.status).toBe(200);
            readSeq = Math.max(readSeq, seq);
          } else if (action.op === 'stale') {
            // The list is fetched again here: from now on only later events are merged into it.
            await waitFor(() => engine.getThreadSummary(thread.id).lastSeq >= lastSeq, 'the engine to hear every commit');
            stale = await fetchThread(thread.id);
            heardFrom = summaries.length;
          }
        }
        await waitFor(
          () => engine.getThreadSummary(thread.id).lastSeq >= lastSeq && engine.getThreadSummary(thread.id).readSeq >= readSeq,
          'the engine to hear every commit and read',
        );
        let kept = stale;
        for (const { threadId, summary } of summaries.slice(heardFrom)) {
          if (threadId === thread.id) kept = mergeSummary(kept, summary, () => new Date().toISOString());
        }
        expect(shown(kept)).toEqual(shown(await fetchThread(thread.id)));
      }),
      { numRuns: RUNS },
    );
  });
});
