import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { api, demoWorld, startTestServer, type TestServer } from '../support/test-server.ts';
import { sleep } from '../support/test-socket.ts';
import { resolve, startVisitor } from '../support/visitors.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

/** The sweep looks this often in these tests (the default is an hour). */
const SWEEP_MS = 100;

describeEachStorage('privacy: retention (CONTRACT §14), swept once across three processes', (storageEnv) => {
  const servers: TestServer[] = [];
  let world: World;
  let receiver: Receiver;
  const first = () => servers[0]!;

  beforeAll(async () => {
    const env = { ...(await storageEnv()), RETENTION_SWEEP_MS: String(SWEEP_MS) };
    servers.push(await startTestServer(env));
    // Two more processes on the same database (the same SQLite file, or the same PostgreSQL database).
    const shared = first().config.databaseUrl
      ? { ...env, DATABASE_URL: first().config.databaseUrl! }
      : { ...env, DATABASE_PATH: first().config.databasePath };
    servers.push(await startTestServer(shared), await startTestServer(shared));
    world = await demoWorld(first());
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await receiver?.close();
  });

  /** Moves a thread's last activity into the past, in the database itself. */
  async function age(threadId: string, days: number): Promise<void> {
    const at = new Date(Date.now() - days * 86_400_000).toISOString();
    const url = first().config.databaseUrl;
    if (url) {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      await sql`UPDATE threads SET activity_at = ${at}::timestamptz WHERE id = ${threadId}`;
      await sql.end();
      return;
    }
    const db = new Database(first().config.databasePath);
    db.pragma('busy_timeout = 5000');
    db.prepare('UPDATE threads SET activity_at = ? WHERE id = ?').run(at, threadId);
    db.close();
  }

  const settings = (body: Record<string, unknown>) =>
    api(first(), 'PUT', '/agents/demo/settings', {
      token: world.alice.token,
      body: { allowed_origins: [], require_verified_identity: false, ...body },
    });
  const status = (threadId: string) => api(first(), 'GET', `/chat/threads/${threadId}`, { token: world.alice.token }).then((r) => r.status);

  it('validates retention_days in words: null or at least one minute, fractions allowed', async () => {
    const message =
      'retention_days must be a number of days from 0.000694 (one minute) to 3650 (ten years), fractions allowed, or null to keep conversations.';
    for (const bad of [0, -1, 1 / 2000, 4000]) {
      const answer = await settings({ retention_days: bad });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toBe(message);
    }
    expect((await settings({ retention_days: 'soon' })).status).toBe(400);
    const fraction = await settings({ retention_days: 0.5 });
    expect(fraction.status).toBe(200);
    expect(fraction.body.retention_days).toBe(0.5);
    expect((await api(first(), 'GET', '/agents/demo/settings', { token: world.alice.token })).body.retention_days).toBe(0.5);
    // Left out: unchanged; null: forever.
    expect((await settings({})).body.retention_days).toBe(0.5);
    expect((await settings({ retention_days: null })).body.retention_days).toBeNull();
  });

  it('erases exactly the visitor threads idle past the retention, each once, with thread_deleted {reason: retention}', async () => {
    const old = await startVisitor(first());
    const recent = await startVisitor(first());
    // A visitor with an old thread and a recent open one (a fresh start).
    const twice = await startVisitor(first());
    const fresh = await resolve(first(), { fresh: true }, { token: twice.visitor_token });
    expect(fresh.status).toBe(201);
    for (const threadId of [old.thread_id, twice.thread_id]) {
      const subscribed = await api(first(), 'POST', `/chat/threads/${threadId}/webhooks`, {
        token: world.alice.token,
        body: { callback_url: receiver.url },
      });
      expect(subscribed.status).toBe(201);
    }
    await age(old.thread_id, 3);
    await age(twice.thread_id, 3);
    await age(recent.thread_id, 0.5);
    expect((await settings({ retention_days: 1 })).status).toBe(200);

    await waitFor(
      'the old threads to be erased',
      async () => (await status(old.thread_id)) === 404 && (await status(twice.thread_id)) === 404,
    );
    expect(await status(recent.thread_id)).toBe(200);
    expect(await status(fresh.body.thread_id)).toBe(200);
    // The visitor whose every thread was old is gone; the other keeps their token and open thread.
    expect((await api(first(), 'GET', '/chat/public/demo/threads', { token: old.visitor_token })).status).toBe(401);
    const mine = await api(first(), 'GET', '/chat/public/demo/threads', { token: twice.visitor_token });
    expect(mine.body.threads.map((thread: { id: string }) => thread.id)).toEqual([fresh.body.thread_id]);

    // Many more rounds of three processes' sweeps: still one thread_deleted per thread.
    await sleep(SWEEP_MS * 10);
    const farewells = receiver.deliveries.filter((delivery) => delivery.event?.event_type === 'thread_deleted');
    expect(farewells.map((delivery) => delivery.event.thread_id).sort()).toEqual([old.thread_id, twice.thread_id].sort());
    for (const farewell of farewells) expect(farewell.event).toMatchObject({ sender_id: 'system', data: { reason: 'retention' } });
    expect((await settings({ retention_days: null })).status).toBe(200);
  });
});
