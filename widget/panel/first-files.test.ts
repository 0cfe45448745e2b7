import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SyncEngine } from '../../src/core/engine/sync-engine.ts';
import { keepFirstFiles, sendFirst } from './first-files.ts';
import { keepFirst, keptFirst } from './first-message.ts';

const KEY = 'ama2chat:https://chat.example.com:support';

// Node's File: the test DOM's does not survive IndexedDB's structured clone (outbox-store.test.ts).
const nodeBuffer = 'node:buffer';
const { File: NodeFile } = (await import(/* @vite-ignore */ nodeBuffer)) as { File: typeof File };

/** The part of an engine sendFirst uses: an outbox that keeps what is added (by its id). */
function engineWithOutbox() {
  const items = new Map<string, { content: string; files: string[] }>();
  const engine = {
    outbox: {
      get: (id: string) => items.get(id),
      add: async (input: { clientMessageId: string; content: string; files?: File[] }) => {
        items.set(input.clientMessageId, { content: input.content, files: (input.files ?? []).map((file) => file.name) });
      },
    },
    send: async () => undefined,
  } as unknown as SyncEngine;
  return { engine, items };
}

describe("a visitor's first message with files, after a reload", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    sessionStorage.clear();
  });

  it('goes with the files IndexedDB kept', async () => {
    vi.stubGlobal('indexedDB', new IDBFactory());
    const shot = new NodeFile(['png'], 'shot.png', { type: 'image/png' });
    const id = keepFirst(KEY, 'Look at this', [shot])!;
    await keepFirstFiles(KEY, id, 'Look at this', [shot]);
    const { engine, items } = engineWithOutbox();

    expect(await sendFirst(KEY, engine, 'thread-1', 'Look at this', [])).toEqual([]);

    expect(items.get(id)).toEqual({ content: 'Look at this', files: ['shot.png'] });
    expect(keptFirst(KEY)).toBeNull();
  });

  it('is not sent when the page reloaded before its files were kept: their names come back, and nothing is kept for a later load', async () => {
    vi.stubGlobal('indexedDB', new IDBFactory());
    const files = [new File(['png'], 'shot.png', { type: 'image/png' }), new File(['%PDF'], 'bill.pdf', { type: 'application/pdf' })];
    // Its text and names are in sessionStorage; IndexedDB never got the files.
    const id = keepFirst(KEY, 'Look at these', files)!;
    const { engine, items } = engineWithOutbox();

    expect(await sendFirst(KEY, engine, 'thread-1', 'Look at these', [])).toEqual(['shot.png', 'bill.pdf']);

    expect(items.get(id)).toBeUndefined();
    expect(keptFirst(KEY)).toBeNull();
  });
});
