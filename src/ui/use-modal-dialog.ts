import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * A `<dialog>` that is modal for exactly as long as its component is mounted: shown before the
 * first paint with the focus on what `focusFirst` picks in it, and on unmount closed with the
 * focus given back to what had it before (if that is still on the page). `focusFirst` is read
 * once, when the dialog opens. Returns the ref to put on the `<dialog>`.
 */
export function useModalDialog(
  focusFirst: (dialog: HTMLDialogElement) => HTMLElement | null | undefined,
): RefObject<HTMLDialogElement | null> {
  const dialog = useRef<HTMLDialogElement>(null);
  const pickFocus = useRef(focusFirst);

  useLayoutEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const opener = document.activeElement;
    element.showModal();
    pickFocus.current(element)?.focus();
    return () => {
      element.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);

  return dialog;
}
