import type { TabLeadership } from './tab-leadership.ts';

/**
 * {@link TabLeadership} on the Web Locks API: every tab asks for the same exclusive lock and
 * holds it until it closes, so the browser grants it to exactly one tab at a time and hands
 * it on (in request order) when that tab closes or crashes. Null where there is no
 * `navigator.locks` (then each tab keeps its own connection).
 */
export function webLocksLeadership(lockName: string, tabId: string = randomTabId()): TabLeadership | null {
  if (typeof navigator === 'undefined' || !navigator.locks) return null;
  const locks = navigator.locks;
  const listeners = new Set<(isLeader: boolean) => void>();
  let leader = false;
  let closed = false;
  let release: (() => void) | null = null;
  const controller = new AbortController();

  const set = (next: boolean) => {
    if (leader === next) return;
    leader = next;
    for (const listener of [...listeners]) listener(next);
  };

  locks
    .request(lockName, { signal: controller.signal }, () => {
      if (closed) return undefined;
      set(true);
      // Held until close(): the lock is the leadership.
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    })
    .catch(() => {
      // Aborted by close() while waiting, or the lock was stolen: either way not the leader.
      set(false);
    });

  return {
    tabId,
    isLeader: () => leader,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      controller.abort();
      release?.();
      set(false);
    },
  };
}

function randomTabId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `tab-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
}
