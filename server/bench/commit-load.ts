/**
 * The commit load of the storage benchmarks (`bench:storage`, `bench:search-index`): a writer
 * with threads of their own, and callers each committing messages one after the other through
 * `Storage.log.commitMessage`, as clients awaiting their 201 would.
 */
import type { SenderId } from '../../src/core/protocol/model.ts';
import { message, thread, users } from '../src/storage/contract/fixtures.ts';
import type { Storage } from '../src/storage/storage.ts';

/** A new user of `storage` and `threads` private threads of theirs. */
export async function benchWriter(storage: Storage, threads: number): Promise<{ senderId: SenderId; threadIds: string[] }> {
  const [userId] = await users(storage, 1);
  const newThread = async () => (await storage.threads.create(thread([userId!]))).thread.id;
  return { senderId: `user:${userId}`, threadIds: await Promise.all(Array.from({ length: threads }, newThread)) };
}

/**
 * `callers` loops committing messages for `seconds` (caller i writes to thread i mod n, the
 * text `content(caller, count)`); the messages committed and the seconds it took.
 */
export async function commitLoad(
  storage: Storage,
  writer: { senderId: SenderId; threadIds: readonly string[] },
  options: { callers: number; seconds: number; content(caller: number, count: number): string },
): Promise<{ committed: number; seconds: number }> {
  let committed = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.callers }, async (_, caller) => {
      const threadId = writer.threadIds[caller % writer.threadIds.length]!;
      for (let count = 0; performance.now() < deadline; count++) {
        const result = await storage.log.commitMessage(message(threadId, writer.senderId, options.content(caller, count)));
        if (result.status === 'created') committed++;
      }
    }),
  );
  return { committed, seconds: (performance.now() - started) / 1000 };
}
