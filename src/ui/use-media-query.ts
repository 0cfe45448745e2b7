import { useCallback, useSyncExternalStore } from 'react';

/** The inbox's one-pane layout (Tailwind's `md` breakpoint is 48rem): a phone, or a narrow window. */
export const NARROW_QUERY = '(max-width: 47.999rem)';
/** A finger rather than a mouse: no hardware keyboard can be assumed. */
export const TOUCH_QUERY = '(pointer: coarse)';

/** Whether a CSS media query matches now, kept current as the window or device changes. */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    [query],
  );
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(query).matches,
    () => false,
  );
}
