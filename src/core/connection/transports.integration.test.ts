import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../../../server/test/support/test-server.ts';
import { TestSocket, userSocketUrl } from '../../../server/test/support/test-socket.ts';
import { ApiError } from '../api/api-error.ts';
import type { ThreadSource } from '../api/thread-source.ts';
import { browserEnvironment } from '../environment/environment.ts';
import { parseEvent, type InboundEvent, type InboundFrame } from '../protocol/server-frame-schemas.ts';
import { classifyClose } from './close-policy.ts';
import type { ConnectionState, OpenInfo } from './connection.ts';
import { ConnectionManager } from './connection-manager.ts';
import { PollTransport } from './poll-transport.ts';
import { SseTransport } from './sse-transport.ts';
import type { Transport, TransportClose } from './transport.ts';
import { WebSocketTransport } from './websocket-transport.ts';

type Session = { token: string; user: { id: string } };

/** Polls `check` until it returns a value, or fails after `timeoutMs` naming what was awaited. */
async function until<T>(label: string, check: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Opens a transport and records everything it reports. */
function record(transport: Transport) {
  const seen = { opens: 0, heartbeatMs: null as number | null, frames: [] as InboundFrame[], closes: [] as TransportClose[], invalid: 0 };
  transport.open({
    open: (info) => {
      seen.opens++;
      seen.heartbeatMs = info.heartbeatMs;
    },
    frame: (frame) => seen.frames.push(frame),
    close: (info) => seen.closes.push(info),
    invalid: () => seen.invalid++,
  });
  return seen;
}

const userSocket = (server: TestServer, token: string) =>
  new WebSocketTransport({ url: () => `${server.wsUrl}/api/v1/chat/ws/user/threads`, protocols: () => ['auth', token], WebSocket });

/** The poll endpoint as a ThreadSource (the real API client lives elsewhere; this is only what the transport uses). */
function restSource(server: TestServer, token: string): ThreadSource {
  return {
    async pollEvents(threadId, afterSeq, limit, signal) {
      const response = await fetch(`${server.url}/api/v1/chat/threads/${threadId}/events?last_thread_seq=${afterSeq}&limit=${limit}`, {
        headers: { authorization: `Bearer ${token}` },
        signal,
      });
      const body = (await response.json()) as { events: unknown[]; has_more: boolean; error?: { code: string; message: string } };
      if (!response.ok)
        throw new ApiError(
          response.status === 401 ? 'unauthorized' : 'server_error',
          body.error?.message ?? '',
          response.status >= 500,
          response.status,
        );
      return { events: body.events.map(parseEvent).filter((event): event is InboundEvent => event !== null), has_more: body.has_more };
    },
    lastSeq: async () => null,
    sendMessage: async () => {
      throw new Error('not used here');
    },
  };
}

const contentOf = (frame: InboundFrame) =>
  frame.type === 'thread_message' ? frame.data.content : frame.type === 'thread_event' ? frame.data.content : undefined;

describe('transports against the local server', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let threadId: string;
  let lastSeq: number;

  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_IDLE_TIMEOUT_MS: '1500' });
    alice = await server.login('alice@example.com');
    bob = await server.login('bob@example.com');
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id], title: 'transports' });
    threadId = thread.id;
    for (const text of ['one', 'two', 'three']) {
      const sent = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: bob.token, body: sendBody(text) });
      lastSeq = sent.body.message.thread_seq;
    }
  });
  afterAll(async () => {
    await server.close();
  });

  it('WebSocket with the auth subprotocol: ready with its heartbeat, then a thread_message after a REST send', async () => {
    const transport = userSocket(server, alice.token);
    const seen = record(transport);
    await until('open', () => seen.opens === 1);
    expect(seen.heartbeatMs).toBe(server.config.heartbeatMs);
    expect(seen.frames[0]?.type).toBe('ready');

    const sent = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: bob.token, body: sendBody('over the socket') });
    lastSeq = sent.body.message.thread_seq;
    const frame = await until('thread_message', () => seen.frames.find((item) => item.type === 'thread_message'));
    expect(frame).toMatchObject({ type: 'thread_message', thread_id: threadId, data: { content: 'over the socket', thread_seq: lastSeq } });

    expect(transport.send({ type: 'ping' })).toBe(true);
    await until('pong', () => seen.frames.some((item) => item.type === 'pong'));
    transport.close();
    expect(seen.closes).toHaveLength(1);
    expect(seen.invalid).toBe(0);
  });

  it('a bad token closes with 4001, classified as auth', async () => {
    const seen = record(userSocket(server, 'not-a-token'));
    const [close] = await until('close', () => seen.closes.length > 0 && seen.closes);
    expect(close!.code).toBe(4001);
    expect(classifyClose(close!, { idleTimeoutMessage: null }).kind).toBe('auth');
    expect(seen.opens).toBe(0);
  });

  it('SSE replays after the cursor, then delivers live durable and typing events as frames', async () => {
    const transport = new SseTransport({
      apiBaseUrl: `${server.url}/api/v1`,
      headers: () => ({ authorization: `Bearer ${alice.token}` }),
      cursorOf: () => lastSeq - 2,
    });
    transport.follow([threadId]);
    const seen = record(transport);
    await until('open', () => seen.opens === 1);
    const replayed = await until('replay', () => {
      const events = seen.frames.filter((frame) => frame.type === 'thread_event');
      return events.length >= 2 && events;
    });
    expect(replayed.map((frame) => frame.type === 'thread_event' && frame.data.thread_seq)).toEqual([lastSeq - 1, lastSeq]);

    await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: bob.token, body: sendBody('over SSE') });
    const live = await until('live event', () => seen.frames.find((frame) => contentOf(frame) === 'over SSE'));
    expect(live).toMatchObject({
      type: 'thread_event',
      thread_id: threadId,
      data: { event_type: 'message_committed', thread_seq: lastSeq + 1 },
    });
    lastSeq += 1;

    const bobSocket = TestSocket.open(userSocketUrl(server.wsUrl, bob.token));
    await bobSocket.ready();
    bobSocket.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
    const typing = await until('typing', () => seen.frames.find((frame) => frame.type === 'thread_typing'));
    expect(typing).toEqual({ type: 'thread_typing', thread_id: threadId, data: { sender_id: `user:${bob.user.id}`, status: 'started' } });
    await bobSocket.close();

    transport.close();
    expect(seen.invalid).toBe(0);
    expect(seen.closes).toEqual([{ code: 1000, reason: '' }]);
  });

  it('polling delivers the log and then new events', async () => {
    const transport = new PollTransport({ source: restSource(server, alice.token), cursorOf: () => 0, intervalMs: 200 });
    transport.follow([threadId]);
    const seen = record(transport);
    await until('log', () => seen.frames.length >= lastSeq);
    expect(seen.frames.map((frame) => frame.type === 'thread_event' && frame.data.thread_seq)).toEqual(
      Array.from({ length: lastSeq }, (_, index) => index + 1),
    );
    await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: bob.token, body: sendBody('over polling') });
    await until('polled event', () => seen.frames.find((frame) => contentOf(frame) === 'over polling'));
    lastSeq += 1;
    transport.close();
    expect(seen.opens).toBe(1);
  });

  it('the manager pauses a public socket after idle_timeout, and resume() connects again', async () => {
    const email = `visitor-${randomUUID().slice(0, 8)}@example.com`;
    const created = await api(server, 'POST', '/chat/public/demo/threads', { body: { email } });
    expect(created.status).toBe(201);
    const url = `${server.wsUrl}/api/v1/chat/ws/public/demo/threads/${created.body.thread_id}?email=${encodeURIComponent(email)}`;
    const token = created.body.visitor_token as string;
    const manager = new ConnectionManager({
      createSocket: () => new WebSocketTransport({ url: () => url, protocols: () => ['visitor', token], WebSocket }),
      environment: browserEnvironment(),
      publicSocket: true,
    });
    const opens: OpenInfo[] = [];
    manager.onOpen((info) => opens.push(info));
    manager.start();
    await until('open', () => opens.length === 1);
    const paused = await until('paused', () => manager.getState().status === 'paused' && manager.getState());
    expect(paused).toMatchObject({ status: 'paused', reason: expect.stringContaining('paused') });
    manager.resume();
    await until('reopen', () => opens.length === 2);
    expect(opens[1]).toEqual({ transport: 'websocket', reconnect: true });
    manager.stop();
  });
});

