import { useCallback, useSyncExternalStore } from 'react';
import type { ConnectionState } from '../core/connection/connection.ts';
import type { SyncEngine } from '../core/engine/sync-engine.ts';

/** The live connection's state, for banners and headers. */
export function useConnectionState(engine: SyncEngine): ConnectionState {
  const subscribe = useCallback((listener: () => void) => engine.subscribe(listener), [engine]);
  const getSnapshot = useCallback(() => engine.getConnectionState(), [engine]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
