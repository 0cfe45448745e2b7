import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expiredToken, api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';

type Session = { token: string; user: { id: string } };

/** A JWT minted to expire while its stream is open. */
const SHORT_TOKEN_TTL_S = 2;

/** One message of an SSE stream: a comment, or an event with optional `id` and `data`. */
interface SseMessage {
  id?: string;
  data?: string;
  comment?: string;
}

/**
 * A tiny SSE client over fetch: parses the stream into messages as they arrive, and waits
 * for one that matches, with a deadline.
 */
class SseStream {
  readonly messages: SseMessage[] = [];
  private buffer = '';
  private ended = false;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly response: Response,
    private readonly controller: AbortController,
  ) {
    void this.pump();
  }

  static async open(server: TestServer, threadId: string, options: { token?: string; lastEventId?: string; query?: string } = {}) {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/chat/threads/${threadId}/events/stream${options.query ?? ''}`, {
      headers,
      signal: controller.signal,
    });
    return new SseStream(response, controller);
  }

  /** Durable events: the messages with an `id`, parsed. */
  get durable(): { id: number; event: any }[] {
    return this.messages
      .filter((message) => message.id !== undefined)
      .map((message) => ({ id: Number(message.id), event: JSON.parse(message.data!) }));
  }

  /** Live-only events: `data:` without `id`, parsed. */
  get ephemeral(): any[] {
    return this.messages
      .filter((message) => message.id === undefined && message.data !== undefined)
      .map((message) => JSON.parse(message.data!));
  }

  private async pump(): Promise<void> {
    if (!this.response.body) {
      this.ended = true;
      return;
    }
    const reader = this.response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        this.parse();
      }
    } catch {
      // aborted by close()
    } finally {
      this.ended = true;
      this.notify();
    }
  }

  private parse(): void {
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          message.comment = line.slice(1).trim();
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') message.id = value;
        if (field === 'data') message.data = message.data === undefined ? value : `${message.data}\n${value}`;
      }
      this.messages.push(message);
    }
    this.notify();
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
  }

  next(predicate: (message: SseMessage) => boolean, label: string, timeoutMs = 5_000): Promise<SseMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.find(predicate);
        if (found) {
          cleanup();
          resolve(found);
        } else if (this.ended) {
          cleanup();
          reject(new Error(`stream ended before ${label}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${label}; got ${JSON.stringify(this.messages.map((m) => m.id ?? m.comment ?? 'data'))}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  nextId(id: number) {
    return this.next((message) => message.id === String(id), `id ${id}`);
  }

  /** Resolves when the server has ended the stream; rejects if it is still open after `timeoutMs`. */
  closedByServer(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.ended) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`the stream is still open after ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.controller.abort();
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

async function sendMany(server: TestServer, threadId: string, senders: Session[], count: number, batch = 50) {
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const responses = await Promise.all(
      Array.from({ length: size }, (_, index) =>
        api(server, 'POST', `/chat/threads/${threadId}/messages`, {
          token: senders[(start + index) % senders.length]!.token,
          body: sendBody(`message ${start + index}`),
        }),
      ),
    );
    expect(responses.every((response) => response.status === 201)).toBe(true);
  }
}

describe('the poll endpoint (CONTRACT §5)', () => {
  let server: TestServer;
  let alice: Session;
  let threadId: string;
  const TOTAL = 500;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    threadId = thread.id;
    await sendMany(server, threadId, [alice, bob], TOTAL - thread.last_seq);
  });
  afterAll(() => server.close());

  const poll = (query: string) => api(server, 'GET', `/chat/threads/${threadId}/events${query}`, { token: alice.token });

  it('pages through 500 events with limit=200: has_more true, true, false; seqs exactly 1..500', async () => {
    const seqs: number[] = [];
    const hasMore: boolean[] = [];
    let after = 0;
    for (let page = 0; page < 10; page++) {
      const response = await poll(`?last_thread_seq=${after}&limit=200`);
      expect(response.status).toBe(200);
      hasMore.push(response.body.has_more);
      const pageSeqs = response.body.events.map((event: { thread_seq: number }) => event.thread_seq);
      seqs.push(...pageSeqs);
      after = pageSeqs.at(-1) ?? after;
      if (!response.body.has_more) break;
    }
    expect(hasMore).toEqual([true, true, false]);
    expect(seqs).toEqual(range(1, TOTAL));
    const thread = await api(server, 'GET', `/chat/threads/${threadId}`, { token: alice.token });
    expect(thread.body.last_seq).toBe(TOTAL);
  });

  it('returns whole event objects, ascending after last_thread_seq', async () => {
    const response = await poll('?last_thread_seq=450&limit=5');
    expect(response.body.has_more).toBe(true);
    expect(response.body.events.map((event: { thread_seq: number }) => event.thread_seq)).toEqual([451, 452, 453, 454, 455]);
    for (const event of response.body.events) {
      expect(event).toMatchObject({
        event_id: expect.any(String),
        thread_id: threadId,
        event_type: 'message_committed',
        sender_id: expect.stringMatching(/^user:/),
        content: expect.stringMatching(/^message \d+$/),
        created_at: expect.any(String),
        data: { message_id: expect.any(String), client_message_id: expect.any(String), role: 'user', mentions: [] },
      });
    }
  });

  it('bounds limit to 1..200 and defaults to 50', async () => {
    for (const limit of ['0', '201', '-1', '1.5']) {
      const response = await poll(`?limit=${limit}`);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'client_error', retryable: false });
      expect(response.body.error.message).toMatch(/limit/);
    }
    const byDefault = await poll('');
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.events.map((event: { thread_seq: number }) => event.thread_seq)).toEqual(range(1, 50));
    expect(byDefault.body.has_more).toBe(true);
    const one = await poll('?limit=1&last_thread_seq=499');
    expect(one.body.events.map((event: { thread_seq: number }) => event.thread_seq)).toEqual([500]);
    expect(one.body.has_more).toBe(false);
    const max = await poll('?limit=200&last_thread_seq=300');
    expect(max.body.events).toHaveLength(200);
    expect(max.body.has_more).toBe(false);
  });

  it('reads the latest window with last_thread_seq = L - 50 (the log is dense)', async () => {
    const response = await poll(`?last_thread_seq=${TOTAL - 50}`);
    expect(response.body.events.map((event: { thread_seq: number }) => event.thread_seq)).toEqual(range(TOTAL - 49, TOTAL));
    expect(response.body.has_more).toBe(false);
  });

  it('answers a last_thread_seq at or beyond the end with no events and has_more false', async () => {
    for (const after of [TOTAL, TOTAL + 1, 1_000_000]) {
      const response = await poll(`?last_thread_seq=${after}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ events: [], has_more: false });
    }
  });
});

