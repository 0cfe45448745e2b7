import { useEffect } from 'react';
import { useEngine } from '../engine-provider/engine-context.tsx';

/**
 * Tells the user's other tabs what this one shows: visible or not, focused or not, and the
 * thread on screen (null: none, or another screen). Leaves at once on `pagehide`, and comes
 * back if the page returns from the back/forward cache.
 */
export function useTabStateReporter(threadId: string | null): void {
  const { tabs } = useEngine();
  const states = tabs.states;

  useEffect(() => {
    states.update({ threadId });
  }, [states, threadId]);

  useEffect(() => {
    const report = () => {
      const visible = document.visibilityState === 'visible';
      states.update({ visible, focused: visible && document.hasFocus() });
    };
    const onPageHide = () => states.leave();
    const onPageShow = () => {
      states.rejoin();
      report();
    };
    report();
    document.addEventListener('visibilitychange', report);
    window.addEventListener('focus', report);
    window.addEventListener('blur', report);
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    return () => {
      document.removeEventListener('visibilitychange', report);
      window.removeEventListener('focus', report);
      window.removeEventListener('blur', report);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
    };
  }, [states]);
}
