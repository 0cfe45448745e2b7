import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, createThread, startTestServer } from '../../../server/test/support/test-server.ts';
import type { WebSocketConstructor } from '../connection/websocket-transport.ts';
import { MemoryOutboxStore } from '../sync/outbox-store.ts';
import { createInboxEngine } from './create-inbox-engine.ts';
import type { Activity } from './sync-engine.ts';

/** How often a wait looks again. */
const POLL_MS = 20;
/** How long a wait on the real server may take before the test fails. */
const WAIT_MS = 20_000;

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('engine.markRead against the real server', () => {
  it('stores the read once and moves the summary once: the server’s thread_read echo changes nothing', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.close());
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id], title: 'reads' });
    for (const content of ['one', 'two']) {
      const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
        token: bob.token,
        body: { content, client_message_id: randomUUID() },
      });
      expect(sent.status).toBe(201);
    }

    const client = createInboxEngine({
      serverUrl: server.url,
      getToken: () => alice.token,
      userId: alice.user.id,
      outboxStore: new MemoryOutboxStore(),
      tabChannel: null,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    const { engine } = client;
    const activities: Activity[] = [];
    engine.onActivity((activity) => activities.push(activity));
    await engine.start();
    cleanups.push(() => client.stop());
    await waitFor(() => engine.getConnectionState().status === 'open', 'the socket to open');
    await engine.openThread(thread.id);
    const messages = () => engine.getThreadSnapshot(thread.id).items.filter((item) => item.kind === 'message');
    await waitFor(() => messages().length === 2, 'the two messages');
    const seq = engine.getThreadSnapshot(thread.id).health.appliedSeq;

    const before = activities.length;
    engine.markRead(thread.id, seq);
    engine.flushRead(thread.id);
    // Applied here at once, then echoed by the server to every socket of the user, this one's too.
    await waitFor(() => activities.slice(before).filter((activity) => activity.kind === 'read').length === 2, 'the echo');
    const summaries = activities.slice(before).flatMap((activity) => (activity.kind === 'summary' ? [activity.summary.readSeq] : []));
    expect(summaries).toEqual([seq]);

    const listed = await api(server, 'GET', '/chat/threads', { token: alice.token });
    expect(listed.status).toBe(200);
    expect(listed.body.threads.find((item: { id: string }) => item.id === thread.id)).toMatchObject({ read_seq: seq, unread_count: 0 });
  });
});
