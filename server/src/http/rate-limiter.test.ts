import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

describe('RateLimiter', () => {
  it('allows the limit per window and key, then says when to try again', () => {
    let now = 1_000;
    const limiter = new RateLimiter(2, 60_000, () => now);
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('b')).toEqual({ ok: true });
    now += 15_000;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 45_000 });
    now += 45_000;
    expect(limiter.take('a')).toEqual({ ok: true });
    limiter.dispose();
  });

  it('gives back a count taken in the current window', () => {
    let now = 0;
    const limiter = new RateLimiter(1, 60_000, () => now);
    expect(limiter.take('a')).toEqual({ ok: true });
    limiter.refund('a');
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 60_000 });
    limiter.refund('unknown');
    now += 60_000;
    limiter.refund('a');
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a').ok).toBe(false);
    limiter.dispose();
  });
});
