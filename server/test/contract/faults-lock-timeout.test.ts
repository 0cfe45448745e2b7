import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IDLE_IN_TRANSACTION_TIMEOUT_MS, serverConnectionOptions } from '../../src/storage/postgres/postgres-storage.ts';
import { describePostgres, freshDatabase } from '../support/postgres.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { sleep } from '../support/test-socket.ts';

/** A client gives up on a request after this long. */
const CLIENT_DEADLINE_MS = 10_000;
/** How long the stalled transaction's process stops answering: far longer than any timeout involved. */
const STALL_MS = 60_000;

/**
 * Issue 22's safety net: a transaction that a stalled process holds open blocks others only
 * for a couple of seconds. The server's PostgreSQL sessions carry `lock_timeout` (a send
 * that waits that long for a thread's row gets a retryable `503 unavailable`, and its retry
 * with the same client_message_id commits once) and `idle_in_transaction_session_timeout`
 * (PostgreSQL itself ends a server transaction left idle, releasing its locks).
 */
describePostgres('a thread row held by a stalled transaction', () => {
  let databaseUrl: string;
  let server: TestServer;
  let holder: postgres.Sql;

  beforeAll(async () => {
    databaseUrl = await freshDatabase();
    server = await startTestServer({ DATABASE_URL: databaseUrl, DEMO_DATA: 'false' });
    holder = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await holder?.end();
    await server?.close();
  });

  const post = (token: string, threadId: string, body: unknown) =>
    fetch(`${server.url}/api/v1/chat/threads/${threadId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(CLIENT_DEADLINE_MS),
    }).then(async (response) => ({ status: response.status, body: await response.json() }));

  it('a send that cannot get the row in time is a retryable 503; other threads commit meanwhile; the retry commits once', async () => {
    const ann = await server.addUser('Ann');
    const bob = await server.addUser('Bob');
    const held = await createThread(server, ann.token, { target_user_ids: [bob.user.id], title: 'held' });
    const free = await createThread(server, ann.token, { target_user_ids: [bob.user.id], title: 'free' });
    const send = sendBody('while the row is held');

    const reserved = await holder.reserve();
    let refused;
    let meanwhile;
    try {
      // Another process's transaction, stalled while it holds the thread's row.
      await reserved`BEGIN`;
      await reserved`SELECT 1 FROM threads WHERE id = ${held.id} FOR UPDATE`;
      [refused, meanwhile] = await Promise.all([post(ann.token, held.id, send), post(bob.token, free.id, sendBody('elsewhere'))]);
    } finally {
      await reserved`ROLLBACK`;
      reserved.release();
    }
    expect(refused).toEqual({ status: 503, body: { error: { code: 'unavailable', message: expect.any(String), retryable: true } } });
    expect(meanwhile).toMatchObject({ status: 201, body: { message: { thread_seq: free.last_seq + 1 } } });

    const retried = await post(ann.token, held.id, send);
    expect(retried).toMatchObject({
      status: 201,
      body: { message: { thread_seq: held.last_seq + 1, client_message_id: send.client_message_id } },
    });
    const repeated = await post(ann.token, held.id, send);
    expect(repeated).toEqual({ status: 200, body: retried.body });
    const log = await api(server, 'GET', `/chat/threads/${held.id}/events?last_thread_seq=0&limit=200`, { token: ann.token });
    expect(log.body.events.map((event: { thread_seq: number; event_type: string }) => [event.thread_seq, event.event_type])).toEqual([
      ...Array.from({ length: held.last_seq }, (_, index) => [index + 1, 'participant_joined']),
      [held.last_seq + 1, 'message_committed'],
    ]);
  });

  it('PostgreSQL ends a server transaction left idle (its process stalled) and releases its locks', async () => {
    const ann = await server.addUser('Ann');
    const thread = await createThread(server, ann.token, { target_user_ids: [], title: 'idle' });
    // A connection as the server opens them, in a transaction whose process then stops answering.
    const stalled = postgres(databaseUrl, { ...serverConnectionOptions(), max: 1 });
    try {
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const transaction = stalled.begin(async (tx) => {
        await tx`SELECT 1 FROM threads WHERE id = ${thread.id} FOR UPDATE`;
        locked();
        await sleep(STALL_MS);
        await tx`SELECT 1`;
      });
      const outcome = transaction.then(
        () => 'committed',
        () => 'ended by the database',
      );
      await isLocked;
      // Another writer (without a lock_timeout of its own) gets the row once PostgreSQL has ended that transaction.
      const write = holder<{ title: string }[]>`UPDATE threads SET title = 'freed' WHERE id = ${thread.id} RETURNING title`;
      const first = await Promise.race([write.then(([row]) => row!.title), sleep(CLIENT_DEADLINE_MS).then(() => 'still locked')]);
      expect(first).toBe('freed');
      expect(await outcome).toBe('ended by the database');
      expect(IDLE_IN_TRANSACTION_TIMEOUT_MS).toBeLessThan(CLIENT_DEADLINE_MS);
    } finally {
      await stalled.end({ timeout: 0 });
    }
  });
});
