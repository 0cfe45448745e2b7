/**
 * What the engine needs from its surroundings, as small swappable managers (after TanStack
 * Query's online and focus managers): browsers give the real ones, tests drive fakes.
 */
export interface Environment {
  isOnline(): boolean;
  isVisible(): boolean;
  /** Calls back on `online` / `offline`; returns an unsubscribe function. */
  onOnlineChange(listener: (online: boolean) => void): () => void;
  /** Calls back when the page becomes visible or hidden. */
  onVisibilityChange(listener: (visible: boolean) => void): () => void;
  now(): number;
  random(): number;
  /** Runs `callback` before the next paint (requestAnimationFrame), or soon where there is none. */
  nextFrame(callback: () => void): void;
}

/** The browser's environment; outside a browser (Node, tests) it is always online and visible. */
export function browserEnvironment(): Environment {
  const hasWindow = typeof window !== 'undefined' && typeof document !== 'undefined';
  return {
    isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false),
    isVisible: () => (hasWindow ? document.visibilityState !== 'hidden' : true),
    onOnlineChange(listener) {
      if (!hasWindow) return () => undefined;
      const online = () => listener(true);
      const offline = () => listener(false);
      window.addEventListener('online', online);
      window.addEventListener('offline', offline);
      return () => {
        window.removeEventListener('online', online);
        window.removeEventListener('offline', offline);
      };
    },
    onVisibilityChange(listener) {
      if (!hasWindow) return () => undefined;
      const changed = () => listener(document.visibilityState !== 'hidden');
      document.addEventListener('visibilitychange', changed);
      return () => document.removeEventListener('visibilitychange', changed);
    },
    now: () => Date.now(),
    random: () => Math.random(),
    nextFrame(callback) {
      if (typeof requestAnimationFrame === 'function' && hasWindow && document.visibilityState !== 'hidden') {
        requestAnimationFrame(() => callback());
      } else {
        // Hidden tabs get no animation frames; a short timer keeps state current.
        setTimeout(callback, 16);
      }
    },
  };
}
