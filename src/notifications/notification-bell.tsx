import { lazy, Suspense, useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { NotificationCenter } from '../core/notifications/notification-center.ts';
import { useNotificationStrings } from '../i18n/notification-strings.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';

// The panel is opened now and then: it loads on demand, in its own chunk (fetched early when
// the pointer or the focus reaches the bell).
const loadPanel = () => import('./notification-panel.tsx');
const NotificationPanel = lazy(loadPanel);
const preloadPanel = () => void loadPanel().catch(() => undefined);

interface Props {
  center: NotificationCenter;
  /** Opens a notification's thread at its event (the panel has closed). */
  onOpen(threadId: string, seq: number): void;
}

/**
 * The header's bell: the unread count in its name ("Notifications, 3 unread") and in a badge
 * with the number (never a colour alone), live from the socket in every tab; it opens the
 * notifications panel. A read that fails after the panel closed is said here.
 */
export function NotificationBell({ center, onOpen }: Props) {
  const n = useNotificationStrings();
  const count = useSyncExternalStore(center.subscribe, () => center.getSnapshot().unreadCount);
  const [open, setOpen] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const close = useCallback(() => setOpen(false), []);
  // Started here, not during render; idempotent, and never stopped by the bell: it lives as long
  // as the signed-in client (whose hub and connection end with it).
  useEffect(() => center.start(), [center]);

  return (
    <>
      <button
        type="button"
        aria-label={n.bell.label(count)}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(true)}
        onPointerEnter={preloadPanel}
        onFocus={preloadPanel}
        className={`relative inline-flex items-center justify-center rounded-md p-1.5 text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800 ${TOUCH_TARGET}`}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        {count !== null && count > 0 && (
          <span
            aria-hidden="true"
            data-testid="notification-badge"
            className="absolute -top-1 -right-1 min-w-5 rounded-full bg-red-700 px-1 text-center text-xs leading-5 font-semibold text-white"
          >
            {n.bell.badge(count)}
          </span>
        )}
      </button>
      {failure && (
        <div
          role="alert"
          className="fixed inset-x-2 bottom-2 z-20 flex items-center gap-2 rounded-md border border-red-300 bg-white p-3 text-sm text-red-800 shadow-lg md:inset-x-auto md:right-4 dark:border-red-800 dark:bg-slate-900 dark:text-red-300"
        >
          <span className="flex-1">{failure}</span>
          <button type="button" onClick={() => setFailure(null)} className={`underline ${TOUCH_TARGET}`}>
            {n.panel.close}
          </button>
        </div>
      )}
      {open && (
        <Suspense fallback={null}>
          <NotificationPanel
            center={center}
            onClose={close}
            onOpen={(threadId, seq) => {
              setOpen(false);
              onOpen(threadId, seq);
            }}
            onReadFailed={setFailure}
          />
        </Suspense>
      )}
    </>
  );
}
