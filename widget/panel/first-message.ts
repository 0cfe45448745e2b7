/**
 * A visitor's first message with files, written before there is a conversation (issue 19): a
 * reload while the conversation starts must not lose it. Its files are kept in IndexedDB by
 * an on-demand chunk (first-files.ts); this tab's `sessionStorage` holds the message's id and
 * text under the visitor record's key with `:first`, read at the next page load so the panel
 * shows the message on its way and starts the conversation with it. Per tab, as the page it
 * was written in: another tab does not send it too. Nothing here is a credential.
 */

export const firstKey = (key: string): string => `${key}:first`;
/** The IndexedDB database of the first message's files (first-files.ts). */
export const firstFilesDb = (key: string): string => `ama2-first-${key}`;

/** The id (crypto.randomUUID(): always this long) comes first in the stored value, then the text. */
export const FIRST_ID_LENGTH = 36;

/**
 * The first message this tab keeps (its id, then its text), or null. `forget`: the visitor is
 * forgotten (a reset, an expired token): it is removed with its files, not sent on a later load.
 */
export function keptFirst(key: string, forget?: boolean): string | null {
  try {
    if (forget) {
      sessionStorage.removeItem(firstKey(key));
      indexedDB.deleteDatabase(firstFilesDb(key));
    }
    return sessionStorage.getItem(firstKey(key));
  } catch {
    // Storage blocked: nothing was kept.
    return null;
  }
}
