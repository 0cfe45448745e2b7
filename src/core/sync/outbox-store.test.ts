import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { OutboxItem } from './outbox.ts';
import { IndexedDbOutboxStore } from './outbox-store.ts';

const item = (clientMessageId: string, content: string): OutboxItem => ({
  clientMessageId,
  threadId: 't1',
  content,
  mentions: [],
  baseSeq: 3,
  latestSeenSeq: 4,
  createdAt: 1_700_000_000_000,
  attempts: 0,
  nextAttemptAt: 0,
  status: 'queued',
  committed: null,
  error: null,
});

describe('IndexedDbOutboxStore', () => {
  it('keeps items across instances (a reload) and forgets removed ones', async () => {
    const factory = new IDBFactory();
    const first = new IndexedDbOutboxStore('outbox-user-1', factory);
    await first.put(item('a', 'kept'));
    await first.put(item('b', 'removed'));
    await first.put({ ...item('a', 'kept'), status: 'failed', attempts: 2 });
    await first.remove('b');

    const afterReload = new IndexedDbOutboxStore('outbox-user-1', factory);
    expect(await afterReload.load()).toEqual([{ ...item('a', 'kept'), status: 'failed', attempts: 2 }]);
    // Another user's outbox is another database.
    expect(await new IndexedDbOutboxStore('outbox-user-2', factory).load()).toEqual([]);
  });

  it('skips stored values that are not outbox items instead of trusting them', async () => {
    const factory = new IDBFactory();
    const store = new IndexedDbOutboxStore('outbox-user-3', factory);
    await store.put(item('good', 'fine'));
    await store.put({ clientMessageId: 'bad', content: 42 } as unknown as OutboxItem);
    expect((await store.load()).map((stored) => stored.clientMessageId)).toEqual(['good']);
  });
});
