import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../../../test/support/postgres.ts';
import type { CommitResult } from '../storage.ts';
import { PostgresStorage } from './postgres-storage.ts';
import { MIGRATIONS } from './schema.ts';
import { testDataKey } from '../../../test/support/data-key.ts';

/** Separate instances have separate pools: to the database they are separate server processes. */
const PROCESSES = 4;
const THREADS = 3;
const MESSAGES_PER_PROCESS_AND_THREAD = 60;

async function openMany(url: string, count: number): Promise<PostgresStorage[]> {
  return Promise.all(Array.from({ length: count }, () => PostgresStorage.open(url, { dataKey: testDataKey() })));
}

describePostgres('PostgresStorage across processes', () => {
  it('keeps thread_seq dense 1..N under concurrent writers on several processes, and a retried send stays one row', async () => {
    const url = await freshDatabase();
    const processes = await openMany(url, PROCESSES);
    const [first] = processes;
    const userIds = Array.from({ length: PROCESSES }, () => randomUUID());
    for (const id of userIds) {
      await first!.users.create({ id, email: `${id}@example.com`, name: id.slice(0, 4), avatarUrl: null, passwordHash: 'x' });
    }
    const threads = await Promise.all(
      Array.from({ length: THREADS }, (_, index) =>
        first!.threads.create({
          kind: 'private',
          title: `T${index}`,
          participationMode: 'open',
          participants: userIds.map((id) => ({ sender_id: `user:${id}`, name: id.slice(0, 4), avatar_url: null })),
          extraAudience: [],
          createdBy: `user:${userIds[0]}`,
          initialMessage: null,
        }),
      ),
    );

    // Every send goes out twice at once: from its own process and, as a client's retry, from the next one.
    const sends: Promise<{ clientMessageId: string; result: CommitResult }>[] = [];
    const events: Promise<unknown>[] = [];
    processes.forEach((storage, processIndex) => {
      const retrying = processes[(processIndex + 1) % PROCESSES]!;
      for (const { thread } of threads) {
        for (let index = 0; index < MESSAGES_PER_PROCESS_AND_THREAD; index++) {
          const input = {
            threadId: thread.id,
            senderId: `user:${userIds[processIndex]}`,
            role: 'user' as const,
            content: `p${processIndex} m${index}`,
            clientMessageId: randomUUID(),
            mentions: [],
            baseSeq: null,
            latestSeenSeq: null,
          };
          for (const via of [storage, retrying]) {
            sends.push(via.log.commitMessage(input).then((result) => ({ clientMessageId: input.clientMessageId, result })));
          }
          if (index % 10 === 0) {
            events.push(
              storage.log.appendEvent(thread.id, { eventType: 'escalation_created', senderId: 'system', content: null, data: {} }),
            );
          }
        }
      }
    });
    const results = await Promise.all(sends);
    await Promise.all(events);

    const byClientId = new Map<string, CommitResult[]>();
    for (const { clientMessageId, result } of results)
      byClientId.set(clientMessageId, [...(byClientId.get(clientMessageId) ?? []), result]);
    for (const pair of byClientId.values()) {
      expect(pair.map((result) => result.status).sort()).toEqual(['created', 'duplicate']);
      expect(pair[0]!.message).toEqual(pair[1]!.message);
    }

    const perThread = PROCESSES * MESSAGES_PER_PROCESS_AND_THREAD;
    const eventsPerThread = PROCESSES * (MESSAGES_PER_PROCESS_AND_THREAD / 10);
    const total = PROCESSES + perThread + eventsPerThread; // joins, messages, escalations
    for (const { thread } of threads) {
      const { events: log, hasMore } = await first!.log.list(thread.id, 0, total + 10);
      expect(hasMore).toBe(false);
      expect(log.map((event) => event.thread_seq)).toEqual(Array.from({ length: total }, (_, index) => index + 1));
      expect((await first!.threads.get(thread.id))!.lastSeq).toBe(total);
    }

    const raw = postgres(url, { max: 1 });
    const [counts] = await raw<{ rows: number; keys: number; seqs: number }[]>`
      SELECT count(*)::int AS rows, count(DISTINCT (thread_id, sender_id, client_message_id))::int AS keys,
             count(DISTINCT (thread_id, thread_seq))::int AS seqs
      FROM messages`;
    await raw.end();
    expect(counts).toEqual({ rows: THREADS * perThread, keys: THREADS * perThread, seqs: THREADS * perThread });
    await Promise.all(processes.map((storage) => storage.close()));
  });

  it('answers 20 concurrent repeats of one send within one process with one created message and 19 duplicates', async () => {
    const storage = await PostgresStorage.open(await freshDatabase(), { dataKey: testDataKey() });
    const id = randomUUID();
    await storage.users.create({ id, email: `${id}@example.com`, name: 'U', avatarUrl: null, passwordHash: 'x' });
    const { thread } = await storage.threads.create({
      kind: 'private',
      title: 'T',
      participationMode: 'open',
      participants: [{ sender_id: `user:${id}`, name: 'U', avatar_url: null }],
      extraAudience: [],
      createdBy: `user:${id}`,
      initialMessage: null,
    });
    const input = {
      threadId: thread.id,
      senderId: `user:${id}`,
      role: 'user' as const,
      content: 'once',
      clientMessageId: 'c1',
      mentions: [],
      baseSeq: null,
      latestSeenSeq: null,
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => storage.log.commitMessage(input)));
    expect(results.filter((result) => result.status === 'created')).toHaveLength(1);
    expect(results.filter((result) => result.status === 'duplicate')).toHaveLength(19);
    expect(new Set(results.map((result) => result.message.id)).size).toBe(1);
    expect((await storage.log.list(thread.id, 0, 10)).events.map((event) => event.thread_seq)).toEqual([1, 2]);
    await storage.close();
  });

  it('runs each migration once when several processes open an empty database together', async () => {
    const url = await freshDatabase();
    const processes = await openMany(url, 5);
    const raw = postgres(url, { max: 1 });
    const versions = await raw<{ version: number }[]>`SELECT version FROM schema_migrations ORDER BY version`;
    expect(versions.map((row) => row.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
    // Every process sees the same, working schema.
    const ids = await Promise.all(
      processes.map(async (storage, index) => {
        const id = randomUUID();
        await storage.users.create({ id, email: `P${index}@Example.com`, name: `P${index}`, avatarUrl: null, passwordHash: 'x' });
        return id;
      }),
    );
    expect((await processes[4]!.users.byEmail('p0@example.com'))?.id).toBe(ids[0]);
    await Promise.all(processes.map((storage) => storage.close()));

    await raw`INSERT INTO schema_migrations (version) VALUES (${MIGRATIONS.length + 1})`;
    await raw.end();
    await expect(PostgresStorage.open(url, { dataKey: testDataKey() })).rejects.toThrow(
      `The database was written by a newer version of this server (schema ${MIGRATIONS.length + 1}, this one knows ${MIGRATIONS.length}).`,
    );
  });

  it('disables users and sets passwords (for the admin command); false for an unknown user', async () => {
    const storage = await PostgresStorage.open(await freshDatabase(), { dataKey: testDataKey() });
    const id = randomUUID();
    await storage.users.create({ id, email: `${id}@example.com`, name: 'U', avatarUrl: null, passwordHash: 'old' });
    expect(await storage.users.get(id)).toMatchObject({ disabled: false, passwordHash: 'old' });
    expect(await storage.users.setDisabled(id, true)).toBe(true);
    expect(await storage.users.setPassword(id, 'new')).toBe(true);
    expect(await storage.users.get(id)).toMatchObject({ disabled: true, passwordHash: 'new' });
    expect(await storage.users.setDisabled(id, false)).toBe(true);
    expect(await storage.users.get(id)).toMatchObject({ disabled: false });
    expect(await storage.users.setDisabled(randomUUID(), true)).toBe(false);
    expect(await storage.users.setPassword(randomUUID(), 'x')).toBe(false);
    await storage.close();
  });
});
