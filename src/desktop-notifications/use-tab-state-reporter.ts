import { useEffect } from 'react';
import { useEngine } from '../engine-provider/engine-context.tsx';

/**
 * Tells the user's other tabs the thread on screen here (null: none, or another screen). The
 * rest of this tab's state (visible, focused, leaving on `pagehide`) the inbox client reports itself.
 */
export function useTabStateReporter(threadId: string | null): void {
  const { client } = useEngine();
  useEffect(() => client.setThreadOnScreen(threadId), [client, threadId]);
}
