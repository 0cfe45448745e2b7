import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openStorage } from '../../src/storage/open-storage.ts';
import { DEMO_PASSWORD, seedDemoData } from '../../src/storage/seed-demo-data.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { clusterSettings } from '../support/cluster.ts';
import { freshDatabase, postgresUrl } from '../support/postgres.ts';
import { startChildServer } from '../support/test-cluster.ts';
import { api, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { sleep } from '../support/test-socket.ts';
import { Receiver, waitFor, type Delivery } from '../support/webhook-receiver.ts';

/** Short, so that a dead process's hold runs out within the test. */
const LEASE_MS = '600';
/** How long "nothing more arrives" is watched for. */
const QUIET_MS = 500;
/** Enough for a lease to run out and the next poll (1 s) to take over. */
const TAKEOVER_TIMEOUT_MS = 15_000;

interface Shared {
  /** Settings every process of the cluster gets. */
  env: NodeJS.ProcessEnv;
  /** The test's own handle on the database (seeded with the demo users). */
  storage: Storage;
  cleanup(): void;
}

/**
 * One database for several processes: a SQLite file, or a fresh PostgreSQL database. A
 * short lease only where a takeover is awaited: elsewhere a busy machine could let one run
 * out while its holder is still delivering, and a second delivery would follow.
 */
async function sharedDatabase(engine: 'sqlite' | 'postgres', leaseMs?: string): Promise<Shared> {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-webhook-cluster-'));
  const where = engine === 'postgres' ? { DATABASE_URL: await freshDatabase() } : { DATABASE_PATH: join(dir, 'db.sqlite') };
  const env: NodeJS.ProcessEnv = {
    ...clusterSettings(where, false),
    ...(leaseMs === undefined ? {} : { WEBHOOK_LEASE_MS: leaseMs }),
    WEBHOOK_RETRY_BASE_MS: '20',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  };
  const storage = await openStorage(loadConfig(env));
  await seedDemoData(storage);
  return { env, storage, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function login(server: { url: string }, email: string): Promise<{ token: string; user: { id: string } }> {
  const response = await api(server, 'POST', '/auth/login', { body: { email, password: DEMO_PASSWORD } });
  expect(response.status).toBe(200);
  return response.body;
}

async function send(server: { url: string }, token: string, threadId: string, content: string): Promise<number> {
  const response = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: sendBody(content) });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.message.thread_seq;
}

const seqOf = (delivery: Delivery): number => delivery.event.thread_seq;

/** Seqs in the order they were first accepted, and how many accepted deliveries repeated one. */
function distinctAccepted(receiver: Receiver): { seqs: number[]; duplicates: number } {
  const seqs: number[] = [];
  for (const delivery of receiver.accepted) if (!seqs.includes(seqOf(delivery))) seqs.push(seqOf(delivery));
  return { seqs, duplicates: receiver.accepted.length - seqs.length };
}

const engines = ['sqlite', ...(postgresUrl ? ['postgres' as const] : [])] as const;

describe.each(engines)('webhooks across processes (%s)', (engine) => {
  const stops: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const stop of stops.reverse()) await stop();
    stops.length = 0;
  });

  it('delivers events committed on two processes once each, in seq order, and none from before the subscription', async () => {
    const shared = await sharedDatabase(engine);
    stops.push(shared.cleanup, () => shared.storage.close());
    const one = await startTestServer(shared.env, { storage: shared.storage, seed: false });
    stops.push(() => one.close());
    const two = await startTestServer(shared.env, { storage: shared.storage, seed: false });
    stops.push(() => two.close());
    const receiver = await Receiver.start();
    stops.push(() => receiver.close());

    const alice = await login(one, 'alice@example.com');
    const bob = await login(two, 'bob@example.com');
    const created = await api(one, 'POST', '/chat/threads', { token: alice.token, body: { target_user_ids: [bob.user.id] } });
    expect(created.status).toBe(201);
    const threadId: string = created.body.id;
    await send(two, bob.token, threadId, 'before the subscription');
    const subscribed = await api(two, 'POST', `/chat/threads/${threadId}/webhooks`, {
      token: bob.token,
      body: { callback_url: receiver.url },
    });
    expect(subscribed.status).toBe(201);
    receiver.secret = subscribed.body.secret;

    // Concurrent sends through both processes: each commits on its own and wakes its own dispatcher.
    const servers: TestServer[] = [one, two];
    const sent = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(servers[i % 2]!, i % 2 === 0 ? alice.token : bob.token, threadId, `message ${i}`)),
    );
    const expected = [...sent].sort((a, b) => a - b);
    await waitFor('every event delivered', () => distinctAccepted(receiver).seqs.length >= expected.length, TAKEOVER_TIMEOUT_MS);
    await sleep(QUIET_MS);

    // Exactly once each, in seq order, and nothing from before the subscription.
    expect(receiver.deliveries.map(seqOf)).toEqual(expected);
    expect(receiver.deliveries.every((delivery) => delivery.verified && delivery.status === 200)).toBe(true);
    expect(receiver.deliveries.map((delivery) => delivery.headers['x-ama2-delivery'])).toEqual(
      expected.map((seq) => `${subscribed.body.subscription_id}:${seq}`),
    );
    expect((await shared.storage.webhooks.get(subscribed.body.subscription_id))?.deliveredSeq).toBe(expected.at(-1));
  });

  it(
    'a process killed while delivering: another takes over once its lease runs out, and nothing is lost or out of order',
    { timeout: 60_000 },
    async () => {
      const shared = await sharedDatabase(engine, LEASE_MS);
      stops.push(shared.cleanup, () => shared.storage.close());
      const receiver = await Receiver.start();
      stops.push(() => receiver.close());
      const doomed = await startChildServer(shared.env);
      stops.push(() => doomed.kill());

      const alice = await login(doomed, 'alice@example.com');
      const bob = await login(doomed, 'bob@example.com');
      const created = await api(doomed, 'POST', '/chat/threads', { token: alice.token, body: { target_user_ids: [bob.user.id] } });
      expect(created.status).toBe(201);
      const threadId: string = created.body.id;
      const first = created.body.last_seq + 1;
      // The third message hangs at the receiver while the doomed process holds the lease.
      const held = first + 2;
      let hanging = true;
      receiver.respond = (delivery) => (hanging && delivery.event.thread_seq === held ? 0 : 200);
      const subscribed = await api(doomed, 'POST', `/chat/threads/${threadId}/webhooks`, {
        token: alice.token,
        body: { callback_url: receiver.url },
      });
      expect(subscribed.status).toBe(201);
      receiver.secret = subscribed.body.secret;

      const sent: number[] = [];
      for (let i = 0; i < 5; i++) sent.push(await send(doomed, alice.token, threadId, `before the kill ${i}`));
      expect(sent).toEqual([first, first + 1, first + 2, first + 3, first + 4]);
      await waitFor('the held delivery', () => receiver.deliveries.some((delivery) => seqOf(delivery) === held));
      expect(receiver.deliveries.map((delivery) => [seqOf(delivery), delivery.status])).toEqual([
        [first, 200],
        [first + 1, 200],
        [held, 0],
      ]);

      // The survivor is up while the doomed process still holds the lease; then the doomed one dies mid-delivery.
      const survivor = await startTestServer(shared.env, { storage: shared.storage, seed: false });
      stops.push(() => survivor.close());
      hanging = false;
      await doomed.kill();
      for (let i = 0; i < 2; i++) sent.push(await send(survivor, alice.token, threadId, `after the kill ${i}`));

      await waitFor('the rest delivered by the survivor', () => distinctAccepted(receiver).seqs.length >= sent.length, TAKEOVER_TIMEOUT_MS);
      await sleep(QUIET_MS);
      const { seqs, duplicates } = distinctAccepted(receiver);
      expect(seqs).toEqual(sent);
      // Never out of order: every post (held, repeated or not) carries a seq at or after the one before.
      const posted = receiver.deliveries.map(seqOf);
      expect(posted).toEqual([...posted].sort((a, b) => a - b));
      // Only the delivery in flight at the kill may come twice (at least once), with the same dedupe key.
      const repeated = receiver.deliveries.filter((delivery) => seqOf(delivery) === held);
      expect(new Set(repeated.map((delivery) => delivery.headers['x-ama2-delivery']))).toEqual(
        new Set([`${subscribed.body.subscription_id}:${held}`]),
      );
      expect(posted.filter((seq) => seq !== held)).toEqual(sent.filter((seq) => seq !== held));
      console.info(`[webhook failover ${engine}] posts: ${posted.join(',')}; repeated accepted deliveries: ${duplicates}`);
      expect(receiver.deliveries.every((delivery) => delivery.verified)).toBe(true);
      expect((await shared.storage.webhooks.get(subscribed.body.subscription_id))?.deliveredSeq).toBe(sent.at(-1));
    },
  );
});
