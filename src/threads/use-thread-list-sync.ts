import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { syncThreadList } from './thread-list-sync.ts';

/** Keeps the cached thread list current from the engine's summaries (see {@link syncThreadList}). */
export function useThreadListSync(): void {
  const queryClient = useQueryClient();
  const { engine } = useEngine();
  useEffect(() => syncThreadList(engine, queryClient), [engine, queryClient]);
}
