import { expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { demoSuite } from '../support/demo-suite.ts';
import { api, createThread, sendBody } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { openVisitorSocket, startVisitor } from '../support/visitors.ts';

const FRAME_TIMEOUT_MS = 5_000;

/**
 * U+0000 in a message sent over a socket (CONTRACT §4, §6): PostgreSQL cannot store it in text,
 * so both storages refuse it alike, with a `client_error` frame that names the message (not a
 * retryable `server_error` that the client would send again forever). REST bodies are refused
 * by the body validator (notes.test.ts). On SQLite and on PostgreSQL.
 */
describeEachStorage('text with U+0000 over the sockets', (storageEnv) => {
  const demo = demoSuite(storageEnv);

  const refused = (socket: TestSocket, clientMessageId: string) =>
    socket.next((f) => f.type === 'error' && f.data.client_message_id === clientMessageId, FRAME_TIMEOUT_MS, 'the refusal');

  it('a user’s send_message with U+0000 in its content or id is a client_error frame; nothing is committed', async () => {
    const thread = await createThread(demo.server, demo.world.alice.token, { target_user_ids: [demo.world.bob.user.id] });
    const socket = demo.track(TestSocket.open(userSocketUrl(demo.server.wsUrl, demo.world.alice.token)));
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
    const after = await api(demo.server, 'GET', `/chat/threads/${thread.id}`, { token: demo.world.alice.token });
    expect(after.body.last_seq).toBe(thread.last_seq);
  });

  it('a visitor’s send_message with U+0000 is refused the same way', async () => {
    const visitor = await startVisitor(demo.server);
    const socket = demo.track(
      openVisitorSocket(demo.server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token }),
    );
    await socket.ready();
    const before = (await api(demo.server, 'GET', `/chat/threads/${visitor.thread_id}`, { token: demo.world.alice.token })).body.last_seq;
    socket.send({ type: 'send_message', data: { thread_id: visitor.thread_id, ...sendBody('hi\u0000', 'visitor-nul') } });
    expect((await refused(socket, 'visitor-nul')).data).toMatchObject({ code: 'client_error', retryable: false });
    const after = await api(demo.server, 'GET', `/chat/threads/${visitor.thread_id}`, { token: demo.world.alice.token });
    expect(after.body.last_seq).toBe(before);
  });
});
