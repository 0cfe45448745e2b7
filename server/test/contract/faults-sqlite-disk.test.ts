import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';

/** The size of the small filesystem the database lives on. */
const DISK_SIZE = '8m';
/** Sends tried at most before the disk must have filled (each adds a few KiB). */
const MAX_SENDS = 2_000;
const CONTENT = 'x'.repeat(4_000);

const isRoot = process.getuid?.() === 0;
if (!isRoot) {
  const message = 'The SQLite disk-full test mounts a small tmpfs, which needs root.';
  if (process.env.CI) throw new Error(`${message} CI must run it.`);
  console.warn(`\n!! SKIPPING the SQLite disk-full test. ${message}\n`);
}

/**
 * Issue 22: the SQLite file on a disk that fills up, for real (a tmpfs of a few MiB, filled
 * with a file until ENOSPC). A send that cannot be written gets a retryable
 * `503 unavailable` in the contract's shape; reads go on; once space is back the retry
 * with the same client_message_id commits once; the file passes `PRAGMA integrity_check`.
 */
describe.runIf(isRoot)('the SQLite disk full', () => {
  let dir: string;
  let mounted = false;
  let server: TestServer | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ama2-disk-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_SIZE}`, 'tmpfs', dir]);
    mounted = true;
  });
  afterAll(async () => {
    await server?.close();
    if (mounted) execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a send that cannot be written is a retryable 503; reads go on; writes come back with the space, once; no corruption', async () => {
    const databasePath = join(dir, 'db.sqlite');
    server = await startTestServer({ DATABASE_PATH: databasePath, DEMO_DATA: 'false' });
    const ann = await server.addUser('Ann');
    const bob = await server.addUser('Bob');
    const thread = await createThread(server, ann.token, { target_user_ids: [bob.user.id], title: 'disk' });

    // Fill the disk, then send until a send cannot be stored (the WAL still had some room).
    const filler = join(dir, 'filler');
    try {
      for (;;) appendFileSync(filler, Buffer.alloc(256 * 1024));
    } catch (error) {
      expect((error as { code?: string }).code).toBe('ENOSPC');
    }
    const committed: number[] = [];
    let refused: { status: number; body: unknown } | undefined;
    let refusedSend = sendBody(CONTENT);
    for (let index = 0; index < MAX_SENDS && !refused; index++) {
      refusedSend = sendBody(`${CONTENT} ${index}`);
      const response = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: ann.token, body: refusedSend });
      if (response.status === 201) committed.push(response.body.message.thread_seq);
      else refused = { status: response.status, body: response.body };
    }
    expect(refused).toEqual({ status: 503, body: { error: { code: 'unavailable', message: expect.any(String), retryable: true } } });
    // Other writes say the same (a thread's creation, in a transaction of its own). One may
    // still fit: a WAL that a checkpoint has just started over is written again in the space
    // it already has, so each is stored whole (201) or refused in the contract's shape (503),
    // until one is refused; never a 500.
    let createRefused: { status: number; body: unknown } | undefined;
    for (let index = 0; index < MAX_SENDS && !createRefused; index++) {
      const create = await api(server, 'POST', '/chat/threads', { token: ann.token, body: { target_user_ids: [bob.user.id] } });
      if (create.status !== 201) createRefused = { status: create.status, body: create.body };
    }
    expect(createRefused).toEqual({ status: 503, body: { error: { code: 'unavailable', message: expect.any(String), retryable: true } } });

    // Reads go on: the thread list and the whole log, every committed message in it.
    expect((await api(server, 'GET', '/chat/threads', { token: bob.token })).status).toBe(200);
    const readLog = async () => {
      const events: { thread_seq: number; event_type: string; data: { client_message_id?: string } }[] = [];
      for (let more = true; more;) {
        const page = await api(server!, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=${events.length}&limit=200`, {
          token: bob.token,
        });
        expect(page.status).toBe(200);
        events.push(...page.body.events);
        more = page.body.has_more;
      }
      return events;
    };
    const during = await readLog();
    expect(during.map((event) => event.thread_seq)).toEqual(during.map((_, index) => index + 1));
    expect(during.filter((event) => event.event_type === 'message_committed').map((event) => event.thread_seq)).toEqual(committed);

    // Space comes back: the client's retry commits, once.
    rmSync(filler);
    const retried = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: ann.token, body: refusedSend });
    expect(retried).toMatchObject({
      status: 201,
      body: { message: { thread_seq: during.length + 1, client_message_id: refusedSend.client_message_id } },
    });
    const repeated = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: ann.token, body: refusedSend });
    expect(repeated).toMatchObject({ status: 200, body: retried.body });
    const later = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: bob.token, body: sendBody('space again') });
    expect(later).toMatchObject({ status: 201, body: { message: { thread_seq: during.length + 2 } } });
    const after = await readLog();
    expect(after.map((event) => event.thread_seq)).toEqual(after.map((_, index) => index + 1));
    expect(after.filter((event) => event.data.client_message_id === refusedSend.client_message_id)).toHaveLength(1);

    await server.close();
    server = undefined;
    const db = new Database(databasePath, { readonly: true });
    try {
      expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(db.prepare('SELECT count(*) AS count FROM messages WHERE thread_id = ?').get(thread.id)).toEqual({
        count: committed.length + 2,
      });
    } finally {
      db.close();
    }
  });
});
