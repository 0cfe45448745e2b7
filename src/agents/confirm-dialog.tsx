import { useId, useLayoutEffect, useRef, type ReactNode, type RefObject } from 'react';
import { useStrings } from '../i18n/locale-store.ts';
import { DIALOG_CARD } from '../ui/modal-dialog.tsx';
import { DANGER_BUTTON, ERROR_TEXT, SECONDARY_BUTTON } from './settings-styles.ts';

interface Props {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  /** Why the last attempt failed, in the server's words. */
  error: string | null;
  onConfirm(): void;
  onCancel(): void;
  /** Where focus goes on close instead of the button that opened the dialog (when the confirmed action removes that button). */
  focusOnClose?: RefObject<HTMLElement | null>;
}

/**
 * A modal question before something that cannot be undone. The browser's modal dialog
 * keeps focus inside and closes on Esc; focus starts on Cancel, the safe answer, and
 * goes back to the button that opened it.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  pendingLabel,
  pending,
  error,
  onConfirm,
  onCancel,
  focusOnClose,
}: Props) {
  const t = useStrings();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();

  // A layout effect: the dialog is closed (and the page no longer inert) before any
  // effect of what replaces it runs, so a newly shown secret can take focus.
  useLayoutEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      opener.current = document.activeElement;
      element.showModal();
      cancel.current?.focus();
    }
    if (!open && element.open) {
      element.close();
      const target = focusOnClose?.current ?? opener.current;
      if (target instanceof HTMLElement && target.isConnected) target.focus();
    }
  }, [open, focusOnClose]);

  return (
    <dialog
      ref={dialog}
      onCancel={(event) => {
        event.preventDefault();
        if (!pending) onCancel();
      }}
      aria-labelledby={titleId}
      className={DIALOG_CARD}
    >
      <h3 id={titleId} className="text-lg font-semibold">
        {title}
      </h3>
      <div className="mt-2 space-y-2 text-sm text-slate-700 dark:text-slate-300">{children}</div>
      {error && (
        <p role="alert" className={`mt-3 ${ERROR_TEXT}`}>
          {error}
        </p>
      )}
      <div className="mt-4 flex justify-end gap-2">
        <button ref={cancel} type="button" className={SECONDARY_BUTTON} onClick={onCancel} disabled={pending}>
          {t.common.cancel}
        </button>
        <button type="button" className={DANGER_BUTTON} onClick={onConfirm} disabled={pending}>
          {pending ? pendingLabel : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
