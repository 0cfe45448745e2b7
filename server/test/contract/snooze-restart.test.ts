import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { SNOOZE_SWEEP_MS } from '../../src/threads/snooze-waker.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { api, createThread, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, sleep, userSocketUrl } from '../support/test-socket.ts';

/** How far ahead the thread is snoozed: it falls due while the server is down. */
const SNOOZE_AHEAD_MS = 1_000;
const FRAME_TIMEOUT_MS = 10_000;

/**
 * A snooze that falls due while the only server is down (CONTRACT §11): it opens, by `system`,
 * once, when the server starts again on the same database. On SQLite (the same file) and on
 * PostgreSQL (the same database; snooze-cluster.test.ts does it with three processes).
 */
describeEachStorage('snooze wake-up after a restart', (storageEnv) => {
  const dir = mkdtempSync(join(tmpdir(), 'snooze-restart-'));
  const sockets = new SocketTracker();
  let server: TestServer | undefined;

  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a snooze due while the server was down wakes once when it starts again', async () => {
    const given = await storageEnv();
    // One database for both lives of the server.
    const settings = given.DATABASE_URL ? given : { ...given, DATABASE_PATH: join(dir, 'db.sqlite') };
    server = await startTestServer(settings);
    const alice = await server.login('alice@example.com');
    const bob = await server.login('bob@example.com');
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id], title: 'snoozed over a restart' });
    const until = new Date(Date.now() + SNOOZE_AHEAD_MS).toISOString();
    const snoozed = await api(server, 'PUT', `/chat/threads/${thread.id}/status`, {
      token: alice.token,
      body: { status: 'snoozed', snoozed_until: until },
    });
    expect(snoozed.status).toBe(200);
    await server.close();
    server = undefined;
    // Down until after the snooze fell due.
    await sleep(Math.max(0, Date.parse(until) - Date.now()) + SNOOZE_AHEAD_MS);

    server = await startTestServer(settings);
    const again = await server.login('alice@example.com');
    const socket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, again.token)));
    await socket.ready();
    const readLog = async () =>
      (await api(server!, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=${snoozed.body.last_seq}`, { token: again.token })).body
        .events as { sender_id: string; data: unknown }[];
    let log = await readLog();
    while (log.length === 0) {
      await socket.next((f) => f.type === 'thread_event' && f.thread_id === thread.id, FRAME_TIMEOUT_MS, 'the wake-up');
      log = await readLog();
    }
    // One more sweep: a second wake-up would be in the log by then.
    await sleep(2 * SNOOZE_SWEEP_MS);
    log = await readLog();
    expect(log.map((e) => [e.sender_id, e.data])).toEqual([['system', { status: 'open', previous: 'snoozed', by: 'system' }]]);
    const opened = await api(server, 'GET', `/chat/threads/${thread.id}`, { token: again.token });
    expect(opened.body).toMatchObject({ status: 'open', snoozed_until: null });
  });
});
