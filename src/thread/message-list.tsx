import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useOwnershipStrings } from '../i18n/ownership-strings.ts';
import { usePersonName } from '../ownership/people.ts';
import type { Row } from './build-rows.ts';
import { FrameGateContext, type FrameGate } from './frame-gate.ts';
import { splitLiveTail } from './live-tail.ts';
import { MessageRow, type RowActions } from './message-row.tsx';
import { useSearchHit } from './use-search-hit.ts';
import { useGatedVirtualizer } from './use-gated-virtualizer.ts';

/** Within this many pixels of the end counts as "at the bottom" (and keeps following new messages). */
const BOTTOM_SLACK_PX = 48;
/** Older history starts loading when the reader is this close to the top. */
const LOAD_OLDER_THRESHOLD_PX = 400;
/** A window opened at a search result loads later history when the reader is this close to its end. */
const LOAD_NEWER_THRESHOLD_PX = 400;
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
  /** The thread view's gate: held while a reply streams (one commit per frame). */
  gate: FrameGate;
  thread: InboundThread | undefined;
  selfSenderId: string;
  actions: RowActions;
  hasOlder: boolean;
  loadingOlder: boolean;
  loaded: boolean;
  onLoadOlder(): void;
  /** The rows end before the thread's newest events (a window opened at a search result). */
  hasNewer?: boolean;
  /** Reads the page after the rows (one at a time: asking again while it loads sends nothing). */
  onLoadNewer?(): void;
  /** Back to the newest events ("Jump to latest"). */
  onJumpToLatest?(): void;
  /** Told whether the newest message is on screen (for read tracking). */
  onAtBottomChange(atBottom: boolean): void;
  /**
   * A message to show, highlight and focus (a search result). The thread loads the window
   * around it (`SyncEngine.showSeq`); this waits until the rows reach it.
   */
  jumpSeq?: number | null;
  /** The jump is done (shown, or not in the thread). */
  onJumped?(): void;
}

/**
 * The thread's messages, virtualized so that a thread of any length keeps a bounded DOM.
 * Opens at the latest message; follows new ones while the reader is at the bottom; when
 * older pages are added above, the rows on screen stay where they are.
 *
 * A reply still streaming is the list's live tail: rendered below the virtual rows, in the
 * same scroll container, where the virtualizer neither measures nor re-renders it as it
 * grows. Its growth keeps the end in view only for a reader who was at the end. When it
 * commits, its row (same key) becomes a virtual row in the same place: when the end is
 * rendered the tail sits in the same keyed list as the rows, so the very element is kept.
 */
