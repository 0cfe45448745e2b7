import { useQueryClient } from '@tanstack/react-query';
import type { Activity } from '../core/engine/sync-engine.ts';
import { useEngine } from '../engine/engine-context.tsx';
import { useEngineActivity } from '../hooks/use-engine-activity.ts';
import { patchThread, threadKeys, type ThreadPages } from './thread-queries.ts';

/**
 * Keeps the cached thread list current from the live connection: previews, order and
 * unread counts change in place; a thread the list has never seen makes it refetch.
 */
export function useThreadListSync(): void {
  const queryClient = useQueryClient();
  const { engine, selfSenderId } = useEngine();

  useEngineActivity(engine, (activity: Activity) => {
    if (activity.kind === 'error') return;
    if (activity.kind === 'read') {
      // Read on another tab or device: the same position here.
      queryClient.setQueryData<ThreadPages>(threadKeys.all, (data) =>
        patchThread(data, activity.threadId, (thread) => ({
          ...thread,
          read_seq: Math.max(thread.read_seq, activity.readSeq),
          unread_count: activity.readSeq >= (thread.last_seq ?? 0) ? 0 : thread.unread_count,
        })).data,
      );
      return;
    }
    const threadId = activity.threadId;
    const seq = activity.kind === 'message' ? activity.message.thread_seq : activity.event.thread_seq;
    const message =
      activity.kind === 'message'
        ? { sender_id: activity.message.sender_id, content: activity.message.content, created_at: activity.message.created_at }
        : activity.event.event_type === 'message_committed'
          ? { sender_id: activity.event.sender_id ?? 'system', content: activity.event.content ?? '', created_at: activity.event.created_at }
          : null;
    const result = patchThread(queryClient.getQueryData<ThreadPages>(threadKeys.all), threadId, (thread) => {
      const known = thread.last_seq ?? 0;
      // The same message can come twice (frame, then a catch-up); count it once.
      const fresh = seq === undefined || seq > known;
      const next = { ...thread, last_seq: seq === undefined ? thread.last_seq : Math.max(known, seq) };
      if (!message || !fresh) return next;
      const fromOthers = message.sender_id !== selfSenderId;
      return {
        ...next,
        last_message: { ...message, created_at: message.created_at ?? new Date().toISOString() },
        updated_at: message.created_at ?? new Date().toISOString(),
        unread_count: fromOthers ? thread.unread_count + 1 : thread.unread_count,
      };
    });
    if (result.found) queryClient.setQueryData(threadKeys.all, result.data);
    else void queryClient.invalidateQueries({ queryKey: threadKeys.all });
  });
}
