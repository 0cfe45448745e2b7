import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { Row } from './build-rows.ts';
import { findHitRow } from './search-hit.ts';

interface SearchHitOptions {
  /** The message to show (a search result), or null. */
  jumpSeq: number | null;
  loaded: boolean;
  rows: readonly Row[];
  hasOlder: boolean;
  hasNewer: boolean;
  /** The jump is done (shown, or not in the thread). */
  onJumped?(): void;
  /** The list's scroll container: the hit's row is found there to take focus. */
  scrollRef: RefObject<HTMLElement | null>;
  /** Brings the row at this index into view. */
  show(index: number): void;
}

/**
 * A search result in the message list: once the rows reach its message (`findHitRow`), the
 * row is shown, then marked (`hitKey`) and focused when rendered, so keyboard users read on
 * from there. The mark stays until {@link clearHit} or the next hit.
 */
export function useSearchHit({ jumpSeq, loaded, rows, hasOlder, hasNewer, onJumped, scrollRef, show }: SearchHitOptions) {
  const [hitKey, setHitKey] = useState<string | null>(null);
  /** The hit is to take focus once its row is rendered. */
  const focusHitRef = useRef(false);
  const showRef = useRef(show);
  useEffect(() => {
    showRef.current = show;
  });
  useEffect(() => {
    if (jumpSeq === null || !loaded) return;
    const index = findHitRow(rows, jumpSeq, { hasOlder, hasNewer });
    if (index === 'wait') return;
    onJumped?.();
    if (index === null) return;
    showRef.current(index);
    const key = rows[index]!.key;
    focusHitRef.current = true;
    requestAnimationFrame(() => setHitKey(key));
  }, [jumpSeq, loaded, rows, hasOlder, hasNewer, onJumped]);
  // Focus follows the hit once its row is rendered.
  useEffect(() => {
    const node = focusHitRef.current ? scrollRef.current?.querySelector<HTMLElement>('[data-search-hit]') : null;
    if (!node) return;
    node.focus({ preventScroll: true });
    focusHitRef.current = false;
  });
  const clearHit = useCallback(() => setHitKey(null), []);
  return { hitKey, clearHit };
}
