import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import type { NotificationCenter } from '../core/notifications/notification-center.ts';
import type { InboundNotification } from '../core/protocol/server-frame-schemas.ts';
import { errorText } from '../i18n/error-text.ts';
import { formatDateTime, formatTimeAgo } from '../i18n/format.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useNotificationStrings } from '../i18n/notification-strings.ts';
import { useNow } from '../runs/use-now.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { ModalDialog } from '../ui/modal-dialog.tsx';

interface Props {
  center: NotificationCenter;
  onClose(): void;
  /** Opens the notification's thread at its event; the bell closes the panel. */
  onOpen(threadId: string, seq: number): void;
  /** A read made on opening a notification failed (the panel has closed by then): the bell says it. */
  onReadFailed(message: string): void;
}

/**
 * The notifications panel (CONTRACT §12 "In the app"): newest first, each with its kind in
 * words, title, body, how long ago, and "Unread" in words beside a dot; pages on; "Unread
 * only"; "Mark all as read". Opening one marks it read and opens its thread at the event. A
 * notification arriving meanwhile appears at the top without moving focus and is announced
 * once. A modal dialog: focus moves in, Esc closes, and focus returns to the bell.
 */
export default function NotificationPanel({ center, onClose, onOpen, onReadFailed }: Props) {
  const t = useStrings();
  const n = useNotificationStrings();
  const state = useSyncExternalStore(center.subscribe, center.getSnapshot);
  const heading = useRef<HTMLHeadingElement>(null);
  const ids = { title: useId(), unread: useId() };
  const [announcement, setAnnouncement] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  // "5 minutes ago" stays true while the panel is open (the one shared clock, once a second).
  const now = useNow(true);

  // Always the latest when opened: the list may have been listed long ago.
  useEffect(() => {
    void center.load(center.getSnapshot().filter);
  }, [center]);

  // Said once per new notification (a redelivered one is not new), never moving focus.
  useEffect(() => center.onArrived((notification) => setAnnouncement(n.panel.arrived(notification.title))), [center, n]);

  const open = (notification: InboundNotification) => {
    void center.markRead([notification.id]).then((error) => {
      if (error) onReadFailed(n.panel.readFailed(errorText(error, t)));
    });
    onOpen(notification.thread_id, notification.thread_seq);
  };

  const markAll = async () => {
    setFailure(null);
    const error = await center.markAllRead();
    if (error) setFailure(n.panel.readAllFailed(errorText(error, t)));
  };

  const { items, status, more, filter, unreadCount } = state;
  const anyUnread = (unreadCount ?? 0) > 0 || items.some((item) => item.read_at === null);

  return (
    <ModalDialog
      focusFirst={() => heading.current}
      onClose={onClose}
      aria-labelledby={ids.title}
      className="m-auto flex max-h-[90vh] w-full max-w-lg flex-col rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-4 py-2 dark:border-slate-800">
        <h2 ref={heading} id={ids.title} tabIndex={-1} className="text-base font-semibold outline-none">
          {n.panel.title}
        </h2>
        <button type="button" onClick={onClose} className={`text-sm text-slate-700 underline dark:text-slate-300 ${TOUCH_TARGET}`}>
          {n.panel.close}
        </button>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-2 text-sm">
        <label htmlFor={ids.unread} className={`inline-flex items-center gap-2 ${TOUCH_TARGET}`}>
          <input
            id={ids.unread}
            type="checkbox"
            checked={filter === 'unread'}
            onChange={(event) => void center.load(event.target.checked ? 'unread' : 'all')}
            className="h-4 w-4"
          />
          {n.panel.unreadOnly}
        </label>
        <button
          type="button"
          onClick={() => void markAll()}
          disabled={!anyUnread}
          className={`text-indigo-700 underline disabled:text-slate-600 disabled:no-underline dark:text-indigo-300 dark:disabled:text-slate-400 ${TOUCH_TARGET}`}
        >
          {n.panel.markAll}
        </button>
      </div>
      <p role="status" className="sr-only">
        {announcement}
      </p>
      {failure && (
        <p role="alert" className="px-4 pb-2 text-sm text-red-700 dark:text-red-300">
          {failure}
        </p>
      )}
      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-2">
        {status === 'failed' && items.length === 0 ? (
          <div className="px-2 py-4 text-sm">
            <p role="alert" className="text-red-700 dark:text-red-300">
              {n.panel.failed(errorText(state.listError, t))}
            </p>
            <button
              type="button"
              onClick={() => void center.load(filter)}
              className={`mt-2 rounded-md border border-slate-300 px-3 py-1 dark:border-slate-700 ${TOUCH_TARGET}`}
            >
              {n.panel.retry}
            </button>
          </div>
        ) : status !== 'ready' && items.length === 0 ? (
          <p role="status" className="px-2 py-4 text-sm text-slate-600 dark:text-slate-400">
            {n.panel.loading}
          </p>
        ) : items.length === 0 ? (
          <p className="px-2 py-6 text-center text-sm text-slate-600 dark:text-slate-400">
            {filter === 'unread' ? n.panel.emptyUnread : n.panel.empty}
          </p>
        ) : (
          <ul aria-labelledby={ids.title} className="space-y-1">
            {items.map((item) => {
              const unread = item.read_at === null;
              return (
                <li key={item.id}>
                  <button
                    type="button"
                    onClick={() => open(item)}
                    data-notification-id={item.id}
                    className={`block w-full rounded-md px-3 py-2 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800 ${unread ? 'bg-indigo-50 dark:bg-slate-800/60' : ''}`}
                  >
                    <span className="flex flex-wrap items-center gap-x-2 text-xs text-slate-600 dark:text-slate-400">
                      {unread && (
                        <span className="inline-flex items-center gap-1 font-semibold text-indigo-800 dark:text-indigo-200">
                          <span aria-hidden="true" className="h-2 w-2 rounded-full bg-indigo-700 dark:bg-indigo-300" />
                          {n.panel.unread}
                        </span>
                      )}
                      <span>{n.kinds[item.kind] ?? n.kinds.other}</span>
                      <time dateTime={item.created_at} title={formatDateTime(t.locale, item.created_at)}>
                        {formatTimeAgo(t.locale, item.created_at, now)}
                      </time>
                    </span>
                    <span className={`block break-words ${unread ? 'font-semibold' : 'font-medium'}`}>{item.title}</span>
                    {item.body && <span className="block break-words text-slate-700 dark:text-slate-300">{item.body}</span>}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {status === 'ready' && state.nextCursor !== null && (
        <div className="border-t border-slate-200 px-4 py-2 text-center dark:border-slate-800">
          {more === 'failed' && (
            <p role="alert" className="mb-1 text-xs text-red-700 dark:text-red-300">
              {n.panel.moreFailed(errorText(state.listError, t))}
            </p>
          )}
          <button
            type="button"
            onClick={() => void center.loadMore()}
            disabled={more === 'loading'}
            className={`text-sm text-indigo-700 underline disabled:text-slate-600 disabled:no-underline dark:text-indigo-300 dark:disabled:text-slate-400 ${TOUCH_TARGET}`}
          >
            {more === 'loading' ? n.panel.loadingMore : n.panel.more}
          </button>
        </div>
      )}
    </ModalDialog>
  );
}
