import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_KEYS, api, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, publicSocketUrl, userSocketUrl } from '../support/test-socket.ts';

type Session = { token: string; user: { id: string; name: string } };

const sockets = new SocketTracker();
const track = (socket: TestSocket) => sockets.track(socket);

function openPublic(server: TestServer, slug: string, threadId: string, email: string, options: { token?: string; origin?: string } = {}) {
  return track(
    TestSocket.open(publicSocketUrl(server.wsUrl, slug, threadId, email), {
      ...(options.token ? { protocols: ['visitor', options.token] } : {}),
      ...(options.origin ? { origin: options.origin } : {}),
    }),
  );
}

function openRaw(url: string) {
  return track(TestSocket.open(url));
}

/** A fresh visitor email, so that every test gets its own conversation. */
const newEmail = (name = 'visitor') => `${name}-${randomUUID().slice(0, 8)}@customer.example`;

/** A new visitor's conversation: its thread and the visitor token that proves it is theirs. */
async function startConversation(server: TestServer, email: string, name?: string): Promise<{ threadId: string; token: string }> {
  const response = await api(server, 'POST', '/chat/public/demo/threads', { body: name ? { email, name } : { email } });
  if (response.status !== 201) throw new Error(`resolve failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { threadId: response.body.thread_id as string, token: response.body.visitor_token as string };
}

/** The frame of this socket that mentions a thread, whichever field carries the id. */
function threadIdsOf(frames: any[]): string[] {
  return frames.flatMap((f) => [f.thread_id, f.data?.thread_id, f.data?.message?.thread_id].filter((id) => typeof id === 'string'));
}

afterEach(() => sockets.closeAll());

describe('the public (visitor) endpoints and socket (CONTRACT §6, §7)', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let agentSenderId: string;

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    bob = await server.login('bob@example.com');
    const agents = await api(server, 'GET', '/agents', { token: alice.token });
    const demo = agents.body.agents.find((agent: { slug: string }) => agent.slug === 'demo');
    agentSenderId = demo.sender_id ?? `agent:${demo.id}`;
  });
  afterAll(() => server.close());

  describe('resolve-or-create', () => {
    it('gives every new visitor a thread and a visitor token, which resumes it; the same email without the token starts anew', async () => {
      const email = newEmail('Resume');
      const first = await api(server, 'POST', '/chat/public/demo/threads', { body: { email } });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        thread_id: expect.any(String),
        resumed: false,
        sender_id: expect.stringMatching(/^visitor:[0-9a-f-]{36}$/),
        visitor_token: expect.stringMatching(/^vt_[A-Za-z0-9_-]{43}$/),
        verified: false,
        email: email.toLowerCase(),
      });
      const token = first.body.visitor_token;

      const again = await api(server, 'POST', '/chat/public/demo/threads', { body: { email }, token });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ...first.body, resumed: true });

      const sameEmail = await api(server, 'POST', '/chat/public/demo/threads', { body: { email: `  ${email.toUpperCase()}  ` } });
      expect(sameEmail.status).toBe(201);
      expect(sameEmail.body.thread_id).not.toBe(first.body.thread_id);
      expect(sameEmail.body.sender_id).not.toBe(first.body.sender_id);
      expect(sameEmail.body.visitor_token).not.toBe(token);
    });

    it('refuses an invalid email (400) and an unknown agent (404)', async () => {
      const bad = await api(server, 'POST', '/chat/public/demo/threads', { body: { email: 'not-an-email' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('client_error');
      const unknown = await api(server, 'POST', '/chat/public/nobody-here/threads', { body: { email: newEmail() } });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('not_found');
    });
  });

  describe('socket close codes', () => {
    let threadId: string;
    let token: string;
    let email: string;

    beforeAll(async () => {
      email = newEmail('Codes');
      ({ threadId, token } = await startConversation(server, email));
    });

    it('closes with 4000 for bad parameters', async () => {
      const cases = [
        publicSocketUrl(server.wsUrl, 'demo', threadId, 'not-an-email'),
        publicSocketUrl(server.wsUrl, 'demo', threadId, ''),
        `${server.wsUrl}/api/v1/chat/ws/public/demo/threads/${threadId}`,
        publicSocketUrl(server.wsUrl, 'demo', 'not-a-uuid', email),
        publicSocketUrl(server.wsUrl, 'Bad_Slug!', threadId, email),
        publicSocketUrl(server.wsUrl, '-demo', threadId, email),
      ];
      for (const url of cases) {
        const socket = openRaw(url);
        const closed = await socket.closed;
        expect({ url, code: closed.code }).toEqual({ url, code: 4000 });
        expect(socket.ofType('ready')).toEqual([]);
      }
    });

    it('closes with 4000 for a path segment that is not valid percent-encoding, and keeps serving', async () => {
      for (const url of [
        `${server.wsUrl}/api/v1/chat/ws/public/%E0%A4%A/threads/${threadId}?email=${encodeURIComponent(email)}`,
        `${server.wsUrl}/api/v1/chat/ws/public/demo/threads/%ZZ?email=${encodeURIComponent(email)}`,
      ]) {
        const socket = openRaw(url);
        expect((await socket.closed).code).toBe(4000);
      }
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
    });

    it('closes with 4004 for an unknown slug or a wrong email, and 4001 for an unknown thread', async () => {
      const cases = [
        { slug: 'nobody-here', thread: threadId, email, code: 4004 },
        { slug: 'demo', thread: threadId, email: newEmail('Intruder'), code: 4004 },
        { slug: 'demo', thread: randomUUID(), email, code: 4001 },
      ];
      for (const { slug, thread, email: address, code } of cases) {
        const socket = openPublic(server, slug, thread, address, { token });
        const closed = await socket.closed;
        expect({ slug, thread, address, code: closed.code }).toEqual({ slug, thread, address, code });
        expect(socket.ofType('ready')).toEqual([]);
      }
    });

    it('accepts the right email in any case, with the token, from any origin, and answers the visitor subprotocol', async () => {
      const socket = openPublic(server, 'demo', threadId, ` ${email.toUpperCase()} `, { token, origin: 'http://customer.example' });
      const ready = await socket.ready();
      expect(socket.ws.protocol).toBe('visitor');
      expect(ready.data).toMatchObject({ connection_id: expect.any(String), heartbeat_ms: server.config.heartbeatMs });
      socket.send({ type: 'ping' });
      expect(await socket.nextOfType('pong')).toEqual({ type: 'pong' });
    });
  });

  describe('a conversation', () => {
    it("lets the visitor send over the socket and receive the demo agent's reply live", async () => {
      const email = newEmail('Live');
      const { threadId, token } = await startConversation(server, email, 'Vera');
      const otherEmail = newEmail('Elsewhere');
      const { threadId: otherThreadId, token: otherToken } = await startConversation(server, otherEmail);
      const visitor = openPublic(server, 'demo', threadId, email, { token });
      const other = openPublic(server, 'demo', otherThreadId, otherEmail, { token: otherToken });
      await Promise.all([visitor.ready(), other.ready()]);

      const clientMessageId = randomUUID();
      visitor.send({
        type: 'send_message',
        data: { thread_id: threadId, content: 'Hello, is anyone there?', client_message_id: clientMessageId },
      });
      const ack = await visitor.nextOfType('message_ack');
      expect(ack.data.client_message_id).toBe(clientMessageId);
      expect(Object.keys(ack.data.message).sort()).toEqual(MESSAGE_KEYS);
      expect(ack.data.message).toMatchObject({ thread_id: threadId, role: 'user', content: 'Hello, is anyone there?' });
      expect(ack.data.message.sender_id).toMatch(/^visitor:/);
      // Two participant_joined events (visitor, agent), then the message.
      expect(ack.data.message.thread_seq).toBe(3);

      const reply = await visitor.next(
        (f) => f.type === 'thread_message' && f.data.sender_id.startsWith('agent:'),
        10_000,
        "the agent's reply",
      );
      expect(reply.thread_id).toBe(threadId);
      expect(reply.data).toMatchObject({ thread_id: threadId, sender_id: agentSenderId, role: 'agent', thread_seq: 4, base_seq: 3 });
      expect(reply.data.content.length).toBeGreaterThan(0);

      const runtime = visitor.ofType('thread_runtime');
      expect(runtime.length).toBeGreaterThan(0);
      expect(runtime.every((f) => f.thread_id === threadId)).toBe(true);
      const types = runtime.map((f) => f.data.event_type);
      expect(types.slice(0, 4)).toEqual(['queued', 'agent_decisions', 'run_started', 'typing']);
      expect(types).toContain('text_delta');
      const deltas = runtime
        .filter((f) => f.data.event_type === 'text_delta')
        .map((f) => f.data.content)
        .join('');
      expect(deltas).toBe(reply.data.content);
      // Every runtime frame before the reply was sent before the reply itself.
      expect(visitor.frames.indexOf(runtime[0])).toBeLessThan(visitor.frames.indexOf(reply));
      const finished = await visitor.next(
        (f) => f.type === 'thread_runtime' && f.data.event_type === 'intake_completed',
        10_000,
        'intake_completed',
      );
      const order = visitor.ofType('thread_runtime').map((f) => f.data.event_type);
      expect(order.slice(-3)).toEqual(['reply_committed', 'run_finished', 'intake_completed']);
      expect(order.find((type) => type === 'reply_committed')).toBeDefined();
      const committed = visitor.ofType('thread_runtime').find((f) => f.data.event_type === 'reply_committed');
      expect(committed.data).toMatchObject({ message_id: reply.data.id, thread_seq: reply.data.thread_seq });
      expect(finished.data.run_id).toBe(committed.data.run_id);

      // The other visitor heard nothing of this conversation, and this one nothing of theirs.
      expect(threadIdsOf(other.frames).filter((id) => id !== otherThreadId)).toEqual([]);
      other.send({ type: 'send_message', data: { thread_id: otherThreadId, ...sendBody('my own question') } });
      await other.next((f) => f.type === 'thread_message' && f.data.sender_id.startsWith('agent:'), 10_000, 'the other reply');
      expect(threadIdsOf(visitor.frames).filter((id) => id !== threadId)).toEqual([]);
      expect(threadIdsOf(other.frames).filter((id) => id !== otherThreadId)).toEqual([]);
    });

    it("refuses a send_message that names another thread, on the visitor's socket", async () => {
      const email = newEmail('Wanderer');
      const { threadId, token } = await startConversation(server, email);
      const { threadId: otherThreadId } = await startConversation(server, newEmail('Target'));
      const visitor = openPublic(server, 'demo', threadId, email, { token });
      await visitor.ready();
      const id = randomUUID();
      visitor.send({ type: 'send_message', data: { thread_id: otherThreadId, content: 'sneaky', client_message_id: id } });
      const error = await visitor.next((f) => f.type === 'error' && f.data.client_message_id === id, 5_000, 'the refusal');
      expect(error.data).toMatchObject({ code: 'client_error', retryable: false, client_message_id: id });
      const target = await api(server, 'GET', `/chat/threads/${otherThreadId}`, { token: alice.token });
      expect(target.body.last_seq).toBe(2);
      visitor.send({ type: 'ping' });
      expect(await visitor.nextOfType('pong')).toEqual({ type: 'pong' });
    });

    it("shows the thread to the agent's owner, who hears the visitor and can reply live; others get 403", async () => {
      const aliceSocket = track(TestSocket.open(userSocketUrl(server.wsUrl, alice.token)));
      await aliceSocket.ready();

      const email = newEmail('Takeover');
      const { threadId, token } = await startConversation(server, email, 'Tom');
      const inbox = await api(server, 'GET', '/chat/threads', { token: alice.token });
      const listed = inbox.body.threads.find((thread: { id: string }) => thread.id === threadId);
      expect(listed).toMatchObject({ id: threadId, kind: 'public', title: 'Tom' });
      expect(listed.participants.map((p: { sender_id: string }) => p.sender_id.split(':')[0]).sort()).toEqual(['agent', 'visitor']);
      expect(listed.visitor).toEqual({
        sender_id: expect.stringMatching(/^visitor:/),
        name: 'Tom',
        email: email.toLowerCase(),
        verified: false,
      });

      // Alice's socket was open before the thread existed: it was subscribed live.
      const visitor = openPublic(server, 'demo', threadId, email, { token });
      await visitor.ready();
      const clientMessageId = randomUUID();
      visitor.send({ type: 'send_message', data: { thread_id: threadId, content: 'I need a human', client_message_id: clientMessageId } });
      const heard = await aliceSocket.next(
        (f) => f.type === 'thread_message' && f.data.client_message_id === clientMessageId,
        5_000,
        "the visitor's message at Alice",
      );
      expect(heard.thread_id).toBe(threadId);
      expect(heard.data).toMatchObject({ content: 'I need a human', role: 'user' });
      expect(heard.data.sender_id).toMatch(/^visitor:/);
      // Let the agent's answer to the visitor finish before the human takes over.
      await visitor.next((f) => f.type === 'thread_runtime' && f.data.event_type === 'intake_completed', 10_000, 'the agent run');

      const reply = await api(server, 'POST', `/chat/threads/${threadId}/messages`, {
        token: alice.token,
        body: sendBody('Alice here, how can I help?'),
      });
      expect(reply.status).toBe(201);
      const live = await visitor.next((f) => f.type === 'thread_message' && f.data.id === reply.body.message.id, 5_000, "Alice's reply");
      expect(live.data).toEqual(reply.body.message);
      expect(live.data.sender_id).toBe(`user:${alice.user.id}`);

      // A socket opened after the thread existed follows it too.
      const later = track(TestSocket.open(userSocketUrl(server.wsUrl, alice.token)));
      await later.ready();
      const second = randomUUID();
      visitor.send({ type: 'send_message', data: { thread_id: threadId, content: 'thanks!', client_message_id: second } });
      await later.next((f) => f.type === 'thread_message' && f.data.client_message_id === second, 5_000, 'at the later socket');

      for (const path of [`/chat/threads/${threadId}`, `/chat/threads/${threadId}/events?last_thread_seq=0`]) {
        const refused = await api(server, 'GET', path, { token: bob.token });
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe('forbidden');
      }
      const bobSend = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: bob.token, body: sendBody('me too') });
      expect(bobSend.status).toBe(403);
      const bobInbox = await api(server, 'GET', '/chat/threads', { token: bob.token });
      expect(bobInbox.body.threads.some((thread: { id: string }) => thread.id === threadId)).toBe(false);
    });
  });

  describe('REST history and fallback send', () => {
    it("returns the history for the visitor's token, whatever email= says, and refuses everyone else", async () => {
      const email = newEmail('History');
      const { threadId, token } = await startConversation(server, email);
      const sent = await api(server, 'POST', `/chat/public/demo/threads/${threadId}/messages`, { token, body: sendBody('history please') });
      expect(sent.status).toBe(201);

      const history = await api(
        server,
        'GET',
        `/chat/public/demo/threads/${threadId}/events?email=${encodeURIComponent(newEmail('Ignored'))}&last_thread_seq=0`,
        { token },
      );
      expect(history.status).toBe(200);
      const seqs = history.body.events.map((event: { thread_seq: number }) => event.thread_seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
      expect(history.body.events.slice(0, 3).map((event: { event_type: string }) => event.event_type)).toEqual([
        'participant_joined',
        'participant_joined',
        'message_committed',
      ]);
      expect(history.body.events[2]).toMatchObject({ thread_seq: 3, content: 'history please', thread_id: threadId });
      // The visitor joined under "Visitor": their email is no participant name.
      expect(history.body.events[0].data).toEqual({ sender_id: expect.stringMatching(/^visitor:/), name: 'Visitor' });

      const after = await api(server, 'GET', `/chat/public/demo/threads/${threadId}/events?last_thread_seq=2&limit=1`, { token });
      expect(after.body.events.map((event: { thread_seq: number }) => event.thread_seq)).toEqual([3]);

      const byEmail = await api(server, 'GET', `/chat/public/demo/threads/${threadId}/events?email=${encodeURIComponent(email)}`);
      expect(byEmail.status).toBe(401);
      expect(byEmail.body.error.code).toBe('unauthorized');
      const unknown = await api(server, 'GET', `/chat/public/demo/threads/${randomUUID()}/events`, { token });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('not_found');
      const otherAgent = await api(server, 'GET', `/chat/public/nobody-here/threads/${threadId}/events`, { token });
      expect(otherAgent.status).toBe(404);
    });

    it('sends through the REST fallback idempotently, and the visitor socket receives it', async () => {
      const email = newEmail('Fallback');
      const { threadId, token } = await startConversation(server, email);
      const visitor = openPublic(server, 'demo', threadId, email, { token });
      await visitor.ready();
      const path = `/chat/public/demo/threads/${threadId}/messages?email=${encodeURIComponent(email)}`;
      const body = sendBody('sent while the socket was down');
      const first = await api(server, 'POST', path, { body, token });
      const second = await api(server, 'POST', path, { body, token });
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.body.message).toEqual(first.body.message);
      expect(first.body.message).toMatchObject({
        thread_id: threadId,
        content: body.content,
        client_message_id: body.client_message_id,
        role: 'user',
      });
      expect(first.body.message.sender_id).toMatch(/^visitor:/);

      const conflict = await api(server, 'POST', path, { body: sendBody('other content', body.client_message_id), token });
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.code).toBe('conflict');

      const emailOnly = await api(server, 'POST', path, { body: sendBody('not mine') });
      expect(emailOnly.status).toBe(401);

      const frame = await visitor.next((f) => f.type === 'thread_message' && f.data.id === first.body.message.id, 5_000, 'the message');
      expect(frame.data).toEqual(first.body.message);
      const log = await api(server, 'GET', `/chat/public/demo/threads/${threadId}/events?last_thread_seq=0&limit=200`, { token });
      const copies = log.body.events.filter((event: any) => event.data?.client_message_id === body.client_message_id);
      expect(copies).toHaveLength(1);
    });
  });

  describe('CORS', () => {
    it('answers a preflight of a public endpoint from any origin, without credentials', async () => {
      const response = await fetch(`${server.url}/api/v1/chat/public/demo/threads`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://customer.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      });
      expect(response.status).toBeLessThan(300);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://customer.example');
      expect(response.headers.get('access-control-allow-methods')).toContain('POST');
      expect(
        response.headers
          .get('access-control-allow-headers')
          ?.split(',')
          .map((h) => h.trim()),
      ).toEqual(expect.arrayContaining(['content-type', 'authorization']));
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('serves the public call itself to a foreign origin, with the CORS header', async () => {
      const response = await api(server, 'POST', '/chat/public/demo/threads', {
        body: { email: newEmail('Cors') },
        headers: { origin: 'http://customer.example' },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://customer.example');
    });
  });
});

describe('public socket idle timeout', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_IDLE_TIMEOUT_MS: '1000' });
  });
  afterAll(() => server.close());

  it('sends an idle_timeout error, then closes with 1000', async () => {
    const email = newEmail('Idle');
    const { threadId, token } = await startConversation(server, email);
    const visitor = openPublic(server, 'demo', threadId, email, { token });
    await visitor.ready();
    const closed = await visitor.closed;
    expect(closed.code).toBe(1000);
    const errors = visitor.ofType('error');
    expect(errors).toHaveLength(1);
    expect(errors[0].data).toMatchObject({ code: 'idle_timeout' });
    expect(typeof errors[0].data.message).toBe('string');
    // The error came before the close, as the last frame.
    expect(visitor.frames.at(-1)).toBe(errors[0]);
  });
});

describe('public rate limits (CONTRACT §7)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_SOCKETS_PER_MIN: '3', RATE_LIMIT_THREADS_PER_MIN: '2' });
  });
  afterAll(() => server.close());

  it('refuses the 4th socket connect of a minute with rate_limited and close 1013', async () => {
    const email = newEmail('Sockets');
    // The limit counts connects, whatever becomes of them: these three (no token) end with 4001.
    for (let i = 0; i < 3; i++) {
      const socket = openPublic(server, 'demo', randomUUID(), email);
      expect((await socket.closed).code).toBe(4001);
      expect(socket.ofType('error')).toEqual([]);
    }
    const limited = openPublic(server, 'demo', randomUUID(), email);
    const closed = await limited.closed;
    expect(closed.code).toBe(1013);
    const errors = limited.ofType('error');
    expect(errors).toHaveLength(1);
    expect(errors[0].data).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(errors[0].data.retry_after_ms).toBeGreaterThan(0);
    expect(errors[0].data.retry_after_ms).toBeLessThanOrEqual(60_000);
  });

  it('refuses the 3rd thread creation of a minute with 429, Retry-After and rate_limited', async () => {
    for (let i = 0; i < 2; i++) {
      const ok = await api(server, 'POST', '/chat/public/demo/threads', { body: { email: newEmail('Limit') } });
      expect(ok.status).toBe(201);
    }
    const limited = await api(server, 'POST', '/chat/public/demo/threads', { body: { email: newEmail('Limit') } });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited', retryable: true });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});
