import { copyFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../server/src/app.ts';
import { api, createThread, startTestServer } from '../../../server/test/support/test-server.ts';
import { identityClaims, signIdentityToken } from '../../../server/test/support/visitors.ts';
import { createPublicApi } from '../api/public-api.ts';
import type { Connection } from '../connection/connection.ts';
import type { WebSocketConstructor } from '../connection/websocket-transport.ts';
import { MemoryOutboxStore } from '../sync/outbox-store.ts';
import { createInboxEngine } from './create-inbox-engine.ts';
import { createVisitorEngine } from './create-visitor-engine.ts';
import type { InboxSyncEngine } from './inbox-sync-engine.ts';

/**
 * The engine against the real local server over real sockets: the failures users meet
 * (a dropped socket, a server restart, a database reset, a lost response) must end with
 * every message once, in order, and nothing that the server does not have.
 */

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Client {
  engine: InboxSyncEngine;
  connection: Connection;
  /** Live sockets the engine opened; a test can cut them like a network would. */
  sockets: WebSocket[];
  /** While true, new sockets go nowhere and requests fail (the network is down). */
  blocked: { value: boolean };
  userId: string;
}

function connect(server: { url: string; wsUrl: string }, token: string, userId: string, fetchImpl: typeof fetch = fetch): Client {
  const sockets: WebSocket[] = [];
  const blocked = { value: false };
  const SocketClass = class extends WebSocket {
    constructor(url: string, protocols?: string[]) {
      // A blocked network: the connection attempt fails like an unreachable host.
      super(blocked.value ? 'ws://127.0.0.1:9/unreachable' : url, protocols);
      sockets.push(this);
    }
  } as unknown as WebSocketConstructor;
  const { engine, connection } = createInboxEngine({
    serverUrl: server.url,
    getToken: () => token,
    userId,
    WebSocket: SocketClass,
    // The network is down for every request of the client, not only its socket: else, on a slow
    // machine, the fallbacks (SSE, polling) would fetch what the test sends meanwhile.
    fetch: (input, init) => (blocked.value ? Promise.reject(new TypeError('fetch failed: the network is down')) : fetchImpl(input, init)),
    outboxStore: new MemoryOutboxStore(),
  });
  return { engine, connection, sockets, blocked, userId };
}

const messagesOf = (client: Client, threadId: string) =>
  client.engine.getThreadSnapshot(threadId).items.flatMap((item) => (item.kind === 'message' ? [item.message] : []));

async function serverLog(server: { url: string }, token: string, threadId: string) {
  const events: { thread_seq: number; content: string | null; event_type: string; data: { message_id?: string } }[] = [];
  for (let after = 0; ;) {
    const page = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${after}&limit=200`, { token });
    events.push(...page.body.events);
    after = events.at(-1)?.thread_seq ?? after;
    if (!page.body.has_more) return events;
  }
}

async function sendAs(server: { url: string }, token: string, threadId: string, contents: string[]) {
  for (const content of contents) {
    const response = await api(server, 'POST', `/chat/threads/${threadId}/messages`, {
      token,
      body: { content, client_message_id: randomUUID() },
    });
    expect(response.status).toBe(201);
  }
}

/** The engine's thread equals the server's log: same messages, same seqs, once each, in order. */
async function expectSameAsServer(client: Client, server: { url: string }, token: string, threadId: string) {
  const log = (await serverLog(server, token, threadId)).filter((event) => event.event_type === 'message_committed');
  const held = messagesOf(client, threadId);
  const heldFrom = held[0]?.seq ?? 1;
  expect(held.map((message) => [message.seq, message.id, message.content])).toEqual(
    log.filter((event) => event.thread_seq >= heldFrom).map((event) => [event.thread_seq, event.data.message_id, event.content]),
  );
  // Every frame the real server sent passed the client's schemas.
  expect(client.engine.metrics.invalidFrames).toBe(0);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world() {
  const server = await startTestServer();
  cleanups.push(() => server.close());
  const alice = await server.login('alice@example.com');
  const bob = await server.login('bob@example.com');
  const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id], title: 'sync' });
  return { server, alice, bob, thread };
}

async function started(client: Client, threadId: string) {
  await client.engine.start();
  cleanups.push(() => client.engine.stop());
  await waitFor(() => client.engine.getConnectionState().status === 'open', 'the socket to open');
  await client.engine.openThread(threadId);
}

describe('SyncEngine against the real server', () => {
  it('applies all 100 messages sent while its socket was down, once each, in order', async () => {
    const { server, alice, bob, thread } = await world();
    const client = connect(server, alice.token, alice.user.id);
    await started(client, thread.id);
    await sendAs(server, bob.token, thread.id, ['before the drop']);
    await waitFor(() => messagesOf(client, thread.id).length === 1, 'the first message');

    client.blocked.value = true;
    for (const socket of client.sockets) socket.terminate();
    await waitFor(() => client.engine.getConnectionState().status !== 'open', 'the drop to be noticed');
    const missed = Array.from({ length: 100 }, (_, i) => `while you were away ${i + 1}`);
    await sendAs(server, bob.token, thread.id, missed);
    expect(messagesOf(client, thread.id)).toHaveLength(1);

    client.blocked.value = false;
    client.connection.retryNow();
    await waitFor(() => messagesOf(client, thread.id).length === 101, 'the catch-up', 30_000);
    expect(messagesOf(client, thread.id).map((message) => message.content)).toEqual(['before the drop', ...missed]);
    await expectSameAsServer(client, server, alice.token, thread.id);
    expect(client.engine.getThreadSnapshot(thread.id).health.status).toBe('synced');
  });

  it('recovers by itself when the server restarts mid-conversation, and delivers what was sent meanwhile once', async () => {
    const { server, alice, bob, thread } = await world();
    const client = connect(server, alice.token, alice.user.id);
    await started(client, thread.id);
    await sendAs(server, bob.token, thread.id, ['one', 'two']);
    await waitFor(() => messagesOf(client, thread.id).length === 2, 'the first messages');

    const port = Number(new URL(server.url).port);
    await server.app.close();
    await waitFor(() => client.engine.getConnectionState().status === 'reconnecting', 'reconnecting after 4503');
    // Written while the server is down: it waits in the outbox.
    await client.engine.send(thread.id, 'sent during the restart');

    const restarted: App = await createApp({ ...server.config, port });
    await restarted.listen();
    cleanups.push(() => restarted.close());
    const live = { url: server.url, wsUrl: server.wsUrl };
    await sendAs(live, bob.token, thread.id, ['three', 'four']);
    client.connection.retryNow();
    await waitFor(() => messagesOf(client, thread.id).length === 5, 'catch-up after the restart', 30_000);
    await waitFor(() => client.engine.outbox.list(thread.id).length === 0, 'the outbox to empty');
    const contents = messagesOf(client, thread.id).map((message) => message.content);
    expect(contents.slice(0, 2)).toEqual(['one', 'two']);
    expect([...contents.slice(2)].sort()).toEqual(['four', 'sent during the restart', 'three']);
    await expectSameAsServer(client, live, alice.token, thread.id);
  });

  it('reloads a thread whose server log went back (database restored from a backup): no ghost messages', async () => {
    const { server, alice, bob, thread } = await world();
    const port = Number(new URL(server.url).port);
    await sendAs(server, bob.token, thread.id, ['kept 1', 'kept 2']);
    // Take a backup of the database file with the server stopped.
    await server.app.close();
    const backup = `${server.config.databasePath}.backup`;
    copyFileSync(server.config.databasePath, backup);
    cleanups.push(() => rmSync(backup, { force: true }));
    let app = await createApp({ ...server.config, port });
    await app.listen();
    const live = { url: server.url, wsUrl: server.wsUrl };

    const client = connect(live, alice.token, alice.user.id);
    await started(client, thread.id);
    await sendAs(live, bob.token, thread.id, ['lost 1', 'lost 2', 'lost 3']);
    await waitFor(() => messagesOf(client, thread.id).length === 5, 'all five messages');

    // The server goes back to the backup: the last three messages never happened.
    await app.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${server.config.databasePath}${suffix}`, { force: true });
    copyFileSync(backup, server.config.databasePath);
    app = await createApp({ ...server.config, port });
    await app.listen();
    cleanups.push(() => app.close());
    await sendAs(live, bob.token, thread.id, ['after the restore']);
    client.connection.retryNow();
    await waitFor(
      () =>
        messagesOf(client, thread.id)
          .map((message) => message.content)
          .join('|') === 'kept 1|kept 2|after the restore',
      'the reload',
      30_000,
    );
    await expectSameAsServer(client, live, alice.token, thread.id);
  });

  it('retries a send whose response was lost, and the server commits it once', async () => {
    const { server, alice, thread } = await world();
    let lost = 0;
    const losingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && String(input).endsWith('/messages') && lost === 0) {
        lost++;
        // The server committed it, but the answer never arrives.
        throw new TypeError('network connection lost');
      }
      return response;
    };
    const client = connect(server, alice.token, alice.user.id, losingFetch);
    await started(client, thread.id);
    const item = await client.engine.send(thread.id, 'exactly once, please');
    await waitFor(() => client.engine.outbox.list(thread.id).length === 0, 'the retry to land', 30_000);
    expect(lost).toBe(1);
    const committed = (await serverLog(server, alice.token, thread.id)).filter((event) => event.content === 'exactly once, please');
    expect(committed).toHaveLength(1);
    expect(messagesOf(client, thread.id).filter((message) => message.content === 'exactly once, please')).toHaveLength(1);
    expect(messagesOf(client, thread.id).at(-1)?.clientMessageId).toBe(item.clientMessageId);
  });
});

