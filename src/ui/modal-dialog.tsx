import type { DialogHTMLAttributes, ReactNode } from 'react';
import { useModalDialog } from './use-modal-dialog.ts';

/** The centred card most dialogs are: narrow, padded, dimmed page behind, dark mode. */
export const DIALOG_CARD =
  'm-auto w-[calc(100%-2rem)] max-w-md rounded-xl bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:bg-slate-900 dark:text-slate-100';

interface Props extends Omit<DialogHTMLAttributes<HTMLDialogElement>, 'onCancel' | 'onClose' | 'onClick' | 'open'> {
  /** What gets the focus when the dialog opens (read once). */
  focusFirst: (dialog: HTMLDialogElement) => HTMLElement | null | undefined;
  /** Asked to close: by Esc, and by a click on the backdrop where `closeOnBackdrop`. */
  onClose(): void;
  /** While true, Esc does nothing: closing would abandon work that is under way. */
  busy?: boolean;
  /** A click outside the box (on the backdrop) closes too, as a bottom sheet expects. */
  closeOnBackdrop?: boolean;
  children: ReactNode;
}

/**
 * A `<dialog>` that is modal for as long as it is mounted (see `useModalDialog`): the browser
 * keeps focus inside it and makes the page behind inert; Esc asks `onClose` instead of closing
 * by itself, so the component that shows it stays the one that decides.
 */
export function ModalDialog({
  focusFirst,
  onClose,
  busy = false,
  closeOnBackdrop = false,
  className = DIALOG_CARD,
  children,
  ...rest
}: Props) {
  const dialog = useModalDialog(focusFirst);
  return (
    <dialog
      {...rest}
      ref={dialog}
      className={className}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
      onClick={
        closeOnBackdrop
          ? (event) => {
              if (event.target === dialog.current) onClose();
            }
          : undefined
      }
    >
      {children}
    </dialog>
  );
}
