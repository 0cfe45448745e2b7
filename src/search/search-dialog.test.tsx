import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, never } from '../core/api/fake-fetch.ts';
import { FIXTURE_IDS, fixtureThread } from '../core/protocol/fixtures.ts';
import { fixtureSearchPage } from '../core/protocol/ownership-fixtures.ts';
import { renderInInbox } from '../ownership/render-in-inbox.tsx';
import { threadKeys } from '../threads/thread-queries.ts';
import { SearchDialog } from './search-dialog.tsx';
import { SEARCH_DEBOUNCE_MS } from './use-search.ts';
import { installModalDialogs } from '../ui/testing/modal-dialogs.ts';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  installModalDialogs();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function renderSearch(answer: (q: string) => Response | Promise<Response> = () => json(fixtureSearchPage)) {
  const onOpen = vi.fn();
  const view = renderInInbox(<SearchDialog onOpen={onOpen} onClose={() => undefined} />, (request) =>
    request.url.pathname.endsWith('/users') ? json({ users: [] }) : answer(request.url.searchParams.get('q') ?? ''),
  );
  view.queryClient.setQueryData(threadKeys.all, { pages: [{ threads: [fixtureThread], next_cursor: null }], pageParams: [null] });
  const searches = () => view.requests.filter((request) => request.url.pathname.endsWith('/chat/search'));
  const field = screen.getByRole('combobox', { name: 'Search' });
  const type = (text: string) => fireEvent.change(field, { target: { value: text } });
  const settle = () => act(() => vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS));
  return { ...view, onOpen, searches, field, type, settle };
}

describe('SearchDialog', () => {
  it('searches once typing pauses, and a newer query cancels the older request', async () => {
    const { searches, type, settle } = renderSearch((q) => (q === 'refund' ? never() : json(fixtureSearchPage)));
    expect(document.activeElement).toBe(screen.getByRole('combobox', { name: 'Search' }));
    type('r');
    type('re');
    type('refund');
    await settle();
    expect(searches().map((request) => request.url.searchParams.get('q'))).toEqual(['refund']);
    type('refund "order');
    await settle();
    expect(searches().map((request) => request.url.searchParams.get('q'))).toEqual(['refund', 'refund "order']);
    expect(searches()[0]!.signal?.aborted).toBe(true);
    expect(searches()[1]!.signal?.aborted).toBe(false);
  });

  it('shows each result with its thread and author, the matched words marked from the offsets, never markup', async () => {
    const { type, settle } = renderSearch();
    type('refund');
    await settle();
    const list = screen.getByRole('listbox', { name: 'Results' });
    const options = within(list).getAllByRole('option');
    expect(options).toHaveLength(3);
    expect(options[0]!.textContent).toContain('Thread');
    expect(options[1]!.textContent).toContain('Alice');
    expect(options[1]!.textContent).toContain('in Order 42');
    expect(options[1]!.textContent).toContain('…can you <b>refund</b> order 42?');
    expect(options[1]!.querySelector('b')).toBeNull();
    expect([...options[1]!.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['refund']);
    expect(options[2]!.textContent).toContain('Note');
    expect(screen.getByRole('status').textContent).toBe('3 results');
  });

  it('moves through the results with the arrow keys and opens one with Enter, at its message', async () => {
    const { type, settle, field, onOpen } = renderSearch();
    type('refund');
    await settle();
    const options = screen.getAllByRole('option');
    expect(options[0]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(field, { key: 'ArrowDown' });
    expect(options[1]!.getAttribute('aria-selected')).toBe('true');
    expect(field.getAttribute('aria-activedescendant')).toBe(options[1]!.id);
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(FIXTURE_IDS.thread, 1);
    fireEvent.keyDown(field, { key: 'ArrowUp' });
    fireEvent.keyDown(field, { key: 'ArrowUp' });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(onOpen).toHaveBeenLastCalledWith(FIXTURE_IDS.thread, 13);
  });

  /** Page one is the fixture page with a cursor; page two repeats its last result and adds two. */
  function paged(request: URLSearchParams): Response {
    const [, , last] = fixtureSearchPage.results;
    if (request.get('cursor') === null) return json({ ...fixtureSearchPage, next_cursor: 'page-2' });
    expect(request.get('cursor')).toBe('page-2');
    const later = (seq: number, text: string) => ({
      ...last,
      thread_seq: seq,
      event_type: 'message_committed',
      snippet: { text, highlights: [] },
    });
    return json({ results: [last, later(30, 'Refund sent.'), later(31, 'Refund confirmed.')], next_cursor: null });
  }

  function renderPaged() {
    const onOpen = vi.fn();
    const view = renderInInbox(<SearchDialog onOpen={onOpen} onClose={() => undefined} />, (request) =>
      request.url.pathname.endsWith('/users') ? json({ users: [] }) : paged(request.url.searchParams),
    );
    const searches = () => view.requests.filter((request) => request.url.pathname.endsWith('/chat/search'));
    const field = screen.getByRole('combobox', { name: 'Search' });
    fireEvent.change(field, { target: { value: 'refund' } });
    return { onOpen, searches, field, settle: () => act(() => vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS)) };
  }

  const optionTexts = () => screen.getAllByRole('option').map((option) => option.textContent);

  it('"More results" loads the next page with the cursor; each result shows once', async () => {
    const { searches, settle } = renderPaged();
    await settle();
    expect(screen.getAllByRole('option')).toHaveLength(3);
    fireEvent.click(screen.getByRole('button', { name: 'More results' }));
    await settle();
    expect(searches().map((request) => request.url.searchParams.get('cursor'))).toEqual([null, 'page-2']);
    expect(searches()[1]!.url.searchParams.get('q')).toBe('refund');
    expect(optionTexts()).toHaveLength(5);
    expect(optionTexts().filter((text) => text?.includes('Refund approved by finance.'))).toHaveLength(1);
    expect(optionTexts().at(-1)).toContain('Refund confirmed.');
    // The last page: no more to ask for.
    expect(screen.queryByRole('button', { name: 'More results' })).toBeNull();
  });

  it('scrolling the results to their end loads the next page', async () => {
    const { searches, settle } = renderPaged();
    await settle();
    const list = screen.getByRole('listbox', { name: 'Results' });
    // jsdom lays nothing out: a list scrolled to its end has no height left below.
    fireEvent.scroll(list);
    await settle();
    expect(searches()).toHaveLength(2);
    expect(optionTexts()).toHaveLength(5);
  });

  it('↓ past the last result loads the next page, then goes on into it; Enter opens it', async () => {
    const { field, onOpen, searches, settle } = renderPaged();
    await settle();
    for (let i = 0; i < 3; i++) fireEvent.keyDown(field, { key: 'ArrowDown' });
    await settle();
    expect(searches()).toHaveLength(2);
    expect(screen.getAllByRole('option')[2]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(field, { key: 'ArrowDown' });
    fireEvent.keyDown(field, { key: 'ArrowDown' });
    expect(field.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('option')[4]!.id);
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(onOpen).toHaveBeenLastCalledWith(FIXTURE_IDS.thread, 31);
    // The end of every page: ↓ wraps to the first.
    fireEvent.keyDown(field, { key: 'ArrowDown' });
    expect(screen.getAllByRole('option')[0]!.getAttribute('aria-selected')).toBe('true');
  });

  it('says when nothing was found', async () => {
    const { type, settle } = renderSearch(() => json({ results: [], next_cursor: null }));
    type('zebra');
    await settle();
    expect(screen.getByRole('status').textContent).toBe('Nothing found.');
  });
});
