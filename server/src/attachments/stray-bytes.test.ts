import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { FolderBytes } from './folder-bytes.ts';
import { deleteStrayBytes } from './stray-bytes.ts';

const HOUR_MS = 60 * 60_000;

describe('deleteStrayBytes', () => {
  let dir: string;
  let storage: SqliteStorage;
  let bytes: FolderBytes;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stray-bytes-'));
    storage = new SqliteStorage(':memory:');
    bytes = await FolderBytes.open(dir);
  });
  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Stores `key` as the service would (spooled, then renamed into place), last written at `writtenAt`. */
  async function store(key: string, writtenAt: number): Promise<void> {
    const spooled = join(bytes.incomingDir, randomUUID());
    await writeFile(spooled, `bytes of ${key}`);
    await bytes.put(key, spooled);
    const when = new Date(writtenAt);
    await utimes(join(dir, key), when, when);
  }

  async function attachmentRow(): Promise<string> {
    const userId = randomUUID();
    await storage.users.create({ id: userId, email: `${userId}@example.com`, name: 'Ann', avatarUrl: null, passwordHash: 'x' });
    const ann = `user:${userId}` as const;
    const { thread } = await storage.threads.create({
      kind: 'private',
      title: 'Files',
      participationMode: 'open',
      participants: [{ sender_id: ann, name: 'Ann', avatar_url: null }],
      extraAudience: [],
      createdBy: ann,
      initialMessage: null,
    });
    const id = randomUUID();
    const created = await storage.attachments.create({
      id,
      threadId: thread.id,
      uploaderId: ann,
      name: 'shot.png',
      contentType: 'image/png',
      size: 10,
      width: 2,
      height: 2,
      sha256: '0'.repeat(64),
      thumbnail: { contentType: 'image/webp', size: 5, sha256: '1'.repeat(64) },
      messageId: null,
      createdAt: new Date().toISOString(),
    });
    expect(created).toBe(true);
    return id;
  }

  it('deletes old bytes no row names (thumbnails too), and keeps those of a row and those written since', async () => {
    const now = Date.now();
    const named = await attachmentRow();
    const [stray, young] = [randomUUID(), randomUUID()];
    for (const key of [named, `${named}.thumbnail`, stray, `${stray}.thumbnail`]) await store(key, now - 2 * HOUR_MS);
    await store(young, now - 1_000);
    // Not a key: never looked at, whatever its age.
    await writeFile(join(dir, 'README'), 'not an attachment');
    await utimes(join(dir, 'README'), new Date(now - 2 * HOUR_MS), new Date(now - 2 * HOUR_MS));

    expect(await deleteStrayBytes(storage, bytes, now - HOUR_MS)).toBe(2);
    expect(existsSync(join(dir, stray))).toBe(false);
    expect(existsSync(join(dir, `${stray}.thumbnail`))).toBe(false);
    for (const kept of [named, `${named}.thumbnail`, young, 'README']) expect(existsSync(join(dir, kept))).toBe(true);
    expect(await deleteStrayBytes(storage, bytes, now - HOUR_MS)).toBe(0);
  });

  it('looks through a folder of more keys than one batch', async () => {
    const now = Date.now();
    const strays = Array.from({ length: 1_203 }, () => randomUUID());
    for (const key of strays) await store(key, now - 2 * HOUR_MS);
    const named = await attachmentRow();
    await store(named, now - 2 * HOUR_MS);

    expect(await deleteStrayBytes(storage, bytes, now - HOUR_MS)).toBe(1_203);
    expect(strays.filter((key) => existsSync(join(dir, key)))).toEqual([]);
    expect(existsSync(join(dir, named))).toBe(true);
  });
});
