import {
  Virtualizer,
  elementScroll,
  observeElementOffset,
  observeElementRect,
  type PartialKeys,
  type VirtualizerOptions,
} from '@tanstack/react-virtual';
import { useLayoutEffect, useReducer, useState } from 'react';
import { flushSync } from 'react-dom';
import type { FrameGate } from './frame-gate.ts';

type Options = PartialKeys<
  VirtualizerOptions<HTMLDivElement, HTMLDivElement>,
  'observeElementRect' | 'observeElementOffset' | 'scrollToFn'
>;

/**
 * TanStack Virtual's `useVirtualizer` for an element, with its re-renders (a new range on
 * scroll, a row measured) passed through the thread's {@link FrameGate}: while a reply
 * streams they render in the frame batch with everything else instead of in commits of
 * their own. Otherwise the same as the library's hook (scroll re-renders are synchronous so
 * fast scrolling shows no blank rows).
 */
export function useGatedVirtualizer(options: Options, gate: FrameGate): Virtualizer<HTMLDivElement, HTMLDivElement> {
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  // A flag the virtualizer's callbacks read (never render): a plain box, not a ref, since it
  // is handed to the virtualizer's options during render.
  const [measuring] = useState(() => ({ current: false }));
  const resolved: VirtualizerOptions<HTMLDivElement, HTMLDivElement> = {
    observeElementRect,
    observeElementOffset,
    scrollToFn: elementScroll,
    ...options,
    onChange: (instance, sync) => {
      gate.run(() => {
        // Not inside a commit (a row measured by its ref) nor a frame batch (one render for all).
        if (sync && !measuring.current && !gate.held) flushSync(rerender);
        else rerender();
      });
      options.onChange?.(instance, sync);
    },
  };
  const [instance] = useState(() => {
    const virtualizer = new Virtualizer(resolved);
    const measureElement = virtualizer.measureElement;
    virtualizer.measureElement = (node) => {
      measuring.current = true;
      try {
        measureElement(node);
      } finally {
        measuring.current = false;
      }
    };
    return virtualizer;
  });
  instance.setOptions(resolved);
  useLayoutEffect(() => instance._didMount(), [instance]);
  useLayoutEffect(() => instance._willUpdate());
  return instance;
}
