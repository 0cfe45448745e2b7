import { createElement, lazy, type ComponentType, type JSX } from 'react';

/** A screen whose code loads on demand, and can be told to load ahead of time. */
export interface LazyScreen<P extends object> {
  /** Starts loading the screen's code (once); resolves when it is there. */
  preload(): Promise<void>;
  /** The screen: rendered at once when its code is there, else suspends until it is. */
  Screen(props: P): JSX.Element;
}

/**
 * Like `React.lazy`, but a screen preloaded before it is first rendered renders at once,
 * with no fallback frame, and a failed load (offline, a new release) is tried again on the
 * next render (an error boundary's "Try again") instead of failing for good.
 */
export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): LazyScreen<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<void> | null = null;
  const preload = (): Promise<void> =>
    (pending ??= load().then(
      (component) => {
        loaded = component;
      },
      (error: unknown) => {
        pending = null;
        Suspended = suspendUntilLoaded();
        throw error;
      },
    ));
  const suspendUntilLoaded = () => lazy(async () => (await preload(), { default: loaded! }));
  let Suspended = suspendUntilLoaded();
  return {
    preload,
    Screen: (props: P) => createElement(loaded ?? Suspended, props),
  };
}
