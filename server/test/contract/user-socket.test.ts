import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expiredToken, MESSAGE_KEYS, api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, sleep, userSocketUrl } from '../support/test-socket.ts';

type Session = { token: string; user: { id: string; name: string } };

const sockets = new SocketTracker();
const track = (socket: TestSocket) => sockets.track(socket);

function openUser(server: TestServer, token?: string, options: Parameters<typeof TestSocket.open>[1] = {}) {
  return track(TestSocket.open(userSocketUrl(server.wsUrl, token), options));
}

/** The next frame that matches and arrives after this call (frames already received do not count). */
function nextNew(socket: TestSocket, predicate: (frame: any) => boolean, label = 'frame', timeoutMs = 5_000) {
  const since = socket.frames.length;
  return socket.next((frame) => socket.frames.indexOf(frame) >= since && predicate(frame), timeoutMs, label);
}

/** Sends a ping and waits for its pong: proof that the socket is open and answering. */
async function pingPong(socket: TestSocket) {
  const pong = nextNew(socket, (frame) => frame.type === 'pong', 'a pong');
  socket.send({ type: 'ping' });
  return pong;
}

/** Opens a raw upgrade and reports the HTTP status when the server refuses it, or 101 when it upgrades. */
function upgradeStatus(url: string, headers: Record<string, string> = {}, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, ...(origin ? { origin } : {}) });
    ws.on('unexpected-response', (_request, response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('upgrade', () => {
      resolve(101);
      ws.terminate();
    });
    // terminate() of a refused handshake reports an error after the status was resolved: a no-op then.
    ws.on('error', (error) => reject(error));
  });
}

afterEach(() => sockets.closeAll());

