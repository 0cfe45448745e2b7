import { useSyncExternalStore } from 'react';

/** Countdowns show whole seconds, so the clock moves once a second. */
const CLOCK_TICK_MS = 1_000;

const subscribeTicks = (listener: () => void) => {
  const timer = setInterval(listener, CLOCK_TICK_MS);
  return () => clearInterval(timer);
};
const subscribeNever = () => () => undefined;
// Whole seconds: the same value for every read within a second, as a store snapshot must be.
const currentSecond = () => Math.floor(Date.now() / CLOCK_TICK_MS) * CLOCK_TICK_MS;

/**
 * The time (to the second), re-rendering every second while `ticking`. Read fresh on every
 * render, so a countdown that appears shows the right number at once, not after a tick.
 */
export function useClock(ticking: boolean): number {
  return useSyncExternalStore(ticking ? subscribeTicks : subscribeNever, currentSecond, currentSecond);
}
