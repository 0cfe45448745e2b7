import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { OutboxItem } from './outbox.ts';
import { IndexedDbOutboxStore } from './outbox-store.ts';

// Node's Blob: the test DOM's does not survive IndexedDB's structured clone. Imported by a name
// TypeScript does not resolve: this project has no Node types, the test runs in Node.
const nodeBuffer = 'node:buffer';
const { Blob: NodeBlob } = (await import(/* @vite-ignore */ nodeBuffer)) as { Blob: typeof Blob };

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

  it('skips stored items whose files are not files (their check loads only when an item has files)', async () => {
    const factory = new IDBFactory();
    const store = new IndexedDbOutboxStore('outbox-user-4', factory);
    const file = { key: 'f0', name: 'a.png', type: 'image/png', size: 3, blob: new NodeBlob(['abc']), attachmentId: null };
    await store.put({ ...item('with-file', ''), files: [file] });
    await store.put({ ...item('uploaded', ''), files: [{ ...file, attachmentId: 'att-1' }] });
    await store.put({ ...item('no-blob', ''), files: [{ ...file, blob: 'abc' }] } as unknown as OutboxItem);
    await store.put({ ...item('bad-id', ''), files: [{ ...file, attachmentId: 7 }] } as unknown as OutboxItem);
    await store.put({ ...item('not-a-list', ''), files: 'a.png' } as unknown as OutboxItem);
    expect((await store.load()).map((stored) => stored.clientMessageId).sort()).toEqual(['uploaded', 'with-file']);
  });
});
