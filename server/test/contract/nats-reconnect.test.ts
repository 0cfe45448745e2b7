import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../../src/core/protocol/limits.ts';
import { natsServerBinary, startNatsServer, type NatsInstance } from '../../src/dev/nats-instance.ts';
import { natsUrl, uniqueOrg } from '../support/nats.ts';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';

const NATS_USER = 'ama2';
const NATS_PASS = 'n4ts-s3cret-pass';

/** A port nobody listens on right now, for a nats-server that must come back on the same one. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server whose NATS goes away and comes back (its own nats-server, with credentials). */
describe.runIf(natsUrl && natsServerBinary())('losing NATS for a while', () => {
  let nats: NatsInstance;
  let port: number;
  let server: TestServer;

  beforeAll(async () => {
    port = await freePort();
    nats = await startNatsServer({ port, user: NATS_USER, pass: NATS_PASS });
    server = await startTestServer({ NATS_URL: `nats://${NATS_USER}:${NATS_PASS}@127.0.0.1:${port}`, NATS_ORG: uniqueOrg() });
  });
  afterAll(async () => {
    await server?.close();
    await nats?.stop();
  });

  it('asks every socket to reconnect (4503) once NATS is back, so that clients catch up; no log line holds the NATS password', async () => {
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id] });
    const socket = TestSocket.open(userSocketUrl(server.wsUrl, bob.token));
    await socket.ready();

    await nats.stop();
    // Commits go on while NATS is away; this process's own sockets still get them at once.
    const during = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: alice.token, body: sendBody('meanwhile') });
    expect(during.status).toBe(201);
    await socket.next((f) => f.type === 'thread_message' && f.data.content === 'meanwhile', 5_000, 'the local message');
    nats = await startNatsServer({ port, user: NATS_USER, pass: NATS_PASS });

    const closed = await Promise.race([
      socket.closed,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the socket was not asked to reconnect')), 15_000).unref()),
    ]);
    expect(closed.code).toBe(CloseCode.unavailable);
    // The client reconnects and catches up by thread_seq: nothing was lost.
    const events = await api(server, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=0`, { token: bob.token });
    expect(events.body.events.map((event: { thread_seq: number }) => event.thread_seq)).toEqual(
      Array.from({ length: during.body.message.thread_seq }, (_, index) => index + 1),
    );
    const again = TestSocket.open(userSocketUrl(server.wsUrl, bob.token));
    await again.ready();
    await again.close();

    const log = readFileSync(server.logFile, 'utf8');
    expect(log).toContain('reconnected to NATS');
    expect(log).not.toContain(NATS_PASS);
  });

  it('refuses to start when NATS cannot be reached, saying where without the password', async () => {
    const closedPort = await freePort();
    const config = loadConfig({
      PORT: '0',
      DATABASE_PATH: ':memory:',
      NATS_URL: `nats://${NATS_USER}:${NATS_PASS}@127.0.0.1:${closedPort}`,
      LOG_LEVEL: 'silent',
    });
    const failure = await createApp(config).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(new RegExp(`^Could not connect to NATS at nats://127\\.0\\.0\\.1:${closedPort}`));
    expect(failure?.message).not.toContain(NATS_PASS);
  });
});
