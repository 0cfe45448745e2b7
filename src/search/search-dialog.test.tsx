import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, never } from '../core/api/fake-fetch.ts';
import { FIXTURE_IDS, fixtureThread } from '../core/protocol/fixtures.ts';
import { fixtureSearchPage } from '../core/protocol/ownership-fixtures.ts';
import { renderInInbox } from '../ownership/render-in-inbox.tsx';
import { threadKeys } from '../threads/thread-queries.ts';
import { SearchDialog } from './search-dialog.tsx';
import { SEARCH_DEBOUNCE_MS } from './use-search.ts';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  // jsdom has no modal dialogs.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
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

  it('says when nothing was found', async () => {
    const { type, settle } = renderSearch(() => json({ results: [], next_cursor: null }));
    type('zebra');
    await settle();
    expect(screen.getByRole('status').textContent).toBe('Nothing found.');
  });
});
