import { useEffect, useRef } from 'react';
import type { Activity, SyncEngine } from '../core/engine/sync-engine.ts';

/**
 * Calls `handler` for every activity of the engine. The latest handler is kept in a ref, so
 * the long-lived engine never calls a stale closure and the subscription is made once.
 */
export function useEngineActivity(engine: SyncEngine, handler: (activity: Activity) => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => engine.onActivity((activity) => latest.current(activity)), [engine]);
}
