import { useQueryClient } from '@tanstack/react-query';
import type { Activity } from '../core/engine/sync-engine.ts';
import { mergeSummary } from '../core/engine/thread-summaries.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { useEngineActivity } from '../hooks/use-engine-activity.ts';
import { patchThread, threadKeys, type ThreadPages } from './thread-queries.ts';

const nowIso = () => new Date().toISOString();

/**
 * Keeps the cached thread list current from the engine's per-thread summaries: previews,
 * order and unread counts change in place (the engine counts each message once, however
 * often it was delivered); a thread the list has never seen makes it refetch.
 */
export function useThreadListSync(): void {
  const queryClient = useQueryClient();
  const { engine } = useEngine();

  useEngineActivity(engine, (activity: Activity) => {
    if (activity.kind !== 'summary') return;
    const result = patchThread(queryClient.getQueryData<ThreadPages>(threadKeys.all), activity.threadId, (thread) =>
      mergeSummary(thread, activity.summary, nowIso),
    );
    if (result.found) queryClient.setQueryData(threadKeys.all, result.data);
    // Only a message or a seq means a thread exists that the list has not fetched; a read position does not.
    else if (activity.summary.lastSeq > 0 || activity.summary.lastMessage) void queryClient.invalidateQueries({ queryKey: threadKeys.all });
  });
}
