import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { Row } from './build-rows.ts';
import { MessageRow, type RowActions } from './message-row.tsx';

/** Within this many pixels of the end counts as "at the bottom" (and keeps following new messages). */
export const BOTTOM_SLACK_PX = 48;
/** Older history starts loading when the reader is this close to the top. */
export const LOAD_OLDER_THRESHOLD_PX = 400;
const ESTIMATED_ROW_PX = 64;
const OVERSCAN_ROWS = 8;

interface Props {
  rows: Row[];
  thread: InboundThread | undefined;
  selfSenderId: string;
  actions: RowActions;
  hasOlder: boolean;
  loadingOlder: boolean;
  loaded: boolean;
  onLoadOlder(): void;
  /** Told whether the newest message is on screen (for read tracking). */
  onAtBottomChange(atBottom: boolean): void;
}

/**
 * The thread's messages, virtualized so that a thread of any length keeps a bounded DOM.
 * Opens at the latest message; follows new ones while the reader is at the bottom; when
 * older pages are added above, the rows on screen stay where they are.
 */
export function MessageList({ rows, thread, selfSenderId, actions, hasOlder, loadingOlder, loaded, onLoadOlder, onAtBottomChange }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const anchorRef = useRef<{ key: string; delta: number } | null>(null);
  const firstKeyRef = useRef<string | null>(null);
  const seenCountRef = useRef(0);
  const [unseen, setUnseen] = useState(0);
  const [atBottom, setAtBottom] = useState(true);

  // TanStack Virtual is not written for the React Compiler (which this app does not use).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: OVERSCAN_ROWS,
    getItemKey: (index) => rows[index]!.key,
  });

  const scrollToEnd = useCallback(() => {
    const element = scrollRef.current;
    if (!element || rows.length === 0) return;
    virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    element.scrollTop = element.scrollHeight;
  }, [rows.length, virtualizer]);

  const onScroll = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    const bottom = element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
    if (bottom !== atBottomRef.current) {
      atBottomRef.current = bottom;
      setAtBottom(bottom);
      onAtBottomChange(bottom);
    }
    if (bottom) setUnseen(0);
    // Remember the first row on screen, so a prepend can keep it in place.
    const first = virtualizer.getVirtualItems().find((item) => item.end > element.scrollTop);
    if (first) anchorRef.current = { key: String(first.key), delta: first.start - element.scrollTop };
    if (element.scrollTop < LOAD_OLDER_THRESHOLD_PX && hasOlder && !loadingOlder) onLoadOlder();
  }, [hasOlder, loadingOlder, onAtBottomChange, onLoadOlder, virtualizer]);

  // Rows changed: keep the anchor after a prepend, follow the end when at the bottom, count what was missed.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    const firstKey = rows[0]?.key ?? null;
    const prepended = firstKeyRef.current !== null && firstKey !== firstKeyRef.current && rows.length > seenCountRef.current;
    firstKeyRef.current = firstKey;
    if (element && prepended && !atBottomRef.current && anchorRef.current) {
      const index = rows.findIndex((row) => row.key === anchorRef.current!.key);
      if (index >= 0) {
        const [offset] = virtualizer.getOffsetForIndex(index, 'start') ?? [0];
        element.scrollTop = offset - anchorRef.current.delta;
      }
    } else if (atBottomRef.current) {
      scrollToEnd();
    } else if (!prepended) {
      const added = rows.slice(seenCountRef.current).filter((row) => row.kind === 'message' && row.message.senderId !== selfSenderId).length;
      if (added > 0) setUnseen((count) => count + added);
    }
    seenCountRef.current = rows.length;
  }, [rows, scrollToEnd, selfSenderId, virtualizer]);

  // Rows measured taller than estimated push the end down: keep following it.
  useEffect(() => {
    const element = scrollRef.current?.firstElementChild;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottomRef.current) scrollRef.current!.scrollTop = scrollRef.current!.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Small threads may not fill the view: load older pages until they do.
  useEffect(() => {
    const element = scrollRef.current;
    if (loaded && element && hasOlder && !loadingOlder && element.scrollHeight <= element.clientHeight) onLoadOlder();
  }, [loaded, hasOlder, loadingOlder, onLoadOlder, rows.length]);

  const items = virtualizer.getVirtualItems();
  return (
    <div className="relative min-h-0 flex-1">
      <div ref={scrollRef} onScroll={onScroll} className="h-full overflow-y-auto overscroll-contain pb-3" data-testid="message-scroller">
        <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
          <div className="absolute top-0 left-0 w-full" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
            {hasOlder && (loadingOlder || items[0]?.index === 0) && (
              <p role="status" className="py-2 text-center text-xs text-slate-600 dark:text-slate-400">
                Loading earlier messages…
              </p>
            )}
            {!hasOlder && loaded && items[0]?.index === 0 && (
              <p className="py-3 text-center text-xs text-slate-600 dark:text-slate-400">This is the beginning of the thread.</p>
            )}
            {items.map((item) => (
              <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} data-row-kind={rows[item.index]!.kind}>
                <MessageRow row={rows[item.index]!} thread={thread} selfSenderId={selfSenderId} actions={actions} />
              </div>
            ))}
          </div>
        </div>
        {!loaded && (
          <p role="status" className="p-6 text-center text-sm text-slate-600 dark:text-slate-400">
            Loading messages…
          </p>
        )}
      </div>
      {!atBottom && unseen > 0 && (
        <button
          type="button"
          onClick={() => {
            setUnseen(0);
            scrollToEnd();
          }}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-indigo-600 px-4 py-1.5 text-sm font-medium text-white shadow-lg hover:bg-indigo-700"
        >
          {unseen} new {unseen === 1 ? 'message' : 'messages'} ↓
        </button>
      )}
    </div>
  );
}
