import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { SearchResult } from '../core/protocol/rest-schemas.ts';
import { useEngine } from '../engine-provider/engine-context.tsx';
import { errorText } from '../i18n/error-text.ts';
import { formatDateTime } from '../i18n/format.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useOwnershipStrings } from '../i18n/ownership-strings.ts';
import { personName } from '../ownership/people.ts';
import { flattenThreads, threadKeys, usersQuery, type ThreadPages } from '../threads/thread-queries.ts';
import { threadTitle } from '../threads/thread-title.ts';
import { highlightSegments } from './highlight.ts';
import { useSearch } from './use-search.ts';
import { ModalDialog } from '../ui/modal-dialog.tsx';

interface Props {
  /** Opens a result: its thread, at its message when it has one. */
  onOpen(threadId: string, seq: number | null): void;
  onClose(): void;
}

/** The next page loads when the list is scrolled this close to its end. */
const MORE_THRESHOLD_PX = 48;

const resultKey = (result: SearchResult, index: number) => `${result.thread_id}|${result.thread_seq ?? 'thread'}|${index}`;

/**
 * Search (Ctrl/⌘+K): one field, results as you type with the matched words highlighted from
 * the answer's offsets, each with its thread and author. ↑/↓ choose, Enter opens, Esc closes;
 * focus stays in the field (the results are its listbox). The next page of results loads when
 * the list is scrolled to its end, when ↓ goes past the last result, or by "More results". A
 * modal dialog: focus returns to where it was when it closes.
 */
export function SearchDialog({ onOpen, onClose }: Props) {
  const { api, selfSenderId } = useEngine();
  const queryClient = useQueryClient();
  const t = useStrings();
  const o = useOwnershipStrings();
  const field = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const ids = { title: useId(), list: useId(), status: useId() };
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const { state: search, more, loadMore } = useSearch(api, query);
  const users = useQuery(usersQuery(api)).data;
  const results = 'results' in search ? search.results : [];

  const activeIndex = Math.min(active, results.length - 1);
  // The chosen result stays in view as the arrows move through a long list.
  useEffect(() => {
    if (activeIndex >= 0) document.getElementById(`${ids.list}-${activeIndex}`)?.scrollIntoView?.({ block: 'nearest' });
  }, [activeIndex, ids.list]);
  const onListScroll = () => {
    const element = list.current;
    if (element && element.scrollHeight - element.scrollTop - element.clientHeight <= MORE_THRESHOLD_PX && more.status === 'ready')
      loadMore();
  };

  const threads = flattenThreads(queryClient.getQueryData<ThreadPages>(threadKeys.all));
  const threadOf = (threadId: string) => threads.find((thread) => thread.id === threadId);
  const open = (result: SearchResult | undefined) => {
    if (result) onOpen(result.thread_id, result.thread_seq ?? null);
  };

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const down = event.key === 'ArrowDown';
      // Past the last result with more to come: the next page, instead of wrapping to the first.
      if (down && activeIndex === results.length - 1 && more.status !== 'none') loadMore();
      else if (results.length)
        setActive((current) => (Math.min(current, results.length - 1) + (down ? 1 : -1) + results.length) % results.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(results[Math.min(active, results.length - 1)]);
    } else if (event.key === 'Escape') {
      // A search field with text takes the first Esc to clear itself (Chromium) and the dialog stays: Esc closes at once.
      event.preventDefault();
      onClose();
    }
  }

  const status =
    search.status === 'failed'
      ? o.search.failed(errorText(search.error, t))
      : search.status === 'loading' && results.length === 0
        ? o.search.searching
        : search.status === 'done'
          ? results.length
            ? o.search.count(results.length)
            : o.search.none
          : '';

  return (
    <ModalDialog
      focusFirst={() => field.current}
      onClose={onClose}
      aria-labelledby={ids.title}
      className="m-auto w-full max-w-xl rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-4 py-2 dark:border-slate-800">
        <h2 id={ids.title} className="text-sm font-semibold">
          {o.search.title}
        </h2>
        <button type="button" onClick={onClose} className="text-xs text-slate-700 underline dark:text-slate-300">
          {o.search.close}
        </button>
      </div>
      <div className="px-4 py-3">
        <input
          ref={field}
          type="search"
          role="combobox"
          aria-label={o.search.field}
          aria-expanded={results.length > 0}
          aria-controls={ids.list}
          aria-autocomplete="list"
          aria-describedby={ids.status}
          aria-activedescendant={results.length ? `${ids.list}-${activeIndex}` : undefined}
          placeholder={o.search.placeholder}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-950"
        />
        <p
          id={ids.status}
          role={search.status === 'failed' ? 'alert' : 'status'}
          className="mt-1 text-xs text-slate-600 dark:text-slate-400"
        >
          {status || o.search.hint}
        </p>
      </div>
      <ul
        ref={list}
        id={ids.list}
        role="listbox"
        aria-label={o.search.results}
        onScroll={onListScroll}
        className="max-h-[60vh] overflow-y-auto px-2 pb-2"
      >
        {results.map((result, index) => {
          const thread = threadOf(result.thread_id);
          const title = thread ? threadTitle(thread, selfSenderId, t) : t.thread.untitled;
          const isThread = result.event_type === 'thread';
          const author = result.sender_id ? personName(thread, users, result.sender_id, t) : null;
          return (
            <li
              key={resultKey(result, index)}
              id={`${ids.list}-${index}`}
              role="option"
              aria-selected={index === activeIndex}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => open(result)}
              className={`cursor-pointer rounded-md px-3 py-2 text-sm ${index === activeIndex ? 'bg-indigo-50 dark:bg-slate-800' : ''}`}
            >
              <span className="flex flex-wrap items-baseline gap-x-2 text-xs text-slate-600 dark:text-slate-400">
                {isThread ? (
                  <span className="font-semibold text-slate-900 dark:text-slate-100">{o.search.thread}</span>
                ) : (
                  <>
                    {author && <span className="font-semibold text-slate-900 dark:text-slate-100">{author}</span>}
                    {result.event_type === 'note_added' && (
                      <span className="rounded bg-amber-200 px-1 text-amber-900 dark:bg-amber-800 dark:text-amber-100">{o.note.tag}</span>
                    )}
                    <span>{o.search.inThread(title)}</span>
                  </>
                )}
                {result.created_at && <span>{formatDateTime(t.locale, result.created_at)}</span>}
              </span>
              <span className="block break-words">
                {highlightSegments(result.snippet.text, result.snippet.highlights).map((segment, at) =>
                  segment.hit ? (
                    <mark key={at} className="rounded bg-yellow-200 px-0.5 text-slate-950 dark:bg-yellow-300">
                      {segment.text}
                    </mark>
                  ) : (
                    <span key={at}>{segment.text}</span>
                  ),
                )}
              </span>
            </li>
          );
        })}
      </ul>
      {more.status !== 'none' && (
        <div className="border-t border-slate-200 px-4 py-2 text-center dark:border-slate-800">
          {more.status === 'failed' && (
            <p role="alert" className="mb-1 text-xs text-red-700 dark:text-red-300">
              {o.search.moreFailed(errorText(more.error, t))}
            </p>
          )}
          <button
            type="button"
            onClick={loadMore}
            disabled={more.status === 'loading'}
            className="min-h-6 text-sm text-indigo-700 underline disabled:text-slate-600 disabled:no-underline dark:text-indigo-300 dark:disabled:text-slate-400"
          >
            {more.status === 'loading' ? o.search.loadingMore : o.search.more}
          </button>
        </div>
      )}
    </ModalDialog>
  );
}
