/**
 * What the panel (and the shared code it imports) uses of `react`, on plain preact: the widget
 * build resolves `react` to this module (vite.widget.config.ts). preact/compat would also
 * rewrite every element's props on the way (about 2 KB gzip of the panel) for React habits the
 * panel does not have: it writes `onInput`, dashed SVG attributes, and refs only on elements.
 * Anything imported from `react` that is not here fails the panel's build, not a visitor.
 */
import { createElement, options, type Component, type FunctionComponent } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

export { Component, Fragment } from 'preact';
export { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';

// React handlers read `event.nativeEvent` (the composer's IME check, the focus trap); preact
// hands them the DOM event itself, so it names itself as its native event.
const previousEventHook = options.event;
options.event = (event: Event) => {
  const passed = (previousEventHook ? previousEventHook(event) : event) as Event & { nativeEvent?: Event };
  passed.nativeEvent = passed;
  return passed;
};

function propsDiffer(previous: object, next: object): boolean {
  const a = previous as Record<string, unknown>;
  const b = next as Record<string, unknown>;
  for (const key in a) if (!(key in b)) return true;
  for (const key in b) if (a[key] !== b[key]) return true;
  return false;
}

/** The component, re-rendered only when a prop changes (compared one by one, as React's `memo`). */
export function memo<P extends object>(render: FunctionComponent<P>): FunctionComponent<P> {
  function Memoized(this: Component<P>, props: P) {
    this.shouldComponentUpdate = (next: P) => propsDiffer(this.props, next);
    return createElement(render, props);
  }
  return Memoized;
}

/**
 * React's `useSyncExternalStore` (client side: the server snapshot is never read). The store is
 * read again after each render and once subscribed, so a change in between is not missed.
 */
export function useSyncExternalStore<T>(subscribe: (onChange: () => void) => () => void, read: () => T): T {
  const value = read();
  const [, rerender] = useState(0);
  const latestRef = useRef({ value, read });
  useLayoutEffect(() => {
    latestRef.current = { value, read };
    if (!Object.is(value, read())) rerender((count) => count + 1);
  }, [value, read]);
  useEffect(() => {
    const onChange = () => {
      if (!Object.is(latestRef.current.value, latestRef.current.read())) rerender((count) => count + 1);
    };
    onChange();
    return subscribe(onChange);
  }, [subscribe]);
  return value;
}
