/** The Page Lifecycle events a tab leader cares about. */
export type PageLifecycleEvent = 'freeze' | 'resume' | 'pagehide' | 'pageshow';

/** Subscribes to `freeze`/`resume` (document) and `pagehide`/`pageshow` (window); returns an unsubscribe function. */
export type PageLifecycle = (listener: (event: PageLifecycleEvent) => void) => () => void;

/** The page's own lifecycle events; nothing outside a browser. */
export const browserPageLifecycle: PageLifecycle = (listener) => {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => undefined;
  const on = (target: EventTarget, event: PageLifecycleEvent) => {
    const handler = () => listener(event);
    target.addEventListener(event, handler);
    return () => target.removeEventListener(event, handler);
  };
  const offs = [on(document, 'freeze'), on(document, 'resume'), on(window, 'pagehide'), on(window, 'pageshow')];
  return () => {
    for (const off of offs) off();
  };
};
