import type { ClientFrame } from '../protocol/client-frames.ts';
import type { Transport, TransportEvents, TransportKind } from './transport.ts';

/**
 * A transport whose code loads when it is first opened: the widget's polling fallback is
 * needed only where its socket keeps failing (a proxy that blocks WebSockets), so every
 * other visitor does not download it. Receive-only until loaded (as the fallbacks are
 * anyway). A load that fails (offline) closes it as a dropped connection, and the
 * connection manager's retries go on as after any other drop.
 */
export function lazyTransport(kind: TransportKind, load: () => Promise<Transport>): Transport {
  let inner: Transport | null = null;
  let closed = false;
  let followed: readonly string[] = [];
  return {
    kind,
    open(events: TransportEvents) {
      load().then(
        (loaded) => {
          if (closed) return;
          inner = loaded;
          loaded.open(events);
          loaded.follow(followed);
        },
        () => {
          if (!closed) events.close({ code: 1006, reason: 'The connection could not be set up.' });
        },
      );
    },
    send: (frame: ClientFrame) => inner?.send(frame) ?? false,
    close(code?: number, reason?: string) {
      closed = true;
      inner?.close(code, reason);
    },
    follow(threadIds: readonly string[]) {
      followed = threadIds;
      inner?.follow(threadIds);
    },
  };
}
