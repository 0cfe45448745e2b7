import { useCallback, useSyncExternalStore } from 'react';
import type { SyncEngine } from '../core/engine/sync-engine.ts';
import type { ThreadSnapshot } from '../core/session/thread-snapshot.ts';

/** One thread as the engine sees it; re-renders only when that thread changes. */
export function useThreadSnapshot(engine: SyncEngine, threadId: string): ThreadSnapshot {
  const subscribe = useCallback((listener: () => void) => engine.subscribeThread(threadId, listener), [engine, threadId]);
  const getSnapshot = useCallback(() => engine.getThreadSnapshot(threadId), [engine, threadId]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
