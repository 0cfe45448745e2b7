import { expect, it } from 'vitest';
import type { ContractOpen } from './fixtures.ts';

/** Storage contract rules of rate-limit counters. */
export function counterRules(open: ContractOpen): void {
  it('rule 20: a rate counter counts every hit of a key atomically, opens a new window after the last ended, and gives back only within it', async () => {
    const { storage } = await open();
    const hits = await Promise.all(Array.from({ length: 10 }, () => storage.counters.hit('k', 1_000, 60_000)));
    expect(hits.map((hit) => hit.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(hits.map((hit) => hit.resetAt))).toEqual(new Set([61_000]));
    expect(await storage.counters.hit('other', 30_000, 60_000)).toEqual({ count: 1, resetAt: 90_000 });
    await storage.counters.refund('k', 50_000);
    expect(await storage.counters.hit('k', 60_999, 60_000)).toEqual({ count: 10, resetAt: 61_000 });
    // The window has ended: a refund does nothing, and the next hit opens a new window.
    await storage.counters.refund('k', 61_000);
    expect(await storage.counters.hit('k', 70_000, 60_000)).toEqual({ count: 1, resetAt: 130_000 });
    await storage.counters.refund('k', 70_001);
    await storage.counters.refund('k', 70_002);
    expect(await storage.counters.hit('k', 70_003, 60_000)).toEqual({ count: 1, resetAt: 130_000 });
    // Pruning forgets ended windows only.
    await storage.counters.prune(100_000);
    expect(await storage.counters.hit('other', 100_000, 60_000)).toEqual({ count: 1, resetAt: 160_000 });
    expect(await storage.counters.hit('k', 100_000, 60_000)).toEqual({ count: 2, resetAt: 130_000 });
    await storage.close();
  });
}
