import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffCeiling, backoffDelay } from './backoff.ts';

describe('backoff', () => {
  it('keeps every delay within [0, min(cap, base × 2^attempt)]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, () => r);
        const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(Number.isFinite(delay)).toBe(true);
      }),
    );
  });

  it('is full jitter: the delay is random × ceiling, so it spans the whole range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        expect(backoffDelay(attempt, () => r)).toBe(Math.floor(r * backoffCeiling(attempt)));
      }),
    );
    // The extremes of random() reach both ends of the range.
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 1)).toBe(BACKOFF_BASE_MS * 8);
  });

  it('grows by doubling and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffCeiling(attempt))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(backoffCeiling(10_000)).toBe(BACKOFF_CAP_MS);
  });

  it('clamps a random source that strays outside [0, 1] and odd attempts', () => {
    expect(backoffDelay(2, () => 7)).toBe(2_000);
    expect(backoffDelay(2, () => -1)).toBe(0);
    expect(backoffCeiling(-5)).toBe(BACKOFF_BASE_MS);
    expect(backoffCeiling(Number.NaN)).toBe(BACKOFF_BASE_MS);
  });
});
