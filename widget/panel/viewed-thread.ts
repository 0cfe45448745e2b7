/**
 * Which earlier conversation this tab is showing ("Earlier conversations", CONTRACT §7 "my
 * conversations"), so that a reload, or the next page of the site, shows it again rather
 * than the newest one the server resumes. Kept per tab like the open state
 * (visitor-store.ts `rememberOpen`): in `sessionStorage`, under the visitor record's key
 * with `:viewing`. Nothing here is a credential: the visitor token stays in the record.
 */

const viewingKey = (key: string): string => `${key}:viewing`;

/** Remembers the earlier conversation shown in this tab; null: the one the server resumes (the newest). */
export function rememberViewed(key: string, threadId: string | null): void {
  try {
    if (threadId) sessionStorage.setItem(viewingKey(key), threadId);
    else sessionStorage.removeItem(viewingKey(key));
  } catch {
    // Storage blocked: a reload shows the newest conversation, as before.
  }
}

/** The earlier conversation this tab showed before the page loaded, or null. */
export function viewedThread(key: string): string | null {
  try {
    return sessionStorage.getItem(viewingKey(key));
  } catch {
    return null;
  }
}