describe('the user WebSocket (CONTRACT §6)', () => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  /** Alice and Bob, no agent: nothing answers in it. */
  let shared: { id: string };
  /** Bob and Carol: Alice is not in it. */
  let foreign: { id: string };

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.login('alice@example.com');
    bob = await server.login('bob@example.com');
    carol = await server.addUser('Carol');
    shared = await createThread(server, alice.token, { target_user_ids: [bob.user.id], title: 'Alice and Bob' });
    foreign = await createThread(server, bob.token, { target_user_ids: [carol.user.id], title: 'Bob and Carol' });
  });
  afterAll(() => server.close());

  describe('frames', () => {
    it('starts with a ready frame (connection_id, heartbeat_ms, server_time, org) and answers ping with pong', async () => {
      const before = Date.now();
      const socket = openUser(server, alice.token);
      const ready = await socket.ready();
      expect(socket.frames[0]).toBe(ready);
      expect(Object.keys(ready.data).sort()).toEqual(['connection_id', 'heartbeat_ms', 'org', 'protocol_version', 'server_time']);
      // CONTRACT §15: the `<org>` of topics, `local` without NATS_ORG.
      expect(ready.data.org).toBe('local');
      expect(typeof ready.data.connection_id).toBe('string');
      expect(ready.data.connection_id.length).toBeGreaterThan(0);
      expect(ready.data.heartbeat_ms).toBe(server.config.heartbeatMs);
      const serverTime = Date.parse(ready.data.server_time);
      expect(serverTime).toBeGreaterThanOrEqual(before - 60_000);
      expect(serverTime).toBeLessThanOrEqual(Date.now() + 60_000);

      const pong = await pingPong(socket);
      expect(pong).toEqual({ type: 'pong' });

      // Every connection has its own id.
      const other = openUser(server, alice.token);
      expect((await other.ready()).data.connection_id).not.toBe(ready.data.connection_id);
    });

    it("delivers the events of the user's own threads only, each thread_message with thread_seq and the full message", async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();

      const secret = await api(server, 'POST', `/chat/threads/${foreign.id}/messages`, {
        token: bob.token,
        body: sendBody('not for Alice'),
      });
      expect(secret.status).toBe(201);
      const body = { ...sendBody('for Alice'), mentions: [alice.user.id].map((id) => `user:${id}`), base_seq: 1, latest_seen_seq: 2 };
      const sent = await api(server, 'POST', `/chat/threads/${shared.id}/messages`, { token: bob.token, body });
      expect(sent.status).toBe(201);

      const frame = await socket.next(
        (f) => f.type === 'thread_message' && f.data.client_message_id === body.client_message_id,
        5_000,
        "Bob's message",
      );
      expect(frame.thread_id).toBe(shared.id);
      expect(Object.keys(frame.data).sort()).toEqual(MESSAGE_KEYS);
      expect(frame.data).toEqual(sent.body.message);
      expect(frame.data).toMatchObject({
        thread_id: shared.id,
        sender_id: `user:${bob.user.id}`,
        role: 'user',
        content: 'for Alice',
        mentions: [`user:${alice.user.id}`],
        base_seq: 1,
        latest_seen_seq: 2,
      });
      expect(Number.isInteger(frame.data.thread_seq)).toBe(true);

      // Bob's message in the foreign thread was committed first, and never reached Alice.
      const leaked = socket.frames.filter(
        (f) => f.thread_id === foreign.id || f.data?.thread_id === foreign.id || f.data?.message?.thread_id === foreign.id,
      );
      expect(leaked).toEqual([]);
    });

    it('subscribes the socket live to a thread created after it connected (participant_joined, then messages)', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      const thread = await createThread(server, bob.token, { target_user_ids: [alice.user.id], title: 'Made later' });

      const joined = await socket.next(
        (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.event_type === 'participant_joined',
        5_000,
        'participant_joined of the new thread',
      );
      expect(joined.data).toMatchObject({ thread_id: thread.id, event_type: 'participant_joined' });
      expect(Number.isInteger(joined.data.thread_seq)).toBe(true);
      await socket.next(
        (f) => f.type === 'thread_event' && f.thread_id === thread.id && f.data.data?.sender_id === `user:${alice.user.id}`,
        5_000,
        "Alice's participant_joined",
      );
      const joinedSeqs = socket.frames.filter((f) => f.type === 'thread_event' && f.thread_id === thread.id).map((f) => f.data.thread_seq);
      expect(joinedSeqs).toEqual([1, 2]);

      const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: bob.token, body: sendBody('welcome aboard') });
      const message = await socket.next((f) => f.type === 'thread_message' && f.thread_id === thread.id, 5_000, 'the first message');
      expect(message.data).toEqual(sent.body.message);
      expect(message.data.thread_seq).toBe(3);
    });

    it('forwards typing and presence to the other participants, not back to the sender', async () => {
      const aliceSocket = openUser(server, alice.token);
      const bobSocket = openUser(server, bob.token);
      await Promise.all([aliceSocket.ready(), bobSocket.ready()]);

      const typing = nextNew(bobSocket, (f) => f.type === 'thread_typing' && f.thread_id === shared.id, 'typing');
      aliceSocket.send({ type: 'typing', data: { thread_id: shared.id, status: 'started' } });
      expect(await typing).toEqual({
        type: 'thread_typing',
        thread_id: shared.id,
        data: { sender_id: `user:${alice.user.id}`, status: 'started' },
      });

      const focused = nextNew(bobSocket, (f) => f.type === 'thread_presence' && f.data.status === 'focused', 'focused');
      aliceSocket.send({ type: 'focus_thread', data: { thread_id: shared.id } });
      expect(await focused).toEqual({
        type: 'thread_presence',
        thread_id: shared.id,
        data: { sender_id: `user:${alice.user.id}`, status: 'focused' },
      });

      // A closed connection unfocuses what it focused.
      const unfocused = nextNew(bobSocket, (f) => f.type === 'thread_presence' && f.data.status === 'unfocused', 'unfocused');
      await aliceSocket.close();
      expect((await unfocused).data).toEqual({ sender_id: `user:${alice.user.id}`, status: 'unfocused' });

      expect(aliceSocket.frames.filter((f) => f.type === 'thread_typing' || f.type === 'thread_presence')).toEqual([]);
    });
  });

  describe('bad client frames get an error frame and the socket stays open', () => {
    async function expectClientError(socket: TestSocket, send: () => void) {
      const error = nextNew(socket, (f) => f.type === 'error', 'an error frame');
      send();
      const frame = await error;
      expect(frame.data).toMatchObject({ code: 'client_error', retryable: false });
      expect(typeof frame.data.message).toBe('string');
      expect(await pingPong(socket)).toEqual({ type: 'pong' });
      expect(socket.isOpen).toBe(true);
      return frame;
    }

    it('answers a frame that is not JSON', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      const frame = await expectClientError(socket, () => socket.send('this is {not json'));
      expect(frame.data.message).toMatch(/JSON/);
    });

    it('answers JSON that is not a frame object', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      await expectClientError(socket, () => socket.send('[1, 2, 3]'));
      await expectClientError(socket, () => socket.send('{"data": {}}'));
    });

    it('answers an unknown frame type, naming it', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      const frame = await expectClientError(socket, () => socket.send({ type: 'dance', data: {} }));
      expect(frame.data.message).toContain('dance');
    });

    it('answers a frame with bad fields, naming the field', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      const badId = await expectClientError(socket, () =>
        socket.send({ type: 'typing', data: { thread_id: 'not-a-uuid', status: 'started' } }),
      );
      expect(badId.data.message).toContain('thread_id');
      const badStatus = await expectClientError(socket, () =>
        socket.send({ type: 'typing', data: { thread_id: shared.id, status: 'dancing' } }),
      );
      expect(badStatus.data.message).toContain('status');
      const missing = await expectClientError(socket, () =>
        socket.send({ type: 'send_message', data: { thread_id: shared.id, client_message_id: 'x-1' } }),
      );
      expect(missing.data.message).toContain('content');
      expect(missing.data.client_message_id).toBe('x-1');
    });

    it('answers send_message with a lone surrogate in content (client_error, its client_message_id), and stores nothing', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      const before = (await api(server, 'GET', `/chat/threads/${shared.id}`, { token: alice.token })).body.last_seq;
      const frame = await expectClientError(socket, () =>
        socket.send({ type: 'send_message', data: { thread_id: shared.id, content: 'half a pair \ud83d', client_message_id: 'lone-1' } }),
      );
      expect(frame.data.message).toMatch(/content.*unpaired surrogate/);
      expect(frame.data.client_message_id).toBe('lone-1');
      expect((await api(server, 'GET', `/chat/threads/${shared.id}`, { token: alice.token })).body.last_seq).toBe(before);
    });

    it('answers a binary frame', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      const frame = await expectClientError(socket, () => socket.ws.send(Buffer.from(JSON.stringify({ type: 'ping' })), { binary: true }));
      expect(frame.data.message).toMatch(/binary/i);
    });
  });

  describe('send_message', () => {
    it('acks a valid send with the committed message, which the other participant receives', async () => {
      const socket = openUser(server, alice.token);
      const bobSocket = openUser(server, bob.token);
      await Promise.all([socket.ready(), bobSocket.ready()]);
      const clientMessageId = randomUUID();
      socket.send({ type: 'send_message', data: { thread_id: shared.id, content: 'over the socket', client_message_id: clientMessageId } });

      const ack = await socket.nextOfType('message_ack');
      expect(ack.data.client_message_id).toBe(clientMessageId);
      expect(Object.keys(ack.data.message).sort()).toEqual(MESSAGE_KEYS);
      expect(ack.data.message).toMatchObject({
        thread_id: shared.id,
        sender_id: `user:${alice.user.id}`,
        role: 'user',
        content: 'over the socket',
        client_message_id: clientMessageId,
      });
      const atBob = await bobSocket.next((f) => f.type === 'thread_message' && f.data.client_message_id === clientMessageId);
      expect(atBob.data).toEqual(ack.data.message);
      const log = await api(server, 'GET', `/chat/threads/${shared.id}/events?last_thread_seq=${ack.data.message.thread_seq - 1}&limit=1`, {
        token: alice.token,
      });
      expect(log.body.events[0]).toMatchObject({
        thread_seq: ack.data.message.thread_seq,
        event_type: 'message_committed',
        content: 'over the socket',
      });
    });

    it('counts a client_message_id in code points, as REST does: 128 emoji are accepted, 129 are refused', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      const okId = '😀'.repeat(128);
      socket.send({ type: 'send_message', data: { thread_id: shared.id, content: 'emoji id', client_message_id: okId } });
      const ack = await socket.next((f) => f.type === 'message_ack' && f.data.client_message_id === okId);
      expect(ack.data.message.client_message_id).toBe(okId);
      const tooLong = '😀'.repeat(129);
      socket.send({ type: 'send_message', data: { thread_id: shared.id, content: 'emoji id', client_message_id: tooLong } });
      const error = await socket.next((f) => f.type === 'error' && f.data.client_message_id === tooLong);
      expect(error.data).toMatchObject({ code: 'client_error', retryable: false });
      expect(error.data.message).toContain('client_message_id is longer than 128 characters');
    });

    it('counts content in code points: 5,000 emoji are accepted, 5,001 are refused', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      const okId = randomUUID();
      socket.send({ type: 'send_message', data: { thread_id: shared.id, content: '😀'.repeat(5_000), client_message_id: okId } });
      const ack = await socket.next((f) => f.type === 'message_ack' && f.data.client_message_id === okId);
      expect(ack.data.message.content).toBe('😀'.repeat(5_000));

      const before = await api(server, 'GET', `/chat/threads/${shared.id}`, { token: alice.token });
      const tooLongId = randomUUID();
      socket.send({ type: 'send_message', data: { thread_id: shared.id, content: '😀'.repeat(5_001), client_message_id: tooLongId } });
      const error = await socket.next((f) => f.type === 'error' && f.data.client_message_id === tooLongId);
      expect(error.data).toMatchObject({ code: 'client_error', retryable: false, client_message_id: tooLongId });
      expect(error.data.message).toMatch(/content/);
      const after = await api(server, 'GET', `/chat/threads/${shared.id}`, { token: alice.token });
      expect(after.body.last_seq).toBe(before.body.last_seq);
      expect(await pingPong(socket)).toEqual({ type: 'pong' });
    });

    it('refuses empty and whitespace-only content with client_error and the client_message_id echoed', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      for (const content of ['', '   \n\t ']) {
        const id = randomUUID();
        socket.send({ type: 'send_message', data: { thread_id: shared.id, content, client_message_id: id } });
        const error = await socket.next(
          (f) => f.type === 'error' && f.data.client_message_id === id,
          5_000,
          `error for ${JSON.stringify(content)}`,
        );
        expect(error.data).toMatchObject({ code: 'client_error', retryable: false, client_message_id: id });
        expect(error.data.message).toMatch(/content/);
      }
      expect(socket.ofType('message_ack')).toEqual([]);
      expect(await pingPong(socket)).toEqual({ type: 'pong' });
    });

    it('refuses a send to a thread the user is not in, and commits nothing', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      const before = await api(server, 'GET', `/chat/threads/${foreign.id}`, { token: bob.token });
      const id = randomUUID();
      socket.send({ type: 'send_message', data: { thread_id: foreign.id, content: 'let me in', client_message_id: id } });
      const error = await socket.next((f) => f.type === 'error' && f.data.client_message_id === id, 5_000, 'the refusal');
      expect(error.data).toMatchObject({ code: 'client_error', retryable: false, client_message_id: id });
      const after = await api(server, 'GET', `/chat/threads/${foreign.id}`, { token: bob.token });
      expect(after.body.last_seq).toBe(before.body.last_seq);

      // An unknown thread is refused the same way.
      const unknownId = randomUUID();
      socket.send({ type: 'send_message', data: { thread_id: randomUUID(), content: 'anyone?', client_message_id: unknownId } });
      const unknown = await socket.next((f) => f.type === 'error' && f.data.client_message_id === unknownId, 5_000, 'the refusal');
      expect(unknown.data).toMatchObject({ code: 'client_error', retryable: false });
      expect(socket.ofType('message_ack')).toEqual([]);
      expect(await pingPong(socket)).toEqual({ type: 'pong' });
    });

    it('refuses typing and focus for a foreign thread without closing', async () => {
      const socket = openUser(server, alice.token);
      const carolSocket = openUser(server, carol.token);
      await Promise.all([socket.ready(), carolSocket.ready()]);
      const errors = socket.ofType('error').length;
      socket.send({ type: 'typing', data: { thread_id: foreign.id, status: 'started' } });
      socket.send({ type: 'focus_thread', data: { thread_id: foreign.id } });
      await socket.next(() => socket.ofType('error').length >= errors + 2, 5_000, 'two error frames');
      expect(
        socket
          .ofType('error')
          .slice(errors)
          .map((f) => f.data.code),
      ).toEqual(['client_error', 'client_error']);
      expect(await pingPong(socket)).toEqual({ type: 'pong' });
      expect(carolSocket.frames.filter((f) => f.type === 'thread_typing' || f.type === 'thread_presence')).toEqual([]);
    });
  });

  describe('auth', () => {
    it('accepts the token as ?token=', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      expect(await pingPong(socket)).toEqual({ type: 'pong' });
    });

    it('accepts the token as Sec-WebSocket-Protocol: auth, <jwt> and answers with the subprotocol auth', async () => {
      const socket = openUser(server, undefined, { protocols: ['auth', alice.token] });
      await socket.ready();
      expect(socket.ws.protocol).toBe('auth');
      // It is Alice's socket: her threads' messages reach it.
      const sent = await api(server, 'POST', `/chat/threads/${shared.id}/messages`, {
        token: bob.token,
        body: sendBody('via subprotocol'),
      });
      const frame = await socket.next((f) => f.type === 'thread_message' && f.data.id === sent.body.message.id);
      expect(frame.thread_id).toBe(shared.id);
    });

    it('closes with 4001 when the token is missing', async () => {
      const socket = openUser(server);
      expect((await socket.closed).code).toBe(4001);
      expect(socket.ofType('ready')).toEqual([]);
    });

    it('closes with 4001 for a garbage token', async () => {
      for (const token of ['garbage', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad-signature-here']) {
        const socket = openUser(server, token);
        expect((await socket.closed).code).toBe(4001);
        expect(socket.ofType('ready')).toEqual([]);
      }
      // The same in the subprotocol.
      const viaProtocol = openUser(server, undefined, { protocols: ['auth', 'garbage'] });
      expect((await viaProtocol.closed).code).toBe(4001);
    });

    it('closes with 4001 for a token signed with another secret', async () => {
      const now = Math.floor(Date.now() / 1000);
      const forged = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(alice.user.id)
        .setExpirationTime(now + 3_600)
        .sign(new TextEncoder().encode('another-secret-of-sufficient-length'));
      const socket = openUser(server, forged);
      expect((await socket.closed).code).toBe(4001);
    });

    it('closes an open socket with 4001 when its token expires, whichever way the token came', async () => {
      for (const how of ['query', 'subprotocol'] as const) {
        // `exp` is in whole seconds: a 2 s token has 1 to 2 s left.
        const token = await server.app.context.tokens.issue(alice.user.id, 0, 2);
        const socket = how === 'query' ? openUser(server, token) : openUser(server, undefined, { protocols: ['auth', token] });
        await socket.ready();
        expect(await pingPong(socket)).toEqual({ type: 'pong' });
        const closed = await Promise.race([socket.closed, sleep(10_000).then(() => ({ code: -1, reason: 'still open 10 s later' }))]);
        expect(closed, how).toEqual({ code: 4001, reason: 'Token expired.' });
        // Gone from the thread too: nothing more is delivered to it.
        expect(socket.isOpen).toBe(false);
      }
    });

    it('closes with 4001 for an expired token', async () => {
      const token = await expiredToken(server, alice.user.id);
      const socket = openUser(server, token);
      const closed = await socket.closed;
      expect(closed.code).toBe(4001);
      expect(closed.reason).toMatch(/expired/i);
      expect(socket.ofType('ready')).toEqual([]);

      const viaProtocol = openUser(server, undefined, { protocols: ['auth', token] });
      expect((await viaProtocol.closed).code).toBe(4001);
    });
  });

  describe('origin check', () => {
    it('refuses a cross-site Origin with 403 before the upgrade', async () => {
      expect(await upgradeStatus(userSocketUrl(server.wsUrl, alice.token), {}, 'http://evil.example')).toBe(403);
      // Same host name, other port: another origin.
      const port = Number(new URL(server.url).port);
      expect(await upgradeStatus(userSocketUrl(server.wsUrl, alice.token), {}, `http://127.0.0.1:${port + 1}`)).toBe(403);
    });

    it("accepts the server's own origin", async () => {
      const socket = openUser(server, alice.token, { origin: server.url });
      await socket.ready();
      expect(await pingPong(socket)).toEqual({ type: 'pong' });
    });

    it('accepts a client that sends no Origin', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      expect(socket.isOpen).toBe(true);
    });
  });

  describe('upgrade requests', () => {
    it('answers an upgrade to an unknown path with 404, to a target that is no URL with 400, and keeps serving', async () => {
      expect(await upgradeStatus(`${server.wsUrl}/api/v1/chat/ws/nowhere`)).toBe(404);
      expect(await upgradeStatus(`${server.wsUrl}//`)).toBe(400);
      const socket = openUser(server, alice.token);
      await socket.ready();
      expect(await pingPong(socket)).toEqual({ type: 'pong' });
    });
  });

  describe('limits', () => {
    it('closes the socket with 1009 for a frame over 64 KiB', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      socket.send({ type: 'ping', pad: 'x'.repeat(65 * 1024) });
      expect((await socket.closed).code).toBe(1009);
    });

    it('still accepts a frame just under 64 KiB', async () => {
      const socket = openUser(server, alice.token);
      await socket.ready();
      const frame = JSON.stringify({ type: 'ping', pad: '' });
      socket.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(64 * 1024 - frame.length) }));
      expect(await socket.nextOfType('pong')).toEqual({ type: 'pong' });
    });
  });

  describe('read position', () => {
    it("echoes thread_read to the user's connections and never moves backwards", async () => {
      const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id], title: 'Reading' });
      for (let i = 0; i < 4; i++) {
        await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: bob.token, body: sendBody(`unread ${i}`) });
      }
      const last = (await api(server, 'GET', `/chat/threads/${thread.id}`, { token: alice.token })).body.last_seq as number;
      expect(last).toBe(6);

      const first = openUser(server, alice.token);
      const second = openUser(server, alice.token);
      const bobSocket = openUser(server, bob.token);
      await Promise.all([first.ready(), second.ready(), bobSocket.ready()]);

      const read = await api(server, 'POST', `/chat/threads/${thread.id}/read`, { token: alice.token, body: { seq: 5 } });
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ read_seq: 5 });
      const expected = { type: 'thread_read', thread_id: thread.id, data: { read_seq: 5 } };
      expect(await first.nextOfType('thread_read')).toEqual(expected);
      expect(await second.nextOfType('thread_read')).toEqual(expected);

      const back = await api(server, 'POST', `/chat/threads/${thread.id}/read`, { token: alice.token, body: { seq: 2 } });
      expect(back.status).toBe(200);
      expect(back.body).toEqual({ read_seq: 5 });
      const state = await api(server, 'GET', `/chat/threads/${thread.id}`, { token: alice.token });
      expect(state.body).toMatchObject({ read_seq: 5, unread_count: 1 });

      // Past the end of the log: clamped to last_seq.
      const beyond = await api(server, 'POST', `/chat/threads/${thread.id}/read`, { token: alice.token, body: { seq: 1_000 } });
      expect(beyond.body).toEqual({ read_seq: 6 });
      await first.next((f) => f.type === 'thread_read' && f.data.read_seq === 6, 5_000, 'read_seq 6');
      await second.next((f) => f.type === 'thread_read' && f.data.read_seq === 6, 5_000, 'read_seq 6');
      for (const socket of [first, second]) {
        const seqs = socket.ofType('thread_read').map((f) => f.data.read_seq);
        // Whatever was echoed for the backward request, it was never below 5.
        expect(seqs.every((seq: number) => seq >= 5)).toBe(true);
        expect(seqs.at(-1)).toBe(6);
      }
      // Alice's read position is hers: Bob's socket hears nothing of it.
      expect(bobSocket.ofType('thread_read')).toEqual([]);
    });
  });
});

