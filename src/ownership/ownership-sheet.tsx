import { useId, useRef, type ReactNode } from 'react';
import { useOwnershipStrings } from '../i18n/ownership-strings.ts';
import { ModalDialog } from '../ui/modal-dialog.tsx';

interface Props {
  children: ReactNode;
  onClose(): void;
}

/**
 * The phone's sheet of ownership controls, at the bottom of the screen. The browser's modal
 * dialog keeps focus inside and closes on Esc; focus starts on the first control and goes
 * back to the button that opened it. A tap on the backdrop closes it too.
 */
export function OwnershipSheet({ children, onClose }: Props) {
  const o = useOwnershipStrings();
  const body = useRef<HTMLDivElement>(null);
  const titleId = useId();

  return (
    <ModalDialog
      focusFirst={() => body.current?.querySelector<HTMLElement>('select, button, input')}
      onClose={onClose}
      closeOnBackdrop
      aria-labelledby={titleId}
      className="mx-0 mt-auto mb-0 max-h-[85dvh] w-full max-w-none overflow-y-auto rounded-t-xl bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex items-center justify-between border-b border-slate-200 py-1 pr-1 pl-4 dark:border-slate-700">
        <h2 id={titleId} className="text-base font-semibold">
          {o.controls.label}
        </h2>
        <button
          type="button"
          aria-label={o.controls.close}
          onClick={onClose}
          className="min-h-11 min-w-11 rounded-md text-xl text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div ref={body} className="flex flex-col gap-2 p-4 text-sm">
        {children}
      </div>
    </ModalDialog>
  );
}
