import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemoData } from '../../src/storage/seed-demo-data.ts';
import { runAdminCli } from '../support/admin-cli.ts';
import { download, pdf, phoneJpeg, upload, type Uploaded } from '../support/attachments.ts';
import { clusterAvailable, signIn, startCluster, type Cluster, type Session } from '../support/cluster.ts';
import { visitorWithData } from '../support/erasure.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { api } from '../support/test-server.ts';
import { waitFor } from '../support/webhook-receiver.ts';

/** Uploads no message used are due after this (and the sweep looks every {@link SWEEP_MS}). */
const UNUSED_TTL_MS = 3_000;
const SWEEP_MS = 100;

/**
 * Two server processes on one PostgreSQL database whose attachments' files are in one folder
 * both mount (`ATTACHMENTS_DIR`): a file stored by one is served by the other, and every
 * deletion (the unused-upload sweep, a visitor's erasure over REST or by `npm run admin`)
 * removes the file from the folder, whichever process does it.
 */
describe.runIf(clusterAvailable)('attachments across server processes, files in a shared folder (PostgreSQL + NATS)', () => {
  let cluster: Cluster;
  let folder: string;
  let alice: Session;
  let bob: Session;

  const inFolder = (key: string) => existsSync(join(folder, key));
  const chunksOf = async (id: string) =>
    (await cluster.sql`SELECT count(*)::int AS n FROM attachment_chunks WHERE key IN (${id}, ${`${id}.thumbnail`})`)[0]!.n as number;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'ama2-cluster-shared-'));
    cluster = await startCluster({
      processes: 2,
      prepare: (storage) => seedDemoData(storage),
      env: { ATTACHMENTS_DIR: folder, ATTACHMENT_UNUSED_TTL_MS: String(UNUSED_TTL_MS), ATTACHMENT_SWEEP_MS: String(SWEEP_MS) },
    });
    alice = await signIn(cluster.servers[0]!, 'alice@example.com', DEMO_PASSWORD);
    bob = await signIn(cluster.servers[0]!, 'bob@example.com', DEMO_PASSWORD);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('serves a file stored by one process from the other, whole, as a thumbnail and in ranges; nothing goes into the database', async () => {
    const [first, second] = cluster.servers as [ChildServer, ChildServer];
    const thread = await api(first, 'POST', '/chat/threads', { token: alice.token, body: { target_user_ids: [bob.user.id] } });
    const threadId = thread.body.id as string;
    const image = (await upload(first, threadId, 'IMG_0001.jpg', await phoneJpeg(), alice.token)).body as Uploaded & { sha256: string };
    const big = Buffer.concat([pdf(), Buffer.alloc(3 * 1024 * 1024 + 17, 0x41)]);
    const document = (await upload(first, threadId, 'manual.pdf', big, alice.token)).body as Uploaded;
    const sent = await api(first, 'POST', `/chat/threads/${threadId}/messages`, {
      token: alice.token,
      body: { content: 'both', client_message_id: randomUUID(), attachment_ids: [image.id, document.id] },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect([inFolder(image.id), inFolder(`${image.id}.thumbnail`), inFolder(document.id)]).toEqual([true, true, true]);
    expect(await chunksOf(image.id)).toBe(0);
    expect(await chunksOf(document.id)).toBe(0);

    const photo = await download(second, `/chat/threads/${threadId}/attachments/${image.id}`, bob.token);
    expect(createHash('sha256').update(photo.body).digest('hex')).toBe(image.sha256);
    const thumbnail = await download(second, `/chat/threads/${threadId}/attachments/${image.id}?variant=thumbnail`, bob.token);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const whole = await download(second, `/chat/threads/${threadId}/attachments/${document.id}`, bob.token);
    expect(whole.body.equals(big)).toBe(true);
    const start = 1024 * 1024 - 5;
    const part = await download(second, `/chat/threads/${threadId}/attachments/${document.id}`, bob.token, {
      range: `bytes=${start}-${start + 9}`,
    });
    expect(part.status).toBe(206);
    expect(part.body.equals(big.subarray(start, start + 10))).toBe(true);
  });

  it('removes an unused upload’s file from the folder when the sweep deletes it', async () => {
    const [first] = cluster.servers as [ChildServer];
    const thread = await api(first, 'POST', '/chat/threads', { token: alice.token, body: { target_user_ids: [] } });
    const unused = (await upload(first, thread.body.id as string, 'draft.pdf', pdf(), alice.token)).body as Uploaded;
    expect(inFolder(unused.id)).toBe(true);
    await waitFor('the unused upload to be swept', async () => !inFolder(unused.id), UNUSED_TTL_MS * 5);
    expect(await cluster.sql`SELECT id FROM attachments WHERE id = ${unused.id}`).toHaveLength(0);
  });

  it(
    'removes an erased visitor’s file from the folder, erased over REST on the other process or by npm run admin',
    { timeout: 90_000 },
    async () => {
      const [first, second] = cluster.servers as [ChildServer, ChildServer];
      const byRest = await visitorWithData(first, alice.token);
      expect(inFolder(byRest.file.id)).toBe(true);
      const erased = await api(second, 'DELETE', `/agents/demo/visitors/${byRest.visitorId}`, { token: alice.token });
      expect(erased.status, JSON.stringify(erased.body)).toBe(204);
      expect(inFolder(byRest.file.id)).toBe(false);

      const byAdmin = await visitorWithData(second, alice.token);
      expect(inFolder(byAdmin.file.id)).toBe(true);
      const cli = await runAdminCli(
        ['erase-visitor', '--agent', 'demo', '--visitor', byAdmin.visitorId, '--yes'],
        cluster.env as Record<string, string>,
      );
      expect(cli.code, cli.stderr).toBe(0);
      expect(inFolder(byAdmin.file.id)).toBe(false);
      expect(await cluster.sql`SELECT id FROM attachments WHERE id = ${byAdmin.file.id}`).toHaveLength(0);
    },
  );
});