describe('ALLOWED_ORIGINS (CONTRACT §1)', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ ALLOWED_ORIGINS: 'http://app.example, https://chat.example:8443' });
    token = (await server.login('alice@example.com')).token;
  });
  afterAll(() => server.close());

  it('accepts the listed origins and the server’s own, and refuses the rest', async () => {
    for (const origin of ['http://app.example', 'https://chat.example:8443', server.url]) {
      const socket = openUser(server, token, { origin });
      await socket.ready();
      expect(await pingPong(socket)).toEqual({ type: 'pong' });
      await socket.close();
    }
    expect(await upgradeStatus(userSocketUrl(server.wsUrl, token), {}, 'http://evil.example')).toBe(403);
    expect(await upgradeStatus(userSocketUrl(server.wsUrl, token), {}, 'https://app.example')).toBe(403);
  });
});

describe('heartbeat (CONTRACT §6 keep-alive)', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ HEARTBEAT_MS: '1000' });
    token = (await server.login('alice@example.com')).token;
  });
  afterAll(() => server.close());

  it('announces heartbeat_ms and keeps a client that answers the ping frames', async () => {
    const socket = openUser(server, token);
    const ready = await socket.ready();
    expect(ready.data.heartbeat_ms).toBe(1000);
    let pings = 0;
    socket.ws.on('ping', () => pings++);
    await sleep(3_500);
    expect(socket.isOpen).toBe(true);
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(await pingPong(socket)).toEqual({ type: 'pong' });
  });

  it('drops a client that does not answer the ping frames', async () => {
    const socket = track(new TestSocket(new WebSocket(userSocketUrl(server.wsUrl, token), { autoPong: false })));
    await socket.ready();
    const closed = await Promise.race([socket.closed, sleep(10_000).then(() => null)]);
    expect(closed).not.toBeNull();
    expect(socket.isOpen).toBe(false);
  });
});
