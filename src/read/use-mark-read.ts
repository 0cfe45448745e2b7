import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent, useRef } from 'react';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { patchThread, threadKeys, type ThreadPages } from '../threads/thread-queries.ts';

/** Reads are reported at most this often per thread while new messages keep arriving. */
const MARK_READ_DELAY_MS = 400;

/**
 * A thread becomes read when its latest message has been on screen: the list is at the
 * bottom and the tab is visible. The position only moves forward.
 */
export function useMarkRead(threadId: string, appliedSeq: number, atBottom: boolean, readSeq: number): void {
  const { api, tabs } = useEngine();
  const queryClient = useQueryClient();
  const sent = useRef(readSeq);

  useEffect(() => {
    sent.current = Math.max(sent.current, readSeq);
  }, [readSeq]);

  // Reports `appliedSeq` as read if the newest message is on screen and not reported yet.
  const report = useEffectEvent(() => {
    if (!atBottom || document.visibilityState === 'hidden' || appliedSeq <= sent.current) return;
    sent.current = appliedSeq;
    queryClient.setQueryData<ThreadPages>(
      threadKeys.all,
      (data) =>
        patchThread(data, threadId, (thread) => ({ ...thread, read_seq: Math.max(thread.read_seq, appliedSeq), unread_count: 0 })).data,
    );
    // The other tabs (and this one's engine) learn it now, not after the server's echo.
    tabs.reads.read(threadId, appliedSeq);
    api.markRead(threadId, appliedSeq).catch(() => {
      // Not fatal: the count is corrected by the next list refresh.
      sent.current = Math.min(sent.current, readSeq);
    });
  });

  useEffect(() => {
    if (!atBottom || appliedSeq <= sent.current) return;
    const timer = setTimeout(report, MARK_READ_DELAY_MS);
    return () => clearTimeout(timer);
  }, [appliedSeq, atBottom]);

  // Leaving the thread within the delay still counts what was on screen as read.
  useEffect(() => () => report(), []);

  // Coming back to a hidden tab that sits at the bottom reads what arrived meanwhile.
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible' && atBottom && appliedSeq > sent.current) {
        sent.current = appliedSeq;
        tabs.reads.read(threadId, appliedSeq);
        void api.markRead(threadId, appliedSeq).then(() => queryClient.invalidateQueries({ queryKey: threadKeys.all }));
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [api, appliedSeq, atBottom, queryClient, tabs, threadId]);
}
