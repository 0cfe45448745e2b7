/**
 * A visitor's first message, written before there is a conversation (issue 19): a reload
 * while the conversation starts must not lose it. This tab's `sessionStorage` holds the
 * message's id, its text and its files' names, types and sizes under the visitor record's key
 * with `:first`, read at the next page load so the panel shows the message on its way (files
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

/** What the panel shows of a kept file while the conversation starts (the file itself is in IndexedDB). */
export interface KeptFile {
  name: string;
  type: string;
  size: number;
}

/** The first message this tab keeps. */
export interface KeptFirst {
  id: string;
  text: string;
  files: KeptFile[];
}

const isKeptFile = (file: unknown): file is KeptFile =>
  typeof file === 'object' &&
  file !== null &&
  typeof (file as KeptFile).name === 'string' &&
  typeof (file as KeptFile).type === 'string' &&
  Number.isSafeInteger((file as KeptFile).size) &&
  (file as KeptFile).size >= 0;

/**
 * Reads a stored value: the id, then `{"text", "files"}`. A value this code did not write (an
 * older panel kept the id and then the bare text) is that text, without files; files that do
 * not read as files are dropped rather than shown wrong.
 */
function parseKept(value: string): KeptFirst | null {
  const id = value.slice(0, ID_LENGTH);
  if (id.length !== ID_LENGTH) return null;
  const rest = value.slice(ID_LENGTH);
  try {
    const { text, files } = JSON.parse(rest) as { text?: unknown; files?: unknown };
    if (typeof text === 'string') return { id, text, files: Array.isArray(files) && files.every(isKeptFile) ? files : [] };
  } catch {
    // Not JSON: an older panel's bare text.
  }
  return { id, text: rest, files: [] };
}

/**
 * The first message this tab keeps, or null. `forget`: the visitor is forgotten (a reset, an
 * expired token): it is removed with its files, not sent on a later load.
 */
export function keptFirst(key: string, forget?: boolean): KeptFirst | null {
  try {
    if (forget) {
      sessionStorage.removeItem(firstKey(key));
      indexedDB.deleteDatabase(firstFilesDb(key));
    }
    const value = sessionStorage.getItem(firstKey(key));
    return value === null ? null : parseKept(value);
  } catch {
    // Storage blocked: nothing was kept.
    return null;
  }
}

/**
 * Keeps the first message (`text`, and of `files` what the panel shows) in this tab; returns its
 * id, or null where storage is blocked (the message is then sent from memory, as long as the page stays).
 */
export function keepFirst(key: string, text: string, files: readonly File[]): string | null {
  const id = crypto.randomUUID();
  const kept = files.map(({ name, type, size }): KeptFile => ({ name, type, size }));
  try {
    sessionStorage.setItem(firstKey(key), id + JSON.stringify({ text, files: kept }));
    return id;
  } catch {
    return null;
  }
}

/** Forgets the kept message (not its files' database: first-files.ts removes only its own). */
export function forgetFirst(key: string): void {
  try {
    sessionStorage.removeItem(firstKey(key));
  } catch {
    // Storage blocked: nothing was kept.
  }
}

/**
 * Sends a first message without files into its new thread: under its kept `id` (once: not when
 * the outbox has it already, restored from the page before), then forgets the kept copy.
 */
export async function sendFirstText(key: string, engine: SyncEngine, threadId: string, text: string, id?: string): Promise<void> {
  if (!id) {
    await engine.send(threadId, text);
    return;
  }
  if (!engine.outbox.get(id)) await engine.outbox.add({ threadId, content: text, baseSeq: null, latestSeenSeq: null, clientMessageId: id });
  forgetFirst(key);
}
