import { useCallback, useSyncExternalStore } from 'react';
import type { SyncEngine } from '../core/engine/sync-engine.ts';
import type { ThreadSnapshot } from '../core/session/thread-snapshot.ts';
import type { FrameGate } from './frame-gate.ts';

/**
 * One thread as the engine sees it, like `useThreadSnapshot`, with each change rendered
 * when the thread view's {@link FrameGate} lets it: at once, or while a reply streams in
 * the frame's one commit.
 */
export function useGatedThreadSnapshot(engine: SyncEngine, threadId: string, gate: FrameGate): ThreadSnapshot {
  const subscribe = useCallback(
    (listener: () => void) => engine.subscribeThread(threadId, () => gate.run(listener)),
    [engine, threadId, gate],
  );
  const getSnapshot = useCallback(() => engine.getThreadSnapshot(threadId), [engine, threadId]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
