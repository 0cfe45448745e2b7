import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Storage } from './storage.ts';
import { isStorageUnavailable, StorageUnavailableError, withDeadline } from './storage-unavailable.ts';

/** Calls that answer when the test says so. */
class ManualCalls {
  constructor(readonly pending: { resolve: (value: string) => void }[]) {}
  protected wait(): Promise<string> {
    return new Promise((resolve) => this.pending.push({ resolve }));
  }
}
class ManualUsers extends ManualCalls {
  async get(): Promise<string> {
    return this.wait();
  }
}
class ManualLog extends ManualCalls {
  async commitMessage(): Promise<string> {
    return this.wait();
  }
}

/** A stand-in storage whose calls answer when the test says so (the stores it lacks are never called). */
class ManualStorage {
  readonly pending: { resolve: (value: string) => void }[] = [];
  readonly users = new ManualUsers(this.pending);
  readonly log = new ManualLog(this.pending);
  readonly agents = {};
  readonly agentSettings = {};
  readonly threads = {};
  readonly visitors = {};
  readonly webhooks = {};
  readonly counters = {};
  readonly approvals = {};
  readonly runs = {};
  readonly ownership = {};
  readonly notes = {};
  readonly search = {};
  readonly push = {};
  readonly actionTokens = {};
  readonly emailOptOuts = {};
  readonly notifications = {};
  readonly followUps = {};
  readonly resumeTokens = {};
  readonly attachments = {};
  readonly privacy = {};
  readonly attachmentBytes = null;
  async close(): Promise<void> {}
}

const DEADLINES = { calls: { stallMs: 3_000, capMs: 15_000 }, exempt: new Set(['log.commitMessage']) };

describe('withDeadline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const wrap = () => {
    const inner = new ManualStorage();
    return { inner, storage: withDeadline(inner as unknown as Storage, DEADLINES) as unknown as ManualStorage };
  };

  it('fails a call with StorageUnavailableError once nothing has been answered for the stall time', async () => {
    const { storage } = wrap();
    const call = storage.users.get();
    const outcome = call.then(
      () => 'answered',
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(3_000);
    const error = await outcome;
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(isStorageUnavailable(error)).toBe(true);
  });

  it('lets a call wait while other calls keep being answered, up to the cap', async () => {
    const { inner, storage } = wrap();
    let settled: unknown = 'pending';
    storage.users.get().then(
      () => (settled = 'answered'),
      (error: unknown) => (settled = error),
    );
    for (let second = 1; second <= 12; second++) {
      const other = storage.users.get();
      inner.pending.at(-1)!.resolve('ok');
      await other;
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(settled).toBe('pending');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(settled).toBeInstanceOf(StorageUnavailableError);
  });

  it('gives exempt calls (appends waiting in a write lane) no deadline, and passes answers through', async () => {
    const { inner, storage } = wrap();
    let settled: unknown = 'pending';
    void storage.log.commitMessage().then((value) => (settled = value));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(settled).toBe('pending');
    inner.pending[0]!.resolve('committed');
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe('committed');
  });
});

describe('isStorageUnavailable', () => {
  it('knows connection errors, outage SQLSTATEs and its own deadline, also as a cause; not other errors', () => {
    const coded = (code: string, name = 'Error') => Object.assign(new Error(code), { code, name });
    expect(isStorageUnavailable(coded('ECONNREFUSED'))).toBe(true);
    expect(isStorageUnavailable(coded('CONNECTION_CLOSED'))).toBe(true);
    expect(isStorageUnavailable(coded('57P01', 'PostgresError'))).toBe(true);
    expect(isStorageUnavailable(coded('08006', 'PostgresError'))).toBe(true);
    expect(isStorageUnavailable(new Error('wrapped', { cause: coded('ECONNRESET') }))).toBe(true);
    expect(isStorageUnavailable(new StorageUnavailableError('late'))).toBe(true);
    expect(isStorageUnavailable(coded('23505', 'PostgresError'))).toBe(false);
    expect(isStorageUnavailable(new Error('a bug'))).toBe(false);
    expect(isStorageUnavailable('not an error')).toBe(false);
  });
});