export function MessageList({
  rows: allRows,
  gate,
  thread,
  selfSenderId,
  actions,
  hasOlder,
  loadingOlder,
  loaded,
  onLoadOlder,
  hasNewer = false,
  onLoadNewer,
  onJumpToLatest,
  onAtBottomChange,
  jumpSeq = null,
  onJumped,
}: Props) {
  const t = useStrings();
  const o = useOwnershipStrings();
  // Once for the list: each row names its senders with it (the user directory is one query).
  const nameOf = usePersonName(thread);
  const { rows, tail } = useMemo(() => splitLiveTail(allRows), [allRows]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  /** The first row on screen and its distance (px) from the top of the view. */
  const anchorRef = useRef<{ key: string; delta: number } | null>(null);
  /** After a prepend: the anchor held in place while the rows added above it are measured. */
  const holdRef = useRef<{ key: string; delta: number; stableFrames: number; placed: boolean } | null>(null);
  const rowsRef = useRef(rows);
  const firstKeyRef = useRef<string | null>(null);
  const lastKeyRef = useRef<string | null>(null);
  const seenCountRef = useRef(0);
  /** The rows ended before the newest events at the last change: what was added then is history, not news. */
  const hadNewerRef = useRef(false);
  const [unseen, setUnseen] = useState(0);
  const [atBottom, setAtBottom] = useState(true);

  /** The live tail's last height by row key: the size its committed row starts at. */
  const tailHeights = useRef(new Map<string, number>());
  const virtualizer = useGatedVirtualizer(
    {
      count: rows.length,
      getScrollElement: () => scrollRef.current,
      // A handed-over reply starts at the height it streamed at, so its first measurement
      // changes nothing (no shift of the rows below, no scroll correction).
      estimateSize: (index) => tailHeights.current.get(rows[index]!.key) ?? ESTIMATED_ROW_PX,
      overscan: OVERSCAN_ROWS,
      getItemKey: (index) => rows[index]!.key,
    },
    gate,
  );

  // The end of the content (the live tail included), also once rows below are measured.
  const scrollToEnd = useCallback(() => {
    const element = scrollRef.current;
    if (!element || rows.length === 0) return;
    virtualizer.scrollToEnd();
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
    const distance = element.scrollHeight - element.scrollTop - element.clientHeight;
    // The end of a window that stops before the newest events is not "the bottom".
    const bottom = distance <= BOTTOM_SLACK_PX && !hasNewer;
    if (bottom !== atBottomRef.current) {
      atBottomRef.current = bottom;
      gate.run(() => {
        setAtBottom(bottom);
        onAtBottomChange(bottom);
      });
    }
    if (bottom) gate.run(() => setUnseen(0));
    recordAnchor();
    if (element.scrollTop < LOAD_OLDER_THRESHOLD_PX && hasOlder && !loadingOlder) onLoadOlder();
    if (distance < LOAD_NEWER_THRESHOLD_PX && hasNewer) onLoadNewer?.();
  }, [gate, hasNewer, hasOlder, loadingOlder, onAtBottomChange, onLoadNewer, onLoadOlder, recordAnchor]);

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
  // (A row whose content changed, or the growing tail, is followed by the resize observers below:
  // scrolling here on every change would fight them.)
  useLayoutEffect(() => {
    rowsRef.current = rows;
    const element = scrollRef.current;
    const firstKey = rows.find((row) => !movesOnPrepend(row))?.key ?? null;
    const lastKey = rows.at(-1)?.key ?? null;
    const prepended = firstKeyRef.current !== null && firstKey !== firstKeyRef.current && rows.length > seenCountRef.current;
    const changed = rows.length !== seenCountRef.current || lastKey !== lastKeyRef.current;
    firstKeyRef.current = firstKey;
    lastKeyRef.current = lastKey;
    if (element && prepended && !atBottomRef.current && anchorRef.current) {
      holdAnchor(anchorRef.current);
    } else if (atBottomRef.current) {
      if (changed) scrollToEnd();
    } else if (!prepended && !hadNewerRef.current && !hasNewer) {
      const added = rows
        .slice(seenCountRef.current)
        .filter((row) => row.kind === 'message' && row.message.senderId !== selfSenderId).length;
      if (added > 0) setUnseen((count) => count + added);
    }
    seenCountRef.current = rows.length;
    hadNewerRef.current = hasNewer;
  }, [hasNewer, holdAnchor, rows, scrollToEnd, selfSenderId]);

  // After every render (a measurement, a new range): hold the anchor, or note what is on screen now.
  useLayoutEffect(() => {
    if (holdRef.current) keepAnchor();
    else recordAnchor();
  });

  // The gate is held while a reply streams (and released when it no longer does).
  useLayoutEffect(() => gate.hold(tail.length > 0), [gate, tail.length]);
  useEffect(() => () => gate.hold(false), [gate]);

  // The live tail grows below the rows: the end stays in view if it was in view before it grew.
  const followTail = useCallback((entries: ResizeObserverEntry[]) => {
    const element = scrollRef.current;
    if (!element) return;
    let grown = 0;
    for (const entry of entries) {
      const key = (entry.target as HTMLElement).dataset.tailKey;
      if (key === undefined || !entry.target.isConnected) continue;
      const height = entry.borderBoxSize[0]?.blockSize ?? entry.contentRect.height;
      grown += height - (tailHeights.current.get(key) ?? 0);
      tailHeights.current.set(key, height);
    }
    const distanceBefore = element.scrollHeight - grown - element.scrollTop - element.clientHeight;
    if (grown > 0 && distanceBefore <= BOTTOM_SLACK_PX) element.scrollTop = element.scrollHeight;
  }, []);
  const tailObserver = useRef<ResizeObserver | null>(null);
  const observeTail = useCallback(
    (node: HTMLDivElement | null) => {
      if (!node || typeof ResizeObserver === 'undefined') return;
      const observer = (tailObserver.current ??= new ResizeObserver(followTail));
      observer.observe(node);
      return () => observer.unobserve(node);
    },
    [followTail],
  );
  useEffect(() => () => tailObserver.current?.disconnect(), []);

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

  // A search result: once the rows reach it (the engine loads the window around it), its row
  // is shown in the middle, highlighted, focused and announced. Showing it leaves the end: the
  // scroll updates "at the bottom" (onScroll), and new messages no longer pull the view down.
  const { hitKey, clearHit } = useSearchHit({
    jumpSeq,
    loaded,
    rows,
    hasOlder,
    hasNewer,
    onJumped,
    scrollRef,
    show: (index) => {
      atBottomRef.current = false;
      virtualizer.scrollToIndex(index, { align: 'center' });
    },
  });

  // Small threads may not fill the view: load older pages until they do.
  useEffect(() => {
    const element = scrollRef.current;
    if (loaded && element && hasOlder && !loadingOlder && element.scrollHeight <= element.clientHeight) onLoadOlder();
  }, [loaded, hasOlder, loadingOlder, onLoadOlder, rows.length]);

  const items = virtualizer.getVirtualItems();
  const renderTail = (row: Row) => (
    <div key={row.key} ref={observeTail} data-row-kind={row.kind} data-tail-key={row.key}>
      <MessageRow row={row} thread={thread} selfSenderId={selfSenderId} actions={actions} nameOf={nameOf} />
    </div>
  );
  // With the last row rendered, the tail follows it in the same keyed list, so the committed
  // row that takes its key keeps its element. Otherwise (the reader is far above) it sits
  // where the rows end. The end spacer keeps the bottom padding the same in both cases.
  const endRendered = rows.length === 0 || items.at(-1)?.index === rows.length - 1;
  const endSpacer = <div key="end-spacer" aria-hidden="true" className="h-3" />;
  const listed: ReactNode[] = items.map((item) => (
    <div
      key={item.key}
      data-index={item.index}
      ref={virtualizer.measureElement}
      data-row-kind={rows[item.index]!.kind}
      data-search-hit={item.key === hitKey || undefined}
      tabIndex={item.key === hitKey ? -1 : undefined}
      className={
        item.key === hitKey ? 'rounded-md bg-yellow-100/70 outline-indigo-500 focus-visible:outline-2 dark:bg-yellow-900/30' : undefined
      }
    >
      <MessageRow row={rows[item.index]!} thread={thread} selfSenderId={selfSenderId} actions={actions} nameOf={nameOf} />
    </div>
  ));
  if (endRendered && hasNewer)
    listed.push(
      <p key="loading-later" role="status" className="py-2 text-center text-xs text-slate-600 dark:text-slate-400">
        {o.jump.loadingLater}
      </p>,
    );
  if (endRendered) listed.push(...tail.map(renderTail), endSpacer);
  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scrollRef}
        onScroll={onScroll}
        onWheel={releaseAnchor}
        onTouchStart={releaseAnchor}
        onKeyDown={releaseAnchor}
        onPointerDown={releaseAnchor}
        // Keyboard users can scroll it even when no row holds a control (WCAG 2.1.1).
        tabIndex={0}
        className="h-full overflow-y-auto overscroll-contain focus-visible:outline-2 focus-visible:outline-indigo-500"
        data-testid="message-scroller"
      >
        <FrameGateContext value={gate}>
          <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
            <div className="absolute top-0 left-0 w-full" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
              {hasOlder && (loadingOlder || items[0]?.index === 0) && (
                <p role="status" className="py-2 text-center text-xs text-slate-600 dark:text-slate-400">
                  {t.thread.loadingEarlier}
                </p>
              )}
              {!hasOlder && loaded && items[0]?.index === 0 && (
                <p className="py-3 text-center text-xs text-slate-600 dark:text-slate-400">{t.thread.beginning}</p>
              )}
              {listed}
            </div>
            {!endRendered && (
              <div className="absolute left-0 w-full" style={{ top: virtualizer.getTotalSize() }}>
                {tail.map(renderTail)}
                {endSpacer}
              </div>
            )}
          </div>
        </FrameGateContext>
        {!loaded && (
          <p role="status" className="p-6 text-center text-sm text-slate-600 dark:text-slate-400">
            {t.thread.loadingMessages}
          </p>
        )}
      </div>
      {/* Polite: said once the row is shown, without moving the reader's place. */}
      <p role="status" className="sr-only">
        {hitKey ? o.jump.shown : ''}
      </p>
      {hasNewer && onJumpToLatest && (
        <button
          type="button"
          onClick={() => {
            // The latest window loads; the view follows its end.
            atBottomRef.current = true;
            clearHit();
            onJumpToLatest();
          }}
          className="absolute right-4 bottom-3 rounded-full bg-indigo-600 px-4 py-1.5 text-sm font-medium text-white shadow-lg hover:bg-indigo-700"
        >
          {o.jump.latest}
        </button>
      )}
      {!atBottom && !hasNewer && unseen > 0 && (
        <button
          type="button"
          onClick={() => {
            setUnseen(0);
            scrollToEnd();
          }}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-indigo-600 px-4 py-1.5 text-sm font-medium text-white shadow-lg hover:bg-indigo-700"
        >
          {t.thread.newBelow(unseen)}
        </button>
      )}
    </div>
  );
}
