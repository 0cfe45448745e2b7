import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { DEMO_PASSWORD } from '../../src/storage/seed-demo-data.ts';
import { api } from '../support/test-server.ts';
import { clusterAvailable, createUsers, signIn, startCluster, type Cluster } from '../support/cluster.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { Receiver } from '../support/webhook-receiver.ts';
import { itStopsDeliveriesWithTheCreatorsRights, REVOCATION_PEOPLE } from '../support/webhook-rights.ts';

/**
 * A webhook lives only as long as its creator's rights (issue 15), across real server
 * processes on one PostgreSQL database and one NATS: the creator subscribes through one
 * process, the events are committed (and so delivered) through the other, and the change is
 * made by the admin CLI or in the database, which no process hears of.
 */
describe.runIf(clusterAvailable)("a webhook ends with its creator's rights (PostgreSQL + NATS)", () => {
  let cluster: Cluster;
  let receiver: Receiver | undefined;

  beforeAll(async () => {
    cluster = await startCluster({
      processes: 2,
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_BASE_MS: '20' },
      prepare: (storage) => createUsers(storage, Object.values(REVOCATION_PEOPLE), DEMO_PASSWORD),
    });
  });
  afterEach(async () => {
    await receiver?.close();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  itStopsDeliveriesWithTheCreatorsRights(
    {
      /** The sender's thread with the creator: the creator subscribes through one process, the sender sends through the other. */
      async setUp(creatorEmail) {
        const [a, b] = cluster.servers as [ChildServer, ChildServer];
        const creator = await signIn(a, creatorEmail, DEMO_PASSWORD);
        const sender = await signIn(b, REVOCATION_PEOPLE.sender.email, DEMO_PASSWORD);
        const response = await api(b, 'POST', '/chat/threads', { token: sender.token, body: { target_user_ids: [creator.user.id] } });
        expect(response.status).toBe(201);
        receiver = await Receiver.start();
        return { creator, sender, threadId: response.body.id as string, receiver, subscribeVia: a, sendVia: b };
      },
      storedActive: async (id) =>
        (await cluster.sql<{ active: boolean }[]>`SELECT active FROM webhooks WHERE id = ${id}`)[0]?.active === true,
      adminSettings: () => ({ DATABASE_URL: cluster.databaseUrl }),
      removeAccess: async (threadId, userId) =>
        (await cluster.sql`DELETE FROM thread_access WHERE thread_id = ${threadId} AND user_id = ${userId}`).count,
    },
    'no process posts what is committed after it',
  );
});
