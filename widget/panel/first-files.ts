/**
 * Keeps the files of a visitor's first message across a reload while its conversation starts
 * (issue 19; first-message.ts keeps its id, text and the files' names). Loaded with the upload
 * tray (files were chosen) or, after a reload, to send what was kept: a chat without files
 * never downloads it.
 *
 * Sent once: see first-message.ts. It is the thread's first message: it has no seq to be based
 * on. The files go into the outbox (stored, with their Blobs) before the kept copy is removed,
 * so a reload at any moment finds them in one place or the other.
 */
import type { SyncEngine } from '../../src/core/engine/sync-engine.ts';
import type { OutboxItem } from '../../src/core/sync/outbox-item.ts';
import { IndexedDbOutboxStore } from '../../src/core/sync/outbox-store.ts';
import { firstFilesDb, firstKey, keptFirst } from './first-message.ts';

/** A kept first message this old is left over from a tab closed while its conversation started: it goes. */
const LEFT_OVER_MS = 60 * 60 * 1000;

/** The kept files, in an outbox store of their own (its items are checked when read: outbox-store.ts). */
const storeOf = (key: string) => new IndexedDbOutboxStore(firstFilesDb(key));

/** Keeps the files of the first message `id` (first-message.ts `keepFirst`) until {@link sendFirst} hands them to the conversation's outbox. */
export async function keepFirstFiles(key: string, id: string, text: string, files: readonly File[]): Promise<void> {
  const now = Date.now();
  const store = storeOf(key);
  const item: OutboxItem = {
    clientMessageId: id,
    threadId: '',
    content: text,
    mentions: [],
    files: files.map((file, index) => ({
      key: `f${index}`,
      name: file.name,
      type: file.type,
      size: file.size,
      blob: file,
      attachmentId: null,
    })),
    baseSeq: null,
    latestSeenSeq: null,
    createdAt: now,
    attempts: 0,
    nextAttemptAt: 0,
    status: 'queued',
    committed: null,
    error: null,
  };
  try {
    await store.put(item);
    for (const old of await store.load()) if (now - old.createdAt > LEFT_OVER_MS) await store.remove(old.clientMessageId);
  } catch {
    // IndexedDB refused (private browsing, a full disk): the files are sent from memory, as long as the page stays.
  }
}

/**
 * Sends the first message into its new thread: `files` from memory (this page wrote it) or, after
 * a reload, the kept ones; then forgets the kept copy. `kept`: the {@link keepFirst} of this page.
 * Resolves with the names of files a reload lost (the page went before IndexedDB had them, or it
 * refused them): the message is then not sent, never without its files; else with none.
 */
export async function sendFirst(
  key: string,
  engine: SyncEngine,
  threadId: string,
  text: string,
  files: readonly File[],
  kept?: Promise<void>,
): Promise<string[]> {
  await kept;
  const first = keptFirst(key);
  if (!first) {
    await engine.send(threadId, text, [], files);
    return [];
  }
  const { id, names } = first;
  const store = storeOf(key);
  // A store that cannot be read (IndexedDB blocked) has nothing: as if it was never written.
  const stored = files.length > 0 ? undefined : (await store.load().catch(() => [])).find((item) => item.clientMessageId === id);
  if (files.length === 0 && !stored && names.length > 0 && !engine.outbox.get(id)) {
    // The kept copy goes (the visitor sends the text again, with the files): a later load does not bring it back.
    keptFirst(key, true);
    return names;
  }
  const sending = stored ? (stored.files ?? []).map((file) => new File([file.blob], file.name, { type: file.type })) : files;
  // Once: not when the outbox has it already (restored from the page before), and the server commits an id once.
  if (!engine.outbox.get(id))
    await engine.outbox.add({ threadId, content: text, files: sending, baseSeq: null, latestSeenSeq: null, clientMessageId: id });
  // Only this message goes (not keptFirst's forgetting, which deletes the files' whole database).
  sessionStorage.removeItem(firstKey(key));
  await store.remove(id);
  return [];
}
