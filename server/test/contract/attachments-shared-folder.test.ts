import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { download, pdf, png, upload, type Uploaded } from '../support/attachments.ts';
import { visitorWithData } from '../support/erasure.ts';
import { describePostgres, freshDatabase } from '../support/postgres.ts';
import { api, createThread, demoWorld, startTestServer, type TestServer } from '../support/test-server.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

/**
 * A PostgreSQL deployment that sets `ATTACHMENTS_DIR` after running with the bytes in the
 * database: files stored before stay readable from the database, new files go to the folder,
 * and deleting (a thread's files, a visitor's erasure) removes them from wherever they are.
 */
describePostgres('attachments: switching PostgreSQL to a shared folder (CONTRACT §13, §14)', () => {
  let databaseUrl: string;
  let folder: string;
  let server: TestServer;
  let world: World;
  let threadId: string;
  let before: { image: Uploaded; document: Uploaded };

  const sendWith = (id: string, ids: string[]) =>
    api(server, 'POST', `/chat/threads/${id}/messages`, {
      token: world.alice.token,
      body: { content: 'files', client_message_id: randomUUID(), attachment_ids: ids },
    });
  /** The bytes PostgreSQL itself keeps (`attachment_chunks`), not the folder's. */
  const inDatabase = async (key: string) => (await server.app.context.storage.attachmentBytes!.read(key)) !== null;

  beforeAll(async () => {
    databaseUrl = await freshDatabase();
    folder = await mkdtemp(join(tmpdir(), 'ama2-switch-'));
    // First without the folder: the bytes go into the database.
    server = await startTestServer({ DATABASE_URL: databaseUrl, DEMO_DATA: 'true' });
    world = await demoWorld(server);
    threadId = (await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] })).id;
    const image = (await upload(server, threadId, 'before.png', await png(30, 20), world.alice.token)).body as Uploaded;
    const document = (await upload(server, threadId, 'before.pdf', pdf(), world.alice.token)).body as Uploaded;
    expect((await sendWith(threadId, [image.id, document.id])).status).toBe(201);
    before = { image, document };
    expect(await inDatabase(document.id)).toBe(true);
    await server.close();
    // Then restarted on the same database with the folder set.
    server = await startTestServer({ DATABASE_URL: databaseUrl, DEMO_DATA: 'true', ATTACHMENTS_DIR: folder });
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('serves files stored in the database before the switch, whole and in ranges, and stores new files in the folder only', async () => {
    const old = await download(server, `/chat/threads/${threadId}/attachments/${before.document.id}`, world.bob.token);
    expect(old.status).toBe(200);
    expect(old.body.equals(pdf())).toBe(true);
    const part = await download(server, `/chat/threads/${threadId}/attachments/${before.document.id}`, world.bob.token, {
      range: 'bytes=1-3',
    });
    expect(part.status).toBe(206);
    expect(part.body.toString()).toBe('PDF');
    const thumbnail = await download(server, `/chat/threads/${threadId}/attachments/${before.image.id}?variant=thumbnail`, world.bob.token);
    expect(thumbnail.status).toBe(200);

    const after = (await upload(server, threadId, 'after.pdf', pdf(), world.alice.token)).body as Uploaded;
    expect(existsSync(join(folder, after.id))).toBe(true);
    expect(await inDatabase(after.id)).toBe(false);
    expect((await sendWith(threadId, [after.id])).status).toBe(201);
    const fetched = await download(server, `/chat/threads/${threadId}/attachments/${after.id}`, world.bob.token);
    expect(fetched.body.equals(pdf())).toBe(true);
  });

  it('deletes a thread’s files from the database and from the folder', async () => {
    const after = (await upload(server, threadId, 'later.png', await png(12, 12), world.alice.token)).body as Uploaded;
    expect((await sendWith(threadId, [after.id])).status).toBe(201);
    expect(existsSync(join(folder, `${after.id}.thumbnail`))).toBe(true);

    expect(await server.app.context.attachments.deleteThreadFiles(threadId)).toBeGreaterThanOrEqual(3);
    for (const key of [before.document.id, before.image.id, `${before.image.id}.thumbnail`]) expect(await inDatabase(key)).toBe(false);
    expect(existsSync(join(folder, after.id))).toBe(false);
    expect(existsSync(join(folder, `${after.id}.thumbnail`))).toBe(false);
  });

  it('erases a visitor’s file from the folder (§14)', async () => {
    const visitor = await visitorWithData(server, world.alice.token);
    expect(existsSync(join(folder, visitor.file.id))).toBe(true);
    const erased = await api(server, 'DELETE', `/agents/demo/visitors/${visitor.visitorId}`, { token: world.alice.token });
    expect(erased.status, JSON.stringify(erased.body)).toBe(204);
    expect(existsSync(join(folder, visitor.file.id))).toBe(false);
    expect(await server.app.context.storage.attachments.get(visitor.file.id)).toBeUndefined();
  });
});
