import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-error.ts';
import { POLL_BACKOFF_BASE_MS, POLL_BACKOFF_MAX_MS, pollBackoffMs, pollThreadEvents, type PollPage } from './poll-thread-events.ts';

interface Ev {
  thread_seq: number;
}

const INTERVAL = 1_000;

/** A growing log served in pages of `pageSize`, like the poll endpoint. */
function logServer(pageSize: number) {
  const log: Ev[] = [];
  const afterSeqs: number[] = [];
  return {
    afterSeqs,
    append(count: number) {
      for (let i = 0; i < count; i++) log.push({ thread_seq: log.length + 1 });
    },
    fetchPage: async (afterSeq: number): Promise<PollPage<Ev>> => {
      afterSeqs.push(afterSeq);
      const events = log.filter((event) => event.thread_seq > afterSeq).slice(0, pageSize);
      return { events, has_more: log.length > afterSeq + events.length };
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pollThreadEvents', () => {
  it('pages at once while has_more, then waits, and delivers every event once in order', async () => {
    const server = logServer(2);
    server.append(5);
    const seen: number[] = [];
    const controller = new AbortController();
    const done = pollThreadEvents(server.fetchPage, (event) => void seen.push(event.thread_seq), 0, {
      intervalMs: INTERVAL,
      signal: controller.signal,
    });

    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(server.afterSeqs).toEqual([0, 2, 4]);

    server.append(3);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    controller.abort();
    await expect(done).resolves.toBeUndefined();
  });

  it('starts after the given seq', async () => {
    const server = logServer(50);
    server.append(4);
    const seen: number[] = [];
    const controller = new AbortController();
    const done = pollThreadEvents(server.fetchPage, (event) => void seen.push(event.thread_seq), 2, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(0);
    controller.abort();
    await done;
    expect(seen).toEqual([3, 4]);
  });

  it('delivers once, in seq order, when a page repeats or reorders events', async () => {
    const pages: PollPage<Ev>[] = [
      { events: [{ thread_seq: 2 }, { thread_seq: 1 }, { thread_seq: 2 }], has_more: true },
      { events: [{ thread_seq: 2 }, { thread_seq: 3 }], has_more: false },
    ];
    const seen: number[] = [];
    const controller = new AbortController();
    const done = pollThreadEvents(
      async () => pages.shift() ?? { events: [], has_more: false },
      (event) => void seen.push(event.thread_seq),
      0,
      {
        intervalMs: INTERVAL,
        signal: controller.signal,
      },
    );
    await vi.advanceTimersByTimeAsync(INTERVAL * 3);
    controller.abort();
    await done;
    expect(seen).toEqual([1, 2, 3]);
  });

  it('stops when aborted mid-wait, and asks for nothing more', async () => {
    const server = logServer(10);
    server.append(1);
    const controller = new AbortController();
    const done = pollThreadEvents(server.fetchPage, () => {}, 0, { intervalMs: INTERVAL, signal: controller.signal });
    await vi.advanceTimersByTimeAsync(INTERVAL / 2);
    controller.abort();
    await expect(done).resolves.toBeUndefined();
    const asked = server.afterSeqs.length;
    await vi.advanceTimersByTimeAsync(INTERVAL * 10);
    expect(server.afterSeqs).toHaveLength(asked);
  });

  it('stops when aborted mid-request, and delivers nothing from the late page', async () => {
    let answer: (page: PollPage<Ev>) => void = () => {};
    const seen: number[] = [];
    const controller = new AbortController();
    const done = pollThreadEvents(
      () => new Promise<PollPage<Ev>>((resolve) => (answer = resolve)),
      (event) => void seen.push(event.thread_seq),
      0,
      { signal: controller.signal },
    );
    await vi.advanceTimersByTimeAsync(0);
    controller.abort();
    await expect(done).resolves.toBeUndefined();
    answer({ events: [{ thread_seq: 1 }], has_more: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([]);
  });

  it('waits out a retryable ApiError, at least its Retry-After, and carries on', async () => {
    const server = logServer(10);
    server.append(2);
    let failures = 1;
    const seen: number[] = [];
    const controller = new AbortController();
    const done = pollThreadEvents(
      async (afterSeq) => {
        if (failures-- > 0) throw new ApiError('rate_limited', 'Too many.', true, 429, 5_000);
        return server.fetchPage(afterSeq);
      },
      (event) => void seen.push(event.thread_seq),
      0,
      { intervalMs: INTERVAL, signal: controller.signal, random: () => 0 },
    );
    await vi.advanceTimersByTimeAsync(4_999);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([1, 2]);
    controller.abort();
    await done;
  });

  it('rejects on a non-retryable ApiError and on any other error', async () => {
    const forbidden = new ApiError('forbidden', 'Not yours.', false, 403);
    await expect(
      pollThreadEvents(
        () => Promise.reject(forbidden),
        () => {},
      ),
    ).rejects.toBe(forbidden);
    const bug = new Error('bug in fetchPage');
    await expect(
      pollThreadEvents(
        () => Promise.reject(bug),
        () => {},
      ),
    ).rejects.toBe(bug);
  });

  it('does not spin when a server says has_more but sends nothing new', async () => {
    const afterSeqs: number[] = [];
    const controller = new AbortController();
    const done = pollThreadEvents(
      async (afterSeq) => {
        afterSeqs.push(afterSeq);
        return { events: [], has_more: true };
      },
      () => {},
      0,
      { intervalMs: INTERVAL, signal: controller.signal },
    );
    await vi.advanceTimersByTimeAsync(INTERVAL * 3);
    controller.abort();
    await done;
    expect(afterSeqs).toEqual([0, 0, 0, 0]);
  });
});

describe('pollBackoffMs', () => {
  it('doubles per failure within [half, full] of the step, capped, and honours Retry-After', () => {
    expect(pollBackoffMs(1, null, () => 0)).toBe(POLL_BACKOFF_BASE_MS / 2);
    expect(pollBackoffMs(1, null, () => 0.999_999)).toBeCloseTo(POLL_BACKOFF_BASE_MS, 0);
    expect(pollBackoffMs(3, null, () => 0)).toBe((POLL_BACKOFF_BASE_MS * 4) / 2);
    expect(pollBackoffMs(50, null, () => 0.999_999)).toBeLessThanOrEqual(POLL_BACKOFF_MAX_MS);
    expect(pollBackoffMs(1, 12_000, () => 0)).toBe(12_000);
  });
});
