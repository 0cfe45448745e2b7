import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { openVisitorSocket, startVisitor } from '../support/visitors.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

const FRAME_TIMEOUT_MS = 5_000;

/**
 * U+0000 in a message sent over a socket (CONTRACT §4, §6): PostgreSQL cannot store it in text,
 * so both storages refuse it alike, with a `client_error` frame that names the message (not a
 * retryable `server_error` that the client would send again forever). REST bodies are refused
 * by the body validator (notes.test.ts). On SQLite and on PostgreSQL.
 */
describeEachStorage('text with U+0000 over the sockets', (storageEnv) => {
  let server: TestServer;
  let world: World;
  const sockets = new SocketTracker();

  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
    world = await demoWorld(server);
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await server?.close();
  });

  const refused = (socket: TestSocket, clientMessageId: string) =>
    socket.next((f) => f.type === 'error' && f.data.client_message_id === clientMessageId, FRAME_TIMEOUT_MS, 'the refusal');

  it('a user’s send_message with U+0000 in its content or id is a client_error frame; nothing is committed', async () => {
    const thread = await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] });
    const socket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, world.alice.token)));
    await socket.ready();
    socket.send({ type: 'send_message', data: { thread_id: thread.id, ...sendBody('before\u0000after', 'nul-content') } });
    const byContent = await refused(socket, 'nul-content');
    expect(byContent.data).toEqual({
      code: 'client_error',
      message: expect.stringContaining('U+0000'),
      retryable: false,
      client_message_id: 'nul-content',
    });
    socket.send({ type: 'send_message', data: { thread_id: thread.id, ...sendBody('fine', 'nul\u0000id') } });
    expect((await refused(socket, 'nul\u0000id')).data).toMatchObject({ code: 'client_error', retryable: false });
    const after = await api(server, 'GET', `/chat/threads/${thread.id}`, { token: world.alice.token });
    expect(after.body.last_seq).toBe(thread.last_seq);
  });

  it('a visitor’s send_message with U+0000 is refused the same way', async () => {
    const visitor = await startVisitor(server);
    const socket = sockets.track(
      openVisitorSocket(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token }),
    );
    await socket.ready();
    const before = (await api(server, 'GET', `/chat/threads/${visitor.thread_id}`, { token: world.alice.token })).body.last_seq;
    socket.send({ type: 'send_message', data: { thread_id: visitor.thread_id, ...sendBody('hi\u0000', 'visitor-nul') } });
    expect((await refused(socket, 'visitor-nul')).data).toMatchObject({ code: 'client_error', retryable: false });
    const after = await api(server, 'GET', `/chat/threads/${visitor.thread_id}`, { token: world.alice.token });
    expect(after.body.last_seq).toBe(before);
  });
});
