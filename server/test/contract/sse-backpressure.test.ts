import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { waitFor } from '../support/webhook-receiver.ts';

/** The cap under test: small, so a stalled reader passes it soon after the kernel's buffers are full. */
const CAP_BYTES = 256 * 1024;
/** A message of 5,000 emoji: about 20 KB on the stream. */
const BIG = '😀'.repeat(5_000);
/** The most messages sent while waiting for the server to give up on the stalled reader. */
const MAX_MESSAGES = 2_000;

/** A raw HTTP client on a TCP socket, so the test decides when (and whether) to read. */
class RawSseClient {
  /** Everything read so far. */
  text = '';
  private ended = false;
  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (this.text += chunk));
    socket.on('end', () => (this.ended = true));
    socket.on('close', () => (this.ended = true));
    socket.on('error', () => undefined);
  }

  static async open(server: TestServer, threadId: string, token: string, lastEventId: number): Promise<RawSseClient> {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    const client = new RawSseClient(socket);
    socket.write(
      `GET /api/v1/chat/threads/${threadId}/events/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Authorization: Bearer ${token}\r\nLast-Event-ID: ${lastEventId}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    await waitFor('the stream to open', () => client.text.includes(': stream open'));
    expect(client.text).toMatch(/^HTTP\/1\.1 200/);
    return client;
  }

  /** Stops reading: the kernel's buffers fill, then the server's. */
  stall(): void {
    this.socket.pause();
  }

  /** Reads everything that is left, until the server closes the connection. */
  async drainToEnd(): Promise<string> {
    this.socket.resume();
    await waitFor('the server to end the stream', () => this.ended, 20_000);
    return this.text;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The `id:` of every complete event in a raw (chunked) SSE text. */
function completeIds(text: string): number[] {
  return [...text.matchAll(/(?:^|\n)id: (\d+)\ndata: \{[^\n]*\}\n\n/g)].map((match) => Number(match[1]));
}

describe('SSE backpressure (SSE_MAX_BUFFERED_BYTES)', () => {
  let server: TestServer;
  let token: string;
  let threadId: string;
  const clients: RawSseClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ SSE_MAX_BUFFERED_BYTES: String(CAP_BYTES) });
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    token = alice.token;
    threadId = (await createThread(server, token, { target_user_ids: [bob.user.id] })).id;
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.close();
  });

  it('closes a reader that stops reading, and it catches up from its Last-Event-ID on reconnect', async () => {
    const start = (await api(server, 'GET', `/chat/threads/${threadId}`, { token })).body.last_seq as number;
    const stalled = await RawSseClient.open(server, threadId, token, start);
    clients.push(stalled);
    expect(server.app.context.streams.size).toBe(1);
    stalled.stall();

    let lastSeq = start;
    for (let sent = 0; server.app.context.streams.size > 0; sent++) {
      expect(sent, 'the server never closed the stalled stream').toBeLessThan(MAX_MESSAGES);
      const response = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody(BIG) });
      expect(response.status).toBe(201);
      lastSeq = response.body.message.thread_seq;
    }
    // The server holds no more than the cap (plus the one event that passed it) for the reader.
    const received = completeIds(await stalled.drainToEnd());
    expect(received.length).toBeGreaterThan(0);
    expect(received).toEqual(Array.from({ length: received.length }, (_, index) => start + 1 + index));
    expect(received.at(-1)!).toBeLessThan(lastSeq);

    // Reconnecting with the last id it got, the reader gets exactly the rest.
    const caughtUp = await RawSseClient.open(server, threadId, token, received.at(-1)!);
    clients.push(caughtUp);
    await waitFor('the rest of the log', () => completeIds(caughtUp.text).at(-1) === lastSeq, 20_000);
    expect(completeIds(caughtUp.text)).toEqual(
      Array.from({ length: lastSeq - received.at(-1)! }, (_, index) => received.at(-1)! + 1 + index),
    );
  });

  it('keeps a reader that keeps reading, however much comes', async () => {
    const start = (await api(server, 'GET', `/chat/threads/${threadId}`, { token })).body.last_seq as number;
    const reader = await RawSseClient.open(server, threadId, token, start);
    clients.push(reader);
    const open = server.app.context.streams.size;
    let lastSeq = start;
    for (let sent = 0; sent < 100; sent++) {
      lastSeq = (await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody(BIG) })).body.message.thread_seq;
    }
    await waitFor('every event', () => completeIds(reader.text).at(-1) === lastSeq, 20_000);
    expect(completeIds(reader.text)).toHaveLength(100);
    expect(server.app.context.streams.size).toBe(open);
  });
});
