import { useCallback, useSyncExternalStore } from 'react';

/** How often countdowns and elapsed times refresh: once a second, the precision they show. */
export const NOW_TICK_MS = 1000;

// One timer for every card on screen, running only while at least one of them is active.
let current = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function tick() {
  current = Date.now();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    // A paused clock may be stale: catch up before the first tick (read right after subscribing).
    current = Date.now();
    timer = setInterval(tick, NOW_TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const subscribeNever = () => () => {};
const getNow = () => current;

/**
 * `Date.now()`, refreshed every {@link NOW_TICK_MS} while `active` (a countdown or an
 * elapsed time is showing) and frozen otherwise, so idle cards cost no timers or renders.
 * `deliver`, when given, decides when a tick renders (the thread view's frame gate, so a
 * tick shares its frame's commit with the rest of the view).
 */
export function useNow(active: boolean, deliver?: (render: () => void) => void): number {
  const subscribeDelivered = useCallback((listener: () => void) => subscribe(deliver ? () => deliver(listener) : listener), [deliver]);
  return useSyncExternalStore(active ? subscribeDelivered : subscribeNever, getNow);
}
