import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { SharedRateLimiter } from './shared-rate-limiter.ts';

describe('SharedRateLimiter', () => {
  it('shares one count per key between processes on one database, and gives back within the window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ama2-shared-limit-'));
    // Two handles on one file, as two server processes would have.
    const first = new SqliteStorage(join(dir, 'db.sqlite'));
    const second = new SqliteStorage(join(dir, 'db.sqlite'));
    let now = 1_000;
    const a = new SharedRateLimiter(first, 'messages', 3, 60_000, () => now);
    const b = new SharedRateLimiter(second, 'messages', 3, 60_000, () => now);
    const other = new SharedRateLimiter(second, 'logins', 3, 60_000, () => now);
    try {
      expect(await a.take('1.1.1.1')).toEqual({ ok: true });
      expect(await b.take('1.1.1.1')).toEqual({ ok: true });
      now = 16_000;
      expect(await a.take('1.1.1.1')).toEqual({ ok: true });
      expect(await b.take('1.1.1.1')).toEqual({ ok: false, retryAfterMs: 45_000 });
      // Another key, or the same key of another limit, counts on its own.
      expect(await b.take('2.2.2.2')).toEqual({ ok: true });
      expect(await other.take('1.1.1.1')).toEqual({ ok: true });
      await a.refund('2.2.2.2');
      for (let i = 0; i < 3; i++) expect((await b.take('2.2.2.2')).ok).toBe(true);
      expect((await a.take('2.2.2.2')).ok).toBe(false);
      // The window opened by the first hit ends for both processes at once.
      now = 61_000;
      expect(await b.take('1.1.1.1')).toEqual({ ok: true });
    } finally {
      for (const limiter of [a, b, other]) limiter.dispose();
      await first.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
