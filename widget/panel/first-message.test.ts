import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IndexedDbOutboxStore } from '../../src/core/sync/outbox-store.ts';
import type { OutboxItem } from '../../src/core/sync/outbox-item.ts';
import { firstFilesDb, firstKey, keepFirst, keptFirst } from './first-message.ts';

const KEY = 'ama2chat:https://chat.example.com:support';

const kept = (clientMessageId: string): OutboxItem => ({
  clientMessageId,
  threadId: '',
  content: 'My first words',
  mentions: [],
  baseSeq: null,
  latestSeenSeq: null,
  createdAt: Date.now(),
  attempts: 0,
  nextAttemptAt: 0,
  status: 'queued',
  committed: null,
  error: null,
});

describe("a visitor's kept first message", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    sessionStorage.clear();
  });

  it("is kept with its files' names (a message without files too), and read back whole", () => {
    const id = keepFirst(KEY, 'Hello ["text"]', [new File(['abc'], 'Quarterly report.pdf', { type: 'application/pdf' })]);
    expect(keptFirst(KEY)).toEqual({ id, text: 'Hello ["text"]', names: ['Quarterly report.pdf'] });
    const textOnly = keepFirst(KEY, 'Just words', []);
    expect(textOnly).toHaveLength(36);
    expect(keptFirst(KEY)).toEqual({ id: textOnly, text: 'Just words', names: [] });
  });

  it('reads a value an older panel kept (the id, then the bare text) as that text, whatever the text looks like', () => {
    const id = crypto.randomUUID();
    sessionStorage.setItem(firstKey(KEY), `${id}My first words`);
    expect(keptFirst(KEY)).toEqual({ id, text: 'My first words', names: [] });
    sessionStorage.setItem(firstKey(KEY), `${id}[1, 2]`);
    expect(keptFirst(KEY)).toEqual({ id, text: '[1, 2]', names: [] });
    sessionStorage.setItem(firstKey(KEY), 'too short');
    expect(keptFirst(KEY)).toBeNull();
  });

  it('is read back as its id and text, and forgetting the visitor removes it and its files from this device', async () => {
    const factory = new IDBFactory();
    vi.stubGlobal('indexedDB', factory);
    const id = crypto.randomUUID();
    sessionStorage.setItem(firstKey(KEY), `${id}My first words`);
    await new IndexedDbOutboxStore(firstFilesDb(KEY), factory).put(kept(id));
    expect(keptFirst(KEY)).toEqual({ id, text: 'My first words', names: [] });

    keptFirst(KEY, true);

    expect(keptFirst(KEY)).toBeNull();
    // Before, a reset left the files in IndexedDB until some later first message swept them.
    expect(await new IndexedDbOutboxStore(firstFilesDb(KEY), factory).load()).toEqual([]);
  });
});
