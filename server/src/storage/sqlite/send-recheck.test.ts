import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SenderRefused } from '../storage.ts';
import { sendRecheckContract } from '../send-recheck-contract.ts';
import { SqliteStorage } from './sqlite-storage.ts';

sendRecheckContract('SQLite', describe, async () => new SqliteStorage(':memory:'));

describe('SQLite commit recheck: a change written by another connection to the file (the admin CLI)', () => {
  it('refuses the sender at once, and takes them again when re-enabled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ama2-recheck-'));
    const path = join(dir, 'chat.sqlite');
    const server = new SqliteStorage(path);
    const admin = new SqliteStorage(path);
    try {
      const alice = await server.users.create({
        id: randomUUID(),
        email: 'a@example.com',
        name: 'alice',
        avatarUrl: null,
        passwordHash: 'x',
      });
      const { thread } = await server.threads.create({
        kind: 'private',
        title: null,
        participationMode: 'open',
        participants: [{ sender_id: `user:${alice.id}`, name: alice.name, avatar_url: null }],
        extraAudience: [],
        createdBy: `user:${alice.id}`,
        initialMessage: null,
      });
      const send = () =>
        server.log.commitMessage({
          threadId: thread.id,
          senderId: `user:${alice.id}`,
          role: 'user',
          content: 'hi',
          clientMessageId: randomUUID(),
          mentions: [],
          baseSeq: null,
          latestSeenSeq: null,
          recheckUserId: alice.id,
          recheckSessionVersion: 0,
        });
      expect((await send()).status).toBe('created');
      await admin.users.setDisabled(alice.id, true);
      await expect(send()).rejects.toBeInstanceOf(SenderRefused);
      await admin.users.setDisabled(alice.id, false);
      expect((await send()).status).toBe('created');
      await admin.users.setPassword(alice.id, 'scrypt$changed');
      await expect(send()).rejects.toBeInstanceOf(SenderRefused);
      // Only the two accepted messages took a seq.
      expect((await server.threads.get(thread.id))!.lastSeq).toBe(thread.lastSeq + 2);
    } finally {
      await admin.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
