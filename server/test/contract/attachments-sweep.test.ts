import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ByteStream } from '../../src/attachments/attachment-bytes.ts';
import { download, pdf, png, upload } from '../support/attachments.ts';
import { describeEachFileStorage } from '../support/each-storage.ts';
import { api, createThread, demoWorld, startTestServer, type TestServer } from '../support/test-server.ts';
import { waitFor } from '../support/webhook-receiver.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

async function bytesOf(stream: ByteStream | null): Promise<Buffer | null> {
  if (!stream) return null;
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describeEachFileStorage('attachments: unused uploads swept, a thread’s files deleted with it (CONTRACT §13)', (storageEnv) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    // Uploads unused for three seconds are due; the sweep looks every 100 ms.
    server = await startTestServer({ ...(await storageEnv()), ATTACHMENT_UNUSED_TTL_MS: '3000', ATTACHMENT_SWEEP_MS: '100' });
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  const storage = () => server.app.context.storage;
  const bytes = () => server.app.context.attachments.bytes;
  const sendWith = (threadId: string, ids: string[]) =>
    api(server, 'POST', `/chat/threads/${threadId}/messages`, {
      token: world.alice.token,
      body: { content: 'files', client_message_id: randomUUID(), attachment_ids: ids },
    });

  it('deletes an upload no message used (row and bytes, thumbnail too) and keeps a sent one', async () => {
    const threadId = (await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] })).id;
    const unused = (await upload(server, threadId, 'draft.png', await png(30, 20), world.alice.token)).body as { id: string };
    // Stored with its thumbnail, which must go with it.
    expect(await bytesOf(await bytes().read(`${unused.id}.thumbnail`))).not.toBeNull();
    const used = (await upload(server, threadId, 'sent.pdf', pdf(), world.alice.token)).body as { id: string };
    expect((await sendWith(threadId, [used.id])).status).toBe(201);

    // Rows go first, then their bytes.
    await waitFor(
      'the unused upload to be swept',
      async () => (await storage().attachments.get(unused.id)) === undefined && (await bytesOf(await bytes().read(unused.id))) === null,
    );
    expect(await bytes().read(`${unused.id}.thumbnail`)).toBeNull();
    expect((await download(server, `/chat/threads/${threadId}/attachments/${unused.id}`, world.alice.token)).status).toBe(404);
    // Sending it now is refused in words: it is gone.
    const late = await sendWith(threadId, [unused.id]);
    expect(late.status).toBe(422);
    expect(late.body.error.message).toBe(
      `Attachment ${unused.id} was not uploaded to this thread (or was deleted); upload the file again.`,
    );

    // Long past the TTL, the sent one is still there.
    expect((await storage().attachments.get(used.id))?.messageId).toEqual(expect.any(String));
    const kept = await download(server, `/chat/threads/${threadId}/attachments/${used.id}`, world.bob.token);
    expect(kept.status).toBe(200);
    expect(kept.body.equals(pdf())).toBe(true);
  });

  // Before the lease test below, which keeps this server's sweeper out for a minute.
  it('deletes the files a crash left with no row once they are as old as an unused upload, and keeps a sent one (folders)', async (context) => {
    const folder = server.config.attachments;
    if (server.app.context.storage.attachmentBytes && !folder.dirSet) context.skip();
    const threadId = (await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] })).id;
    const sent = (await upload(server, threadId, 'kept.png', await png(12, 12), world.alice.token)).body as { id: string };
    expect((await sendWith(threadId, [sent.id])).status).toBe(201);
    // A crash between storing a file and committing its row: bytes under an id no row has.
    const stray = randomUUID();
    const old = new Date(Date.now() - 60_000);
    for (const key of [stray, `${stray}.thumbnail`]) {
      await writeFile(join(folder.dir, key), 'left by a crash');
      await utimes(join(folder.dir, key), old, old);
    }
    for (const key of [sent.id, `${sent.id}.thumbnail`]) await utimes(join(folder.dir, key), old, old);

    await waitFor(
      'the stray files to be swept',
      async () => !existsSync(join(folder.dir, stray)) && !existsSync(join(folder.dir, `${stray}.thumbnail`)),
    );
    const kept = await download(server, `/chat/threads/${threadId}/attachments/${sent.id}`, world.bob.token);
    expect(kept.status).toBe(200);
    expect(existsSync(join(folder.dir, `${sent.id}.thumbnail`))).toBe(true);
  });

  it('lets one process at a time hold the sweep’s lease', async () => {
    const attachments = storage().attachments;
    const now = Date.now() + 60_000;
    expect(await attachments.takeSweepLease('process-a', now, 1_000)).toBe(true);
    expect(await attachments.takeSweepLease('process-b', now + 500, 1_000)).toBe(false);
    expect(await attachments.takeSweepLease('process-a', now + 500, 1_000)).toBe(true);
    expect(await attachments.takeSweepLease('process-b', now + 1_600, 1_000)).toBe(true);
  });

  it('deletes every file of a thread, rows and bytes, when the thread goes', async () => {
    const threadId = (await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] })).id;
    const image = (await upload(server, threadId, 'a.png', await png(10, 10), world.alice.token)).body as { id: string };
    const doc = (await upload(server, threadId, 'b.pdf', pdf(), world.alice.token)).body as { id: string };
    expect((await sendWith(threadId, [image.id, doc.id])).status).toBe(201);
    const other = (await createThread(server, world.alice.token, { target_user_ids: [] })).id;
    const elsewhere = (await upload(server, other, 'c.pdf', pdf(), world.alice.token)).body as { id: string };
    expect((await sendWith(other, [elsewhere.id])).status).toBe(201);

    expect(await server.app.context.attachments.deleteThreadFiles(threadId)).toBe(2);
    expect(await storage().attachments.ofThread(threadId)).toEqual([]);
    for (const key of [image.id, `${image.id}.thumbnail`, doc.id]) expect(await bytes().read(key)).toBeNull();
    expect((await download(server, `/chat/threads/${threadId}/attachments/${doc.id}`, world.alice.token)).status).toBe(404);
    // Another thread's files stay.
    expect(await bytesOf(await bytes().read(elsewhere.id))).toEqual(pdf());
  });
});
