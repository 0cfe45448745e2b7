import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { syncOwnership } from './ownership-sync.ts';

/** Keeps the queues, their counts and the threads' ownership live (see {@link syncOwnership}). */
export function useOwnershipSync(): void {
  const queryClient = useQueryClient();
  const { engine } = useEngine();
  useEffect(() => syncOwnership(engine, queryClient), [engine, queryClient]);
}
