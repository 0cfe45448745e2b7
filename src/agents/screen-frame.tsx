import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useStrings } from '../i18n/locale-store.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { useEscapeToClose } from './use-escape-to-close.ts';

interface Props {
  title: string;
  /** A line under the heading. */
  subtitle?: ReactNode;
  /** Extra navigation next to Close (e.g. "All agents"). */
  nav?: ReactNode;
  onClose(): void;
  children: ReactNode;
}

/**
 * The frame of an agent screen: a Close button (Esc does the same), a heading that takes
 * focus when the screen opens so a screen reader announces where the user is, and a
 * scrolling body.
 */
export function ScreenFrame({ title, subtitle, nav, onClose, children }: Props) {
  const t = useStrings();
  const heading = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  useEscapeToClose(onClose);
  useEffect(() => heading.current?.focus(), [title]);

  return (
    <section aria-labelledby={headingId} className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-slate-200 px-4 py-2 text-sm dark:border-slate-800">
        <button
          type="button"
          onClick={onClose}
          className={`text-indigo-700 hover:underline dark:text-indigo-300 ${TOUCH_TARGET}`}
          aria-keyshortcuts="Escape"
        >
          {t.agents.close} <span className="hidden text-slate-500 sm:inline dark:text-slate-400">{t.agents.escHint}</span>
        </button>
        {nav}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <div className="mx-auto max-w-2xl space-y-4 px-4 py-5">
          <div>
            <h2 id={headingId} ref={heading} tabIndex={-1} className="text-xl font-semibold outline-none">
              {title}
            </h2>
            {subtitle && <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{subtitle}</p>}
          </div>
          {children}
        </div>
      </div>
    </section>
  );
}
