import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { threadKeys, type ThreadPages } from '../threads/thread-queries.ts';
import { TITLE_SETTLE_MS, tabTitle, unreadTotal, watchTabTitle } from './tab-title.ts';

type Thread = ThreadPages['pages'][number]['threads'][number];

function pagesOf(...pages: [string, number][][]): ThreadPages {
  return {
    pages: pages.map((threads) => ({
      threads: threads.map(([id, unread]) => ({ id, unread_count: unread }) as unknown as Thread),
      next_cursor: null,
    })),
    pageParams: pages.map(() => null),
  } as unknown as ThreadPages;
}

/** Counts the writes to `document.title` (each one is work for the browser), keeping the title readable. */
function countTitleWrites(): { writes: number; stop(): void } {
  let owner: object | null = Object.getPrototypeOf(document);
  while (owner && !Object.getOwnPropertyDescriptor(owner, 'title')) owner = Object.getPrototypeOf(owner);
  const own = Object.getOwnPropertyDescriptor(owner!, 'title')!;
  const counter = { writes: 0, stop: () => Reflect.deleteProperty(document, 'title') };
  Object.defineProperty(document, 'title', {
    configurable: true,
    get: () => own.get!.call(document),
    set: (value: string) => {
      counter.writes++;
      own.set!.call(document, value);
    },
  });
  return counter;
}

describe('tabTitle', () => {
  it('shows the count before the name, up to 99', () => {
    expect(tabTitle(0, 'Inbox')).toBe('Inbox');
    expect(tabTitle(3, 'Inbox')).toBe('(3) Inbox');
    expect(tabTitle(99, 'Inbox')).toBe('(99) Inbox');
    expect(tabTitle(100, 'Posteingang')).toBe('(99+) Posteingang');
  });
});

describe('unreadTotal', () => {
  it('adds every loaded thread once, even one that moved to another page', () => {
    expect(unreadTotal(undefined)).toBe(0);
    expect(
      unreadTotal(
        pagesOf(
          [
            ['a', 2],
            ['b', 0],
          ],
          [
            ['c', 5],
            ['a', 2],
          ],
        ),
      ),
    ).toBe(7);
  });
});

describe('watchTabTitle', () => {
  const stops: (() => void)[] = [];
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    vi.useRealTimers();
    document.title = '';
  });

  it('shows the count at once, then follows the list in the cache', () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(threadKeys.all, pagesOf([['a', 1]]));
    stops.push(watchTabTitle(queryClient, 'Inbox'));
    expect(document.title).toBe('(1) Inbox');

    queryClient.setQueryData(
      threadKeys.all,
      pagesOf([
        ['a', 1],
        ['b', 2],
      ]),
    );
    vi.advanceTimersByTime(TITLE_SETTLE_MS);
    expect(document.title).toBe('(3) Inbox');
    queryClient.setQueryData(
      threadKeys.all,
      pagesOf([
        ['a', 0],
        ['b', 0],
      ]),
    );
    vi.advanceTimersByTime(TITLE_SETTLE_MS);
    expect(document.title).toBe('Inbox');
  });

  it('folds a count that flips up and down into no write, and a steady stream into one write per wait', () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(threadKeys.all, pagesOf([['a', 0]]));
    const counter = countTitleWrites();
    stops.push(counter.stop, watchTabTitle(queryClient, 'Inbox'));
    expect(counter.writes).toBe(1);
    // A message arrives in a hidden tab, and a visible tab reads it at once: 50 times.
    for (let i = 0; i < 50; i++) {
      queryClient.setQueryData(threadKeys.all, pagesOf([['a', 1]]));
      queryClient.setQueryData(threadKeys.all, pagesOf([['a', 0]]));
      vi.advanceTimersByTime(TITLE_SETTLE_MS / 5);
    }
    expect(document.title).toBe('Inbox');
    expect(counter.writes).toBe(1);
    // 50 messages unread, one every 20 ms (a second): a few writes, the last one right.
    for (let i = 1; i <= 50; i++) {
      queryClient.setQueryData(threadKeys.all, pagesOf([['a', i]]));
      vi.advanceTimersByTime(20);
    }
    vi.advanceTimersByTime(TITLE_SETTLE_MS);
    expect(document.title).toBe('(50) Inbox');
    expect(counter.writes).toBeLessThanOrEqual(1 + Math.ceil(1_000 / TITLE_SETTLE_MS) + 1);
  });

  it('ignores the other queries, and stops when told', () => {
    const queryClient = new QueryClient();
    const stop = watchTabTitle(queryClient, 'Inbox');
    expect(document.title).toBe('Inbox');
    queryClient.setQueryData(['something-else'], pagesOf([['a', 4]]));
    vi.advanceTimersByTime(TITLE_SETTLE_MS);
    expect(document.title).toBe('Inbox');
    queryClient.setQueryData(threadKeys.all, pagesOf([['a', 4]]));
    stop();
    vi.advanceTimersByTime(TITLE_SETTLE_MS);
    expect(document.title).toBe('Inbox');
  });
});