describe('the visitor engine against the real server', () => {
  it('talks to the demo agent over the public socket: the reply streams, then commits once', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.close());
    const publicApi = createPublicApi({ serverUrl: server.url });
    const email = 'visitor@example.com';
    const resolved = await publicApi.resolveThread('demo', { email, name: 'Vera' }, null);
    const threadId = resolved.thread_id;
    const visitorId = resolved.sender_id!;
    const { engine, connection } = createVisitorEngine({
      serverUrl: server.url,
      slug: 'demo',
      visitorToken: resolved.visitor_token!,
      email: resolved.email ?? email,
      threadId,
      selfSenderId: visitorId,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      outboxStore: new MemoryOutboxStore(),
    });
    await engine.start();
    cleanups.push(() => engine.stop());
    await waitFor(() => engine.getConnectionState().status === 'open', 'the public socket to open');
    await engine.openThread(threadId);
    await engine.send(threadId, 'Hello agent');
    await waitFor(() => engine.getThreadSnapshot(threadId).runs.some((run) => run.status === 'committed'), 'the reply');
    await waitFor(() => engine.getThreadSnapshot(threadId).items.filter((item) => item.kind === 'message').length === 2, 'both messages');
    const snapshot = engine.getThreadSnapshot(threadId);
    const [mine, reply] = snapshot.items.flatMap((item) => (item.kind === 'message' ? [item.message] : []));
    expect(mine).toMatchObject({ senderId: visitorId, content: 'Hello agent' });
    expect(reply!.senderId.startsWith('agent:')).toBe(true);
    // The streamed text is exactly what was committed.
    expect(snapshot.runs[0]!.text).toBe(reply!.content);
    expect(snapshot.runs[0]!.replyMessageId).toBe(reply!.id);
    // (The widget's engine has no `metrics`, an inbox diagnostic: its connection counts dropped frames.)
    expect(connection.invalidFrameCount).toBe(0);
  });

  it('a visitor the site vouched for without any email connects without ?email= and chats', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.close());
    const alice = await server.login('alice@example.com');
    const secret = (await api(server, 'POST', '/agents/demo/identity-secret', { token: alice.token })).body.secret as string;
    const publicApi = createPublicApi({ serverUrl: server.url });
    const resolved = await publicApi.resolveThread(
      'demo',
      { identity_token: signIdentityToken(secret, identityClaims('demo', 'no-email-customer')) },
      null,
    );
    expect(resolved).toMatchObject({ verified: true, email: null });
    const { engine } = createVisitorEngine({
      serverUrl: server.url,
      slug: 'demo',
      visitorToken: resolved.visitor_token!,
      email: resolved.email ?? null,
      threadId: resolved.thread_id,
      selfSenderId: resolved.sender_id!,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      outboxStore: new MemoryOutboxStore(),
    });
    await engine.start();
    cleanups.push(() => engine.stop());
    await waitFor(() => engine.getConnectionState().status === 'open', 'the public socket to open');
    await engine.openThread(resolved.thread_id);
    await engine.send(resolved.thread_id, 'No email here');
    await waitFor(
      () => engine.getThreadSnapshot(resolved.thread_id).items.filter((item) => item.kind === 'message').length === 2,
      'the reply',
    );
  });

  it('a visitor token the server does not know: the public socket fails once with 4001 and stays failed (no retry loop)', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.close());
    const publicApi = createPublicApi({ serverUrl: server.url });
    const email = 'visitor@example.com';
    const resolved = await publicApi.resolveThread('demo', { email }, null);
    let connects = 0;
    const CountingWebSocket = class extends WebSocket {
      constructor(url: string, protocols?: string[]) {
        super(url, protocols);
        connects++;
      }
    };
    const { engine } = createVisitorEngine({
      serverUrl: server.url,
      slug: 'demo',
      visitorToken: `vt_${'x'.repeat(43)}`,
      email,
      threadId: resolved.thread_id,
      selfSenderId: resolved.sender_id!,
      WebSocket: CountingWebSocket as unknown as WebSocketConstructor,
      outboxStore: new MemoryOutboxStore(),
    });
    await engine.start();
    cleanups.push(() => engine.stop());
    await waitFor(() => engine.getConnectionState().status === 'failed', 'the refusal');
    expect(engine.getConnectionState()).toMatchObject({ status: 'failed', code: 4001 });
    // Longer than the first backoff steps: nothing tried again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(connects).toBe(1);
    expect(engine.getConnectionState()).toMatchObject({ status: 'failed', code: 4001 });
  });
});
