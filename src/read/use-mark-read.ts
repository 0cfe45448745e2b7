import { useEffect } from 'react';
import { useEngine } from '../engine-provider/engine-context.tsx';

const isVisible = () => document.visibilityState !== 'hidden';

/**
 * A thread becomes read when its latest message has been on screen: the list is at the
 * bottom and the tab is visible. The engine does the rest (`engine.markRead`: the delay, the
 * read position, the other tabs, the server); `readSeq` is the list's, so a thread already
 * read there is not reported again.
 */
export function useMarkRead(threadId: string, appliedSeq: number, atBottom: boolean, readSeq: number): void {
  const { engine } = useEngine();

  useEffect(() => {
    if (!atBottom) {
      // The newest message left the screen before the delay: it is not read yet.
      engine.cancelRead(threadId);
      return;
    }
    if (isVisible() && appliedSeq > readSeq) engine.markRead(threadId, appliedSeq);
    // Hidden, what waits is not read; coming back to a tab that sits at the bottom reads what arrived meanwhile.
    const onVisibility = () => {
      if (!isVisible()) return engine.cancelRead(threadId);
      if (appliedSeq <= readSeq) return;
      engine.markRead(threadId, appliedSeq);
      engine.flushRead(threadId);
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [engine, threadId, appliedSeq, atBottom, readSeq]);

  // Leaving the thread within the delay still counts what was on screen as read.
  useEffect(() => () => engine.flushRead(threadId), [engine, threadId]);
}
