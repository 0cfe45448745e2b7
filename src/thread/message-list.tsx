import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { Row } from './build-rows.ts';
import { MessageRow, type RowActions } from './message-row.tsx';

/** Within this many pixels of the end counts as "at the bottom" (and keeps following new messages). */
const BOTTOM_SLACK_PX = 48;
/** Older history starts loading when the reader is this close to the top. */
const LOAD_OLDER_THRESHOLD_PX = 400;
const ESTIMATED_ROW_PX = 64;
const OVERSCAN_ROWS = 8;
/** After a prepend, the view is corrected until the row read stays put this many frames. */
const ANCHOR_STABLE_FRAMES = 3;

/**
 * The day separator and the unread divider keep their keys while older rows are added
 * above them: they neither show that rows were prepended nor can anchor the view.
 */
const movesOnPrepend = (row: Row | undefined) => row?.kind === 'day_break' || row?.kind === 'unread_marker';

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
  /** The first row on screen and its distance (px) from the top of the view. */
  const anchorRef = useRef<{ key: string; delta: number } | null>(null);
  /** After a prepend: the anchor held in place while the rows added above it are measured. */
  const holdRef = useRef<{ key: string; delta: number; stableFrames: number; placed: boolean } | null>(null);
  const rowsRef = useRef(rows);
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

  /**
   * Remembers the first row on screen (not a separator) and its distance from the top, as
   * rendered, so that a prepend can keep it where the reader sees it. Rows the virtualizer
   * has not rendered yet (right after a jump) are noted on the render that shows them.
   */
  const recordAnchor = useCallback(() => {
    const element = scrollRef.current;
    if (!element || holdRef.current) return;
    const view = element.getBoundingClientRect();
    for (const node of element.querySelectorAll<HTMLElement>('[data-index]')) {
      const row = rowsRef.current[Number(node.dataset.index)];
      if (!row || movesOnPrepend(row)) continue;
      const box = node.getBoundingClientRect();
      if (box.bottom <= view.top) continue;
      if (box.top < view.top + element.clientHeight) anchorRef.current = { key: row.key, delta: box.top - view.top };
      return;
    }
  }, []);

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
    recordAnchor();
    if (element.scrollTop < LOAD_OLDER_THRESHOLD_PX && hasOlder && !loadingOlder) onLoadOlder();
  }, [hasOlder, loadingOlder, onAtBottomChange, onLoadOlder, recordAnchor]);

  /**
   * Puts the held anchor back at its distance from the top: by its element once rendered,
   * else by the virtualizer's offsets. Rows added above it start at an estimated height
   * and move it again when measured, so this runs on every render and frame until the
   * anchor has stayed put. True when it had to scroll.
   */
  const keepAnchor = useCallback((): boolean => {
    const hold = holdRef.current;
    const element = scrollRef.current;
    if (!hold || !element) return false;
    const index = rowsRef.current.findIndex((row) => row.key === hold.key);
    const node = index >= 0 ? element.querySelector<HTMLElement>(`[data-index="${index}"]`) : null;
    let target: number | undefined;
    if (node) {
      target = element.scrollTop + node.getBoundingClientRect().top - element.getBoundingClientRect().top - hold.delta;
      hold.placed = true;
    } else if (index >= 0) target = (virtualizer.getOffsetForIndex(index, 'start')?.[0] ?? Number.NaN) - hold.delta;
    if (target === undefined || Number.isNaN(target)) {
      holdRef.current = null;
      return false;
    }
    if (Math.abs(element.scrollTop - target) < 1) return false;
    element.scrollTop = target;
    return true;
  }, [virtualizer]);

  const holdAnchor = useCallback(
    (anchor: { key: string; delta: number }) => {
      const running = holdRef.current !== null;
      holdRef.current = { ...anchor, stableFrames: 0, placed: false };
      keepAnchor();
      if (running) return;
      const frame = () => {
        const hold = holdRef.current;
        if (!hold) return;
        if (keepAnchor()) hold.stableFrames = 0;
        else if (++hold.stableFrames >= ANCHOR_STABLE_FRAMES) {
          holdRef.current = null;
          return;
        }
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    },
    [keepAnchor],
  );

  // The reader scrolls: the view is theirs again (once the anchor has been put back by its element:
  // before that, the view is off by the estimated heights and would stay so).
  const releaseAnchor = useCallback(() => {
    if (holdRef.current?.placed) holdRef.current = null;
  }, []);

  // Rows changed: keep the anchor after a prepend, follow the end when at the bottom, count what was missed.
  useLayoutEffect(() => {
    rowsRef.current = rows;
    const element = scrollRef.current;
    const firstKey = rows.find((row) => !movesOnPrepend(row))?.key ?? null;
    const prepended = firstKeyRef.current !== null && firstKey !== firstKeyRef.current && rows.length > seenCountRef.current;
    firstKeyRef.current = firstKey;
    if (element && prepended && !atBottomRef.current && anchorRef.current) {
      holdAnchor(anchorRef.current);
    } else if (atBottomRef.current) {
      scrollToEnd();
    } else if (!prepended) {
      const added = rows.slice(seenCountRef.current).filter((row) => row.kind === 'message' && row.message.senderId !== selfSenderId).length;
      if (added > 0) setUnseen((count) => count + added);
    }
    seenCountRef.current = rows.length;
  }, [holdAnchor, rows, scrollToEnd, selfSenderId]);

  // After every render (a measurement, a new range): hold the anchor, or note what is on screen now.
  useLayoutEffect(() => {
    if (holdRef.current) keepAnchor();
    else recordAnchor();
  });

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
      <div
        ref={scrollRef}
        onScroll={onScroll}
        onWheel={releaseAnchor}
        onTouchStart={releaseAnchor}
        onKeyDown={releaseAnchor}
        onPointerDown={releaseAnchor}
        className="h-full overflow-y-auto overscroll-contain pb-3"
        data-testid="message-scroller"
      >
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
