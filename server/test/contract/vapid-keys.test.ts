import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import webPush from 'web-push';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterAvailable, startCluster } from '../support/cluster.ts';
import { api, startTestServer } from '../support/test-server.ts';

const keyOf = async (server: { url: string }) => (await api(server, 'GET', '/push/vapid-public-key')).body.key as string;

/** CONTRACT §12 / issue 18: VAPID keys generated once, kept beside the database, the same after a restart. */
describe('VAPID keys on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ama2-vapid-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are generated on the first start, kept sealed in the file, and the same after a restart', async () => {
    const env = { DATABASE_PATH: join(dir, 'db.sqlite') };
    const first = await startTestServer(env);
    const key = await keyOf(first);
    await first.close();
    const db = new Database(env.DATABASE_PATH, { readonly: true });
    const row = db.prepare('SELECT public_key, private_key FROM vapid_keys').get() as { public_key: string; private_key: string };
    db.close();
    expect(row.public_key).toBe(key);
    // Sealed with the data key: the private scalar is not in the file as is.
    expect(row.private_key).toMatch(/^v1:/);
    const second = await startTestServer(env, { seed: false });
    try {
      expect(await keyOf(second)).toBe(key);
    } finally {
      await second.close();
    }
  });

  it('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY win over the kept pair', async () => {
    const configured = webPush.generateVAPIDKeys();
    const server = await startTestServer({ VAPID_PUBLIC_KEY: configured.publicKey, VAPID_PRIVATE_KEY: configured.privateKey });
    try {
      expect(await keyOf(server)).toBe(configured.publicKey);
    } finally {
      await server.close();
    }
  });
});

describe.runIf(clusterAvailable)('VAPID keys on PostgreSQL: one pair for every process', () => {
  it('processes starting together all sign with the first pair stored, and a process started later too', async () => {
    // The first process migrates alone; the other two start at once and race to store a pair.
    const cluster = await startCluster({ processes: 3, nats: false });
    try {
      const keys = await Promise.all(cluster.servers.map(keyOf));
      expect(new Set(keys).size).toBe(1);
      const rows = await cluster.sql<{ public_key: string; private_key: string }[]>`SELECT public_key, private_key FROM vapid_keys`;
      expect(rows).toHaveLength(1);
      expect(rows[0]!.public_key).toBe(keys[0]);
      expect(rows[0]!.private_key).toMatch(/^v1:/);
      await cluster.servers[0]!.kill();
      const later = await cluster.start();
      expect(await keyOf(later)).toBe(keys[0]);
    } finally {
      await cluster.stop();
    }
  });
});
