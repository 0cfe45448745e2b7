import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../src/core/protocol/protocol-version.ts';
import { api, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, publicSocketUrl, userSocketUrl } from '../support/test-socket.ts';

const sockets = new SocketTracker();

afterEach(() => sockets.closeAll());

describe('protocol_version in ready (CONTRACT §6 [ext])', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('the user socket announces the protocol version it speaks', async () => {
    const { token } = await server.login('alice@example.com');
    const socket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, token)));
    const ready = await socket.ready();
    expect(ready.data.protocol_version).toBe(PROTOCOL_VERSION);
    expect(PROTOCOL_VERSION).toBe(1);
  });

  it('the public socket announces the same version', async () => {
    const email = `version-${randomUUID().slice(0, 8)}@customer.example`;
    const resolved = await api(server, 'POST', '/chat/public/demo/threads', { body: { email } });
    expect(resolved.status).toBe(201);
    const url = publicSocketUrl(server.wsUrl, 'demo', resolved.body.thread_id as string, email);
    const socket = sockets.track(TestSocket.open(url, { protocols: ['visitor', resolved.body.visitor_token as string] }));
    const ready = await socket.ready();
    expect(ready.data.protocol_version).toBe(PROTOCOL_VERSION);
  });
});
