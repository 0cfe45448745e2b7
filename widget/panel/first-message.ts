/**
 * A visitor's first message, written before there is a conversation (issue 19): a reload
 * while the conversation starts must not lose it. This tab's `sessionStorage` holds the
 * message's id, its text and its files' names under the visitor record's key with `:first`, read at the next page load so the panel shows the message on its way (files
 * by name) and starts the conversation with it. The files themselves are kept in IndexedDB by
 * an on-demand chunk (first-files.ts); a message without files never loads it. Per tab, as
 * the page it was written in: another tab does not send it too. Nothing here is a credential.
 *
 * Sent once: the message has its id from the moment it is kept, it is added to the outbox
 * only when the outbox does not have that id, and the server commits a `client_message_id`
 * once (CONTRACT §4). The kept copy goes once the outbox has stored it.
 */
import type { SyncEngine } from '../../src/core/engine/sync-engine.ts';

export const firstKey = (key: string): string => `${key}:first`;
/** The IndexedDB database of the first message's files (first-files.ts). */
export const firstFilesDb = (key: string): string => `ama2-first-${key}`;

/** The id (crypto.randomUUID(): always this long) comes first in the stored value, then the message as JSON. */
const ID_LENGTH = 36;

/** The first message this tab keeps: its id, its text, and its files' names (the files, with their types and sizes, are in IndexedDB). */
export interface KeptFirst {
  id: string;
  text: string;
  names: string[];
}

/**
 * The first message this tab keeps, or null. The stored value is the id, then `[text, ...names]`
 * as JSON; a value this code did not write (an older panel kept the id and then the bare text)
 * is that text, without names. `forget`: the visitor is forgotten (a reset, an expired token):
 * it is removed with its files, not sent on a later load.
 */
export function keptFirst(key: string, forget?: boolean): KeptFirst | null {
  let value: string | null;
  try {
    if (forget) {
      sessionStorage.removeItem(firstKey(key));
      indexedDB.deleteDatabase(firstFilesDb(key));
    }
    value = sessionStorage.getItem(firstKey(key));
  } catch {
    // Storage blocked: nothing was kept.
    return null;
  }
  if (!value || value.length < ID_LENGTH) return null;
  const id = value.slice(0, ID_LENGTH);
  let kept: unknown = value.slice(ID_LENGTH);
  try {
    kept = JSON.parse(kept as string);
  } catch {
    // An older panel's bare text.
  }
  return Array.isArray(kept) && kept.every((part) => typeof part === 'string')
    ? { id, text: kept[0] ?? '', names: kept.slice(1) }
    : { id, text: value.slice(ID_LENGTH), names: [] };
}

/**
 * Keeps the first message (`text`, and its files' names) in this tab; returns its id, or null
 * where storage is blocked (the message is then sent from memory, as long as the page stays).
 */
export function keepFirst(key: string, text: string, files: readonly File[]): string | null {
  const id = crypto.randomUUID();
  try {
    sessionStorage.setItem(firstKey(key), id + JSON.stringify([text, ...files.map((file) => file.name)]));
    return id;
  } catch {
    return null;
  }
}

/**
 * Sends a first message without files into its new thread: under its kept `id` (once: not when
 * the outbox has it already, restored from the page before), then forgets the kept copy (it
 * has no files' database: forgetting it removes nothing else).
 */
export async function sendFirstText(key: string, engine: SyncEngine, threadId: string, text: string, id?: string): Promise<void> {
  if (!id) {
    await engine.send(threadId, text);
    return;
  }
  if (!engine.outbox.get(id)) await engine.outbox.add({ threadId, content: text, baseSeq: null, latestSeenSeq: null, clientMessageId: id });
  keptFirst(key, true);
}
