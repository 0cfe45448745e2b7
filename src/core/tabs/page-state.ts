import type { TabHub } from './tab-hub.ts';

/**
 * Keeps the hub's `visible` and `focused` in step with the page (`visibilitychange`, window
 * `focus` / `blur`); returns a stop function. Nothing outside a browser.
 */
export function watchPageState(hub: TabHub): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => undefined;
  const report = () => {
    const visible = document.visibilityState === 'visible';
    hub.update({ visible, focused: visible && document.hasFocus() });
  };
  report();
  document.addEventListener('visibilitychange', report);
  window.addEventListener('focus', report);
  window.addEventListener('blur', report);
  return () => {
    document.removeEventListener('visibilitychange', report);
    window.removeEventListener('focus', report);
    window.removeEventListener('blur', report);
  };
}
