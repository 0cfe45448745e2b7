/**
 * A message channel between the tabs of one browser profile (same origin). The app opens one
 * per user, `ama2:<userId>`, owned by the tab hub (`TabHub`), which validates every
 * message at its boundary: another tab may run an older build.
 */
export interface TabChannel<M> {
  /** Sends to every other tab on this channel (never to this tab itself). */
  post(message: M): void;
  /** Called for each message from another tab; returns an unsubscribe function. */
  subscribe(listener: (message: unknown) => void): () => void;
  close(): void;
}

/** A {@link TabChannel} over `BroadcastChannel`; null where the browser has none. */
export function browserTabChannel<M>(name: string): TabChannel<M> | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  const channel = new BroadcastChannel(name);
  const listeners = new Set<(message: unknown) => void>();
  channel.onmessage = (event: MessageEvent) => {
    for (const listener of [...listeners]) listener(event.data);
  };
  return {
    post(message) {
      channel.postMessage(message);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel.close();
    },
  };
}