describe('ConnectionManager against a server that restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-reconnect-'));
  const databasePath = join(dir, 'db.sqlite');
  const servers: TestServer[] = [];

  afterAll(async () => {
    for (const server of servers) await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reconnects after the server closed the socket (4503 on shutdown) and receives again', async () => {
    const first = await startTestServer({ DATABASE_PATH: databasePath });
    servers.push(first);
    const port = new URL(first.url).port;
    const alice = await first.login('alice@example.com');
    const bob = await first.login('bob@example.com');
    const thread = await createThread(first, alice.token, { target_user_ids: [bob.user.id] });

    const manager = new ConnectionManager({ createSocket: () => userSocket(first, alice.token), environment: browserEnvironment() });
    const states: ConnectionState[] = [];
    const opens: OpenInfo[] = [];
    const frames: InboundFrame[] = [];
    manager.subscribe((state) => states.push(state));
    manager.onOpen((info) => opens.push(info));
    manager.onFrame((frame) => frames.push(frame));
    manager.start();
    await until('first open', () => opens.length === 1);

    // A real shutdown: the gateway closes every socket with 4503, then the port goes away.
    await first.close();
    servers.splice(servers.indexOf(first), 1);
    const reconnecting = await until('reconnecting', () => states.find((state) => state.status === 'reconnecting'));
    expect(reconnecting).toMatchObject({ lastClose: { code: 4503 } });

    // The same port and database: the old token is still good.
    const second = await startTestServer({ DATABASE_PATH: databasePath, PORT: port });
    servers.push(second);
    await until('reopen', () => opens.length === 2, 45_000);
    expect(opens[1]).toEqual({ transport: 'websocket', reconnect: true });
    expect(manager.getState()).toEqual({ status: 'open', transport: 'websocket' });

    await api(second, 'POST', `/chat/threads/${thread.id}/messages`, { token: bob.token, body: sendBody('after the restart') });
    await until('message after restart', () => frames.find((frame) => contentOf(frame) === 'after the restart'));
    manager.stop();
  });
});
