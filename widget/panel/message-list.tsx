import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { MessageRow, type RowContext } from './message-row.tsx';
import type { VisitorRow } from './visitor-rows.ts';

/**
 * Rows kept in the DOM, and how many more "show earlier messages" adds. A chat widget's
 * conversation is short; a long one stays cheap without virtualization.
 */
const ROWS_PAGE = 60;
/** Within this many pixels of the end counts as "at the bottom": new messages are followed. */
const BOTTOM_SLACK_PX = 48;

interface Props {
  rows: readonly VisitorRow[];
  context: RowContext;
  /** The server has history before what the engine holds. */
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder(): void;
  label: string;
  /** The panel is shown: it opens at the newest message (it may have rendered while hidden). */
  open: boolean;
  /** Above the first message (the greeting), once the list reaches back to it. */
  lead?: ReactNode;
}

/** The conversation, newest at the bottom; follows new rows while the visitor is at the end. */
export function MessageList({ rows, context, hasOlder, loadingOlder, onLoadOlder, label, open, lead }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** Distance from the bottom before "show earlier" added rows above: kept, so nothing jumps. */
  const keepFromBottom = useRef<number | null>(null);
  const [limit, setLimit] = useState(ROWS_PAGE);
  const visible = rows.length > limit ? rows.slice(rows.length - limit) : rows;
  const hiddenLocally = rows.length > limit;

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    if (keepFromBottom.current !== null) {
      element.scrollTop = element.scrollHeight - keepFromBottom.current;
      keepFromBottom.current = null;
    } else if (atBottom.current) {
      element.scrollTop = element.scrollHeight;
    }
  }, [visible]);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!open || !element) return;
    // A hidden list has no height, so "follow the end" could not scroll it: do it now.
    element.scrollTop = element.scrollHeight;
    atBottom.current = true;
  }, [open]);

  const showEarlier = () => {
    const element = scrollRef.current;
    if (element) keepFromBottom.current = element.scrollHeight - element.scrollTop;
    setLimit((current) => current + ROWS_PAGE);
    if (rows.length < limit + ROWS_PAGE && hasOlder) onLoadOlder();
  };

  const onScroll = () => {
    const element = scrollRef.current;
    if (element) atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
  };

  return (
    <section
      ref={scrollRef}
      aria-label={label}
      onScroll={onScroll}
      className="min-h-0 flex-1 space-y-2 overflow-y-auto overscroll-contain px-3 py-3"
    >
      {hiddenLocally || hasOlder ? null : lead}
      {(hiddenLocally || hasOlder) && (
        <div className="flex justify-center">
          <button
            type="button"
            disabled={loadingOlder}
            onClick={showEarlier}
            className="rounded-full border border-ama-border px-3 py-1 text-xs font-medium text-ama-text-soft hover:bg-ama-hover disabled:opacity-60"
          >
            {context.strings.showEarlier}
          </button>
        </div>
      )}
      {visible.map((row) => (
        <MessageRow key={row.key} row={row} context={context} />
      ))}
    </section>
  );
}
