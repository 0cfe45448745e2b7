import { useEffect, useRef } from 'react';
import { usePrivacyStrings } from '../i18n/privacy-strings.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';

/**
 * What the open thread's place shows once it was deleted (CONTRACT §14: `thread_deleted`, or a
 * `404` for it): that it is gone, in words (announced, and focused so keyboard users are not
 * left on a button that vanished), and the way back to the list.
 */
export function DeletedThread() {
  const p = usePrivacyStrings();
  const message = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    message.current?.focus();
  }, []);
  return (
    <section aria-label={p.threadDeleted} className="flex h-full flex-col items-center justify-center gap-4 p-6 text-center">
      <p ref={message} role="status" tabIndex={-1} className="max-w-md text-base text-slate-700 outline-none dark:text-slate-200">
        {p.threadDeleted}
      </p>
      <button
        type="button"
        onClick={() => {
          location.hash = '';
        }}
        className={`rounded-md px-3 text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300 ${TOUCH_TARGET}`}
      >
        {p.backToThreads}
      </button>
    </section>
  );
}
