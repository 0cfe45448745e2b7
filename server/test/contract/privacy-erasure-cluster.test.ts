import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesKeys } from '../../src/attachments/attachment-bytes.ts';
import { DEMO_PASSWORD, seedDemoData } from '../../src/storage/seed-demo-data.ts';
import { runAdminCli } from '../support/admin-cli.ts';
import { clusterAvailable, signIn, startCluster, type Cluster, type Session } from '../support/cluster.ts';
import { expectGoneOn, expectWatchersTold, visitorWithData, watchErasure, type VisitorWithData } from '../support/erasure.ts';
import { api } from '../support/test-server.ts';

/**
 * CONTRACT §14 across three server processes on one PostgreSQL database and one NATS: an
 * erasure, by an owner over REST on one process or by `npm run admin -- erase-visitor`, reaches
 * the sockets of every process (an owner's user socket and the visitor's public socket on each)
 * and the webhook, and afterwards every path of every process answers 404/401, search finds
 * nothing, and the attachments' rows and bytes are gone.
 */
describe.runIf(clusterAvailable)('erasing a visitor across three processes (PostgreSQL + NATS)', () => {
  let cluster: Cluster;
  let alice: Session;

  beforeAll(async () => {
    cluster = await startCluster({
      processes: 3,
      prepare: (storage) => seedDemoData(storage),
      // The webhook receiver listens on 127.0.0.1.
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_BASE_MS: '20' },
    });
    alice = await signIn(cluster.servers[0]!, 'alice@example.com', DEMO_PASSWORD);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  /** The attachment's row and every chunk of its bytes are gone from PostgreSQL. */
  async function expectFileGone(visitor: VisitorWithData) {
    const rows = await cluster.sql`SELECT id FROM attachments WHERE id = ${visitor.file.id}`;
    expect(rows).toHaveLength(0);
    const keys = Object.values(bytesKeys(visitor.file.id));
    const chunks = await cluster.sql`SELECT key FROM attachment_chunks WHERE key = ANY(${keys})`;
    expect(chunks).toHaveLength(0);
  }

  it('an owner erases by REST on one process: every process tells its sockets, then answers 404/401', { timeout: 90_000 }, async () => {
    const [first, second, third] = cluster.servers;
    // Made on the second process, erased on the third: no process is special.
    const visitor = await visitorWithData(second!, alice.token);
    const chunks = await cluster.sql`SELECT key FROM attachment_chunks WHERE key = ANY(${Object.values(bytesKeys(visitor.file.id))})`;
    expect(chunks.length).toBeGreaterThan(0);
    const watchers = await watchErasure([first!, second!, third!], alice.token, visitor);
    try {
      const erased = await api(third!, 'DELETE', `/agents/demo/visitors/${visitor.visitorId}`, { token: alice.token });
      expect(erased.status, JSON.stringify(erased.body)).toBe(204);
      await expectWatchersTold(watchers, visitor, `user:${alice.user.id}`);
    } finally {
      await watchers.close();
    }
    for (const server of cluster.servers) await expectGoneOn(server, alice.token, visitor);
    await expectFileGone(visitor);
  });

  it('npm run admin -- erase-visitor against the running cluster does the same, over NATS', { timeout: 90_000 }, async () => {
    const [first, second, third] = cluster.servers;
    const visitor = await visitorWithData(first!, alice.token);
    const watchers = await watchErasure([first!, second!, third!], alice.token, visitor);
    try {
      const erased = await runAdminCli(
        ['erase-visitor', '--agent', 'demo', '--visitor', visitor.visitorId, '--yes'],
        cluster.env as Record<string, string>,
      );
      expect(erased).toEqual({
        code: 0,
        stdout: `Erased visitor ${visitor.visitorId} of "demo" and 1 conversation.\n`,
        stderr: 'Erased over NATS: open sockets on every server process and the webhooks got thread_deleted.\n',
      });
      // Done means done on every process, before any frame is awaited.
      for (const server of cluster.servers) {
        expect((await api(server, 'GET', `/chat/threads/${visitor.thread_id}`, { token: alice.token })).status).toBe(404);
      }
      await expectWatchersTold(watchers, visitor, 'system');
    } finally {
      await watchers.close();
    }
    for (const server of cluster.servers) await expectGoneOn(server, alice.token, visitor);
    await expectFileGone(visitor);
    const audit =
      await cluster.sql`SELECT actor, details FROM audit_log WHERE action = 'visitor.erased' AND target = ${`visitor:${visitor.visitorId}`}`;
    expect(audit.map((row) => ({ ...row }))).toEqual([
      { actor: 'admin', details: { reason: 'erased_by_owner', thread_ids: [visitor.thread_id] } },
    ]);
  });
});