describe('the SSE stream (CONTRACT §5)', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let threadId: string;
  let lastSeq: number;
  const streams: SseStream[] = [];
  const sockets: TestSocket[] = [];

  const open = async (id: string, options: Parameters<typeof SseStream.open>[2]) => {
    const stream = await SseStream.open(server, id, options);
    streams.push(stream);
    return stream;
  };

  const send = async (session: Session, content: string, id = threadId) => {
    const response = await api(server, 'POST', `/chat/threads/${id}/messages`, { token: session.token, body: sendBody(content) });
    expect(response.status).toBe(201);
    return response.body.message.thread_seq as number;
  };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    bob = await server.login('bob@example.com');
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    threadId = thread.id;
    await sendMany(server, threadId, [alice, bob], 20 - thread.last_seq, 10);
    lastSeq = 20;
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await Promise.all(sockets.map((socket) => socket.close()));
    await server.close();
  });

  it('replays after Last-Event-ID with id = thread_seq, then streams live events exactly once', async () => {
    const stream = await open(threadId, { token: alice.token, lastEventId: '10' });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await stream.nextId(lastSeq);
    expect(stream.durable.map((item) => item.id)).toEqual(range(11, lastSeq));
    for (const { id, event } of stream.durable) {
      expect(event.thread_seq).toBe(id);
      expect(event).toMatchObject({ thread_id: threadId, event_type: 'message_committed', event_id: expect.any(String) });
    }

    const first = await send(bob, 'live one');
    expect(first).toBe(lastSeq + 1);
    const live = await stream.nextId(first);
    expect(JSON.parse(live.data!)).toMatchObject({ thread_seq: first, content: 'live one', sender_id: `user:${bob.user.id}` });
    const second = await send(alice, 'live two');
    await stream.nextId(second);
    // Every seq once, in order, no repeats of the replayed or the live ones.
    expect(stream.durable.map((item) => item.id)).toEqual(range(11, second));
    lastSeq = second;
  });

  it('also replays after ?last_thread_seq=', async () => {
    const stream = await open(threadId, { token: bob.token, query: '?last_thread_seq=15' });
    expect(stream.response.status).toBe(200);
    await stream.nextId(lastSeq);
    expect(stream.durable.map((item) => item.id)).toEqual(range(16, lastSeq));
  });

  it('replays the whole log without a cursor, and nothing when the cursor is at the end', async () => {
    const whole = await open(threadId, { token: alice.token });
    await whole.nextId(lastSeq);
    expect(whole.durable.map((item) => item.id)).toEqual(range(1, lastSeq));
    expect(whole.durable[0]!.event.event_type).toBe('participant_joined');

    const atEnd = await open(threadId, { token: alice.token, lastEventId: String(lastSeq) });
    await atEnd.next((message) => message.comment !== undefined, 'the opening comment');
    const next = await send(bob, 'after the end');
    await atEnd.nextId(next);
    expect(atEnd.durable.map((item) => item.id)).toEqual([next]);
    lastSeq = next;
  });

  it('sends ephemeral events (typing, presence) as data without an id', async () => {
    const stream = await open(threadId, { token: alice.token, lastEventId: String(lastSeq) });
    await stream.next((message) => message.comment !== undefined, 'the opening comment');
    const bobSocket = TestSocket.open(userSocketUrl(server.wsUrl, bob.token));
    sockets.push(bobSocket);
    await bobSocket.ready();

    bobSocket.send({ type: 'typing', data: { thread_id: threadId, status: 'started' } });
    const typing = await stream.next(
      (message) => message.id === undefined && message.data !== undefined && message.data.includes('typing'),
      'typing',
    );
    expect(JSON.parse(typing.data!)).toMatchObject({
      event_type: 'typing',
      thread_id: threadId,
      sender_id: `user:${bob.user.id}`,
      data: { sender_id: `user:${bob.user.id}`, status: 'started' },
    });

    bobSocket.send({ type: 'focus_thread', data: { thread_id: threadId } });
    const presence = await stream.next(
      (message) => message.id === undefined && message.data?.includes('thread_presence') === true,
      'presence',
    );
    expect(JSON.parse(presence.data!)).toMatchObject({
      event_type: 'thread_presence',
      sender_id: `user:${bob.user.id}`,
      data: { status: 'focused' },
    });
    bobSocket.send({ type: 'typing', data: { thread_id: threadId, status: 'stopped' } });
    await stream.next((message) => message.id === undefined && message.data?.includes('"stopped"') === true, 'typing stopped');
    // Ephemeral events never enter the log.
    const log = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${lastSeq}`, { token: alice.token });
    expect(log.body).toEqual({ events: [], has_more: false });
    expect(stream.durable).toEqual([]);
    await bobSocket.close();
  });

  it('lets an external agent read the stream with its ama_eat_ token', async () => {
    const issued = await api(server, 'POST', '/agents/demo/tokens', { token: alice.token });
    expect(issued.status).toBe(201);
    const created = await api(server, 'POST', '/chat/threads', { token: issued.body.token, body: { target_user_ids: [bob.user.id] } });
    expect(created.status).toBe(201);
    const stream = await open(created.body.id, { token: issued.body.token });
    expect(stream.response.status).toBe(200);
    await stream.nextId(created.body.last_seq);
    const next = await send(bob, 'hello agent', created.body.id);
    await stream.nextId(next);
    expect(stream.durable.map((item) => item.id)).toEqual(range(1, next));
  });

  it('ends a stream when the JWT that opened it expires, like the user socket; its reconnect gets 401', async () => {
    const { sessionVersion } = (await server.app.context.storage.users.get(alice.user.id))!;
    const shortLived = await server.app.context.tokens.issue(alice.user.id, sessionVersion, SHORT_TOKEN_TTL_S);
    const expiring = await open(threadId, { token: shortLived, lastEventId: String(lastSeq - 1) });
    expect(expiring.response.status).toBe(200);
    await expiring.nextId(lastSeq);
    const lasting = await open(threadId, { token: alice.token, lastEventId: String(lastSeq) });
    expect(lasting.response.status).toBe(200);

    await expiring.closedByServer();
    const reconnect = await fetch(`${server.url}/api/v1/chat/threads/${threadId}/events/stream`, {
      headers: { authorization: `Bearer ${shortLived}`, 'last-event-id': String(lastSeq) },
    });
    expect(reconnect.status).toBe(401);
    expect(await reconnect.json()).toEqual({
      error: { code: 'unauthorized', message: 'Your session has expired; sign in again.', retryable: false },
    });
    // A stream of a token still valid goes on.
    lastSeq = await send(bob, 'after the expiry');
    await lasting.nextId(lastSeq);
    expect(expiring.durable.map((item) => item.id)).toEqual([lastSeq - 1]);
  });

  it('refuses no token (401), an expired token (401), a foreign thread (403), an unknown one (404) and a bad Last-Event-ID (400)', async () => {
    /** A refused stream answers with a plain JSON error, not an event stream. */
    const refused = async (id: string, headers: Record<string, string>) => {
      const response = await fetch(`${server.url}/api/v1/chat/threads/${id}/events/stream`, { headers });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string; retryable: boolean } } };
    };
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    const noToken = await refused(threadId, {});
    expect(noToken).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: expect.any(String), retryable: false } } });

    const expired = await expiredToken(server, alice.user.id);
    const expiredResponse = await refused(threadId, bearer(expired));
    expect(expiredResponse.status).toBe(401);
    expect(expiredResponse.body.error).toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/expired/i),
      retryable: false,
    });

    const carol = await server.addUser('Carol');
    const foreign = await refused(threadId, bearer(carol.token));
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toMatchObject({ code: 'forbidden', retryable: false });

    const unknown = await refused(crypto.randomUUID(), bearer(alice.token));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');

    const badCursor = await refused(threadId, { ...bearer(alice.token), 'last-event-id': 'abc' });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error).toMatchObject({ code: 'client_error', message: expect.stringMatching(/Last-Event-ID/) });
  });
});

describe('SSE keep-alive', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ SSE_KEEPALIVE_MS: '200' });
  });
  afterAll(() => server.close());

  it('sends a ": keep-alive" comment on an idle stream', async () => {
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    const stream = await SseStream.open(server, thread.id, { token: alice.token });
    try {
      const keepAlive = await stream.next((message) => message.comment === 'keep-alive', 'keep-alive');
      expect(keepAlive).toEqual({ comment: 'keep-alive' });
      // The stream is still usable after it.
      const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
        token: bob.token,
        body: sendBody('still streaming'),
      });
      await stream.nextId(sent.body.message.thread_seq);
      expect(stream.durable.map((item) => item.id)).toEqual(range(1, sent.body.message.thread_seq));
    } finally {
      stream.close();
    }
  });
});
