import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { parseMutedThreads } from '../core/notify/muted-threads.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';

/**
 * The user's muted threads, live: changes made in this tab and in the others (the browser's
 * `storage` event) re-render at once. `set` returns false when the browser did not keep it.
 */
export function useMutedThreads(): { muted: ReadonlySet<string>; set(threadId: string, muted: boolean): boolean } {
  const { tabs } = useEngine();
  const store = tabs.muted;
  const subscribe = useCallback(
    (listener: () => void) => {
      const onStorage = (event: StorageEvent) => {
        if (event.key === store.key || event.key === null) listener();
      };
      window.addEventListener('storage', onStorage);
      const unsubscribe = store.subscribe(listener);
      return () => {
        window.removeEventListener('storage', onStorage);
        unsubscribe();
      };
    },
    [store],
  );
  const raw = useSyncExternalStore(subscribe, () => store.raw());
  const muted = useMemo(() => parseMutedThreads(raw), [raw]);
  const set = useCallback((threadId: string, next: boolean) => store.set(threadId, next), [store]);
  return { muted, set };
}
